"""The command line, through click's CliRunner: whole outputs against golden files, and errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import __version__
from advisor.cli.main import main
from helpers import EXAMPLES, check_golden

DEMO = str(EXAMPLES / "demo.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt, ext", [("table", "txt"), ("markdown", "md")])
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_assess_golden(fmt, ext, lang):
    result = run("assess", DEMO, "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    check_golden(f"assess-demo.{lang}.{ext}", result.stdout)


def test_assess_json_golden():
    result = run("assess", DEMO, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["municipality"] == "Eksempelkommune"
    check_golden("assess-demo.json", result.stdout)


def test_output_is_deterministic():
    outputs = {run("assess", DEMO, "--format", fmt).stdout for fmt in ["json"] * 3}
    assert len(outputs) == 1


def test_language_comes_from_the_locale_when_not_given(monkeypatch):
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert run("assess", DEMO).stdout.startswith("Klar for samskaping")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run("assess", DEMO).stdout.startswith("Co-creation readiness")


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_rules_list_golden(lang):
    result = run("rules", "list", "--lang", lang)
    assert result.exit_code == 0
    check_golden(f"rules-list.{lang}.txt", result.stdout)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_rules_show_golden(lang):
    result = run("rules", "show", "IMPL-001", "--lang", lang)
    assert result.exit_code == 0
    check_golden(f"rules-show-IMPL-001.{lang}.txt", result.stdout)


def test_rules_show_unknown_id_suggests():
    result = run("rules", "show", "IMLP-001")
    assert result.exit_code == 2
    assert result.stderr == "advisor: error: no rule IMLP-001 in pack default (did you mean IMPL-001?)\n"


def test_schema_is_json_schema_of_the_profile():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert result.exit_code == 0
    assert set(schema["properties"]) >= {"context", "plan", "leadership", "arenas"}
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:samskaping-advisor:schema:profile"
    assert list(schema)[:2] == ["$schema", "$id"]


def test_version_names_the_engine():
    from advisor.engine.interface import default_engine, engine_label

    result = run("--version")
    name, version = engine_label(default_engine())
    assert result.stdout.startswith(f"advisor, version {__version__}; engine: {name} {version}")
    assert result.stdout.count("\n") == 1


def test_every_command_is_registered_under_its_own_name():
    """Names are given explicitly, not derived from function names (click 8.1 made `assess_cmd`
    into `assess-cmd`)."""
    from click import Context

    ctx = Context(main)
    names = main.list_commands(ctx)
    assert {"assess", "rules", "schema", "example", "report", "init", "next-steps"} <= set(names)
    for name in names:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name, name
        assert not name.endswith(("-cmd", "_cmd")), name


def test_malformed_profile_exit_2_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("context:\n  name: X\nleadership:\n  top_management_anchoring: strong\n", encoding="utf-8")
    result = run("assess", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"advisor: error: {bad}:4: leadership.top_management_anchoring: 'strong' is not allowed "
        "(use one of: none, low, medium, high, or leave it out if unknown)\n"
    )


def test_missing_profile_exit_2(tmp_path):
    result = run("assess", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "profile file not found" in result.stderr and "Traceback" not in result.stderr


def test_broken_rule_pack_exit_2(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: {name: x}\nrules:\n  - id: X\n", encoding="utf-8")
    result = run("assess", DEMO, "--rules", str(pack))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: error: {pack}:3: rules[0].id: ")
    assert result.stderr.count("\n") == 1


def test_fail_on_counts_diagnoses_and_pitfalls_not_recommendations():
    levanger = str(EXAMPLES / "levanger.yaml")
    data = json.loads(run("assess", levanger, "--format", "json").stdout)
    kinds_at = {(f["kind"], f["priority"]) for key in ("diagnoses", "pitfalls", "recommendations") for f in data[key]}
    # Levanger's only critical finding is a recommendation; its diagnoses and pitfalls go up to high
    assert ("recommendation", "critical") in kinds_at
    assert not any(p == "critical" for k, p in kinds_at if k != "recommendation")
    assert ("pitfall", "high") in kinds_at
    assert run("assess", levanger, "--fail-on", "critical").exit_code == 0
    assert run("assess", levanger, "--fail-on", "high").exit_code == 3


def test_fail_on_exit_code(tmp_path):
    assert run("assess", DEMO, "--fail-on", "high").exit_code == 3
    calm = tmp_path / "calm.yaml"
    calm.write_text("plan:\n  co_creation_status: main_goal\n", encoding="utf-8")  # one low diagnosis
    assert run("assess", str(calm), "--fail-on", "high").exit_code == 0
    assert run("assess", str(calm), "--fail-on", "low").exit_code == 3
    strong = tmp_path / "strong.yaml"
    strong.write_text("relations:\n  citizen_trust: high\n", encoding="utf-8")  # one low strength
    assert run("assess", str(strong), "--fail-on", "low").exit_code == 0  # a strength does not count


def test_usage_error_exit_2():
    result = run("assess", DEMO, "--format", "pdf")
    assert result.exit_code == 2


def test_internal_errors_print_one_line_not_a_traceback(monkeypatch):
    import advisor.cli.main as cli

    def broken(*args, **kwargs):
        raise KeyError("x")

    monkeypatch.setattr(cli, "assess", broken)
    monkeypatch.delenv("ADVISOR_DEBUG", raising=False)
    result = run("assess", DEMO)
    assert result.exit_code == 1
    assert result.stderr.startswith("advisor: internal error: KeyError")
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------ one set of conventions


def test_usage_errors_in_the_one_error_style():
    result = run("assess", DEMO, "--format", "pdf")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "advisor: error: invalid value for '--format': 'pdf' is not one of 'text', 'json', 'markdown' "
        "(see `advisor assess --help`)\n"
    )
    nb = run("assess", DEMO, "--format", "pdf", "--lang", "nb")
    assert nb.stderr == (
        "advisor: feil: ugyldig verdi for '--format': 'pdf' er ikke en av 'text', 'json', 'markdown' "
        "(se `advisor assess --help`)\n"
    )
    for args in (["asess"], ["assess"], ["assess", DEMO, "--bogus"], ["sample", "-n", "x", "-o", "x"]):
        result = run(*args)
        assert result.exit_code == 2 and result.stderr.startswith("advisor: error: "), args
        assert "Error:" not in result.stderr and result.stderr.count("\n") == 1


def test_old_spellings_keep_working_or_say_what_to_write(tmp_path):
    assert run("assess", DEMO, "--format", "table").stdout == run("assess", DEMO, "--format", "text").stdout
    old = run("sample", "--n", "3", "-o", str(tmp_path / "s"))
    assert old.exit_code == 2
    assert (
        old.stderr == "advisor: error: --n is now -n/--count: write -n 3 or --count 3 (see `advisor sample --help`)\n"
    )
    assert not (tmp_path / "s").exists()


def test_sample_takes_its_format_from_the_name_of_the_file_where_none_is_given(tmp_path):
    """`-o samples.jsonl` writes one JSON Lines file (it made a directory of YAML files so named);
    a name with another suffix is still a directory of YAML files, and --format still decides."""
    inferred = run("sample", "-n", "3", "--seed", "4", "-o", str(tmp_path / "s.JSONL"))
    assert inferred.exit_code == 0  # the message is wrapped to the terminal's width
    assert inferred.stdout.split() == f"Profiles written to {tmp_path / 's.JSONL'}: 3.".split()
    explicit = run("sample", "-n", "3", "--seed", "4", "--format", "jsonl", "-o", str(tmp_path / "t.txt"))
    assert explicit.exit_code == 0
    assert (tmp_path / "s.JSONL").read_bytes() == (tmp_path / "t.txt").read_bytes()
    assert len((tmp_path / "s.JSONL").read_bytes().splitlines()) == 3
    assert run("sample", "-n", "2", "-o", str(tmp_path / "d.json")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "d.json").iterdir()) == ["sample-0001.yaml", "sample-0002.yaml"]
    yaml_in_jsonl = run("sample", "-n", "2", "--format", "yaml", "-o", str(tmp_path / "y.jsonl"))
    assert yaml_in_jsonl.exit_code == 0 and (tmp_path / "y.jsonl" / "sample-0002.yaml").is_file()


def test_a_report_on_a_file_whose_name_is_no_utf8_names_it_with_its_bytes_escaped(tmp_path):
    """The informant's label comes from the file's name; a byte of it that is no UTF-8 (held by
    Python as a lone surrogate, which no UTF-8 output can hold) is written as ``\\xfe`` (it was an
    internal error), and two such names stay two informants."""
    import os

    try:
        first = tmp_path / os.fsdecode(b"rektor-\xfe.yaml")
        second = tmp_path / os.fsdecode(b"rektor-\xff.yaml")
        for path in (first, second):
            shutil.copyfile(DEMO, path)
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    result = run("report", str(first), str(second), "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "informants: rektor-\\\\xfe, rektor-\\\\xff." in text  # Markdown escapes the backslash


def test_a_dash_reads_the_profile_from_standard_input():
    text = (EXAMPLES / "demo.yaml").read_text(encoding="utf-8")
    piped = CliRunner().invoke(main, ["assess", "-", "--format", "json"], input=text)
    assert piped.exit_code == 0
    assert piped.stdout == run("assess", DEMO, "--format", "json").stdout
    bad = CliRunner().invoke(main, ["assess", "-"], input="plan: {knowledge_bas: true}\n")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("advisor: error: <stdin>:1: plan.knowledge_bas: unknown field")


def test_rules_check_and_test_take_packs_via_rules():
    variant = str(EXAMPLES / "variants" / "strict-anchoring.yaml")
    clean = run("rules", "check", "--rules", variant)
    assert clean.exit_code == 0 and clean.stderr == ""
    assert clean.stdout.startswith("Pack strict-anchoring: ") and clean.stdout.endswith("no problems.\n")
    old = run("rules", "check", variant)
    assert old.exit_code == 0 and old.stdout == clean.stdout
    assert old.stderr == (
        f"advisor: warning: packs are given with --rules now: write `--rules {variant}`; "
        "packs as arguments will stop working\n"
    )
    tests = run("rules", "test", "--rules", variant)
    assert tests.exit_code == 0 and tests.stdout == run("rules", "test", variant).stdout


def _every_command(tmp_path, examples=EXAMPLES):
    """One invocation of every command (without --lang), with the files they need."""
    samples = tmp_path / "samples"
    run("sample", "-n", "3", "--seed", "1", "-o", str(samples))
    variant = str(examples / "variants" / "strict-anchoring.yaml")
    levanger = str(examples / "levanger.yaml")
    demo = str(examples / "demo.yaml")
    return {
        "assess": ["assess", demo],
        "assess-md": ["assess", demo, "--format", "markdown"],
        "report": ["report", demo],
        "explain": ["explain", levanger, "LEAD-002"],
        "whatif": ["whatif", levanger, "--set", "implementation.strategy.exists=true"],
        "next-steps": ["next-steps", levanger],
        "diff": ["diff", levanger, demo],
        "rules list": ["rules", "list"],
        "rules show": ["rules", "show", "IMPL-001"],
        "rules catalogue": ["rules", "catalogue"],
        "rules check": ["rules", "check", "--rules", variant],
        "rules test": ["rules", "test", "--rules", variant],
        "sample": ["sample", "-n", "3", "-o", str(tmp_path / "more")],
        "batch": ["batch", str(samples), "-o", str(tmp_path / "rows.jsonl")],
        "compare": ["compare", str(samples), "--rules", "default", "--rules", variant],
        "schema": ["schema"],
        "example": ["example"],
    }


def test_quiet_on_every_command_prints_nothing(tmp_path):
    for name, args in _every_command(tmp_path).items():
        loud = run(*args)
        assert loud.exit_code == 0 and loud.stdout, name
        quiet = run(*args, "-q")
        assert quiet.exit_code == 0, (name, quiet.stderr)
        assert quiet.stdout == "" and quiet.stderr == "", name
    assert (tmp_path / "rows.jsonl").read_text(encoding="utf-8").count("\n") == 3
    out = tmp_path / "init.yaml"
    result = CliRunner().invoke(main, ["init", str(out), "-q"], input="\n" * 200)
    assert result.exit_code == 0 and result.stdout == "" and out.exists()


def test_init_takes_its_file_with_o_as_the_other_commands_do(tmp_path):
    """`advisor init -o FILE` writes FILE, the same profile as `advisor init FILE`; two different
    files are refused in one line, before the interview."""
    answers = "Testby\n" + "\n" * 300
    given = CliRunner().invoke(main, ["init", str(tmp_path / "a.yaml"), "-q"], input=answers)
    with_o = CliRunner().invoke(main, ["init", "-o", str(tmp_path / "b.yaml"), "-q"], input=answers)
    assert given.exit_code == with_o.exit_code == 0
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == (tmp_path / "b.yaml").read_text(encoding="utf-8")
    both = run("init", str(tmp_path / "c.yaml"), "-o", str(tmp_path / "d.yaml"))
    assert both.exit_code == 2 and both.stderr == (
        f"advisor: error: two files to write: {tmp_path / 'c.yaml'} and -o {tmp_path / 'd.yaml'} "
        "(give the file once, as OUTPUT or with -o)\n"
    )
    assert not (tmp_path / "c.yaml").exists() and not (tmp_path / "d.yaml").exists()


# ------------------------------------------------------------------------------ the terminal's width

#: Commands whose output is a data format (Markdown, JSON), not text for a terminal: not wrapped.
DATA_OUTPUT = {"assess-md", "report", "rules catalogue", "schema"}


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_no_text_output_is_wider_than_80_columns(tmp_path, monkeypatch, lang):
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.chdir(tmp_path)  # file names as a user types them, not pytest's long ones
    shutil.copytree(EXAMPLES, "examples")
    commands = _every_command(Path("."), Path("examples"))
    for name, args in commands.items():
        if name in DATA_OUTPUT:
            continue
        result = run(*args, "--lang", lang) if name != "schema" else run(*args)
        assert result.exit_code == 0, (name, result.stderr)
        too_wide = [line for line in result.stdout.splitlines() if len(line) > 80]
        assert not too_wide, (name, too_wide[:3])
    for args in [[], ["rules"]] + [a[:2] if a[0] == "rules" else a[:1] for a in commands.values()]:
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, args
    interview = CliRunner().invoke(main, ["init", "interview.yaml", "--lang", lang], input="\n" * 300)
    assert interview.exit_code == 0
    assert [line for line in interview.stdout.splitlines() if len(line) > 80] == []


def test_the_width_follows_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    narrow = run("rules", "list").stdout.splitlines()
    assert max(len(line) for line in narrow) <= 60
    monkeypatch.setenv("COLUMNS", "200")
    wide = run("rules", "list").stdout.splitlines()
    assert max(len(line) for line in wide) > 80 and len(wide) < len(narrow)


# ------------------------------------------------------------------------------ Norwegian all through

#: English words a bokmål reader should not meet (none of them is also a Norwegian word).
ENGLISH = {
    "the",
    "and",
    "of",
    "is",
    "are",
    "was",
    "were",
    "with",
    "from",
    "this",
    "that",
    "these",
    "which",
    "what",
    "when",
    "where",
    "why",
    "how",
    "not",
    "no",
    "yes",
    "true",
    "false",
    "unknown",
    "lines",
    "line",
    "before",
    "after",
    "none",
    "rule",
    "rules",
    "pack",
    "profile",
    "profiles",
    "fact",
    "facts",
    "finding",
    "findings",
    "diagnosis",
    "diagnoses",
    "pitfall",
    "pitfalls",
    "recommendation",
    "recommendations",
    "error",
    "warning",
    "usage",
    "options",
    "show",
    "message",
    "exit",
    "default",
    "required",
    "file",
    "directory",
    "output",
    "language",
    "format",
    "priority",
    "kind",
    "factor",
    "phase",
    "evidence",
    "skipped",
    "written",
    "wrote",
    "assessed",
    "known",
    "question",
    "questions",
    "step",
    "steps",
    "weight",
    "condition",
    "sources",
    "changes",
    "resolves",
    "introduces",
    "score",
    "now",
    "try",
    "only",
    "also",
    "every",
    "each",
    "problems",
    "passed",
    "failed",
    "cases",
    "command",
    "commands",
    "aborted",
    "missing",
    "invalid",
}


def _codes() -> set[str]:
    """The codes of the profile's scales and of the rule format a reader should see in words."""
    import typing

    from advisor.profile import model as profile_module
    from advisor.rules.pack import FACTORS, KINDS, PHASES, PRIORITIES, Evidence

    codes = set(KINDS) | set(PRIORITIES) | set(FACTORS) | set(PHASES) | set(typing.get_args(Evidence))
    for model in vars(profile_module).values():
        if isinstance(model, type) and hasattr(model, "model_fields"):
            for field in model.model_fields.values():
                for arg in typing.get_args(field.annotation) or (field.annotation,):
                    if typing.get_origin(arg) is typing.Literal:
                        codes |= set(typing.get_args(arg))
                    for inner in typing.get_args(arg):
                        if typing.get_origin(inner) is typing.Literal:
                            codes |= set(typing.get_args(inner))
    return {c for c in codes if isinstance(c, str)} - {"design", "under", "over", "passive"}  # also bokmål words


