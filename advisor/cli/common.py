"""What every command module of the CLI shares: the error boundary and the common options."""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import signal
import sys
import threading
from typing import Any, Callable, Optional, Sequence

import click

from ..core.errors_nb import error_line, patterns, translate
from ..core.errors import LONG_PART, AdvisorError, InputError, escape_controls, shorten
from ..core.i18n import LANGUAGES, t
from ..core.i18n import resolve_language as _resolve_language
from ..render.format import fit_lines, output_width, use_width
from ..render.formats import render_text
from ..rules.pack import RulePack

__all__ = [
    "handle_errors",
    "echo",
    "rules_option",
    "lang_option",
    "load_pack",
    "resolve_language",
    "quiet_option",
    "is_quiet",
    "format_option",
    "echo_text",
    "Terminated",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "EXIT_ABORTED",
]

EXIT_INTERNAL = 1
#: Ctrl-C (SIGINT) and SIGTERM end a command with the shell's codes, 128 + the signal's number.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
#: An interview cut off (Ctrl-C, or the end of its input): the shell's code for Ctrl-C.
EXIT_ABORTED = EXIT_INTERRUPTED
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
    word = t(run_language(), "cli.kind." + kind.replace(" ", "_"))
    click.echo(f"advisor: {word}: {escape_controls(text)}", err=True)


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


#: The language of the command line being run (set by the ``advisor`` group before click parses).
_RUN_LANGUAGE: list[str] = []


def set_run_language(lang: Optional[str]) -> None:
    """Remember the language of the command line being run, for error messages and ``--help``
    (``None``: the run is over)."""
    _RUN_LANGUAGE[:] = [lang] if lang else []


def run_language() -> str:
    """The language of the command line being run: its ``--lang``, else the locale."""
    return _RUN_LANGUAGE[0] if _RUN_LANGUAGE else _resolve_language()


def resolve_language(explicit: Optional[str] = None) -> str:
    """The language of a command's output: its ``--lang``, else the ``--lang`` given before the
    command (``advisor --lang nb assess ...``), else the locale."""
    return explicit or run_language()


def error_prefix() -> str:
    """``advisor: error: `` in the language of the command line (``advisor: feil: `` in bokmål)."""
    return f"advisor: {t(run_language(), 'cli.kind.error')}: "


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
            with use_width(output_width()):
                if is_quiet():
                    with contextlib.redirect_stdout(io.StringIO()):
                        result = func(*args, **kwargs)
                else:
                    result = func(*args, **kwargs)
            sys.stdout.flush()
            return result
        except AdvisorError as exc:
            _error(error_line(exc, run_language()))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            _error(t(run_language(), "cli.terminated" if terminated else "cli.interrupted"))
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
    _error(
        f"{type(exc).__name__}: {shorten(str(exc), LONG_PART)} (please report it; ADVISOR_DEBUG=1 shows the traceback)",
        "internal error",
    )
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
    help="Language of the output, one of the choices shown (default: from the locale, else en).",
)


def load_pack(paths: Sequence[str]) -> RulePack:
    """The pack that ``--rules`` names: the shipped rule base, one pack, or several stacked."""
    from ..rules.load import load_rules

    return load_rules(list(paths) or None)


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["advisor.quiet"] = True


#: ``-q/--quiet`` on every command: nothing on standard output, no progress bar; errors and
#: warnings still go to standard error, and the exit code and any file written carry the result.
quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_quiet,
    help="Print nothing but errors and warnings: the exit code and the files written carry the result.",
)


def is_quiet() -> bool:
    """Whether the running command was given ``-q/--quiet``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get("advisor.quiet"))


class FormatChoice(click.Choice[str]):
    """A ``--format`` choice from the one vocabulary of formats (text, json, markdown, html, csv,
    jsonl, yaml), with the old spellings (``table``) still accepted and not shown."""

    ALIASES = {"table": "text", "md": "markdown"}

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        if isinstance(value, str) and value not in self.choices and self.ALIASES.get(value) in self.choices:
            value = self.ALIASES[value]
        return super().convert(value, param, ctx)


def format_option(choices: Sequence[str], default: Optional[str], help: str) -> Callable[[Any], Any]:
    """``--format`` with choices from the one vocabulary (see :class:`FormatChoice`)."""
    return click.option(
        "--format",
        "fmt",
        type=FormatChoice(list(choices)),
        default=default,
        show_default=default is not None,
        help=help,
    )


def scan_language(args: Sequence[str]) -> str:
    """The language of a command line before click parses it (``--lang X`` or ``--lang=X``, else
    the locale), for the messages of usage errors and for ``--help``."""
    explicit: Optional[str] = None
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            explicit = args[i + 1]
        elif arg.startswith("--lang="):
            explicit = arg.split("=", 1)[1]
    return _resolve_language(explicit if explicit in LANGUAGES else None)


def _click_words(text: str, lang: str) -> str:
    """A message of click in ``lang`` by the ``click`` table of its ``errors.json`` (as it is
    when the language has none, or no pattern matches)."""
    return translate(text, lang, "click") or text


def usage_error_line(exc: click.ClickException, lang: str) -> str:
    """A usage error of click as the one error style of advisor: ``advisor: error: ...`` (in
    ``lang``; click's messages by the ``click`` table of its ``errors.json``, English where it has
    none), naming the option and where to read about it."""
    translated = bool(patterns(lang, "click")) if lang in LANGUAGES else False
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "advisor"
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        hint = (
            exc.param_hint
            if isinstance(exc.param_hint, str)
            else exc.param.get_error_hint(ctx)
            if ctx
            else exc.param.name
        )
        said = _click_words(exc.message, lang) if translated else exc.message.rstrip(".")
        message = t(lang, "cli.invalid_value", hint=hint, message=said)
        if isinstance(exc, click.MissingParameter):
            message = t(lang, "cli.missing", name=exc.param.get_error_hint(ctx) if ctx else exc.param.name)
    elif isinstance(exc, click.NoSuchOption):
        message = (
            _click_words(f"No such option: {exc.option_name}", lang) if translated else exc.format_message().rstrip(".")
        )
        if exc.possibilities:
            suggestion = ", ".join(sorted(exc.possibilities))
            message = (
                message.split(" Did you mean")[0].rstrip(".") + " " + t(lang, "cli.did_you_mean", suggestion=suggestion)
            )
    else:
        message = _click_words(exc.format_message(), lang) if translated else exc.format_message().rstrip(".")
    see = t(lang, "cli.see_help", command=command)
    return f"advisor: {t(lang, 'cli.kind.error')}: " + " ".join(f"{message} ({see})".split())


def echo_text(text: str, err: bool = False) -> None:
    """Print text meant for a terminal, its long lines wrapped to the output width (tables are
    fitted when they are rendered; see :func:`advisor.render.format.fit_table`), its control characters
    escaped as :func:`echo` does."""
    click.echo(escape_controls(fit_lines(text)), nl=False, err=err)


def show_result(kind: str, fmt: str, result: Any, lang: Optional[str], **options: Any) -> None:
    """``result`` (of result type ``kind``, :data:`advisor.render.formats.FORMATS`) in format
    ``fmt`` on standard output: JSON as it is, text in the command's language wrapped to the
    terminal; ``options`` go to the renderer."""
    if fmt == "json":
        echo(render_text(kind, fmt, result), nl=False)
    else:
        echo_text(render_text(kind, fmt, result, lang=resolve_language(lang), **options))
