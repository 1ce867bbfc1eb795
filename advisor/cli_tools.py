"""Consultant tools on the command line: ``explain``, ``whatif``, ``next-steps``, ``diff``, ``init``.

Thin click commands over :mod:`advisor.explain`, :mod:`advisor.whatif`, :mod:`advisor.diff` and
:mod:`advisor.intake`: each parses its options, makes one library call and formats the result.
They are registered on the ``advisor`` group in :mod:`advisor.cli`.
"""

from __future__ import annotations

import json
from typing import Optional

import click
from pydantic import BaseModel

from ._profile_io import load_profile
from ._cli_common import echo, handle_errors as _handle_errors, lang_option, load_pack, resolve_language, rules_option
from .diff import diff, render_diff
from .explain import explain, render_explanation
from .i18n import t
from .intake import run_intake
from .whatif import DEFAULT_TOP, next_steps, render_next_steps, render_whatif, whatif

__all__ = ["explain_cmd", "whatif_cmd", "next_steps_cmd", "diff_cmd", "init_cmd", "COMMANDS"]

TOOL_FORMATS = ("text", "json")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(TOOL_FORMATS),
    default="text",
    show_default=True,
    help="Output format: text, or json (both languages) for scripts.",
)


def _json(result: BaseModel) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


@click.command("explain")
@click.argument("profile", type=click.Path(dir_okay=False))
@click.argument("rule_id")
@lang_option
@rules_option
@format_option
@_handle_errors
def explain_cmd(profile: str, rule_id: str, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """Why rule RULE_ID fired for PROFILE, or why not: its condition part by part, with the
    actual facts, the part that failed and the facts that are unknown."""
    result = explain(load_profile(profile), rule_id, load_pack(rules_paths))
    echo(_json(result) if fmt == "json" else render_explanation(result, resolve_language(lang)), nl=False)


@click.command("whatif")
@click.argument("profile", type=click.Path(dir_okay=False))
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
@format_option
@_handle_errors
def whatif_cmd(profile: str, changes: tuple[str, ...], lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """Assess PROFILE as it is and with the changes given by --set, and show which findings
    appear and disappear."""
    result = whatif(load_profile(profile), list(changes), load_pack(rules_paths))
    echo(_json(result) if fmt == "json" else render_whatif(result, resolve_language(lang)), nl=False)


@click.command("next-steps")
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True, help="How many steps to show.")
@lang_option
@rules_option
@format_option
@_handle_errors
def next_steps_cmd(profile: str, top: int, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """What to do first: single changes to PROFILE ranked by the pitfalls they resolve,
    weighted by priority."""
    result = next_steps(load_profile(profile), load_pack(rules_paths), top=top)
    echo(_json(result) if fmt == "json" else render_next_steps(result, resolve_language(lang)), nl=False)


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@lang_option
@rules_option
@format_option
@_handle_errors
def diff_cmd(old: str, new: str, lang: Optional[str], rules_paths: tuple[str, ...], fmt: str) -> None:
    """Compare two assessments of one municipality over time (profiles OLD and NEW): facts
    changed, findings resolved and new, pitfalls by priority."""
    result = diff(load_profile(old), load_profile(new), load_pack(rules_paths), old_label=old, new_label=new)
    echo(_json(result) if fmt == "json" else render_diff(result, resolve_language(lang)), nl=False)


class _ClickIO:
    """The interview over click: prompts on the terminal."""

    def say(self, text: str) -> None:
        echo(text)

    def ask(self, prompt: str) -> str:
        return str(click.prompt(prompt, default="", show_default=False))

    def confirm(self, prompt: str) -> bool:
        return click.confirm(prompt, default=False)


@click.command("init")
@click.argument("output", required=False, type=click.Path(dir_okay=False))
@lang_option
@click.option(
    "--resume",
    type=click.Path(dir_okay=False),
    default=None,
    help="Start from this partly filled profile: keep what it knows, ask only what is missing.",
)
@_handle_errors
def init_cmd(output: Optional[str], lang: Optional[str], resume: Optional[str]) -> None:
    """Interview: ask the questions of a profile and write it, commented, to OUTPUT (default:
    the --resume file, else profile.yaml). "Don't know" is always allowed."""
    language = resolve_language(lang)
    target = output or resume or "profile.yaml"
    result = run_intake(_ClickIO(), target, lang=language, resume=resume)
    if not result.written:
        echo(t(language, "init.not_written", path=result.path))
        return
    echo("")
    echo(t(language, "init.written", path=result.path, known=result.known, unknown=result.unknown))
    echo(t(language, "init.next", path=result.path))


#: Every command of this module, for registration on the ``advisor`` group.
COMMANDS = (explain_cmd, whatif_cmd, next_steps_cmd, diff_cmd, init_cmd)
