"""The ``advisor`` command: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors of the
library (:class:`advisor.errors.AdvisorError`) become one line on standard error and the
error's exit code; nothing prints a traceback unless ``ADVISOR_DEBUG=1``.

Exit codes: 0 success; 1 unexpected internal error; 2 bad input (profile, rule pack or usage);
3 findings at or above ``--fail-on``; 4 engine failure.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable, Optional

import click

from . import __version__
from ._profile_io import load_profile
from .assessment import assess
from .catalogue import rule_catalogue
from .errors import AdvisorError, RulePackError, did_you_mean
from .i18n import LANGUAGES, resolve_language
from .profile import Profile
from .render import FORMATS, render, rule_detail, rules_table
from .rulepack import KINDS, PRIORITIES, RulePack, load_rules

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_FINDINGS = 3


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdvisorError as exc:
            click.echo(f"advisor: error: {exc.one_line()}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # the boundary: no traceback for users
            if os.environ.get("ADVISOR_DEBUG") == "1":
                raise
            click.echo(
                f"advisor: internal error: {type(exc).__name__}: {exc} "
                "(please report it; ADVISOR_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


def _pack(path: Optional[str]) -> RulePack:
    return load_rules(path)


rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=True, file_okay=True),
    default=None,
    help="Rule pack file or directory (default: the shipped rule base).",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the output: en or nb (default: from the locale, else en).",
)


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
def assess_cmd(profile: str, fmt: str, lang: Optional[str], rules_path: Optional[str], fail_on: Optional[str]) -> None:
    """Assess PROFILE (YAML or JSON) and print diagnoses, pitfalls, a plan and questions."""
    pack = _pack(rules_path)
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
def rules_list(rules_path: Optional[str], lang: Optional[str], kind: Optional[str]) -> None:
    """List the rules of a pack."""
    click.echo(rules_table(_pack(rules_path), resolve_language(lang), kind), nl=False)


@rules.command("show")
@click.argument("rule_id")
@rules_option
@lang_option
@_handle_errors
def rules_show(rule_id: str, rules_path: Optional[str], lang: Optional[str]) -> None:
    """Show everything about one rule: texts, condition, links and sources."""
    pack = _pack(rules_path)
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
def rules_catalogue(rules_path: Optional[str]) -> None:
    """Print a Markdown catalogue of every rule (docs/RULES.md is this for the shipped pack)."""
    click.echo(rule_catalogue(_pack(rules_path)), nl=False)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a municipality profile."""
    click.echo(json.dumps(Profile.model_json_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
