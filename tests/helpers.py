"""Shared paths and helpers of the test suite."""


import os
from pathlib import Path


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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} is missing; run with ADVISOR_UPDATE_GOLDEN=1 once"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path}; review and rerun with ADVISOR_UPDATE_GOLDEN=1"

# The fixed pack and profiles of the consultant tools' tests (explain, whatif, diff).
TOOLS = TESTS / "data" / "tools"
TOOLS_RULES = str(TOOLS / "rules.yaml")
TOOLS_OLD = str(TOOLS / "old.yaml")
TOOLS_NEW = str(TOOLS / "new.yaml")
