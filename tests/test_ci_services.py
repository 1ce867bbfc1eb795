"""The services .ci/run provides for the web and PDF tests are really there.

.ci/run starts a throwaway PostgreSQL server and exports ``ADVISOR_TEST_DATABASE_URL``, points
``ADVISOR_TEST_CHROMIUM`` at Debian's Chromium and sets ``ADVISOR_REQUIRE_WEB_TESTS=1``, so that a
missing service fails these tests instead of skipping them. Elsewhere they are skipped when a
service is not configured. (WeasyPrint and poppler-utils: tests/test_pdf.py, under the same rule.)
"""

from __future__ import annotations

import os
import shutil

from helpers import require_or_skip


def test_the_database_url_reaches_a_postgresql_server():
    url = os.environ.get("ADVISOR_TEST_DATABASE_URL")
    require_or_skip(None if url else "ADVISOR_TEST_DATABASE_URL is not set (a PostgreSQL server to test with)")
    try:
        import psycopg
    except ImportError:
        require_or_skip("psycopg is not installed (the web extra)")
    with psycopg.connect(url, connect_timeout=10) as connection:
        version = connection.execute("show server_version").fetchone()[0]
        value = connection.execute("select %s::int + 1", (41,)).fetchone()[0]
    assert value == 42 and int(version.split(".")[0]) >= 12, version


def test_chromium_runs_headless_through_playwright():
    chromium = os.environ.get("ADVISOR_TEST_CHROMIUM") or shutil.which("chromium")
    require_or_skip(
        None
        if chromium and os.access(chromium, os.X_OK)
        else "no Chromium (set ADVISOR_TEST_CHROMIUM, or apt-get install chromium)"
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("playwright is not installed (the test extra)")
    # Debian's Chromium, never a browser that `playwright install` would download
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content("<title>Samskaping</title><p id=x>Levanger</p>")
            assert page.title() == "Samskaping" and page.inner_text("#x") == "Levanger"
        finally:
            browser.close()
