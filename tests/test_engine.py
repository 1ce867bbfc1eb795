"""The durable-rules engine: stages, chaining, isolation between packs, sessions and threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import advisor
from advisor.core.text import Text
from advisor.engine.durable import backend_for

CHAIN_PACK = """
pack: {name: chain, version: "1"}
documents: {000_981a243478f15921.txt: thesis}
rules:
  - id: DIAG-001
    kind: diagnosis
    factor: implementation
    phase: design
    priority: medium
    evidence: empirical
    title: {en: d1, nb: d1}
    message: {en: d1, nb: d1}
    when: {fact: implementation.strategy.exists, eq: false}
    recommends: [RECO-001]
    sources: ["000_981a243478f15921.txt §6"]
  - id: DIAG-002
    kind: diagnosis
    factor: relations
    phase: design
    priority: low
    evidence: empirical
    title: {en: d2, nb: d2}
    message: {en: d2, nb: d2}
    when: {any_arena: {fact: ladder_level, le: 2}}
    sources: ["000_981a243478f15921.txt §2.2.4"]
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
        - {finding: DIAG-001}
        - {not: {finding: DIAG-002}}
    recommends: [RECO-002]
    sources: ["000_981a243478f15921.txt §6"]
  - id: RECO-001
    kind: recommendation
    factor: implementation
    phase: design
    priority: critical
    evidence: empirical
    title: {en: r1, nb: r1}
    message: {en: r1, nb: r1}
    sources: ["000_981a243478f15921.txt §6"]
  - id: RECO-002
    kind: recommendation
    factor: implementation
    phase: implementation
    priority: high
    evidence: empirical
    title: {en: r2, nb: r2}
    message: {en: r2, nb: r2}
    when: {fact: resources.coordinator_fte, lt: 1}
    sources: ["000_981a243478f15921.txt §6"]
"""


@pytest.fixture(scope="module")
def chain_pack(tmp_path_factory) -> advisor.RulePack:
    path = tmp_path_factory.mktemp("packs") / "chain.yaml"
    path.write_text(CHAIN_PACK, encoding="utf-8")
    return advisor.load_rules(path)


def _profile(**sections) -> advisor.Profile:
    return advisor.parse_profile(sections)


def test_chain_runs_through_all_three_stages(chain_pack):
    profile = _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0.5})
    result = advisor.assess(profile, chain_pack)
    assert [f.rule_id for f in result.diagnoses] == ["DIAG-001"]
    assert [f.rule_id for f in result.pitfalls] == ["PITF-001"]
    assert [f.rule_id for f in result.recommendations] == ["RECO-001", "RECO-002"]
    pitfall = result.pitfalls[0]
    assert pitfall.because == ("DIAG-001",)
    assert pitfall.recommends == ("RECO-002",)
    assert result.recommendations[1].addresses == ("PITF-001",)


def test_recommendation_needs_its_own_condition_too(chain_pack):
    profile = _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 2})
    result = advisor.assess(profile, chain_pack)
    assert "PITF-001" in result.fired
    assert "RECO-002" not in result.fired


def test_negated_finding_blocks_a_later_stage(chain_pack):
    profile = _profile(implementation={"strategy": {"exists": False}}, arenas=[{"name": "A", "ladder_level": 1}])
    result = advisor.assess(profile, chain_pack)
    assert "DIAG-002" in result.fired
    assert "PITF-001" not in result.fired
    assert result.diagnoses[-1].arenas == ("A",) or result.diagnoses[0].arenas == ("A",)


NEGATION_RULES = """
  - id: RECO-003
    kind: recommendation
    factor: implementation
    phase: design
    priority: low
    evidence: empirical
    title: {en: r3, nb: r3}
    message: {en: r3, nb: r3}
    when:
      all:
        - {fact: resources.coordinator_fte, lt: 1}
        - {not: {finding: PITF-001}}
        - {not: {finding: DIAG-003}}
    sources: ["000_981a243478f15921.txt §6"]
  - id: DIAG-003
    kind: diagnosis
    factor: implementation
    phase: design
    priority: low
    evidence: empirical
    title: {en: d3, nb: d3}
    message: {en: d3, nb: d3}
    when: {fact: resources.coordinator_fte, eq: 0}
    sources: ["000_981a243478f15921.txt §6"]
