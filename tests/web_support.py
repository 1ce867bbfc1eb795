"""Shared by the tests of ``advisor serve``: what they need, and a server in a thread.

The web tests skip (naming what is missing) where the ``web`` extra, Playwright, Chromium or a
PostgreSQL server is missing, EXCEPT under ``ADVISOR_REQUIRE_WEB_TESTS=1`` (as .ci/run sets it):
there a missing piece is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from typing import Any

import pytest

REQUIRED = os.environ.get("ADVISOR_REQUIRE_WEB_TESTS") == "1"
CHROMIUM = os.environ.get("ADVISOR_TEST_CHROMIUM", "/usr/bin/chromium")
DATABASE_URL = os.environ.get("ADVISOR_TEST_DATABASE_URL", "")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def missing(reason: str) -> None:
    """Skip with ``reason``, or fail under ADVISOR_REQUIRE_WEB_TESTS=1."""
    if REQUIRED:
        pytest.fail(f"ADVISOR_REQUIRE_WEB_TESTS=1 but {reason}")
    pytest.skip(reason)


def require_web_extra() -> None:
    from advisor.web import missing_extra

    name = missing_extra()
    if name is not None:
        missing(f"the web extra is not installed ({name} is missing)")


def require_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the playwright package is not installed")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing(f"no Chromium at {CHROMIUM} (set ADVISOR_TEST_CHROMIUM)")


def databases() -> list[Any]:
    """The databases to test on: SQLite, and PostgreSQL (skipped where ADVISOR_TEST_DATABASE_URL is unset)."""
    return ["sqlite", "postgresql"]


def open_test_store(kind: str, tmp_path: Any) -> Any:
    """A fresh store: a SQLite file in ``tmp_path``, or the PostgreSQL database emptied first."""
    from advisor.web.store import open_store

    if kind == "sqlite":
        return open_store(tmp_path / "workbench.sqlite3")
    if not DATABASE_URL:
        missing("ADVISOR_TEST_DATABASE_URL is not set (a PostgreSQL server to test on)")
    from sqlalchemy import create_engine, text

    from advisor.web.store import database_url

    engine = create_engine(database_url(DATABASE_URL))
    with engine.begin() as connection:
        for table in ("profile_version", "informant", "engagement", "setting", "alembic_version"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return open_store(DATABASE_URL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The app served by uvicorn in a thread of this process, on a free port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def pdftotext() -> "str | None":
    return shutil.which("pdftotext")
