"""The consultant's report (advisor/render/report*.py, advisor/render/svg.py, advisor/cli/report.py).

Golden files use a frozen test pack (tests/data/report_pack: rules/core.yaml as it was plus three
arena rules), so they do not change when the shipped rule base grows.
"""

import os
import re
import string
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import EXAMPLES, REPO, TESTS, check_golden

import advisor
from advisor.render import svg as _svg
from advisor.cli.report import informant_labels, report_cmd, write_atomic
from advisor.core.errors import InputError, ProfileError
from advisor.core.i18n import LANGUAGES, STRINGS, t
from advisor.render.report import (
    LADDER_LEVELS,
    STATUSES,
    ULRICH_TYPES,
    build_report,
    factor_weight,
    format_for,
    render_report,
)
from advisor.render.report_html import render_html
from advisor.render.report_markdown import render_markdown

DATA = TESTS / "data"
PACK_DIR = DATA / "report_pack"
DEMO = EXAMPLES / "demo.yaml"
SECOND = DATA / "demo-second-informant.yaml"
SOURCES = [
    REPO / "advisor" / name
    for name in (
        "render/report.py",
        "render/report_words.py",
        "render/report_markdown.py",
        "render/report_html.py",
        "render/svg.py",
        "cli/report.py",
    )
]


@pytest.fixture(scope="module")
def test_pack() -> advisor.RulePack:
    return advisor.load_rules(PACK_DIR)


@pytest.fixture(scope="module")
def demo_profile() -> advisor.Profile:
    return advisor.load_profile(DEMO)


@pytest.fixture(scope="module")
def second_profile() -> advisor.Profile:
    return advisor.load_profile(SECOND)


@pytest.fixture(scope="module")
def multi(test_pack, demo_profile, second_profile):
    return build_report({"demo": demo_profile, "demo-second-informant": second_profile}, test_pack, "en")


def _run(*args: str):
    return CliRunner().invoke(report_cmd, list(args))