"""


def test_a_negated_finding_waits_for_every_earlier_stage(tmp_path):
    """RECO-003 (stage 3) must not fire when PITF-001 (stage 2, resting on DIAG-001 of stage 1)
    or DIAG-003 fires, although it is compiled without a gate for its positive tests; engine and
    reference agree on every combination."""
    path = tmp_path / "negation.yaml"
    path.write_text(CHAIN_PACK + NEGATION_RULES, encoding="utf-8")
    pack = advisor.load_rules(path)
    seen = set()
    for exists in (False, True):
        for fte in (0, 0.5, 2):
            for arenas in ([], [{"ladder_level": 1}]):
                profile = _profile(
                    implementation={"strategy": {"exists": exists}}, resources={"coordinator_fte": fte}, arenas=arenas
                )
                result = advisor.assess(profile, pack)
                reference = advisor.assess(profile, pack, engine="python")
                assert result.model_copy(update={"manifest": reference.manifest}) == reference
                expected = fte < 1 and "PITF-001" not in result.fired and fte != 0
                assert ("RECO-003" in result.fired) == expected
                seen.add(("PITF-001" in result.fired, "RECO-003" in result.fired))
    assert seen == {(True, False), (False, True), (False, False)}


def test_no_findings_is_a_valid_result(chain_pack):
    result = advisor.assess(advisor.Profile(), chain_pack)
    assert result.findings == ()


def test_arena_rule_fires_once_and_names_every_matching_arena(chain_pack):
    arenas = [{"name": "A", "ladder_level": 1}, {"ladder_level": 2}, {"name": "C", "ladder_level": 4}]
    result = advisor.assess(_profile(arenas=arenas), chain_pack)
    (finding,) = [f for f in result.findings if f.rule_id == "DIAG-002"]
    assert finding.arenas == ("A", "#2")


def test_two_packs_alternately_give_the_same_results_as_each_alone(chain_pack, pack):
    profiles = [
        _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0}),
        advisor.load_profile(Path(__file__).parent.parent / "examples" / "demo.yaml"),
        _profile(arenas=[{"ladder_level": 1}], plan={"co_creation_status": "vision"}),
    ]
    alone_a = [advisor.assess(p, chain_pack) for p in profiles]
    alone_b = [advisor.assess(p, pack) for p in profiles]
    for _ in range(3):
        for p, a, b in zip(profiles, alone_a, alone_b):
            assert advisor.assess(p, chain_pack) == a
            assert advisor.assess(p, pack) == b
    assert backend_for(chain_pack).name != backend_for(pack).name


def test_reloading_a_pack_reuses_its_compiled_ruleset(pack):
    again = advisor.load_rules()
    assert again is not pack
    assert backend_for(again) is backend_for(pack)


def test_sessions_are_deleted_so_thousands_of_assessments_work(chain_pack):
    profile = _profile(implementation={"strategy": {"exists": False}}, resources={"coordinator_fte": 0})
    first = advisor.assess(profile, chain_pack)
    for _ in range(3000):  # durable-rules fails near 1,024 live sessions per ruleset
        result = advisor.assess(profile, chain_pack)
    assert result == first


def test_an_assessment_retracts_every_fact_it_asserted_and_keeps_its_session(pack):
    """Each assessment retracts the facts it asserted by their ids (no read-back of the session's
    facts): after sampled profiles every ruleset's session is empty and still the same one."""
    from advisor.engine.durable import backend_for
    from advisor.research.runs import sample_profiles

    backend = backend_for(pack)
    advisor.assess(sample_profiles(1, 2)[0], pack, engine="durable")
    session = backend._sid
    for profile in sample_profiles(40, 12):
        assert (
            advisor.assess(profile, pack, engine="durable").findings
            == advisor.assess(profile, pack, engine="python").findings
        )
        assert backend.facts_held() == ["[]"] * backend.ruleset_count
    assert backend._sid == session


