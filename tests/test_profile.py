"""Reading profiles: valid input, and one clear error per kind of bad input."""

from __future__ import annotations

from typing import Optional

import pytest

import advisor
from advisor import ProfileError


def _load(tmp_path, text, name="p.yaml", raw=None):
    path = tmp_path / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8")
    return advisor.load_profile(path)


def _error(tmp_path, text, **kw) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        _load(tmp_path, text, **kw)
    message = info.value.one_line()
    assert "\n" not in message
    assert info.value.exit_code == 2
    return info.value


def test_unknown_is_distinct_from_no(tmp_path):
    profile = _load(tmp_path, "plan:\n  knowledge_base: false\n")
    assert profile.plan.knowledge_base is False
    assert profile.plan.broad_involvement is None


def test_json_profiles_are_read_too(tmp_path):
    profile = _load(tmp_path, '{"context": {"name": "Stad"}, "arenas": []}', name="p.json")
    assert profile.context.name == "Stad" and profile.arenas == []


def test_norwegian_letters_survive(tmp_path):
    profile = _load(tmp_path, "context:\n  name: Ærøy-Østre Åsen\n")
    assert profile.context.name == "Ærøy-Østre Åsen"


def test_unknown_key_suggests_the_right_one(tmp_path):
    err = _error(tmp_path, "context:\n  name: X\nplan:\n  co_creation_stat: vision\n")
    assert err.one_line() == (
        f"{tmp_path / 'p.yaml'}:4: plan.co_creation_stat: unknown field 'co_creation_stat' "
        "(did you mean 'co_creation_status'?)"
    )


def test_unknown_section_suggests_the_right_one(tmp_path):
    err = _error(tmp_path, "leadershp:\n  leader_development: true\n")
    assert "did you mean 'leadership'?" in err.one_line()
    assert err.line == 1


def test_value_outside_a_scale_names_the_allowed_values(tmp_path):
    err = _error(tmp_path, "relations:\n  citizen_trust: hgh\n")
    assert err.path == ("relations", "citizen_trust")
    assert err.line == 2
    assert "did you mean 'high'?" in err.one_line()


def test_wrong_type_in_an_arena_names_the_index(tmp_path):
    err = _error(tmp_path, "arenas:\n  - name: A\n  - name: B\n    ladder_level: 9\n")
    assert err.path == ("arenas", 1, "ladder_level")
    assert err.line == 4
    assert "less than or equal to 5" in err.one_line()


def test_boolean_field_with_text(tmp_path):
    err = _error(tmp_path, "plan:\n  knowledge_base: maybe\n")
    assert "expected true or false" in err.one_line()


def test_empty_file(tmp_path):
    assert "profile is empty" in _error(tmp_path, "").one_line()


def test_a_list_instead_of_a_mapping(tmp_path):
    assert "must be a mapping" in _error(tmp_path, "- a\n- b\n").one_line()


def test_invalid_yaml_gives_the_line(tmp_path):
    err = _error(tmp_path, "context:\n  name: [unclosed\nplan: {}\n")
    assert "not valid YAML/JSON" in err.one_line() and err.line is not None


def test_duplicate_keys_are_refused(tmp_path):
    err = _error(tmp_path, "plan:\n  knowledge_base: true\n  knowledge_base: false\n")
    assert err.line == 3 and "duplicate key" in err.one_line() and "line 2" in err.one_line()


def test_binary_file(tmp_path):
    assert "binary" in _error(tmp_path, None, raw=b"\x00\x01\x02").one_line()


def test_non_utf8_file(tmp_path):
    err = _error(tmp_path, None, raw="context:\n  name: Bø\n".encode("latin-1"))
    assert "not UTF-8" in err.one_line() and err.line == 2


def test_object_constructing_tags_are_refused(tmp_path):
    err = _error(tmp_path, "context: !!python/object/apply:os.system ['echo hacked']\n")
    assert "tag" in err.one_line()


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    err = _error(tmp_path, "\n".join(lines) + "\n")
    assert "alias bomb" in err.one_line()


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        advisor.load_profile(tmp_path / "nope.yaml")


def test_parse_profile_from_text_and_data():
    assert advisor.parse_profile("context: {name: A}").context.name == "A"
    with pytest.raises(ProfileError, match="did you mean 'context'"):
        advisor.parse_profile({"contxt": {}})


def _sections():
    from advisor.profile import model

    return [
        cls
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, model._Section) and cls is not model._Section
    ]


