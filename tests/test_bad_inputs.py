"""Every kind of bad input a user can give, and the one line they see: docs/BAD-INPUTS.md is
generated from these cases (ADVISOR_UPDATE_GOLDEN=1 rewrites it) and must stay current.

Each test below writes one section of that page (``_check_section``): the cases of the section
are run, their behaviour asserted, and what the user sees is the section's table."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.core.documents import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from advisor.cli.main import main
from helpers import EXAMPLES, REPO, TESTS, UPDATE_GOLDEN, hide_weasyprint

BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8)
)

PROFILE_CASES: list[tuple[str, str, bytes]] = [
    ("invalid YAML", "profile.yaml", b"context:\n  name: [Levanger\nplan: {}\n"),
    ("invalid JSON", "profile.json", b'{"context": {"name": "Levanger",}}'),
    ("wrong type", "profile.yaml", b"plan:\n  knowledge_base: maybe\n"),
    ("value out of range", "profile.yaml", b"arenas:\n  - name: Torget\n    ladder_level: 7\n"),
    ("value outside a scale", "profile.yaml", b"relations:\n  citizen_trust: hihg\n"),
    ("unknown key", "profile.yaml", b"plan:\n  co_creation_stat: vision\n"),
    ("unknown section", "profile.yaml", b"leadershp:\n  leader_development: true\n"),
    ("empty file", "profile.yaml", b""),
    ("a list, not a mapping", "profile.yaml", b"- context\n- plan\n"),
    ("binary file", "profile.yaml", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("not UTF-8 (Latin-1)", "profile.yaml", "context:\n  name: Bø i Telemark\n".encode("latin-1")),
    ("duplicate key", "profile.yaml", b"plan:\n  knowledge_base: true\n  knowledge_base: false\n"),
    ("object-constructing YAML tag", "profile.yaml", b"context: !!python/object/apply:os.system ['ls']\n"),
    ("YAML alias bomb", "profile.yaml", BOMB.encode()),
    ("two YAML documents", "profile.yaml", b"context: {name: A}\n---\ncontext: {name: B}\n"),
    ("nesting too deep", "profile.yaml", ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 70))).encode()),
    ("missing file", "missing.yaml", b""),
    ("YAML tag that cannot be constructed (`!!int abc`)", "profile.yaml", b"context:\n  population: !!int abc\n"),
    (
        "YAML tag that cannot be constructed (`!!bool maybe`)",
        "profile.yaml",
        b"plan:\n  knowledge_base: !!bool maybe\n",
    ),
    ('YAML tag that cannot be constructed (`!!int ""`)', "profile.yaml", b'context:\n  population: !!int ""\n'),
    ("a 5,000-digit number", "profile.yaml", b"context:\n  population: " + b"9" * 5000 + b"\n"),
    (
        "a boolean where a number belongs (`ladder_level: true`)",
        "profile.yaml",
        b"arenas:\n  - name: Torget\n    ladder_level: true\n",
    ),
    ("a 4 MB name", "profile.yaml", b"context:\n  name: " + b"x" * 4_000_000 + b"\n"),
    ("501 arenas", "profile.yaml", b"arenas:\n" + b"  - {name: Torget}\n" * 501),
    ("a list, not a mapping, after a comment", "profile.yaml", b"# the informants\n\n- context\n"),
    (
        "terminal escapes in a key (escaped)",
        "profile.yaml",
        b'arenas:\n  - name: Torget\n    "\\e[2J\\e[31mladder": 3\n',
    ),
    (
        "a float in exponent form, 1.0e-5, which crashed durable-rules (valid)",
        "profile.yaml",
        b"resources: {coordinator_fte: 1.0e-5}\n",
    ),
    (
        "Norwegian letters everywhere (valid)",
        "profile.yaml",
        "context:\n  name: Ærøy-Øster Åsen\narenas:\n  - name: Innbyggertorget på Øra\n".encode(),
    ),
]

PACK_HEAD = 'pack: {name: mine, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n'
PACK_RULE = (
    "  - id: {id}\n    kind: diagnosis\n    factor: leadership\n    phase: design\n    priority: high\n"
    "    evidence: empirical\n    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n"
    '    when: {when}\n    sources: ["{source}"]\n'
)


def _pack(*rules: dict) -> bytes:
    body = "".join(
        PACK_RULE.format(
            **{
                "id": "LEAD-001",
                "when": "{fact: leadership.leader_development, eq: false}",
                "source": "000_981a243478f15921.txt §6",
                **r,
            }
        )
        for r in rules
    )
    return (PACK_HEAD + body).encode()


PACK_CASES: list[tuple[str, bytes]] = [
    ("unknown profile fact", _pack({"when": "{fact: leadership.leader_developmnt, eq: false}"})),
    ("value outside a scale", _pack({"when": "{fact: leadership.top_management_anchoring, ge: hihg}"})),
    ("operator a field does not allow", _pack({"when": "{any_arena: {fact: ulrich_type, gt: equal}}"})),
    ("duplicate rule id", _pack({}, {})),
    ("finding of a later stage", _pack({"when": "{finding: LEAD-001}"})),
    (
        "`done_when` on a diagnosis",
        _pack(
            {
                "when": "{fact: leadership.leader_development, eq: false}\n    done_when: {fact: leadership.leader_development, eq: true}"
            }
        ),
    ),
    ("citation without a section", _pack({"source": "000_981a243478f15921.txt"})),
    ("citation of an unlisted document", _pack({"source": "005_unknown.txt §1"})),
    (
        "one passage cited as a source and as a contrast",
        _pack(
            {
                "source": '000_981a243478f15921.txt §6 (lines 4449-4451)"]\n    contrasts: [{statement: {en: a, nb: b}, sources: ["000_981a243478f15921.txt §6 (lines 4450-4455)"]}]  #'
            }
        ),
    ),
    (
        "a document without author or short name",
        _pack({}).replace(
            b"{000_981a243478f15921.txt: thesis}", b"{000_981a243478f15921.txt: {title: A thesis, year: 2023}}"
        ),
    ),
    ("object-constructing YAML tag", _pack({"when": "!!python/object/apply:os.system [ls]"})),
    ("not a number: .nan", _pack({"when": "{fact: resources.coordinator_fte, ne: .nan}"})),
    ("infinity: .inf", _pack({"when": "{fact: resources.coordinator_fte, lt: .inf}"})),
    ("exponent YAML reads as text: 1e16", _pack({"when": "{fact: resources.coordinator_fte, lt: 1e16}"})),
    ("integer beyond 64 bits", _pack({"when": "{fact: context.population, lt: 100000000000000000000000}"})),
    (
        "an alternative binding 16 facts (durable-rules takes 15)",
        _pack(
            {
                "when": "{all: ["
                + ", ".join(["{any_arena: {fact: ladder_level, ge: %d}}" % (i % 5 + 1) for i in range(15)])
                + "]}"
            }
        ),
    ),
]


SECTIONS = [
    "Profiles (`advisor assess PROFILE`)",
    "Files that are not regular files",
    "Changes (`advisor whatif PROFILE --set PATH=VALUE`)",
    "Rule packs (`advisor assess PROFILE --rules pack.yaml`)",
    "Untrusted packs (`advisor rules check --rules pack.yaml`)",
    "The command line",
    "Output that cannot be written",
    "PDF reports (`advisor report PROFILE -o report.pdf`)",
    "Batches (`advisor batch PROFILES -o rows.jsonl`)",
    "Batches and signals",
    "Markdown output",
]

INTRO = [
    "# Bad input and what the user sees",
    "",
    "Generated by `tests/test_bad_inputs.py`, which runs each case and fails if this page is stale",
    "(`ADVISOR_UPDATE_GOLDEN=1 pytest` rewrites it). Every error is one line on standard error,",
    "naming the file, the line and the field where known, with a fix; the exit code is 2; no",
    "traceback. Values are cut to 60 characters in messages (a file name, a message or a hint to",
    "400), and control characters (terminal escapes) are written as `\\u001b` in everything printed.",
    "",
    "## Limits",
    "",
    f"- file size: {MAX_FILE_BYTES:,} bytes, enforced while reading; only regular files are read (not",
    f"  FIFOs, devices or directories); values after YAML aliases are expanded: {MAX_NODES:,};",
    f"  nesting depth: {MAX_DEPTH}; arenas per profile: 500; text fields: 200 characters; numbers: Python's",
    "  4,300 digits in a file, 18 digits in `--set`.",
    "- YAML tags, duplicate keys and more than one document per file are refused; JSON is read as YAML.",
    "- Rule packs are data: no tags, no code, no imports; they cannot reach the network, and their",
    "  rules cannot loop (each rule fires at most once per assessment, stage by stage). A pack reads",
    "  no file but its own: `extends:` names `default` or a pack under the pack's own directory, and so",
    "  does a test case's `profile_file:` (no absolute paths, no `..` out of it, no symbolic links out",
    "  of it); a file reached through `extends:` that is not a pack is refused without a word of what",
    "  it holds.",
    "",
]


def _run(cwd, args, input=None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False, input=input)
    finally:
        os.chdir(old)


def _cell(text: str) -> str:
    return "`" + " ".join(part.strip() for part in text.strip().split("\n")).replace("|", "\\|") + "`"


def _one_line_error(result, code: int = 2) -> str:
    """Assert the documented error style and give the line."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("advisor: error: "), result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    return result.stderr