def test_engine_equals_reference_evaluator_on_the_examples(pack):
    for path in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml")):
        profile = advisor.load_profile(path)
        engine = advisor.assess(profile, pack)
        reference = advisor.assess(profile, pack, engine="python")
        assert engine.model_copy(update={"manifest": reference.manifest}) == reference, path.name


def test_concurrent_assessments_from_threads_match_sequential(pack):
    profile = advisor.load_profile(Path(__file__).parent.parent / "examples" / "demo.yaml")
    expected = advisor.assess(profile, pack)
    results: list = []
    errors: list = []

    def work():
        try:
            for _ in range(50):
                results.append(advisor.assess(profile, pack))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 200 and all(r == expected for r in results)


def test_a_failing_action_becomes_an_engine_error_and_the_engine_recovers(chain_pack, monkeypatch):
    from advisor.engine import durable as _engine

    profile = _profile(implementation={"strategy": {"exists": False}})
    expected = advisor.assess(profile, chain_pack)

    class Boom(dict):
        def __getitem__(self, key):
            raise RuntimeError("boom")

    ruleset = _engine.backend_for(chain_pack)._rulesets[0]
    monkeypatch.setattr(ruleset, "actions", Boom(ruleset.actions))  # the action's bookkeeping fails
    with pytest.raises(advisor.EngineError, match="DIAG-001: RuntimeError: boom"):
        advisor.assess(profile, chain_pack)
    monkeypatch.undo()
    assert advisor.assess(profile, chain_pack) == expected


def test_unknown_engine_name_is_refused(pack):
    with pytest.raises(ValueError):
        advisor.assess(advisor.Profile(), pack, engine="nope")


def _assess_in_child(path: str) -> str:
    import advisor as child_advisor

    return child_advisor.assess(child_advisor.load_profile(path)).model_dump_json()


def test_assessments_in_other_processes_match_this_one():
    from concurrent.futures import ProcessPoolExecutor

    paths = [str(p) for p in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))]
    expected = [advisor.assess(advisor.load_profile(p)).model_dump_json() for p in paths]
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(_assess_in_child, paths * 2)) == expected * 2


TWO_ARENA_TESTS = CHAIN_PACK.replace(
    "when: {any_arena: {fact: ladder_level, le: 2}}",
    "when: {all: [{any_arena: {fact: ladder_level, le: 2}}, {any_arena: {fact: room_for_influence, eq: none}}]}",
)


@pytest.mark.parametrize(
    "arenas, fires",
    [
        ([{"name": "A", "ladder_level": 1, "room_for_influence": "none"}], True),  # one arena meets both tests
        ([{"name": "A", "ladder_level": 1}, {"name": "B", "room_for_influence": "none"}], True),
        ([{"name": "A", "ladder_level": 1, "room_for_influence": "low"}], False),
    ],
)
def test_two_arena_tests_may_be_met_by_one_arena(tmp_path, arenas, fires):
    path = tmp_path / "two.yaml"
    path.write_text(TWO_ARENA_TESTS, encoding="utf-8")
    pack = advisor.load_rules(path)
    profile = _profile(arenas=arenas)
    result = advisor.assess(profile, pack)
    assert ("DIAG-002" in result.fired) is fires
    assert advisor.assess(profile, pack, engine="python").findings == result.findings


