"""advisor explain: why a rule fired or did not, node by node, in both languages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import advisor
from advisor.cli.tools import explain_cmd
from advisor.render.tools import render_explanation
from advisor.tools.explain import explain
from helpers import EXAMPLES, TOOLS, TOOLS_NEW, TOOLS_OLD, TOOLS_RULES, check_golden

RULES, OLD, NEW = TOOLS_RULES, TOOLS_OLD, TOOLS_NEW


def run(*args: str):
    return CliRunner().invoke(explain_cmd, [*args, "--rules", RULES], catch_exceptions=False)


def test_fired_rule_walks_every_node_with_actual_values(tools_pack, old):
    e = explain(old, "TOOL-012", tools_pack)
    assert e.fired and e.value is True
    assert e.tree.kind == "all"
    finding, negation = e.tree.children
    assert (finding.kind, finding.rule_id, finding.fired, finding.value) == ("finding", "TOOL-002", True, True)
    assert negation.kind == "not" and negation.value is True
    (compare,) = negation.children
    assert (compare.path, compare.op, compare.expected, compare.actual, compare.value) == (
        "implementation.strategy.exists",
        "eq",
        True,
        False,
        False,
    )
    assert e.failed == () and e.unknown == ()
    assert e.findings == {"TOOL-002": True}


def test_rule_that_does_not_fire_names_the_failed_conditions(tools_pack):
    e = explain(advisor.load_profile(NEW), "TOOL-012", tools_pack)
    assert not e.fired and e.value is False
    assert [(n.kind, n.rule_id) for n in e.failed] == [("finding", "TOOL-002"), ("not", None)]
    assert e.findings == {"TOOL-002": False}


def test_undecided_rule_names_the_unknown_facts_that_decide_it(tools_pack, old):
    e = explain(old, "TOOL-011", tools_pack)
    assert not e.fired and e.value is None
    assert e.failed == ()
    assert e.deciding_unknown == ("relations.invited_without_influence", "arenas[Verkstedet].room_for_influence")
    arenas = e.tree.children[1]
    assert arenas.kind == "any_arena"
    assert [(a.arena, a.value) for a in arenas.children] == [("Torget", False), ("Verkstedet", None)]


def test_unknown_facts_that_did_not_matter_are_told_apart(tools_pack, old):
    e = explain(old, "TOOL-003", tools_pack)
    assert e.fired
    assert e.deciding_unknown == ()
    assert e.unknown == ("arenas[Verkstedet].room_for_influence",)


def test_negated_finding_that_did_not_fire(tools_pack, old):
    e = explain(old, "TOOL-013", tools_pack)
    assert e.fired
    assert e.findings == {"TOOL-001": False}


def test_undecided_finding_is_reported_as_undecided(tools_pack):
    profile = advisor.parse_profile({"plan": {"co_creation_status": "vision"}})
    e = explain(profile, "TOOL-012", tools_pack)
    finding = e.tree.children[0]
    assert finding.fired is False and finding.undecided is True
    assert "did not fire: undecided, facts unknown" in render_explanation(e, "en")


def test_arenas_unknown(tools_pack):
    e = explain(advisor.parse_profile({}), "TOOL-003", tools_pack)
    assert e.value is None and e.deciding_unknown == ("arenas",)
    assert "(the arenas are unknown)" in render_explanation(e, "en")
    empty = explain(advisor.parse_profile({"arenas": []}), "TOOL-003", tools_pack)
    assert empty.value is False
    assert "(no arenas listed)" in render_explanation(empty, "en")


def test_recommendation_shows_its_link(tools_pack, old):
    e = explain(old, "TOOL-102", tools_pack)
    assert e.fired and e.recommended_by == ("TOOL-010",)
    assert e.tree.children[0].rule_id == "TOOL-010"


def test_value_agrees_with_the_assessment_for_every_rule(tools_pack, old):
    result = advisor.assess(old, tools_pack)
    for rule in tools_pack.rules:
        e = explain(old, rule.id, tools_pack)
        assert e.fired == (rule.id in result.fired)
        assert e.fired == (e.value is True), rule.id


def test_shipped_pack_explains_every_rule_of_the_demo(pack):
    profile = advisor.load_profile(EXAMPLES / "demo.yaml")
    fired = advisor.assess(profile, pack).fired
    for rule in pack.rules:
        e = explain(profile, rule.id, pack)
        done = e.guard is not None and e.guard.value is True  # a recommendation known to be done
        assert e.fired == (rule.id in fired) == (e.value is True and not done), rule.id
        for lang in ("en", "nb"):
            assert render_explanation(e, lang).startswith(rule.id)


def test_lower_case_id_is_accepted(tools_pack, old):
    assert explain(old, "tool-012", tools_pack).rule_id == "TOOL-012"


@pytest.mark.parametrize("lang", ["en", "nb"])
@pytest.mark.parametrize("rule_id, profile", [("TOOL-011", "old"), ("TOOL-012", "new"), ("TOOL-003", "old")])
def test_cli_golden(lang, rule_id, profile):
    result = run(str(TOOLS / f"{profile}.yaml"), rule_id, "--lang", lang)
    assert result.exit_code == 0, result.output
    check_golden(f"explain-{rule_id}-{profile}.{lang}.txt", result.stdout)


def test_cli_json_has_both_languages():
    result = run(OLD, "TOOL-011", "--format", "json")
    data = json.loads(result.stdout)
    assert data["rule_id"] == "TOOL-011" and data["value"] is None
    assert set(data["tree"]["text"]) == {"en", "nb"}


def test_cli_is_deterministic():
    assert len({run(OLD, "TOOL-003").stdout for _ in range(3)}) == 1


def test_unknown_rule_id_suggests_and_exits_2():
    result = run(OLD, "TOOL-0011")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "advisor: error: no rule TOOL-0011 in pack tools-test (did you mean TOOL-011?)\n"


def test_rule_id_with_nothing_close():
    result = run(OLD, "XYZ")
    assert result.exit_code == 2
    assert result.stderr == "advisor: error: no rule XYZ in pack tools-test (see `advisor rules list`)\n"


def test_bad_profile_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  knowledge_base: maybe\n", encoding="utf-8")
    result = run(str(bad), "TOOL-001")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: error: {bad}:2: plan.knowledge_base: ")
    assert result.stderr.count("\n") == 1


def test_missing_arguments_is_a_usage_error():
    assert CliRunner().invoke(explain_cmd, [OLD]).exit_code == 2
