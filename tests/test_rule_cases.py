"""Every rule of the shipped pack has a profile that fires it and a near miss that does not.

The cases are the shipped pack's own test cases (``rules/*.tests.yaml``, the ``tests:`` format of
every pack, docs/RESEARCH.md), run here through the code of ``advisor rules test default``.
"""

from __future__ import annotations

import pytest

import advisor
from advisor.rules.variants import resolve_variant

SHIPPED = resolve_variant(None)


def test_every_rule_has_a_firing_case_and_a_near_miss():
    report = advisor.run_pack_tests(None, engine="python")
    assert report.without_cases() == {}
    named = {r for test in SHIPPED.tests for r in test.fires + test.not_fires}
    assert not named - set(SHIPPED.pack.by_id), "test cases name rules that do not exist"


def test_the_pair_check_sees_a_rule_without_cases(tmp_path):
    """The check above can fail: a pack whose one case only fires a rule lacks its near miss."""
    variant = tmp_path / "v.yaml"
    variant.write_text(
        "extends: default\ntests:\n  - profile: {resources: {key_person_dependency: true}}\n    fires: [RES-002]\n",
        encoding="utf-8",
    )
    report = advisor.run_pack_tests(variant, engine="python")
    lacking = report.without_cases()
    assert report.ok and lacking["RES-002"] == ("not_fires",)
    assert lacking["RES-001"] == ("fires", "not_fires")
    assert set(lacking) == set(SHIPPED.pack.by_id)


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_every_case_of_the_shipped_pack_holds(engine):
    report = advisor.run_pack_tests(None, engine=engine)
    assert len(report.outcomes) == len(SHIPPED.tests)
    failed = [
        f"{o.test.name} ({o.test.where}): missing {list(o.missing)}, unexpected {list(o.unexpected)}"
        for o in report.outcomes
        if not o.passed
    ]
    assert not failed, "\n".join(failed)