def _check_section(title: str, rows: list[tuple[str, str, str]], intro: str = "") -> None:
    """Compare the section ``title`` of docs/BAD-INPUTS.md with ``rows`` (rewrite it when updating)."""
    assert title in SECTIONS
    lines = [f"## {title}", ""]
    if intro:
        lines += [intro, ""]
    lines += ["| input | exit | what the user sees |", "| --- | --- | --- |"]
    lines += [f"| {label} | {code} | {_cell(msg)} |" for label, code, msg in rows]
    section = "\n".join(lines) + "\n"
    path = REPO / "docs" / "BAD-INPUTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = {m.group(1): m.group(0) for m in re.finditer(r"(?ms)^## (.+?)\n.*?(?=^## |\Z)", text)}
    if UPDATE_GOLDEN:
        found[title] = section
        body = (
            "\n".join(INTRO) + "\n" + "".join((found[name].rstrip("\n") + "\n\n") for name in SECTIONS if name in found)
        )
        path.write_text(body.rstrip("\n") + "\n", encoding="utf-8")
        return
    assert text.startswith("\n".join(INTRO) + "\n"), "docs/BAD-INPUTS.md is stale: ADVISOR_UPDATE_GOLDEN=1 pytest"
    assert found.get(title, "").rstrip("\n") == section.rstrip("\n"), (
        f"section {title!r} of docs/BAD-INPUTS.md is stale: ADVISOR_UPDATE_GOLDEN=1 pytest"
    )


