"""Consultant tools on the command line: ``explain``, ``whatif``, ``next-steps``, ``diff``, ``init``.

Thin click commands over :mod:`advisor.tools.explain`, :mod:`advisor.tools.whatif`, :mod:`advisor.tools.diff` and
:mod:`advisor.tools.intake`: each parses its options, makes one library call and formats the result.
They are registered on the ``advisor`` group in :mod:`advisor.cli.main`.
"""

from __future__ import annotations

import shlex
import sys
from typing import Optional

import click

from ..profile.io import load_profile
from .help import AdvisorCommand
from .common import (
    EXIT_ABORTED,
    echo,
    echo_text,
    format_option,
    handle_errors as _handle_errors,
    lang_option,
    load_pack,
    quiet_option,
    resolve_language,
    rules_option,
    show_result,
)
from ..tools.diff import diff
from ..render.format import fit_lines, text_width
from ..tools.explain import explain
from ..core.errors import InputError
from ..core.i18n import t
from ..tools.intake import run_intake
from ..tools.whatif import DEFAULT_TOP, next_steps, whatif
from ..render.formats import formats_of

__all__ = ["explain_cmd", "whatif_cmd", "next_steps_cmd", "diff_cmd", "init_cmd"]

TOOL_FORMATS = formats_of("explanation")  # what-if, next steps and diff have the same two

_format_option = format_option(TOOL_FORMATS, "text", "Output format: text, or json (both languages) for scripts.")


@click.command("explain", cls=AdvisorCommand)
@click.argument("profile", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("rule_id")
@lang_option
@rules_option
@_format_option
@quiet_option
@_handle_errors
def explain_cmd(profile: str, rule_id: str, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """Why rule RULE_ID fired for PROFILE, or why not: its condition part by part, with the
    actual facts, the part that failed and the facts that are unknown."""
    result = explain(load_profile(profile), rule_id, load_pack(rules_paths))
    show_result("explanation", fmt, result, lang)


@click.command("whatif", cls=AdvisorCommand)
@click.argument("profile", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--set",
    "changes",
    multiple=True,
    required=True,
    metavar="PATH=VALUE",
    help="Change one fact (repeatable): plan.knowledge_base=true, arenas[0].ladder_level=3; null makes it unknown.",
)
@lang_option
@rules_option
@_format_option
@quiet_option
@_handle_errors
def whatif_cmd(
    profile: str, changes: tuple[str, ...], lang: Optional[str], rules_paths: tuple[str, ...], fmt: str
) -> None:
    """Assess PROFILE as it is and with the changes given by --set, and show which findings
    appear and disappear."""
    result = whatif(load_profile(profile), list(changes), load_pack(rules_paths))
    show_result("whatif", fmt, result, lang)


@click.command("next-steps", cls=AdvisorCommand)
@click.argument("profile", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True, help="How many steps to show."
)
@lang_option
@rules_option
@_format_option
@quiet_option
@_handle_errors
def next_steps_cmd(profile: str, top: int, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """What to do first: single changes to PROFILE ranked by the pitfalls they resolve,
    weighted by priority."""
    result = next_steps(load_profile(profile), load_pack(rules_paths), top=top)
    show_result("next_steps", fmt, result, lang, profile=profile)


@click.command("diff", cls=AdvisorCommand)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@lang_option
@rules_option
@_format_option
@quiet_option
@_handle_errors
def diff_cmd(old: str, new: str, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """Compare two assessments of one municipality over time (profiles OLD and NEW): facts
    changed, findings resolved and new, pitfalls by priority."""
    result = diff(load_profile(old), load_profile(new), load_pack(rules_paths), old_label=old, new_label=new)
    show_result("diff", fmt, result, lang)


class _ClickIO:
    """The interview over click: prompts on the terminal."""

    def say(self, text: str) -> None:
        echo_text(text + "\n")

    def ask(self, prompt: str) -> str:
        try:
            # click adds ": " after the prompt
            return str(click.prompt(fit_lines(prompt, text_width() - 2), default="", show_default=False))
        except click.exceptions.Abort:  # Ctrl-C or the end of the input
            raise KeyboardInterrupt from None


@click.command("init", cls=AdvisorCommand)
@click.argument("output", required=False, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output_option",
    type=click.Path(dir_okay=False),
    default=None,
    help="The file to write, as OUTPUT (the -o of the other commands).",
)
@lang_option
@click.option(
    "--resume",
    type=click.Path(dir_okay=False),
    default=None,
    help="Start from this partly filled profile: keep what it knows, ask only what is missing.",
)
@quiet_option
@_handle_errors
def init_cmd(output: Optional[str], output_option: Optional[str], lang: Optional[str], resume: Optional[str]) -> None:
    """Interview: ask the questions of a profile and write it, commented, to OUTPUT (default:
    the --resume file, else profile.yaml). "Don't know" is always allowed."""
    language = resolve_language(lang)
    if output is not None and output_option is not None and output != output_option:
        raise InputError(
            f"two files to write: {output} and -o {output_option}", hint="give the file once, as OUTPUT or with -o"
        )
    target = output or output_option or resume or "profile.yaml"
    result = run_intake(_ClickIO(), target, lang=language, resume=resume)
    if result.interrupted:
        click.echo("", err=True)
        message = "init.interrupted" if result.written else "init.interrupted_nothing"
        click.echo("advisor: " + t(language, message, path=shlex.quote(result.path)), err=True)
        sys.exit(EXIT_ABORTED)
    if not result.written:
        echo_text(t(language, "init.not_written", path=result.path) + "\n")
        return
    echo("")
    echo_text(t(language, "init.written", path=result.path, known=result.known, unknown=result.unknown) + "\n")
    echo(t(language, "init.next", path=result.path))  # a command to copy: not wrapped
