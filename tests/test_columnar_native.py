"""The columnar engine's C module (advisor/engine/_jsonl.c): its reader against the profile loader
(it takes a line only as the loader takes it, and then gives the loader's frame; anything else
it refuses and leaves to the slower paths), its reading of files in chunks against the msgspec
path, and its writer against the rows polars makes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

import advisor  # noqa: E402
from advisor.engine import columnar  # noqa: E402
from advisor.engine import native as native_path  # noqa: E402
from advisor.profile.io import load_profile_line  # noqa: E402
from advisor.research import runs as research  # noqa: E402
from helpers import require_native_columnar  # noqa: E402
from test_columnar import ODD_NAME, SHIPPED, _write_jsonl, jsonl_lines, packs  # noqa: E402
from test_properties import profiles  # noqa: E402

pytestmark = pytest.mark.usefixtures("native")
SLOW = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture
def native():
    require_native_columnar()


def _loaded(line: bytes):
    try:
        return load_profile_line(line, "p.jsonl", 1)
    except advisor.ProfileError:
        return None


def _judge(lines: list[bytes]) -> None:
    """The C reader takes ``lines`` only if the loader takes each of them, and then gives the
    frame of the loader's profiles; else it refuses them (raises ``_Slow``)."""
    loaded = [_loaded(line) for line in lines]
    try:
        frame = columnar._native_lines_frame(lines)
    except columnar._Slow:
        return
    assert None not in loaded, [line for line, p in zip(lines, loaded) if p is None]
    assert frame.equals(columnar.profiles_frame(loaded))


@SLOW
@given(st.lists(profiles, min_size=1, max_size=8), st.booleans(), st.sampled_from([None, (",", ":")]))
def test_profiles_as_written_are_read_into_the_frame_of_the_model(sample, ascii_only, separators):
    """Every valid profile, written as JSON (escapes or raw UTF-8, spaced or compact): the frame
    of the validated profiles, never a refusal."""
    lines = [
        json.dumps(
            p.model_dump(mode="json", exclude_none=True), ensure_ascii=ascii_only, separators=separators
        ).encode()
        for p in sample
    ]
    assert columnar._native_lines_frame(lines).equals(columnar.profiles_frame(sample))


@SLOW
@given(st.lists(jsonl_lines(), min_size=1, max_size=8))
def test_the_reader_reads_every_line_as_the_loader_or_refuses_the_chunk(lines):
    """Nulls, values of other types, values out of bounds, unknown keys, duplicate keys: read as
    the loader reads them, or refused; a chunk of lines as written (nulls included) is read."""
    raw = [line for _change, line in lines]
    _judge(raw)
    if all(change in ("none", "null") for change, _line in lines):
        columnar._native_lines_frame(raw)  # never refused


