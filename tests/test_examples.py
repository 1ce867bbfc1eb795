"""The example profiles: each assessment is pinned by a golden file, and each documented case
reproduces the conclusions its source document draws (tests/example_expectations/NAME.yaml)."""

from __future__ import annotations

import pytest
import yaml

import advisor
from advisor.render.format import to_markdown
from helpers import EXAMPLES, TESTS, check_golden

PROFILES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
EXPECTATIONS = sorted(p.stem for p in (TESTS / "example_expectations").glob("*.yaml"))


def test_there_are_at_least_three_examples():
    assert len(PROFILES) >= 3


@pytest.mark.parametrize("name", PROFILES)
def test_example_golden(name, pack):
    result = advisor.assess(advisor.load_profile(EXAMPLES / f"{name}.yaml"), pack)
    check_golden(f"example-{name}.en.md", to_markdown(result, "en"))


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_example_reproduces_the_documents_conclusions(name, pack):
    expected = yaml.safe_load((TESTS / "example_expectations" / f"{name}.yaml").read_text(encoding="utf-8"))
    result = advisor.assess(advisor.load_profile(EXAMPLES / f"{name}.yaml"), pack)
    for rule_id, reason in (expected.get("must_fire") or {}).items():
        assert rule_id in pack.by_id, f"{name}: expectation names unknown rule {rule_id}"
        assert rule_id in result.fired, f"{name}: {rule_id} should fire: {reason}"
    for rule_id, reason in (expected.get("must_not_fire") or {}).items():
        assert rule_id in pack.by_id, f"{name}: expectation names unknown rule {rule_id}"
        assert rule_id not in result.fired, f"{name}: {rule_id} should not fire: {reason}"


def test_every_documented_case_has_expectations():
    documented = {"namsos", "levanger", "steinkjer", "steinkjer-2025", "asker", "stad", "inn-pa-tunet"}
    present = documented & set(PROFILES)
    assert present <= set(EXPECTATIONS), f"examples without expectations: {sorted(present - set(EXPECTATIONS))}"
