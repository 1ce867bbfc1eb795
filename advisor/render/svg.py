"""Inline SVG charts for the report: plain data in, an ``<svg>`` string out.

The charts know nothing of rules or languages: the caller passes every word already translated.
All text is escaped. Output is deterministic (integer coordinates, no random ids) and readable
in black and white: each priority has its own pattern as well as its own colour, each Ulrich
type its own marker shape and letter, and every number is written out.

The ``<svg>`` elements carry no ``xmlns`` (they are meant to be inlined in HTML5, where the
parser supplies it) and reference nothing outside themselves. Pattern ids start with the
caller's ``prefix`` so that several charts can share one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Optional, Sequence

__all__ = [
    "Block",
    "Bar",
    "BarGroup",
    "Marker",
    "Column",
    "LadderLevel",
    "factor_chart",
    "ladder_chart",
    "wrap",
    "PRIORITY_ORDER",
    "STRENGTH",
    "ULRICH_ORDER",
]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1a1a1a"
#: Priorities from the most to the least pressing; the order blocks are drawn in.
PRIORITY_ORDER = ("critical", "high", "medium", "low")
#: Ulrich's four types in the thesis's order (A-D), each with its marker letter.
ULRICH_ORDER = ("steered", "responsibilising", "equal", "facilitating")
ULRICH_LETTER = {"steered": "A", "responsibilising": "B", "equal": "C", "facilitating": "D"}
_COLOUR = {"critical": "#7a1616", "high": "#b8480e", "medium": "#8a6d00", "low": "#3d6384"}
#: The "priority" of a block that shows a strength: a white box with a thick green frame.
STRENGTH = "strength"
_STRENGTH_COLOUR = "#2e6b34"


def esc(text: object) -> str:
    """``text`` escaped for XML content and attribute values."""
    return escape(str(text), quote=True)


def _text_width(text: str, size: float) -> float:
    """A rough width estimate of ``text`` at font ``size`` (sans-serif, average glyph)."""
    return len(text) * size * 0.56


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters, at spaces where possible.

    More than ``max_lines`` lines are cut, the last one ending in an ellipsis.
    """
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return lines or [""]


def _defs(prefix: str) -> str:
    """Fill patterns per priority: solid, dense hatching, sparse hatching, dots."""
    c = _COLOUR
    return (
        "<defs>"
        f'<pattern id="{prefix}-high" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{c["high"]}"/></pattern>'
        f'<pattern id="{prefix}-medium" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">'
        f'<rect width="8" height="8" fill="#fff"/><rect width="1.6" height="8" fill="{c["medium"]}"/></pattern>'
        f'<pattern id="{prefix}-low" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.1" fill="{c["low"]}"/></pattern>'
        "</defs>"
    )


def _fill(prefix: str, priority: str) -> str:
    if priority == STRENGTH:
        return "#fff"
    return _COLOUR["critical"] if priority == "critical" else f"url(#{prefix}-{priority})"


