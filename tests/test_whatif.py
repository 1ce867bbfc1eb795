"""advisor whatif and advisor next-steps: changes parsed by field type, validated, assessed."""

from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner

import advisor
from advisor.profile.schema import DERIVED_ARENA_FACTS, profile_fields
from advisor.cli.tools import next_steps_cmd, whatif_cmd
from advisor.core.errors import ProfileError
from advisor.profile.schema import arena_fields
from advisor.render.tools import render_next_steps
from advisor.tools.whatif import apply_changes, next_steps, parse_change, whatif
from helpers import EXAMPLES, TOOLS, TOOLS_NEW, TOOLS_OLD, TOOLS_RULES, check_golden

RULES, OLD, NEW = TOOLS_RULES, TOOLS_OLD, TOOLS_NEW


def run(command, *args: str):
    return CliRunner().invoke(command, [*args, "--rules", RULES], catch_exceptions=False)


# --------------------------------------------------------------------------------------------
# parsing --set


@pytest.mark.parametrize(
    "text, path, value",
    [
        ("plan.knowledge_base=true", "plan.knowledge_base", True),
        ("plan.knowledge_base=no", "plan.knowledge_base", False),
        ("plan.knowledge_base=ja", "plan.knowledge_base", True),
        ("plan.knowledge_base=null", "plan.knowledge_base", None),
        ("context.population=12000", "context.population", 12000),
        ("resources.coordinator_fte=0.5", "resources.coordinator_fte", 0.5),
        ("resources.coordinator_fte=2", "resources.coordinator_fte", 2.0),
        ("plan.co_creation_status=main_goal", "plan.co_creation_status", "main_goal"),
        ("context.name=Ny kommune", "context.name", "Ny kommune"),
        ("context.name='true'", "context.name", "true"),
        ("arenas[0].ladder_level=3", "arenas[0].ladder_level", 3),
        ("arenas[1]=null", "arenas[1]", None),
        ("arenas=null", "arenas", None),
        ("arenas=[]", "arenas", []),
        ("plan=null", "plan", None),
        ("plan.partner_anchoring=null", "plan.partner_anchoring", None),
    ],
)
def test_values_are_parsed_by_field_type(text, path, value):
    change = parse_change(text)
    assert (change.path, change.value) == (path, value)
    assert type(change.value) is type(value)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "plan.knowledge_base",
            "--set plan.knowledge_base: expected PATH=VALUE (for example --set plan.knowledge_base=true)",
        ),
        (
            "plan.knowledge_base=maybe",
            "--set plan.knowledge_base=maybe: plan.knowledge_base is true or false, not 'maybe' (write true or false, or null for unknown)",
        ),
        (
            "plan.co_creation_status=main goal",
            "--set plan.co_creation_status=main goal: 'main goal' is not a value of plan.co_creation_status (did you mean 'main_goal'? use one of: absent, mentioned, focus_area, main_goal, vision, or null for unknown)",
        ),
        (
            "context.population=many",
            "--set context.population=many: context.population is a whole number, not 'many' (write a number such as 3, or null for unknown)",
        ),
        (
            "resources.coordinator_fte=nan",
            "--set resources.coordinator_fte=nan: resources.coordinator_fte is a number, not 'nan' (write a number such as 0.5, or null for unknown)",
        ),
        (
            "plan.knowlege_base=true",
            "--set plan.knowlege_base=true: unknown fact 'plan.knowlege_base' (did you mean 'plan.knowledge_base'?)",
        ),
        (
            "arenas.count=3",
            "--set arenas.count=3: arenas.count is computed from the arenas and cannot be set (set arena fields instead, e.g. arenas[0].ladder_level=3)",
        ),
        (
            "plan=true",
            "--set plan=true: plan is a section: only null (all unknown) can be set (set one of its fields, e.g. plan.adopted_year=...)",
        ),
        (
            "arenas=3",
            "--set arenas=3: arenas can be set to null (unknown) or [] (none) (set arena fields as arenas[0].ladder_level=3)",
        ),
        (
            "arenas[0]=x",
            "--set arenas[0]=x: arenas[0] is an arena: only null (remove it) can be set (set its fields, e.g. arenas[0].ladder_level=3)",
        ),
        ("arenas[0].ladder=3", "--set arenas[0].ladder=3: unknown arena field 'ladder' (did you mean 'ladder_level'?)"),
    ],
)
def test_bad_set_names_the_set(text, message):
    with pytest.raises(ProfileError) as info:
        parse_change(text)
    assert info.value.one_line() == message
    assert info.value.exit_code == 2


def test_every_settable_fact_parses():
    for path, spec in profile_fields().items():
        if path in DERIVED_ARENA_FACTS:
            continue
        value = {"bool": "true", "int": "1", "float": "1.5", "str": "x"}.get(spec.kind) or spec.values[0]
        assert parse_change(f"{path}={value}").path == path


