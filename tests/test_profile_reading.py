"""The fast way a profile file is read (no line numbers until an error needs one) gives what the
line-tracking way gives: the same profile, or the same one-line error with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.core.documents import read_file
from advisor.core.errors import ProfileError
from advisor.profile.io import _validate, load_profile
from advisor.research.runs import sample_profiles, write_samples
from helpers import EXAMPLES
from test_bad_inputs import BOMB, PROFILE_CASES

#: YAML that the fast reader hands to the line-tracking one, or reads itself with care.
EXTRA_CASES: list[tuple[str, bytes]] = [
    ("merge key", b"base: &b {knowledge_base: true}\nplan:\n  <<: *b\n  broad_involvement: false\n"),
    ("merge key in a profile section", b"x: &b {name: A}\ncontext:\n  <<: *b\n"),
    ("alias of a section", b"context: &c {name: A}\nplan: *c\n"),
    ("alias bomb", BOMB.encode()),
    ("timestamp", b"context:\n  name: 2024-01-01\n"),
    ("NaN where a number belongs", b"resources:\n  coordinator_fte: .nan\n"),
    ("infinity", b"resources:\n  coordinator_fte: .inf\n"),
    ("yes and no are booleans in YAML 1.1", b"plan:\n  knowledge_base: yes\n  broad_involvement: off\n"),
    ("octal and sexagesimal numbers", b"context:\n  population: 0o17\nplan:\n  adopted_year: 1:30\n"),
    ("number as a key", b"plan:\n  1: true\n"),
    ("null and boolean keys", b"plan:\n  ~: true\n  true: 1\n"),
    ("a list as a key", b"plan:\n  [a, b]: true\n"),
    ("duplicate key after an int key", b"plan:\n  1: true\n  '1': false\n"),
    ("tag on a mapping", b"plan: !!map {knowledge_base: true}\n"),
    ("custom tag on a list", b"arenas: !mine []\n"),
    ("binary tag", b"context:\n  name: !!binary aGVsbG8=\n"),
    ("quoted true is text", b"context:\n  name: 'true'\nplan:\n  knowledge_base: 'true'\n"),
    ("empty value", b"plan:\n  knowledge_base:\n"),
    ("tabs", b"plan:\n\tknowledge_base: true\n"),
    ("comment only", b"# nothing here\n"),
    ("explicit empty document", b"---\n...\n"),
    ("an error deep in an arena", b"arenas:\n  - name: A\n  - name: B\n    ladder_level: 9\n"),
    ("two errors", b"plan:\n  knowledge_base: maybe\n  broad_involvement: 3\n"),
]


def _both(path: Path) -> tuple[str, str]:
    """What the fast reader and the line-tracking reader make of the file: a dump or an error."""

    def outcome(read) -> str:
        try:
            return repr(read().model_dump())
        except ProfileError as exc:
            return "error: " + exc.one_line()

    fast = outcome(lambda: load_profile(path))
    slow = outcome(lambda: _validate(read_file(path, ProfileError, "profile")))
    return fast, slow


@pytest.mark.parametrize(
    "name,content",
    [(title, content) for title, file, content in PROFILE_CASES if file.endswith(".yaml")] + EXTRA_CASES,
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_fast_and_line_tracking_readers_agree(tmp_path, name, content):
    path = tmp_path / "profile.yaml"
    path.write_bytes(content)
    fast, slow = _both(path)
    assert fast == slow


def test_errors_through_the_fast_reader_name_the_line(tmp_path):
    """Not only the same: the line is there (worked out when the error needs it)."""
    path = tmp_path / "p.yaml"
    path.write_bytes(b"context:\n  name: A\narenas:\n  - name: Torget\n    ladder_level: 7\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.line == 5
    assert f"{path}:5" in info.value.one_line()


def test_examples_and_samples_read_the_same_both_ways(tmp_path):
    files = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "variants" / "profiles").glob("*"))
    profiles = sample_profiles(40, 3)
    write_samples(profiles, tmp_path / "yaml", fmt="yaml")
    write_samples(profiles, tmp_path / "json", fmt="json")
    files += sorted((tmp_path / "yaml").iterdir()) + sorted((tmp_path / "json").iterdir())
    assert len(files) > 80
    for path in files:
        fast, slow = _both(path)
        assert fast == slow, path
        assert not fast.startswith("error"), fast


def _number_field_paths(model=None, prefix=()):
    """``(path, data maker)`` for every field of the profile model that holds a number."""
    from pydantic import BaseModel

    from advisor.profile import model as profile_model
    from advisor.profile.io import _inner_model

    model = model or profile_model.Profile
    for name in model.model_fields:
        inner = _inner_model(model.model_fields[name].annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            listed = "list" in str(model.model_fields[name].annotation).lower()
            yield from _number_field_paths(inner, prefix + ((name, listed),))
        elif name in profile_model._numeric_fields(model):
            yield prefix + ((name, False),)


def test_true_is_no_number_in_any_numeric_field():
    """The check runs only for the fields listed in ``NUMBER_FIELDS``: every numeric field of
    every section is there, and ``true`` in it is refused (pydantic would read it as 1)."""
    from pydantic import ValidationError

    from advisor.profile.model import Profile

    paths = list(_number_field_paths())
    assert len(paths) >= 5
    for path in paths:
        data: dict = {}
        node = data
        for name, listed in path[:-1]:
            child: dict = {}
            node[name] = [child] if listed else child
            node = child
        node[path[-1][0]] = True
        with pytest.raises(ValidationError) as info:
            Profile.model_validate(data)
        assert info.value.errors()[0]["type"] == "int_type", path
        node[path[-1][0]] = 3
        try:
            Profile.model_validate(data)
        except ValidationError as exc:  # a range or a required field may refuse 3, but not as a bool
            assert all(e["type"] != "int_type" for e in exc.errors()), path


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_duplicate_json_key_is_named(tmp_path, suffix):
    text = '{"context": {"name": "A"}, "plan": {"knowledge_base": true, "volunteer_policy": false, "knowledge_base": false}}'
    path = tmp_path / f"p{suffix}"
    path.write_text(text + "\n", encoding="utf-8")
    from advisor.profile.io import load_profile_line

    with pytest.raises(ProfileError, match="duplicate key 'knowledge_base'"):
        load_profile(path) if suffix == ".json" else load_profile_line(text, str(path), 1)
    assert load_profile_line(text.replace('"knowledge_base": false', '"broad_involvement": false'), "x", 1).plan