def _case_dir(tmp_path: Path, label: str) -> Path:
    case = tmp_path / re.sub(r"[^A-Za-z0-9]+", "_", label)[:60]
    case.mkdir()
    return case


# --------------------------------------------------------------------------------------------


def test_profiles(tmp_path):
    rows = []
    for label, name, content in PROFILE_CASES:
        case = _case_dir(tmp_path, label)
        if name != "missing.yaml":
            (case / name).write_bytes(content)
        result = _run(case, ["assess", name])
        if label.endswith("(valid)"):
            assert result.exit_code == 0, result.stderr
            rows.append(
                (label, "0", "the assessment (names are kept as written)" if "Norwegian" in label else "the assessment")
            )
            continue
        assert result.stdout == ""
        line = _one_line_error(result)
        assert len(line) < 700, label  # long values are cut
        rows.append((label, "2", line))
    big = _case_dir(tmp_path, "big")
    (big / "profile.yaml").write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    rows.append(("very large file", "2", _one_line_error(_run(big, ["assess", "profile.yaml"]))))
    _check_section("Profiles (`advisor assess PROFILE`)", rows)


def test_files_that_are_not_regular_files(tmp_path):
    """A FIFO would block, a device never ends: anything but a regular file is refused unread."""
    os.mkfifo(tmp_path / "fifo.yaml")
    os.mkfifo(tmp_path / "fifo.jsonl")
    (tmp_path / "dir.yaml").mkdir()
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "base.yaml")
    (pack / "variant.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    os.mkfifo(pack / "fifo-profile.yaml")
    (pack / "tested.yaml").write_text(
        "extends: default\ntests:\n  - name: t\n    profile_file: fifo-profile.yaml\n    fires: [PLAN-001]\n",
        encoding="utf-8",
    )
    demo = str(EXAMPLES / "demo.yaml")
    cases = [
        ("a FIFO as the profile", ["assess", "fifo.yaml"]),
        ("a device as the profile (`/dev/zero`)", ["assess", "/dev/zero"]),
        ("a directory as the profile", ["assess", "dir.yaml"]),
        ("a FIFO as a JSON Lines file of profiles (`batch`)", ["batch", "fifo.jsonl", "-o", "out.jsonl"]),
        ("a FIFO as `--rules`", ["rules", "list", "--rules", "fifo.yaml"]),
        ("a FIFO as the pack `extends:` names", ["rules", "check", "--rules", "pack/variant.yaml"]),
        ("a FIFO as a test case's `profile_file`", ["rules", "check", "--rules", "pack/tested.yaml"]),
    ]
    rows = []
    for label, args in cases:
        args = [a.replace("DEMO", demo) for a in args]
        started = time.monotonic()
        result = _run(tmp_path, args)
        assert time.monotonic() - started < 30  # nothing blocks on the FIFO
        if args[:2] == ["rules", "check"]:
            assert result.exit_code == 2 and "Traceback" not in result.output
            line = result.stdout.strip()
            assert line.count("\n") == 0 and "not a regular file" in line, result.output
        else:
            line = _one_line_error(result)
        rows.append((label, "2", line))
    _check_section("Files that are not regular files", rows)


def test_changes(tmp_path):
    (tmp_path / "profile.yaml").write_text("arenas:\n  - name: Torget\n    ladder_level: 2\n", encoding="utf-8")
    cases = [
        ("a 5,000-digit number", "arenas[0].ladder_level=" + "9" * 5000),
        ("true where a number belongs", "arenas[0].ladder_level=true"),
        ("a terminal escape in the path (escaped)", "plan.\x1b[31mknowledge_base=true"),
    ]
    rows = []
    for label, change in cases:
        line = _one_line_error(_run(tmp_path, ["whatif", "profile.yaml", "--set", change]))
        assert len(line) < 700
        rows.append((label, "2", line))
    _check_section("Changes (`advisor whatif PROFILE --set PATH=VALUE`)", rows)


def test_rule_packs(tmp_path):
    rows = []
    demo = str(REPO / "examples" / "demo.yaml")
    for label, content in PACK_CASES:
        case = _case_dir(tmp_path, "pack_" + label)
        (case / "pack.yaml").write_bytes(content)
        rows.append((label, "2", _one_line_error(_run(case, ["assess", demo, "--rules", "pack.yaml"]))))
    _check_section("Rule packs (`advisor assess PROFILE --rules pack.yaml`)", rows)


SECRET = "hunter2-do-not-print"


def test_untrusted_packs_read_only_their_own_files(tmp_path):
    """A pack names only `default` or files under its own directory; a file it reaches that is
    not a pack is refused without a word of what it holds."""
    (tmp_path / "outside.yaml").write_text(f"password: {SECRET}\nroot: {SECRET}\n", encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "notes.yaml").write_text(f"password: {SECRET}\n", encoding="utf-8")
    (pack / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    linked_dir = pack / "linked"
    linked_dir.mkdir()
    (linked_dir / "pack.yaml").write_text('pack: {name: linked, version: "1"}\n', encoding="utf-8")
    (linked_dir / "more.yaml").symlink_to(tmp_path / "outside.yaml")

    def test_case(where: str) -> str:
        return f"extends: default\ntests:\n  - name: t\n    profile_file: {where}\n    fires: [PLAN-001]\n"

    cases = [
        ("`extends: /etc/shadow` (an absolute path)", "extends: /etc/shadow\n"),
        ("`extends:` a file above the pack's directory", "extends: ../outside.yaml\n"),
        ("`extends:` a symbolic link out of the directory", "extends: link.yaml\n"),
        ("`extends:` a file under the directory that is not a pack", "extends: notes.yaml\n"),
        ("`extends:` a pack directory with a rule file linked from outside", "extends: linked\n"),
        ("`profile_file: /etc/passwd` in a test case", test_case("/etc/passwd")),
        ("`profile_file:` above the pack's directory", test_case("../outside.yaml")),
        ("`profile_file:` a symbolic link out of the directory", test_case("link.yaml")),
    ]
    rows = []
    for i, (label, text) in enumerate(cases):
        name = f"variant{i}.yaml"
        (pack / name).write_text(text, encoding="utf-8")
        result = _run(pack, ["rules", "check", "--rules", name])
        assert result.exit_code == 2 and "Traceback" not in result.output, (label, result.output)
        assert SECRET not in result.output, label
        problems = result.stdout.strip().splitlines()
        assert len(problems) == 1, (label, result.stdout)
        # the loader refuses it the same way
        loaded = _run(pack, ["rules", "list", "--rules", name])
        assert SECRET not in loaded.output and loaded.exit_code == 2, (label, loaded.output)
        rows.append((label, "2", problems[0]))
    _check_section("Untrusted packs (`advisor rules check --rules pack.yaml`)", rows)


def test_the_command_line(tmp_path):
    cases = [
        ("unknown command", ["asses", "profile.yaml"]),
        ("unknown option", ["assess", "profile.yaml", "--formt", "json"]),
        ("missing argument", ["assess"]),
        ("a value that is not one of the choices", ["assess", "profile.yaml", "--format", "pdf"]),
        ("a directory where a file belongs", ["assess", "."]),
        ("a terminal escape in an argument (escaped)", ["assess", "profile.yaml", "--format", "\x1b[31mjson"]),
        (
            "a path to profiles that is not there (`batch`, `compare`, `sensitivity`: a typo, a pattern that matched nothing)",
            ["batch", "profile.yaml", "in/*.yaml", "-o", "rows.jsonl"],
        ),
    ]
    (tmp_path / "profile.yaml").write_text("context: {name: A}\n", encoding="utf-8")
    rows = [(label, "2", _one_line_error(_run(tmp_path, args))) for label, args in cases]
    assert not (tmp_path / "rows.jsonl").exists()  # refused before anything ran
    _check_section(
        "The command line",
        rows,
        "Click's usage errors in the same one-line style, with the command whose `--help` to read.",
    )


def _full_disk(monkeypatch, full=lambda name: True):
    """Make the temporary files of the targets for which ``full(name)`` holds be written to
    /dev/full: every flush then fails with ENOSPC, as on a full disk."""
    import tempfile

    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        fd, path = real(*args, **kwargs)
        if full(os.path.basename(path)):
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, path

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)  # advisor.core.io imports it where it writes


def test_output_that_cannot_be_written(tmp_path, monkeypatch):
    rows = []
    demo = str(EXAMPLES / "demo.yaml")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "advisor", "assess", demo],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("advisor: error: "), (
        proc.stderr
    )
    rows.append(("standard output is `/dev/full`", "2", proc.stderr))

    _full_disk(monkeypatch)
    result = _run(tmp_path, ["sample", "-n", "3", "--seed", "1", "-o", "samples"])
    rows.append(("`sample -o` on a full disk (written to `/dev/full`)", "2", _one_line_error(result)))
    assert not list(tmp_path.rglob("*.tmp"))
    monkeypatch.undo()

    # A batch on a nearly full disk: the rows are written, the manifest is not. The previous
    # run's rows and manifest stay as they were: never new rows beside an old manifest.
    (tmp_path / "in").mkdir()
    for name in ("demo.yaml", "levanger.yaml"):
        (tmp_path / "in" / name).write_bytes((EXAMPLES / name).read_bytes())
    first = _run(tmp_path, ["batch", "in/demo.yaml", "-o", "rows.jsonl"])
    assert first.exit_code == 0, first.output
    before = ((tmp_path / "rows.jsonl").read_bytes(), (tmp_path / "rows.manifest.json").read_bytes())
    _full_disk(monkeypatch, lambda name: name.startswith(".rows.manifest.json."))  # the rows fit, the manifest does not
    result = _run(tmp_path, ["batch", "in", "-o", "rows.jsonl"])
    monkeypatch.undo()
    line = _one_line_error(result)
    assert ((tmp_path / "rows.jsonl").read_bytes(), (tmp_path / "rows.manifest.json").read_bytes()) == before
    assert not list(tmp_path.glob(".*.tmp"))
    rows.append(
        (
            "`batch -o` whose manifest cannot be written (full disk)",
            "2",
            line + " — the previous rows and manifest are left as they were",
        )
    )

    # Results that would replace a profile being read: refused before anything is read or written.
    (tmp_path / "p.jsonl").write_bytes(b'{"context": {"name": "A"}}\n')
    for label, args, replaced in (
        (
            "`batch p.jsonl -o p.jsonl`: the rows would replace the profiles",
            ["batch", "p.jsonl", "-o", "p.jsonl"],
            "p.jsonl",
        ),
        (
            "`compare in -o in/demo.yaml`: the comparison would replace a profile in the directory",
            ["compare", "in", "--rules", "default", "--rules", "default", "-o", "in/demo.yaml"],
            "in/demo.yaml",
        ),
        (
            "`batch in -o in/rows.jsonl` a second time: the last run's results would be read as profiles",
            ["batch", "in", "-o", "in/rows.jsonl"],
            "in/rows.jsonl",
        ),
    ):
        if replaced == "in/rows.jsonl":
            assert _run(tmp_path, args).exit_code == 0  # the first time: nothing of it is there yet
        before = (tmp_path / replaced).read_bytes()
        result = _run(tmp_path, args)
        assert (tmp_path / replaced).read_bytes() == before
        rows.append((label, "2", _one_line_error(result)))
    _check_section(
        "Output that cannot be written",
        rows,
        "A batch writes its rows and its manifest to temporary files and puts them in place together at the end: "
        "the previous manifest is removed first and the new one comes last, so a manifest always describes the rows beside it.",
    )


