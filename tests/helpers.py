"""Shared paths and helpers of the test suite."""

import os
import re
from pathlib import Path

from advisor.engine.interface import durable_problem


TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EXAMPLES = REPO / "examples"
GOLDEN = TESTS / "golden"
SEEDS = REPO.parent / "shared" / "seeds"
UPDATE_GOLDEN = os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1"


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/NAME; ADVISOR_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        assert durable_problem() is None, (
            "golden files are made with the durable-rules engine, which cannot be imported here"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} is missing; run with ADVISOR_UPDATE_GOLDEN=1 once"
    expected = path.read_text(encoding="utf-8")
    if durable_problem() is not None:  # golden files name durable-rules; the rest must be equal
        actual, expected = _engine_neutral(actual), _engine_neutral(expected)
    assert actual == expected, f"output differs from {path}; review and rerun with ADVISOR_UPDATE_GOLDEN=1"


_ENGINE_LABELS = [
    re.compile(r"(durable-rules|python-reference) [0-9][0-9.]*[0-9]"),
    re.compile(r'("engine": )"(durable-rules|python-reference)"(,\s*"engine_version": )"[^"]*"'),
]


def _engine_neutral(text: str) -> str:
    """``text`` with the engine's name and version (in text or in a JSON manifest) blanked out."""
    text = _ENGINE_LABELS[0].sub("ENGINE VERSION", text)
    return _ENGINE_LABELS[1].sub(r'\1"ENGINE"\3"VERSION"', text)


# The fixed pack and profiles of the consultant tools' tests (explain, whatif, diff).
TOOLS = TESTS / "data" / "tools"
TOOLS_RULES = str(TOOLS / "rules.yaml")
TOOLS_OLD = str(TOOLS / "old.yaml")
TOOLS_NEW = str(TOOLS / "new.yaml")


# PDF: its text and pages through Debian's poppler-utils (pdftotext, pdfinfo).
REQUIRE_WEB_TESTS = os.environ.get("ADVISOR_REQUIRE_WEB_TESTS") == "1"


def require_or_skip(problem: "str | None") -> None:
    """Skip the test for ``problem`` (what is missing), or fail under ADVISOR_REQUIRE_WEB_TESTS=1,
    where CI has installed everything the web and PDF tests need."""
    import pytest

    if problem is None:
        return
    if REQUIRE_WEB_TESTS:
        pytest.fail(f"{problem}, and ADVISOR_REQUIRE_WEB_TESTS=1 requires it")
    pytest.skip(problem)


def _poppler(*command: str, data: bytes) -> str:
    """What a poppler-utils ``command`` prints for the PDF ``data`` (given as ``-``, standard input)."""
    import shutil
    import subprocess

    if shutil.which(command[0]) is None:
        require_or_skip(f"{command[0]} not found (Debian: apt-get install poppler-utils)")
    done = subprocess.run(list(command), input=data, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8")


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page after page (pdftotext; a form feed between pages)."""
    return _poppler("pdftotext", "-enc", "UTF-8", "-", "-", data=data)


def pdf_words(data: bytes) -> "list[tuple[float, float, list[tuple[float, float, float, float, str]]]]":
    """Per page of a PDF, its width and height and its words with their boxes (xMin, yMin,
    xMax, yMax, in points), as pdftotext -bbox gives them."""
    import html
    import re

    text = _poppler("pdftotext", "-bbox", "-enc", "UTF-8", "-", "-", data=data)
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', page.group(3)
            )
        ]
        pages.append((float(page.group(1)), float(page.group(2)), words))
    return pages


def pdf_pages(data: bytes) -> "tuple[int, str]":
    """The number of pages of a PDF and the size of its first page, as pdfinfo says it."""
    info = dict(line.split(":", 1) for line in _poppler("pdfinfo", "-", data=data).splitlines() if ":" in line)
    return int(info["Pages"]), info["Page size"].strip()


def hide_weasyprint(monkeypatch, error: "type[Exception]" = ImportError) -> None:
    """Make ``import weasyprint`` fail as it does without the ``pdf`` extra (``ImportError``) or
    without Pango (``OSError``), for the rest of the test."""
    import sys

    from advisor.render import pdf

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint":
                raise error("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
            return None

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Refuse(), *sys.meta_path])
    monkeypatch.setattr(pdf, "_weasyprint", None)
    monkeypatch.setattr(pdf, "_problem", None)


def fired_sets(pack, profiles) -> list:
    """The ids of the rules that fire on each profile, on the columnar engine (its fired columns
    read back row by row)."""
    from advisor.engine import columnar

    fired = columnar.columnar_pack(pack).fired(columnar.facts_frame(columnar.profiles_frame(profiles)))
    ids = [c[1:] for c in fired.columns]  # fired columns are named "@<rule id>"
    return [frozenset(i for i, hit in zip(ids, row) if hit) for row in fired.iter_rows()]


def require_native_columnar() -> None:
    """Skip the test where the columnar engine's C module (advisor/engine/_jsonl.c) was not built
    (no C compiler when the wheel was built), or fail under ADVISOR_REQUIRE_NATIVE=1, where CI
    builds it."""
    import pytest

    from advisor.engine import columnar

    if columnar.native():
        return
    if os.environ.get("ADVISOR_REQUIRE_NATIVE") == "1":
        pytest.fail("the columnar engine's C module is not built, and ADVISOR_REQUIRE_NATIVE=1 requires it")
    pytest.skip("the columnar engine's C module is not built")
