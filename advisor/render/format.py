"""Render assessments and rules as text: terminal tables (tabulate's "simple" format), Markdown (md, md_table) and JSON.

Every function returns a string and is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
from typing import Any, Iterable, Iterator, Mapping, Optional, Protocol, Sequence

from ..engine.assessment import Assessment, ContrastingView, Finding, Manifest
from ..core.i18n import t
from ..profile.questions import question_text, value_text
from ..rules.pack import Rule, RulePack, Text
from .conditions import describe, words
from .formats import formats_of, model_json, render_text
from .markdown import Markup, md, md_table
from .table import simple_table

__all__ = [
    "step_title",
    "citation_text",
    "finding_links_md",
    "contrast_lines",
    "manifest_line",
    "to_json",
    "to_table",
    "to_markdown",
    "FORMATS",
    "render",
    "rules_table",
    "rule_detail",
    "DEFAULT_WIDTH",
    "output_width",
    "text_width",
    "use_width",
    "fit_table",
    "fit_lines",
]

FORMATS = formats_of("assessment")

#: Width of text output when the terminal's is not known (not a terminal, no ``COLUMNS``).
DEFAULT_WIDTH = 80
#: Narrowest width text output is fitted to.
MIN_WIDTH = 40
_WIDTH = [DEFAULT_WIDTH]


def output_width(environ: "Mapping[str, str] | None" = None, stream: Any = None) -> int:
    """The width the command line fits its text to: ``COLUMNS`` if set, else the terminal's
    when standard output is one, else :data:`DEFAULT_WIDTH` (80); never below :data:`MIN_WIDTH`."""
    env = os.environ if environ is None else environ
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    stream = sys.stdout if stream is None else stream
    try:
        if stream.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, OSError, ValueError):
        pass
    return DEFAULT_WIDTH


def text_width() -> int:
    """The width text is fitted to now: :data:`DEFAULT_WIDTH`, or what :func:`use_width` set."""
    return _WIDTH[0]


@contextlib.contextmanager
def use_width(width: int) -> Iterator[None]:
    """Fit the text rendered inside the ``with`` block to ``width`` columns."""
    before = _WIDTH[0]
    _WIDTH[0] = max(MIN_WIDTH, width)
    try:
        yield
    finally:
        _WIDTH[0] = before


def _lines_width(cell: Any) -> int:
    return max((len(line) for line in str(cell).splitlines()), default=0)


def _words_width(cell: Any) -> int:
    return max((len(word) for word in str(cell).split()), default=0)


def _column_limits(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], natural: list[int], room: int
) -> list[Optional[int]]:
    """How wide each column may be for the table to fit ``room``: the columns of text (cells
    with spaces) share what the others leave, in proportion to their natural widths, none
    narrower than its longest word where that fits; without text columns, the widest columns
    are narrowed first."""
    ncols = len(natural)
    text = [i for i in range(ncols) if any(" " in str(r[i]).strip() for r in rows if i < len(r))]
    avail = room - sum(natural[i] for i in range(ncols) if i not in text)
    if not text or avail < 8 * len(text):
        text, avail = list(range(ncols)), room
    limits: list[Optional[int]] = [None] * ncols
    cap = max(avail // len(text), 4)
    floor = {i: min(cap, max([_words_width(r[i]) for r in rows if i < len(r)] + [4])) for i in text}
    total = sum(natural[i] for i in text)
    width = {i: min(natural[i], max(floor[i], natural[i] * avail // total)) for i in text}
    while sum(width.values()) > avail:  # floors pushed it over: take from the widest
        j = max((i for i in text if width[i] > floor[i]), key=lambda i: (width[i], i), default=None)
        if j is None:
            break
        width[j] -= 1
    left = avail - sum(width.values())
    for i in sorted(text, key=lambda i: (-natural[i], i)):  # what is left to the widest
        extra = max(0, min(left, natural[i] - width[i]))
        width[i] += extra
        left -= extra
    for i in text:
        if width[i] < natural[i]:
            limits[i] = width[i]
    return limits


def fit_table(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], width: Optional[int] = None, **options: Any
) -> str:
    """``tabulate`` in the "simple" format, its widest columns wrapped (``maxcolwidths``) so that
    the table is no wider than ``width`` (default :func:`text_width`). Every renderer of text
    tables goes through here."""
    width = text_width() if width is None else width
    options.setdefault("tablefmt", "simple")
    ncols = len(headers) if headers else max((len(r) for r in rows), default=0)
    natural = [
        max([_lines_width(headers[i]) + 2 if headers else 0] + [_lines_width(r[i]) for r in rows if i < len(r)])
        for i in range(ncols)
    ]
    room = width - 2 * (ncols - 1)
    if sum(natural) <= room or ncols == 0:
        return _tabulate(rows, headers, options)
    limits = _column_limits(rows, headers, natural, room)

    def wrap(cell: Any, limit: Optional[int]) -> Any:
        if limit is None or _lines_width(cell) <= limit:
            return cell
        lines = str(cell).splitlines()
        return "\n".join(w for line in lines for w in textwrap.wrap(line, limit, break_on_hyphens=False) or [""])

    # wrapped here, not by tabulate's maxcolwidths: that breaks at hyphens and overshoots the width
    fitted = [[wrap(cell, limits[i] if i < ncols else None) for i, cell in enumerate(row)] for row in rows]
    # tabulate pads a header by 2 (MIN_PADDING): a wrapped header leaves room for that
    heads = [wrap(h, None if limit is None else limit - 2) for h, limit in zip(headers, limits)] if headers else headers
    return _tabulate(fitted, heads, options)


def _tabulate(rows: Sequence[Sequence[Any]], headers: Sequence[str], options: dict[str, Any]) -> str:
    """``tabulate(rows, headers, **options)``: written by :func:`advisor.render.table.simple_table`
    where it can, else by tabulate (imported then: its import is a large part of a command's start)."""
    if options.get("tablefmt") == "simple" and options.keys() <= {"tablefmt", "disable_numparse", "colalign"}:
        text = simple_table(
            rows, headers, disable_numparse=bool(options.get("disable_numparse")), colalign=options.get("colalign")
        )
        if text is not None:
            return text
    from tabulate import tabulate

    return str(tabulate(rows, headers, **options))


def _wrap_command(line: str, width: int) -> list[str]:
    import shlex  # for a command in a text only: not imported at every start

    indent = " " * (len(line) - len(line.lstrip(" ")))
    try:
        words = [shlex.quote(w) for w in shlex.split(line)]
    except ValueError:
        return [line]
    lines, current = [], indent + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) + 2 > width:
            lines.append(current + " \\")
            current = indent + "    " + word
        else:
            current += " " + word
    return lines + [current]


