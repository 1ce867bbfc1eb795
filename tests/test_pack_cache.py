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
