"""The fast way a profile file is read (no line numbers until an error needs one) gives what the
line-tracking way gives: the same profile, or the same one-line error with file and line."""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path

import pytest
import yaml

from advisor.core.documents import read_file
from advisor.core.errors import ProfileError
from advisor.profile.io import _validate, load_profile
from advisor.research.runs import sample_profiles, write_samples
from helpers import EXAMPLES, GOLDEN
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


# --------------------------------------------------------------------------------------------
# JSON validated by pydantic straight from the bytes (profile.io._from_json), against the way
# before it: the same profile (fields set included) or the same one-line error.


def _outcome(read) -> str:
    try:
        profile = read()
    except ProfileError as exc:
        return "error: " + exc.one_line()
    return repr((profile.model_dump(), _fields_set(profile)))


def _fields_set(model):
    from pydantic import BaseModel

    return {
        name: (
            _fields_set(value)
            if isinstance(value, BaseModel)
            else [_fields_set(v) for v in value]
            if isinstance(value, list)
            else True
        )
        for name, value in model.__dict__.items()
        if name in model.model_fields_set
    }


def _json_both_ways(tmp_path: Path, raw: bytes) -> None:
    """A .json file and a JSON line read straight from the bytes and read as before (parsed by
    the json module, then validated; lines worked out when an error needs one) agree."""
    from advisor.profile import io as profile_io

    path = tmp_path / "profile.json"
    path.write_bytes(raw)
    fast = _outcome(lambda: load_profile(path))
    slow = _outcome(lambda: _validate(read_file(path, ProfileError, "profile", lazy_lines=True)))
    assert fast == slow
    line = raw.replace(b"\n", b" ").replace(b"\r", b" ")
    fast = _outcome(lambda: profile_io.load_profile_line(line, "p.jsonl", 3))
    original = profile_io._from_json
    profile_io._from_json = lambda raw: None
    try:
        slow = _outcome(lambda: profile_io.load_profile_line(line, "p.jsonl", 3))
    finally:
        profile_io._from_json = original
    assert fast == slow


JSON_CASES: list[tuple[str, bytes]] = [
    ("duplicate section", b'{"context": {"name": "A"}, "context": {"population": 3}}'),
    ("duplicate field", b'{"plan": {"knowledge_base": true, "knowledge_base": false}}'),
    ("duplicate in an arena", b'{"arenas": [{"name": "a", "ladder_level": 2, "name": "b"}]}'),
    ("duplicate, same value", b'{"plan": {"knowledge_base": true, "knowledge_base": true}}'),
    ("colon in a name", '{"context": {"name": "Bodø: sentrum"}}'.encode()),
    ("colon in a name and a duplicate", b'{"context": {"name": "x:y", "name": "z"}}'),
    ("escaped colon and a duplicate", b'{"context": {"name": "x\\u003ay", "name": "z"}}'),
    ("escaped quote before a colon", b'{"context": {"name": "a\\":b"}}'),
    ("byte order mark", b'\xef\xbb\xbf{"context": {"name": "A"}}'),
    ("two byte order marks", b'\xef\xbb\xbf\xef\xbb\xbf{"context": {"name": "A"}}'),
    ("escaped unicode", b'{"context": {"name": "Bod\\u00f8 \\ud83d\\ude00"}}'),
    ("lone surrogate", b'{"context": {"name": "a\\ud800b"}}'),
    ("lone low surrogate", b'{"context": {"name": "a\\udc00b"}}'),
    ("not UTF-8 in a string", b'{"context": {"name": "B\xf8"}}'),
    ("raw control character", b'{"context": {"name": "a\tb"}}'),
    ("NaN", b'{"resources": {"coordinator_fte": NaN}}'),
    ("Infinity", b'{"resources": {"coordinator_fte": -Infinity}}'),
    ("float beyond double", b'{"resources": {"coordinator_fte": 1e400}}'),
    ("long float", b'{"resources": {"coordinator_fte": 0.1000000000000000055511151231257827}}'),
    ("exponent", b'{"resources": {"coordinator_fte": 25E-1}, "context": {"population": 1e3}}'),
    ("huge integer", b'{"context": {"population": 100000000000000000000000000000000}}'),
    ("float in an int", b'{"context": {"population": 1.5}}'),
    ("leading zero", b'{"context": {"population": 012}}'),
    ("true as a number", b'{"arenas": [{"ladder_level": true}]}'),
    ("number as text", b'{"context": {"population": "12"}, "plan": {"knowledge_base": "yes"}}'),
    ("null section and field", b'{"context": null, "plan": {"knowledge_base": null}}'),
    ("empty object", b"{}"),
    ("whitespace only", b" \n\t "),
    ("empty", b""),
    ("trailing data", b"{} {}"),
    ("trailing comma", b'{"context": {"name": "A",}}'),
    ("a list", b"[]"),
    ("null", b"null"),
    ("unknown field", b'{"plan": {"knowledge_bas": true}}'),
    ("deep nesting", b'{"context": ' + b"[" * 300 + b"]" * 300 + b"}"),
    ("form feed before", b'\x0c{"context": {}}'),
    ("name too long", b'{"context": {"name": "' + b"x" * 201 + b'"}}'),
    ("too many arenas", b'{"arenas": [' + b",".join([b"{}"] * 501) + b"]}"),
]


