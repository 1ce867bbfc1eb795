"""`advisor batch` from files: directories listed once and compactly, in the same order as
before, and the same rows whether profiles are read the fast way or the line-tracking way."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

import pytest

from advisor.core.documents import parse_bytes
from advisor.core.errors import InputError
from advisor.engine.interface import durable_problem
from advisor.profile import io as profile_io
from advisor.research import runs
from advisor.research.runs import batch, profile_sources, sample_profiles, write_samples

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "asker.yaml"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("samples")
    profiles = sample_profiles(30, 11)
    write_samples(profiles, base / "yaml", fmt="yaml")
    write_samples(profiles, base / "json", fmt="json")
    write_samples(profiles[:5], base / "p.jsonl", fmt="jsonl")
    return base


def test_listed_sources_are_those_of_profile_sources(samples, tmp_path):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for name in ("b.yaml", "a.JSON", "c.yml", ".hidden.yaml", "notes.txt", "ø.yaml", "Z.yaml"):
        (mixed / name).write_text("context: {name: x}\n", encoding="utf-8")
    (mixed / "sub.yaml").mkdir()  # a directory named like a profile is not one
    profile = sample_profiles(1, 2)[0]
    items = [str(samples / "yaml"), profile, ("mine", profile), str(mixed), mixed / "b.yaml", str(samples / "p.jsonl")]
    listed = runs._Listed(items)
    expected = profile_sources(items)
    assert list(listed) == expected
    assert listed.total == len(expected) == 30 + 2 + 5 + 2
    assert [label for label, _ in expected[32:37]] == [
        str(mixed / n) for n in ("Z.yaml", "a.JSON", "b.yaml", "c.yml", "ø.yaml")
    ]
    assert listed.many  # a JSON Lines file holds an unknown number of profiles
    assert not runs._Listed([str(samples / "yaml")]).many


def test_a_directory_is_listed_once_and_kept_as_names(samples, monkeypatch):
    calls = []
    real = runs._profile_files
    monkeypatch.setattr(runs, "_profile_files", lambda d: calls.append(d) or real(d))
    listed = runs._Listed([str(samples / "yaml"), str(samples / "json")])
    assert len(list(listed)) == 60 and len(list(listed)) == 60
    assert len(calls) == 2
    listing = listed.items[0]
    assert isinstance(listing, runs._Listing)
    assert not any(isinstance(value, (list, tuple)) for value in vars(listing).values())


def test_an_empty_directory_is_no_profiles(tmp_path):
    with pytest.raises(InputError, match="no profiles to assess"):
        runs._Listed([str(tmp_path)])


def test_rows_are_the_same_read_fast_or_with_lines(samples, tmp_path, monkeypatch):
    fast = tmp_path / "fast.jsonl"
    batch([str(samples / "yaml"), str(samples / "json")], workers=1, output=fast, keep_rows=False)

    def line_tracking(name, raw, error, what, lazy_lines=False):
        return parse_bytes(name, raw, error, what)

    monkeypatch.setattr(profile_io, "parse_bytes", line_tracking)
    monkeypatch.setattr(profile_io, "_from_json", lambda raw: None)
    slow = tmp_path / "slow.jsonl"
    batch([str(samples / "yaml"), str(samples / "json")], workers=1, output=slow, keep_rows=False)
    assert fast.read_bytes() == slow.read_bytes()
    assert len(fast.read_bytes().splitlines()) == 60
    manifest = (tmp_path / "fast.manifest.json").read_text(encoding="utf-8")
    assert manifest == (tmp_path / "slow.manifest.json").read_text(encoding="utf-8")


def test_a_file_whose_name_is_no_utf8_is_named_with_its_bytes_escaped(tmp_path):
    """Files whose names are no UTF-8 (Python holds each byte it cannot decode as a lone surrogate,
    which no UTF-8 output can hold): each engine reads them and names them in its rows, and the
    skipped one in the manifest, with each such byte written as ``\\xff``; the rows of the engines
    agree, and ``profiles_hash`` is that of the labels the rows carry."""
    directory = tmp_path / "d"
    directory.mkdir()
    try:
        (directory / os.fsdecode(b"a\xff.yaml")).write_bytes(EXAMPLE.read_bytes())
        (directory / os.fsdecode(b"b\xfe.yaml")).write_bytes(b"context: {name: [\n")
        write_samples(sample_profiles(2, 3), directory / os.fsdecode(b"c\xfd.jsonl"), fmt="jsonl")
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    engines = _engines()
    rows = {}
    for engine in engines:
        target = tmp_path / f"{engine}.jsonl"
        batch([str(directory)], None, engine=engine, workers=1, output=target, keep_rows=False)
        rows[engine] = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        manifest = json.loads((tmp_path / f"{engine}.manifest.json").read_text(encoding="utf-8"))["manifest"]
        assert [r["profile"] for r in rows[engine]] == [
            str(directory / "a\\xff.yaml"),
            str(directory / "c\\xfd.jsonl:1"),
            str(directory / "c\\xfd.jsonl:2"),
        ]
        [skipped] = manifest["skipped"]
        assert skipped["source"] == str(directory / "b\\xfe.yaml")
        assert skipped["error"].startswith(str(directory / "b\\xfe.yaml") + ":")
        if engine != "columnar":  # the columnar engine hashes what it read (docs/RESEARCH.md)
            lines = "".join(f"{r['profile']}\t{r['profile_hash']}\n" for r in rows[engine])
            assert manifest["profiles_hash"] == hashlib.sha256(lines.encode("utf-8")).hexdigest()
    if "durable" in rows:
        assert rows["durable"] == rows["python"]
    if "columnar" in rows:
        assert [{k: r[k] for k in rows["columnar"][0]} for r in rows["python"]] == rows["columnar"]


def test_a_json_lines_line_that_is_no_object_is_named_by_its_line(tmp_path):
    """A line holding a list or a string, not a profile: skipped with the number of its own line
    (it was always line 1), on every engine."""
    source = tmp_path / "p.jsonl"
    source.write_bytes(b'{}\n{"context": {"name": "A"}}\n[1, 2]\n\n"x"\n')
    for engine in _engines():
        result = batch([str(source)], None, engine=engine, workers=1)
        assert [(s.source, s.error) for s in result.skipped] == [
            (f"{source}:3", f"{source}:3: a profile must be a mapping of sections, not a list ({HINT})"),
            (f"{source}:5", f"{source}:5: a profile must be a mapping of sections, not a str ({HINT})"),
        ], engine


HINT = "start with `context:`, `plan:` ...; see examples/"


def _engines() -> list[str]:
    """The engines this machine runs: durable-rules where it can be imported (the fallback run of
    CI has none), the columnar engine where polars is installed, the reference evaluator always."""
    return (
        (["durable"] if durable_problem() is None else [])
        + ["python"]
        + (["columnar"] if importlib.util.find_spec("polars") else [])
    )