def test_results_built_without_validation_equal_what_model_construct_builds():
    """assess() builds its result objects with a fast constructor; each must be what pydantic's
    model_construct would build from the same values, attribute for attribute."""
    from advisor.engine.assessment import Assessment, Finding, Manifest, Question

    result = advisor.assess(advisor.load_profile(Path(__file__).parent.parent / "examples" / "levanger.yaml"))
    objects = [result, result.manifest, *result.findings, *result.questions]
    assert {type(o) for o in objects} == {Assessment, Manifest, Finding, Question}
    for obj in objects:
        cls = type(obj)
        fields = {name: value for name, value in obj.__dict__.items() if name in cls.model_fields}
        assert list(fields) == list(cls.model_fields)  # every field, in field order
        built = cls.model_construct(**fields)
        for attr in ("__pydantic_fields_set__", "__pydantic_extra__"):
            assert getattr(obj, attr) == getattr(built, attr), (cls.__name__, attr)
        assert {k: v for k, v in built.__dict__.items() if k in cls.model_fields} == fields
        if cls is not Assessment:  # whose questions and manifest are worked out when asked for
            assert obj.__dict__ == built.__dict__ and obj.__pydantic_private__ == built.__pydantic_private__
            assert repr(obj) == repr(built) and obj.model_dump_json() == built.model_dump_json()
        assert cls.model_validate(obj.model_dump()) == obj  # and it would pass validation
        assert cls.model_validate(obj.model_dump()).model_dump_json() == obj.model_dump_json()


def test_profile_facts_come_from_a_flattener_made_per_model_class_with_the_long_way_as_fallback():
    """profile_facts reads a profile through a function made once per model class (the fields of
    nested models inline); it gives what the generic walk gives, and a model that lacks a field
    (built by model_construct) or holds a section of another class is walked the long way."""
    from advisor.engine import facts as facts_module
    from advisor.profile.model import Arena, Profile
    from advisor.research.runs import sample_profiles

    def walked(model) -> dict:
        out: dict = {}
        facts_module._flatten(model, "", out)
        return out

    for profile in sample_profiles(20, 9):
        facts = facts_module.profile_facts(profile)
        assert {k: v for k, v in facts.values.items() if not k.startswith("arenas.")} == walked(profile)
        assert list(facts_module._known(profile)) == list(walked(profile))
        assert all(facts_module._known(arena) == walked(arena) for arena in profile.arenas or ())
    assert {Profile, Arena} <= set(facts_module._FLATTENERS)
    profile = sample_profiles(1, 9)[0]
    partial = Profile.model_construct(**{k: v for k, v in profile.__dict__.items() if k != "culture"})
    del partial.__dict__["culture"]
    assert facts_module._known(partial) == walked(partial) != walked(profile)
    section = type("Other", (type(profile.plan),), {}).model_construct(**profile.plan.__dict__)
    other = Profile.model_construct(**{**profile.__dict__, "plan": section})
    assert facts_module._known(other) == walked(profile)


def test_findings_share_one_set_of_their_fields_which_a_copy_does_not_change():
    """assess() gives every finding the same set of field names (every field is set, and the
    models are frozen); a copy with changes gets a set of its own, and the shared one stays."""
    from advisor.engine.assessment import Finding

    findings = advisor.assess(
        advisor.load_profile(Path(__file__).parent.parent / "examples" / "levanger.yaml")
    ).findings
    shared = findings[0].model_fields_set
    assert len(findings) > 1 and all(f.model_fields_set is shared for f in findings)
    copy = findings[0].model_copy(update={"priority": "low"})
    assert copy.model_fields_set is not shared and copy.priority == "low"
    assert shared == set(Finding.model_fields) == copy.model_fields_set


def test_profile_facts_are_the_profile_s_known_values_by_path():
    """The facts of a profile (flattened through cached paths) are its known values by dotted
    path, the arenas apart, as a plain walk of the profile's own dump gives them."""
    from advisor.engine.facts import profile_facts
    from advisor.research.runs import sample_profiles

    def walk(data: dict, prefix: str, out: dict) -> dict:
        for name, value in data.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{name}.", out)
            elif value is not None and name != "arenas":
                out[prefix + name] = value
        return out

    for profile in [
        *sample_profiles(30, 4),
        advisor.load_profile(Path(__file__).parent.parent / "examples" / "levanger.yaml"),
    ]:
        facts = profile_facts(profile)
        dumped = profile.model_dump()
        aggregates = {k: v for k, v in facts.values.items() if k.startswith("arenas.")}
        assert {k: v for k, v in facts.values.items() if not k.startswith("arenas.")} == walk(dumped, "", {})
        assert list(facts.values)[: len(facts.values) - len(aggregates)] == list(walk(dumped, "", {}))
        for arena, known in zip(dumped["arenas"] or (), facts.arenas or ()):
            given = walk(arena, "", {})
            assert {k: v for k, v in known.items() if k in given} == given


