"""Markdown shared by every renderer: one escaping (:func:`md`) and one table (:func:`md_table`).

Text from a profile or a pack is shown as written, never read as markup.
"""

from __future__ import annotations

import re
from typing import Sequence

__all__ = ["md", "md_table", "md_code", "Markup"]

_MD_PUNCTUATION = re.compile(r"([\\`*\[\]~])")
_MD_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # an & that would start an entity such as &lt;
_MD_BLOCK_START = re.compile(r"^(?:([#+=-])|([0-9]+)([.)]))")


def md(text: object, line_start: bool = True) -> str:
    """``text`` (a profile's or a pack's) for Markdown: shown as written, never read as markup.

    Line breaks become spaces (nothing can start a heading, list or block); ``< >`` become HTML
    entities (no raw HTML: ``<script>``, ``<img onerror>``); the characters of inline markup
    (backslash, backtick, ``* [ ] ~``, an underscore not inside a word) are escaped with a
    backslash, and so is a ``# + = -`` or ``1.`` that would start a block (unless ``line_start`` is
    false: a table cell). An ``&`` is kept
    unless it would start an entity (``&lt;``)."""
    out = " ".join(str(text).split())
    out = _MD_ENTITY.sub("&amp;", out).replace("<", "&lt;").replace(">", "&gt;")
    out = _MD_PUNCTUATION.sub(r"\\\1", out)
    out = _MD_LONE_UNDERSCORE.sub(r"\\_", out)
    if not line_start:  # a table cell: nothing in it starts a block
        return out
    return _MD_BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), out)


class Markup(str):
    """Markdown that advisor wrote (a code span of a fact path): put in a table as it is."""


def md_cell(text: object) -> str:
    cell = str(text) if isinstance(text, Markup) else md(text, line_start=False)
    return cell.replace("|", "\\|")


def md_code(text: str) -> str:
    """A code span of ``text`` (a document's file name), or the text escaped if it holds a backtick."""
    return md(text) if "`" in text or "\n" in text else f"`{text}`"


def md_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(md_cell(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return out + [""]
