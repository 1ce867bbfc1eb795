"""Every kind of bad input a user can give, and the one line they see: docs/BAD-INPUTS.md is
generated from these cases (ADVISOR_UPDATE_GOLDEN=1 rewrites it) and must stay current."""

from __future__ import annotations

import os

from click.testing import CliRunner

from advisor._documents import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from advisor.cli import main
from helpers import REPO, UPDATE_GOLDEN

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
    ("a float in exponent form, 1.0e-5, which crashed durable-rules (valid)", "profile.yaml", b"resources: {coordinator_fte: 1.0e-5}\n"),
    ("Norwegian letters everywhere (valid)", "profile.yaml", "context:\n  name: Ærøy-Øster Åsen\narenas:\n  - name: Innbyggertorget på Øra\n".encode()),
]

PACK_HEAD = 'pack: {name: mine, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n'
PACK_RULE = (
    "  - id: {id}\n    kind: diagnosis\n    factor: leadership\n    phase: design\n    priority: high\n"
    "    evidence: empirical\n    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n"
    "    when: {when}\n    sources: [\"{source}\"]\n"
)


def _pack(*rules: dict) -> bytes:
    body = "".join(PACK_RULE.format(**{"id": "LEAD-001", "when": "{fact: leadership.leader_development, eq: false}", "source": "000_981a243478f15921.txt §6", **r}) for r in rules)
    return (PACK_HEAD + body).encode()


PACK_CASES: list[tuple[str, bytes]] = [
    ("unknown profile fact", _pack({"when": "{fact: leadership.leader_developmnt, eq: false}"})),
    ("value outside a scale", _pack({"when": "{fact: leadership.top_management_anchoring, ge: hihg}"})),
    ("operator a field does not allow", _pack({"when": "{any_arena: {fact: ulrich_type, gt: equal}}"})),
    ("duplicate rule id", _pack({}, {})),
    ("finding of a later stage", _pack({"when": "{finding: LEAD-001}"})),
    ("citation without a section", _pack({"source": "000_981a243478f15921.txt"})),
    ("citation of an unlisted document", _pack({"source": "005_unknown.txt §1"})),
    ("object-constructing YAML tag", _pack({"when": "!!python/object/apply:os.system [ls]"})),
    ("not a number: .nan", _pack({"when": "{fact: resources.coordinator_fte, ne: .nan}"})),
    ("infinity: .inf", _pack({"when": "{fact: resources.coordinator_fte, lt: .inf}"})),
    ("exponent YAML reads as text: 1e16", _pack({"when": "{fact: resources.coordinator_fte, lt: 1e16}"})),
    ("integer beyond 64 bits", _pack({"when": "{fact: context.population, lt: 100000000000000000000000}"})),
    ("an alternative binding 16 facts (durable-rules takes 15)", _pack({"when": "{all: [" + ", ".join(["{any_arena: {fact: ladder_level, ge: %d}}" % (i % 5 + 1) for i in range(15)]) + "]}"})),
]


def _run(tmp_path, args):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(cwd)


def _cell(text: str) -> str:
    return "`" + text.strip().replace("|", "\\|") + "`"


def test_bad_inputs_table(tmp_path):
    profile_rows = []
    for label, name, content in PROFILE_CASES:
        case = tmp_path / label.replace(" ", "_").replace(",", "").replace("(", "").replace(")", "")
        case.mkdir()
        if name != "missing.yaml":
            (case / name).write_bytes(content)
        result = _run(case, ["assess", name])
        if label.endswith("(valid)"):
            assert result.exit_code == 0, result.stderr
            profile_rows.append((label, "0", "the assessment (names are kept as written)" if "Norwegian" in label else "the assessment"))
            continue
        assert result.exit_code == 2, (label, result.output)
        assert result.stdout == "" and result.stderr.count("\n") == 1, (label, result.stderr)
        assert "Traceback" not in result.stderr
        profile_rows.append((label, "2", result.stderr))
    big = tmp_path / "big"
    big.mkdir()
    (big / "profile.yaml").write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    result = _run(big, ["assess", "profile.yaml"])
    assert result.exit_code == 2
    profile_rows.append(("very large file", "2", result.stderr))

    pack_rows = []
    demo = str(REPO / "examples" / "demo.yaml")
    for label, content in PACK_CASES:
        case = tmp_path / ("pack_" + label.replace(" ", "_"))
        case.mkdir()
        (case / "pack.yaml").write_bytes(content)
        result = _run(case, ["assess", demo, "--rules", "pack.yaml"])
        assert result.exit_code == 2, (label, result.output)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        pack_rows.append((label, "2", result.stderr))

    lines = [
        "# Bad input and what the user sees",
        "",
        "Generated by `tests/test_bad_inputs.py`, which runs each case through `advisor assess` and",
        "fails if this page is stale (`ADVISOR_UPDATE_GOLDEN=1 pytest` rewrites it). Every error is",
        "one line on standard error, naming the file, the line and the field where known, with a fix;",
        "the exit code is 2; no traceback.",
        "",
        "## Limits",
        "",
        f"- file size: {MAX_FILE_BYTES:,} bytes; values after YAML aliases are expanded: {MAX_NODES:,};",
        f"  nesting depth: {MAX_DEPTH}; arenas per profile: 500; text fields: 200 characters.",
        "- YAML tags, duplicate keys and more than one document per file are refused; JSON is read as YAML.",
        "- Rule packs are data: no tags, no code, no imports; they cannot read files or reach the network,",
        "  and their rules cannot loop (each rule fires at most once per assessment, stage by stage).",
        "",
        "## Profiles (`advisor assess PROFILE`)",
        "",
        "| input | exit | what the user sees |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {label} | {code} | {_cell(msg)} |" for label, code, msg in profile_rows]
    lines += ["", "## Rule packs (`advisor assess PROFILE --rules pack.yaml`)", "", "| input | exit | what the user sees |", "| --- | --- | --- |"]
    lines += [f"| {label} | {code} | {_cell(msg)} |" for label, code, msg in pack_rows]
    text = "\n".join(lines) + "\n"
    path = REPO / "docs" / "BAD-INPUTS.md"
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, "docs/BAD-INPUTS.md is stale: ADVISOR_UPDATE_GOLDEN=1 pytest"