def test_questions_and_manifest_are_worked_out_when_asked_for_with_the_same_values():
    """assess() leaves an assessment's questions and manifest (with the profile's hash) until they
    are read; then they are what the eager computation gives, and dumps, equality, pickling and
    validation treat them as fields."""
    import pickle

    from advisor.engine.assessment import Assessment, _manifest_for, _plan_for, _questions, _run, profile_hash
    from advisor.render.conditions import text_of
    from advisor.render.formats import model_json

    pack = advisor.load_rules()
    conditional_seen = 0  # the read-back is tried on conditional findings too
    for name in ("levanger.yaml", "demo.yaml", "asker.yaml"):
        profile = advisor.load_profile(Path(__file__).parent.parent / "examples" / name)
        result = advisor.assess(profile, pack, engine="python")
        assert "questions" not in result.__dict__ and "manifest" not in result.__dict__
        facts, by_rule, conditional = _run(profile, pack, "python")
        assert result.questions == _questions(_plan_for(pack), facts, frozenset(by_rule), conditional)
        assert result.manifest == _manifest_for(pack, "python", profile_hash(profile))
        assert result.manifest.profile_hash == profile_hash(profile)
        dumped = result.model_dump(mode="json")
        assert list(dumped)[-2:] == ["questions", "manifest"] and dumped["questions"]
        fresh = advisor.assess(profile, pack, engine="python")
        assert fresh == result and pickle.loads(pickle.dumps(fresh)) == result
        # its JSON output read back: a conditional finding's guard in words (the JSON's) where the
        # result carried the phrase; it writes the same JSON again and equals the original (a
        # phrase equals the Text of its words), also read back through the library's own JSON
        written = model_json(result)
        back = Assessment.model_validate_json(written)
        assert model_json(back) == written
        worded = tuple(
            f.model_copy(update={"unless": text_of(f.unless)}) if f.unless is not None else f
            for f in result.recommendations
        )
        conditional_seen += len([f for f in result.recommendations if f.unless is not None])
        assert back == result.model_copy(update={"recommendations": worded})
        assert back == result and result == back
        assert Assessment.model_validate_json(result.model_dump_json()) == result
        for was, now in zip(result.recommendations, back.recommendations):
            if was.unless is not None:
                assert isinstance(now.unless, Text) and now.unless == was.unless and was.unless == now.unless
                assert hash(now.unless) == hash(was.unless)
                assert was.unless != text_of(was.unless).model_copy(update={"root": {"en": "x", "nb": "y"}})
        other = advisor.assess(profile.model_copy(update={"context": None}), pack, engine="python")
        assert other != result
    assert conditional_seen


