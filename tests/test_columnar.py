"""The columnar engine against the durable engine: generated packs and profiles, the shipped pack,
and the reading paths (JSON Lines, Parquet, bad lines)."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

import advisor  # noqa: E402
from advisor.engine import columnar  # noqa: E402
from advisor.research import runs as research  # noqa: E402
from advisor.core.documents import Document  # noqa: E402
from advisor.engine.interface import durable_problem  # noqa: E402
from advisor.rules.pack import PackInfo, build_pack  # noqa: E402
from test_properties import profiles  # noqa: E402
from helpers import fired_sets, require_native_columnar  # noqa: E402
from advisor.profile.io import load_profile_line  # noqa: E402
from advisor.profile.model import Arena, Profile  # noqa: E402
from advisor.profile.schema import _unwrap_optional  # noqa: E402

SHIPPED = advisor.load_rules()
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# Facts of every kind the condition language knows, with values the profile strategy draws.
PROFILE_FACTS = {
    "plan.knowledge_base": ("bool", [True, False]),
    "plan.co_creation_status": ("ordinal", ["absent", "mentioned", "focus_area", "main_goal", "vision"]),
    "plan.political_anchoring": ("ordinal", ["none", "low", "medium", "high"]),
    "culture.citizen_role": ("nominal", ["clients", "customers", "partners"]),
    "context.population": ("int", [0, 50, 5_000, 100_000]),
    "resources.coordinator_fte": ("float", [0.0, 0.5, 1.0, 3.5]),
    "context.name": ("str", ["abc", "æøå"]),
    "arenas.count": ("int", [0, 1, 2, 4]),
    "arenas.max_ladder_level": ("int", [1, 3, 5]),
    "arenas.typical_ladder_level": ("int", [2, 3]),
    "arenas.ladder_spread": ("int", [0, 1, 3]),
}
ARENA_FACTS = {
    "ladder_level": ("int", [1, 2, 3, 4, 5]),
    "ulrich_type": ("nominal", ["steered", "responsibilising", "equal", "facilitating"]),
    "evaluated": ("bool", [True, False]),
    "room_for_influence": ("ordinal", ["none", "low", "medium", "high"]),
}
OPS = {
    "bool": ["eq", "ne"],
    "str": ["eq", "ne", "in", "not_in"],
    "nominal": ["eq", "ne", "in", "not_in"],
    "ordinal": ["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"],
    "int": ["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"],
    "float": ["eq", "ne", "lt", "le", "gt", "ge"],
}


@st.composite
def compares(draw, facts):
    path = draw(st.sampled_from(sorted(facts)))
    kind, values = facts[path]
    op = draw(st.sampled_from(OPS[kind]))
    if op in ("in", "not_in"):
        value = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
    else:
        value = draw(st.sampled_from(values))
    return {"fact": path, op: value}


def conditions(earlier: list[str]):
    leaves = [compares(PROFILE_FACTS), st.builds(lambda c: {"any_arena": c}, arena_conditions())]
    if earlier:
        leaves.append(st.sampled_from(earlier).map(lambda r: {"finding": r}))
    return st.recursive(
        st.one_of(*leaves),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.filter(lambda c: "any_arena" not in json.dumps(c)).map(lambda c: {"not": c}),
        ),
        max_leaves=5,
    )


def guards(earlier: list[str]):
    """``done_when`` conditions: facts, and findings that fired (never that one did not)."""
    leaves = [compares(PROFILE_FACTS), st.builds(lambda c: {"any_arena": c}, arena_conditions())]
    if earlier:
        leaves.append(st.sampled_from(earlier).map(lambda r: {"finding": r}))
    return st.recursive(
        st.one_of(*leaves),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        ),
        max_leaves=4,
    )


def arena_conditions():
    return st.recursive(
        compares(ARENA_FACTS),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=2).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=2).map(lambda xs: {"any": xs}),
            inner.map(lambda c: {"not": c}),
        ),
        max_leaves=3,
    )


def _rule(rule_id: str, kind: str, priority: str, when, recommends=(), done_when=None):
    rule = {
        "id": rule_id,
        "kind": kind,
        "factor": "anchoring",
        "phase": "design",
        "priority": priority,
        "evidence": "theory",
        "title": {"en": rule_id, "nb": rule_id},
        "message": {"en": rule_id, "nb": rule_id},
        "sources": ["000.md §1"],
    }
    if when is not None:
        rule["when"] = when
    if recommends:
        rule["recommends"] = list(recommends)
    if done_when is not None:
        rule["done_when"] = done_when
    return rule


@st.composite
def packs(draw):
    counts = [draw(st.integers(0, 2)), draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 3))]
    priorities = st.sampled_from(["low", "medium", "high", "critical"])
    kinds = ("strength", "diagnosis", "pitfall", "recommendation")
    ids = {kind: [f"{kind[:3].upper()}-{i:03d}" for i in range(n)] for kind, n in zip(kinds, counts)}
    earlier: list[str] = []
    rules = []
    for kind in ("strength", "diagnosis", "pitfall"):
        for rule_id in ids[kind]:
            recs = (
                draw(st.lists(st.sampled_from(ids["recommendation"]), max_size=2, unique=True))
                if ids["recommendation"]
                else []
            )
            rules.append(_rule(rule_id, kind, draw(priorities), draw(conditions(list(earlier))), recs))
        earlier += ids[kind]
    linked = {r for rule in rules for r in rule.get("recommends", ())}
    for rule_id in ids["recommendation"]:
        when = draw(st.one_of(st.none(), conditions(earlier))) if rule_id in linked else draw(conditions(earlier))
        rules.append(
            _rule(
                rule_id, "recommendation", draw(priorities), when, done_when=draw(st.one_of(st.none(), guards(earlier)))
            )
        )
    doc = Document(file="generated.yaml", data={"rules": rules})
    entries = [(doc, ("rules", i), raw) for i, raw in enumerate(rules)]
    return build_pack(PackInfo(name="generated"), {"000.md": "a document"}, entries)


def _rows(profiles_, pack, engine):
    if engine == "durable" and durable_problem() is not None:
        pytest.skip("durable-rules cannot be imported here")
    result = research.batch(list(profiles_), pack, engine=engine, workers=1)
    keep = research.COLUMNAR_HEADER
    return [{k: v for k, v in row.record().items() if k in keep} for row in result.rows], result.fire_counts


@SETTINGS
@given(packs(), st.lists(profiles, min_size=1, max_size=6))
def test_columnar_rows_are_the_durable_rows_on_generated_packs_and_profiles(pack, sample):
    durable, durable_counts = _rows(sample, pack, "durable")
    rows, counts = _rows(sample, pack, "columnar")
    assert rows == durable
    assert counts == durable_counts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(profiles, min_size=1, max_size=20))
def test_columnar_rows_are_the_durable_rows_with_the_shipped_pack(sample):
    assert _rows(sample, SHIPPED, "columnar")[0] == _rows(sample, SHIPPED, "durable")[0]


def test_the_fired_sets_agree_with_the_reference_on_sampled_profiles():
    """The reference evaluator, guards (``done_when``) applied as assessments apply them."""
    sample = research.sample_profiles(300, seed=11)
    for profile, fired in zip(sample, fired_sets(SHIPPED, sample)):
        assert fired == advisor.assess(profile, SHIPPED, engine="python").fired


def test_unknown_is_not_false_in_the_columns():
    """A comparison on an unknown fact is unknown, and ``not`` of unknown stays unknown."""
    pack_rules = [
        _rule("DIA-000", "diagnosis", "low", {"not": {"fact": "plan.knowledge_base", "eq": True}}),
        _rule("DIA-001", "diagnosis", "low", {"any_arena": {"fact": "evaluated", "eq": False}}),
    ]
    doc = Document(file="x.yaml", data={})
    pack = build_pack(PackInfo(name="x"), {"000.md": "a"}, [(doc, ("rules", i), r) for i, r in enumerate(pack_rules)])
    sample = [
        advisor.parse_profile({}),
        advisor.parse_profile({"plan": {"knowledge_base": False}, "arenas": [{"name": "a"}]}),
        advisor.parse_profile({"arenas": [{"evaluated": True}, {"evaluated": False}]}),
        advisor.parse_profile({"arenas": []}),
    ]
    assert fired_sets(pack, sample) == [frozenset(), {"DIA-000"}, {"DIA-001"}, frozenset()]


def _write_jsonl(path, sample, extra=()):
    lines = [json.dumps(p.model_dump(mode="json", exclude_none=True)) for p in sample]
    path.write_text("\n".join(list(lines) + list(extra)) + "\n", encoding="utf-8")


def test_jsonl_batch_rows_agree_and_bad_lines_are_skipped_with_file_and_line(tmp_path):
    sample = research.sample_profiles(40, seed=5)
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, sample, ["", '{"plan": {"knowledge_base": "x"}}', '{"bogus": 1}', "{not json"])
    outputs = {}
    for engine in ("durable", "columnar"):
        result = research.batch([str(source)], None, engine=engine, workers=1)
        outputs[engine] = (
            [{k: v for k, v in r.record().items() if k in research.COLUMNAR_HEADER} for r in result.rows],
            [s.model_dump() for s in result.skipped],
        )
    assert outputs["columnar"] == outputs["durable"]
    rows, skipped = outputs["columnar"]
    assert len(rows) == 40 and rows[0]["profile"] == f"{source}:1"
    assert [s["source"] for s in skipped] == [f"{source}:42", f"{source}:43", f"{source}:44"]
    assert skipped[0]["error"].startswith(f"{source}:42: plan.knowledge_base: expected true or false")
    assert "unknown field 'bogus'" in skipped[1]["error"]
    assert skipped[2]["error"].startswith(f"{source}:44: not valid JSON")


def test_jsonl_chunks_keep_line_numbers_and_the_fast_path_is_taken(tmp_path):
    sample = research.sample_profiles(25, seed=2)
    source = tmp_path / "p.jsonl"
    _write_jsonl(
        source, sample[:10], [""] + [json.dumps(p.model_dump(mode="json", exclude_none=True)) for p in sample[10:]]
    )
    chunks = list(columnar.read_chunks([(str(source), str(source))], rows=7))
    labels = [label for chunk in chunks for label in chunk.labels.to_list()]
    assert labels == [f"{source}:{n}" for n in list(range(1, 11)) + list(range(12, 27))]
    assert all(not chunk.skipped for chunk in chunks)
    expected = columnar.profiles_frame(sample)
    assert pl.concat([c.frame for c in chunks]).equals(expected)


def test_duplicate_keys_are_refused_as_the_line_loader_refuses_them(tmp_path):
    """polars keeps the first of duplicate keys silently; the columnar engine skips such a line
    with the loader's error, as the other engines do, and keeps the fast path for the others."""
    sample = research.sample_profiles(12, seed=4)
    source = tmp_path / "p.jsonl"
    duplicates = [
        '{"context": {"name": "A" , "name" : "B"}}',  # keys spaced from their colons
        '{"plan": {"knowledge_base": true}, "plan": {}}',
        '{"arenas": [{"name": "x"}, {"name": "y", "kind": "survey", "kind": "hearing"}]}',
        r'{"context": {"name": "x\": 1, \"name\": 2", "population": null, "population": 3}}',
    ]
    _write_jsonl(source, sample, duplicates + [r'{"context": {"name": "a \":\" b", "population": null}}'])
    outputs = {}
    for engine in ("python", "columnar"):
        result = research.batch([str(source)], None, engine=engine, workers=1)
        outputs[engine] = (
            [{k: v for k, v in r.record().items() if k in research.COLUMNAR_HEADER} for r in result.rows],
            [s.model_dump() for s in result.skipped],
        )
    assert outputs["columnar"] == outputs["python"]
    rows, skipped = outputs["columnar"]
    assert [s["source"] for s in skipped] == [f"{source}:{n}" for n in range(13, 17)]
    assert all("duplicate key" in s["error"] for s in skipped)
    assert rows[-1]["municipality"] == 'a ":" b'
    clean = tmp_path / "clean.jsonl"
    _write_jsonl(clean, sample)
    assert columnar._fast_frame(clean.read_bytes().splitlines()).height == len(sample)  # no false alarm
    assert all(not chunk.skipped for chunk in columnar.read_chunks([(str(clean), str(clean))]))