@pytest.mark.parametrize(
    "name,content",
    [(title, content) for title, file, content in PROFILE_CASES if file.endswith(".json")] + JSON_CASES,
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_json_read_straight_from_bytes_agrees_with_the_line_tracking_way(tmp_path, name, content):
    _json_both_ways(tmp_path, content)


def test_json_samples_are_read_straight_from_bytes(tmp_path):
    """The fast way is the way profiles are read (not only a way that always gives up), and
    what it reads is what the line-tracking way reads."""
    from advisor.profile.io import _from_json

    profiles = sample_profiles(30, 8)
    write_samples(profiles, tmp_path / "json", fmt="json")
    for path, profile in zip(sorted((tmp_path / "json").iterdir()), profiles):
        fast = _from_json(path.read_bytes())
        assert fast is not None and fast == profile
        _json_both_ways(tmp_path, path.read_bytes())


def _json_value(annotation, name):
    """Values for a field: mostly of its type, sometimes odd ones (that a model may refuse or read otherwise)."""
    from hypothesis import strategies as st
    from pydantic import BaseModel

    from advisor.profile.schema import _unwrap_optional

    def mostly(*valid):
        odd = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6))
        return st.one_of(*valid * 6, odd)

    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return mostly(_json_object(annotation))
    if typing.get_origin(annotation) is list:
        (inner,) = typing.get_args(annotation)
        return mostly(st.lists(_json_value(inner, name), max_size=3))
    if typing.get_origin(annotation) is typing.Literal:
        return mostly(st.sampled_from(typing.get_args(annotation)))
    if annotation is bool:
        return mostly(st.booleans())
    if annotation is int:
        return mostly(st.integers(0, 2030), st.integers(1, 5))
    if annotation is float:
        return mostly(st.floats(0, 1000), st.sampled_from([0.1, 1e-7, 62.82, 1000.0, 3]))
    return mostly(st.text(max_size=12), st.sampled_from(["a:b", 'a"b', "Bodø", "x\\y", "\ud800", "😀"]))


def _json_object(model):
    from hypothesis import strategies as st

    names = list(model.model_fields) + ["bogus"]
    return st.dictionaries(
        st.one_of(st.sampled_from(names[:-1]), st.sampled_from(names[:-1]), st.sampled_from(names)),
        st.deferred(lambda: st.one_of(*[_json_value(model.model_fields[n].annotation, n) for n in names[:-1]])),
        max_size=6,
    ).flatmap(
        lambda d: st.fixed_dictionaries(
            {k: _json_value(model.model_fields[k].annotation, k) if k in model.model_fields else st.just(1) for k in d}
        )
    )


@pytest.fixture(scope="module")
def json_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("json-fuzz")


def test_json_read_straight_from_bytes_agrees_on_generated_documents(json_dir):
    import json

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from advisor.profile.model import Profile

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        data=_json_object(Profile),
        ascii_only=st.booleans(),
        indent=st.sampled_from([None, 2]),
        duplicate=st.one_of(st.just(-1), st.integers(0, 40)),
        bom=st.booleans(),
    )
    def check(data, ascii_only, indent, duplicate, bom):
        try:
            text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
        except ValueError:
            return
        if duplicate >= 0:  # the pair after the duplicate-th colon, written once more
            colons = [i for i, c in enumerate(text) if c == ":"]
            if colons:
                at = colons[duplicate % len(colons)]
                start = text.rfind('"', 0, text.rfind('"', 0, at))
                text = text[:start] + text[start:at] + ": null, " + text[start:]
        raw = text.encode("utf-8", "surrogatepass")
        _json_both_ways(json_dir, (b"\xef\xbb\xbf" if bom else b"") + raw)

    check()


