"""``advisor serve``: the consultant's workbench of :mod:`advisor.web` (registered lazily on the
``advisor`` group).

It imports only click and the core until it runs; without the ``web`` extra it says in one line
how to install it (exit 2). Bound to any address but this machine's, it refuses to start unless
a consultant password is set (``advisor serve --set-password``).
"""

from __future__ import annotations

import sys

import click

from ..core.errors import InputError
from ..web import missing_extra
from ..core.i18n import t
from .common import error_prefix, handle_errors, load_pack, rules_option, run_language
from .help import AdvisorCommand

__all__ = ["serve_cmd", "DEFAULT_DB"]

#: The database when --db is not given: a SQLite file in the current directory.
DEFAULT_DB = "advisor-workbench.sqlite3"


@click.command("serve", cls=AdvisorCommand)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but this machine's needs a consultant password.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    help="The database: a SQLite file (created on first start) or postgresql://USER:PASSWORD@HOST/NAME.",
)
@click.option("--set-password", is_flag=True, help="Set the consultant's password (asked twice), then exit.")
@rules_option
def serve_cmd(host: str, port: int, db: str, set_password: bool, rules_paths: tuple[str, ...]) -> None:
    """Start the consultant's workbench: informants answer in the browser, the consultant sees the
    combined assessment live and downloads the report; a JSON API with OpenAPI docs at /api/docs."""
    missing = missing_extra()
    if missing is not None:
        lang = run_language()
        click.echo(error_prefix() + t(lang, "serve.install", module=missing), err=True)
        sys.exit(InputError.exit_code)
    handle_errors(_serve)(host, port, db, set_password, rules_paths)


def _serve(host: str, port: int, db: str, set_password: bool, rules_paths: tuple[str, ...] = ()) -> None:
    import uvicorn

    from ..web.app import create_app
    from ..web.security import hash_password, is_loopback
    from ..web.store import open_store

    lang = run_language()
    try:
        store = open_store(db)
    except Exception as exc:  # the database cannot be opened: one line, naming it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        from sqlalchemy.engine import make_url

        from ..web.store import database_url

        try:
            shown = make_url(database_url(db)).render_as_string(hide_password=True)
        except Exception:
            shown = "--db"
        raise InputError(
            f"cannot open the database {shown}: {first}",
            hint="give --db a writable file path or a reachable postgresql:// URL",
        ) from None
    if set_password:
        password = click.prompt(t(lang, "serve.new_password"), hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise InputError("the password is too short", hint="use at least 10 characters")
        store.set_setting("password_hash", hash_password(password))
        click.echo(t(lang, "serve.password_set"))
        return
    if not is_loopback(host) and store.setting("password_hash") is None:
        raise InputError(
            f"refusing to listen on {host} without a consultant login",
            hint="set one first with `advisor serve --set-password`, or listen on 127.0.0.1",
        )
    # a pack given with --rules is read (and refused, in one line) before the server starts
    app = create_app(store, pack=load_pack(rules_paths) if rules_paths else None)
    shown = f"[{host}]" if ":" in host else host
    click.echo(t(lang, "serve.runs_at", url=f"http://{shown}:{port}/"), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