SECTIONS = {name: info.annotation for name, info in Profile.model_fields.items()}
ODD_VALUES = [1, 0, -1, 1.5, 10**20, "x", "true", "vision", True, False, [], {}, [None], {"name": "x"}]


@st.composite
def jsonl_lines(draw):
    """A generated profile as a JSON line: as written, or with a null written out, a value of
    another type or out of bounds, a key the model does not know, a duplicate key."""
    data = draw(profiles).model_dump(mode="json", exclude_none=True)
    change = draw(st.sampled_from(["none", "null", "value", "arena", "key", "duplicate"]))
    section = draw(st.sampled_from(sorted(SECTIONS)))
    model = _unwrap_optional(SECTIONS[section])
    if section == "arenas" or change == "arena":
        arenas = data.setdefault("arenas", [])
        if not arenas or draw(st.booleans()):
            arenas.append({})
        target, fields = arenas[-1], list(Arena.model_fields)
    else:
        target, fields = data.setdefault(section, {}), list(model.model_fields)
    field = draw(st.sampled_from(fields))
    if change == "null":
        target[field] = None
    elif change in ("value", "arena"):
        target[field] = draw(st.sampled_from(ODD_VALUES))
    elif change == "key":
        target[draw(st.sampled_from(["bogus", "Name", ""]))] = draw(st.sampled_from(ODD_VALUES))
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), separators=draw(st.sampled_from([None, (",", ":")])))
    if change == "duplicate":
        text = text[:-1] + (", " if data else "") + f'"{section}": null}}'
    return change, text.encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(jsonl_lines(), min_size=1, max_size=8))
