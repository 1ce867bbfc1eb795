"""The one exception tree of advisor.

Every error a user can cause derives from :class:`AdvisorError`. Each carries the file, the
field path and the line where known, and a hint on how to fix it; :meth:`AdvisorError.one_line`
renders all of that as the single line the command-line tool prints. Each class has its own
process exit code.

    AdvisorError
    ├── InputError            (exit 2) bad input a user wrote
    │   ├── ProfileError      a profile file that cannot be read or is invalid
    │   └── RulePackError     a rule pack that cannot be read or is invalid
    └── EngineError           (exit 4) the inference engine failed; a bug, please report it
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence, Union

__all__ = [
    "AdvisorError",
    "InputError",
    "ProfileError",
    "RulePackError",
    "EngineError",
    "Problems",
    "did_you_mean",
    "format_path",
    "shorten",
    "escape_controls",
    "file_label",
]

PathPart = Union[str, int]


def format_path(path: Sequence[PathPart]) -> str:
    """Render a field path as ``plan.partner_anchoring.volunteers`` or ``arenas[2].ladder_level``."""
    if len(path) > 8:  # a deep path says no more than its start and its end
        return f"{format_path(path[:3])}…{format_path(path[-2:]) if isinstance(path[-2], int) else '.' + format_path(path[-2:])}"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + shorten(str(part))
    return out


#: Longest value quoted in a message, and longest part (file, message, hint) of a one-line error.
SHORT_VALUE = 60
LONG_PART = 400

#: Characters that would act on a terminal rather than show: C0 and C1 controls (but newline and
#: tab), DEL, and the bidirectional overrides that reorder what is shown.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shorten(text: str, limit: int = SHORT_VALUE) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def escape_controls(text: str) -> str:
    """``text`` with every control character written as ``\\u001b``, so that printing it cannot move
    the cursor, change colours or reorder what a terminal shows. The escape is also JSON's: JSON
    text stays valid and means the same."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def file_label(path: str) -> str:
    """``path`` as rows, manifests, reports and messages name it: as it is, or, where the file's
    name is no UTF-8 (Python holds each byte it cannot decode as a lone surrogate, which no UTF-8
    output can hold), with each such byte written as ``\\xff``: two such files keep two names,
    and the name's bytes can be read back from it. The file is still opened by ``path``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = path.encode("utf-8", "surrogateescape")  # the name's own bytes (os.fsencode on POSIX)
        except UnicodeEncodeError:  # a surrogate no file system decoding makes: written as \ud800
            return path.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return path


def did_you_mean(word: str, choices: Iterable[str]) -> Optional[str]:
    """The closest of ``choices`` to ``word``, or ``None`` if none is close."""
    import difflib  # only for a mistake: not imported at every start

    matches = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return matches[0] if matches else None


class AdvisorError(Exception):
    """Base of every error advisor raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: Optional[str] = None,
        path: Sequence[PathPart] = (),
        line: Optional[int] = None,
        hint: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file_label(file) if file else file
        self.path = tuple(path)
        self.line = line
        self.hint = hint

    def one_line(self) -> str:
        """``file:line: field: message (hint)`` on one line, parts left out where unknown."""
        where = ""
        if self.file:
            where = shorten(self.file, LONG_PART) + (f":{self.line}" if self.line else "")
        elif self.line:
            where = f"line {self.line}"
        text = shorten(self.message, LONG_PART)
        if self.path:
            text = f"{format_path(self.path)}: {text}"
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text} ({shorten(self.hint, LONG_PART)})"
        return escape_controls(" ".join(text.split()))

    def __str__(self) -> str:
        return self.one_line()


class InputError(AdvisorError):
    """Input that a user wrote is unreadable or invalid. Exit code 2."""

    exit_code = 2


class ProfileError(InputError):
    """A municipality profile cannot be read or does not fit the profile model."""


class RulePackError(InputError):
    """A rule pack cannot be read or does not fit the rule schema."""


class EngineError(AdvisorError):
    """The inference engine failed while it assessed a profile. Exit code 4."""

    exit_code = 4


class Problems:
    """Where the problems of an input go: raised at once (``collect=False``, a loader) or gathered
    (``collect=True``, a check that reports every problem). The one sink of the pack loader, the
    variant resolver and ``advisor rules check``."""

    def __init__(self, collect: bool) -> None:
        self.collect = collect
        self.items: list[InputError] = []

    def add(self, exc: InputError) -> None:
        if not self.collect:
            raise exc
        self.items.append(exc)