def test_every_number_field_refuses_true_and_false(tmp_path):
    """The check that ``true`` is no number is attached to the fields model.NUMBER_FIELDS names
    (not to every field: issue 15 §3); each int or float field of each section must be one."""
    from pydantic import ValidationError

    from advisor.profile import model

    numbers = {(cls, name) for cls in _sections() for name in model._numeric_fields(cls)}
    assert {name for _cls, name in numbers} == set(model.NUMBER_FIELDS)
    for cls, name in numbers:
        for value in (True, False):
            with pytest.raises(ValidationError) as info:
                cls.model_validate({name: value})
            (error,) = info.value.errors()
            assert error["loc"] == (name,) and error["type"] == "int_type", (cls, name)
            assert error["msg"] == "Input should be a number, not true or false"
    plan_flag = next(n for n, f in model.Plan.model_fields.items() if f.annotation == Optional[bool])
    assert getattr(model.Plan.model_validate({plan_flag: True}), plan_flag) is True  # not a number
    message = _error(tmp_path, "context:\n  population: true\n").one_line()
    assert "p.yaml:2: context.population: expected a number, got True" in message


def test_better_on_a_field_leaves_its_schema_and_validation_as_without_it(monkeypatch):
    # Better hands the field's schema on untouched (advisor.profile.model.Better), so pydantic
    # does not try it as a constraint at every start; the field is what it would be without it
    from typing import Annotated, Literal

    from pydantic import BaseModel, ValidationError
    from pydantic._internal import _known_annotated_metadata

    from advisor.profile.model import Better

    tried: list[object] = []
    known = _known_annotated_metadata.apply_known_metadata

    def apply_known_metadata(annotation, schema):
        tried.append(annotation)
        return known(annotation, schema)

    monkeypatch.setattr(_known_annotated_metadata, "apply_known_metadata", apply_known_metadata)

    class With(BaseModel):
        level: Annotated[Optional[Literal["low", "high"]], Better("up")] = None
        count: Annotated[Optional[int], Better("down")] = None

    With.model_json_schema()  # the schema is built
    assert not [a for a in tried if isinstance(a, Better)]

    class Without(BaseModel):
        level: Optional[Literal["low", "high"]] = None
        count: Optional[int] = None

    assert With.model_json_schema()["properties"] == Without.model_json_schema()["properties"]
    for data in ({"level": "high", "count": 3}, {"level": None}, {"count": "4"}):
        assert With.model_validate(data).model_dump() == Without.model_validate(data).model_dump()
    for bad in ({"level": "medium"}, {"count": "x"}):
        with pytest.raises(ValidationError) as with_error:
            With.model_validate(bad)
        with pytest.raises(ValidationError) as without_error:
            Without.model_validate(bad)
        assert with_error.value.errors() == without_error.value.errors()
    assert [m for m in With.model_fields["count"].metadata if isinstance(m, Better)] == [Better("down")]


def test_assess_and_its_tools_say_what_they_take_when_given_a_path_a_dict_or_a_pack_name(tmp_path):
    """A developer's first guesses (a file name, the dict of a profile, a pack's name) give a
    TypeError that says how to make what assess() takes, not an AttributeError from inside it."""
    profile = advisor.parse_profile({"context": {"name": "X"}})
    for wrong, says in (
        ("examples/demo.yaml", "assess() takes a Profile, not str: advisor.load_profile(path)"),
        ({"context": {"name": "X"}}, "assess() takes a Profile, not dict: "),
    ):
        with pytest.raises(TypeError) as raised:
            advisor.assess(wrong)  # type: ignore[arg-type]
        assert str(raised.value).startswith(says)
    with pytest.raises(TypeError, match=r"^assess\(\) takes its rules as a RulePack, not str: advisor.load_rules"):
        advisor.assess(profile, "default")  # type: ignore[arg-type]
    pack = advisor.load_rules()
    assert advisor.assess(profile, pack).municipality == "X"
    # the tools that assess say the same, under their own names
    calls = {
        "whatif": lambda p: advisor.whatif(p, ["plan.knowledge_base=true"]),
        "next_steps": lambda p: advisor.next_steps(p),
        "diff": lambda p: advisor.diff(p, p),
        "build_report": lambda p: advisor.build_report([p]),
        "explain": lambda p: advisor.explain(p, "IMPL-001", pack),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError, match=rf"^{name}\(\) takes a Profile, not str: "):
            call("examples/demo.yaml")
        call(profile)  # a Profile: no error
    with pytest.raises(
        TypeError, match=r"^explain\(\) takes the rule's id as text, not RulePack: explain\(profile, rule_id"
    ):
        advisor.explain(profile, pack, "IMPL-001")  # type: ignore[arg-type]
