"""Loading rule packs: the shipped pack, and the errors a pack author can make."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import advisor
from advisor import RulePackError
from helpers import SEEDS

RULE = """
  - id: {id}
    kind: {kind}
    factor: anchoring
    phase: initiation
    priority: high
    evidence: empirical
    title: {{en: t, nb: t}}
    message: {{en: m, nb: m}}
{extra}    sources: ["{source}"]
"""
HEAD = 'pack: {name: test, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n'


def _pack(tmp_path, *rules: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(HEAD + "".join(rules), encoding="utf-8")
    return path


def rule(
    id="PLAN-001",
    kind="diagnosis",
    when="{fact: plan.knowledge_base, eq: false}",
    extra="",
    source="000_981a243478f15921.txt §6",
):
    body = f"    when: {when}\n" if when else ""
    return RULE.format(id=id, kind=kind, extra=body + extra, source=source)


def _error(tmp_path, *rules) -> str:
    with pytest.raises(RulePackError) as info:
        advisor.load_rules(_pack(tmp_path, *rules))
    line = info.value.one_line()
    assert "\n" not in line and info.value.exit_code == 2
    return line


def test_shipped_pack_loads_from_the_package(pack):
    assert pack.info.name == "default"
    assert len(pack.rules) >= 15
    assert {r.kind for r in pack.rules} == {"strength", "diagnosis", "pitfall", "recommendation"}
    assert {r.factor for r in pack.rules} == {"anchoring", "leadership", "implementation", "relations"}


def test_shipped_pack_is_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert advisor.load_rules().info.name == "default"


def test_every_rule_cites_a_source_section_that_exists():
    if not SEEDS.is_dir():
        pytest.skip("the seed documents are not beside the repository")
    pack = advisor.load_rules()
    texts = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}
    for r in pack.rules:
        for source in (*r.sources, *(s for c in r.contrasts for s in c.sources)):
            assert source.doc in texts, f"{r.id} cites a missing document {source.doc}"
            lines = texts[source.doc]
            if re.fullmatch(r"[0-9]+(\.[0-9]+)*", source.section):
                heading = re.compile(rf"^\s*{re.escape(source.section)}\.?\s")
                assert any(heading.match(line) for line in lines), (
                    f"{r.id}: §{source.section} not found in {source.doc}"
                )
            if source.lines:
                first, _, last = source.lines.partition("-")
                assert 1 <= int(first) <= int(last or first) <= len(lines), f"{r.id}: lines {source.lines} out of range"


def test_a_minimal_pack_loads(tmp_path):
    pack = advisor.load_rules(_pack(tmp_path, rule()))
    assert pack.by_id["PLAN-001"].sources[0].section == "6"


def test_unknown_fact_suggests_the_right_one(tmp_path):
    line = _error(tmp_path, rule(when="{fact: plan.knowledge_bse, eq: false}"))
    assert "unknown profile fact 'plan.knowledge_bse'" in line
    assert "did you mean 'plan.knowledge_base'?" in line
    assert "pack.yaml:13: rules[0].when.fact" in line


def test_value_outside_the_scale(tmp_path):
    line = _error(tmp_path, rule(when="{fact: plan.political_anchoring, ge: hihg}"))
    assert "did you mean 'high'?" in line


def test_ordering_a_nominal_field_is_refused(tmp_path):
    line = _error(tmp_path, rule(when="{any_arena: {fact: ulrich_type, lt: equal}}"))
    assert "has no order" in line


def test_unknown_operator(tmp_path):
    assert "did you mean 'eq'?" in _error(tmp_path, rule(when="{fact: plan.knowledge_base, eqq: false}"))


def test_unknown_condition_form(tmp_path):
    assert "did you mean 'any'?" in _error(tmp_path, rule(when="{anny: [{fact: plan.knowledge_base, eq: false}]}"))


def test_not_over_any_arena_is_refused(tmp_path):
    assert "cannot wrap any_arena" in _error(tmp_path, rule(when="{not: {any_arena: {fact: ladder_level, ge: 3}}}"))


def test_duplicate_ids(tmp_path):
    line = _error(tmp_path, rule(), rule())
    assert "duplicate rule id PLAN-001" in line and "first defined in" in line


def test_bad_id(tmp_path):
    assert "rules[0].id" in _error(tmp_path, rule(id="plan-1"))


def test_unknown_kind_suggests(tmp_path):
    assert "did you mean 'pitfall'?" in _error(tmp_path, rule(kind="pitfal"))


def test_citation_must_name_a_listed_document(tmp_path):
    assert "does not list" in _error(tmp_path, rule(source="999_nope.txt §1"))


def test_citation_must_have_a_section(tmp_path):
    assert "is not a citation" in _error(tmp_path, rule(source="000_981a243478f15921.txt"))


def test_a_rule_needs_a_source(tmp_path):
    text = rule().replace('    sources: ["000_981a243478f15921.txt §6"]\n', "    sources: []\n")
    assert "sources" in _error(tmp_path, text)


def test_findings_of_a_later_stage_are_refused(tmp_path):
    line = _error(
        tmp_path,
        rule(id="PLAN-001", when="{finding: PLAN-002}"),
        rule(id="PLAN-002", kind="pitfall"),
    )
    assert "cannot test the finding PLAN-002 (pitfall)" in line


def test_unknown_finding_is_refused(tmp_path):
    assert "did you mean 'PLAN-001'?" in _error(
        tmp_path, rule(id="PLAN-001"), rule(id="PLAN-003", kind="pitfall", when="{finding: PLAN-011}")
    )


def test_recommends_must_point_at_a_recommendation(tmp_path):
    line = _error(
        tmp_path, rule(id="PLAN-001", extra="    recommends: [PLAN-002]\n"), rule(id="PLAN-002", kind="pitfall")
    )
    assert "which is a pitfall" in line


def test_a_recommendation_that_can_never_fire(tmp_path):
    assert "can never fire" in _error(tmp_path, rule(id="PLAN-009", kind="recommendation", when=None))


def test_yaml_tags_in_packs_are_refused(tmp_path):
    assert "tag" in _error(tmp_path, rule(when="!!python/name:os.system"))


def test_unknown_rule_key(tmp_path):
    assert "did you mean 'recommends'?" in _error(tmp_path, rule(extra="    recommend: []\n"))


def test_directory_pack_needs_pack_yaml(tmp_path):
    (tmp_path / "rules.yaml").write_text("rules: []\n")
    with pytest.raises(RulePackError, match="pack.yaml"):
        advisor.load_rules(tmp_path)


def test_pack_hash_depends_on_content_not_location(tmp_path):
    a = advisor.load_rules(_pack(tmp_path, rule()))
    other = tmp_path / "other"
    other.mkdir()
    b = advisor.load_rules(_pack(other, rule()))
    c = advisor.load_rules(_pack(other, rule(when="{fact: plan.knowledge_base, eq: true}")))
    assert a.hash == b.hash != c.hash


def test_the_shipped_rule_base_covers_the_five_documents(pack):
    assert len(pack.rules) >= 70
    for doc in pack.documents:
        citing = [r.id for r in pack.rules if any(s.doc == doc for s in r.sources)]
        assert len(citing) >= 5, f"{doc} is cited by only {citing}"


def test_every_finding_links_to_a_recommendation_or_is_one(pack):
    """Diagnoses and pitfalls tell the municipality what to do: each links a recommendation,
    except positive diagnoses (where the municipality already stands well)."""
    unlinked = [r.id for r in pack.rules if r.kind == "pitfall" and not r.recommends]
    assert not unlinked, f"pitfalls without a recommendation: {unlinked}"
