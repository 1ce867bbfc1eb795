"""The ``advisor`` command: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors of the
library (:class:`advisor.errors.AdvisorError`) become one line on standard error and the
error's exit code; nothing prints a traceback unless ``ADVISOR_DEBUG=1``.

Exit codes: 0 success; 1 unexpected internal error; 2 bad input (profile, rule pack or usage);
3 findings at or above ``--fail-on``; 4 engine failure.
"""

from __future__ import annotations

import json
import sys
from typing import Optional

import click

from . import __version__
from ._cli_common import handle_errors, lang_option, load_pack, resolve_language, rules_option
from ._profile_io import load_profile
from .assessment import assess
from .catalogue import rule_catalogue
from .cli_report import report_cmd
from .cli_research import batch_cmd, compare_cmd, rules_check, rules_test, sample_cmd
from .cli_tools import COMMANDS as TOOL_COMMANDS
from .errors import RulePackError, did_you_mean
from .profile import Profile
from .render import FORMATS, render, rule_detail, rules_table
from .rulepack import KINDS, PRIORITIES

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_FINDINGS = 3

_handle_errors = handle_errors  # the error boundary, shared with the other command modules


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="advisor")
def main() -> None:
    """Assess how ready a Norwegian municipality is for co-creation, and what to do next."""


@main.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@lang_option
@rules_option
@click.option(
    "--fail-on",
    type=click.Choice(PRIORITIES),
    default=None,
    help="Exit with code 3 if any finding has this priority or higher.",
)
@_handle_errors
def assess_cmd(profile: str, fmt: str, lang: Optional[str], rules_paths: tuple[str, ...], fail_on: Optional[str]) -> None:
    """Assess PROFILE (YAML or JSON) and print diagnoses, pitfalls, a plan and questions."""
    pack = load_pack(rules_paths)
    result = assess(load_profile(profile), pack)
    click.echo(render(result, fmt, resolve_language(lang)), nl=False)
    if fail_on is not None:
        highest = result.highest_priority()
        if highest is not None and PRIORITIES.index(highest) >= PRIORITIES.index(fail_on):
            sys.exit(EXIT_FINDINGS)


assess_cmd.name = "assess"


@main.group()
def rules() -> None:
    """Inspect a rule pack."""


@rules.command("list")
@rules_option
@lang_option
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only rules of this kind.")
@_handle_errors
def rules_list(rules_paths: tuple[str, ...], lang: Optional[str], kind: Optional[str]) -> None:
    """List the rules of a pack."""
    click.echo(rules_table(load_pack(rules_paths), resolve_language(lang), kind), nl=False)


@rules.command("show")
@click.argument("rule_id")
@rules_option
@lang_option
@_handle_errors
def rules_show(rule_id: str, rules_paths: tuple[str, ...], lang: Optional[str]) -> None:
    """Show everything about one rule: texts, condition, links and sources."""
    pack = load_pack(rules_paths)
    rule = pack.by_id.get(rule_id.upper())
    if rule is None:
        match = did_you_mean(rule_id.upper(), pack.by_id)
        raise RulePackError(
            f"no rule {rule_id} in pack {pack.info.name}",
            hint=f"did you mean {match}?" if match else "see `advisor rules list`",
        )
    click.echo(rule_detail(pack, rule, resolve_language(lang)), nl=False)


@rules.command("catalogue")
@rules_option
@_handle_errors
def rules_catalogue(rules_paths: tuple[str, ...]) -> None:
    """Print a Markdown catalogue of every rule (docs/RULES.md is this for the shipped pack)."""
    click.echo(rule_catalogue(load_pack(rules_paths)), nl=False)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a municipality profile."""
    click.echo(json.dumps(Profile.model_json_schema(), indent=2, ensure_ascii=False))


for _command in (report_cmd, batch_cmd, compare_cmd, sample_cmd, *TOOL_COMMANDS):
    main.add_command(_command)
rules.add_command(rules_test, "test")
rules.add_command(rules_check, "check")


if __name__ == "__main__":  # pragma: no cover
    main()
