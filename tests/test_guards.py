"""Strengths (a fourth kind, first stage) and recommendations' guards (`done_when`)."""

from __future__ import annotations

import json

import pytest

import advisor
from advisor.core.errors import RulePackError
from advisor.render.conditions import words
from advisor.render.tools import render_explanation
from advisor.tools.explain import explain
from advisor.render.format import render, use_width

PACK = """
pack: {name: guards, version: "1"}
documents: {000_981a243478f15921.txt: thesis}
rules:
  - id: STR-001
    kind: strength
    factor: implementation
    phase: design
    priority: medium
    evidence: empirical
    title: {en: s1, nb: s1}
    message: {en: s1, nb: s1}
    when: {fact: implementation.strategy.exists, eq: true}
    sources: ["000_981a243478f15921.txt §6"]
  - id: PITF-001
    kind: pitfall
    factor: implementation
    phase: implementation
    priority: high
    evidence: empirical
    title: {en: p1, nb: p1}
    message: {en: p1, nb: p1}
    when:
      all:
        - {fact: resources.coordinator_fte, lt: 1}
        - {not: {finding: STR-001}}
    recommends: [RECO-001, RECO-002]
    sources: ["000_981a243478f15921.txt §6"]
  - id: RECO-001
    kind: recommendation
    factor: implementation
    phase: design
    priority: high
    evidence: empirical
    title: {en: train leaders, nb: lær opp ledere}
    message: {en: r1, nb: r1}
    done_when: {fact: implementation.competence_building, eq: true}
    sources: ["000_981a243478f15921.txt §6"]
  - id: RECO-002
    kind: recommendation
    factor: implementation
    phase: design
    priority: low
    evidence: empirical
    title: {en: r2, nb: r2}
    message: {en: r2, nb: r2}
    done_when_none: nothing in the profile records it
    sources: ["000_981a243478f15921.txt §6"]
"""


@pytest.fixture(scope="module")
def guard_pack(tmp_path_factory) -> advisor.RulePack:
    path = tmp_path_factory.mktemp("packs") / "guards.yaml"
    path.write_text(PACK, encoding="utf-8")
    return advisor.load_rules(path)


def _profile(**sections) -> advisor.Profile:
    return advisor.parse_profile(sections)


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_a_strength_fires_first_and_a_later_stage_may_test_it(guard_pack, engine):
    with_strategy = advisor.assess(
        _profile(implementation={"strategy": {"exists": True}}, resources={"coordinator_fte": 0}),
        guard_pack,
        engine=engine,
    )
    assert [f.rule_id for f in with_strategy.strengths] == ["STR-001"]
    assert with_strategy.findings[0].kind == "strength"
    assert "PITF-001" not in with_strategy.fired
    assert with_strategy.highest_priority() is None  # a strength is not pressing
    without = advisor.assess(
        _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0}),
        guard_pack,
        engine=engine,
    )
    assert without.strengths == () and "PITF-001" in without.fired


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_a_recommendation_known_to_be_done_does_not_fire(guard_pack, engine):
    profile = _profile(
        resources={"coordinator_fte": 0}, implementation={"strategy": {"exists": False}, "competence_building": True}
    )
    result = advisor.assess(profile, guard_pack, engine=engine)
    assert "PITF-001" in result.fired
    assert "RECO-001" not in result.fired
    assert result.pitfalls[0].recommends == ("RECO-002",)


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_a_recommendation_known_not_done_fires_plainly(guard_pack, engine):
    profile = _profile(
        resources={"coordinator_fte": 0}, implementation={"strategy": {"exists": False}, "competence_building": False}
    )
    reco = next(
        f for f in advisor.assess(profile, guard_pack, engine=engine).recommendations if f.rule_id == "RECO-001"
    )
    assert reco.conditional is False and reco.unless is None


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_an_unknown_guard_gives_conditional_advice_and_a_question(guard_pack, engine):
    profile = _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0})
    result = advisor.assess(profile, guard_pack, engine=engine)
    reco = next(f for f in result.recommendations if f.rule_id == "RECO-001")
    assert reco.conditional is True
    # the result carries the guard; the rendering layer words it, and the JSON holds the words
    assert reco.unless is not None and reco.unless.condition == guard_pack.by_id["RECO-001"].guard
    assert "implementation.competence_building" in words(reco.unless, "en")
    found = next(f for f in json.loads(render(result, "json", "en"))["recommendations"] if f["rule_id"] == "RECO-001")
    assert found["unless"] == {"en": words(reco.unless, "en"), "nb": words(reco.unless, "nb")}
    assert words(reco.unless, "nb") != words(reco.unless, "en")
    # a developer's own dump and attribute reads get the same words, as from a Text
    own = next(f for f in json.loads(result.model_dump_json())["recommendations"] if f["rule_id"] == "RECO-001")
    assert own["unless"] == found["unless"]
    assert (reco.unless.nb, reco.unless["en"], reco.unless.get("nb")) == (
        found["unless"]["nb"],
        found["unless"]["en"],
        found["unless"]["nb"],
    )
    question = next(q for q in result.questions if q.path == "implementation.competence_building")
    assert question.rules == ("RECO-001",)
    other = next(f for f in result.recommendations if f.rule_id == "RECO-002")
    assert other.conditional is False  # no guard: never conditional
    with use_width(1000):  # the step's title on one line, not wrapped to 80 columns
        table = render(result, "table", "en")
    assert "train leaders (unless already in place)" in table
    assert "lær opp ledere (med mindre det allerede er på plass)" in render(result, "markdown", "nb")


