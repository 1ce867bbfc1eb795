"""One semantics (issue 11): what a condition node means lives on its type, the comparisons are
written once, consumers in other layers are visitors, and the engines are registered by name."""

from __future__ import annotations

import itertools

import pytest

import advisor
from advisor.engine import interface
from advisor.engine.assessment import reference_firings
from advisor.engine.facts import profile_facts
from advisor.profile.schema import arena_fields, profile_fields
from advisor.rules.conditions import (
    COMPARISONS,
    AllOf,
    AnyArena,
    AnyOf,
    Compare,
    ConditionVisitor,
    FindingRef,
    Not,
    parse_condition,
    walk,
)
from advisor.render.conditions import describe

NODE_TYPES = (Compare, AllOf, AnyOf, Not, FindingRef, AnyArena)


def _domain(spec):
    """Every value a fact of ``spec`` can take, and a few numbers around the edges."""
    if spec.kind in ("ordinal", "nominal"):
        return list(spec.values)
    if spec.kind == "bool":
        return [False, True]
    if spec.kind == "int":
        return [-1, 0, 1, 2, 5]
    if spec.kind == "float":
        return [0.0, 0.25, 0.5, 1.0]
    return ["a", "b"]


def _compares():
    """One comparison per operator that each field admits, against each value of its domain."""
    for fields, in_arena in ((profile_fields(), False), (arena_fields(), True)):
        for path, spec in sorted(fields.items()):
            values = _domain(spec)
            ops = ["eq", "ne", "in", "not_in"] + (["lt", "le", "gt", "ge"] if spec.ordered else [])
            for op, value in itertools.product(ops, values[:3]):
                raw = {"fact": path, op: [value] if op in ("in", "not_in") else value}
                node = parse_condition(raw, in_arena=in_arena)
                yield node, values


def test_every_node_type_carries_its_semantics():
    for node_type in NODE_TYPES:
        for method in ("children", "compile", "nnf", "dnf", "accept"):
            assert callable(getattr(node_type, method, None)), f"{node_type.__name__} lacks {method}"


def test_a_visitor_that_misses_a_node_type_cannot_be_made():
    class Partial(ConditionVisitor[str]):
        def compare(self, node):
            return "c"

    with pytest.raises(TypeError, match="abstract"):
        Partial()


def test_test_and_compile_agree_on_every_operator_and_value():
    # Compare.test (the reference engine) and Compare.compile (explain, guards, questions) read
    # the one table of comparisons; this checks them on every field, operator and value.
    checked = 0
    for node, values in _compares():
        compiled = node.compile()
        for actual in [None, *values]:
            got = compiled({node.path: actual} if actual is not None else {}, None, lambda rid: None)
            assert got == node.test(actual), (node, actual)
            checked += 1
    assert checked > 1000


def test_comparisons_cover_every_operator_and_negation_is_the_complement():
    for node, values in _compares():
        assert node.op in COMPARISONS
        for actual in values:
            assert node.negated().test(actual) == (not node.test(actual)), (node, actual)


def test_nnf_pushes_not_down_and_keeps_the_meaning():
    raw = {
        "not": {
            "all": [
                {"fact": "plan.knowledge_base", "eq": True},
                {"any": [{"finding": "LEAD-001"}, {"not": {"fact": "context.recent_merger", "eq": True}}]},
            ]
        }
    }
    node = parse_condition(raw)
    nnf = node.nnf()
    assert not any(isinstance(n, Not) for n in walk(nnf))
    for kb, merger, lead in itertools.product([None, False, True], [None, False, True], [None, False, True]):
        facts = {k: v for k, v in (("plan.knowledge_base", kb), ("context.recent_merger", merger)) if v is not None}
        assert nnf.compile()(facts, None, lambda rid, lead=lead: lead) == node.compile()(
            facts, None, lambda rid, lead=lead: lead
        )