# --------------------------------------------------------------------------------------------
# YAML in block style read from its lines (core.documents._Lines), against libyaml: the same
# data, type for type, or it leaves the text to libyaml.


def _libyaml(text: str) -> str:
    from advisor.core.documents import _FastBuilder, _Slow, _tag_cache

    loader = _tag_cache()(text)
    try:
        node = loader.get_single_node()
        return repr(_FastBuilder().build(node) if node is not None else None)
    except (yaml.YAMLError, _Slow, RecursionError) as exc:
        return f"libyaml: {type(exc).__name__}"
    finally:
        loader.dispose()


def _lines_agree(text: str) -> bool:
    """Whether the line reader read ``text`` itself (it then agrees with libyaml)."""
    from advisor.core.documents import _Lines, _Slow

    try:
        data = _Lines(text).data()
    except _Slow:
        return False
    assert repr(data) == _libyaml(text), text
    return True


YAML_LINE_CASES = [
    "context:\n  name: A\n",
    "context:\n  name: 'A: b'\n  population: 1_000\n",
    'context:\n  name: "quoted"\nplan:\n  knowledge_base: yes\n  broad_involvement: off\n',
    "plan:\n  adopted_year: 0o17\n  co_creation_years: 0x1f\n",
    "resources:\n  coordinator_fte: .5\nx: .inf\ny: .NaN\nz: 1e3\nw: 1.0e+3\n",
    "a: ~\nb: null\nc:\nd: Null\ne: NULL\n",
    "yes: 1\nno: 2\non: 3\nTrue: 4\nnull: 5\n",
    "arenas:\n- name: A\n  ladder_level: 3\n- name: B\n-\n- []\n- {}\n",
    "arenas:\n  - name: A\n    kind: workshop\n  -   name: B\n      evaluated: false\n",
    "a:\n  b:\n    c:\n      - 1\n      - -2\n      - -2.5\n      - +3\n",
    "a: O'Brien\nb: a, b [c] {d}\nc: Bodø Ålesund\nd: 😀\n",
    "a: 2024-01-01\n",
    "a: 1:30\n",
    "a: 0b101\nb: 012\nc: 08\nd: 0.\ne: -0\n",
    "a: !!int 3\n",
    "a: &x 1\nb: *x\n",
    "a: |\n  text\n",
    "a: b\n  c\n",
    "- a\n  b\n",
    "a: b # comment\nb: 'c' # d\nc: \"e\"   #f\nd:   # null\ne: [] # x\nf:#g\ng: h#i\n- # j\n",
    "a: b # comment\nb: 'c' # d\nc: \"e\"   #f\nd:   # null\ne: [] # x\n",
    "a:\n- # j\n- 'k' #l\n- 'm'n\n",
    "a:\n- # j\n- 'k' #l\n",
    "a: 'b'c\n",
    'a: "b\\"c"\n',
    "a: 'b#c'\nd: 'e: f'  \n",
    "# only a comment\n\n   # and another\n",
    "",
    "---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    "  a: 1\n",
    "a: 1\n- b\n",
    "a:\n- b\n- c\nd: e\n",
    "a: 'it''s'\n",
    'a: "tab\\t"\n',
    "a: 'unclosed\n  more'\n",
    "a: [1, 2]\n",
    "a: {b: 1}\n",
    "a:\tb\n",
    "a: b\r\nc: d\r\n",
    "a: b\u2028c\n",
    "a: b\x85c\n",
    "a: \ufeffb\n",
    "a: b\x7f\n",
    "<<: {a: 1}\n",
    "a-b: 1\n",
    "'a': 1\n",
    "a : 1\n",
    "a:b\n",
    "a: -\n",
    "a: - b\n",
    "a: ? b\n",
    "a: %b\n",
    "a: @b\n",
    "a: `b\n",
    "- - a\n",
    "-\n  - a\n",
    "- a: 1\n  - b\n",
    "a:\n  - b\n   - c\n",
    "...\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: =\n",
    "a: <<\n",
    "a: " + "9" * 5000 + "\n",
    "a: " + "x" * 100 + "\n",
    "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 70)),
    # spaces at the ends of lines, blank lines of spaces, markers and comments anywhere
    "a: b   \nc:    \nd: 'e'   \nf: g # h   \n",
    "a:\n-   \n- x  \n- k: v  \n  l:   \n-  m:  # c\n     n: 1\n",
    "a: 1\n   \n  # c\n\nb: 2",
    "a: 1\n   ",
    "a: 1\n# c",
    "a: 1\n--- \n",
    "a: 1\n...\n",
    "a: 1\n%x\n",
    "a:\n  ---\n",
    "a:\n  b: ...\n  c: '%'\n",
    "#\n  a: 1\n",
    "a:\n  - k:  # c\n      x: 1\n",
    "a:b: 1\n",
    "a:  b:c\n",
    "_a9: 1\n9a: 2\n",
    "é: 1\n",
]