# JSON the reader must judge byte by byte: escapes, numbers, spaces, literals, structure.
TRICKY = [
    b'{"context": {"name": "\\u00e6\\u00f8\\u00e5 \\ud83d\\ude00 \\/ \\" \\\\ \\b\\f\\n\\r\\t"}}',
    b'{"context": {"name": "\\ud83d"}}',  # a lone surrogate
    b'{"context": {"name": "\\udc00x"}}',
    b'{"context": {"name": "\\u00zz"}}',
    b'{"context": {"name": "\\x"}}',
    b'{"context": {"name": "a\tb"}}',  # a raw control character
    b'{"context": {"name": "\xff\xfe"}}',  # no UTF-8
    b'{"context": {"name": "\xc3\xa6\xc3\xb8"}}',  # raw UTF-8
    b'{"context": {"\\u006eame": "x"}}',  # a key written with an escape
    b'{"context": {"population": -0}}',
    b'{"context": {"population": 01}}',
    b'{"context": {"population": 1e3}}',
    b'{"context": {"population": 1.0}}',
    b'{"context": {"population": -}}',
    b'{"context": {"population": 123456789012345678}}',
    b'{"context": {"population": 1234567890123456789}}',
    b'{"resources": {"coordinator_fte": 1e2}}',
    b'{"resources": {"coordinator_fte": 2}}',
    b'{"resources": {"coordinator_fte": 0.1e-1}}',
    b'{"resources": {"coordinator_fte": 1E+1}}',
    b'{"resources": {"coordinator_fte": 1e400}}',
    b'{"resources": {"coordinator_fte": 1e-400}}',
    b'{"resources": {"coordinator_fte": .5}}',
    b'{"resources": {"coordinator_fte": 5.}}',
    b'{"resources": {"coordinator_fte": Infinity}}',
    b'{"resources": {"coordinator_fte": 1' + b"0" * 70 + b"}}",
    b'{"plan": {"knowledge_base": tru}}',
    b'{"plan": {"knowledge_base": truex}}',
    b'{"plan": {"knowledge_base": nul}}',
    b'{"plan": {"knowledge_base": null}, "context": null, "arenas": null}',
    b' \t{ "plan" :\t{ "knowledge_base" : true , "co_creation_status" : "vision" } }\r',
    b'{"plan": {"co_creation_status": "vision "}}',
    b'{"plan": {"co_creation_status": "visio"}}',
    b'{"plan": {"co_creation_status": "vis\\u0069on"}}',
    b'{"plan": {}} x',
    b'{"plan": {}',
    b'{"plan": {},}',
    b'{"plan": {"knowledge_base": true,}}',
    b"{,}",
    b"{}",
    b"[]",
    b'"x"',
    b"null",
    b'{"arenas": [{}, {"ladder_level": 3, "name": "a"}]}',
    b'{"arenas": [{},]}',
    b'{"arenas": [1]}',
    b'{"arenas": {}}',
    b'{"arenas": [{"ladder_level": 3}], "arenas": []}',
    b'{"plan": {"partner_anchoring": {"business": "high", "citizens": null}}}',
    b'{"plan": {"partner_anchoring": []}}',
    b'{"plan": {"partner_anchoring": {"business": "high", "business": "low"}}}',
    b'{"plan": "x"}',
]


@pytest.mark.parametrize("line", TRICKY)
def test_json_the_reader_must_judge_byte_by_byte(line):
    good = b'{"plan": {"co_creation_status": "vision"}, "arenas": [{"ladder_level": 2}]}'
    _judge([line])
    _judge([good, line, good])


TAKEN = [
    b'{"context": {"name": "\\u00e6\\u00f8\\u00e5 \\ud83d\\ude00 \\/ \\" \\\\ \\b\\f\\n\\r\\t"}}',
    b'{"context": {"name": "\xc3\xa6\xc3\xb8", "population": -0}}',
    b'{"resources": {"coordinator_fte": 2}}',
    b'{"resources": {"coordinator_fte": 0.1e-1}}',
    b'{"resources": {"coordinator_fte": 1E+1}}',
    b'{"plan": {"knowledge_base": null}, "context": null, "arenas": null}',
    b' \t{ "plan" :\t{ "knowledge_base" : true , "co_creation_status" : "vision" } }\r',
]
#: What the loader takes but might take otherwise than as written: left to it.
LEFT = [
    b'{"context": {"\\u006eame": "x"}}',
    b'{"context": {"population": 1e3}}',
    b'{"context": {"population": 1.0}}',
    b'{"plan": {"co_creation_status": "vis\\u0069on"}}',
]


