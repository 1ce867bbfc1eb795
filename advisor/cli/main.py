"""The ``advisor`` command: a thin layer over the library.

Each command parses its options, makes one library call and formats the result. Errors of the
library (:class:`advisor.core.errors.AdvisorError`) become one line on standard error and the
error's exit code; nothing prints a traceback unless ``ADVISOR_DEBUG=1``.

Exit codes: 0 success; 1 unexpected internal error; 2 bad input (profile, rule pack or usage);
3 findings at or above ``--fail-on``; 4 engine failure.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import sys
from typing import Any, Optional, Sequence

from ..core.codecache import generated_code_cached
from ..core.collector import paused as collector_paused

# The command line's own imports (click, the shared options, the renderers) made as advisor's
# are (advisor/__init__.py): no garbage collection meanwhile, and the code dataclasses, typing
# and namedtuples generate made from the bytecode kept for it (issue 15 §3).
with collector_paused(), generated_code_cached():
    import click

    from ..core.version import __version__
    from .common import (
        EXIT_ABORTED,
        echo,
        echo_text,
        error_prefix,
        format_option,
        handle_errors,
        lang_option,
        load_pack,
        quiet_option,
        resolve_language,
        rules_option,
        scan_language,
        set_run_language,
        usage_error_line,
    )
    from .help import AdvisorGroup
    from ..profile.io import load_profile
    from ..engine.assessment import FAIL_ON_KINDS, assess
    from ..core.errors import RulePackError, did_you_mean, escape_controls
    from ..core.i18n import LANGUAGES, t
    from ..profile.model import profile_json_schema
    from ..render.format import FORMATS, render, rule_detail, rules_table
    from ..rules.pack import KINDS, PRIORITIES

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_FINDINGS = 3

# When a command has run, the interpreter's shutdown collects garbage over every object the run
# made (pydantic's schemas, the models, the pack, the compiled rules): some 4 % of the instructions
# of `advisor assess`. This exit handler, run after every other one (it is registered first),
# moves what is left to the permanent generation, which that collection skips; objects are still
# freed as the modules are torn down (issue 15 §3; tests/test_startup.py).
atexit.register(gc.freeze)

_handle_errors = handle_errors  # the error boundary, shared with the other command modules


class LazyGroup(AdvisorGroup):
    """A group whose commands in other modules are imported only when they run or are listed
    in ``--help``, so that ``advisor assess`` starts without loading the report or research code."""

    def __init__(self, *args: Any, lazy: "dict[str, str] | None" = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def main(
        self,
        args: "Optional[Sequence[str]]" = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's ``main``, with its usage errors in advisor's one-line style (``advisor: error:
        ...``, exit 2; in the language of ``--lang`` or the locale, read before click parses)
        instead of click's three lines."""
        argv = list(sys.argv[1:] if args is None else args)
        lang = scan_language(argv)
        set_run_language(lang)
        try:
            if not standalone_mode:
                return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
            return self._main(argv, lang, complete_var, **extra)
        finally:
            set_run_language(None)  # a test runner may run the next command in this process

    def _main(self, argv: list[str], lang: str, complete_var: Optional[str], **extra: Any) -> Any:
        try:
            result = super().main(argv, "advisor", complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a group without its command: the help
                exc.show()
                sys.exit(exc.exit_code)
            click.echo(escape_controls(usage_error_line(exc, lang)), err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo(error_prefix() + t(lang, "cli.aborted"), err=True)
            sys.exit(EXIT_ABORTED)
        sys.exit(result if isinstance(result, int) else 0)

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        if name in self.lazy and name not in self.commands:
            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module, __package__), attr), name)
        return super().get_command(ctx, name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    lazy={
        "report": ".report:report_cmd",
        "batch": ".research:batch_cmd",
        "compare": ".research:compare_cmd",
        "sample": ".research:sample_cmd",
        "sensitivity": ".research:sensitivity_cmd",
        "explain": ".tools:explain_cmd",
        "whatif": ".tools:whatif_cmd",
        "next-steps": ".tools:next_steps_cmd",
        "diff": ".tools:diff_cmd",
        "init": ".tools:init_cmd",
        "serve": ".serve:serve_cmd",
    },
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, param, value: _print_version(ctx, value),
    help="Show the version and the inference engine, and exit.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    expose_value=False,
    help="Language of the output, one of the choices shown (default: from the locale, else en).",
)
def main() -> None:
    """Assess how ready a Norwegian municipality is for co-creation, and what to do next."""
    from ..engine import interface as engines

    # The one-time notice that durable-rules is missing, in the language of the locale.
    engines.set_notice(lambda: engines._warn(resolve_language(None)))