@pytest.mark.parametrize("text", YAML_LINE_CASES)
def test_yaml_lines_read_as_libyaml_reads_them(text):
    _lines_agree(text)


def test_yaml_lines_read_every_yaml_test_input_as_libyaml_does():
    cases = [content for _, file, content in PROFILE_CASES if file.endswith(".yaml")] + [
        content for _, content in EXTRA_CASES
    ]
    for content in cases:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        _lines_agree(text)


def _spaced(words: str) -> list[str]:
    return words.split()


#: Plain scalars the line reader reads itself or leaves to PyYAML: words, booleans and null in
#: every spelling, numbers in every notation of YAML 1.1, and near misses of each.
PLAIN_SCALARS = [
    *_spaced("yes Yes YES yEs no No NO nO true True TRUE tRUE false False FALSE on On ON oN off Off OFF"),
    *_spaced("y n Y N t f o O ye nul null Null NULL nULL ~ ~~ < << <<< = == ! & * . .. - + -- ++"),
    *_spaced("word Word w0rd _x é Ø ½ ² ٣ 𝟙 x.y 1x x1 a-b yesno onwards nothing Nothing true1"),
    *_spaced("0 00 -0 +0 1 -1 +1 12 012 08 09 0o17 0b101 0x1f 0xG 1_000 -1_0 1__0 _1 1_"),
    *_spaced("0. 0.0 -0.0 +0.0 1. 1.5 -1.5 +1.5 .5 -.5 +.5 1.5.5 1..5 01.5 001.50 1.5e3 1.5e+3 1e3"),
    *_spaced(".inf .Inf .INF -.inf +.inf .nan .NaN .NAN -.nan inf nan 1:30 1:30.5 -1:30 190:20:30"),
    *_spaced("2024-01-01 2024-1-1 2024-01-01t10:00:00 1.5_0 1_0.5 ١٢ ١.٥ 1.٥ -٣"),
    "9" * 64,
    "9" * 65,
    "9" * 5000,
    "1." + "5" * 70,
]


def _pyyaml_value(text: str) -> str:
    """``text`` as PyYAML's resolver and safe constructor read a plain scalar, as a repr."""
    loader = yaml.SafeLoader("")
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    try:
        return repr(loader.construct_object(yaml.ScalarNode(tag, text)))
    except Exception as exc:  # an int of more than 4,300 digits, a merge key
        return f"PyYAML: {type(exc).__name__}"


@pytest.mark.parametrize("text", PLAIN_SCALARS)
def test_the_line_readers_plain_scalars_are_pyyamls(text):
    """The line reader reads words, booleans, null, decimal whole numbers and decimals itself,
    without PyYAML (advisor.core.documents._plain_scalar): each is what PyYAML would make of it,
    type for type (``1`` an int, ``1.0`` a float, ``-0.0`` its sign kept), or it leaves the text
    to libyaml (a date, a merge key, an int too long to read: :class:`_Slow`)."""
    from advisor.core.documents import _plain_scalar, _Slow

    try:
        mine = repr(_plain_scalar(text))
    except _Slow:
        mine = None
    assert mine is None or mine == _pyyaml_value(text), text