def test_the_fast_path_reads_every_line_as_the_line_loader_reads_it_or_leaves_the_chunk_to_it(lines):
    """The fast JSON Lines path takes a chunk only if the profile loader takes every line of it,
    and then gives the frame of the loader's profiles; a chunk of lines as written (nulls written
    out included) takes the fast path."""
    raw = [line for _change, line in lines]
    loaded = []
    for number, line in enumerate(raw, 1):
        try:
            loaded.append(load_profile_line(line, "p.jsonl", number))
        except advisor.ProfileError:
            loaded.append(None)
    try:
        frame = columnar._fast_frame(raw)
    except columnar._Slow:
        assert not all(change in ("none", "null") for change, _line in lines)
    else:
        assert None not in loaded
        assert frame.equals(columnar.profiles_frame(loaded))


def test_conform_sends_values_the_model_might_coerce_to_the_exact_path():
    frame = pl.read_ndjson(b'{"plan": {"knowledge_base": 1}}\n')  # pydantic's bool takes 1: not the fast path's call
    assert columnar._conform(frame) is None
    frame = pl.read_ndjson(b'{"context": {"population": -1}}\n')
    assert columnar._conform(frame) is None
    frame = pl.read_ndjson(b'{"arenas": [{"ladder_level": 9}]}\n')
    assert columnar._conform(frame) is None
    frame = pl.read_ndjson(b'{"plan": {"co_creation_status": "nope"}}\n')
    assert columnar._conform(frame) is None
    frame = pl.read_ndjson(b'{"plan": {"co_creation_status": "vision"}, "arenas": [{"ladder_level": 2}]}\n')
    assert columnar._conform(frame) is not None


