"""The messages of the errors a user meets most (a bad profile, a missing file, an unknown rule,
a bad ``--set``) in the language of the run, for the command line under ``--lang``.

The library raises its errors in English (:mod:`advisor.core.errors`); the command line's error
boundary shows them in the language of the run through :func:`error_line`. The translations are
data: the ``errors.json`` of the language's folder (:mod:`advisor.core.locale`), with
``messages`` and ``hints`` as ``[pattern, template]`` pairs tried in order, ``what`` (the names
of what a file holds, for ``{wN}``), ``words`` (comparisons and the like, for ``{cN}``) and
``plural`` (``{pN}`` is that ending unless group N is ``1``); ``{tN}`` is group N translated by
the same table (a parser's words inside advisor's message). A message without a pattern, or a
language without the file, stays English (every part of the line around it is in the language of the run).
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Optional

from .errors import AdvisorError
from .locale import catalogue, languages

__all__ = ["error_line", "recorded_line", "translate", "patterns"]


@lru_cache(maxsize=None)
def patterns(lang: str, table: str) -> tuple[tuple["re.Pattern[str]", str], ...]:
    """The ``[pattern, template]`` pairs of ``table`` (``messages`` or ``hints``) of ``lang``, compiled."""
    pairs = catalogue(lang, "errors").get(table) or []
    return tuple((re.compile(str(pattern)), str(template)) for pattern, template in pairs)


def translate(text: Optional[str], lang: str, table: str = "messages") -> Optional[str]:
    """``text`` in ``lang`` by the first pattern of its ``table`` (``messages`` or ``hints``) that
    matches it whole (as it is when none does); a trailing "(and N more problems)" of a message
    is translated too."""
    if not text:
        return text
    tail = ""
    more = re.search(r" \(and \d+ more problems?\)$", text)
    if more and table == "messages":
        text, tail = text[: more.start()], " " + (translate(more.group(0).strip(), lang) or "")
    words = catalogue(lang, "errors")
    what, other, plural = words.get("what") or {}, words.get("words") or {}, str(words.get("plural", ""))
    for pattern, template in patterns(lang, table):
        match = pattern.fullmatch(text)
        if match:
            groups = match.groups()
            named = {f"w{i}": what.get(g, g) for i, g in enumerate(groups)}
            named.update({f"c{i}": other.get(g, g) for i, g in enumerate(groups)})
            named.update({f"p{i}": (plural if g != "1" else "") for i, g in enumerate(groups)})
            if "{t" in template:  # a part that is itself a message: a YAML or JSON parser's words
                named.update({f"t{i}": translate(g, lang, table) or "" for i, g in enumerate(groups)})
            return template.format(*groups, **named) + tail
    return text + tail


def error_line(exc: AdvisorError, lang: str) -> str:
    """``exc.one_line()`` with its message and hint in ``lang``."""
    if lang not in languages() or not catalogue(lang, "errors"):
        return exc.one_line()
    shown = copy.copy(exc)
    shown.message = translate(exc.message, lang) or exc.message
    shown.hint = translate(exc.hint, lang, "hints")
    return shown.one_line()


#: A field path as :func:`advisor.core.errors.format_path` writes it, and the ": " after it.
_PATH = re.compile(r"[^\s:()]+: ")


def recorded_line(source: str, error: str, lang: str) -> str:
    """The error a batch recorded for a profile it skipped (``SkippedProfile.error``: the English
    :meth:`AdvisorError.one_line` of the profile at ``source``, kept so in the manifest) with its
    message and hint in ``lang``. The line is taken apart where ``one_line`` joins it: the place
    (``source``, a line number), a field path, the message, the hint in the last parentheses. A
    line that does not come apart so, or whose parts have no translation, is given as it is."""
    if lang not in languages() or not catalogue(lang, "errors") or not error.startswith(source):
        return error
    place = re.match(r"(?::\d+)?: ", error[len(source) :])
    if place is None:
        return error
    where, rest = source + place.group(), error[len(source) + place.end() :]
    path = _PATH.match(rest)
    field = path.group() if path is not None and path.end() < len(rest) else ""
    rest = rest[len(field) :]
    hint = ""
    if rest.endswith(")"):
        depth, start = 0, len(rest)
        for start in range(len(rest) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(rest[start], 0)
            if depth == 0:
                break
        if depth == 0 and start >= 2 and rest[start - 1] == " ":
            rest, hint = rest[: start - 1], rest[start + 1 : -1]
    message = translate(rest, lang) or rest
    return where + field + message + (f" ({translate(hint, lang, 'hints')})" if hint else "")
