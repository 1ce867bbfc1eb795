"""``--help`` in the language of the command line: bokmål under ``--lang nb`` (or an ``nb``
locale), read before click parses (see :func:`advisor.cli.common.scan_language`).

The help texts of the commands and options are written in English in the click decorators; the
``help.json`` of a language folder (:mod:`advisor.core.locale`; bokmål's is
``advisor/locale/nb/help.json``) holds their wording in that language, keyed by the English text
(whitespace folded), with click's own words and the placeholders; a test checks that every help
text has its bokmål. A language without the file gets the English help. :class:`AdvisorCommand` and :class:`AdvisorGroup`
(the classes of every ``advisor`` command) render the help, click's own words ("Usage",
"Options", "[default: …]") and the placeholders of the usage line in the run's language.
"""

from __future__ import annotations

import inspect
import re
from functools import lru_cache
from typing import Any, Optional

import click

from ..core.locale import catalogue, languages

__all__ = ["AdvisorCommand", "AdvisorGroup", "help_text", "fold"]


def fold(text: str) -> str:
    """``text`` with its whitespace folded, the key of a help text in ``help.json``."""
    return " ".join(text.split())


_EXTRA = re.compile(r"(\[|; )(default|required)\b")


@lru_cache(maxsize=None)
def _words(lang: str) -> dict[str, Any]:
    """The ``help.json`` of ``lang``: ``help`` (the help texts by their folded English), ``click``
    (click's own words) and ``metavars`` (the placeholders); ``{}`` for a language without one."""
    return catalogue(lang, "help") if lang in languages() else {}


@lru_cache(maxsize=None)
def _metavar_pattern(lang: str) -> "re.Pattern[str]":
    names = sorted(_words(lang).get("metavars") or {}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(names) + r")\b") if names else re.compile(r"(?!)")


def _language() -> str:
    from .common import run_language

    return run_language()


def help_text(text: Optional[str], lang: str) -> Optional[str]:
    """A help text of a command or option in ``lang`` (as written when the language has none)."""
    table = _words(lang).get("help") if text else None
    return str(table.get(fold(text), text)) if table and text else text


def _metavars(text: str, lang: str) -> str:
    names: dict[str, str] = _words(lang).get("metavars") or {}
    return _metavar_pattern(lang).sub(lambda m: names[m.group(1)], text)


def _click(lang: str, word: str) -> str:
    """Click's ``word`` (``Usage: ``, ``Options``, ``default``...) in ``lang``."""
    return str((_words(lang).get("click") or {}).get(word, word))


def _short(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut at a word with ``...`` where longer than ``limit``
    (as click shortens the help of a command in a group's list)."""
    first = " ".join(text.split("\n\n")[0].split())
    sentence = first.split(". ")[0].rstrip(".")
    if len(sentence) + 1 <= limit:
        return sentence + "."
    words, out = sentence.split(), ""
    for word in words:
        if len(out) + len(word) + 1 + 3 > limit:
            break
        out = f"{out} {word}".strip()
    return out.rstrip(",;:") + "..."


class _HelpInLanguage:
    """The help page of a command in the run's language."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        if not _words(lang):
            super().format_usage(ctx, formatter)  # type: ignore[misc]
            return
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, _metavars(" ".join(pieces), lang), prefix=_click(lang, "Usage: "))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        text = help_text(inspect.cleandoc(self.help or ""), lang) if self.help else ""  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        if not _words(lang):
            super().format_options(ctx, formatter)  # type: ignore[misc]
            return
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if not isinstance(param, click.Option):
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            opts, text = record
            own = getattr(param, "help", None) or ""
            if own and text.startswith(own):
                text = (help_text(own, lang) or own) + text[len(own) :]
            text = _EXTRA.sub(lambda m: m.group(1) + _click(lang, m.group(2)), text)
            rows.append((_metavars(opts, lang), text))
        if rows:
            with formatter.section(_click(lang, "Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        if not _words(lang):
            super().format_commands(ctx, formatter)  # type: ignore[misc]
            return
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if cmd is None or cmd.hidden:
                continue
            text = help_text(inspect.cleandoc(cmd.help or ""), lang) or ""
            limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))  # type: ignore[attr-defined]
            rows.append((name, _short(text, limit)))
        if rows:
            with formatter.section(_click(lang, "Commands")):
                formatter.write_dl(rows)


class AdvisorCommand(_HelpInLanguage, click.Command):
    """An ``advisor`` command: its help page in the language of the command line."""


class AdvisorGroup(_HelpInLanguage, click.Group):
    """An ``advisor`` command group: its help page in the language of the command line."""

    command_class = AdvisorCommand