#: What a bokmål reader sees as written, not translated: fact paths, --set expressions, rule ids,
#: file names, option names, choices to type, commands, and the YAML condition `rules show` prints
_AS_WRITTEN = [
    re.compile(r"^(  |    )(- )?(all|any|not|fact|arena|finding|[a-z_]+): .*$|^when:$", re.M),  # rules show: the YAML
    re.compile(r"`[^`]*`"),
    re.compile(r"\[[a-z|]+\]"),  # choices: [en|nb]
    re.compile(r"--?[a-z][\w-]*"),
    re.compile(r"[\w\[\]./-]+\.(yaml|jsonl|json|md|html|txt)\b"),
    re.compile(r"[\w\[\]]+(?:\.[\w\[\]]+)+(=\S+)?"),  # fact paths and --set expressions
    re.compile(r"^\s*advisor .*$", re.M),
    re.compile(r"\b[a-z]+-[a-z-]+\b"),  # pack names: strict-anchoring, durable-rules
    re.compile(r"(?<![\[(])\bdefault\b"),  # the name of the shipped pack (not "[default:" of click)
    re.compile(r"\badvisor(?: [a-z-]+)+"),  # command names: advisor rules show
    re.compile(r"^  [a-z-]+(?=  )", re.M),  # the command names of a group's help
    re.compile(r"§\S+"),  # the section of a cited document, as the document names it
    re.compile(r"JSON Lines"),  # the name of a format
    re.compile(r"\S+/\S+"),  # paths and names to type: variants/profiles/recent-plan
]