@pytest.mark.parametrize(
    "line",
    [
        b'{"plan": {"knowledge_base": 1}}',  # pydantic's bool takes 1: not the fast path's call
        b'{"context": {"population": true}}',
        b'{"context": {"population": 7.0}}',
        b'{"context": {"population": "7"}}',
        b'{"context": {"population": -1}}',
        b'{"context": {"population": 99999999999999999999}}',
        b'{"context": {"name": "' + b"x" * 201 + b'"}}',
        b'{"arenas": [{"ladder_level": 9}]}',
        b'{"arenas": [null]}',
        b'{"arenas": [' + b",".join([b"{}"] * 501) + b"]}",
        b'{"plan": {"co_creation_status": "nope"}}',
        b'{"plan": {"bogus": 1}}',
        b'{"plan": {"knowledge_base": true, "knowledge_base": null}}',
        b'{"plan": null, "plan": {}}',
        b"[]",
        b'{"plan": {"knowledge_base": NaN}}',
    ],
)
def test_the_fast_path_leaves_what_the_model_might_judge_otherwise_to_it(line):
    good = b'{"plan": {"co_creation_status": "vision"}, "arenas": [{"ladder_level": 2}]}'
    assert columnar._fast_frame([good, good]).height == 2
    with pytest.raises(columnar._Slow):
        columnar._fast_frame([good, line])


def test_parquet_profiles(tmp_path):
    sample = research.sample_profiles(30, seed=4)
    path = tmp_path / "p.parquet"
    columnar.profiles_frame(sample).write_parquet(path)
    assert columnar._conform(pl.read_parquet(path)) is not None  # typed columns take the fast path
    rows = research.batch([str(path)], None, engine="columnar").rows
    assert [r.fired for r in rows] == fired_sets(SHIPPED, sample)
    assert rows[0].profile == f"{path}:1"