_ITEM_LEAD = re.compile(r"^ *(?:[-*] |\d+\. |\[[^\]]*\] +)+ *")


def fit_lines(text: str, width: Optional[int] = None) -> str:
    """``text`` with every line longer than ``width`` (default :func:`text_width`) wrapped at
    spaces, continuation lines indented like the line (and under a list item's text). A word
    longer than the width (a long file name) is not broken; a line that is a command to copy
    (it starts with ``advisor ``) is continued with `` \\`` between its words, as a shell reads it."""
    width = text_width() if width is None else width
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        if line.lstrip(" ").startswith("advisor "):
            out.extend(_wrap_command(line, width))
            continue
        stripped = line.lstrip(" ")
        indent = " " * (len(line) - len(stripped))
        # continuation lines go under the text of a list item (- x, 1. x) or a marked line ([x] x)
        lead = _ITEM_LEAD.match(line)
        follow = " " * len(lead.group(0)) if lead else indent
        out.extend(
            textwrap.wrap(
                stripped,
                width,
                initial_indent=indent,
                subsequent_indent=follow,
                break_on_hyphens=False,
                break_long_words=False,
            )
            or [line]
        )
    return "\n".join(out)


def _value(lang: str, value: Any) -> str:
    if lang != "en":
        return value_text(value, lang)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    return str(value)


