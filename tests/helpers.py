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