def test_what_the_loader_takes_as_written_is_read_and_what_it_might_take_otherwise_is_left_to_it():
    frame = columnar._native_lines_frame(TAKEN)
    assert frame.equals(columnar.profiles_frame([_loaded(line) for line in TAKEN]))
    assert frame.get_column("context").struct.field("name").to_list()[:2] == [
        'æøå \U0001f600 / " \\ \b\f\n\r\t',
        "æø",
    ]
    for line in LEFT:
        assert _loaded(line) is not None
        with pytest.raises(columnar._Slow):
            columnar._native_lines_frame([line])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_line_with_bytes_changed_is_read_as_the_loader_reads_it_or_refused(data):
    """Bytes inserted, removed or replaced anywhere in a valid line (a truncated line, a broken
    escape, a stray quote): the reader never reads past the line and never takes what the loader
    refuses."""
    sample = research.sample_profiles(1, seed=data.draw(st.integers(0, 50)), unknown_rate=0.5)[0]
    line = bytearray(json.dumps(sample.model_dump(mode="json", exclude_none=True), ensure_ascii=False).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(line)))
        byte = data.draw(st.sampled_from(list(b'"\\{}[],: 0123456789.-eEtrufalsn\x00\xc3\xa6\xff')))
        operation = data.draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        if operation == "insert":
            line[at:at] = bytes([byte])
        elif operation == "delete":
            del line[at : at + 1]
        elif operation == "replace":
            line[at : at + 1] = bytes([byte])
        else:
            del line[at:]
    if line and not line.isspace():  # a blank line is no profile: skipped before it is read
        _judge([bytes(line)])


def _chunks(path, rows, read):
    chunks = list(read(str(path), rows))
    return (
        [label for c in chunks for label in c.labels.to_list()],
        [s for c in chunks for s in c.skipped],
        pl.concat([c.frame for c in chunks]),
        b"".join(c.digest for c in chunks),
    )


@pytest.mark.parametrize("block", [1, 7, 4096, 1 << 24])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("last", ["newline", "none", "blank"])
def test_files_are_read_in_chunks_as_the_msgspec_path_reads_them(tmp_path, monkeypatch, block, ending, last):
    """A buffer smaller than a line (it grows), chunks that end anywhere in it (the rest moved to
    its start), a byte-order mark, blank lines (also of \\v and \\f, blank to Python), CRLF, a
    last line without a newline, and bad lines among good ones (the chunk read again line by
    line): the labels, skipped lines, frames and digest of the msgspec path."""
    sample = research.sample_profiles(11, seed=3)
    lines = [json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample]
    lines[4:4] = [b"", b"  ", b"\x0b\x0c"]
    lines[9:9] = [b'{"bogus": 1}', b"{not json"]
    text = b"\xef\xbb\xbf" + ending.join(lines) + {"newline": ending, "none": b"", "blank": ending * 2}[last]
    source = tmp_path / "p.jsonl"
    source.write_bytes(text)
    monkeypatch.setattr(columnar, "_BLOCK", block)
    monkeypatch.setattr(native_path, "BLOCK", block)
    monkeypatch.setattr(native_path, "_PIECE", max(1, block // 2))
    for rows in (1, 3, 5, 100):
        labels, skipped, frame, digest = _chunks(source, rows, columnar._native_jsonl_chunks)
        old_labels, old_skipped, old_frame, old_digest = _chunks(source, rows, columnar._jsonl_chunks)
        assert (labels, skipped, digest) == (old_labels, old_skipped, old_digest)
        assert frame.equals(old_frame) and frame.equals(columnar.profiles_frame(sample))
        assert labels == [f"{source}:{n}" for n in [1, 2, 3, 4, 8, 9, 12, 13, 14, 15, 16]]
        assert [label for label, _error in skipped] == [f"{source}:10", f"{source}:11"]
        assert digest == hashlib.sha256(text).digest()


def test_a_batch_reads_json_lines_through_the_c_reader_and_keeps_its_answers(tmp_path, monkeypatch):
    """``advisor batch FILE.jsonl --engine columnar`` reads with the C reader where it was built:
    the rows, skipped lines, fire counts and manifest of the msgspec path (a chunk with a bad
    line is read line by line on both)."""
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 100)
    monkeypatch.setattr(research._ColumnarRun, "_programs", lambda self: None)  # the polars path
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(300, seed=8), ['{"bogus": 1}', "", json.dumps(ODD_NAME)])
    called = []
    monkeypatch.setattr(columnar, "_native_frame", _spy(columnar._native_frame, called))
    out = {}
    for name in ("c", "msgspec"):
        if name == "msgspec":
            monkeypatch.setattr(columnar, "_native", lambda: None)
        target = tmp_path / f"{name}.jsonl"
        result = research.batch([str(source)], None, engine="columnar", output=target, keep_rows=False)
        out[name] = (target.read_bytes(), result.skipped, result.fire_counts, result.manifest)
    assert called and out["c"] == out["msgspec"]