def _facts(lang: str, finding: Finding) -> str:
    parts = [f"{path} = {_value(lang, value)}" for path, value in finding.facts.items()]
    if finding.arenas:
        parts.append(f"{t(lang, 'arenas').lower()}: {', '.join(finding.arenas)}")
    if finding.because:
        parts.append(f"{t(lang, 'because').lower()}: {', '.join(finding.because)}")
    return "; ".join(parts)


def citation_text(lang: str, citations: Iterable[Text]) -> str:
    """Citations as readers see them (one per document), joined: ``Lundgren (2023) §6, §5.1.5; Stene (2019) §4.2``."""
    return "; ".join(c.get(lang) for c in citations)


def contrast_lines(lang: str, contrasts: Iterable[ContrastingView]) -> list[str]:
    """One line per contrasting view: the other side's statement and its citations."""
    return [f"{c.statement.get(lang)} ({citation_text(lang, c.citations)})" for c in contrasts]


def to_json(result: Assessment) -> str:
    """The whole assessment, both languages, as indented JSON."""
    return model_json(result)


def _header(result: Assessment, lang: str) -> tuple[str, str]:
    name = result.municipality or t(lang, "unnamed")
    m = result.manifest
    summary = t(
        lang,
        "summary",
        s=len(result.strengths),
        d=len(result.diagnoses),
        p=len(result.pitfalls),
        r=len(result.recommendations),
        pack=m.pack,
        version=m.pack_version,
        rules=len(m.rules_enabled),
    )
    return t(lang, "assessment_of", name=name), summary


def _findings_rows(lang: str, findings: Iterable[Finding]) -> list[list[str]]:
    return [
        [f.rule_id, t(lang, f"priority.{f.priority}"), t(lang, f"factor.{f.factor}"), f.title.get(lang)]
        for f in findings
    ]


def to_table(result: Assessment, lang: str = "en") -> str:
    """Plain-text tables for a terminal."""
    title, summary = _header(result, lang)
    out = [title, "=" * len(title), summary, ""]
    head = [t(lang, "col_id"), t(lang, "col_priority"), t(lang, "col_factor"), t(lang, "col_title")]
    for key, findings in (
        ("strengths", result.strengths),
        ("diagnoses", result.diagnoses),
        ("pitfalls", result.pitfalls),
    ):
        out += [t(lang, key), "-" * len(t(lang, key))]
        out.append(fit_table(_findings_rows(lang, findings), head) if findings else t(lang, "none"))
        out.append("")
    plan = t(lang, "plan")
    out += [plan, "-" * len(plan)]
    if result.recommendations:
        rows = [
            [
                i,
                t(lang, f"phase.{f.phase}"),
                t(lang, f"priority.{f.priority}"),
                f.rule_id,
                step_title(f, lang),
                ", ".join(f.addresses),
            ]
            for i, f in enumerate(result.recommendations, 1)
        ]
        head_plan = [
            t(lang, "col_step"),
            t(lang, "col_phase"),
            t(lang, "col_priority"),
            t(lang, "col_id"),
            t(lang, "col_title"),
            t(lang, "col_addresses"),
        ]
        out.append(fit_table(rows, head_plan))
    else:
        out.append(t(lang, "none"))
    out.append("")
    contrasted = [f for f in result.findings if f.contrasts]
    if contrasted:
        heading = t(lang, "contrasts")
        out += [heading, "-" * len(heading), t(lang, "contrast_intro")]
        out += [f"{f.rule_id}: {text}" for f in contrasted for text in contrast_lines(lang, f.contrasts)]
        out.append("")
    questions = t(lang, "questions")
    out += [questions, "-" * len(questions)]
    if result.questions:
        rows = [[q.path, ", ".join(q.rules), q.weight] for q in result.questions]
        out.append(fit_table(rows, [t(lang, "col_fact"), t(lang, "col_rules"), t(lang, "col_weight")]))
    else:
        out.append(t(lang, "none"))
    return "\n".join(out) + "\n"