def test_compare_on_the_columnar_engine_is_the_durable_comparison(tmp_path):
    from helpers import REPO

    sample = research.sample_profiles(30, seed=9)
    variant = str(REPO / "examples" / "variants" / "strict-anchoring.yaml")
    a = research.compare(sample, ["default", variant], engine="durable", workers=1)
    b = research.compare(sample, ["default", variant], engine="columnar")
    assert a.comparisons == b.comparisons


def test_sensitivity_counts_the_flips_of_a_seeded_resampling_of_each_fact():
    import random

    rules = [
        _rule("DIA-000", "diagnosis", "low", {"fact": "plan.knowledge_base", "eq": True}),
        _rule(
            "DIA-001",
            "diagnosis",
            "low",
            {"all": [{"fact": "context.population", "gt": 50}, {"any_arena": {"fact": "evaluated", "eq": True}}]},
        ),
    ]
    doc = Document(file="x.yaml", data={})
    pack = build_pack(PackInfo(name="x"), {"000.md": "a"}, [(doc, ("rules", i), r) for i, r in enumerate(rules)])
    sample = research.sample_profiles(200, seed=3)
    result = research.sensitivity(sample, pack, seed=7)
    assert research.sensitivity(sample, pack, seed=7) == result
    by_rule = {f.rule_id: f for f in result.findings}
    assert [f.fact for f in by_rule["DIA-000"].facts] == ["plan.knowledge_base"]
    assert {f.fact for f in by_rule["DIA-001"].facts} <= {"context.population", "arenas"}
    # the flips of DIA-000, counted by hand with the same permutation
    order = list(range(len(sample)))
    random.Random("advisor-sensitivity:7:plan.knowledge_base").shuffle(order)
    values = [p.plan.knowledge_base if p.plan else None for p in sample]
    flips = sum((values[i] is True) != (values[order[i]] is True) for i in range(len(sample)))
    assert by_rule["DIA-000"].facts[0].flips == flips
    assert by_rule["DIA-000"].fired == sum(v is True for v in values)


def test_sensitivity_counts_the_facts_of_done_when_guards():
    rules = [
        _rule("DIA-000", "diagnosis", "low", {"fact": "plan.knowledge_base", "eq": False}, ["REC-000"]),
        _rule("REC-000", "recommendation", "low", None, done_when={"fact": "implementation.toolbox", "eq": True}),
    ]
    doc = Document(file="x.yaml", data={})
    pack = build_pack(PackInfo(name="x"), {"000.md": "a"}, [(doc, ("rules", i), r) for i, r in enumerate(rules)])
    result = research.sensitivity(research.sample_profiles(200, seed=5), pack, seed=1)
    moved = {f.rule_id: {i.fact for i in f.facts} for f in result.findings}
    assert moved == {"DIA-000": {"plan.knowledge_base"}, "REC-000": {"plan.knowledge_base", "implementation.toolbox"}}


def test_sensitivity_command_in_both_languages(tmp_path):
    from click.testing import CliRunner

    from advisor.cli.main import main

    runner = CliRunner()
    en = runner.invoke(main, ["sensitivity", "-n", "60", "--seed", "2", "--top", "1"])
    nb = runner.invoke(main, ["sensitivity", "-n", "60", "--seed", "2", "--top", "1", "--lang", "nb"])
    js = runner.invoke(main, ["sensitivity", "-n", "60", "--seed", "2", "--format", "json"])
    assert en.exit_code == nb.exit_code == js.exit_code == 0, en.output
    assert "moved most by" in en.output and "flyttes mest av" in nb.output
    assert json.loads(js.output)["profiles"] == 60
    bad = runner.invoke(main, ["sensitivity"])
    assert bad.exit_code == 2 and "give either PROFILES or -n/--count" in bad.output