def _spy(function, calls):
    def spy(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)

    return spy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(packs(), st.lists(profiles, min_size=1, max_size=8))
def test_the_c_writer_writes_the_rows_polars_makes(pack, sample):
    """The rows of generated packs (one, and two side by side), written by the C writer: byte
    for byte the JSON Lines polars makes of the same fired columns (odd names included)."""
    sample = sample + [advisor.parse_profile(ODD_NAME), advisor.parse_profile({})]
    frame = columnar.profiles_frame(sample)
    facts = columnar.facts_frame(frame)
    labels = [f'p "{i}" æ\n.jsonl:{i}' for i in range(len(sample))]
    head = pl.DataFrame({"profile": labels}).with_columns(municipality=frame.get_column("context").struct.field("name"))
    for chosen in ([pack], [pack, SHIPPED]):
        compiled = [columnar.columnar_pack(p) for p in chosen]
        fired = [c.fired(facts) for c in compiled]
        names = [f'{p.info.name} "{i}"' for i, p in enumerate(chosen)]
        out = bytearray()
        size = columnar.rows_text(head, [(c, f, n, p.hash) for c, f, n, p in zip(compiled, fired, names, chosen)], out)
        expected = []
        for row in range(len(sample)):
            for c, f, n, p in zip(compiled, fired, names, chosen):
                rows = pl.concat([head.slice(row, 1), f.slice(row, 1)], how="horizontal")
                expected.append(rows.select(line=c.row_json(n, p.hash)).item())
        assert bytes(out[:size]) == ("\n".join(expected) + "\n").encode()


def test_the_c_writer_reuses_its_buffer_and_refuses_what_does_not_fit():
    frame = columnar.profiles_frame(research.sample_profiles(20, seed=2))
    compiled = columnar.columnar_pack(SHIPPED)
    fired = compiled.fired(columnar.facts_frame(frame))
    head = pl.DataFrame({"profile": [str(i) for i in range(20)], "municipality": [None] * 20})
    out = bytearray()
    first = columnar.rows_text(head, [(compiled, fired, "default", "h")], out)
    capacity = len(out)
    assert columnar.rows_text(head.head(5), [(compiled, fired.head(5), "default", "h")], out) < first
    assert len(out) == capacity  # not grown: the rows of fewer profiles fit
    native = columnar._native()
    spec = compiled._text_spec(tuple(fired.columns), "default", "h")
    with pytest.raises(ValueError, match="a row per head"):
        native.module.rows(["{"], ((fired.to_numpy(order="c"), *spec),), out)
    bad_lists = tuple((prefix, columns, tuple(t[1:] for t in texts)) for prefix, columns, texts in spec[3])
    with pytest.raises(ValueError, match="comma"):
        native.module.rows(["{"], ((fired.head(1).to_numpy(order="c"), *spec[:3], bad_lists, spec[4]),), out)
    with memoryview(out) as view, pytest.raises(BufferError):
        held = view[:1]  # noqa: F841 - a view held: the buffer cannot grow
        columnar.rows_text(pl.concat([head] * 50), [(compiled, pl.concat([fired] * 50), "default", "h")], out)


def test_the_reader_refuses_a_spec_it_cannot_read():
    native = columnar._native()
    with pytest.raises(ValueError, match="column"):
        native.module.compile((0, -1, -1, ((b"x", (2, 5, -1, None)),)), ((0, 0),))
    with pytest.raises(ValueError, match="list inside a list"):
        inner = (1, 0, 1, (0, 2, -1, ()))
        native.module.compile((0, -1, -1, ((b"l", (1, 0, 1, (0, 2, -1, ((b"m", inner),)))),)), ((1, 0), (1, 1), (0, 1)))
    reader = native.reader
    with pytest.raises(ValueError, match="lie in the buffer"):
        native.module.decode(reader, b"{}", 0, 5, 1, True)
    assert native.module.decode(reader, b"{}\n{", 0, 4, 10, False)[:2] == (3, 1)  # the whole lines there, short of 10
    assert native.module.decode(reader, b"{}\n{", 3, 4, 10, False)[:2] == (3, 0)  # no whole line: none taken
    assert native.module.decode(reader, b"{}\n{}", 0, 5, 10, True)[:2] == (5, 2)