def _not_bokmal(text: str, pack_data: "set[str]") -> list[str]:
    for line in pack_data:
        text = text.replace(line, "")
    for pattern in _AS_WRITTEN:
        text = pattern.sub(" ", text)
    words = re.findall(r"[A-Za-z_]+", text)
    codes = _codes()
    return sorted({w for w in words if w.lower() in ENGLISH or w in codes})


def test_a_batch_says_why_it_skipped_a_profile_in_bokmal(tmp_path):
    """The line on standard error per skipped profile is in the language of the run; the manifest
    keeps the English line (data), which is what an English run prints."""
    from test_bad_inputs import BOMB, PROFILE_CASES

    cases = {label: data for label, _name, data in PROFILE_CASES}
    src = tmp_path / "in"
    src.mkdir()
    for i, label in enumerate(
        [
            "wrong type",
            "value out of range",
            "value outside a scale",
            "unknown key",
            "empty file",
            "a list, not a mapping",
            "binary file",
            "not UTF-8 (Latin-1)",
            "duplicate key",
            "object-constructing YAML tag",
            "two YAML documents",
            "nesting too deep",
            "a 4 MB name",
            "501 arenas",
        ]
    ):
        (src / f"{i:02d}.yaml").write_bytes(cases[label])
    (src / "15.yaml").write_bytes(BOMB.encode())
    (src / "16.jsonl").write_bytes(b'{"plan": {"adopted_year": 1e400}}\n[1]\n{"a": 1, "a": 2}\n')
    english = run("batch", str(src), "-o", str(tmp_path / "en.jsonl"), "--workers", "1")
    bokmal = run("batch", str(src), "-o", str(tmp_path / "nb.jsonl"), "--workers", "1", "--lang", "nb")
    assert english.exit_code == bokmal.exit_code == 0
    manifest = json.loads((tmp_path / "en.manifest.json").read_text(encoding="utf-8"))["manifest"]
    assert len(manifest["skipped"]) == 18
    assert english.stderr == "".join(f"advisor: skipped: {s['error']}\n" for s in manifest["skipped"])
    lines = bokmal.stderr.splitlines()
    assert len(lines) == 18 and all(line.startswith("advisor: hoppet over: ") for line in lines)
    assert _not_bokmal(bokmal.stderr, {"none, low, medium, high", "'high'"}) == []  # a scale's values, as written