def test_sample_writes_json_lines_that_batch_reads(tmp_path):
    from click.testing import CliRunner

    from advisor.cli.main import main

    runner = CliRunner()
    out = tmp_path / "s.jsonl"
    assert (
        runner.invoke(main, ["sample", "-n", "12", "--seed", "3", "--format", "jsonl", "-o", str(out)]).exit_code == 0
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [advisor.parse_profile(json.loads(line)) for line in lines] == research.sample_profiles(12, seed=3)
    result = runner.invoke(main, ["batch", str(out), "--engine", "columnar", "-o", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["profile"] for r in rows] == [f"{out}:{i}" for i in range(1, 13)]
    assert list(rows[0]) == research.COLUMNAR_HEADER


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_a_finding_tested_twice_or_both_ways_in_one_alternative(engine):
    """Found by the differential test: durable-rules binds each pattern to a fact of its own, so an
    alternative that tested a finding twice waited for a second fact, and one that tested it both
    to have and not to have fired held."""
    rules = [
        _rule("DIA-001", "diagnosis", "low", {"fact": "arenas.count", "eq": 0}, ["REC-000"]),
        _rule(
            "REC-000",
            "recommendation",
            "low",
            {"not": {"all": [{"fact": "arenas.count", "eq": 0}, {"finding": "DIA-001"}]}},
        ),
        _rule("REC-001", "recommendation", "low", {"all": [{"finding": "DIA-001"}, {"finding": "DIA-001"}]}),
    ]
    doc = Document(file="x.yaml", data={})
    pack = build_pack(PackInfo(name="x"), {"000.md": "a"}, [(doc, ("rules", i), r) for i, r in enumerate(rules)])
    profile = advisor.parse_profile({"arenas": []})
    assert advisor.assess(profile, pack, engine=engine).fired == {"DIA-001", "REC-001"}
    assert fired_sets(pack, [profile]) == [{"DIA-001", "REC-001"}]


def test_directories_list_profile_files_sorted_by_name(tmp_path):
    for name in ("b.yaml", "a.json", "c.jsonl", "d.txt", ".hidden.yaml"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    (tmp_path / "sub.yaml").mkdir()
    assert [label for label, _ in research.iter_profile_sources([str(tmp_path)])] == [
        str(tmp_path / n) for n in ("a.json", "b.yaml", "c.jsonl")
    ]


def test_a_json_profile_error_still_names_its_line(tmp_path):
    """JSON is parsed without line tracking; the line is worked out when the error needs it."""
    path = tmp_path / "p.json"
    path.write_text(
        '{\n  "context": {"name": "X"},\n  "plan": {\n    "knowledge_base": "maybe"\n  }\n}\n', encoding="utf-8"
    )
    with pytest.raises(advisor.ProfileError) as caught:
        advisor.load_profile(path)
    assert caught.value.line == 4 and caught.value.path == ("plan", "knowledge_base")


ODD_NAME = {"context": {"name": 'A "b" \\ c\n\t\x01 æø \u2028 \U0001f600'}}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(packs(), st.lists(profiles, min_size=1, max_size=8), st.sampled_from(["p.jsonl", 'å "q"\\.jsonl']))
def test_the_native_json_lines_are_the_rows_written_one_by_one(pack, sample, name):
    """``advisor batch --engine columnar -o rows.jsonl`` makes its lines natively (the rule lists
    from tables of text, the head by polars' JSON encoder): byte for byte the rows of the same run
    written one by one, for one pack and for two side by side, with odd names and a bad line."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / name
        _write_jsonl(source, sample + [advisor.parse_profile(ODD_NAME)], ['{"plan": {"knowledge_base": 1}}'])
        for packs_ in (pack, [pack, SHIPPED]):
            fast, slow = Path(tmp) / "fast.jsonl", Path(tmp) / "slow.jsonl"
            made = research.batch([str(source)], packs_, engine="columnar", output=fast, keep_rows=False)
            kept = research.batch([str(source)], packs_, engine="columnar", output=slow, keep_rows=True)
            assert fast.read_bytes() == slow.read_bytes()
            assert made.row_count == kept.row_count == len(kept.rows) > 0
            assert made.manifest == kept.manifest and made.fire_counts == kept.fire_counts


def _text_of(run):
    """The text of the native JSON Lines of a run (blocks written by the C writer, or string
    columns where it is not used), each block taken before the next is asked for."""
    text, rows = b"", 0
    for block, count in run.lines():
        text += bytes(block) if isinstance(block, memoryview) else block.str.join("\n").cast(pl.Binary).item() + b"\n"
        rows += count
    assert text.count(b"\n") == rows
    return text


@pytest.mark.parametrize("writer", ["c", "polars"])
def test_the_native_json_lines_of_a_parquet_file_are_the_frames_polars_writes(tmp_path, monkeypatch, writer):
    if writer == "polars":
        monkeypatch.setattr(columnar, "native", lambda: False)
    else:
        require_native_columnar()
    sample = research.sample_profiles(50, seed=9) + [advisor.parse_profile(ODD_NAME), advisor.parse_profile({})]
    path = tmp_path / "p.parquet"
    columnar.profiles_frame(sample).write_parquet(path)
    run = research._ColumnarRun([str(path)], [SHIPPED, SHIPPED], None, None, None, chunk_rows=20)
    lines = _text_of(run)
    again = research._ColumnarRun([str(path)], [SHIPPED, SHIPPED], None, None, None, chunk_rows=20)
    assert lines == "".join(frame.write_ndjson() for frame in again.frames()).encode()
    assert run.manifest() == again.manifest()


def test_sample_writes_parquet_that_batch_reads_as_the_json_lines(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from advisor.cli.main import main

    runner = CliRunner()
    rows = {}
    for fmt in ("parquet", "jsonl"):
        out = tmp_path / f"s.{fmt}"
        done = runner.invoke(main, ["sample", "-n", "25", "--seed", "5", "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        result = runner.invoke(main, ["batch", str(out), "--engine", "columnar", "-o", str(tmp_path / f"{fmt}.jsonl")])
        assert result.exit_code == 0, result.output
        lines = (tmp_path / f"{fmt}.jsonl").read_text(encoding="utf-8").splitlines()
        rows[fmt] = [{**json.loads(line), "profile": None} for line in lines]
    assert len(rows["parquet"]) == 25 and rows["parquet"] == rows["jsonl"]
    frame = pl.read_parquet(tmp_path / "s.parquet")
    assert frame.equals(columnar.profiles_frame(research.sample_profiles(25, seed=5)))
    again = tmp_path / "again.parquet"
    assert (
        runner.invoke(main, ["sample", "-n", "25", "--seed", "5", "--format", "parquet", "-o", str(again)]).exit_code
        == 0
    )
    assert again.read_bytes() == (tmp_path / "s.parquet").read_bytes()  # deterministic
    monkeypatch.setattr(columnar, "pl", None)  # as without the columnar extra
    missing = runner.invoke(main, ["sample", "-n", "2", "--format", "parquet", "-o", str(tmp_path / "x.parquet")])
    assert missing.exit_code == 2
    assert "needs polars" in missing.output and "samskaping-advisor[columnar]" in missing.output
    assert not (tmp_path / "x.parquet").exists()


def test_native_json_lines_on_a_full_disk_are_the_one_line_error(tmp_path, monkeypatch):
    """polars writes the lines itself and turns a failing write into an OSError of its own: the
    batch still fails with the error that names the file and says what to do."""
    from test_bad_inputs import _full_disk

    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(5, seed=1))
    _full_disk(monkeypatch, full=lambda name: name.startswith(".rows.jsonl"))
    with pytest.raises(advisor.InputError) as info:
        research.batch([str(source)], None, engine="columnar", output=tmp_path / "rows.jsonl", keep_rows=False)
    assert info.value.one_line().startswith(f"cannot write {tmp_path / 'rows.jsonl'}: No space left on device")
    assert not (tmp_path / "rows.jsonl").exists()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=' \t\r"\\:ab{},', max_size=40), min_size=1, max_size=20))
def test_the_keys_written_are_counted_as_the_pattern_counts_them(texts):
    """The cheap count (a quote and a colon as literal text, the pattern only where a quote is
    followed by JSON whitespace) is the pattern's count."""
    text = pl.Series(texts, dtype=pl.String)
    assert (
        columnar._keys_written(text).to_list() == text.str.count_matches(columnar._KEY_END.pattern.decode()).to_list()
    )


def test_a_chunk_whose_colons_are_its_decoded_values_is_taken_without_counting_keys_per_line(tmp_path, monkeypatch):
    """As many colons in the lines as values decoded: no line can hold a duplicate key (nor a
    null, nor a colon in a string), and the lines are not counted one by one; a line with a
    colon in a string, a null or a duplicate key sends the chunk to the count per line."""
    sample = research.sample_profiles(20, seed=6)
    clean = [json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample]
    counted = []
    real = columnar._keys_written
    monkeypatch.setattr(columnar, "_keys_written", lambda text: counted.append(text.len()) or real(text))
    frame = columnar._fast_frame(clean)
    assert counted == []
    assert frame.equals(columnar.profiles_frame(sample))
    for odd in (b'{"context": {"name": "a: b"}}', b'{"context": {"name": null}}'):
        assert columnar._fast_frame(clean + [odd]).height == len(sample) + 1
        assert counted.pop() == len(sample) + 1
    with pytest.raises(columnar._Slow):
        columnar._fast_frame(clean + [b'{"context": {"name": "a", "name": "b"}}'])


@SETTINGS
@given(st.lists(profiles, min_size=1, max_size=8))
def test_the_values_decoded_are_counted_alike_in_all_and_line_by_line(sample):
    lines = [json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample]
    frame = columnar._fast_frame(lines)
    per_line = frame.select(columnar._decoded_keys()).to_series().to_list()
    assert sum(columnar._present(c) for c in frame.get_columns()) == sum(per_line)
    assert per_line == [line.count(b":") for line in lines]  # sampled names hold no colon


def test_the_fast_path_pauses_the_garbage_collector_and_gives_it_back(monkeypatch):
    import gc

    line = b'{"plan": {"co_creation_status": "vision"}, "arenas": [{"ladder_level": 2}]}'
    seen = []
    real = columnar._decoded_frame

    def decoded(lines, colons):
        seen.append(gc.isenabled())
        return real(lines, colons)

    monkeypatch.setattr(columnar, "_decoded_frame", decoded)
    assert gc.isenabled()
    columnar._fast_frame([line])
    with pytest.raises(columnar._Slow):
        columnar._fast_frame([b"[]"])
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        columnar._fast_frame([line])
        assert not gc.isenabled()  # paused by the caller: left paused
    finally:
        gc.enable()


def test_arenas_left_out_empty_or_given_become_the_arenas_column_of_the_model():
    lines = [
        b'{"context": {"name": "a"}}',
        b'{"arenas": []}',
        b'{"arenas": [{"ladder_level": 2}, {"name": "x", "kind": "survey"}]}',
        b'{"arenas": [{}]}',
        b'{"plan": {}}',
        b'{"arenas": [{"ulrich_type": "equal"}]}',
    ]
    loaded = [load_profile_line(line, "p.jsonl", n) for n, line in enumerate(lines, 1)]
    frame = columnar._fast_frame(lines)
    assert frame.equals(columnar.profiles_frame(loaded))
    assert frame.get_column("arenas").list.len().to_list() == [None, 0, 2, 1, None, 1]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 24])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("last", ["newline", "none", "blank"])
def test_json_lines_read_in_blocks_of_any_size_are_the_lines_of_the_file(tmp_path, monkeypatch, block, ending, last):
    """Lines cut by the blocks read (a line longer than a block included), chunks full at the
    end of a block, a byte-order mark, blank lines, CRLF and a last line without a newline: the
    same profiles, line numbers and fast path; the last chunk carries the file's SHA-256."""
    sample = research.sample_profiles(9, seed=3)
    lines = [json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample]
    lines[4:4] = [b"", b"  "]
    text = b"\xef\xbb\xbf" + ending.join(lines) + {"newline": ending, "none": b"", "blank": ending * 2}[last]
    source = tmp_path / "p.jsonl"
    source.write_bytes(text)
    monkeypatch.setattr(columnar, "_BLOCK", block)
    monkeypatch.setattr(columnar, "load_profile_line", None)  # the exact path is not taken
    for rows in (1, 3, 11, 100):
        chunks = list(columnar._jsonl_chunks(str(source), rows))
        assert [label for c in chunks for label in c.labels.to_list()] == [
            f"{source}:{n}" for n in [1, 2, 3, 4, 7, 8, 9, 10, 11]
        ]
        assert all(c.labels.len() <= rows and not c.skipped for c in chunks)
        assert pl.concat([c.frame for c in chunks]).equals(columnar.profiles_frame(sample))
        assert [c.digest for c in chunks] == [b""] * (len(chunks) - 1) + [hashlib.sha256(text).digest()]


def test_the_manifest_of_a_columnar_json_lines_batch_hashes_the_file(tmp_path):
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(5, seed=1), ['{"bogus": 1}'])
    result = research.batch([str(source)], None, engine="columnar")
    file_digest = hashlib.sha256(source.read_bytes()).digest()  # as a Parquet file's: the digest of each file read
    assert result.manifest.profiles_hash == hashlib.sha256(file_digest).hexdigest()
    assert result.manifest.profiles == 5 and len(result.manifest.skipped) == 1
