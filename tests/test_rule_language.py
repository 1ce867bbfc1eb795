"""The rule language, kinder to write (issue 11): loader features, tested on small packs."""

from __future__ import annotations

from pathlib import Path

import pytest

import advisor
from advisor import RulePackError

HEAD = 'pack: {name: test, version: "1"}\ndocuments: {000_981a243478f15921.txt: thesis}\n'


def _rule(rid: str, fields: str) -> str:
    return (
        f"  - id: {rid}\n"
        "    kind: diagnosis\n"
        "    priority: high\n"
        f"{fields}"
        "    title: {en: t, nb: t}\n"
        "    message: {en: m, nb: m}\n"
        "    when: {fact: plan.knowledge_base, eq: false}\n"
        '    sources: ["000_981a243478f15921.txt §6"]\n'
    )


FULL = "    factor: leadership\n    phase: design\n    evidence: theory\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_file_level_defaults_fill_what_a_rule_leaves_out(tmp_path):
    written = advisor.load_rules(_write(tmp_path, "a.yaml", HEAD + "rules:\n" + _rule("PLAN-001", FULL)))
    defaulted = advisor.load_rules(
        _write(
            tmp_path,
            "b.yaml",
            HEAD + "defaults: {factor: leadership, phase: design, evidence: theory}\nrules:\n" + _rule("PLAN-001", ""),
        )
    )
    rule = defaulted.by_id["PLAN-001"]
    assert (rule.factor, rule.phase, rule.evidence) == ("leadership", "design", "theory")
    assert defaulted.hash == written.hash  # the same rules, however they are written


def test_a_rule_s_own_value_beats_the_default_and_defaults_stay_in_their_file(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    _write(pack, "pack.yaml", HEAD)
    _write(
        pack,
        "a.yaml",
        "defaults: {factor: relations, phase: evaluation, evidence: practice}\nrules:\n"
        + _rule("PLAN-001", "")
        + _rule("PLAN-002", "    factor: anchoring\n"),
    )
    _write(pack, "b.yaml", "rules:\n" + _rule("PLAN-003", FULL))
    loaded = advisor.load_rules(pack)
    assert loaded.by_id["PLAN-001"].factor == "relations"
    assert loaded.by_id["PLAN-002"].factor == "anchoring"
    assert (loaded.by_id["PLAN-002"].phase, loaded.by_id["PLAN-002"].evidence) == ("evaluation", "practice")
    assert loaded.by_id["PLAN-003"].factor == "leadership"  # b.yaml has no defaults of its own


@pytest.mark.parametrize(
    "defaults, message",
    [
        (
            "{priority: high}",
            "a.yaml:3: defaults.priority: 'priority' cannot have a default (defaults are given for factor, phase, evidence)",
        ),
        ("{factor: leadershp}", "a.yaml:3: defaults.factor: 'leadershp' is not a factor (did you mean 'leadership'?)"),
        (
            "[factor]",
            "a.yaml:3: defaults: `defaults` maps rule fields to values (write {factor: leadership}; fields: factor, phase, evidence)",
        ),
    ],
)
def test_bad_defaults_name_the_file_line_and_fix(tmp_path, defaults, message):
    path = _write(tmp_path, "a.yaml", HEAD + f"defaults: {defaults}\nrules:\n" + _rule("PLAN-001", FULL))
    with pytest.raises(RulePackError) as info:
        advisor.load_rules(path)
    assert info.value.one_line().endswith(message)


def test_a_rule_missing_a_field_without_a_default_is_still_an_error(tmp_path):
    path = _write(tmp_path, "a.yaml", HEAD + "defaults: {factor: leadership}\nrules:\n" + _rule("PLAN-001", ""))
    with pytest.raises(RulePackError, match="phase"):
        advisor.load_rules(path)


def test_a_variant_may_give_defaults_to_its_new_rules(tmp_path):
    path = _write(
        tmp_path,
        "v.yaml",
        "extends: default\ndocuments: {000_981a243478f15921.txt: thesis}\n"
        "defaults: {factor: leadership, phase: design, evidence: theory}\nrules:\n" + _rule("TEST-001", ""),
    )
    variant = advisor.load_rules(path)
    assert variant.by_id["TEST-001"].factor == "leadership"
    shipped = advisor.load_rules()
    some = shipped.rules[0]
    assert variant.by_id[some.id].factor == some.factor  # inherited rules keep theirs


def _recommendation(rid: str, extra: str) -> str:
    return (
        f"  - id: {rid}\n"
        "    kind: recommendation\n"
        "    priority: high\n"
        f"{FULL}"
        "    title: {en: r, nb: r}\n"
        "    message: {en: m, nb: m}\n"
        '    done_when_none: "nothing to observe"\n'
        '    sources: ["000_981a243478f15921.txt §6"]\n'
        f"{extra}"
    )


def test_a_recommendation_names_what_it_addresses(tmp_path):
    linked = advisor.load_rules(
        _write(
            tmp_path,
            "a.yaml",
            HEAD + "rules:\n" + _rule("PLAN-001", FULL) + _recommendation("PLAN-101", "    addresses: [PLAN-001]\n"),
        )
    )
    written = advisor.load_rules(
        _write(
            tmp_path,
            "b.yaml",
            HEAD
            + "rules:\n"
            + _rule("PLAN-001", FULL + "    recommends: [PLAN-101]\n")
            + _recommendation("PLAN-101", ""),
        )
    )
    assert linked.by_id["PLAN-001"].recommends == ("PLAN-101",)
    assert linked.hash == written.hash  # the same pack, linked from either end
    profile = advisor.parse_profile({"plan": {"knowledge_base": False}})
    assert {f.rule_id for f in advisor.assess(profile, linked, engine="python").recommendations} == {"PLAN-101"}


@pytest.mark.parametrize(
    "addresses, message",
    [
        ("[PLAN-002]", "addresses unknown rule PLAN-002 (did you mean 'PLAN-001'?)"),
        (
            "[PLAN-101]",
            "addresses PLAN-101, which is a recommendation (a recommendation addresses findings: strengths, diagnoses or pitfalls)",
        ),
        ("PLAN-001", "`addresses` is a list of rule ids (write addresses: [PLAN-001])"),
    ],
)
def test_bad_addresses_name_the_line_and_fix(tmp_path, addresses, message):
    path = _write(
        tmp_path,
        "a.yaml",
        HEAD + "rules:\n" + _rule("PLAN-001", FULL) + _recommendation("PLAN-101", f"    addresses: {addresses}\n"),
    )
    with pytest.raises(RulePackError) as info:
        advisor.load_rules(path)
    assert info.value.one_line().startswith(f"{path}:24: rules[1].addresses") and info.value.one_line().endswith(
        message
    )


def test_only_a_recommendation_addresses(tmp_path):
    path = _write(tmp_path, "a.yaml", HEAD + "rules:\n" + _rule("PLAN-001", FULL + "    addresses: [PLAN-001]\n"))
    with pytest.raises(RulePackError, match="only a recommendation says which findings it addresses"):
        advisor.load_rules(path)
