"""Three-valued logic: unknown facts never make a rule fire, and the engine agrees."""

from __future__ import annotations

import itertools

import pytest

import advisor
from advisor.rules.conditions import evaluate, parse_condition, to_dnf
from advisor.engine.facts import profile_facts
from advisor.rules.pack import KINDS


def _eval(raw, facts, arenas=None, findings=()):
    node = parse_condition(raw)
    return evaluate(node, facts, arenas, lambda rid: rid in findings)


@pytest.mark.parametrize(
    "raw, facts, expected",
    [
        ({"fact": "plan.knowledge_base", "eq": False}, {}, None),
        ({"fact": "plan.knowledge_base", "eq": False}, {"plan.knowledge_base": False}, True),
        ({"not": {"fact": "plan.knowledge_base", "eq": True}}, {}, None),
        ({"not": {"fact": "plan.knowledge_base", "eq": True}}, {"plan.knowledge_base": False}, True),
        (
            {"any": [{"fact": "plan.knowledge_base", "eq": True}, {"fact": "plan.broad_involvement", "eq": True}]},
            {"plan.broad_involvement": True},
            True,
        ),
        (
            {"any": [{"fact": "plan.knowledge_base", "eq": True}, {"fact": "plan.broad_involvement", "eq": True}]},
            {"plan.broad_involvement": False},
            None,
        ),
        (
            {"all": [{"fact": "plan.knowledge_base", "eq": True}, {"fact": "plan.broad_involvement", "eq": True}]},
            {"plan.broad_involvement": False},
            False,
        ),
        ({"fact": "plan.co_creation_status", "ge": "main_goal"}, {"plan.co_creation_status": "vision"}, True),
        ({"fact": "plan.co_creation_status", "ge": "main_goal"}, {"plan.co_creation_status": "focus_area"}, False),
        ({"fact": "relations.citizen_trust", "in": ["low", "none"]}, {"relations.citizen_trust": "low"}, True),
        ({"fact": "relations.citizen_trust", "not_in": ["low", "none"]}, {}, None),
    ],
)
def test_kleene_logic(raw, facts, expected):
    assert _eval(raw, facts) is expected


def test_any_arena_is_unknown_when_arenas_are_unknown_and_false_when_empty():
    raw = {"any_arena": {"fact": "ladder_level", "ge": 4}}
    assert _eval(raw, {}, None) is None
    assert _eval(raw, {}, ()) is False
    assert _eval(raw, {}, ({"ladder_level": 2}, {})) is None
    assert _eval(raw, {}, ({"ladder_level": 2}, {"ladder_level": 5})) is True


def test_not_pushes_down_to_complemented_comparisons():
    node = parse_condition(
        {"not": {"all": [{"fact": "plan.knowledge_base", "eq": True}, {"fact": "resources.coordinator_fte", "lt": 1}]}}
    )
    terms = to_dnf(node)
    assert [(c.path, c.op) for t in terms for c in t.compares] == [
        ("plan.knowledge_base", "ne"),
        ("resources.coordinator_fte", "ge"),
    ]


def test_unknown_facts_never_fire_any_shipped_rule(pack):
    """Every single known fact, alone: nothing fires that its condition does not need."""
    assert advisor.assess(advisor.Profile(), pack).findings == ()


BOOL_PATHS = [
    "plan.knowledge_base",
    "plan.broad_involvement",
    "implementation.strategy.exists",
    "relations.expectations_clarified",
]


def test_engine_agrees_with_three_valued_evaluation_over_combinations(pack):
    """All 81 combinations of true / false / unknown over four facts, on both engines."""
    for values in itertools.product([True, False, None], repeat=len(BOOL_PATHS)):
        data: dict = {"plan": {"co_creation_status": "main_goal"}}
        for path, value in zip(BOOL_PATHS, values):
            if value is None:
                continue
            section, *rest = path.split(".")
            target = data.setdefault(section, {})
            for part in rest[:-1]:
                target = target.setdefault(part, {})
            target[rest[-1]] = value
        profile = advisor.parse_profile(data)
        facts = profile_facts(profile)
        engine = advisor.assess(profile, pack)
        expected: set[str] = set()
        for stage in KINDS:
            fired = frozenset(expected)  # the findings of the earlier stages
            for rule in pack.rules:
                if (
                    rule.kind != stage
                    or evaluate(pack.effective_conditions[rule.id], facts.values, facts.arenas, fired.__contains__)
                    is not True
                ):
                    continue
                # A recommendation known to be done (its guard holds) does not fire.
                if (
                    rule.guard is None
                    or evaluate(rule.guard, facts.values, facts.arenas, fired.__contains__) is not True
                ):
                    expected.add(rule.id)
        assert engine.fired == expected, values


def test_conditions_are_described_in_either_language():
    from advisor.render.conditions import describe

    node = parse_condition(
        {
            "any": [
                {"all": [{"fact": "plan.co_creation_status", "ge": "main_goal"}, {"not": {"finding": "LEAD-001"}}]},
                {"any_arena": {"fact": "ladder_level", "in": [1, 2]}},
                {"fact": "context.recent_merger", "eq": True},
            ]
        }
    )
    assert describe(node) == (
        "((plan.co_creation_status ≥ main_goal and not finding LEAD-001) or some arena has ladder_level is one of 1, 2"
        " or context.recent_merger is true)"
    )
    assert describe(node, "nb") == (
        "((plan.co_creation_status ≥ hovedmål og ikke funnet LEAD-001) eller en arena har ladder_level er en av 1, 2"
        " eller context.recent_merger er ja)"
    )
