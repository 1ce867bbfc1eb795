from __future__ import annotations

import pytest

import advisor


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

    from advisor import variants
    from helpers import REPO

    target = tmp_path / "default"
    target.mkdir()
    for name in ("pack.yaml", "core.yaml"):
        shutil.copy(REPO / "rules" / name, target / name)
    monkeypatch.setattr(variants, "default_rules_path", lambda: target)
    return target
