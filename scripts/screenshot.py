#!/usr/bin/env python3
"""Render a report to HTML and take a PNG screenshot of it with headless Chromium.

    python scripts/screenshot.py examples/demo.yaml -o docs/report-demo.png
    python scripts/screenshot.py a.yaml b.yaml -o shot.png --lang nb --html shot.html

Chromium is looked up as $CHROMIUM, then chromium, chromium-browser, google-chrome and
google-chrome-stable on PATH. Without it the script stops with a message (exit code 2). Chromium
runs headless with no network use of its own and a throw-away profile directory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> Optional[str]:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else shutil.which(explicit)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(chromium: str, html: Path, png: Path, width: int, height: int, timeout: int = 120) -> None:
    with tempfile.TemporaryDirectory(prefix="advisor-chromium-") as profile_dir:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile_dir}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not png.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SystemExit(f"screenshot.py: chromium failed (exit {done.returncode}):\n" + "\n".join(tail))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profiles", nargs="+", help="profile files (one per informant)")
    parser.add_argument("-o", "--output", required=True, help="PNG file to write")
    parser.add_argument("--lang", choices=("en", "nb"), default="en")
    parser.add_argument("--rules", default=None, help="rule pack (default: the shipped one)")
    parser.add_argument("--html", default=None, help="also keep the HTML here")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        print(
            "screenshot.py: Chromium not found (looked for $CHROMIUM, " + ", ".join(CANDIDATES) + "). "
            "Install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome.",
            file=sys.stderr,
        )
        return 2

    from advisor import load_profile, load_rules
    from advisor.cli.report import informant_labels, write_atomic
    from advisor.core.errors import AdvisorError
    from advisor.render.report import build_report, render_html

    try:
        profiles = {label: load_profile(p) for label, p in zip(informant_labels(tuple(args.profiles)), args.profiles)}
        html = render_html(build_report(profiles, load_rules(args.rules), args.lang))
    except AdvisorError as exc:
        print(f"screenshot.py: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    png = Path(args.output)
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="advisor-report-") as tmp:
        page = Path(args.html) if args.html else Path(tmp) / "report.html"
        write_atomic(str(page), html)
        shot = Path(tmp) / "shot.png"
        screenshot(chromium, page, shot, args.width, args.height)
        shutil.move(str(shot), str(png))
    print(f"{png} ({args.width}x{args.height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