def _stroke(priority: str) -> str:
    if priority == STRENGTH:
        return f'stroke="{_STRENGTH_COLOUR}" stroke-width="3"'
    return f'stroke="{INK}" stroke-width="1"'


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
    halo: bool = False,
    cls: str = "",
) -> str:
    attrs = [f'x="{x:g}"', f'y="{y:g}"', f'font-size="{size:g}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if weight != "normal":
        attrs.append(f'font-weight="{weight}"')
    attrs.append(f'fill="{fill}"')
    if halo:
        attrs.append('stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"')
    if cls:
        attrs.append(f'class="{cls}"')
    return f"<text {' '.join(attrs)}>{esc(text)}</text>"


def _open(width: int, height: int, title: str, desc: str, cls: str) -> str:
    return (
        f'<svg class="{cls}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'font-family="{esc(FONT)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>"
    )


# --------------------------------------------------------------------------------------------
# the four factors


@dataclass(frozen=True)
class Block:
    """One finding in a bar: a box filled by its priority (or framed green for a
    :data:`STRENGTH`), labelled with its rule id."""

    label: str
    priority: str
    tooltip: str = ""


@dataclass(frozen=True)
class Bar:
    """One informant's findings in one factor; ``note`` is written to the right of the bar."""

    label: Optional[str]
    blocks: tuple[Block, ...]
    note: str
    empty_text: str = ""


@dataclass(frozen=True)
class BarGroup:
    """One factor: a heading and one bar per informant."""

    label: str
    bars: tuple[Bar, ...]


def factor_chart(
    groups: Sequence[BarGroup],
    legend: Sequence[tuple[str, str]],
    *,
    title: str,
    desc: str,
    prefix: str = "fc",
) -> str:
    """Bars of findings per factor, one block per finding, most pressing first.

    ``legend`` pairs each priority with its label, in the order to show.
    """
    width = 900
    label_w = 210
    note_w = 230
    bar_x = label_w + 10
    bar_w = width - bar_x - note_w
    bar_h = 24
    # A block wide enough for its rule id; a bar with more blocks than fit goes on in a new row
    # below, so that every block keeps its label however many findings a factor has.
    per_row = max(1, bar_w // 64)
    most = max([min(len(b.blocks), per_row) for g in groups for b in g.bars] + [1])
    block_w = max(8, min(76, bar_w // most))
    with_labels = any(b.label for g in groups for b in g.bars)

    def bar_rows(bar: Bar) -> int:
        return max(1, -(-len(bar.blocks) // per_row))

    out: list[str] = []
    y = 8
    for group in groups:
        # With labelled bars (several informants) the factor is a heading above its bars;
        # otherwise it sits to the left of its one bar.
        head = [group.label] if with_labels else wrap(group.label, 24, 2)
        top = 26 if with_labels else 0
        bars_h = sum(bar_rows(b) * (bar_h + 3) + 3 for b in group.bars)
        group_h = max(top + bars_h + 4, len(head) * 17 + 8)
        out.append('<g class="factor">')
        out.append(f'<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#bbb" stroke-width="1"/>')
        for i, line in enumerate(head):
            out.append(_text(0, y + 21 + 17 * i, line, size=15, weight="bold"))
        by = y + 6 + top
        for bar in group.bars:
            cy = by + bar_h // 2 + 4
            if with_labels and bar.label:
                out.append(_text(bar_x - 6, cy, bar.label, size=12, anchor="end", fill="#444"))
            x = bar_x
            if not bar.blocks:
                out.append(
                    f'<rect x="{bar_x}" y="{by}" width="{block_w * 2}" height="{bar_h}" fill="none" '
                    f'stroke="#888" stroke-dasharray="4 3"/>'
                )
                out.append(_text(bar_x + 8, cy, bar.empty_text, size=12, fill="#444"))
                x = bar_x + block_w * 2
            for i, block in enumerate(bar.blocks):
                bx = x + (i % per_row) * block_w
                row_y = by + (i // per_row) * (bar_h + 3)
                row_cy = row_y + bar_h // 2 + 4
                out.append(
                    f'<rect x="{bx}" y="{row_y}" width="{block_w}" height="{bar_h}" fill="{_fill(prefix, block.priority)}" '
                    f"{_stroke(block.priority)}><title>{esc(block.tooltip or block.label)}</title></rect>"
                )
                if _text_width(block.label, 10.5) + 4 <= block_w:
                    if block.priority == "critical":
                        out.append(
                            _text(bx + block_w / 2, row_cy, block.label, size=10.5, anchor="middle", fill="#fff")
                        )
                    else:
                        out.append(_text(bx + block_w / 2, row_cy, block.label, size=10.5, anchor="middle", halo=True))
            out.append(_text(bar_x + bar_w + 12, cy, bar.note, size=13))
            by += bar_rows(bar) * (bar_h + 3) + 3
        out.append("</g>")
        y += group_h + 8
    # legend
    y += 6
    x = 0
    legend_parts = []
    for priority, label in legend:
        legend_parts.append(
            f'<rect x="{x}" y="{y}" width="26" height="16" fill="{_fill(prefix, priority)}" {_stroke(priority)}/>'
        )
        legend_parts.append(_text(x + 32, y + 13, label, size=13))
        x += 32 + int(_text_width(label, 13)) + 24
    height = y + 24
    return (
        _open(width, height, title, desc, "chart factor-chart")
        + _defs(prefix)
        + "".join(out)
        + '<g class="legend">'
        + "".join(legend_parts)
        + "</g></svg>"
    )


# --------------------------------------------------------------------------------------------
# the ladder of co-creation


@dataclass(frozen=True)
class Marker:
    """One informant's placement of an arena: a level (or ``None``) and an Ulrich type (or ``None``)."""

    level: Optional[int]
    ulrich: Optional[str]
    tag: str = ""
    tooltip: str = ""


@dataclass(frozen=True)
class Column:
    """One arena: its name and the markers of the informants who name it."""

    label: str
    markers: tuple[Marker, ...]
    differs: bool = False


@dataclass(frozen=True)
class LadderLevel:
    level: int
    label: str
    description: str


def _marker(cx: float, cy: float, ulrich: Optional[str]) -> str:
    r = 12
    style = f'fill="#fff" stroke="{INK}" stroke-width="1.8"'
    if ulrich == "steered":
        shape = f'<rect x="{cx - r:g}" y="{cy - r:g}" width="{2 * r}" height="{2 * r}" {style}/>'
    elif ulrich == "responsibilising":
        shape = f'<polygon points="{cx:g},{cy - r - 3:g} {cx + r + 2:g},{cy + r:g} {cx - r - 2:g},{cy + r:g}" {style}/>'
    elif ulrich == "equal":
        shape = f'<circle cx="{cx:g}" cy="{cy:g}" r="{r + 1}" {style}/>'
    elif ulrich == "facilitating":
        shape = f'<polygon points="{cx:g},{cy - r - 3:g} {cx + r + 3:g},{cy:g} {cx:g},{cy + r + 3:g} {cx - r - 3:g},{cy:g}" {style}/>'
    else:
        shape = f'<circle cx="{cx:g}" cy="{cy:g}" r="{r}" fill="#fff" stroke="{INK}" stroke-width="1.5" stroke-dasharray="3 2"/>'
    letter = ULRICH_LETTER.get(ulrich or "", "?")
    dy = 4 if ulrich != "responsibilising" else 6
    return shape + _text(cx, cy + dy, letter, size=12, anchor="middle", weight="bold")


def ladder_chart(
    levels: Sequence[LadderLevel],
    columns: Sequence[Column],
    *,
    unknown_label: str,
    ulrich_legend: Sequence[tuple[str, str]],
    informant_legend: Sequence[tuple[str, str]] = (),
    empty_text: str = "",
    title: str,
    desc: str,
) -> str:
    """Arenas placed on the five levels of the ladder, level 5 at the top.

    Each arena is a column; each informant's placement is a marker shaped and lettered by
    Ulrich type (tagged with the informant's number when there are several). Arenas whose
    level is unknown sit in an extra row below level 1.
    """
    width = 900
    label_w = 260
    band_h = 66
    plot_x = label_w + 10
    plot_w = width - plot_x - 10
    has_unknown = any(m.level is None for c in columns for m in c.markers)
    rows: list[tuple[Optional[int], str, str]] = [
        (lv.level, lv.label, lv.description) for lv in sorted(levels, key=lambda lv: -lv.level)
    ]
    if has_unknown:
        rows.append((None, unknown_label, ""))
    n = max(len(columns), 1)
    col_w = min(150, plot_w // n)
    offset = (plot_w - col_w * n) // 2 if columns else 0
    chars = max(6, int((col_w - 6) / (12 * 0.56)))
    name_lines = [wrap(c.label, chars, 3) for c in columns]
    names_h = max([len(lines) for lines in name_lines] + [1]) * 15 + 12
    out: list[str] = []
    y0 = 6
    level_y: dict[Optional[int], float] = {}
    for i, (level, label, description) in enumerate(rows):
        top = y0 + i * band_h
        level_y[level] = top + band_h / 2
        fill = "#f0f0f0" if i % 2 == 0 else "#fff"
        dash = ' stroke-dasharray="4 3"' if level is None else ""
        out.append(f'<rect x="0" y="{top}" width="{width}" height="{band_h}" fill="{fill}" stroke="#999"{dash}/>')
        out.append(_text(8, top + 19, label, size=14, weight="bold"))
        for j, line in enumerate(wrap(description, 40, 3)):
            if line:
                out.append(_text(8, top + 34 + 13 * j, line, size=11.5, fill="#333"))
    bottom = y0 + len(rows) * band_h
    out.append(f'<line x1="{label_w}" y1="{y0}" x2="{label_w}" y2="{bottom}" stroke="#999"/>')
    if not columns and empty_text:
        out.append(_text(plot_x + 10, y0 + band_h * 2.5 + 4, empty_text, size=13, fill="#444"))
    for k, (column, lines) in enumerate(zip(columns, name_lines)):
        cx = plot_x + offset + k * col_w + col_w / 2
        markers = column.markers
        placed = sorted({m.level for m in markers if m.level is not None})
        if len(placed) > 1:
            out.append(
                f'<line x1="{cx:g}" y1="{level_y[placed[0]]:g}" x2="{cx:g}" y2="{level_y[placed[-1]]:g}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
        by_level: dict[Optional[int], list[Marker]] = {}
        for m in markers:
            by_level.setdefault(m.level, []).append(m)
        for level, group in by_level.items():
            step = 38
            start = cx - step * (len(group) - 1) / 2
            for j, m in enumerate(group):
                mx = start + j * step
                my = level_y[level]
                out.append(f'<g class="marker"><title>{esc(m.tooltip)}</title>{_marker(mx, my, m.ulrich)}')
                if m.tag:
                    out.append(_text(mx + 15, my - 10, m.tag, size=11, weight="bold", halo=True))
                out.append("</g>")
        for j, line in enumerate(lines):
            weight = "bold" if column.differs else "normal"
            out.append(_text(cx, bottom + 17 + 15 * j, line, size=12, anchor="middle", weight=weight))
    y = bottom + names_h + 8
    legend: list[str] = []
    x = 0
    for ulrich, label in ulrich_legend:
        legend.append(_marker(x + 12, y + 12, None if ulrich == "unknown" else ulrich))
        legend.append(_text(x + 30, y + 17, label, size=13))
        x += 30 + int(_text_width(label, 13) * 0.95) + 24
        if x > width - 160:
            x = 0
            y += 30
    if informant_legend:
        y += 32 if x else 0
        x = 0
        for tag, label in informant_legend:
            legend.append(_text(x, y + 17, tag, size=12, weight="bold"))
            legend.append(_text(x + 14, y + 17, f"= {label}", size=13))
            x += 14 + int(_text_width(f"= {label}", 13)) + 24
    height = y + 32
    return (
        _open(width, height, title, desc, "chart ladder-chart")
        + "".join(out)
        + '<g class="legend">'
        + "".join(legend)
        + "</g></svg>"
    )