def test_describe_is_a_visitor_over_every_node_type():
    node = parse_condition(
        {
            "all": [
                {"not": {"finding": "LEAD-001"}},
                {"any_arena": {"any": [{"fact": "ladder_level", "ge": 4}, {"fact": "ladder_level", "le": 1}]}},
            ]
        }
    )
    assert {type(n) for n in walk(node)} == {AllOf, Not, FindingRef, AnyArena, AnyOf, Compare}
    # each node type in its words; the arena prefix goes before the paths, not into any_arena
    assert describe(node) == "(not finding LEAD-001 and some arena has (ladder_level ≥ 4 or ladder_level ≤ 1))"
    assert describe(node, "nb") == "(ikke funnet LEAD-001 og en arena har (ladder_level ≥ 4 eller ladder_level ≤ 1))"
    inner = node.children()[1].children()[0]
    assert describe(inner, "en", "arenas[A].") == "(arenas[A].ladder_level ≥ 4 or arenas[A].ladder_level ≤ 1)"


def test_engines_are_registered_by_name_and_assess_asks_the_registry(monkeypatch):
    calls = []

    class Counting:
        def __init__(self, pack):
            self.pack = pack

        def run(self, facts):
            calls.append(self.pack.info.name)
            return reference_firings(self.pack, facts)

    engine = interface.Engine("counting", lambda: ("counting-test", "1"), Counting)
    monkeypatch.setitem(interface._REGISTRY, "counting", engine)
    profile = advisor.load_profile("examples/levanger.yaml")
    counted = advisor.assess(profile, engine="counting")
    plain = advisor.assess(profile, engine="python")
    assert calls == [counted.manifest.pack]
    assert (counted.manifest.engine, counted.manifest.engine_version) == ("counting-test", "1")
    assert [f.rule_id for f in counted.findings] == [f.rule_id for f in plain.findings]


def test_an_engine_without_a_backend_or_unknown_is_refused():
    profile = advisor.load_profile("examples/levanger.yaml")
    for name in ("columnar", "nonesuch"):
        with pytest.raises(ValueError, match="unknown engine"):
            advisor.assess(profile, engine=name)
    with pytest.raises(ValueError, match="unknown engine"):
        interface.engine_label("nonesuch")
    facts = profile_facts(profile)
    assert interface.backend("python", advisor.load_rules()).run(facts) == reference_firings(
        advisor.load_rules(), facts
    )


def test_scales_are_read_from_their_literal_and_compared_by_rank():
    import pickle
    import typing

    from advisor.core.scale import Scale
    from advisor.profile.model import ORDINAL_SCALES, Level
    from advisor.rules.pack import PRIORITIES, Priority

    assert tuple(PRIORITIES) == typing.get_args(Priority)
    assert tuple(ORDINAL_SCALES["Level"]) == typing.get_args(Level)
    assert [PRIORITIES.rank(p) for p in PRIORITIES] == list(range(len(PRIORITIES)))
    assert PRIORITIES.rank("critical") > PRIORITIES.rank("low")
    assert pickle.loads(pickle.dumps(PRIORITIES)).rank("high") == 2  # scales travel to worker processes
    with pytest.raises(ValueError, match="not on the scale"):
        PRIORITIES.rank("urgent")
    with pytest.raises(TypeError):
        Scale.of(int)


def test_the_parser_itself_reports_every_bad_item_to_a_collecting_sink():
    # rules check used to walk the raw condition a second time to find every problem (packcheck's
    # own copy of the condition forms); now the parser reports each item of all/any to the sink.
    from advisor.rules.conditions import condition_problems

    raw = {
        "not": {
            "all": [
                {"fact": "plan.knowledge_bse", "eq": True},
                {"fact": "plan.knowledge_base", "eq": True},
                {"any": [{"fact": "plan.knowledge_base", "gt": True}, {"finding": 3}]},
            ]
        }
    }
    found = [(exc.path, exc.message) for exc in condition_problems(raw)]
    assert [path for path, _ in found] == [
        ("when", "not", "all", 0, "fact"),
        ("when", "not", "all", 2, "any", 0, "gt"),
        ("when", "not", "all", 2, "any", 1, "finding"),
    ]
    assert condition_problems({"fact": "plan.knowledge_base", "eq": True}) == []
    with pytest.raises(advisor.RulePackError, match="knowledge_bse"):
        parse_condition(raw)  # without a sink: the first problem, raised
