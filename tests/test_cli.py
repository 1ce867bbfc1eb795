"""The command line, through click's CliRunner: whole outputs against golden files, and errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from advisor import __version__
from advisor.cli import main
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
    assert schema["$id"].startswith("https://") and schema["$id"].endswith(".json")
    assert list(schema)[:2] == ["$schema", "$id"]


def test_version_names_the_engine():
    from advisor.engines import default_engine, engine_label

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


def test_fail_on_exit_code(tmp_path):
    assert run("assess", DEMO, "--fail-on", "critical").exit_code == 3
    assert run("assess", DEMO, "--fail-on", "high").exit_code == 3
    calm = tmp_path / "calm.yaml"
    calm.write_text("relations:\n  citizen_trust: high\n", encoding="utf-8")
    assert run("assess", str(calm), "--fail-on", "high").exit_code == 0
    assert run("assess", str(calm), "--fail-on", "low").exit_code == 3


def test_usage_error_exit_2():
    result = run("assess", DEMO, "--format", "pdf")
    assert result.exit_code == 2


def test_internal_errors_print_one_line_not_a_traceback(monkeypatch):
    import advisor.cli as cli

    def broken(*args, **kwargs):
        raise KeyError("x")

    monkeypatch.setattr(cli, "assess", broken)
    monkeypatch.delenv("ADVISOR_DEBUG", raising=False)
    result = run("assess", DEMO)
    assert result.exit_code == 1
    assert result.stderr.startswith("advisor: internal error: KeyError")
    assert "Traceback" not in result.stderr
