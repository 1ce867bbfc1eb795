"""The report as PDF (advisor/render/pdf.py, `advisor report -o x.pdf`, `advisor.report_pdf`).

The PDF is the HTML report printed by WeasyPrint (the `pdf` extra); its text is read back with
pdftotext and its pages counted with pdfinfo (Debian's poppler-utils). Where either is missing
the tests that need them are skipped, unless ADVISOR_REQUIRE_WEB_TESTS=1 (as in .ci/run), which
turns the skip into a failure. The tests of a missing extra run everywhere: they hide WeasyPrint.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import EXAMPLES, REPO, TESTS, hide_weasyprint, pdf_pages, pdf_text, pdf_words, require_or_skip

import advisor
from advisor.cli.main import main
from advisor.core.errors import InputError
from advisor.core.i18n import LANGUAGES, t
from advisor.render import pdf
from advisor.render.format import step_title
from advisor.render.report import build_report
from advisor.render.report_html import render_html

PACK_DIR = TESTS / "data" / "report_pack"
DEMO = EXAMPLES / "demo.yaml"
SECOND = TESTS / "data" / "demo-second-informant.yaml"


@pytest.fixture(scope="module")
def weasyprint():
    require_or_skip(None if pdf.available() else "WeasyPrint cannot be loaded (the pdf extra)")


@pytest.fixture(scope="module")
def multi():
    profiles = {"demo": advisor.load_profile(DEMO), "demo-second-informant": advisor.load_profile(SECOND)}
    return build_report(profiles, advisor.load_rules(PACK_DIR), "en")


@pytest.fixture(scope="module")
def rendered(weasyprint, multi):
    """The two-informant report as PDF bytes, once per language."""
    return {lang: advisor.report_pdf(multi.model_copy(update={"lang": lang})) for lang in LANGUAGES}


def _words(text: str) -> str:
    """``text`` with every run of white space one space: lines break wherever the page is full."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pdf_holds_the_report(rendered, multi, lang):
    data = rendered[lang]
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = _words(pdf_text(data))
    report = multi.model_copy(update={"lang": lang})
    assert multi.municipality
    assert text.startswith(t(lang, "report.title", name=multi.municipality))  # the page's title, first
    assert all(i.label in text for i in multi.informants)
    for finding in report.all_findings:  # strengths, diagnoses, pitfalls and the plan
        assert _words(f"{finding.rule_id} {step_title(finding, lang)}") in text, finding.rule_id
    assert report.references
    for reference in report.references:
        assert _words(reference.entry.get(lang)) in text, reference.file
    for heading in ("report.summary", "report.factors", "report.ladder", "report.by_factor", "plan", "questions"):
        assert _words(t(lang, heading)) in text, heading
    other = next(x for x in LANGUAGES if x != lang)  # and nothing of the other language's report
    assert _words(t(other, "report.summary")) not in text and _words(t(other, "plan")) not in text
    # A4 pages, as many as the content needs: a page per finding would be a broken layout
    pages, size = pdf_pages(data)
    assert size == "595.276 x 841.89 pts (A4)"
    assert 3 <= pages < len(report.all_findings), pages
    # every page is numbered at its foot: "N / pages" (where pdftotext puts the foot among the
    # page's last words depends on poppler's version: the page is searched for it)
    texts = [page for page in pdf_text(data).split("\f") if page.strip()]
    assert len(texts) == pages
    for n, page in enumerate(texts, start=1):
        assert re.search(rf"(?<!\S){n} / {pages}(?!\S)", page), (n, page[-200:])
    # nothing runs off the page: every word inside the page's margins (13 mm, some 37 points:
    # a word of a table too wide for the page lies at its edge or beyond)
    for n, (width, height, words) in enumerate(pdf_words(data), start=1):
        outside = [w for w in words if w[0] < 30 or w[2] > width - 30 or w[1] < 0 or w[3] > height]
        assert not outside, (n, outside[:5])


