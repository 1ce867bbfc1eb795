"""advisor diff: two assessments of one municipality over time."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import advisor
from advisor.cli.tools import diff_cmd
from advisor.render.tools import render_diff
from advisor.tools.diff import diff, fact_values
from helpers import EXAMPLES, TOOLS, TOOLS_NEW, TOOLS_OLD, TOOLS_RULES, check_golden

RULES, OLD, NEW = TOOLS_RULES, TOOLS_OLD, TOOLS_NEW


def run(*args: str):
    return CliRunner().invoke(diff_cmd, [*args, "--rules", RULES], catch_exceptions=False)


def test_diff_facts_findings_and_summary(tools_pack):
    d = diff(advisor.load_profile(OLD), advisor.load_profile(NEW), tools_pack)
    facts = {c.path: (c.old, c.new) for c in d.facts}
    assert facts["plan.co_creation_status"] == ("focus_area", "main_goal")
    assert facts["plan.broad_involvement"] == (None, True)
    assert facts["arenas.count"] == (2, 3)
    assert facts["arenas[Ungdomsrådet].ladder_level"] == (None, 4)
    assert "arenas[Verkstedet].ladder_level" not in facts  # unchanged
    assert [f.rule_id for f in d.resolved] == [
        "TOOL-002",
        "TOOL-003",
        "TOOL-010",
        "TOOL-014",
        "TOOL-012",
        "TOOL-013",
        "TOOL-101",
        "TOOL-102",
    ]
    assert [f.rule_id for f in d.new] == ["TOOL-001", "TOOL-011"]
    assert [f.rule_id for f in d.persisting] == ["TOOL-015"]
    assert [(c.key, c.old, c.new) for c in d.kinds] == [
        ("strength", 0, 0),
        ("diagnosis", 2, 1),
        ("pitfall", 5, 2),
        ("recommendation", 2, 0),
    ]
    assert [(c.key, c.old, c.new) for c in d.pitfalls_by_priority] == [
        ("critical", 0, 1),
        ("high", 2, 0),
        ("medium", 2, 1),
        ("low", 1, 0),
    ]
    assert (d.pitfall_load.old, d.pitfall_load.new) == (11, 6)
    assert d.same_municipality


def test_facts_are_listed_in_profile_order(tools_pack):
    d = diff(advisor.load_profile(OLD), advisor.load_profile(NEW), tools_pack)
    paths = [c.path for c in d.facts]
    assert (
        paths.index("plan.co_creation_status")
        < paths.index("implementation.strategy.exists")
        < paths.index("arenas.count")
    )
    assert paths.index("arenas[Torget].ladder_level") < paths.index("arenas[Ungdomsrådet].name")


def test_identical_profiles_have_no_changes(tools_pack):
    profile = advisor.load_profile(OLD)
    d = diff(profile, profile, tools_pack)
    assert not d.changed and d.facts == () and d.resolved == () and d.new == ()
    assert len(d.persisting) == len(advisor.assess(profile, tools_pack).findings)


def test_other_municipality_is_noted(tools_pack):
    a = advisor.parse_profile({"context": {"name": "A"}})
    b = advisor.parse_profile({"context": {"name": "B"}})
    d = diff(a, b, tools_pack)
    assert not d.same_municipality
    assert "the two profiles name different municipalities (A, B)" in render_diff(d, "en")
    assert diff(a, advisor.parse_profile({}), tools_pack).same_municipality


def test_arenas_with_the_same_name_are_kept_apart():
    profile = advisor.parse_profile(
        {"arenas": [{"name": "X", "ladder_level": 1}, {"name": "X", "ladder_level": 2}, {"ladder_level": 3}]}
    )
    values = fact_values(profile)
    assert values["arenas[X#1].ladder_level"] == 1
    assert values["arenas[X#2].ladder_level"] == 2
    assert values["arenas[#3].ladder_level"] == 3


def test_arenas_becoming_known_or_unknown(tools_pack):
    d = diff(advisor.parse_profile({}), advisor.parse_profile({"arenas": []}), tools_pack)
    assert [(c.path, c.old, c.new) for c in d.facts] == [("arenas.count", None, 0)]


def test_shipped_pack(pack):
    demo = advisor.load_profile(EXAMPLES / "demo.yaml")
    better = demo.model_copy(update={"plan": demo.plan.model_copy(update={"resources_with_decision": True})})
    d = diff(demo, better, pack)
    assert [(c.path, c.old, c.new) for c in d.facts] == [("plan.resources_with_decision", False, True)]
    assert d.pitfall_load.new <= d.pitfall_load.old


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_cli_golden(lang):
    result = run(OLD, NEW, "--lang", lang)
    assert result.exit_code == 0, result.output
    check_golden(f"diff-tools.{lang}.txt", result.stdout.replace(str(TOOLS), "tests/data/tools"))


def test_cli_json():
    result = run(OLD, NEW, "--format", "json")
    data = json.loads(result.stdout)
    assert data["pitfall_load"] == {"key": "load", "old": 11, "new": 6}
    assert data["old_label"] == OLD and data["new_label"] == NEW
    assert {"en", "nb"} <= set(data["new"][0]["title"])


def test_cli_deterministic():
    assert len({run(OLD, NEW).stdout for _ in range(3)}) == 1


def test_cli_missing_file_exits_2(tmp_path):
    result = run(OLD, str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"advisor: error: {tmp_path / 'nope.yaml'}: profile file not found (check the path)\n"


def test_cli_usage_error():
    assert run(OLD).exit_code == 2
