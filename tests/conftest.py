from __future__ import annotations

import os
import shutil
import tempfile

import pytest

import advisor
from advisor.engine.interface import durable_problem

# Where durable-rules cannot be imported (not installed, or not built for this Python), advisor
# runs on its reference evaluator: every test runs on it, but those of the durable-rules engine
# itself, and the engine="durable" cases of tests that run both engines, are skipped.
DURABLE_PROBLEM = durable_problem()
collect_ignore = ["test_engine.py", "test_engine_packs.py"] if DURABLE_PROBLEM else []
if DURABLE_PROBLEM:
    # Choose the reference evaluator explicitly, which silences the one-time fallback notice on
    # stderr that would otherwise precede the output of whichever CLI test runs first; the
    # notice has its own tests (test_packaging.py, in subprocesses without this variable).
    os.environ.setdefault("ADVISOR_ENGINE", "python")


# The shipped pack's cache (advisor.rules.cache) goes to a directory of this test session, not to
# the user's cache; subprocesses inherit it.
_CACHE = tempfile.mkdtemp(prefix="advisor-test-cache-")
os.environ["ADVISOR_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_CACHE, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if not DURABLE_PROBLEM:
        return
    skip = pytest.mark.skip(reason=f"durable-rules cannot be imported here: {DURABLE_PROBLEM}")
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.get_closest_marker("durable") or (callspec is not None and callspec.params.get("engine") == "durable"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pack() -> advisor.RulePack:
    return advisor.load_rules()


@pytest.fixture(scope="module")
def tools_pack() -> advisor.RulePack:
    """The fixed pack of tests/data/tools, whose ids stay put while the shipped rules grow."""
    from helpers import TOOLS_RULES

    return advisor.load_rules(TOOLS_RULES)


@pytest.fixture(scope="module")
def old() -> advisor.Profile:
    from helpers import TOOLS_OLD

    return advisor.load_profile(TOOLS_OLD)


@pytest.fixture
def core_default(tmp_path, monkeypatch):
    """`extends: default` reads only rules/core.yaml: the rule ids that stay put while rules grow."""
    import shutil

    from advisor.rules import variants
    from helpers import REPO

    target = tmp_path / "default"
    target.mkdir()
    for name in ("pack.yaml", "core.yaml"):
        shutil.copy(REPO / "rules" / name, target / name)
    monkeypatch.setattr(variants, "default_rules_path", lambda: target)
    return target
