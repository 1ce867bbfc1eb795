"""The durable engine against the reference evaluator on generated *packs* (not only profiles).

Hypothesis builds packs with many rules, many rules firing at once, numbers in every spelling
(exponents, subnormals, -0.0, the largest floats), long ``in`` lists, text tests, deep nesting,
arena tests and chains of findings, and profiles to match; the findings of both engines must be
equal. This is the test that finds the next limit of durable-rules (see advisor/rules/limits.py).

A crash of the C engine kills the test process: pytest's faulthandler prints where, and the run
fails. A hang is turned into the same: a watchdog (``faulthandler.dump_traceback_later``) prints
every thread's stack and ends the process with exit code 1 after WATCHDOG_S seconds.
"""

from __future__ import annotations

import faulthandler
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import advisor
from advisor.core.documents import Document
from advisor.engine import durable
from advisor.engine.durable import DurableBackend, backend_for
from advisor.rules.limits import MAX_BETA, MAX_CHILDREN, MAX_STACK, spell_number
from advisor.engine.assessment import reference_firings
from advisor.engine.facts import profile_facts
from advisor.rules.pack import PackInfo, build_pack

WATCHDOG_S = 300
SOURCE = "000_981a243478f15921.txt §6"
DOCUMENTS = {"000_981a243478f15921.txt": "thesis"}

FLOATS = [
    0.0,
    -0.0,
    1e-05,
    2.5e-10,
    5e-324,
    2.2250738585072014e-308,
    0.1,
    0.5,
    1.0,
    3.5,
    1e16,
    1.7976931348623157e308,
    999.9999999999999,
    1000.0,
]
PROFILE_FLOATS = [v for v in FLOATS if 0 <= v <= 1000]
BOOLS = ["plan.knowledge_base", "plan.broad_involvement", "leadership.leader_development", "resources.external_funding"]
ORDINALS = {"relations.citizen_trust": ["none", "low", "medium", "high"]}
NAMES = ["Levanger", 'Bø "i" Telemark', "Ærøy\\Øst", "a'b", "x" * 30]


@pytest.fixture(autouse=True)
def _watchdog():
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _rule(rule_id: str, kind: str, when, recommends=()) -> dict:
    rule = {
        "id": rule_id,
        "kind": kind,
        "factor": "leadership",
        "phase": "design",
        "priority": "high",
        "evidence": "empirical",
        "title": {"en": "t", "nb": "t"},
        "message": {"en": "m", "nb": "m"},
        "sources": [SOURCE],
    }
    if when is not None:
        rule["when"] = when
    if recommends:
        rule["recommends"] = list(recommends)
    return rule


def _pack(rules: list[dict]) -> advisor.RulePack:
    doc = Document("generated.yaml", {"rules": rules})
    return build_pack(PackInfo(name="generated"), DOCUMENTS, [(doc, ("rules", i), r) for i, r in enumerate(rules)])


floats = st.one_of(st.sampled_from(FLOATS), st.floats(0, 1000), st.floats(allow_nan=False, allow_infinity=False))
ints = st.one_of(st.integers(0, 20), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1000, 10_000_000]))


