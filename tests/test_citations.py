"""Readable citations from the pack's bibliography, and contrasting views (issue 13 §5, §6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import advisor
from advisor import RulePackError
from advisor.render.catalogue import rule_catalogue
from advisor.cli.main import main
from advisor.render.tools import render_explanation
from advisor.tools.explain import explain
from advisor.render.format import render, rule_detail
from advisor.render.report import build_report
from advisor.render.report_html import render_html
from advisor.render.report_markdown import render_markdown
from advisor.rules.pack import Source
from helpers import EXAMPLES

#: A seed file name as the pack writes it; no user-facing text should show one.
FILE_NAME = re.compile(r"\b00[0-9]_[0-9a-f]{16}\.txt\b")

BIB = """\
documents:
  000_981a243478f15921.txt:
    author: "Lundgren, Patrik"
    year: 2023
    title: "[A described title]"
    kind: mba_thesis
    institution: Nord universitet
  002_ff62d10c30c710c7.txt:
    short: {en: Stad article, nb: Stad-artikkelen}
    title: "An article"
    kind: article
    sections:
      volunteers: {en: "«Er aktørene likeverdige?»", nb: "«Er aktørene likeverdige?»"}
"""

RULE = """\
  - id: REL-103
    kind: diagnosis
    factor: relations
    phase: design
    priority: high
    evidence: empirical
    title: {en: Does not coordinate, nb: Koordinerer ikke}
    message: {en: The municipality stays out., nb: Kommunen holder seg utenfor.}
    when: {fact: relations.municipality_as_facilitator, eq: false}
    sources: ["000_981a243478f15921.txt §6 (lines 4457-4461)", "000_981a243478f15921.txt §5.1.3 (lines 3752-3770)"]
"""

CONTRAST = """\
    contrasts:
      - statement: {en: "Volunteers decide for themselves.", nb: "De frivillige bestemmer selv."}
        sources: ["002_ff62d10c30c710c7.txt §volunteers (lines 55-57)"]