def test_random_lines_never_crash_the_reader():
    """Bytes at random, cut into lines: refused or read, never a crash (the reader bounds every
    read by the line's end)."""
    rng = random.Random(7)
    alphabet = b'{}[]",:\\ tn0123456789.-eEulrfasxy\n\x00\xc3\xa6'
    native = columnar._native()
    for _ in range(2000):
        text = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        result = native.module.decode(native.reader, text, 0, len(text), 100, True)
        assert result[0] == len(text)


# --------------------------------------------------------------------------------------------
# the native path: the C evaluator (advisor/engine/native_path.py)


def _decoded(lines: list[bytes]):
    """The chunk of ``lines`` as the C reader takes it from a file."""
    read = native_path.reader()
    text = b"\n".join(lines)
    _next, count, numbers, items, columns = read.module.decode(read.reader, text, 0, len(text), len(lines), True)
    return native_path.Decoded(1, count, numbers, items, columns)


def _polars_fired(pack, sample, rules):
    """The fired matrix of the polars path (a row per profile, a byte per rule in ``rules``' order)."""
    fired = columnar.columnar_pack(pack).fired(columnar.facts_frame(columnar.profiles_frame(sample)))
    return fired.select([f"@{r}" for r in rules]).to_numpy().astype("uint8").tobytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(packs(), st.lists(profiles, min_size=1, max_size=8))
def test_the_c_evaluator_fires_what_polars_fires(pack, sample):
    """Generated packs (findings of findings, done_when guards, any_arena) and the shipped one
    over generated profiles (arenas with levels and types given, derived or unknown; sections
    unknown): the fired matrix and counts of the C evaluator are the polars path's."""
    sample = sample + [advisor.parse_profile(ODD_NAME), advisor.parse_profile({})]
    decoded = _decoded([json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample])
    for chosen in (pack, SHIPPED):
        program = native_path.program(chosen)
        matrix, counts = program.evaluate(decoded)
        expected = _polars_fired(chosen, sample, program.rules)
        assert matrix == expected
        width = len(program.rules)
        assert list(memoryview(counts).cast("q")) == [sum(expected[r::width]) for r in range(width)]


def test_the_c_evaluator_on_many_sampled_profiles_is_the_polars_path():
    """2,000 sampled profiles (every fact of the shipped pack exercised) and the shipped pack."""
    sample = research.sample_profiles(2000, seed=11)
    decoded = _decoded([json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in sample])
    program = native_path.program(SHIPPED)
    assert program.evaluate(decoded)[0] == _polars_fired(SHIPPED, sample, program.rules)


def test_values_out_of_bounds_leave_the_chunk_to_the_slower_paths():
    """A value the reader takes as written but the model refuses (a bound): the evaluator says
    so (None), as the polars path's bound check does, for every kind of bound."""
    good = json.dumps(research.sample_profiles(1, seed=1)[0].model_dump(mode="json", exclude_none=True))
    program = native_path.program(SHIPPED)
    assert program.evaluate(_decoded([good.encode()])) is not None
    for bad in (
        {"plan": {"adopted_year": 1900}},  # ge
        {"resources": {"coordinator_fte": -0.5}},  # ge on a float
        {"context": {"name": "x" * 201}},  # max_length of a text
        {"arenas": [{"ladder_level": 6}]},  # le, in an arena
        {"arenas": [{"name": "y" * 201}]},  # a text's length, in an arena
        {"arenas": [{}] * 501},  # max_length of the list
    ):
        line = json.dumps(bad).encode()
        assert _loaded(line) is None, bad
        decoded = _decoded([good.encode(), line])
        assert decoded.columns is not None, bad  # the reader took it: the bound is the evaluator's
        assert program.evaluate(decoded) is None, bad