def test_the_words_of_the_yaml_and_json_parsers_in_bokmal(tmp_path):
    """A profile that does not parse: the parser's words (libyaml's, json's) are in bokmål too,
    inside advisor's own message, not only the message around them and its hint."""
    yaml = pytest.importorskip("yaml")
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("the messages are libyaml's; PyYAML's pure-Python parser words them otherwise")
    cases = {
        "a.yaml": b"context:\n  name: a: b\n",
        "b.yaml": b"context:\n  name: [a, b\n",
        "c.yaml": b"context:\n\tname: a\n",
        "d.yaml": b"context:\n  name: *x\n",
        "e.yaml": b'context:\n  name: "abc\n',
        "f.json": b'{"context": {"name": "a"}',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = run("assess", str(tmp_path / name), "--lang", "nb")
        assert result.exit_code == 2 and result.stderr.startswith("advisor: feil: "), result.stderr
        assert _not_bokmal(result.stderr, set()) == [], result.stderr
    assert run("assess", str(tmp_path / "b.yaml"), "--lang", "nb").stderr == (
        f"advisor: feil: {tmp_path / 'b.yaml'}:3: ikke gyldig YAML/JSON: fant ikke ',' eller ']' der det var ventet "
        "(sjekk innrykk, kolon og anførselstegn rundt den linjen)\n"
    )


def test_a_recorded_error_comes_apart_where_one_line_joins_it():
    """recorded_line gives a recorded English line in bokmål as error_line gives the error itself,
    and leaves a line it cannot take apart, or one in English, as it is."""
    from advisor.core.errors import ProfileError
    from advisor.core.errors_nb import error_line, recorded_line

    errors = [
        ProfileError("profile is empty", file="a.yaml", hint="write at least `context: {name: ...}`; see examples/"),
        ProfileError(
            "unknown field 'x' (and 2 more problems)",
            file="a b.yaml",
            line=3,
            path=("plan", "x"),
            hint="did you mean 'y'?",
        ),
        ProfileError("nested too deeply", file="p.jsonl", line=4, hint="flatten the document"),
        ProfileError("has too many items: at most 500, got 501", file="q.yaml", line=1, path=("arenas",)),
        ProfileError("something new (with a note)", file="a.yaml", path=("arenas", 2, "name")),
    ]
    for exc in errors:
        line = exc.one_line()
        assert exc.file is not None
        assert recorded_line(exc.file, line, "en") == line
        assert recorded_line(exc.file, line, "nb") == error_line(exc, "nb")
        assert recorded_line("elsewhere.yaml", line, "nb") == line
    assert recorded_line("a b.yaml", errors[1].one_line(), "nb") == (
        "a b.yaml:3: plan.x: ukjent felt 'x' (og 2 problemer til) (mente du 'y'?)"
    )
    # what a worker process that crashed or hung leaves (advisor/engine/pool.py)
    crashed = (
        "in/c.yaml: not assessed: the worker process assessing it ended (SIGSEGV), as when the inference engine crashes"
    )
    assert recorded_line("in/c.yaml", crashed, "nb") == (
        "in/c.yaml: ikke vurdert: arbeidsprosessen som vurderte den, stoppet (SIGSEGV), "
        "slik den gjør når slutningsmotoren krasjer"
    )
    hung = "in/h.yaml: not assessed: took longer than the time limit of 3 s"
    assert recorded_line("in/h.yaml", hung, "nb") == "in/h.yaml: ikke vurdert: tok lengre tid enn tidsgrensen på 3 s"


def test_bokmal_all_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "examples")
    commands = _every_command(Path("."), Path("examples"))
    commands["whatif"] += ["--set", "plan.co_creation_status=vision"]
    commands["explain-values"] = ["explain", "examples/demo.yaml", "IMPL-001"]
    import advisor

    variant = advisor.rules.variants.resolve_variant(["examples/variants/strict-anchoring.yaml"])
    # what a rule pack holds in one language: the names of its test cases
    pack_data = {case.name for case in variant.tests}
    leaks = {}
    for name, args in commands.items():
        if name in ("schema", "rules catalogue"):  # data: the JSON Schema, and docs/RULES.md
            continue
        result = run(*args, "--lang", "nb")
        assert result.exit_code == 0, (name, result.stderr)
        found = _not_bokmal(result.stdout + result.stderr, pack_data)
        if found:
            leaks[name] = found
    for args in [[], ["rules"]] + [a[:2] if a[0] == "rules" else a[:1] for a in commands.values()]:
        result = run(*args, "--help", "--lang", "nb")
        found = _not_bokmal(result.stdout, pack_data)
        if found:
            leaks[" ".join(args + ["--help"])] = found
    assert not leaks


