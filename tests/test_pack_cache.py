"""The shipped pack kept validated between runs (advisor.rules.cache, issue 15 §3)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import advisor
from advisor.engine.interface import durable_problem
from advisor.rules import cache as pack_cache
from advisor.rules import pack as rulepack
from advisor.rules import variants
from helpers import REPO

EXAMPLE = REPO / "examples" / "levanger.yaml"


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A copy of the shipped rule base as the default pack, and an empty cache directory."""
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    cache = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(cache))
    monkeypatch.setattr(rulepack, "default_rules_path", lambda: rules)
    monkeypatch.setattr(variants, "default_rules_path", lambda: rules)
    return rules, cache


def _uncached(monkeypatch):
    """Make reading the pack from its files fail: what loads now comes from the cache."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the pack was read from its files")

    monkeypatch.setattr(variants, "resolve_variant", refuse)


def test_the_cached_pack_is_the_pack_read_from_its_files(shipped, monkeypatch):
    rules, cache = shipped
    fresh_rules = variants.resolve_variant(None).pack  # the one loader (issue 11), read from the files
    assert advisor.load_rules() == fresh_rules
    assert sorted(p.name.split("-")[1] for p in cache.glob("pack-*.json")) == ["variant"]
    _uncached(monkeypatch)
    cached_rules = advisor.load_rules()
    assert cached_rules == fresh_rules and cached_rules.origin == "default"
    assert cached_rules.hash == fresh_rules.hash  # the hash the file records ...
    del cached_rules.__dict__["hash"]
    assert cached_rules.hash == fresh_rules.hash  # ... is the hash of what it holds
    for a, b in zip(cached_rules.rules, fresh_rules.rules):  # the parsed conditions too
        assert (a.condition, a.guard) == (b.condition, b.guard)
    profile = advisor.load_profile(EXAMPLE)
    for engine in ("python", "durable"):
        if engine == "durable" and durable_problem():
            continue
        assert (
            advisor.assess(profile, cached_rules, engine=engine).model_dump()
            == advisor.assess(profile, fresh_rules, engine=engine).model_dump()
        )


def test_a_changed_rule_file_is_read_again(shipped, monkeypatch):
    rules, cache = shipped
    before = advisor.load_rules()
    core = rules / "core.yaml"
    text = core.read_text(encoding="utf-8")
    rule = next(r for r in before.rules if f"en: {r.title.en}" in text)
    core.write_text(text.replace(f"en: {rule.title.en}", "en: A changed title", 1), encoding="utf-8")
    after = advisor.load_rules()
    assert after.by_id[rule.id].title.en == "A changed title" and after.hash != before.hash
    assert len(list(cache.glob("pack-variant-*.json"))) == 2  # the older file stays (below)
    _uncached(monkeypatch)
    assert advisor.load_rules() == after


def test_packs_used_in_turn_each_keep_their_file_and_only_the_oldest_go(shipped, monkeypatch):
    # Two checkouts (or versions) of advisor sharing the cache directory: each run of one used to
    # remove the other's file, so neither ever read its pack from the cache.
    rules, cache = shipped
    monkeypatch.setattr(pack_cache, "KEEP", 3)
    core = rules / "core.yaml"
    original = core.read_text(encoding="utf-8")
    title = next(r.title.en for r in advisor.load_rules().rules if f"en: {r.title.en}" in original)
    changed = [original.replace(f"en: {title}", f"en: Title {n}", 1) for n in range(3)]
    packs = {}
    for text in (original, changed[0], original):  # in turn: the first file is found again
        core.write_text(text, encoding="utf-8")
        packs[text] = advisor.load_rules()
    files = {p.name: p.stat().st_mtime_ns for p in cache.glob("pack-variant-*.json")}
    assert len(files) == 2
    with monkeypatch.context() as m:
        _uncached(m)
        for text in (changed[0], original):
            core.write_text(text, encoding="utf-8")
            assert advisor.load_rules() == packs[text]
    oldest = min(files, key=files.__getitem__)
    for text in changed[1:]:  # a third and a fourth pack: three are kept, the oldest goes
        core.write_text(text, encoding="utf-8")
        advisor.load_rules()
    kept = {p.name for p in cache.glob("pack-variant-*.json")}
    assert len(kept) == 3 and oldest not in kept


def _layout(pack_json: bytes, pack_hash: str) -> bytes:
    """A cache file as advisor.rules.cache writes it, around ``pack_json``."""
    digest = hashlib.sha256(pack_json).hexdigest()
    return b'{"digest":"%s","hash":"%s","pack":%s}' % (digest.encode(), pack_hash.encode(), pack_json)


def test_a_cache_that_does_not_hold_a_valid_pack_is_not_used_and_is_written_again(shipped, monkeypatch):
    _rules, cache = shipped
    fresh = advisor.load_rules()
    (file,) = cache.glob("pack-variant-*.json")
    good = file.read_bytes()
    data = json.loads(good)
    assert (
        data["digest"]
        == hashlib.sha256(json.dumps(data["pack"], ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    )
    assert data["hash"] == fresh.hash
    title = fresh.rules[0].title.en.encode("utf-8")
    tampered = json.loads(good)["pack"]
    del tampered["rules"][0]["kind"]  # recorded as written, but not a pack's JSON
    broken = {
        "not a pack's JSON": _layout(
            json.dumps(tampered, ensure_ascii=False, separators=(",", ":")).encode(), fresh.hash
        ),
        "changed after it was written": good.replace(title, b"Tampered", 1),
        "cut short": good[: len(good) // 2],
        "not JSON": b"\x80 not JSON",
        "another layout": json.dumps(data).encode(),
    }
    for why, blob in broken.items():
        file.write_bytes(blob)
        assert advisor.load_rules() == fresh, why
        assert file.read_bytes() == good, why  # the run that read the files wrote the pack again
    _uncached(monkeypatch)
    assert advisor.load_rules() == fresh


def test_no_cache_when_the_directory_is_set_empty_or_cannot_be_written(shipped, monkeypatch, tmp_path):
    _rules, cache = shipped
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "")
    assert pack_cache.cache_dir() is None
    pack = advisor.load_rules()
    assert not cache.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    assert advisor.load_rules() == pack


def test_the_cache_is_json_and_depends_on_the_versions(shipped, monkeypatch):
    rules, cache = shipped
    advisor.load_rules()
    (file,) = cache.glob("pack-variant-*.json")
    json.loads(file.read_text(encoding="utf-8"))  # plain JSON, no pickle
    key = pack_cache._key(rules, "variant")
    assert file.name == f"pack-variant-{key}.json"
    from advisor.core import version

    monkeypatch.setattr(version, "__version__", "999")
    assert pack_cache._key(rules, "variant") != key


# What is derived from the shipped pack, kept beside it (advisor.rules.cache.cached_data).


def _durable():
    if durable_problem():
        pytest.skip("durable-rules cannot be imported here")
    from advisor.engine import durable

    return durable


def _compiled_fields(compiled) -> tuple:
    return compiled.tested, compiled.members, [(rs.units, rs.properties, rs.text) for rs in compiled.rulesets]


def _backend_fields(backend, facts) -> tuple:
    rulesets = [
        (rs.actions, rs.names, rs.close, rs.tested, rs.gated, rs.stages, rs.properties) for rs in backend._rulesets
    ]
    encoded = [rs.encode_profile(facts.values, "{") for rs in backend._rulesets]
    encoded += [rs.encode_arena(arena, "{") for rs in backend._rulesets for arena in facts.arenas or ()]
    return backend._tested, backend._members, backend._finding_heads, rulesets, encoded


def test_the_kept_durable_compile_is_the_one_made_from_the_pack(shipped, monkeypatch):
    _rules, cache = shipped
    durable = _durable()
    from advisor.engine.facts import profile_facts

    facts = profile_facts(advisor.load_profile(EXAMPLE))
    pack = advisor.load_rules()
    fresh = durable._Compiled(durable._compiled(pack))  # as without a cache: not through JSON
    first = durable.DurableBackend(pack)  # writes the file
    (file,) = cache.glob("data-durable-*.json")
    json.loads(file.read_text(encoding="utf-8"))  # plain JSON, no pickle
    monkeypatch.setattr(durable, "_compiled", lambda _pack: pytest.fail("compiled again"))
    kept = pack_cache.cached_data(pack, "durable", durable._COMPILED_SOURCES, lambda: None, durable._Compiled)
    assert _compiled_fields(kept) == _compiled_fields(fresh)
    again = durable.DurableBackend(pack)  # from the file
    assert _backend_fields(again, facts) == _backend_fields(first, facts)
    assert again.run(facts) == first.run(facts)
    for backend in (first, again):
        backend.close()


def _data_layout(data: bytes) -> bytes:
    return b'{"digest":"' + hashlib.sha256(data).hexdigest().encode() + b'","data":' + data + b"}"


def test_a_kept_entry_that_is_tampered_or_not_in_shape_is_made_again(shipped, monkeypatch):
    _rules, cache = shipped
    durable = _durable()
    pack = advisor.load_rules()
    fresh = _compiled_fields(durable._Compiled(durable._compiled(pack)))
    durable.DurableBackend(pack).close()
    (file,) = cache.glob("data-durable-*.json")
    good = file.read_bytes()
    body = good[good.index(b'"data":') + len(b'"data":') : -1]
    assert _data_layout(body) == good
    broken = {
        "changed after it was written": good.replace(b'"tested":[', b'"tested":["X",', 1),
        "not in the shape it is read in": _data_layout(b'{"tested":[1],"members":[],"rulesets":[]}'),
        "a rule not in shape": _data_layout(body.replace(b'"units":[[', b'"units":[[1,', 1)),
        "cut short": good[: len(good) // 2],
        "not JSON": b"\x80 not JSON",
    }
    for why, blob in broken.items():
        file.write_bytes(blob)
        made: list[int] = []

        def build(made=made):
            made.append(1)
            return durable._compiled(pack)

        got = pack_cache.cached_data(pack, "durable", durable._COMPILED_SOURCES, build, durable._Compiled)
        assert made and _compiled_fields(got) == fresh, why
        assert file.read_bytes() == good, why  # written again


def test_a_kept_entry_is_named_by_what_it_is_derived_from(shipped, tmp_path, monkeypatch):
    _rules, cache = shipped
    pack = advisor.load_rules()
    source = tmp_path / "engine.py"
    source.write_text("# one engine\n", encoding="utf-8")
    key = pack_cache._data_key(pack, "durable", [str(source)])
    assert pack_cache.cached_data(pack, "durable", [str(source)], lambda: [1], list) == [1]
    assert (cache / f"data-durable-{key}.json").is_file()
    source.write_text("# another engine\n", encoding="utf-8")  # the code it is derived from
    assert pack_cache._data_key(pack, "durable", [str(source)]) != key
    assert pack_cache.cached_data(pack, "durable", [str(source)], lambda: [2], list) == [2]
    assert pack_cache._data_key(pack, "citations", [str(source)]) != key  # what is derived
    other = rulepack.RulePack.model_validate(pack.model_dump())
    other.__dict__["hash"] = "0" * 64  # another pack, held by the cache under the same key
    assert pack_cache._data_key(other, "durable", [str(source)]) is None  # not held: nothing kept
    monkeypatch.setitem(pack_cache._SERVED, other.hash, pack_cache._SERVED[pack.hash])
    assert pack_cache._data_key(other, "durable", [str(source)]) != pack_cache._data_key(pack, "durable", [str(source)])
    # the pack's file under another key: another version of advisor, pydantic or Python, or
    # other code reading packs (advisor.rules.cache._key, tested above)
    before = pack_cache._data_key(pack, "durable", [str(source)])
    monkeypatch.setitem(pack_cache._SERVED, pack.hash, "0" * 64)
    assert pack_cache._data_key(pack, "durable", [str(source)]) != before


def test_the_kept_citations_are_the_ones_made_from_the_pack(shipped, monkeypatch):
    _rules, cache = shipped
    pack = advisor.load_rules()
    rules = {rule.id: pack.cite_all(rule.sources) for rule in pack.rules}
    contrasts = {r.id: tuple(pack.cite_all(c.sources) for c in r.contrasts) for r in pack.rules if r.contrasts}
    assert contrasts  # the shipped pack has contrasts
    assert pack.readable_citations == rules and pack.contrast_citations == contrasts
    assert len(list(cache.glob("data-citations-*.json"))) == 1
    _uncached(monkeypatch)
    monkeypatch.setattr(rulepack.RulePack, "cite_all", lambda *_: pytest.fail("cited again"))
    kept = advisor.load_rules()  # a new pack object: its citations from the file
    assert kept is not pack
    assert kept.readable_citations == rules and kept.contrast_citations == contrasts
    for texts in kept.readable_citations.values():  # texts as validation makes them
        assert all(text == rulepack.Text.model_validate(text.root) for text in texts)


def test_the_kept_citations_depend_on_the_words_of_english_and_bokmal(shipped, monkeypatch):
    from advisor.core import locale

    pack = advisor.load_rules()
    seen = []
    monkeypatch.setattr(
        pack_cache, "cached_data", lambda p, name, sources, build, use: seen.append(sources) or use(build())
    )
    assert pack.readable_citations
    folders = locale.language_dirs()
    assert seen == [[str(folders["en"] / "ui.json"), str(folders["nb"] / "ui.json")]]


def test_nothing_is_kept_for_a_pack_the_cache_does_not_hold(shipped, tmp_path):
    rules, cache = shipped
    mine = tmp_path / "mine"
    shutil.copytree(rules, mine)
    core = mine / "core.yaml"
    text = core.read_text(encoding="utf-8")
    rule = next(r for r in advisor.load_rules().rules if f"en: {r.title.en}" in text)
    core.write_text(text.replace(f"en: {rule.title.en}", "en: A title of mine", 1), encoding="utf-8")
    pack = advisor.load_rules(str(mine))  # a user's pack
    assert pack.hash not in pack_cache._SERVED
    assert pack.readable_citations
    if not durable_problem():
        from advisor.engine.durable import DurableBackend

        DurableBackend(pack).close()
    assert not list(cache.glob("data-*.json"))


# The pack read back from its cache file without validation (advisor.rules.cache._constructed).


def _same_models(made, validated, where="pack") -> None:
    """``made`` equals ``validated`` field for field, down to the models they hold: the same
    classes, values, fields set, extra and private attributes."""
    assert type(made) is type(validated), where
    if isinstance(validated, pydantic.BaseModel):
        assert made.__pydantic_fields_set__ == validated.__pydantic_fields_set__, where
        assert made.__pydantic_extra__ == validated.__pydantic_extra__, where
        assert made.__pydantic_private__ == validated.__pydantic_private__, where
        fields = type(validated).model_fields  # not what a cached property keeps in __dict__
        assert [n for n in made.__dict__ if n in fields] == [n for n in validated.__dict__ if n in fields], where
        for name in fields:
            _same_models(made.__dict__[name], validated.__dict__[name], f"{where}.{name}")
    elif isinstance(validated, (tuple, list)):
        assert len(made) == len(validated), where
        for i, (a, b) in enumerate(zip(made, validated)):
            _same_models(a, b, f"{where}[{i}]")
    elif isinstance(validated, dict):
        assert list(made) == list(validated), where
        for key, value in validated.items():
            _same_models(made[key], value, f"{where}[{key!r}]")
    else:
        assert made == validated and type(made) is type(validated), where


def _constructed_and_validated(pack: rulepack.RulePack) -> tuple:
    body = json.dumps(pack.model_dump(mode="json", exclude={"origin"}), ensure_ascii=False, separators=(",", ":"))
    return pack_cache._constructed(rulepack.RulePack, json.loads(body)), rulepack.RulePack.model_validate_json(body)


def test_the_pack_made_from_its_file_equals_the_validated_one_field_for_field(shipped, monkeypatch):
    _rules, cache = shipped
    fresh = advisor.load_rules()
    made, validated = _constructed_and_validated(fresh)
    _same_models(made, validated)
    assert made == validated
    _uncached(monkeypatch)
    read = advisor.load_rules()  # through the file
    expected = validated.model_copy(update={"origin": "default"})
    for rule, parsed in zip(expected.rules, fresh.rules):  # and the conditions parsed, as from the files
        rule._condition, rule._guard = parsed.condition, parsed.guard
    _same_models(read, expected)
    assert read.model_dump_json() == fresh.model_dump_json()


_texts = st.fixed_dictionaries({"en": st.text(min_size=1, max_size=5), "nb": st.text(min_size=1, max_size=5)})
_sources = st.lists(
    st.builds(
        lambda doc, section, lines: f"{doc}.txt §{section}" + (f" (lines {lines})" if lines else ""),
        st.sampled_from(["a", "b_1"]),
        st.sampled_from(["1", "2.3", "advice"]),
        st.sampled_from([None, "4", "5-9"]),
    ),
    min_size=1,
    max_size=3,
)
_values = st.one_of(st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=3))


@st.composite
def _packs(draw):
    rules = []
    for i in range(draw(st.integers(1, 4))):
        rule = {
            "id": f"DIAG-{i:03d}",
            "kind": draw(st.sampled_from(["strength", "diagnosis", "pitfall", "recommendation"])),
            "factor": "anchoring",
            "phase": draw(st.sampled_from(["initiation", "design"])),
            "priority": "high",
            "evidence": "theory",
            "title": draw(_texts),
            "message": draw(_texts),
            "sources": draw(_sources),
        }
        optional = {
            "when": st.dictionaries(
                st.sampled_from(["fact", "eq", "in", "all"]), _values | st.lists(_values), max_size=3
            ),
            "recommends": st.lists(st.sampled_from(["REC-001", "REC-002"]), max_size=2),
            "done_when": st.just({"fact": "x", "eq": True}),
            "done_when_none": st.text(min_size=1, max_size=4),
            "contrasts": st.lists(st.fixed_dictionaries({"statement": _texts, "sources": _sources}), max_size=2),
            "note": st.text(max_size=4),
        }
        for key, strategy in optional.items():
            if draw(st.booleans()):
                rule[key] = draw(strategy)
        rules.append(rule)
    document = {"title": "T"}
    for key, strategy in {
        "author": st.just("Surname, Name"),
        "year": st.integers(1900, 2100),
        "kind": st.just("report"),
        "short": _texts,
        "sections": st.dictionaries(st.sampled_from(["advice", "x"]), _texts, max_size=2),
    }.items():
        if draw(st.booleans()):
            document[key] = draw(strategy)
    info = {"name": "mine"} if draw(st.booleans()) else {"name": "mine", "version": "2", "description": draw(_texts)}
    return rulepack.RulePack.model_validate({"info": info, "documents": {"a.txt": document}, "rules": rules})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pack=_packs())
def test_a_generated_pack_made_from_its_json_equals_the_validated_one_field_for_field(pack):
    made, validated = _constructed_and_validated(pack)
    _same_models(made, validated)
    assert made == validated and made.model_dump_json() == validated.model_dump_json()


def test_json_not_of_a_pack_is_not_made_into_one(shipped):
    _rules, cache = shipped
    data = advisor.load_rules().model_dump(mode="json", exclude={"origin"})
    for why, broken in {
        "a field too many": {**data, "extra": 1},
        "a field missing": {key: value for key, value in data.items() if key != "info"},
        "a rule's field missing": {**data, "rules": [{k: v for k, v in data["rules"][0].items() if k != "kind"}]},
        "a rule's field too many": {**data, "rules": [{**data["rules"][0], "origin": "x"}]},
    }.items():
        with pytest.raises((KeyError, ValueError)):
            pack_cache._constructed(rulepack.RulePack, broken)
            pytest.fail(why)


@pytest.mark.parametrize("text", ["a.txt §1", "b_1.md §2.3 (lines 4-9)", "c.txt §advice (line 5)", "d.txt §4 (l. 3–7)"])
def test_a_source_parsed_without_validation_equals_the_validated_one(text):
    parsed = rulepack.Source.parse(text)
    validated = rulepack.Source.model_validate(parsed.model_dump())
    _same_models(parsed, validated)


def _plan_fields(plan) -> tuple:
    terms = {
        rule_id: [(t.paths, t.sorted_paths, t.arena_paths, t.because, t.template) for t in terms]
        for rule_id, terms in plan.terms.items()
    }
    checks = [(rule_id, n.plain, n.derived, n.in_arena, n.flat, refs) for rule_id, n, refs in plan.checks]
    states = [check[:5] for check in plan.state_checks]
    return plan.ranked, terms, checks, states, plan.testing, plan.state_of.keys(), plan.summary


def test_the_kept_plan_is_the_one_made_from_the_pack(shipped, monkeypatch):
    from advisor.engine import assessment

    _rules, cache = shipped
    pack = advisor.load_rules()
    profile = advisor.load_profile(EXAMPLE)
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "")  # no cache: made from the pack, not through JSON
    fresh = assessment._Plan(pack)
    monkeypatch.setattr(assessment, "_PLANS", {})  # the plans of assessments: made again
    expected = advisor.assess(profile, pack, engine="python").model_dump()
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(cache))
    assessment._Plan(pack)  # writes the file
    (file,) = cache.glob("data-plan-*.json")
    json.loads(file.read_text(encoding="utf-8"))  # plain JSON
    monkeypatch.setattr(assessment, "_plan_data", lambda _pack: pytest.fail("derived again"))
    _uncached(monkeypatch)
    kept = assessment._Plan(advisor.load_rules())  # a new pack object, the plan from the file
    assert _plan_fields(kept) == _plan_fields(fresh)
    # result order: by kind, then each rule's order within its kind
    kinds = rulepack.KINDS
    assert list(kept.ranked) == sorted(kept.ranked, key=lambda r: (kinds.rank(kept.kind[r]), kept.order[r]))
    monkeypatch.setattr(assessment, "_PLANS", {})
    assert advisor.assess(profile, kept.pack, engine="python").model_dump() == expected  # its plan from the file
    # data not in the plan's shape, with a digest of its own: made again
    body = b'{"ranked":["X"],"terms":{},"checks":[[1,[],[],[],[]]]}'
    file.write_bytes(_data_layout(body))
    monkeypatch.undo()
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(cache))
    again = assessment._Plan(pack)
    assert _plan_fields(again) == _plan_fields(fresh) and b'"ranked":["X"]' not in file.read_bytes()


def test_the_pack_files_key_leaves_out_the_test_cases(shipped):
    # The shipped pack is read without its *.tests.yaml (rules/variants.py, _pack_only): a change
    # there keeps the cached pack; a change to a rule file does not (above).
    rules, _cache = shipped
    key = pack_cache._key(rules, "variant")
    tests = sorted(rules.glob("*.tests.yaml"))
    assert tests
    tests[0].write_text(tests[0].read_text(encoding="utf-8") + "\n# another comment\n", encoding="utf-8")
    assert pack_cache._key(rules, "variant") == key
    (rules / "core.yaml").write_text((rules / "core.yaml").read_text(encoding="utf-8") + "\n# more\n", encoding="utf-8")
    assert pack_cache._key(rules, "variant") != key