def test_pdf_reports(tmp_path, monkeypatch):
    demo = str(EXAMPLES / "demo.yaml")
    rows = []
    result = _run(tmp_path, ["report", demo, "-o", "report.odt"])
    rows.append(("a file ending that names no format (`-o report.odt`)", "2", _one_line_error(result)))
    # PDF to a terminal: standard output is a pseudo-terminal
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "advisor", "report", demo, "--format", "pdf"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("advisor: error: ")
    rows.append(("`--format pdf` without `-o`, standard output a terminal", "2", proc.stderr))
    hide_weasyprint(monkeypatch)
    for lang in ("en", "nb"):
        result = _run(tmp_path, ["--lang", lang, "report", demo, "-o", "report.pdf"])
        if lang == "en":
            line = _one_line_error(result)
        else:
            assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
            assert result.stderr.startswith("advisor: feil: ")
            line = result.stderr
        rows.append((f"`-o report.pdf` without the `pdf` extra (`--lang {lang}`)", "2", line))
    monkeypatch.undo()
    hide_weasyprint(monkeypatch, OSError)
    result = _run(tmp_path, ["report", demo, "-o", "report.pdf"])
    rows.append(("`-o report.pdf` where WeasyPrint cannot load Pango", "2", _one_line_error(result)))
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, nothing left
    _check_section(
        "PDF reports (`advisor report PROFILE -o report.pdf`)",
        rows,
        "PDF needs the `pdf` extra (WeasyPrint, which needs Pango from the system); the check comes "
        "before the assessment, and nothing is written.",
    )