def test_the_same_report_gives_the_same_bytes_in_another_process(rendered, tmp_path):
    """The command line in a fresh interpreter (another hash seed) writes the very bytes of the
    library call: no creation date, no random identifier."""
    out = tmp_path / "report.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "report", str(DEMO), str(SECOND), "-o", str(out), "--rules", str(PACK_DIR)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "random"},
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout == f"{out}\n", done.stderr
    assert out.read_bytes() == rendered["en"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left


def test_format_pdf_writes_the_bytes_to_standard_output(weasyprint, monkeypatch):
    """The bytes go to standard output as they are (-q: nothing). The rendering itself is the
    other tests'; here a fixed page keeps it quick."""
    page = b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n\x00\xff\r\n%%EOF\n"  # bytes that are no text
    seen = []
    monkeypatch.setattr(pdf, "_html_to_pdf", lambda html: seen.append(html) or page)
    args = ["report", str(DEMO), "--rules", str(PACK_DIR), "--format", "pdf"]
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout_bytes, result.stderr) == (0, page, "")
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert (quiet.exit_code, quiet.stdout_bytes) == (0, b"")
    assert len(seen) == 2


def test_report_pdf_takes_profiles_or_a_built_report(weasyprint, multi):
    with pytest.raises(ValueError, match="rendered as built"):
        advisor.report_pdf(multi, lang="nb")
    with pytest.raises(InputError, match="different municipalities"):
        advisor.report_pdf([advisor.load_profile(DEMO), advisor.parse_profile({"context": {"name": "Annenkommune"}})])


def test_the_pdf_fetches_nothing(weasyprint, tmp_path):
    """A reference that slipped into the page is not followed: the page has nothing to fetch,
    and the fetcher refuses every scheme all the same."""
    secret = tmp_path / "secret.css"
    secret.write_text("h1::after { content: 'LEAKED' }", encoding="utf-8")  # WeasyPrint's default fetcher reads it
    html = f'<html><head><link rel="stylesheet" href="{secret.as_uri()}"></head><body><h1>Heading</h1></body></html>'
    text = pdf_text(pdf._html_to_pdf(html))
    assert "Heading" in text and "LEAKED" not in text


def test_rendered_from_the_html_report(weasyprint, multi, monkeypatch):
    """One rendering: the PDF is made from render_html's page, nothing else."""
    seen = []
    real = pdf._html_to_pdf
    monkeypatch.setattr(pdf, "_html_to_pdf", lambda html: seen.append(html) or real("<p>x</p>"))
    pdf.render_pdf(multi)
    assert seen == [render_html(multi)]


# ------------------------------------------------------------------------------ without the extra


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "en",
            'advisor: error: writing a PDF needs WeasyPrint, which is not installed (install it: pip install "samskaping-advisor[pdf]")\n',
        ),
        (
            "nb",
            'advisor: feil: å skrive PDF krever WeasyPrint, som ikke er installert (installer den: pip install "samskaping-advisor[pdf]")\n',
        ),
    ],
)
def test_without_the_extra_the_cli_says_how_to_install_it(monkeypatch, tmp_path, lang, expected):
    hide_weasyprint(monkeypatch)
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["--lang", lang, "report", str(DEMO), "-o", str(out)])
    assert (result.exit_code, result.stderr, result.stdout) == (2, expected, "")
    assert list(tmp_path.iterdir()) == []


def test_without_the_extra_the_library_raises_an_input_error(monkeypatch):
    hide_weasyprint(monkeypatch)
    assert not pdf.available()
    with pytest.raises(InputError, match="needs WeasyPrint") as caught:
        advisor.report_pdf([advisor.load_profile(DEMO)])
    assert caught.value.exit_code == 2 and "[pdf]" in (caught.value.hint or "")
    # the other formats do not need it
    assert render_html(build_report([advisor.load_profile(DEMO)])).startswith("<!DOCTYPE html>")


def test_without_pango_the_cli_names_the_system_library(monkeypatch, tmp_path):
    hide_weasyprint(monkeypatch, OSError)
    result = CliRunner().invoke(main, ["report", str(DEMO), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert result.stderr == (
        "advisor: error: WeasyPrint cannot load its system libraries: cannot load library 'libpango-1.0-0': "
        "libpango-1.0-0: cannot open shared object file (install Pango; on Debian: apt-get install "
        "libpango-1.0-0 libpangoft2-1.0-0)\n"
    )
