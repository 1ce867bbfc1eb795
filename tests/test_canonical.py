"""A profile's canonical JSON (what profile_hash hashes) written straight from the model is the
text json.dumps writes of its dump, byte for byte, whatever the profile holds."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import advisor
from advisor.engine.assessment import profile_hash
from advisor.profile import canonical
from advisor.profile.canonical import canonical_json
from advisor.profile.model import Arena, Context, Plan, Profile, Resources
from advisor.research.runs import sample_profiles
from helpers import EXAMPLES
from test_properties import profiles


def _long_way(profile) -> str:
    return json.dumps(profile.model_dump(mode="json", exclude_none=True), sort_keys=True, ensure_ascii=False)


def test_sampled_and_example_profiles():
    many = sample_profiles(300, 21) + [advisor.load_profile(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert sum(len(p.arenas or ()) for p in many) > 300
    for profile in many:
        assert canonical_json(profile) == _long_way(profile)
        assert profile_hash(profile) == hashlib.sha256(_long_way(profile).encode("utf-8")).hexdigest()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_generated_profiles(profile):
    assert canonical_json(profile) == _long_way(profile)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(),
    fte=st.floats(0, 1000),
    population=st.integers(0, 10_000_000),
    arena_names=st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=4),
)
def test_text_and_numbers(name, fte, population, arena_names):
    """Any text (quotes, backslashes, control characters, non-ASCII), any float in range."""
    profile = Profile.model_validate(
        {
            "context": {"name": name[:200], "population": population},
            "resources": {"coordinator_fte": fte},
            "arenas": [{"name": n} for n in arena_names],
        }
    )
    assert canonical_json(profile) == _long_way(profile)


def test_empty_sections_and_lists():
    for data in ({}, {"context": {}}, {"arenas": []}, {"arenas": [{}]}, {"plan": {"partner_anchoring": {}}}):
        profile = Profile.model_validate(data)
        assert canonical_json(profile) == _long_way(profile)


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
def test_values_a_validated_model_does_not_hold_are_written_the_long_way():
    """Built without validation, a model may hold anything: 1 in a boolean field (equal to true,
    written 1), a float that is not finite, a tuple, a number where a scale's value belongs."""
    odd = [
        Profile.model_construct(context=Context.model_construct(recent_merger=1, population=True)),
        Profile.model_construct(resources=Resources.model_construct(coordinator_fte=float("nan"))),
        Profile.model_construct(resources=Resources.model_construct(coordinator_fte=float("inf"))),
        Profile.model_construct(arenas=(Arena.model_construct(name="a"),)),
        Profile.model_construct(plan=Plan.model_construct(political_anchoring=1, knowledge_base=1.0)),
        Profile.model_construct(context=Context.model_construct(name=b"bytes")),
    ]
    for profile in odd:
        assert canonical_json(profile) == _long_way(profile)


def test_a_model_that_dumps_more_than_its_fields_is_written_the_long_way():
    from pydantic import computed_field

    class Computed(Profile):
        @computed_field  # type: ignore[prop-decorator]
        @property
        def extra(self) -> int:
            return 1

    profile = Computed.model_validate({"context": {"name": "A"}})
    assert canonical.canonical_json(profile) == _long_way(profile)
    assert '"extra": 1' in canonical_json(profile)


def test_the_writers_are_made_for_the_second_profile_of_a_class_not_the_first():
    """Making a class's writers compiles their source: a command that hashes one profile writes
    it the long way and makes none; from the second profile of a class on, the writers write."""

    class Once(Profile):
        pass

    first, second = (Once.model_validate({"context": {"name": name}}) for name in ("A", "B"))
    assert canonical_json(first) == _long_way(first)
    assert Once not in canonical._WRITERS
    assert canonical_json(second) == _long_way(second)
    assert Once in canonical._WRITERS and canonical._WRITERS[Once] is not canonical._unusual