def _leaf(draw) -> dict:
    kind = draw(st.sampled_from(["bool", "ordinal", "float", "int", "in_int", "in_float", "text", "not_in"]))
    if kind == "bool":
        return {"fact": draw(st.sampled_from(BOOLS)), draw(st.sampled_from(["eq", "ne"])): draw(st.booleans())}
    if kind == "ordinal":
        return {
            "fact": "relations.citizen_trust",
            draw(st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])): draw(
                st.sampled_from(ORDINALS["relations.citizen_trust"])
            ),
        }
    if kind == "float":
        return {
            "fact": "resources.coordinator_fte",
            draw(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"])): draw(floats),
        }
    if kind == "int":
        return {"fact": "context.population", draw(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"])): draw(ints)}
    if kind == "in_int":
        size = draw(st.sampled_from([1, 2, 5, 700]))
        start = draw(st.integers(0, 50))
        return {"fact": "context.population", draw(st.sampled_from(["in", "not_in"])): list(range(start, start + size))}
    if kind == "in_float":
        return {
            "fact": "resources.coordinator_fte",
            draw(st.sampled_from(["in", "not_in"])): draw(
                st.lists(st.sampled_from(PROFILE_FLOATS), min_size=1, max_size=6)
            ),
        }
    if kind == "text":
        op = draw(st.sampled_from(["eq", "ne", "in", "not_in"]))
        value = draw(st.sampled_from(NAMES))
        return {"fact": "context.name", op: [value, "Namsos"] if op in ("in", "not_in") else value}
    return {
        "any_arena": {
            "all": [{"fact": "ladder_level", draw(st.sampled_from(["le", "ge", "eq"])): draw(st.integers(1, 5))}]
            + ([{"fact": "evaluated", "eq": draw(st.booleans())}] if draw(st.booleans()) else [])
        }
    }


@st.composite
def conditions(draw, depth: int = 0, findings: tuple[str, ...] = ()) -> dict:
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        if findings and draw(st.integers(0, 3)) == 0:
            ref = {"finding": draw(st.sampled_from(findings))}
            return {"not": ref} if draw(st.booleans()) else ref
        return _leaf(draw)
    form = draw(st.sampled_from(["all", "any", "not"]))
    if form == "not":
        inner = draw(conditions(depth + 1, findings))
        assume("any_arena" not in repr(inner))
        return {"not": inner}
    return {form: draw(st.lists(conditions(depth + 1, findings), min_size=1, max_size=3))}


@st.composite
def packs(draw) -> advisor.RulePack:
    rules = []
    strengths = [f"STRN-{i:03d}" for i in range(draw(st.integers(0, 5)))]
    for rule_id in strengths:
        rules.append(_rule(rule_id, "strength", draw(conditions())))
    diagnoses = [f"DIAG-{i:03d}" for i in range(draw(st.integers(1, 40)))]
    # many that fire at once: the same trivially true test, or a threshold each
    always = draw(st.integers(0, 90))
    for rule_id in diagnoses:
        rules.append(_rule(rule_id, "diagnosis", draw(conditions(findings=tuple(strengths)))))
    for i in range(always):
        rules.append(
            _rule(f"WIDE-{i:03d}", "diagnosis", {"fact": "context.population", "ge": draw(st.integers(0, 3)) + i % 7})
        )
    pitfalls = [f"PITF-{i:03d}" for i in range(draw(st.integers(0, 10)))]
    recos = [f"RECO-{i:03d}" for i in range(draw(st.integers(0, 5)))]
    for rule_id in pitfalls:
        rules.append(
            _rule(
                rule_id,
                "pitfall",
                draw(conditions(findings=tuple(strengths + diagnoses))),
                draw(st.lists(st.sampled_from(recos), max_size=2, unique=True)) if recos else (),
            )
        )
    for rule_id in recos:
        when = draw(st.one_of(st.none(), conditions(findings=tuple(strengths + diagnoses + pitfalls))))
        rules.append(
            _rule(rule_id, "recommendation", when if when is not None else {"fact": "plan.knowledge_base", "eq": False})
        )
    try:
        return _pack(rules)
    except advisor.RulePackError:  # too many alternatives, a dead link: not what this test is about
        assume(False)


@st.composite
def profiles(draw) -> advisor.Profile:
    data = {
        "context": {
            "population": draw(st.integers(0, 60)) if draw(st.booleans()) else 10_000_000,
            "name": draw(st.sampled_from(NAMES + ["Namsos"])),
        },
        "plan": {"knowledge_base": draw(st.booleans()), "broad_involvement": draw(st.booleans())},
        "leadership": {"leader_development": draw(st.booleans())},
        "resources": {
            "coordinator_fte": draw(st.sampled_from(PROFILE_FLOATS)),
            "external_funding": draw(st.booleans()),
        },
        "relations": {"citizen_trust": draw(st.sampled_from(ORDINALS["relations.citizen_trust"]))},
        "arenas": [
            {"name": f"A{i}", "ladder_level": draw(st.integers(1, 5)), "evaluated": draw(st.booleans())}
            for i in range(draw(st.integers(0, 3)))
        ],
    }
    for section, values in list(data.items()):  # leave some unknown
        if isinstance(values, dict):
            data[section] = {k: v for k, v in values.items() if draw(st.integers(0, 4))}
    return advisor.parse_profile(data)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(packs(), st.lists(profiles(), min_size=1, max_size=4))
def test_durable_equals_the_reference_on_generated_packs(pack, sample):
    for profile in sample:
        durable = advisor.assess(profile, pack)
        reference = advisor.assess(profile, pack, engine="python")
        assert durable.findings == reference.findings
        # each assessment retracts by id every fact it asserted: the session is left empty
        assert backend_for(pack).facts_held() == ["[]"] * backend_for(pack).ruleset_count


def _wide(rules: int, when) -> advisor.RulePack:
    return _pack([_rule(f"DIAG-{i:03d}", "diagnosis", when(i)) for i in range(rules)])


@pytest.mark.parametrize(
    "label, pack",
    [
        (
            "700 rules on one field (a full table of 512 children hung the compile)",
            lambda: _wide(700, lambda i: {"fact": "context.population", "eq": i}),
        ),
        (
            "an in list of 700 values (700 children of one node)",
            lambda: _wide(2, lambda i: {"fact": "context.population", "in": list(range(i, i + 700))}),
        ),
        (
            "300 rules firing at once (error 303 past 64)",
            lambda: _wide(300, lambda i: {"fact": "context.population", "ge": i % 50}),
        ),
        (
            "300 alternatives with no fact test (error 108 past 256)",
            lambda: _pack(
                [_rule("DIAG-000", "diagnosis", {"fact": "plan.knowledge_base", "eq": True})]
                + [_rule(f"PITF-{i:03d}", "pitfall", {"finding": "DIAG-000"}) for i in range(300)]
            ),
        ),
        (
            "15 in lists in one alternative (error 113 with $or)",
            lambda: _wide(1, lambda i: {"all": [{"fact": "context.population", "in": [j, j + 1]} for j in range(15)]}),
        ),
    ],
)
def test_packs_past_durable_rules_limits_compile_and_agree(label, pack):
    pack = pack()
    backend = DurableBackend(pack)
    assert backend.ruleset_count >= 1
    for population in (0, 3, 49, 650, 10_000_000):
        profile = advisor.parse_profile({"context": {"population": population}, "plan": {"knowledge_base": True}})
        assert advisor.assess(profile, pack).findings == advisor.assess(profile, pack, engine="python").findings


def test_a_pack_too_wide_for_one_ruleset_is_spread_over_several():
    pack = _wide(300, lambda i: {"fact": "context.population", "ge": i})  # up to 300 thresholds hold at once
    backend = DurableBackend(pack)
    assert backend.ruleset_count > 300 // MAX_STACK
    for net_limit in (MAX_BETA, MAX_CHILDREN):
        assert net_limit < 600


def test_a_finding_fact_carries_a_property_of_its_rule_and_wakes_only_its_patterns(monkeypatch):
    """A finding fact says its rule by a property of its own (``f:<rule id>``), and the patterns
    test that property: durable-rules finds the children of an alpha node by the properties of
    the fact, so a finding fact is tested against the patterns of its rule alone, not against
    every finding pattern of the ruleset. It carries exactly one such property, so the model of
    the network counts those children as one group that holds at most one at a time: 100
    findings tested by 100 rules stay in one ruleset (with 100 groups, 100 children could hold
    at once, past the 64 of the stack)."""
    from advisor.engine import durable

    pack = _pack(
        [_rule(f"DIAG-{i:03d}", "diagnosis", {"fact": "context.population", "ge": i % 3}) for i in range(100)]
        + [_rule(f"PITF-{i:03d}", "pitfall", {"finding": f"DIAG-{i:03d}"}) for i in range(100)]
    )
    backend = DurableBackend(pack)
    assert backend.ruleset_count == 1 and MAX_STACK < 100
    compiler = durable._Compiler(pack.dnf)
    units = [u for rule in pack.rules for u in compiler._units(rule.id, rule.stage, pack.dnf[rule.id])]
    (net,) = durable._plan(units)
    (finding_node,) = [node for test, node in net.root.children.items() if test == ("t", "eq", "finding")]
    assert sorted(finding_node.children) == [(f"f:DIAG-{i:03d}", "eq", True) for i in range(100)]
    assert finding_node.eq == {"f:": 100}
    asserted: list[str] = []
    real = durable._C.assert_facts

    def spy(handle: int, text: str):
        asserted.append(text)
        return real(handle, text)

    monkeypatch.setattr(durable._C, "assert_facts", spy)
    facts = profile_facts(advisor.parse_profile({"context": {"population": 1}}))
    firings = backend.run(facts)
    monkeypatch.undo()
    assert set(firings) == set(reference_firings(pack, facts))
    findings = [fact for text in asserted for fact in json.loads(text) if fact["t"] == "finding"]
    assert sorted(fact["id"] for fact in findings) == sorted(f.rule_id for f in firings if f.rule_id < "E")
    assert len(findings) == 67 and all(set(fact) == {"t", "id", "sid", "f:" + fact["id"]} for fact in findings)
    assert backend.facts_held() == ["[]"]


def test_each_ruleset_s_facts_carry_only_the_properties_its_rules_test():
    """The profile and arena facts of a ruleset carry the properties its own rules test, not those
    of the pack's other rulesets (matching a fact and handing it back in every action's message
    cost by the property); rulesets that test the same properties share one text."""
    from advisor.research.runs import sample_profiles

    pack = _scaled_pack(500)
    backend = DurableBackend(pack)
    assert backend.ruleset_count > 2
    rulesets = backend._rulesets
    assert len({rs.properties["profile"] for rs in rulesets}) > 1  # what the test is about
    for profile in sample_profiles(5, 11):
        facts = profile_facts(profile)
        texts = {}
        for rs in rulesets:
            profile_fact = json.loads(rs.encode_profile(facts.values, '{"t":"profile","id":"p","sid":"1"'))
            assert set(profile_fact) - {"t", "id", "sid"} <= rs.properties["profile"]
            for arena in facts.arenas or ():
                arena_fact = json.loads(rs.encode_arena(arena, '{"t":"arena","id":"a0","sid":"1"'))
                assert set(arena_fact) - {"t", "id", "sid"} <= rs.properties["arena"]
            texts.setdefault((rs.properties["profile"], rs.properties["arena"]), set()).add(id(rs.encoders))
        assert all(len(ids) == 1 for ids in texts.values())
        assert set(backend.run(facts)) == set(reference_firings(pack, facts))
        assert backend.facts_held() == ["[]"] * backend.ruleset_count


def _durable_hash(name: str) -> int:
    """The hash durable-rules finds a property by (``getStringAndHash``, ``fnv1Hash32``)."""
    out = 0x811C9DC5
    for byte in name.encode("utf-8"):
        out = ((out ^ byte) * 16777619) & 0xFFFFFFFF
    return out


def test_facts_carry_short_property_names_durable_rules_tells_apart():
    """Profile and arena facts name their properties ``k<n>`` (every action's message hands the
    facts back as text, and durable-rules reads and hashes each name of each fact it is given),
    one name per path; durable-rules finds a property by a 32-bit hash of its name, so every
    name a fact can carry must hash differently."""
    from advisor.profile.schema import arena_fields, profile_fields

    keys = durable._keys()
    assert set(keys) == set(profile_fields()) | set(arena_fields())
    assert len(set(keys.values())) == len(keys) and all(len(k) <= 4 for k in keys.values())
    names = {*keys.values(), "t", "id", "sid", "n", *(f"_in{i}" for i in range(256))}
    names |= {durable._finding_key(rule.id) for rule in advisor.load_rules().rules}
    assert len({_durable_hash(name) for name in names}) == len(names)
    backend = backend_for(advisor.load_rules())
    facts = profile_facts(advisor.load_profile(Path(__file__).parent.parent / "examples" / "demo.yaml"))
    for rs in backend._rulesets:
        fact = json.loads(rs.encode_profile(facts.values, '{"t":"profile","id":"p","sid":"1"'))
        shown = {path: facts.values[path] for path in facts.values if keys[path] in fact}
        assert shown and all(fact[keys[path]] is not None for path in shown)
        assert set(fact) - {"t", "id", "sid"} <= rs.properties["profile"]


def test_compiled_rules_are_named_by_their_place_in_three_hex_digits(monkeypatch):
    """Each compiled rule goes into its ruleset under its place there in three hex digits (at most
    4,096 rules a ruleset), which maps back to its rule: every action's message begins with the
    name, read at a fixed place."""
    pack = advisor.load_rules()
    backend = DurableBackend(pack)
    for rs in backend._rulesets:
        assert list(rs.names) == [f"{i:03x}" for i in range(len(rs.names))]
        assert all(rs.names[code] == rule_id for code, (rule_id, *_) in rs.actions.items())
        assert rs.names[rs.close] == "close#" and rs.close not in rs.actions
    messages: list[str] = []
    complete, start = durable._C.complete_and_start_action, durable._C.start_action_for_state

    def spy_complete(handle: int, state: int):
        message = complete(handle, state)
        messages.append(message)
        return message

    def spy_start(handle: int, state: int):
        started = start(handle, state)
        messages.append(started[1] if started else None)
        return started

    monkeypatch.setattr(durable._C, "complete_and_start_action", spy_complete)
    monkeypatch.setattr(durable._C, "start_action_for_state", spy_start)
    facts = profile_facts(advisor.load_profile(Path(__file__).parent.parent / "examples" / "demo.yaml"))
    firings = backend.run(facts)
    monkeypatch.undo()
    assert set(firings) == set(reference_firings(pack, facts))
    messages = [m for m in messages if m]
    assert len(messages) == len(firings) and all(m.startswith('{"' + m[2:5] + '":{"') for m in messages)
    named = {rs.names[m[2:5]] for m in messages for rs in backend._rulesets if m[2:5] in rs.actions}
    assert named >= {f.rule_id for f in firings}
    backend.close()


@pytest.mark.parametrize(
    "value", [1e-05, 2.5e-10, 5e-324, -0.0, 1e16, 1.7976931348623157e308, 0.1, 123456789.0, -1e-300]
)
def test_numbers_are_spelled_as_durable_rules_reads_them(value):
    text = spell_number(value)
    mantissa, _, exponent = text.partition("e")
    assert "." in mantissa and mantissa.lstrip("-").replace(".", "").isdigit()
    assert not exponent or exponent.lstrip("+-").isdigit()
    assert float(text) == value and str(float(text)) == str(value)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 2**63, -(2**63) - 1])
def test_numbers_without_a_faithful_spelling_are_refused(value):
    with pytest.raises(ValueError):
        spell_number(value)


def test_the_issue_s_segfault_profile_assesses():
    profile = advisor.parse_profile({"resources": {"coordinator_fte": 1.0e-5}})
    pack = _pack(
        [
            _rule("DIAG-000", "diagnosis", {"fact": "resources.coordinator_fte", "gt": 0.00001}),
            _rule("DIAG-001", "diagnosis", {"fact": "resources.coordinator_fte", "le": 1e-5}),
        ]
    )
    result = advisor.assess(profile, pack)
    assert (
        sorted(result.fired) == ["DIAG-001"]
        and result.findings == advisor.assess(profile, pack, engine="python").findings
    )
    assert advisor.assess(profile).findings == advisor.assess(profile, engine="python").findings


def test_compiled_packs_are_bounded_and_an_evicted_one_still_runs(monkeypatch):
    from advisor.engine import durable as _engine

    monkeypatch.setattr(_engine, "CACHE_SIZE", 2)
    packs_ = [_wide(3, lambda i, k=k: {"fact": "context.population", "ge": i + k}) for k in range(4)]
    first = backend_for(packs_[0])
    for pack in packs_[1:]:
        backend_for(pack)
    assert len(_engine._BACKENDS) == 2 and first._closed
    profile = advisor.parse_profile({"context": {"population": 2}})
    assert first.run(profile_facts(profile)) is not None  # recompiled on demand
    assert advisor.assess(profile, packs_[0]).findings == advisor.assess(profile, packs_[0], engine="python").findings


def _scaled_pack(n: int) -> advisor.RulePack:
    """benchmarks/run.py's pack of ``n`` rules made of copies of the shipped rules."""
    import importlib.util

    from helpers import REPO

    spec = importlib.util.spec_from_file_location("advisor_benchmarks", REPO / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scaled_pack(n)


def test_a_2000_rule_pack_compiles_and_agrees_with_the_reference():
    from advisor.research.runs import sample_profiles

    pack = _scaled_pack(2000)
    assert len(pack.rules) == 2000
    backend = DurableBackend(pack)  # 2,000 rules: several rulesets, each inside durable-rules' limits
    assert backend.ruleset_count > 1
    for profile in sample_profiles(6, 3):
        facts = profile_facts(profile)
        assert set(backend.run(facts)) == set(reference_firings(pack, facts))
    for profile in sample_profiles(1, 4):
        assert advisor.assess(profile, pack).findings == advisor.assess(profile, pack, engine="python").findings


def test_a_finding_tested_twice_in_one_alternative_fires():
    """A recommendation linked from a finding that also tests that finding in its own `when`:
    the two tests are one pattern (found by the generated-pack test)."""
    pack = _pack(
        [
            _rule("DIAG-000", "diagnosis", {"fact": "plan.knowledge_base", "eq": True}, ["RECO-000"]),
            _rule("RECO-000", "recommendation", {"finding": "DIAG-000"}),
        ]
    )
    profile = advisor.parse_profile({"plan": {"knowledge_base": True}})
    assert (
        sorted(advisor.assess(profile, pack).fired)
        == sorted(advisor.assess(profile, pack, engine="python").fired)
        == ["DIAG-000", "RECO-000"]
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(packs(), st.lists(profiles(), min_size=1, max_size=4), st.data())
def test_the_question_count_of_a_batch_row_is_that_of_the_questions(pack, sample, data):
    """The count works out only the rule states it needs (issue 15 §2); it is the number of the
    questions all the states give, on generated packs (findings resting on findings, guards that
    test facts and findings) and profiles."""
    from advisor.engine.assessment import _plan_for, _question_count, _question_paths, _run

    recos = [r.id for r in pack.rules if r.kind == "recommendation"]
    if recos:  # guards, some of them on findings
        findings = [r.id for r in pack.rules if r.kind != "recommendation"]
        rules = [r.model_dump(mode="json", exclude_none=True, exclude_defaults=True) for r in pack.rules]
        with_finding = st.builds(
            lambda finding, other, form: {form: [{"finding": finding}, other]},
            st.sampled_from(findings or ["none"]),
            conditions(),
            st.sampled_from(["all", "any"]),
        )
        for rule in rules:
            if rule["id"] in recos and data.draw(st.booleans()):
                rule["done_when"] = data.draw(st.one_of(conditions(), with_finding) if findings else conditions())
        try:
            pack = _pack(rules)
        except advisor.RulePackError:
            pass
    plan = _plan_for(pack)
    for profile in sample:
        facts, by_rule, conditional = _run(profile, pack, "python")
        fired = frozenset(by_rule)
        assert _question_count(plan, facts, fired, conditional) == len(_question_paths(plan, facts, fired, conditional))
