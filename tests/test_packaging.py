"""Installs and runs anywhere: the fallback engine where durable-rules is missing, the examples
shipped with the package, the schema comment of written profiles, the wheel's contents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import advisor
from advisor.engine import interface as engines
from advisor.cli.main import main
from helpers import EXAMPLES, REPO

LEVANGER = str(EXAMPLES / "levanger.yaml")

# Runs the command line as if durable-rules were not installed: its modules cannot be imported.
WITHOUT_DURABLE = textwrap.dedent(
    """
    import sys
    sys.modules["durable_rules_engine"] = None
    sys.modules["durable"] = None
    from advisor.cli.main import main
    main(sys.argv[1:], prog_name="advisor")
    """
)


def without_durable(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("ADVISOR_ENGINE", "LANG", "LC_ALL", "LC_MESSAGES")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_DURABLE, *args], capture_output=True, text=True, env=environ, timeout=120
    )


def test_without_durable_the_reference_evaluator_runs_and_says_so():
    version = without_durable("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(
        f"advisor, version {advisor.__version__}; engine: python-reference {advisor.__version__} "
    )
    assert "durable-rules cannot be imported" in version.stdout

    done = without_durable("assess", LEVANGER, "--format", "json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)["manifest"]
    assert (manifest["engine"], manifest["engine_version"]) == ("python-reference", advisor.__version__)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: durable-rules cannot be imported")
    assert "samskaping-advisor[durable]" in lines[0]

    # the same findings as the default engine of this installation
    here = advisor.assess(advisor.load_profile(LEVANGER))
    assert json.loads(done.stdout)["diagnoses"] == json.loads(here.model_dump_json())["diagnoses"]
    assert [f["rule_id"] for f in json.loads(done.stdout)["pitfalls"]] == [f.rule_id for f in here.pitfalls]


def test_without_durable_the_notice_is_given_once_per_run_and_in_bokmal(tmp_path):
    done = without_durable("batch", str(EXAMPLES), "-o", str(tmp_path / "rows.jsonl"), env={"LANG": "nb_NO.UTF-8"})
    assert done.returncode == 0, done.stderr
    notices = [line for line in done.stderr.splitlines() if "durable-rules" in line]
    assert len(notices) == 1 and "kan ikke importeres" in notices[0]
    manifest = json.loads((tmp_path / "rows.manifest.json").read_text(encoding="utf-8"))["manifest"]
    assert manifest["engine"] == "python-reference"


def test_without_durable_a_chosen_engine_gives_no_notice_or_a_one_line_error():
    chosen = without_durable("assess", LEVANGER, env={"ADVISOR_ENGINE": "python"})
    assert chosen.returncode == 0 and chosen.stderr == ""

    refused = without_durable("assess", LEVANGER, env={"ADVISOR_ENGINE": "durable"})
    assert refused.returncode == 4 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "durable-rules engine cannot run here" in refused.stderr
    assert "Traceback" not in refused.stderr

    unknown = without_durable("assess", LEVANGER, env={"ADVISOR_ENGINE": "fast"})
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "ADVISOR_ENGINE" in unknown.stderr


def test_the_default_engine_follows_the_environment(monkeypatch):
    monkeypatch.setenv("ADVISOR_ENGINE", "python")
    assert engines.default_engine() == "python"
    assert advisor.assess(advisor.load_profile(LEVANGER)).manifest.engine == "python-reference"
    monkeypatch.delenv("ADVISOR_ENGINE")
    expected = "durable" if engines.durable_problem() is None else "python"
    assert engines.default_engine() == expected


@pytest.mark.skipif(engines.durable_problem() is not None, reason="durable-rules is not importable here")
def test_durable_rules_is_the_default_wherever_it_is_installed():
    assert advisor.assess(advisor.Profile()).manifest.engine == "durable-rules"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_example_lists_and_prints_the_shipped_examples():
    listed = run("example")
    assert listed.exit_code == 0
    names = [line.strip() for line in listed.stdout.splitlines()[1:]]
    assert names == sorted(p.relative_to(EXAMPLES).with_suffix("").as_posix() for p in EXAMPLES.rglob("*.yaml"))
    assert "levanger" in names and "variants/strict-anchoring" in names
    printed = run("example", "levanger")
    assert printed.exit_code == 0 and printed.stdout == (EXAMPLES / "levanger.yaml").read_text(encoding="utf-8")
    assert advisor.parse_profile(printed.stdout, name="levanger") == advisor.load_profile(LEVANGER)


def test_an_unknown_example_is_one_line_and_exit_2():
    result = run("example", "levanjer")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "advisor: error: no example 'levanjer' (did you mean levanger?)\n"


def test_profiles_written_by_init_point_editors_to_the_schema():
    from advisor.tools.intake import profile_yaml
    from advisor.profile.model import profile_json_schema

    text = profile_yaml(advisor.load_profile(LEVANGER))
    assert text.splitlines()[0] == "# yaml-language-server: $schema=profile.schema.json"
    schema = profile_json_schema()
    assert list(schema)[:2] == ["$schema", "$id"]
    assert schema["$id"] == "urn:samskaping-advisor:schema:profile"  # a name: no site hosts it


def test_the_report_style_sheet_is_a_package_file_inlined_in_the_page():
    # a file of the package (the wheel packages everything under advisor/, .ci/run checks it is
    # there), read with importlib.resources, so it is found wherever the package is installed
    from importlib.resources import files

    from advisor.render.report_html import render_html

    sheet = files("advisor.render").joinpath("report.css").read_text(encoding="utf-8")
    assert sheet.startswith(":root {") and "@media print" in sheet
    page = render_html(advisor.build_report([advisor.load_profile(LEVANGER)]))
    assert f"<style>\n{sheet}</style>" in page
    assert page.count("<style>") == 1 and "<link" not in page


def test_the_shipped_rule_base_is_found_inside_an_installed_package(tmp_path):
    # as a wheel lays it out (pyproject maps rules/ to advisor/_rules): the package's own folder,
    # found from the module's file (not importlib.resources, 2 ms at every start)
    site = tmp_path / "site"
    shutil.copytree(REPO / "advisor", site / "advisor", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "rules", site / "advisor" / "_rules")
    code = "import advisor; print(advisor.default_rules_path()); print(len(advisor.load_rules().rules))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site), "ADVISOR_CACHE_DIR": ""},
        cwd=str(tmp_path),
        check=True,
    )
    where, count = done.stdout.split()
    assert Path(where) == (site / "advisor" / "_rules").resolve()
    assert int(count) == len(advisor.load_rules().rules)