def test_apply_changes_validates_and_names_the_set(old):
    with pytest.raises(ProfileError) as info:
        apply_changes(old, ["plan.knowledge_base=true", "arenas[0].ladder_level=9"])
    assert info.value.one_line() == (
        "--set arenas[0].ladder_level=9: arenas[0].ladder_level: must be less than or equal to 5, got 9 "
        "(correct the value, or leave it out if unknown)"
    )
    with pytest.raises(ProfileError, match=r"^--set context\.population=-1: context\.population: must be greater"):
        apply_changes(old, ["context.population=-1"])


def test_apply_changes_to_arenas(old):
    added = apply_changes(old, ["arenas[2].ladder_level=4", "arenas[2].name=Nytt"])
    assert [a.name for a in added.arenas] == ["Torget", "Verkstedet", "Nytt"]
    assert added.arenas[2].ladder_level == 4
    removed = apply_changes(old, ["arenas[0]=null"])
    assert [a.name for a in removed.arenas] == ["Verkstedet"]
    assert apply_changes(old, ["arenas=null"]).arenas is None
    assert apply_changes(old, ["arenas=[]"]).arenas == []
    cleared = apply_changes(old, ["arenas[0].room_for_influence=null"])
    assert cleared.arenas[0].room_for_influence is None
    first = apply_changes(advisor.parse_profile({}), ["arenas[0].ladder_level=2"])
    assert len(first.arenas) == 1
    with pytest.raises(
        ProfileError,
        match=r"^--set arenas\[5\]\.ladder_level=1: there is no arena 5 \(the profile lists 2 arena\(s\); arenas\[2\] adds one\)$",
    ):
        apply_changes(old, ["arenas[5].ladder_level=1"])
    with pytest.raises(ProfileError, match="there is no arena 2 to remove"):
        apply_changes(old, ["arenas[2]=null"])


def test_apply_changes_sections_and_unknowns(old):
    assert apply_changes(old, ["plan=null"]).plan is None
    unknown = apply_changes(old, ["plan.knowledge_base=null"])
    assert unknown.plan.knowledge_base is None and unknown.plan.co_creation_status == "focus_area"
    nested = apply_changes(advisor.parse_profile({}), ["plan.partner_anchoring.business=high"])
    assert nested.plan.partner_anchoring.business == "high"
    assert apply_changes(old, []) == old


def test_same_fact_set_twice_is_an_error(old):
    with pytest.raises(ProfileError, match=r"^--set plan.knowledge_base=false: plan.knowledge_base is set twice"):
        apply_changes(old, ["plan.knowledge_base=true", "plan.knowledge_base=false"])


# --------------------------------------------------------------------------------------------
# whatif


def test_whatif_shows_findings_that_appear_and_disappear(old, tools_pack):
    result = whatif(old, ["plan.knowledge_base=true", "arenas[1].room_for_influence=none"], tools_pack)
    d = result.diff
    assert [f.rule_id for f in d.resolved] == ["TOOL-002", "TOOL-012", "TOOL-101"]
    assert [f.rule_id for f in d.new] == ["TOOL-011"]
    assert [(c.path, c.old, c.new) for c in d.facts] == [
        ("plan.knowledge_base", False, True),
        ("arenas[Verkstedet].room_for_influence", None, "none"),
    ]
    assert (d.pitfall_load.old, d.pitfall_load.new) == (11, 13)


def test_whatif_with_no_real_change(old, tools_pack):
    result = whatif(old, ["plan.knowledge_base=false"], tools_pack)
    assert not result.diff.changed


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_whatif_cli_golden(lang):
    result = run(
        whatif_cmd,
        OLD,
        "--set",
        "plan.knowledge_base=true",
        "--set",
        "arenas[1].room_for_influence=none",
        "--lang",
        lang,
    )
    assert result.exit_code == 0, result.output
    check_golden(f"whatif-tools.{lang}.txt", result.stdout)


def test_whatif_cli_json():
    result = run(whatif_cmd, OLD, "--set", "plan.resources_with_decision=true", "--format", "json")
    data = json.loads(result.stdout)
    assert [f["rule_id"] for f in data["diff"]["resolved"]] == ["TOOL-010", "TOOL-102"]
    assert data["changes"] == [
        {"text": "plan.resources_with_decision=true", "path": "plan.resources_with_decision", "value": True}
    ]


def test_whatif_cli_bad_set_exits_2():
    result = run(whatif_cmd, OLD, "--set", "plan.knowledge_base=maybe")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "advisor: error: --set plan.knowledge_base=maybe: plan.knowledge_base is true or false, not 'maybe' "
        "(write true or false, or null for unknown)\n"
    )
    result = run(whatif_cmd, OLD, "--set", "plan.knowlege_base=true")
    assert result.exit_code == 2
    assert "did you mean 'plan.knowledge_base'?" in result.stderr


