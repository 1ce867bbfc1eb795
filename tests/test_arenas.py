"""Arenas classified from facts (advisor/rules/arenas.py) and the three-valued ladder aggregates."""

from __future__ import annotations

import itertools
import random
import typing

import pytest

import advisor
from advisor.profile.schema import _unwrap_optional
from advisor.rules.arenas import derivations, derive, derive_arena
from advisor.render.tools import render_explanation
from advisor.tools.explain import explain
from advisor.engine.facts import ladder_aggregates, profile_facts
from advisor.profile.model import Arena

#: The arena facts the derivation tables read, and their values.
INPUTS = {
    name: typing.get_args(_unwrap_optional(Arena.model_fields[name].annotation))
    for name in ("kind", "agenda_set_by", "initiator", "equality", "citizen_involvement", "input_used")
}


def test_the_tables_read_only_the_facts_listed_here():
    from advisor.rules.conditions import Compare, walk

    read = {
        n.path
        for entries in derivations().values()
        for e in entries
        for n in walk(e.condition)
        if isinstance(n, Compare)
    }
    assert read == set(INPUTS)


@pytest.mark.parametrize(
    "arena, level",
    [
        ({"kind": "hearing"}, 1),
        ({"kind": "survey", "agenda_set_by": "mixed"}, 1),
        ({"kind": "public_meeting", "agenda_set_by": "municipality"}, 2),
        ({"kind": "standing_group", "agenda_set_by": "municipality"}, 3),
        ({"kind": "citizen_project", "agenda_set_by": "citizens"}, 4),
        ({"kind": "public_meeting"}, None),  # who set the agenda decides between 2 and 4
        ({"agenda_set_by": "mixed"}, None),  # a hearing would be level 1 whoever set the agenda
    ],
)
def test_ladder_level_is_derived_from_the_kind_of_arena_and_who_sets_the_agenda(arena, level):
    entry = derive("ladder_level", arena)
    assert (entry.value if entry else None) == level


@pytest.mark.parametrize(
    "arena, kind",
    [
        ({"equality": "low"}, "steered"),
        ({"input_used": "none"}, "steered"),  # an unknown equality could only make it steered too
        ({"equality": "high", "initiator": "citizens", "input_used": "high"}, "facilitating"),
        ({"equality": "high", "initiator": "municipality", "input_used": "medium"}, "equal"),
        (
            {
                "equality": "medium",
                "input_used": "high",
                "agenda_set_by": "municipality",
                "citizen_involvement": "passive",
            },
            "steered",
        ),
        (
            {
                "equality": "medium",
                "input_used": "high",
                "agenda_set_by": "municipality",
                "citizen_involvement": "active",
            },
            "responsibilising",
        ),
        (
            {"equality": "medium", "input_used": "medium", "agenda_set_by": "mixed", "initiator": "volunteers"},
            "facilitating",
        ),
        (
            {"agenda_set_by": "municipality", "citizen_involvement": "active"},
            None,
        ),  # equality unknown: could be steered
        ({"equality": "high"}, None),  # the initiator decides between equal and facilitating
    ],
)
def test_ulrich_type_is_derived_from_equality_agenda_initiative_and_use_of_input(arena, kind):
    entry = derive("ulrich_type", arena)
    assert (entry.value if entry else None) == kind


def test_a_given_value_wins_over_the_derived_one():
    arena = {"kind": "hearing", "ladder_level": 4, "equality": "low"}
    assert derive_arena(arena) == {"ulrich_type": derive("ulrich_type", arena)}
    assert arena["ladder_level"] == 4 and arena["ulrich_type"] == "steered"


def test_a_derived_value_holds_for_every_way_of_filling_in_the_arenas_unknown_facts():
    rng = random.Random(13)
    names = list(INPUTS)
    derived_some = 0
    for _ in range(400):
        partial = {n: rng.choice(INPUTS[n]) for n in names if rng.random() < 0.5}
        for field in derivations():
            entry = derive(field, partial)
            if entry is None:
                continue
            derived_some += 1
            missing = [n for n in names if n not in partial]
            for values in itertools.islice(itertools.product(*(INPUTS[n] for n in missing)), 0, None, 7):
                full = {**partial, **dict(zip(missing, values))}
                assert derive(field, full).value == entry.value, (field, partial, full)
    assert derived_some > 100


