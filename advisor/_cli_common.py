"""What every command module of the CLI shares: the error boundary and the common options."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, Sequence

import click

from .errors import AdvisorError
from .i18n import LANGUAGES, resolve_language
from .rulepack import RulePack

__all__ = ["handle_errors", "rules_option", "lang_option", "load_pack", "resolve_language", "EXIT_INTERNAL"]

EXIT_INTERNAL = 1


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """The CLI's error boundary: an :class:`AdvisorError` becomes one line on stderr and its exit
    code; anything else one line and exit 1, with the traceback only under ``ADVISOR_DEBUG=1``."""

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


rules_option = click.option(
    "--rules",
    "rules_paths",
    multiple=True,
    type=click.Path(dir_okay=True, file_okay=True),
    help="Rule pack or variant, file or directory (default: the shipped rule base). Given several "
    "times, the packs are stacked: each later one is applied on top of those before it.",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the output: en or nb (default: from the locale, else en).",
)


def load_pack(paths: Sequence[str]) -> RulePack:
    """The pack that ``--rules`` names: the shipped rule base, one pack, or several stacked."""
    from .variants import load_variant

    return load_variant(list(paths) or None)


