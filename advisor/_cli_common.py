"""What every command module of the CLI shares: the error boundary and the common options."""

from __future__ import annotations

import errno
import functools
import os
import signal
import sys
import threading
from typing import Any, Callable, Sequence

import click

from .errors import LONG_PART, AdvisorError, InputError, escape_controls, shorten
from .i18n import LANGUAGES, resolve_language
from .rulepack import RulePack

__all__ = [
    "handle_errors",
    "echo",
    "rules_option",
    "lang_option",
    "load_pack",
    "resolve_language",
    "Terminated",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
]

EXIT_INTERNAL = 1
#: Ctrl-C (SIGINT) and SIGTERM end a command with the shell's codes, 128 + the signal's number.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
#: Failures to write that are the machine's, not advisor's: full disk, quota, I/O, read-only.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it ends exactly as after Ctrl-C: temporary
    files are removed, worker processes stopped, and nothing half-written is left."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


def echo(text: str = "", nl: bool = True) -> None:
    """Print ``text`` on standard output with its control characters escaped: profile and pack
    texts reach the terminal, and an escape sequence in them must show, not act."""
    click.echo(escape_controls(text), nl=nl)


def _error(text: str, kind: str = "error") -> None:
    click.echo(f"advisor: {kind}: {escape_controls(text)}", err=True)


def _silence_stdout() -> None:
    """After standard output failed (a full disk, ``> /dev/full``): drop what is still buffered
    for it, so that the interpreter's last flush does not print a second error."""
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test runner's buffer)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """The CLI's error boundary: an :class:`AdvisorError` becomes one line on stderr and its exit
    code; Ctrl-C exit 130 and SIGTERM exit 143 (each one line); standard output that cannot be
    written (full disk) one line and exit 2; anything else one line and exit 1, with the traceback
    only under ``ADVISOR_DEBUG=1``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
        try:
            result = func(*args, **kwargs)
            sys.stdout.flush()
            return result
        except AdvisorError as exc:
            _error(exc.one_line())
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            _error("terminated (SIGTERM); nothing half-written was left" if terminated else "interrupted (Ctrl-C); nothing half-written was left")
            sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, BrokenPipeError):
            raise
        except OSError as exc:
            if exc.errno not in _WRITE_ERRNOS:
                if os.environ.get("ADVISOR_DEBUG") == "1":
                    raise
                raise _internal(exc) from None
            _silence_stdout()
            _error(f"cannot write the output: {exc.strerror} (free some space, or write the output elsewhere)")
            sys.exit(InputError.exit_code)
        except Exception as exc:  # the boundary: no traceback for users
            if os.environ.get("ADVISOR_DEBUG") == "1":
                raise
            raise _internal(exc) from None
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return wrapper


def _internal(exc: BaseException) -> SystemExit:
    _error(f"{type(exc).__name__}: {shorten(str(exc), LONG_PART)} (please report it; ADVISOR_DEBUG=1 shows the traceback)", "internal error")
    return SystemExit(EXIT_INTERNAL)


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