def _print_version(ctx: click.Context, value: bool) -> None:
    """``advisor --version``: the version, and which engine runs (and why, if not durable-rules)."""
    if not value or ctx.resilient_parsing:
        return
    from ..engine.interface import describe

    click.echo(f"advisor, version {__version__}; {describe(resolve_language(None))}")
    ctx.exit()


@main.command("assess")
@click.argument("profile", type=click.Path(dir_okay=False, allow_dash=True))
@format_option(FORMATS, "text", "Output format: text for a terminal, markdown, or json (both languages) for scripts.")
@lang_option
@rules_option
@click.option(
    "--fail-on",
    type=click.Choice(PRIORITIES),
    default=None,
    help="Exit with code 3 if a diagnosis or pitfall has this priority or higher (recommendations do not count).",
)
@quiet_option
@_handle_errors
def assess_cmd(
    profile: str, fmt: str, lang: Optional[str], rules_paths: tuple[str, ...], fail_on: Optional[str]
) -> None:
    """Assess PROFILE (YAML or JSON; - reads standard input) and print diagnoses, pitfalls, a plan and questions."""
    # No garbage collection while the one profile is assessed and shown (advisor.core.collector).
    with collector_paused(), generated_code_cached():  # the engine's modules imported meanwhile
        pack = load_pack(rules_paths)
        result = assess(load_profile(profile), pack)
        text = render(result, fmt, resolve_language(lang))
    echo_text(text) if fmt == "text" else echo(text, nl=False)
    if fail_on is not None:
        highest = result.highest_priority(FAIL_ON_KINDS)
        if highest is not None and PRIORITIES.rank(highest) >= PRIORITIES.rank(fail_on):
            sys.exit(EXIT_FINDINGS)


@main.group("rules", cls=LazyGroup, lazy={"test": ".research:rules_test", "check": ".research:rules_check"})
def rules() -> None:
    """Inspect a rule pack."""


@rules.command("list")
@rules_option
@lang_option
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only rules of this kind.")
@quiet_option
@_handle_errors
def rules_list(rules_paths: tuple[str, ...], lang: Optional[str], kind: Optional[str]) -> None:
    """List the rules of a pack."""
    echo_text(rules_table(load_pack(rules_paths), resolve_language(lang), kind))


@rules.command("show")
@click.argument("rule_id")
@rules_option
@lang_option
@quiet_option
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
    echo_text(rule_detail(pack, rule, resolve_language(lang)))


@rules.command("catalogue")
@rules_option
@quiet_option
@_handle_errors
def rules_catalogue(rules_paths: tuple[str, ...]) -> None:
    """Print a Markdown catalogue of every rule (docs/RULES.md is this for the shipped pack)."""
    from ..render.catalogue import rule_catalogue  # not loaded at every start

    echo(rule_catalogue(load_pack(rules_paths)), nl=False)


@main.command("schema")
@quiet_option
@_handle_errors
def schema() -> None:
    """Print the JSON Schema of a municipality profile."""
    echo(json.dumps(profile_json_schema(), indent=2, ensure_ascii=False))


def _example_names() -> list[str]:
    from ..profile.examples import example_names

    return example_names()


@main.command("example")
@click.argument(
    "name",
    required=False,
    shell_complete=lambda ctx, param, incomplete: [n for n in _example_names() if n.startswith(incomplete)],
)
@lang_option
@quiet_option
@_handle_errors
def example_cmd(name: Optional[str], lang: Optional[str]) -> None:
    """Print the shipped example profile NAME (to start from: advisor example levanger > levanger.yaml);
    without NAME, list the examples."""
    from ..profile.examples import example_names, example_text  # not loaded at every start

    if name is None:
        echo(t(resolve_language(lang), "example_list"))
        for item in example_names():
            echo(f"  {item}")
        return
    echo(example_text(name), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
