"""Every rule of the shipped pack has a profile that fires it and a near miss that does not."""

from __future__ import annotations

import pytest
import yaml

import advisor

from helpers import TESTS

CASE_DIR = TESTS / "rule_cases"


def _load_cases() -> dict[str, dict]:
    cases: dict[str, dict] = {}
    for path in sorted(CASE_DIR.glob("*.yaml")):
        for rule_id, case in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            assert rule_id not in cases, f"{rule_id} has cases in two files"
            cases[rule_id] = case
    return cases


CASES = _load_cases()
SHIPPED = advisor.load_rules()


def test_every_rule_has_a_case_pair():
    missing = sorted(set(SHIPPED.by_id) - set(CASES))
    assert not missing, f"rules without fire / near-miss cases: {missing}"
    orphans = sorted(set(CASES) - set(SHIPPED.by_id))
    assert not orphans, f"cases for rules that do not exist: {orphans}"
    for rule_id, case in CASES.items():
        assert set(case) == {"fires", "near_miss"}, rule_id


@pytest.mark.parametrize("rule_id", sorted(CASES))
@pytest.mark.parametrize("engine", ["durable", "python"])
def test_rule_fires(rule_id, engine):
    profile = advisor.parse_profile(CASES[rule_id]["fires"], name=f"{rule_id}.fires")
    result = advisor.assess(profile, SHIPPED, engine=engine)
    assert rule_id in result.fired


@pytest.mark.parametrize("rule_id", sorted(CASES))
@pytest.mark.parametrize("engine", ["durable", "python"])
def test_rule_near_miss(rule_id, engine):
    profile = advisor.parse_profile(CASES[rule_id]["near_miss"] or {}, name=f"{rule_id}.near_miss")
    result = advisor.assess(profile, SHIPPED, engine=engine)
    assert rule_id not in result.fired