def test_batches_skip_a_bad_profile_and_go_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-demo.yaml").write_bytes((EXAMPLES / "demo.yaml").read_bytes())
    (src / "b-tag.yaml").write_bytes(b"context:\n  population: !!int abc\n")
    (src / "c-digits.yaml").write_bytes(b"context:\n  population: " + b"9" * 5000 + b"\n")
    (src / "d-bool.yaml").write_bytes(b"arenas:\n  - name: Torget\n    ladder_level: true\n")
    (src / "e-escape.yaml").write_bytes(b'context:\n  name: "\\e]0;owned\\a\\e[2J"\n  "\\e[31mx": 1\n')
    (src / "z-levanger.yaml").write_bytes((EXAMPLES / "levanger.yaml").read_bytes())
    result = _run(tmp_path, ["batch", "in", "-o", "rows.jsonl"])
    assert result.exit_code == 0, result.output
    skipped = result.stderr.strip().splitlines()
    assert len(skipped) == 4 and all(line.startswith("advisor: skipped: ") for line in skipped), result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output
    rows_written = (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(r)["profile"] for r in rows_written] == ["in/a-demo.yaml", "in/z-levanger.yaml"]
    manifest = json.loads((tmp_path / "rows.manifest.json").read_text(encoding="utf-8"))["manifest"]
    assert [s["source"] for s in manifest["skipped"]] == [
        "in/b-tag.yaml",
        "in/c-digits.yaml",
        "in/d-bool.yaml",
        "in/e-escape.yaml",
    ]
    assert all(len(s["error"]) < 700 for s in manifest["skipped"])
    labels = [
        "a YAML tag that cannot be constructed",
        "a 5,000-digit number",
        "`ladder_level: true`",
        "terminal escapes in a key",
    ]

    # worker processes: a profile that crashes its worker, one that hangs it (faults injected by
    # tests/faults.py where a crash of the C engine would happen)
    (src / "crash.yaml").write_bytes((EXAMPLES / "demo.yaml").read_bytes())
    (src / "hang.yaml").write_bytes((EXAMPLES / "demo.yaml").read_bytes())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(TESTS)])}
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import faults; faults.run()",
            "batch",
            "in",
            "--workers",
            "2",
            "--time-limit",
            "3",
            "-o",
            "pooled.jsonl",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 120
    pooled = proc.stderr.strip().splitlines()
    assert len(pooled) == 6, proc.stderr
    pooled_rows = [
        json.loads(r)["profile"] for r in (tmp_path / "pooled.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert pooled_rows == ["in/a-demo.yaml", "in/z-levanger.yaml"]  # the batch went on
    crash = next(line for line in pooled if "crash.yaml" in line)
    hang = next(line for line in pooled if "hang.yaml" in line)
    assert "SIGSEGV" in crash and "time limit of 3 s" in hang
    rows = [(label, "0", line) for label, line in zip(labels, skipped)]
    rows.append(("a profile that crashes its worker process (SIGSEGV, injected)", "0", crash))
    rows.append(("a profile that hangs its worker process (injected; `--time-limit 3`)", "0", hang))
    _check_section(
        "Batches (`advisor batch PROFILES -o rows.jsonl`)",
        rows,
        "A profile that cannot be read or assessed is one skipped row: a line on standard error and an entry in the "
        "manifest's `skipped`; the batch goes on (exit 0, or 2 with `--strict`). In worker processes (`--workers 2` or more, "
        "or 500 profiles and more) a profile that crashes its worker or takes longer than `--time-limit` seconds "
        "(default 60) is skipped the same way; the worker is replaced.",
    )


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_hung_batch(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    """A pooled batch that is busy (one profile hangs), and its worker processes."""
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for name in ("demo.yaml", "hang.yaml"):
        (src / name).write_bytes((EXAMPLES / "demo.yaml").read_bytes())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(TESTS)])}
    proc = subprocess.Popen(
        [sys.executable, "-c", "import faults; faults.run()", "batch", "in", "--workers", "2", "-o", "rows.jsonl"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 3 and list(tmp_path.glob(".rows.jsonl.*.tmp")):  # 2 workers, the resource tracker
            time.sleep(3)  # the workers have started on the profiles
            return proc, _children(proc.pid)
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the batch did not start its workers")


def _gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_batches_and_signals(tmp_path):
    rows = []
    for signum, code, label in (
        (signal.SIGINT, 130, "Ctrl-C (SIGINT) during a batch"),
        (signal.SIGTERM, 143, "SIGTERM during a batch"),
    ):
        case = _case_dir(tmp_path, label)
        proc, workers = _start_hung_batch(case)
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == code, (proc.returncode, err)
        assert err.count("\n") == 1 and err.startswith("advisor: error: "), err
        assert _gone(workers), "worker processes outlived the batch"
        assert not list(case.glob(".*.tmp")) and not (case / "rows.jsonl").exists()
        rows.append((label, str(code), err + " — workers stopped, no temporary file left"))

    case = _case_dir(tmp_path, "kill")
    proc, workers = _start_hung_batch(case)
    temp = list(case.glob(".rows.jsonl.*.tmp"))
    assert len(temp) == 1 and re.fullmatch(rf"\.rows\.jsonl\.{proc.pid}\.[^.]+\.tmp", temp[0].name)
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(workers), "worker processes or the resource tracker outlived a kill -9 of the batch"
    again = _run(case, ["batch", "in/demo.yaml", "-o", "rows.jsonl"])
    assert again.exit_code == 0 and not list(case.glob(".*.tmp"))  # the next run cleaned up
    rows.append(
        (
            "`kill -9` of a batch",
            "137",
            "(nothing: killed) — its worker processes and the resource tracker end with it; the temporary file "
            "`.rows.jsonl.<pid>.<random>.tmp` stays until the next run that writes `rows.jsonl` removes it",
        )
    )
    _check_section(
        "Batches and signals",
        rows,
        "Worker processes end when the batch ends, however it ends (on Linux the kernel kills them: `PR_SET_PDEATHSIG`; "
        "elsewhere each watches its parent); they ignore Ctrl-C, and the batch stops them.",
    )


def test_markdown_output_is_escaped(tmp_path):
    name = "x\n\n# INJECTED\n<script>alert(5)</script>"
    (tmp_path / "profile.yaml").write_text(
        json.dumps({"context": {"name": name}, "plan": {"co_creation_status": "absent"}}), encoding="utf-8"
    )
    pack = (EXAMPLES / "variants" / "strict-anchoring.yaml").read_text(encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        pack.replace(
            "en: Co-creation rests on an old community plan",
            'en: "<img src=x onerror=alert(1)> *bold* [link](http://x)"',
        ).split("\ntests:")[0]
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "old-plan.yaml").write_text(
        json.dumps({"context": {"name": name}, "plan": {"co_creation_status": "focus_area", "adopted_year": 2010}}),
        encoding="utf-8",
    )
    rows = []
    assessed = _run(
        tmp_path, ["assess", "old-plan.yaml", "--format", "markdown", "--rules", "pack.yaml", "--lang", "en"]
    )
    assert assessed.exit_code == 0, assessed.output
    reported = _run(tmp_path, ["report", "old-plan.yaml", "-o", "r.md", "--rules", "pack.yaml", "--lang", "en"])
    assert reported.exit_code == 0, reported.output
    html = _run(tmp_path, ["report", "old-plan.yaml", "-o", "r.html", "--rules", "pack.yaml", "--lang", "en"])
    assert html.exit_code == 0
    html_text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html_text and "&lt;script&gt;" in html_text and "<img src=x" not in html_text
    for label, text in (
        ("`assess --format markdown`", assessed.stdout),
        ("`report -o r.md`", (tmp_path / "r.md").read_text(encoding="utf-8")),
    ):
        assert "<script>" not in text and "<img" not in text
        assert not any(line.startswith("# INJECTED") for line in text.splitlines())
        assert "[link](http://x)" not in text
        heading = next(line for line in text.splitlines() if line.startswith("# "))
        title = next(line for line in text.splitlines() if "onerror" in line)
        rows.append((f"{label}: a name with a heading and `<script>`", "0", heading))
        rows.append((f"{label}: a rule title with `<img onerror>`, emphasis and a link", "0", title))
    _check_section(
        "Markdown output",
        rows,
        "Every profile and pack text in Markdown is escaped: line breaks become spaces, `< >` become entities, "
        "inline markup is escaped with a backslash. The HTML report escapes them as HTML.",
    )


def test_a_long_stream_is_put_on_disk_and_dropped_from_the_cache_as_it_is_written(tmp_path, monkeypatch):
    """``write_through`` (a batch's rows on the native path): every WRITE_THROUGH bytes what was
    written is synced and dropped from the page cache, range by range; the file holds every byte;
    a sync that fails is the one-line error that names the file."""
    from advisor.core import io

    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise here")
    monkeypatch.setattr(io, "WRITE_THROUGH", 100)
    dropped = []
    real = os.posix_fadvise
    monkeypatch.setattr(
        os,
        "posix_fadvise",
        lambda fd, at, size, advice: dropped.append((at, size, advice)) or real(fd, at, size, advice),
    )
    target = tmp_path / "rows.jsonl"
    with io.open_atomic(target, binary=True) as handle:
        for k in range(7):
            assert handle.write_through(bytes([65 + k]) * 45) == 45
    assert target.read_bytes() == b"".join(bytes([65 + k]) * 45 for k in range(7))
    assert dropped == [(0, 135, os.POSIX_FADV_DONTNEED), (135, 135, os.POSIX_FADV_DONTNEED)]

    def failing(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing)
    with pytest.raises(io.InputError) as info, io.open_atomic(tmp_path / "other.jsonl", binary=True) as handle:
        handle.write_through(b"x" * 150)
    assert info.value.one_line().startswith(f"cannot write {tmp_path / 'other.jsonl'}: Input/output error")
    assert not (tmp_path / "other.jsonl").exists()
