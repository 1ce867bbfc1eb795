"""The shipped pack kept validated between runs (advisor.rules.cache, issue 15 §3)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

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
    tampered["rules"][0]["kind"] = "not a kind"  # recorded as written, but does not validate
    broken = {
        "does not validate": _layout(
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


def test_a_kept_entry_is_named_by_what_it_is_derived_from(shipped, tmp_path):
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
    other.__dict__["hash"] = "0" * 64  # another pack
    assert pack_cache._data_key(other, "durable", [str(source)]) != pack_cache._data_key(pack, "durable", [str(source)])
    from advisor.core import version

    before = pack_cache._data_key(pack, "durable", [str(source)])
    version.__version__, old = "999", version.__version__
    try:
        assert pack_cache._data_key(pack, "durable", [str(source)]) != before
    finally:
        version.__version__ = old


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