def step_title(f: Any, lang: str) -> str:
    """The title of ``f`` (a finding, or a report's merged finding); a conditional
    recommendation's says "unless already in place"."""
    title = f.title.get(lang)
    return f"{title} ({t(lang, 'conditional')})" if f.conditional else title


def _md_finding(lang: str, f: Finding, prefix: str = "") -> list[str]:
    lines = [f"### {prefix}{f.rule_id} — {md(step_title(f, lang))}", ""]
    meta = (
        f"*{t(lang, 'kind.' + f.kind)} · {t(lang, 'factor.' + f.factor)} · "
        f"{t(lang, 'priority')}: {t(lang, 'priority.' + f.priority)} · "
        f"{t(lang, 'phase')}: {t(lang, 'phase.' + f.phase)} · "
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + f.evidence)}*"
    )
    lines += [meta, "", md(f.message.get(lang)), ""]
    why = _facts(lang, f)
    if why:
        lines.append(f"- **{t(lang, 'why')}:** {md(why)}")
    lines += finding_links_md(lang, f)
    lines.append("")
    return lines


class _Linked(Protocol):
    """What :func:`finding_links_md` reads: a finding of an assessment or of a report."""

    @property
    def recommends(self) -> tuple[str, ...]: ...
    @property
    def addresses(self) -> tuple[str, ...]: ...
    @property
    def unless(self) -> Any: ...
    @property
    def citations(self) -> tuple[Text, ...]: ...
    @property
    def contrasts(self) -> tuple[ContrastingView, ...]: ...


def finding_links_md(lang: str, f: _Linked) -> list[str]:
    """The Markdown bullets a finding ends with, in the assessment and in the report: what it
    recommends or addresses, when it would not hold, its sources and its contrasting views."""
    lines = []
    if f.recommends:
        lines.append(f"- **{t(lang, 'recommended')}:** {', '.join(f.recommends)}")
    if f.addresses:
        lines.append(f"- **{t(lang, 'addresses')}:** {', '.join(f.addresses)}")
    if f.unless is not None:
        lines.append(f"- **{t(lang, 'unless')}:** {md(words(f.unless, lang))}")
    lines.append(f"- **{t(lang, 'sources')}:** " + md(citation_text(lang, f.citations)))
    lines += [f"- **{t(lang, 'contrast')}:** {md(text)}" for text in contrast_lines(lang, f.contrasts)]
    return lines


def to_markdown(result: Assessment, lang: str = "en") -> str:
    """A Markdown report: summary, findings with explanations and sources, plan, questions."""
    title, summary = _header(result, lang)
    out = [f"# {md(title)}", "", md(summary), ""]
    for key, findings in (
        ("strengths", result.strengths),
        ("diagnoses", result.diagnoses),
        ("pitfalls", result.pitfalls),
    ):
        out += [f"## {t(lang, key)}", ""]
        if not findings:
            out += [t(lang, "none"), ""]
        for f in findings:
            out += _md_finding(lang, f)
    out += [f"## {t(lang, 'plan')}", ""]
    if not result.recommendations:
        out += [t(lang, "none"), ""]
    for i, f in enumerate(result.recommendations, 1):
        out += _md_finding(lang, f, prefix=f"{i}. ")
    out += [f"## {t(lang, 'questions')}", ""]
    if result.questions:
        out += [t(lang, "questions_intro"), ""]
        # the field's description (English, with its citation); in bokmål the interview question
        rows = [
            [
                Markup(f"`{q.path}`"),
                q.description if lang == "en" else question_text(q.path, lang, q.description),
                ", ".join(q.rules),
                q.weight,
            ]
            for q in result.questions
        ]
        out += md_table([t(lang, "col_fact"), "", t(lang, "col_rules"), t(lang, "col_weight")], rows)
    else:
        out += [t(lang, "none"), ""]
    out += ["---", "", "*" + md(manifest_line(result.manifest, lang)) + "*", ""]
    return "\n".join(out)