"""

PROFILE = {"relations": {"municipality_as_facilitator": False}}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _pack(tmp_path: Path, rule: str = RULE + CONTRAST, documents: str = BIB) -> advisor.RulePack:
    return advisor.load_rules(_write(tmp_path, 'pack: {name: test, version: "1"}\n' + documents + "rules:\n" + rule))


def _error(tmp_path: Path, rule: str = RULE + CONTRAST, documents: str = BIB) -> str:
    with pytest.raises(RulePackError) as info:
        _pack(tmp_path, rule, documents)
    line = info.value.one_line()
    assert "\n" not in line and info.value.exit_code == 2
    return line


# ------------------------------------------------------------------------------ the bibliography


def test_a_citation_names_author_year_and_section_without_lines(tmp_path):
    pack = _pack(tmp_path)
    rule = pack.by_id["REL-103"]
    assert pack.cite(rule.sources[0]).en == "Lundgren (2023) §6"
    assert pack.cite(rule.sources[0]).nb == "Lundgren (2023) §6"
    # one text per document, each section once, in the order first cited
    assert [c.en for c in pack.readable_citations["REL-103"]] == ["Lundgren (2023) §6, §5.1.3"]


def test_a_document_without_author_or_year_is_cited_by_its_short_name_in_each_language(tmp_path):
    pack = _pack(tmp_path)
    source = pack.by_id["REL-103"].contrasts[0].sources[0]
    assert pack.cite(source).en == "Stad article (n.d.), «Er aktørene likeverdige?»"
    assert pack.cite(source).nb == "Stad-artikkelen (u.å.), «Er aktørene likeverdige?»"


def test_the_reference_list_entry_gives_author_year_title_kind_and_institution(tmp_path):
    pack = _pack(tmp_path)
    lundgren = pack.documents["000_981a243478f15921.txt"]
    assert lundgren.entry("en", "x") == "Lundgren, Patrik (2023). [A described title]. MBA thesis, Nord universitet."
    assert lundgren.entry("nb", "x") == "Lundgren, Patrik (2023). [A described title]. MBA-oppgave, Nord universitet."
    assert (
        pack.documents["002_ff62d10c30c710c7.txt"].entry("nb", "x") == "Stad-artikkelen (u.å.). An article. Artikkel."
    )


def test_a_document_given_by_its_title_alone_is_still_cited_by_its_file_name(tmp_path):
    pack = _pack(tmp_path, RULE, "documents: {000_981a243478f15921.txt: thesis}\n")
    assert pack.cite(pack.by_id["REL-103"].sources[0]).en == "000_981a243478f15921.txt §6"


def test_a_document_needs_an_author_or_a_short_name(tmp_path):
    documents = "documents:\n  000_981a243478f15921.txt: {title: A thesis, year: 2023}\n"
    line = _error(tmp_path, RULE, documents)
    assert "pack.yaml:3" in line and "no author and no `short`" in line


def test_a_wrong_bibliography_field_is_refused_with_a_suggestion(tmp_path):
    documents = "documents:\n  000_981a243478f15921.txt: {title: A thesis, autor: X}\n"
    line = _error(tmp_path, RULE, documents)
    assert "autor" in line and "author" in line


def test_an_unknown_document_kind_is_refused(tmp_path):
    documents = "documents:\n  000_981a243478f15921.txt: {title: A thesis, author: X, kind: blog}\n"
    assert "'blog' is not allowed" in _error(tmp_path, RULE, documents)


def test_the_json_keeps_files_and_line_ranges_beside_the_readable_citations(tmp_path):
    pack = _pack(tmp_path)
    data = json.loads(render(advisor.assess(advisor.parse_profile(PROFILE), pack), "json"))
    finding = data["diagnoses"][0]
    assert finding["sources"] == [
        "000_981a243478f15921.txt §6 (lines 4457-4461)",
        "000_981a243478f15921.txt §5.1.3 (lines 3752-3770)",
    ]
    assert finding["citations"] == [{"en": "Lundgren (2023) §6, §5.1.3", "nb": "Lundgren (2023) §6, §5.1.3"}]
    assert finding["contrasts"][0]["sources"] == ["002_ff62d10c30c710c7.txt §volunteers (lines 55-57)"]


@pytest.mark.parametrize("lang", ["en", "nb"])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_assessments_of_the_shipped_pack_cite_no_file_names(fmt, lang):
    for name in ("asker", "levanger", "demo"):
        out = render(advisor.assess(advisor.load_profile(EXAMPLES / f"{name}.yaml")), fmt, lang)
        assert not FILE_NAME.search(out), f"{name}: {FILE_NAME.search(out)[0]}"
        assert "(lines " not in out and "(linje " not in out
        assert not re.search(r"(?<![-\w.])00[0-9]( §|[);,])", out), (
            "a short reference such as '000 §2.2.4' in a fact's description"
        )


def test_every_document_of_the_shipped_pack_is_a_full_reference(pack):
    for file, ref in pack.documents.items():
        assert ref.kind and ref.title and (ref.author or ref.short), file
        assert ref.label("en", file) != file
    assert pack.cite(Source.parse("000_981a243478f15921.txt §5.1.5 (lines 4227-4230)")).en == "Lundgren (2023) §5.1.5"


def test_every_named_section_the_shipped_pack_cites_has_a_readable_name(pack):
    """A section cited by a name (``§advice``) rather than a number reads as the document's
    heading, not as an English slug."""
    for rule in pack.rules:
        for source in (*rule.sources, *(s for c in rule.contrasts for s in c.sources)):
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", source.section):
                assert source.section in pack.documents[source.doc].sections, f"{rule.id}: §{source.section}"


# ------------------------------------------------------------------------------ contrasts


def test_a_passage_cited_as_a_source_cannot_also_be_a_contrast(tmp_path):
    rule = RULE + CONTRAST.replace(
        "002_ff62d10c30c710c7.txt §volunteers (lines 55-57)", "000_981a243478f15921.txt §6 (lines 4459-4470)"
    )
    line = _error(tmp_path, rule)
    assert "pack.yaml:" in line and "as a source and" in line and "contrasts[0].sources[0]" in line


def test_distinct_lines_of_one_section_may_support_and_contrast(tmp_path):
    rule = RULE + CONTRAST.replace(
        "002_ff62d10c30c710c7.txt §volunteers (lines 55-57)", "000_981a243478f15921.txt §6 (lines 4449-4451)"
    )
    assert _pack(tmp_path, rule).by_id["REL-103"].contrasts[0].sources[0].lines == "4449-4451"


def test_a_contrast_must_cite_a_listed_document(tmp_path):
    rule = RULE + CONTRAST.replace("002_ff62d10c30c710c7", "003_a6b5e6328dd2afa0")
    assert "which the pack's `documents` does not list" in _error(tmp_path, rule)


def test_a_contrast_needs_a_statement_in_both_languages_and_a_source(tmp_path):
    assert "nb" in _error(tmp_path, RULE + CONTRAST.replace(', nb: "De frivillige bestemmer selv."', ""))
    no_source = RULE + '    contrasts:\n      - statement: {en: "x", nb: "y"}\n        sources: []\n'
    assert "contrasts" in _error(tmp_path, no_source)


@pytest.mark.parametrize(
    "lang, label, text, cited",
    [
        (
            "en",
            "Contrasting view",
            "Volunteers decide for themselves.",
            "Stad article (n.d.), «Er aktørene likeverdige?»",
        ),
        ("nb", "Motsatt syn", "De frivillige bestemmer selv.", "Stad-artikkelen (u.å.), «Er aktørene likeverdige?»"),
    ],
)
def test_a_contrast_is_shown_wherever_the_finding_is_shown(tmp_path, lang, label, text, cited):
    pack = _pack(tmp_path)
    profile = advisor.parse_profile(PROFILE)
    result = advisor.assess(profile, pack)
    expected = f"{text} ({cited})"
    markdown = render(result, "markdown", lang)
    assert f"- **{label}:** {expected}" in markdown
    assert f"REL-103: {expected}" in render(result, "table", lang)
    report = build_report([profile], pack, lang)
    assert f"- **{label}:** {expected}" in render_markdown(report)
    html = render_html(report)
    assert f"<dt>{label}</dt><dd>{text} ({cited})</dd>" in html.replace("&#x27;", "'")
    explained = render_explanation(explain(profile, "REL-103", pack), lang)
    assert expected in explained and ("lines 55–57" if lang == "en" else "linje 55–57") in explained
    shown = rule_detail(pack, pack.by_id["REL-103"], lang)
    assert text in shown and cited in shown
    # never among the sources
    sources_line = next(
        line for line in markdown.splitlines() if line.startswith("- **" + ("Sources" if lang == "en" else "Kilder"))
    )
    assert "Stad" not in sources_line


def test_the_catalogue_lists_contrasts_apart_from_sources(tmp_path):
    pack = _pack(tmp_path)
    catalogue = rule_catalogue(pack)
    assert (
        "- **contrasting view:** Volunteers decide for themselves. — Stad article (n.d.), «Er aktørene likeverdige?» (`002_ff62d10c30c710c7.txt §volunteers (lines 55-57)`)"
        in catalogue
    )
    assert "- **sources:** Lundgren (2023) §6 (`000_981a243478f15921.txt §6 (lines 4457-4461)`)" in catalogue


def test_the_report_ends_with_the_reference_list_of_sources_and_contrasts(tmp_path):
    pack = _pack(tmp_path)
    report = build_report([advisor.parse_profile(PROFILE)], pack, "nb")
    assert [r.file for r in report.references] == ["000_981a243478f15921.txt", "002_ff62d10c30c710c7.txt"]
    markdown = render_markdown(report)
    tail = markdown[markdown.index("## Litteratur") :]
    # pack text is escaped for Markdown: the brackets show as written, not as a link
    assert (
        "- Lundgren, Patrik (2023). \\[A described title\\]. MBA-oppgave, Nord universitet. (fil `000_981a243478f15921.txt`)"
        in tail
    )
    assert "- Stad-artikkelen (u.å.). An article. Artikkel." in tail
    assert "## " not in tail[3:], "the reference list is the last section"
    html = render_html(report)
    sections = re.findall(r'<section id="([a-z-]+)"', html)
    assert sections[-1] == "references"
    assert "Lundgren, Patrik (2023). [A described title]. MBA-oppgave, Nord universitet." in html


def test_the_shipped_pack_shows_disagreements_as_contrasts_not_sources(pack):
    with_contrasts = [r for r in pack.rules if r.contrasts]
    assert len(with_contrasts) >= 10
    for rule in with_contrasts:
        for contrast in rule.contrasts:
            assert contrast.statement.en and contrast.statement.nb
    result = advisor.assess(advisor.load_profile(EXAMPLES / "asker.yaml"))
    shown = {f.rule_id for f in result.findings if f.contrasts}
    assert shown, "the Asker example shows at least one contrasting view"


def test_rules_show_and_explain_keep_the_line_ranges_for_researchers():
    result = CliRunner().invoke(main, ["rules", "show", "CULT-053", "--lang", "nb"])
    assert result.exit_code == 0
    assert "Asker-oppgaven (2016) §5.3  [001_4e926ba9684e72c5.txt §5.3, linje 3673–3681]" in result.output
    assert "Kobro (u.å.), lysark «Det er ikke bare et nytt ord for dugnad!»" in result.output