def test_the_first_characters_of_plain_scalars_that_are_not_text_are_pyyamls():
    """A plain scalar whose first character has no implicit resolver in PyYAML is text; the line
    reader's set of those characters is PyYAML's."""
    from advisor.core.documents import _RESOLVED_FIRST

    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    assert {first for first in resolvers if first} == _RESOLVED_FIRST


def test_the_line_readers_plain_scalars_agree_with_pyyaml_on_generated_texts():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from advisor.core.documents import _plain_scalar, _Slow

    @settings(max_examples=2000, deadline=None)
    @given(st.text(alphabet="0123456789+-._eExXoObBnNyYtTfFaAlLsSiI~:", min_size=1, max_size=12))
    def check(text):
        try:
            mine = repr(_plain_scalar(text))
        except _Slow:
            return
        assert mine == _pyyaml_value(text), text

    check()


def test_the_line_readers_plain_text_check_is_the_regular_expressions():
    """``_plain_text`` (bytes deleted by ``translate`` for ASCII text) refuses what
    ``_NOT_PLAIN_TEXT`` finds, character by character, ASCII or not."""
    from advisor.core.documents import _NOT_PLAIN_TEXT, _plain_text

    for code in list(range(0x100)) + [0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xD7FF, 0x1F600]:
        for text in (f"a: b{chr(code)}\n", chr(code), f"é{chr(code)}"):
            assert _plain_text(text) is (re.search(_NOT_PLAIN_TEXT, text) is None), (code, text)


def test_samples_examples_and_init_profiles_are_read_from_their_lines(tmp_path):
    """Not a reader that always gives up: what advisor writes (samples, the examples) it reads."""
    write_samples(sample_profiles(40, 12), tmp_path, fmt="yaml")
    files = sorted(tmp_path.iterdir()) + sorted(EXAMPLES.glob("*.yaml")) + sorted(GOLDEN.glob("init-*.yaml"))
    read = [_lines_agree(path.read_text(encoding="utf-8-sig")) for path in files]
    assert all(read)


def test_yaml_lines_agree_with_libyaml_on_generated_and_mangled_documents():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from advisor.profile.model import Profile

    mangles = st.lists(
        st.tuples(
            st.integers(0, 10_000), st.sampled_from(list(" :-#'\"[]{}!&*|>?,%@`~\n\t\\") + ["  ", "- ", ": ", "\n  "])
        ),
        max_size=3,
    )

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        data=_json_object(Profile),
        indent=st.sampled_from([2, 4]),
        flow=st.sampled_from([False, None]),
        unicode=st.booleans(),
        mangle=mangles,
    )
    def check(data, indent, flow, unicode, mangle):
        text = yaml.safe_dump(data, indent=indent, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
        for at, piece in mangle:
            at %= len(text) + 1
            text = text[:at] + piece + text[at:]
        _lines_agree(text)

    check()


def test_the_fast_readers_keep_no_value_they_made(tmp_path):
    """PyYAML's constructor keeps every node it made a value of: one kept for the whole run
    grew with every number not in the cache (memory of a large batch of YAML files)."""
    from advisor.core import documents

    for i in range(50):
        path = tmp_path / f"p{i}.yaml"
        path.write_text(f"resources:\n  coordinator_fte: {i}.{i:03d}1  # {i}\n", encoding="utf-8")
        load_profile(path)
        path.write_text(f"resources: {{coordinator_fte: {i}.{i:03d}2}}\n", encoding="utf-8")  # libyaml
        load_profile(path)
    assert documents._CONSTRUCTOR and not documents._CONSTRUCTOR[0].constructed_objects


def test_the_characters_left_to_libyaml_are_exactly_those_outside_the_plain_ranges():
    # advisor.core.documents lists them (cheaper to compile at every start than the ranges negated)
    from advisor.core.documents import _NOT_PLAIN_TEXT

    plain = ((0x0A, 0x0A), (0x20, 0x7E), (0xA0, 0x2027), (0x202A, 0xD7FF), (0xE000, 0xFEFE), (0xFF00, 0xFFFD))
    plain += ((0x10000, sys.maxunicode),)
    for code in range(sys.maxunicode + 1):
        expected = not any(low <= code <= high for low, high in plain)
        assert bool(re.match(_NOT_PLAIN_TEXT, chr(code))) is expected, hex(code)