@pytest.mark.parametrize(
    "levels, known",
    [
        (
            [2, 4],
            {
                "arenas.max_ladder_level": 4,
                "arenas.min_ladder_level": 2,
                "arenas.typical_ladder_level": 2,
                "arenas.ladder_spread": 2,
            },
        ),
        ([4, None, None], {}),  # one known arena among unknown ones decides nothing
        ([5, None], {"arenas.max_ladder_level": 5}),  # nothing is above 5
        ([1, 1, None], {"arenas.min_ladder_level": 1, "arenas.typical_ladder_level": 1}),
        ([1, 5, None], {"arenas.max_ladder_level": 5, "arenas.min_ladder_level": 1, "arenas.ladder_spread": 4}),
        ([None], {}),
    ],
)
def test_ladder_aggregates_are_known_only_when_the_unknown_levels_could_not_change_them(levels, known):
    assert ladder_aggregates(levels) == known


def test_an_arena_described_in_plain_facts_fires_per_arena_and_explain_shows_the_derivation(pack):
    profile = advisor.parse_profile(
        {
            "arenas": [
                {"name": "Folkemøte", "kind": "public_meeting", "agenda_set_by": "municipality"},
                {"name": "Mulighetsteam", "kind": "citizen_project", "agenda_set_by": "mixed", "initiator": "citizens"},
            ]
        }
    )
    facts = profile_facts(profile)
    assert [a["ladder_level"] for a in facts.arenas] == [2, 4]
    assert facts.values["arenas.ladder_spread"] == 2
    result = advisor.assess(profile, pack)
    assert {"ARENA-105", "ARENA-102"} <= result.fired  # spread 2; typical level 2 of [2, 4]
    text = render_explanation(explain(profile, "ARENA-105", pack), "en")
    assert "actual: 2, derived from (arenas[Folkemøte].kind is one of public_meeting, workshop" in text
    nb = render_explanation(explain(profile, "ARENA-105", pack), "nb")
    assert "utledet av" in nb


def test_questions_ask_for_the_facts_an_unknown_level_would_be_derived_from(pack):
    """An informant rarely knows an arena's rung on the ladder, but knows what kind of arena it is."""
    profile = advisor.parse_profile({"plan": {"co_creation_status": "main_goal"}, "arenas": [{"name": "Folkemøte"}]})
    asked = {q.path for q in advisor.assess(profile, pack).questions}
    assert {"arenas[].ladder_level", "arenas[].kind", "arenas[].agenda_set_by"} <= asked
    described = advisor.parse_profile(
        {"plan": {"co_creation_status": "main_goal"}, "arenas": [{"name": "Folkemøte", "kind": "hearing"}]}
    )
    asked = {q.path for q in advisor.assess(described, pack).questions}
    assert "arenas[].ladder_level" not in asked and "arenas[].kind" not in asked


def test_the_typical_ladder_level_is_known_exactly_when_every_filling_of_the_unknown_levels_gives_one_median():
    # every list of up to four arenas' levels, unknown ones included, against the definition
    from statistics import median_low

    from advisor.profile.model import LADDER_LEVELS

    values = [None, *LADDER_LEVELS]
    for size in range(1, 5):
        for levels in itertools.product(values, repeat=size):
            unknown = [i for i, level in enumerate(levels) if level is None]
            medians = set()
            for filling in itertools.product(LADDER_LEVELS, repeat=len(unknown)):
                filled = list(levels)
                for index, level in zip(unknown, filling):
                    filled[index] = level
                medians.add(median_low(filled))
            typical = ladder_aggregates(list(levels)).get("arenas.typical_ladder_level")
            assert typical == (medians.pop() if len(medians) == 1 and len(unknown) < size else None), levels