def test_explain_shows_the_guard(guard_pack):
    done = _profile(
        resources={"coordinator_fte": 0}, implementation={"strategy": {"exists": False}, "competence_building": True}
    )
    expl = explain(done, "RECO-001", guard_pack)
    assert expl.fired is False and expl.value is True and expl.guard.value is True
    text = render_explanation(expl, "en")
    assert "Result: done." in text and "It does not fire when what it recommends is known to be done:" in text
    unknown = explain(
        _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0}),
        "RECO-001",
        guard_pack,
    )
    assert unknown.fired and unknown.guard.value is None
    assert "med mindre det allerede er på plass" in render_explanation(unknown, "nb")


@pytest.mark.parametrize(
    "patch, message",
    [
        (
            "done_when_none: no fact\n    done_when: {fact: plan.knowledge_base, eq: true}",
            "either `done_when` or `done_when_none`",
        ),
        ("done_when: {fact: plan.exsts, eq: true}", "plan.exsts"),
        ("done_when: {finding: RECO-001}", "cannot test the finding RECO-001"),
        ("done_when: {not: {finding: STR-001}}", "`done_when` may not test that a finding did not fire"),
    ],
)
def test_bad_guards_are_errors(tmp_path, patch, message):
    text = PACK.replace("done_when_none: nothing in the profile records it", patch)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError, match=message.replace("(", r"\(").replace("`", ".")):
        advisor.load_rules(path)


def test_only_recommendations_have_guards(tmp_path):
    text = PACK.replace(
        "    when: {fact: implementation.strategy.exists, eq: true}\n",
        "    when: {fact: implementation.strategy.exists, eq: true}\n    done_when_none: x\n",
        1,
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError, match="a strength cannot have `done_when_none`"):
        advisor.load_rules(path)


def test_every_shipped_recommendation_has_a_guard_or_says_why_none_applies(pack):
    missing = [r.id for r in pack.rules if r.kind == "recommendation" and r.guard is None and not r.done_when_none]
    assert not missing, f"recommendations without `done_when` or `done_when_none`: {missing}"


def test_rules_show_and_the_catalogue_print_the_guard(guard_pack):
    from advisor.render.catalogue import rule_catalogue
    from advisor.render.format import rule_detail

    assert "Done when: implementation.competence_building is true" in rule_detail(
        guard_pack, guard_pack.by_id["RECO-001"], "en"
    )
    assert "Gjort når: implementation.competence_building er ja" in rule_detail(
        guard_pack, guard_pack.by_id["RECO-001"], "nb"
    )
    assert 'No "done" condition: nothing in the profile records it' in rule_detail(
        guard_pack, guard_pack.by_id["RECO-002"], "en"
    )
    catalogue = rule_catalogue(guard_pack)
    assert (
        "## Strengths" in catalogue
        and "- **done when** (does not fire; unknown: fires as conditional advice): implementation.competence_building is true"
        in catalogue
    )


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_a_guard_may_test_a_strength(tmp_path, engine):
    """`done_when: {finding: STR-001}`: done when the strength fired, conditional while it is undecided."""
    text = PACK.replace(
        "    done_when: {fact: implementation.competence_building, eq: true}", "    done_when: {finding: STR-001}"
    )
    text = text.replace("        - {not: {finding: STR-001}}\n", "")
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    pack = advisor.load_rules(path)
    done = advisor.assess(
        _profile(implementation={"strategy": {"exists": True}}, resources={"coordinator_fte": 0}), pack, engine=engine
    )
    assert "STR-001" in done.fired and "PITF-001" in done.fired and "RECO-001" not in done.fired
    open_ = advisor.assess(_profile(resources={"coordinator_fte": 0}), pack, engine=engine)
    reco = next(f for f in open_.recommendations if f.rule_id == "RECO-001")
    assert reco.conditional and any(
        q.path == "implementation.strategy.exists" and "RECO-001" in q.rules for q in open_.questions
    )
    plain = advisor.assess(
        _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0}), pack, engine=engine
    )
    assert not next(f for f in plain.recommendations if f.rule_id == "RECO-001").conditional


def test_the_columnar_engine_gives_strengths_and_applies_guards(guard_pack, pack):
    from advisor.engine import columnar

    if not columnar.available():
        pytest.skip("polars is not installed")
    from helpers import EXAMPLES, fired_sets

    profiles = [
        _profile(implementation={"strategy": {"exists": True}}, resources={"coordinator_fte": 0}),
        _profile(
            resources={"coordinator_fte": 0},
            implementation={"strategy": {"exists": False}, "competence_building": True},
        ),
        _profile(
            resources={"coordinator_fte": 0},
            implementation={"strategy": {"exists": False}, "competence_building": False},
        ),
        _profile(resources={"coordinator_fte": 0}),
    ]
    assert fired_sets(guard_pack, profiles) == [advisor.assess(p, guard_pack, engine="python").fired for p in profiles]
    examples = [advisor.load_profile(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert fired_sets(pack, examples) == [advisor.assess(p, pack, engine="python").fired for p in examples]
    compiled = columnar.columnar_pack(guard_pack)
    briefs = compiled.briefs(compiled.fired(columnar.facts_frame(columnar.profiles_frame(profiles[:1]))))
    assert briefs.get_column("strengths").to_list() == [["STR-001"]] and briefs.get_column(
        "highest_priority"
    ).to_list() == [None]