def test_a_finding_tested_twice_in_one_alternative_fires_on_both_engines(tmp_path):
    """durable-rules binds each pattern to a different fact: the same finding tested twice in one
    alternative must be one pattern (found by the differential test on generated packs)."""
    rule = (
        "  - id: {id}\n    kind: {kind}\n    factor: leadership\n    phase: design\n    priority: high\n    evidence: empirical\n"
        '    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n    when: {when}\n    sources: ["000_981a243478f15921.txt §6"]\n'
    )
    text = 'pack: {name: dup, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n'
    text += rule.format(id="DIAG-000", kind="diagnosis", when="{fact: plan.knowledge_base, eq: false}")
    text += rule.format(
        id="PITF-000",
        kind="pitfall",
        when="{all: [{finding: DIAG-000}, {any: [{finding: DIAG-000}, {fact: plan.broad_involvement, eq: true}]}]}",
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    pack = advisor.load_rules(path)
    profile = _profile(plan={"knowledge_base": False})
    for engine in ("durable", "python"):
        assert advisor.assess(profile, pack, engine=engine).fired == {"DIAG-000", "PITF-000"}, engine


def test_a_recommendation_that_tests_the_finding_recommending_it_fires(tmp_path):
    """Found by the differential test on generated packs: the link from PITF-001 and the rule's
    own `when: {finding: PITF-001}` tested one finding twice, and durable-rules never matched it."""
    path = tmp_path / "twice.yaml"
    path.write_text(
        CHAIN_PACK.split("rules:")[0]
        + "rules:\n"
        + "\n".join(
            f"  - id: {rid}\n    kind: {kind}\n    factor: relations\n    phase: design\n    priority: high\n"
            f"    evidence: empirical\n    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n    when: {when}\n"
            f'{extra}    sources: ["000_981a243478f15921.txt §6"]'
            for rid, kind, when, extra in [
                ("PITF-001", "pitfall", "{fact: relations.citizen_trust, eq: high}", "    recommends: [RECO-001]\n"),
                ("RECO-001", "recommendation", "{finding: PITF-001}", ""),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    pack = advisor.load_rules(path)
    profile = _profile(relations={"citizen_trust": "high"})
    result = advisor.assess(profile, pack)
    assert result.fired == {"PITF-001", "RECO-001"}
    assert advisor.assess(profile, pack, engine="python").findings == result.findings


def test_an_alternative_that_needs_a_finding_both_to_fire_and_not_never_fires(tmp_path):
    """Found by the differential test once its generated packs had strengths: durable-rules matched
    `all: [{finding: X}, {not: {finding: X}}]`, which no profile can satisfy."""
    rule = (
        "  - id: {id}\n    kind: {kind}\n    factor: leadership\n    phase: design\n    priority: high\n    evidence: empirical\n"
        '    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n    when: {when}\n    sources: ["000_981a243478f15921.txt §6"]\n'
    )
    text = 'pack: {name: never, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n'
    text += rule.format(id="STRN-000", kind="strength", when="{fact: plan.knowledge_base, eq: true}")
    text += rule.format(
        id="DIAG-000",
        kind="diagnosis",
        when="{any: [{all: [{finding: STRN-000}, {not: {finding: STRN-000}}]}, {fact: plan.broad_involvement, eq: true}]}",
    )
    path = tmp_path / "never.yaml"
    path.write_text(text, encoding="utf-8")
    pack = advisor.load_rules(path)
    for engine in ("durable", "python"):
        assert advisor.assess(_profile(plan={"knowledge_base": True}), pack, engine=engine).fired == {"STRN-000"}, (
            engine
        )
        assert advisor.assess(
            _profile(plan={"knowledge_base": True, "broad_involvement": True}), pack, engine=engine
        ).fired == {"STRN-000", "DIAG-000"}, engine


def test_a_recommendation_that_tests_that_its_own_finding_did_not_fire_never_fires(tmp_path):
    """Found by the differential test on generated packs: linked from PITF-001 with
    `when: {not: {finding: PITF-001}}`, the rule tests PITF-001 both ways and can never hold;
    durable-rules fired it."""
    path = tmp_path / "never.yaml"
    path.write_text(
        CHAIN_PACK.split("rules:")[0]
        + "rules:\n"
        + "\n".join(
            f"  - id: {rid}\n    kind: {kind}\n    factor: relations\n    phase: design\n    priority: high\n"
            f"    evidence: empirical\n    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n    when: {when}\n"
            f'{extra}    sources: ["000_981a243478f15921.txt §6"]'
            for rid, kind, when, extra in [
                ("PITF-001", "pitfall", "{fact: relations.citizen_trust, eq: high}", "    recommends: [RECO-001]\n"),
                ("RECO-001", "recommendation", "{not: {finding: PITF-001}}", ""),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    pack = advisor.load_rules(path)
    profile = _profile(relations={"citizen_trust": "high"})
    result = advisor.assess(profile, pack)
    assert result.fired == {"PITF-001"}
    assert advisor.assess(profile, pack, engine="python").findings == result.findings


def test_findings_built_from_per_rule_templates_equal_freshly_built_ones():
    """assess() builds each finding from a template of its rule's alternative, made once per pack
    (texts, citations, kind, the findings it rests on, defaults). On sampled profiles every
    finding equals one validated afresh from the rule, the reference evaluator's firings and the
    finding's profile-dependent fields; the findings come in the order of the rules' sort keys;
    and assessing leaves the templates as they were made."""
    from advisor.engine.assessment import Finding, _by_kind, _plan_for, contrasting_views, reference_firings
    from advisor.engine.facts import profile_facts
    from advisor.research.runs import sample_profiles

    pack = advisor.load_rules()
    plan = _plan_for(pack)
    made = {rid: [dict(t.template) for t in terms] for rid, terms in plan.terms.items()}
    seen: set[str] = set()
    for profile in sample_profiles(40, 5):
        result = advisor.assess(profile, pack)
        firings: dict[str, list] = {}
        for firing in reference_firings(pack, profile_facts(profile)):
            firings.setdefault(firing.rule_id, []).append(firing)
        for f in result.findings:
            rule = pack.by_id[f.rule_id]
            term = pack.dnf[rule.id][min(firing.term for firing in firings[rule.id])]
            same = {name: getattr(rule, name) for name in ("kind", "factor", "phase", "priority", "evidence")}
            varying = ("facts", "arenas", "recommends", "addresses", "conditional", "unless")
            fresh = Finding(
                rule_id=rule.id,
                **same,
                title=rule.title,
                message=rule.message,
                sources=tuple(str(s) for s in rule.sources),
                citations=pack.readable_citations[rule.id],
                contrasts=contrasting_views(pack, rule),
                because=sorted({ref.rule_id for ref in term.findings if not ref.negated}),
                **{name: getattr(f, name) for name in varying},
            )
            assert f == fresh and f.model_dump_json() == fresh.model_dump_json(), f.rule_id
            parts = ("arenas", "because", "recommends", "addresses", "conditional")
            seen |= {name for name in parts if getattr(f, name)}
        assert set(result.fired) <= set(firings)  # less the recommendations known to be done
        for kind, rule_ids in _by_kind(plan, result.fired).items():
            assert rule_ids == sorted((r for r in result.fired if pack.by_id[r].kind == kind), key=plan.order.get)
    assert seen == {"arenas", "because", "recommends", "addresses", "conditional"}  # every part was built
    assert {rid: [dict(t.template) for t in terms] for rid, terms in plan.terms.items()} == made


def test_arena_indices_read_from_the_facts_heads_equal_the_parsed_facts(monkeypatch):
    """The durable engine reads which arena a rule matched from the head of the arena fact in the
    action's message (as it was asserted); on the engine's own messages that is the index JSON
    parsing gives, and a fact spelled otherwise is parsed."""
    import json

    from advisor.engine import durable
    from advisor.research.runs import sample_profiles

    read = durable._arena_index
    seen: list[tuple[str, str, int]] = []

    def spy(message: str, pattern: str) -> int:
        index = read(message, pattern)
        seen.append((message, pattern, index))
        return index

    monkeypatch.setattr(durable, "_arena_index", spy)
    pack = advisor.load_rules()
    for profile in sample_profiles(30, 9):
        advisor.assess(profile, pack, engine="durable")
    assert len({index for _, _, index in seen}) > 1
    for message, pattern, index in seen:
        (matched,) = json.loads(message).values()
        assert matched[pattern]["id"] == f"a{index}"
    message = '{"R#0.0":{"profile":{"t":"profile","note":"\\"arena0\\":"},"arena0":{"sid":"3","t":"arena","id":"a4"}}}'
    assert read(message, "arena0") == 4
    assert read('{"R#0.0":{"arena1":{"t":"arena","id":"a17","sid":"12"}}}', "arena1") == 17