# ------------------------------------------------------------------------------ golden files


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("ext", ["md", "html"])
def test_single_informant_report_matches_golden(tmp_path, lang, ext):
    out = tmp_path / f"report.{ext}"
    result = _run(str(DEMO), "-o", str(out), "--lang", lang, "--rules", str(PACK_DIR))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    check_golden(f"report-demo.{lang}.{ext}", out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("ext", ["md", "html"])
def test_multi_informant_report_matches_golden(tmp_path, lang, ext):
    out = tmp_path / f"report.{ext}"
    result = _run(str(DEMO), str(SECOND), "-o", str(out), "--lang", lang, "--rules", str(PACK_DIR))
    assert result.exit_code == 0, result.output
    check_golden(f"report-multi.{lang}.{ext}", out.read_text(encoding="utf-8"))


def test_output_is_deterministic(test_pack, demo_profile, second_profile):
    for lang in LANGUAGES:
        a = build_report({"a": demo_profile, "b": second_profile}, test_pack, lang)
        b = build_report({"a": demo_profile, "b": second_profile}, test_pack, lang)
        assert render_html(a) == render_html(b)
        assert render_markdown(a) == render_markdown(b)


def test_the_python_engine_gives_the_same_report(test_pack, demo_profile, second_profile):
    profiles = {"a": demo_profile, "b": second_profile}
    durable = build_report(profiles, test_pack, "en")
    python = build_report(profiles, test_pack, "en", engine="python")
    strip = lambda text: re.sub(r"\*?Reproduce with .*", "", text)  # noqa: E731 - the engine is named
    assert strip(render_markdown(durable)) == strip(render_markdown(python))


# ------------------------------------------------------------------------------ self-contained HTML


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_references_nothing_outside_itself(multi, lang):
    html = render_html(multi.model_copy(update={"lang": lang}))
    lower = html.lower()
    for forbidden in ("http:", "https:", "//", "src=", "<script", "<link", "@import", "<img", "<iframe", "xlink:href"):
        if forbidden == "//":
            assert not re.search(r"""(?:href|src)\s*=\s*["']?//""", lower)
            continue
        assert forbidden not in lower, forbidden
    assert re.findall(r'href="([^"]*)"', html), "expected internal links"
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith("#"), href
        assert f'id="{href[1:]}"' in html, f"link to a missing anchor {href}"
    for ref in re.findall(r"url\(([^)]*)\)", html):
        assert ref.startswith("#"), ref
        assert f'id="{ref[1:]}"' in html
    assert "<style>" in html and "@media print" in html
    assert html.count("<svg ") == 2


def test_html_ids_are_unique(multi):
    html = render_html(multi)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_text_is_escaped_in_html_and_svg(test_pack):
    profile = advisor.parse_profile(
        {
            "context": {"name": "Bad <script>alert(1)</script> & Co"},
            "arenas": [{"name": 'Torg "<b>x</b>"', "ladder_level": 3, "ulrich_type": "equal"}],
        },
        name="evil.yaml",
    )
    html = render_html(build_report({"evil<i>": profile}, test_pack, "en"))
    assert "<script>" not in html and "<b>x</b>" not in html and "<i>" not in html
    assert "Bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "Torg &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in html


# ------------------------------------------------------------------------------ both languages


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        keys |= set(re.findall(r"""["']((?:report|ladder|ulrich)\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    keys = {k for k in keys if not k.endswith((".", ".css"))}  # report.css is a file, not a label
    keys |= {f"report.status.{s}" for s in STATUSES}
    keys |= {f"ladder.{n}" for n in LADDER_LEVELS}
    keys |= {f"ulrich.{u}" for u in ULRICH_TYPES} | {"ulrich.unknown"}
    return keys


def test_every_label_exists_in_both_languages():
    keys = _used_keys()
    assert len(keys) > 60
    for lang in LANGUAGES:
        missing = sorted(k for k in keys if not STRINGS[lang].get(k, "").strip())
        assert not missing, f"{lang} lacks {missing}"


def test_labels_have_the_same_placeholders_in_both_languages():
    fields = lambda text: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)  # noqa: E731
    mine = [k for k in STRINGS["en"] if k.startswith(("report.", "ladder.", "ulrich."))]
    for key in mine:
        assert fields(STRINGS["en"][key]) == fields(STRINGS["nb"][key]), key


def test_the_norwegian_report_has_no_english_ui_words(multi):
    html = render_html(multi.model_copy(update={"lang": "nb"}))
    visible = re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))  # not class names
    nb = visible + render_markdown(multi.model_copy(update={"lang": "nb"}))
    for key in _used_keys() - {f"ulrich.{u}" for u in ULRICH_TYPES}:  # also profile values, shown as written
        en, no = STRINGS["en"][key], STRINGS["nb"][key]
        if en == no or "{" in en or len(en) < 6:
            continue
        assert en not in nb, key


# ------------------------------------------------------------------------------ the model


def test_factor_weight_is_the_sum_of_priorities(multi):
    assert factor_weight(["low", "medium", "high", "critical"]) == 10
    for summary in multi.factors:
        for bar in summary.bars:
            assert bar.weight == factor_weight([p for _, p in bar.findings])
            assert bar.diagnoses + bar.pitfalls == len(bar.findings)
        mine = [f for f in multi.findings if f.factor == summary.factor]
        assert summary.weight == factor_weight([f.priority for f in mine])


def test_multi_informant_model_shows_disagreement(multi):
    assert multi.labels == ("demo", "demo-second-informant")
    by_id = {f.rule_id: f for f in multi.all_findings}
    assert by_id["PLAN-002"].fired_for == ("demo",)
    assert [i.status for i in by_id["REL-002"].by_informant] == ["undecided", "fired"]
    assert by_id["LEAD-001"].unanimous
    diffs = {d.path: d for d in multi.fact_differences}
    assert diffs["plan.knowledge_base"].values == (False, True) and diffs["plan.knowledge_base"].conflict
    assert diffs["relations.invited_without_influence"].values == (None, True)
    assert not diffs["relations.invited_without_influence"].conflict
    assert diffs["arenas[Innbyggertorg].ladder_level"].values == (2, 3)
    assert "arenas.count" not in diffs and "context.name" not in diffs
    conflicts = [d.conflict for d in multi.fact_differences]
    assert conflicts == sorted(conflicts, reverse=True), "conflicts come first"
    arenas = {a.name: a for a in multi.arenas}
    assert arenas["Innbyggertorg"].differs and not arenas["Frivilligsentralen"].differs
    assert [p.informant for p in arenas["Ungdomsrådet"].placements] == ["demo-second-informant"]
    assert arenas["Ungdomsrådet"].differs
    question = next(q for q in multi.questions if q.path == "relations.invited_without_influence")
    assert question.informants == ("demo",)


def test_plan_is_ordered_by_phase_then_priority(multi):
    from advisor.rules.pack import PHASES, PRIORITIES

    keys = [(PHASES.index(f.phase), -PRIORITIES.index(f.priority)) for f in multi.plan]
    assert keys == sorted(keys)
    assert all(f.kind == "recommendation" for f in multi.plan)


def test_findings_name_their_arenas(test_pack, demo_profile):
    report = build_report([demo_profile], test_pack)
    assert report.labels == ("1",)
    finding = next(f for f in report.findings if f.rule_id == "ARENA-902")
    assert finding.by_informant[0].finding.arenas == ("Innbyggertorg",)
    assert "- **Arenas:** Innbyggertorg" in render_markdown(report)


@pytest.mark.parametrize(
    "arenas, expected",
    [
        (None, "The arenas are unknown."),
        ([], "No co-creation arenas are in use."),
        ([{"name": "Kafé"}], "Arenas known: 1, but none is placed on the ladder of co-creation."),
    ],
)
def test_reports_without_placed_arenas(test_pack, arenas, expected):
    data = {"context": {"name": "Tomkommune"}}
    if arenas is not None:
        data["arenas"] = arenas
    report = build_report([advisor.parse_profile(data, name="x.yaml")], test_pack, "en")
    md, html = render_markdown(report), render_html(report)
    assert expected in md and expected in html
    if arenas:
        assert "| ? | Level unknown | Kafé (? type unknown) |" in md
        assert "Level unknown" in html


def test_an_empty_profile_gives_a_report_without_findings(test_pack):
    report = build_report([advisor.parse_profile({}, name="empty.yaml")], test_pack, "nb")
    md = render_markdown(report)
    assert md.startswith("# Samskapingsrapport: kommune uten navn\n")
    assert t("nb", "report.summary_nothing") in md
    assert "ingen funn" in render_html(report)


def test_informant_labels_from_file_names():
    assert informant_labels(("a/demo.yaml", "b/other.json")) == ["demo", "other"]
    assert informant_labels(("a/demo.yaml", "b/demo.yaml")) == ["a/demo.yaml", "b/demo.yaml"]


def test_format_for_file_names():
    assert format_for("x/Report.HTML") == "html" and format_for("r.htm") == "html"
    assert format_for("r.md") == "markdown" and format_for("r.markdown") == "markdown"
    assert format_for("r.pdf") == "pdf" and format_for("R.PDF") == "pdf"
    assert format_for("r.odt") is None and format_for("r.pdf.txt") is None
    with pytest.raises(ValueError):
        render_report(build_report([advisor.parse_profile({})], advisor.load_rules(PACK_DIR)), "odt")


# ------------------------------------------------------------------------------ errors


def test_library_errors(test_pack, demo_profile):
    with pytest.raises(InputError, match="at least one profile"):
        build_report([], test_pack)
    with pytest.raises(ValueError, match="unknown language"):
        build_report([demo_profile], test_pack, "de")
    other = advisor.parse_profile({"context": {"name": "Annenkommune"}})
    with pytest.raises(ProfileError, match="different municipalities: Eksempelkommune \\(a\\), Annenkommune \\(b\\)"):
        build_report({"a": demo_profile, "b": other}, test_pack)
    same = advisor.parse_profile({"context": {"name": " eksempelkommune"}})
    assert build_report({"a": demo_profile, "b": same}, test_pack).municipality == "Eksempelkommune"


def test_cli_refuses_profiles_of_different_municipalities(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("context:\n  name: Annenkommune\n", encoding="utf-8")
    out = tmp_path / "r.html"
    result = _run(str(DEMO), str(other), "-o", str(out), "--rules", str(PACK_DIR))
    assert result.exit_code == 2
    assert result.stderr == (
        "advisor: error: the profiles describe different municipalities: Eksempelkommune (demo), "
        "Annenkommune (other) (a report combines informants of one municipality; make one report per "
        "municipality)\n"
    )
    assert not out.exists()


def test_cli_refuses_an_unknown_output_format(tmp_path):
    result = _run(str(DEMO), "-o", str(tmp_path / "r.odt"), "--rules", str(PACK_DIR))
    assert result.exit_code == 2
    assert result.stderr == (
        f"advisor: error: cannot tell the format of {tmp_path / 'r.odt'} (end the file name in one of "
        ".html, .htm, .md, .markdown, .pdf, or give --format)\n"
    )


def test_cli_refuses_the_same_profile_twice(tmp_path):
    result = _run(str(DEMO), str(DEMO), "-o", str(tmp_path / "r.md"), "--rules", str(PACK_DIR))
    assert result.exit_code == 2
    assert "given twice" in result.stderr


def test_cli_reports_a_bad_profile_on_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  co_creation_status: maybe\n", encoding="utf-8")
    result = _run(str(bad), "-o", str(tmp_path / "r.md"), "--rules", str(PACK_DIR))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: error: {bad}:2: plan.co_creation_status")
    assert len(result.stderr.splitlines()) == 1


def test_cli_errors_for_missing_files_and_directories(tmp_path):
    result = _run(str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "r.md"), "--rules", str(PACK_DIR))
    assert result.exit_code == 2 and result.stderr.startswith("advisor: error: ")
    result = _run(str(DEMO), "-o", str(tmp_path / "no" / "dir" / "r.md"), "--rules", str(PACK_DIR))
    assert result.exit_code == 2
    assert "directory" in result.stderr and "does not exist" in result.stderr


def test_cli_without_output_writes_to_standard_output(tmp_path):
    out = tmp_path / "r.md"
    assert _run(str(DEMO), "-o", str(out), "--rules", str(PACK_DIR)).exit_code == 0
    result = _run(str(DEMO), "--rules", str(PACK_DIR))
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == out.read_text(encoding="utf-8")
    html = _run(str(DEMO), "--rules", str(PACK_DIR), "--format", "html")
    assert html.exit_code == 0 and html.stdout.startswith("<!DOCTYPE html>")


# ------------------------------------------------------------------------------ atomic writing


def test_write_atomic_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    write_atomic(str(target), "new ø\n")
    assert target.read_text(encoding="utf-8") == "new ø\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_atomic_keeps_the_old_file_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(str(target), "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


# ------------------------------------------------------------------------------ charts


def test_wrap_cuts_long_text_with_an_ellipsis():
    assert _svg.wrap("one two three", 7) == ["one two", "three"]
    assert _svg.wrap("a b c d e f g h", 3, 2) == ["a b", "c…"]
    assert _svg.wrap("a b c d e f g h", 4, 2) == ["a b", "c d…"]
    assert _svg.wrap("Supercalifragilistic", 8, 3) == ["Superca-", "lifragi-", "listic"]
    assert _svg.wrap("", 5) == [""]


def test_charts_are_black_and_white_safe(multi):
    html = render_html(multi)
    factor_svg, ladder_svg = re.findall(r"<svg .*?</svg>", html, re.S)
    # every priority has its own pattern, and every block is labelled with its rule id
    for priority in ("high", "medium", "low"):
        assert f'id="fc-{priority}"' in factor_svg
    for summary in multi.factors:
        for bar in summary.bars:
            for rule_id, _ in bar.findings:
                assert f">{rule_id}</text>" in factor_svg
    # every Ulrich type has its own letter, and informants are tagged by number
    for letter in "ABD":
        assert re.search(f'font-weight="bold"[^>]*>{letter}</text>', ladder_svg)
    assert ">= demo-second-informant</text>" in ladder_svg
    assert 'stroke-dasharray="5 3"' in ladder_svg  # Innbyggertorg at two levels


# ------------------------------------------------------------------------------ screenshot script


def test_screenshot_script_says_when_chromium_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CHROMIUM"}
    env["PATH"] = str(tmp_path)
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "screenshot.py"), str(DEMO), "-o", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2
    assert "Chromium not found" in done.stderr and "apt-get install chromium" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_factor_with_many_findings_wraps_its_bar_and_keeps_every_label():
    blocks = tuple(_svg.Block(f"IMPL-0{i:02d}", "high" if i % 2 else "medium") for i in range(17))
    groups = [
        _svg.BarGroup("Implementation strategy", (_svg.Bar(None, blocks, "weight 42"),)),
        _svg.BarGroup("Relations", (_svg.Bar(None, blocks[:2], "weight 4"),)),
    ]
    svg = _svg.factor_chart(groups, [("high", "High"), ("medium", "Medium")], title="t", desc="d")
    assert all(f">{b.label}</text>" in svg for b in blocks)  # every block labelled
    rects = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="24" fill="url', svg)
    rows = sorted({float(y) for _, y, _ in rects[:17]})
    assert len(rows) == 3  # 17 blocks at 7 per row
    assert {float(w) for _, _, w in rects} == {64.0}
    relations_y = min(float(y) for _, y, _ in rects[17:])
    assert relations_y > rows[-1] + 24  # the next factor starts below the third row


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_strengths_have_their_own_section_and_green_blocks_in_the_factor_chart(pack, lang):
    """Namsos (shipped pack): strengths are listed apart, framed green in the chart, add no weight,
    and a recommendation whose guard is unknown is marked as conditional advice."""
    report = build_report({"namsos": advisor.load_profile(EXAMPLES / "namsos.yaml")}, pack, lang)
    strengths = [f.rule_id for f in report.strengths]
    assert "PLAN-030" in strengths and all(f.kind == "strength" for f in report.strengths)
    assert not set(strengths) & {f.rule_id for f in report.findings}
    anchoring = next(s for s in report.factors if s.factor == "anchoring")
    assert "PLAN-030" in anchoring.bars[0].strengths and anchoring.strengths >= 1
    assert anchoring.weight == factor_weight([p for _, p in anchoring.bars[0].findings])  # strengths add nothing
    html = render_html(report)
    assert f'<section id="strengths"><h2>{t(lang, "strengths")}</h2>' in html
    assert re.search(r'<rect [^>]*fill="#fff" stroke="#2e6b34" stroke-width="3"><title>PLAN-030 ', html)
    markdown = render_markdown(report)
    assert f"## {t(lang, 'strengths')}\n" in markdown and "### PLAN-030 — " in markdown
    conditional = [f for f in report.plan if f.conditional]
    assert conditional, "Namsos has recommendations whose guard is unknown"
    assert f"{conditional[0].title.get(lang)} ({t(lang, 'conditional')})" in markdown
    assert f"**{t(lang, 'unless')}:** {conditional[0].unless.get(lang)}" in markdown