def test_the_bokmal_check_finds_english():
    assert _not_bokmal("Usage: advisor assess [OPTIONS] PROFILE", set()) == ["OPTIONS", "PROFILE", "Usage"]
    assert _not_bokmal("implementation.strategy.exists er false (faktisk: unknown)", set()) == ["false", "unknown"]
    assert _not_bokmal("Prioritet: high; 1 diagnoses", set()) == ["diagnoses", "high"]
    assert _not_bokmal("plan.co_creation_status er main_goal", set()) == ["main_goal"]
    assert _not_bokmal("Kilder: 000.txt §5 (lines 3-4)", set()) == ["lines"]


def test_every_help_text_has_its_bokmal():
    import click

    from advisor.cli.help import fold
    from advisor.core.locale import catalogue

    HELP_NB = catalogue("nb", "help")["help"]

    ctx = click.Context(main)
    missing = []

    def walk(cmd, name):
        texts = [cmd.help] + [getattr(p, "help", None) for p in cmd.params] + [cmd.get_help_option(ctx).help]
        missing.extend((name, text) for text in texts if text and fold(text) not in HELP_NB)
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, sub), f"{name} {sub}")

    walk(main, "advisor")
    assert not missing


def test_help_follows_the_language_read_before_click_parses(monkeypatch):
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert run("assess", "--help").stdout.startswith("Bruk: advisor assess [VALG] PROFIL\n")
    assert run("assess", "--help", "--lang", "en").stdout.startswith("Usage: advisor assess [OPTIONS] PROFILE\n")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run("--lang", "nb", "assess", "--help").stdout.startswith("Bruk: ")
    assert run("--lang", "nb", "assess", DEMO).stdout.startswith("Klar for samskaping")
    helped = run("assess", "-h", "--lang", "nb")
    assert "  [standard: text]" in helped.stdout, helped.stderr


