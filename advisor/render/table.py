"""Terminal tables in tabulate's "simple" format, written here for the cells advisor's tables hold.

tabulate reads its own version from the installed distributions' metadata when it is imported
(``importlib.metadata``, with ``email``, ``zipfile`` and a search of ``sys.path``), and it works
out the type of every cell of a column: about 4 % of the instructions of `advisor assess`
(issue 15 §3). :func:`simple_table` writes what ``tabulate(rows, headers, tablefmt="simple",
...)`` writes, for tables of strings, integers and empty cells (``None``) in characters one
column wide, numbers parsed from strings or not (``disable_numparse``), columns aligned left or
right (``colalign``). For any other table it returns ``None``, and
:func:`advisor.render.format.fit_table` asks tabulate itself. tests/test_table.py holds the two
equal on generated tables.
"""

from __future__ import annotations

import re
from typing import Any, Optional, Sequence

__all__ = ["simple_table"]

#: Characters one column wide for tabulate with and without wcwidth: printable ASCII and
#: Latin-1 to Latin Extended-B (no soft hyphen), and the dashes, quotes, bullets and ellipsis
#: of General Punctuation; and the line break of a cell of several lines.
_PLAIN = re.compile("[\n\x20-\x7e\xa0-\xac\xae-\u024f\u2010-\u2027]*")
#: A string tabulate may read as a number or a boolean (it then aligns and formats it as one).
_NUMBERISH = re.compile(r"[\s\d+\-.,_]*\d[\s\d+\-.,_eE]*|(?i:[+-]?(inf|infinity|nan))|True|False")


def _plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None


def simple_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    disable_numparse: bool = False,
    colalign: Optional[Sequence[str]] = None,
) -> Optional[str]:
    """``tabulate(rows, headers, tablefmt="simple", disable_numparse=..., colalign=...)``, or
    ``None`` for a table this function does not write (see the module's docstring)."""
    ncols = len(headers)
    if not rows or not ncols or any(len(row) != ncols for row in rows):
        return None
    if not all(type(h) is str and _plain(h) for h in headers):
        return None
    # The columns as text, and whether each holds integers (aligned right; tabulate's "decimal"
    # alignment of integers). A string that could read as a number: tabulate decides.
    columns: list[list[str]] = []
    numeric: list[bool] = []
    for i in range(ncols):
        texts, ints, others = [], False, False
        for row in rows:
            cell = row[i]
            if cell is None or cell == "":
                texts.append("")
            elif type(cell) is int:
                texts.append(str(cell))
                ints = True
            elif type(cell) is str:
                if not _plain(cell) or (not disable_numparse and _NUMBERISH.fullmatch(cell)):
                    return None
                texts.append(cell)
                others = True
            else:
                return None
        columns.append(texts)
        numeric.append(ints and not others and not disable_numparse)
    aligns = ["right" if number else "left" for number in numeric]
    for i, align in enumerate(colalign or ()):
        if i >= ncols:
            break
        if align not in ("left", "right", "global"):
            return None
        if align != "global":
            aligns[i] = align
    multiline = any("\n" in h for h in headers) or any("\n" in t for column in columns for t in column)
    if multiline and any(t.endswith("\n") for column in columns for t in column):
        return None

    def width(text: str) -> int:
        return max(len(line) for line in text.split("\n")) if multiline else len(text)

    padded: list[list[str]] = []
    widths: list[int] = []
    for texts, align, number, head in zip(columns, aligns, numeric, headers):
        if not (number and align == "right"):  # tabulate strips all but "decimal" columns
            texts = [t.strip() for t in texts]
        most = max(max(width(t) for t in texts), width(head) + 2)
        pad = str.rjust if align == "right" else str.ljust
        if multiline:
            texts = ["\n".join(pad(line, most) for line in t.splitlines()) for t in texts]
        else:
            texts = [pad(t, most) for t in texts]
        padded.append(texts)
        widths.append(max(most, max(width(t) for t in texts)))
    heads = []
    for head, align, most in zip(headers, aligns, widths):
        pad = str.ljust if align == "left" else str.rjust
        heads.append("\n".join(pad(line, most) for line in (re.split("\r|\n|\r\n", head) if multiline else [head])))

    lines: list[str] = []

    def add(cells: Sequence[str]) -> None:
        if not multiline:
            lines.append("  ".join(cells).rstrip())
            return
        split = [cell.splitlines() for cell in cells]
        count = max(len(parts) for parts in split)
        split = [parts + [" " * w] * (count - len(parts)) for parts, w in zip(split, widths)]
        lines.extend("  ".join(parts[k] for parts in split).rstrip() for k in range(count))

    add(heads)
    lines.append("  ".join("-" * w for w in widths).rstrip())
    for k in range(len(rows)):
        add([column[k] for column in padded])
    return "\n".join(lines)
