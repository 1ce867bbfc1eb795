from __future__ import annotations

import pytest

import advisor


@pytest.fixture(scope="session")
def pack() -> advisor.RulePack:
    return advisor.load_rules()