def test_whatif_cli_needs_a_set():
    result = run(whatif_cmd, OLD)
    assert result.exit_code == 2
    assert "--set" in result.stderr


# --------------------------------------------------------------------------------------------
# next steps


def test_next_steps_ranks_by_weighted_pitfalls_resolved(old, tools_pack):
    result = next_steps(old, tools_pack, top=None)
    assert [p.rule_id for p in result.pitfalls] == ["TOOL-010", "TOOL-014", "TOOL-015", "TOOL-012", "TOOL-013"]
    assert result.load == 11
    steps = [(s.set, s.score, tuple(r.rule_id for r in s.resolves)) for s in result.steps]
    assert steps == [
        ("arenas[0].ladder_level=3", 3, ("TOOL-014",)),
        ("arenas[1].ladder_level=3", 3, ("TOOL-014",)),
        ("arenas[2].ladder_level=3", 3, ("TOOL-014",)),
        ("plan.resources_with_decision=true", 3, ("TOOL-010",)),
        ("implementation.strategy.exists=true", 2, ("TOOL-012",)),
        ("leadership.middle_manager_anchoring=medium", 2, ("TOOL-015",)),
        ("plan.knowledge_base=true", 2, ("TOOL-012",)),
        ("plan.co_creation_status=main_goal", 1, ("TOOL-013",)),
        ("resources.coordinator_fte=0.5", 1, ("TOOL-013",)),
    ]
    assert result.steps[2].new_arena and result.steps[0].arena == "Torget"
    # the scores follow PRIORITY_WEIGHT, and ties are broken by path
    scores = [s.score for s in result.steps]
    assert scores == sorted(scores, reverse=True)


def test_next_steps_only_suggests_improvements(old, tools_pack):
    for step in next_steps(old, tools_pack, top=None).steps:
        spec = (
            profile_fields()[step.path]
            if not step.path.startswith("arenas[")
            else arena_fields()[step.path.split(".")[-1]]
        )
        assert spec.better is not None, step.set
        assert step.set != "plan.co_creation_status=absent"


def test_next_steps_counts_pitfalls_introduced(tools_pack):
    # resolving TOOL-014 by a new arena at level 3 with no influence would introduce TOOL-011
    profile = advisor.parse_profile({"arenas": [{"name": "A", "ladder_level": 1, "room_for_influence": "none"}]})
    steps = next_steps(profile, tools_pack, top=None).steps
    for step in steps:
        assert step.score == sum(
            {"low": 1, "medium": 2, "high": 3, "critical": 4}[r.priority] for r in step.resolves
        ) - sum({"low": 1, "medium": 2, "high": 3, "critical": 4}[r.priority] for r in step.introduces)
    sets = [s.set for s in steps]
    assert "arenas[0].room_for_influence=low" in sets  # resolves TOOL-011 (critical)
    assert sets[0] == "arenas[0].room_for_influence=low"


def test_next_steps_top_and_nothing_to_resolve(old, tools_pack):
    assert len(next_steps(old, tools_pack, top=2).steps) == 2
    calm = next_steps(advisor.parse_profile({}), tools_pack)
    assert calm.pitfalls == () and calm.steps == ()
    assert "No pitfalls fired: there is nothing to resolve." in render_next_steps(calm, "en")


@pytest.mark.durable
def test_next_steps_engines_agree(old, tools_pack):
    assert next_steps(old, tools_pack, engine="durable") == next_steps(old, tools_pack, engine="python")


def test_next_steps_on_the_shipped_pack(pack):
    result = next_steps(advisor.load_profile(EXAMPLES / "demo.yaml"), pack)
    assert result.steps, "the demo has pitfalls that a single change resolves"
    assert all(s.score > 0 and s.resolves for s in result.steps)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_next_steps_cli_golden(lang, monkeypatch):
    monkeypatch.chdir(TOOLS)  # the hint names the profile as given: a relative path here
    result = run(next_steps_cmd, "old.yaml", "--lang", lang, "--top", "5")
    assert result.exit_code == 0, result.output
    check_golden(f"next-steps-tools.{lang}.txt", result.stdout)


def test_next_steps_hint_names_the_profile_file_quoted(monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # pytest's long path: the command is not continued
    result = run(next_steps_cmd, OLD, "--top", "1")
    assert result.stdout.splitlines()[-2:] == [
        "Try one:",
        f"  advisor whatif {shlex.quote(OLD)} --set 'arenas[0].ladder_level=3'",
    ]


def test_next_steps_cli_json_and_determinism():
    outputs = {run(next_steps_cmd, OLD, "--format", "json").stdout for _ in range(3)}
    assert len(outputs) == 1
    data = json.loads(outputs.pop())
    assert data["steps"][0]["set"] == "arenas[0].ladder_level=3"


def test_next_steps_cli_bad_top():
    assert run(next_steps_cmd, OLD, "--top", "0").exit_code == 2