def test_a_batch_on_the_native_path_writes_what_the_polars_path_writes(tmp_path, monkeypatch):
    """``advisor batch FILE.jsonl --engine columnar -o rows.jsonl``: the rows, skipped lines, fire
    counts and manifest of the polars path, byte for byte, for two packs side by side, chunks of
    a few lines, a chunk the reader refuses (a bad line), one out of bounds, blank lines only,
    odd names (of the municipality and the file) and a YAML profile between two JSON Lines files."""
    monkeypatch.setattr(native_path, "NATIVE_ROWS", 7)
    first = tmp_path / 'å "q"\\.jsonl'
    _write_jsonl(
        first,
        research.sample_profiles(30, seed=4),
        ['{"bogus": 1}', json.dumps(ODD_NAME), '{"plan": {"adopted_year": 1900}}'] + [""] * 9,
    )
    second = tmp_path / "b.jsonl"
    _write_jsonl(second, research.sample_profiles(12, seed=6))
    middle = tmp_path / "m.yaml"
    middle.write_text("context:\n  name: Midt\n", encoding="utf-8")
    sources = [str(first), str(middle), str(second)]
    evaluated = []
    monkeypatch.setattr(native_path.Program, "evaluate", _spy(native_path.Program.evaluate, evaluated))
    out = {}
    for path in ("native", "polars"):
        if path == "polars":
            monkeypatch.setattr(research._ColumnarRun, "_programs", lambda self: None)
        target = tmp_path / f"{path}.jsonl"
        result = research.batch(sources, [SHIPPED, SHIPPED], engine="columnar", output=target, keep_rows=False)
        out[path] = (target.read_bytes(), result.skipped, result.fire_counts, result.manifest, result.row_count)
    assert evaluated and out["native"] == out["polars"]
    text, skipped, _counts, manifest, rows = out["native"]
    assert rows == 2 * (30 + 1 + 1 + 12) and manifest.profiles == 44
    assert [s.source for s in skipped] == [f"{first}:31", f"{first}:33"]


def test_a_pack_the_native_path_cannot_run_runs_on_polars(tmp_path, monkeypatch):
    """A pack the C evaluator cannot run exactly (:class:`Unsupported`): the batch runs on polars
    whole, with the same rows."""
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(20, seed=2))
    expected = research.batch([str(source)], None, engine="columnar", output=tmp_path / "a.jsonl", keep_rows=False)

    def unsupported(pack):
        raise native_path.Unsupported("a comparison of text")

    monkeypatch.setattr(native_path, "program", unsupported)
    result = research.batch([str(source)], None, engine="columnar", output=tmp_path / "b.jsonl", keep_rows=False)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert result.fire_counts == expected.fire_counts and result.manifest == expected.manifest


def test_the_native_path_imports_neither_polars_nor_numpy(tmp_path):
    """The mechanism of the native path's start-up: a batch of JSON Lines to JSON Lines runs
    without importing polars or numpy (0.3 s of CPU), nor importlib.metadata (10 ms: polars'
    version is read from its wheel's metadata) or the pack checks, in a fresh interpreter, as the
    command line runs it."""
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(5, seed=2))
    heavy = ("polars", "numpy", "importlib.metadata", "advisor.tools.packcheck")
    code = (
        "import sys\n"
        "from advisor.cli.main import main\n"
        f"sys.argv = ['advisor', 'batch', {str(source)!r}, '--engine', 'columnar', '-o', {str(tmp_path / 'o.jsonl')!r}, '-q']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        f"    print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]\n"
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 5