def test_the_errors_a_user_meets_most_in_bokmal(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("context:\n  name: X\nleadership:\n  top_management_anchoring: strong\n", encoding="utf-8")
    result = run("assess", str(bad), "--lang", "nb")
    assert result.exit_code == 2
    assert result.stderr == (
        f"advisor: feil: {bad}:4: leadership.top_management_anchoring: 'strong' er ikke tillatt "
        "(bruk en av: none, low, medium, high, eller utelat det hvis det er ukjent)\n"
    )
    assert run("assess", str(tmp_path / "nope.yaml"), "--lang", "nb").stderr == (
        f"advisor: feil: {tmp_path / 'nope.yaml'}: finner ikke profilfilen (sjekk stien)\n"
    )
    piped = CliRunner().invoke(
        main, ["assess", "-", "--lang", "nb"], input="context: {population: -5}\nplan: {x: 1, y: 2}\n"
    )
    assert piped.stderr.startswith("advisor: feil: <stdin>:")
    assert run("rules", "show", "IMLP-001", "--lang", "nb").stderr == (
        "advisor: feil: ingen regel IMLP-001 i pakken default (mente du IMPL-001?)\n"
    )
    whatif = run("whatif", DEMO, "--set", "plan.knowledge_base=kanskje", "--lang", "nb")
    assert whatif.stderr == (
        "advisor: feil: --set plan.knowledge_base=kanskje: plan.knowledge_base er `true` eller `false`, "
        "ikke 'kanskje' (skriv `true` eller `false`, eller `null` for ukjent)\n"
    )
    for result in (piped, whatif):
        assert _not_bokmal(result.stderr, set()) == []