def manifest_line(m: Manifest, lang: str) -> str:
    """One sentence that says how to reproduce an assessment."""
    return t(
        lang,
        "manifest",
        advisor=m.advisor_version,
        engine=m.engine,
        engine_version=m.engine_version,
        pack=m.pack,
        pack_version=m.pack_version,
        hash=m.pack_hash[:12],
    )


def render(result: Assessment, fmt: str = "text", lang: str = "en") -> str:
    """Render ``result`` in one of :data:`FORMATS` (the assessment's formats of
    :data:`advisor.render.formats.FORMATS`)."""
    if fmt == "table":  # the name of "text" before 0.4
        fmt = "text"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return render_text("assessment", fmt, result, lang=lang)


def rules_table(pack: RulePack, lang: str = "en", kind: "str | None" = None) -> str:
    """One line per rule of ``pack``."""
    rows = [
        [
            r.id,
            t(lang, f"kind.{r.kind}"),
            t(lang, f"factor.{r.factor}"),
            t(lang, f"priority.{r.priority}"),
            r.title.get(lang),
        ]
        for r in pack.rules
        if kind is None or r.kind == kind
    ]
    head = [
        t(lang, "col_id"),
        t(lang, "col_kind"),
        t(lang, "col_factor"),
        t(lang, "col_priority"),
        t(lang, "col_title"),
    ]
    return fit_table(rows, head) + "\n"


def rule_detail(pack: RulePack, rule: Rule, lang: str = "en") -> str:
    """Everything about one rule, for ``advisor rules show``."""
    lines = [
        f"{rule.id} — {rule.title.get(lang)}",
        "",
        rule.message.get(lang),
        "",
        f"{t(lang, 'kind')}: {t(lang, 'kind.' + rule.kind)}",
        f"{t(lang, 'factor')}: {t(lang, 'factor.' + rule.factor)}",
        f"{t(lang, 'phase')}: {t(lang, 'phase.' + rule.phase)}",
        f"{t(lang, 'priority')}: {t(lang, 'priority.' + rule.priority)}",
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + rule.evidence)}",
        f"{t(lang, 'condition')}: {describe(pack.effective_conditions[rule.id], lang)}",
    ]
    if rule.when is not None:
        import yaml  # only here: PyYAML is not imported at every start (advisor.core.documents)

        lines.append("")
        lines.append(yaml.safe_dump({"when": rule.when}, allow_unicode=True, sort_keys=False).rstrip())
    if rule.guard is not None:
        lines.append(f"{t(lang, 'done_when')}: {describe(rule.guard, lang)}")
    if rule.done_when_none is not None:
        lines.append(f"{t(lang, 'done_when_none')}: {rule.done_when_none}")
    if rule.recommends:
        lines.append(f"{t(lang, 'recommended')}: {', '.join(rule.recommends)}")
    linked = pack.recommended_by.get(rule.id)
    if linked:
        lines.append(f"{t(lang, 'recommended_by')}: {', '.join(linked)}")
    lines.append(f"{t(lang, 'sources')}:")
    lines += [f"  - {pack.cite(s).get(lang)}  [{s.detail(lang)}]" for s in rule.sources]
    if rule.contrasts:
        lines.append(f"{t(lang, 'contrasts')}:")
        for c in rule.contrasts:
            lines.append(f"  - {c.statement.get(lang)}")
            lines += [f"    {pack.cite(s).get(lang)}  [{s.detail(lang)}]" for s in c.sources]
    if rule.note:
        lines.append(f"{t(lang, 'note')}: {rule.note}")
    return "\n".join(lines) + "\n"