def test_polars_version_is_read_from_its_wheel_as_importlib_metadata_reads_it(tmp_path, monkeypatch):
    """The version of polars a columnar run records, without importlib.metadata: the metadata of
    the wheel beside the package; where there is not exactly one, importlib.metadata's answer."""
    import importlib.metadata

    assert native_path._wheel_version("polars") == importlib.metadata.version("polars")
    assert native_path._wheel_version("no_such_package_here") is None
    # a package with two dist-info folders beside it (a broken install), or none: no guess
    site = tmp_path / "site"
    (site / "pkgx").mkdir(parents=True)
    (site / "pkgx" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    assert native_path._wheel_version("pkgx") is None
    for version in ("1.0", "2.0"):
        (site / f"pkgx-{version}.dist-info").mkdir()
        (site / f"pkgx-{version}.dist-info" / "METADATA").write_text(f"Name: pkgx\nVersion: {version}\n\nBody\n")
    assert native_path._wheel_version("pkgx") is None
    (site / "pkgx-1.0.dist-info" / "METADATA").unlink()
    (site / "pkgx-1.0.dist-info").rmdir()
    assert native_path._wheel_version("pkgx") == "2.0"
    # the headers end at the first blank line: a Version in the body is not the version
    (site / "pkgx-2.0.dist-info" / "METADATA").write_text("Name: pkgx\n\nVersion: 9\n")
    assert native_path._wheel_version("pkgx") is None


def test_the_c_evaluator_refuses_a_program_it_cannot_run_safely():
    """Programs are checked when made: a column of the wrong kind or space, a rule out of range,
    a stack that underflows or is left with values, an unknown instruction."""
    read = native_path.reader()
    columns = read.columns
    bool_column = next(i for i, (kind, space) in enumerate(columns) if kind == native_path.C_I8 and space == 0)
    item_column = next(i for i, (kind, space) in enumerate(columns) if space == 1 and kind == native_path.C_I8)
    compare = (0, 0, bool_column, -1, 0, 1, 0.0, b"")
    store = (9, 0, 0, 0, 0, 0, 0.0, b"")
    assert read.module.program(1, 1, columns, (compare, store)) is not None
    for instructions, message in (
        ((store,), "underflows"),
        ((compare,), "left on the stack"),
        (((0, 1, bool_column, -1, 0, 1, 0.0, b""), store), "column"),  # a profile's column read per arena
        (((0, 0, item_column, -1, 0, 1, 0.0, b""), store), "column"),
        ((compare, (9, 0, 5, 0, 0, 0, 0.0, b"")), "store"),
        ((compare, (7, 0, 3, 0, 0, 0, 0.0, b""), (4, 0, 2, 0, 0, 0, 0.0, b""), store), "finding"),
        (((99, 0, 0, 0, 0, 0, 0.0, b""),), "unknown instruction"),
        ((compare, compare, (4, 0, 2, 0, 0, 0, 0.0, b""), store), "deeper"),
    ):
        with pytest.raises(ValueError, match=message):
            read.module.program(1, 1, columns, instructions)
    program = read.module.program(1, 1, columns, (compare, store))
    with pytest.raises(ValueError, match="not those the program was made for"):
        read.module.evaluate(program, [b""], 3, 0)


def test_the_native_spec_is_the_model_s_frame():
    """The reader's spec, made from the profile model without polars, has a column of the frame's
    type for every field (the frame of :func:`advisor.engine.columnar.profile_schema`)."""
    read = native_path.reader()
    assert columnar._native() is read
    assert [name.decode() for name, _node in read.spec[3]] == list(columnar.profile_schema())
    assert columnar._native_lines_frame([b"{}"]).equals(columnar.profiles_frame([advisor.parse_profile({})]))


def test_a_pack_of_no_rules_gives_rows_of_no_findings_on_every_path(tmp_path, monkeypatch):
    """A pack with every rule left out (a variant may leave that): a row per profile with empty
    lists, as the durable engine gives it, on the native path and on polars' (the C writer once
    refused its empty matrix)."""
    from advisor.rules.pack import PackInfo, RulePack

    empty = RulePack(info=PackInfo(name="none"), documents=SHIPPED.documents, rules=())
    source = tmp_path / "p.jsonl"
    _write_jsonl(source, research.sample_profiles(3, seed=2))
    texts = []
    for path in ("native", "polars"):
        if path == "polars":
            monkeypatch.setattr(research._ColumnarRun, "_programs", lambda self: None)
        target = tmp_path / f"{path}.jsonl"
        research.batch([str(source)], [empty, SHIPPED], engine="columnar", output=target, keep_rows=False)
        texts.append(target.read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    durable = research.batch([str(source)], [empty], engine="python", workers=1).rows
    rows = [json.loads(line) for line in texts[0].splitlines()[::2]]
    assert [r["fired"] for r in rows] == [[]] * 3 and [r["highest_priority"] for r in rows] == [None] * 3
    assert [{k: r[k] for k in research.COLUMNAR_HEADER} for r in rows] == [
        {k: v for k, v in row.record().items() if k in research.COLUMNAR_HEADER} for row in durable
    ]


def test_a_file_whose_name_is_no_utf8_is_labelled_as_on_the_polars_path(tmp_path, monkeypatch):
    """A JSON Lines file whose name is no UTF-8 (a byte Python holds as a lone surrogate): the
    native path and the polars path name it alike, the byte written as ``\\xff``."""
    try:
        source = tmp_path / os.fsdecode(b"p\xff.jsonl")
        _write_jsonl(source, research.sample_profiles(3, seed=2))
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    texts = []
    for path in ("native", "polars"):
        if path == "polars":
            monkeypatch.setattr(research._ColumnarRun, "_programs", lambda self: None)
        target = tmp_path / f"{path}.jsonl"
        research.batch([str(source)], None, engine="columnar", output=target, keep_rows=False)
        texts.append(target.read_bytes())
    assert texts[0] == texts[1] and texts[0].count(b"\n") == 3
    assert texts[0].startswith(
        b'{"profile":' + json.dumps(str(tmp_path / "p\\xff.jsonl:1"), ensure_ascii=False).encode()
    )


def _instructions(pack):
    """The instructions native.program makes of ``pack``, and its rules, depth and columns."""
    compiler, order = native_path._compiled(pack)
    return compiler.instructions, len(order), compiler.depth, tuple(compiler.columns)


def test_changed_programs_are_refused_or_run_never_crash():
    """The shipped pack's program with instructions changed at random (operator, space, columns,
    rule, payload) and cut short: the C module refuses what it cannot run safely when the program
    is made and runs the rest over real columns; never a crash (every index a program holds is
    checked once, when it is made)."""
    read = native_path.reader()
    instructions, nrules, depth, columns = _instructions(SHIPPED)
    lines = [json.dumps(p.model_dump(mode="json", exclude_none=True)).encode() for p in research.sample_profiles(9, 3)]
    decoded = _decoded(lines + [b"{}", json.dumps({"arenas": []}).encode()])
    assert read.module.program(nrules, depth, columns, tuple(instructions)) is not None
    rng = random.Random(11)
    made = refused = 0
    for _ in range(400):
        changed = list(instructions)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(changed))
            fields = list(changed[k])
            field = rng.randrange(8)
            fields[field] = {
                0: lambda: rng.randint(-1, 15),
                1: lambda: rng.randint(-1, 2),
                6: lambda: rng.choice([0.0, 1e300, float("nan")]),
                7: lambda: rng.choice([b"", bytes(7), bytes(8), bytes(60), b"\x05\x00\x00\x00ab"]),
            }.get(field, lambda: rng.randint(-2, len(columns) + 1))()
            changed[k] = tuple(fields)
        if rng.random() < 0.3:
            changed = changed[: rng.randrange(1, len(changed))]
        rules = rng.choice([nrules, nrules - 1, 0])
        try:
            program = read.module.program(rules, depth, columns, tuple(changed))
        except ValueError:
            refused += 1
            continue
        made += 1
        result = read.module.evaluate(program, decoded.columns, decoded.profiles, decoded.items)
        if result is not None:  # None: a bound broken (the violations' instructions changed)
            assert (len(result[0]), len(result[1])) == (decoded.profiles * rules, 8 * rules)
    assert made and refused  # both kinds were tried
