"""Rule-pack variants: extends chains, disable, override, new rules, stacking, test cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import advisor
from advisor import RulePackError
from advisor.rules.variants import load_variant, resolve_variant

from helpers import EXAMPLES, TESTS

DATA = TESTS / "research"
BASE = DATA / "base"
VARIANT = DATA / "variant.yaml"
EXAMPLE = EXAMPLES / "variants" / "strict-anchoring.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(paths) -> str:
    with pytest.raises(RulePackError) as info:
        load_variant(paths)
    line = info.value.one_line()
    assert "\n" not in line and info.value.exit_code == 2
    return line


def fired(pack, profile: dict) -> frozenset[str]:
    return advisor.assess(advisor.parse_profile(profile), pack).fired


EXTENDS_BASE = "extends: base\n"


@pytest.fixture(autouse=True)
def base_beside(tmp_path):
    """The base pack in the directory where the tests write their variants: a pack extends only
    packs under its own directory."""
    shutil.copytree(BASE, tmp_path / "base")


# --------------------------------------------------------------------------------------------


def test_load_rules_is_the_one_loader_of_packs_and_variants():
    # issue 11: advisor.load_rules refused a variant ("unknown key 'extends'") while every command
    # loaded it; now the public loader is the one the commands use.
    assert advisor.load_rules is load_variant
    variant = advisor.load_rules(EXAMPLE)
    resolved = resolve_variant(EXAMPLE)
    assert variant.hash == resolved.pack.hash
    shipped = {r.id for r in advisor.load_rules().rules}
    assert set(resolved.disabled) <= shipped
    assert not set(resolved.disabled) & {r.id for r in variant.rules}
    assert variant.hash != advisor.load_rules().hash


def test_a_variant_disables_overrides_and_adds():
    variant = resolve_variant(VARIANT)
    pack = variant.pack
    assert pack.info.name == "strict" and pack.info.version == "2"
    assert [r.id for r in pack.rules] == [
        "PLAN-901",
        "PLAN-902",
        "PLAN-903",
        "LEAD-901",
        "LEAD-903",
        "ARENA-901",
        "REL-901",
    ]
    assert variant.disabled == ("IMPL-901", "IMPL-903")
    assert variant.overridden == {"PLAN-901": ("when.ge", "priority"), "PLAN-902": ("title",)}
    assert variant.added == ("REL-901",)
    assert variant.layers == (str(BASE), str(VARIANT))
    assert pack.origin == str(VARIANT)
    # the threshold moved from main_goal to vision; the rest of the rule is inherited
    rule = pack.by_id["PLAN-901"]
    assert rule.when == {"fact": "plan.co_creation_status", "ge": "vision"}
    assert rule.priority == "medium" and rule.kind == "diagnosis"
    base = load_variant(BASE)
    main_goal = {"plan": {"co_creation_status": "main_goal"}}
    assert "PLAN-901" in fired(base, main_goal) and "PLAN-901" not in fired(pack, main_goal)
    # a title overridden in one language keeps the other
    title = pack.by_id["PLAN-902"].title
    assert title.en == "Adopted without a knowledge base (strict)" and title.nb == base.by_id["PLAN-902"].title.nb


def test_the_variant_hash_differs_and_is_stable():
    assert load_variant(VARIANT).hash == load_variant(VARIANT).hash
    assert load_variant(VARIANT).hash != load_variant(BASE).hash


def test_disabling_a_recommendation_drops_the_links_to_it(tmp_path):
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "disable: [IMPL-903]\n")
    pack = load_variant(path)
    assert "IMPL-903" not in pack.by_id
    assert pack.by_id["IMPL-901"].recommends == ()
    assert pack.info.name == "v"  # the name defaults to the file name


def test_disabling_a_finding_another_rule_tests_is_an_error(tmp_path):
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "disable: [PLAN-901]\n")
    assert error_of(path) == (
        f"{path}:2: disable[0]: LEAD-901 tests finding PLAN-901 in its condition "
        "(disable LEAD-901 too, or override its `when`)"
    )
    # disabling both, or overriding the condition, is fine
    assert (
        "LEAD-901"
        not in load_variant(write(tmp_path, "w.yaml", EXTENDS_BASE + "disable: [PLAN-901, LEAD-901, LEAD-903]\n")).by_id
    )
    fixed = write(
        tmp_path,
        "x.yaml",
        EXTENDS_BASE
        + "disable: [PLAN-901]\noverride:\n  LEAD-901:\n    when: {fact: leadership.top_management_anchoring, le: low}\n",
    )
    assert load_variant(fixed).by_id["LEAD-901"].when == {"fact": "leadership.top_management_anchoring", "le": "low"}


def test_disabling_the_only_finding_that_recommends_a_recommendation_is_an_error(tmp_path):
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "disable: [PLAN-902]\n")
    assert error_of(path) == (
        f"{path}:2: disable[0]: disabling PLAN-902 leaves recommendation PLAN-903 with no finding that "
        "recommends it (disable PLAN-903 too, or give it a `when` under `override:`)"
    )


def test_errors_in_an_override_name_the_variant_file_and_line(tmp_path):
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    priority: urgent\n")
    assert (
        error_of(path)
        == f"{path}:4: override.PLAN-901.priority: 'urgent' is not allowed (allowed: 'low', 'medium', 'high' or 'critical')"
    )
    path = write(tmp_path, "w.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    when.ge: visionary\n")
    assert error_of(path) == (
        f"{path}:4: override.PLAN-901.when.ge: 'visionary' is not a value of plan.co_creation_status (did you mean 'vision'?)"
    )
    path = write(tmp_path, "x.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    when.all.0.ge: vision\n")
    assert "override.PLAN-901.when.all.0.ge: when.all.0.ge is not a value of rule PLAN-901" in error_of(path)
    path = write(tmp_path, "x2.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    when.ge.x: vision\n")
    assert "override.PLAN-901.when.ge.x: when.ge.x is not a value of rule PLAN-901" in error_of(path)
    path = write(tmp_path, "y.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    priorty: low\n")
    assert (
        error_of(path)
        == f"{path}:4: override.PLAN-901.priorty: rules have no field 'priorty' (did you mean 'priority'?)"
    )
    path = write(tmp_path, "z.yaml", EXTENDS_BASE + "override:\n  PLAN-991:\n    priority: low\n")
    assert "override.PLAN-991: overrides unknown rule PLAN-991 (did you mean 'PLAN-901'?)" in error_of(path)
    path = write(tmp_path, "i.yaml", EXTENDS_BASE + "override:\n  PLAN-901:\n    id: PLAN-999\n")
    assert "the id of a rule cannot be overridden" in error_of(path)
    path = write(tmp_path, "d.yaml", EXTENDS_BASE + "disable: [PLAN-903]\noverride:\n  PLAN-903: {priority: low}\n")
    assert "PLAN-903 is both disabled and overridden" in error_of(path)


def test_a_new_rule_may_not_reuse_an_inherited_id(tmp_path):
    rule = (BASE / "rules.yaml").read_text(encoding="utf-8").split("\n\n")[0].replace("rules:\n", "")
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "rules:\n" + rule + "\n")
    assert error_of(path) == (
        f"{path}:3: rules[0].id: rule PLAN-901 is inherited from the pack this one extends "
        "(change it under `override:`, or `disable:` it to replace it)"
    )
    # disabled first, it is replaced
    replaced = write(
        tmp_path,
        "w.yaml",
        EXTENDS_BASE
        + "disable: [PLAN-901, LEAD-901, LEAD-903]\nrules:\n"
        + rule.replace("priority: low", "priority: high")
        + "\n",
    )
    assert load_variant(replaced).by_id["PLAN-901"].priority == "high"


def test_disable_and_override_need_extends(tmp_path):
    head = "pack: {name: p}\ndocuments: {000_981a243478f15921.txt: t}\n"
    assert "disable: `disable` needs `extends`" in error_of(write(tmp_path, "p.yaml", head + "disable: [PLAN-901]\n"))
    assert "override: `override` needs `extends`" in error_of(
        write(tmp_path, "q.yaml", head + "override: {PLAN-901: {priority: low}}\n")
    )
    assert "unknown key 'extend' (did you mean 'extends'?)" in error_of(
        write(tmp_path, "r.yaml", head + "extend: default\n")
    )


def test_extends_cycles_and_missing_bases_are_errors(tmp_path):
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    assert (
        error_of(a)
        == f"{tmp_path / 'b.yaml'}:1: extends: extends cycle: a.yaml → b.yaml → a.yaml (a pack cannot extend itself, directly or through others)"
    )
    me = write(tmp_path, "me.yaml", "extends: me.yaml\n")
    assert "extends cycle: me.yaml → me.yaml" in error_of(me)
    gone = write(tmp_path, "gone.yaml", "extends: nowhere.yaml\n")
    assert (
        error_of(gone)
        == f"{gone}:1: extends: extends 'nowhere.yaml', which does not exist (give a pack file or directory relative to this file, or `default`)"
    )


def test_a_chain_of_variants_and_a_directory_variant(tmp_path):
    # The directory variant extends the variant, which extends the base: each under the directory
    # of the pack that names it.
    where = tmp_path / "dirvariant"
    shutil.copytree(DATA / "dirvariant", where)
    shutil.copytree(DATA, where / "layers", ignore=shutil.ignore_patterns("dirvariant", "broken-variant.yaml"))
    variant = resolve_variant(where)
    pack = variant.pack
    assert pack.info.name == "dir-variant"
    assert "REL-901" not in pack.by_id and "CULT-901" in pack.by_id and "IMPL-901" not in pack.by_id
    assert pack.by_id["PLAN-901"].when == {"fact": "plan.co_creation_status", "ge": "vision"}  # from the middle layer
    assert variant.layers == (str(where / "layers" / "base"), str(where / "layers" / "variant.yaml"), str(where))
    assert variant.disabled == ("IMPL-901", "IMPL-903", "REL-901")
    assert variant.added == ("CULT-901",)
    assert [t.name for t in variant.tests] == ["silos"]
    # the inherited test of REL-901 is left out: this variant disables REL-901
    assert [t.name for t in variant.inherited_tests] == [
        "vision fires the main-goal diagnosis",
        "main goal is no longer enough",
    ]


def test_several_packs_are_stacked(tmp_path):
    overlay = write(tmp_path, "overlay.yaml", "disable: [IMPL-901, IMPL-903]\noverride:\n  PLAN-902: {priority: low}\n")
    pack = load_variant([BASE, overlay])
    assert "IMPL-901" not in pack.by_id and pack.by_id["PLAN-902"].priority == "low"
    assert pack.info.name == "overlay" and pack.origin == f"{BASE} + {overlay}"
    # a plain pack stacked on another adds its rules
    extra = write(
        tmp_path,
        "extra.yaml",
        "pack: {name: extra}\nrules:\n  - {id: CULT-902, kind: diagnosis, factor: relations, phase: design, priority: low, "
        "evidence: theory, title: {en: t, nb: t}, message: {en: m, nb: m}, when: {fact: culture.silos, eq: true}, "
        'sources: ["000_981a243478f15921.txt §6"]}\n',
    )
    both = load_variant([BASE, extra])
    assert [r.id for r in both.rules][-1] == "CULT-902" and len(both.rules) == 9
    assert "a pack stacked on another cannot say `extends:`" in error_of([BASE, VARIANT])


def test_extends_default_and_the_example_variant(core_default):
    variant = resolve_variant(EXAMPLE)
    pack = variant.pack
    default = load_variant("default")
    assert variant.layers == ("default", str(EXAMPLE))
    assert pack.info.name == "strict-anchoring"
    assert set(default.by_id) - set(pack.by_id) == {"PLAN-004", "PLAN-005"}
    assert set(pack.by_id) - set(default.by_id) == {"PLAN-950"}
    assert pack.by_id["PLAN-001"].when == {"fact": "plan.co_creation_status", "ge": "vision"}
    assert pack.by_id["REL-004"].message.nb == default.by_id["REL-004"].message.nb
    assert pack.by_id["REL-004"].message.en != default.by_id["REL-004"].message.en
    assert len(variant.tests) == 4


def test_the_example_variant_extends_the_shipped_pack():
    variant = resolve_variant(EXAMPLE)
    assert {"PLAN-004", "PLAN-005"}.isdisjoint(variant.pack.by_id) and "PLAN-950" in variant.pack.by_id


# --------------------------------------------------------------------------------------------
# test cases


def test_test_cases_are_parsed_with_their_profiles():
    tests = resolve_variant(VARIANT).tests
    assert [t.name for t in tests] == [
        "vision fires the main-goal diagnosis",
        "main goal is no longer enough",
        "low trust",
    ]
    assert tests[0].fires == ("PLAN-901",) and tests[1].not_fires == ("PLAN-901",)
    assert tests[2].profile.context.name == "Lavtillit"  # from profile_file, relative to the variant
    assert tests[0].where == f"{VARIANT}:23"


@pytest.mark.parametrize(
    "case, message",
    [
        (
            "{name: a, profile: {}, fires: [PLAN-9O1]}",
            "tests[0].fires[0]: test names unknown rule PLAN-9O1 (did you mean 'PLAN-901'?)",
        ),
        ("{name: a, fires: [PLAN-901]}", "tests[0]: a test case needs either `profile` or `profile_file`"),
        ("{name: a, profile: {}}", "tests[0]: a test case expects nothing (give `fires:` or `not_fires:`)"),
        (
            "{name: a, profile: {}, fires: [PLAN-901], not_fires: [PLAN-901]}",
            "tests[0]: PLAN-901 must both fire and not fire",
        ),
        (
            "{name: a, profile: {}, fire: [PLAN-901]}",
            "tests[0].fire: unknown key 'fire' in a test case (did you mean 'fires'?)",
        ),
        ("{name: a, profile_file: nope.yaml, fires: [PLAN-901]}", "tests[0].profile_file: profile_file nope.yaml: "),
    ],
)
def test_broken_test_cases_are_errors(tmp_path, case, message):
    path = write(tmp_path, "v.yaml", EXTENDS_BASE + "tests:\n  - " + case + "\n")
    assert f"{path}:3: {message}" in error_of(path)


def test_an_invalid_test_profile_names_its_line(tmp_path):
    path = write(
        tmp_path,
        "v.yaml",
        EXTENDS_BASE
        + "tests:\n  - name: a\n    fires: [PLAN-901]\n    profile:\n      plan:\n        co_creation_status: vison\n",
    )
    assert error_of(path).startswith(
        f"{path}:7: tests[0].profile.plan.co_creation_status: 'vison' is not allowed (did you mean 'vision'?"
    )


def _override(tmp_path: Path, name: str, rule: str, key: str, value: str) -> Path:
    return write(tmp_path, name, EXTENDS_BASE + f"override:\n  {rule}:\n    {key}: {value}\n")


def test_an_override_names_a_clause_by_the_fact_it_tests(tmp_path):
    # PLAN-902: all: [co_creation_status ge focus_area, any: [knowledge_base eq false, broad_involvement eq false]]
    pack = load_variant(_override(tmp_path, "a.yaml", "PLAN-902", "when[plan.co_creation_status].ge", "vision"))
    written = write(
        tmp_path,
        "whole.yaml",
        EXTENDS_BASE
        + "override:\n  PLAN-902:\n    when: {all: [{fact: plan.co_creation_status, ge: vision}, "
        + "{any: [{fact: plan.knowledge_base, eq: false}, {fact: plan.broad_involvement, eq: false}]}]}\n",
    )
    assert pack.by_id["PLAN-902"].when == load_variant(written).by_id["PLAN-902"].when
    assert pack.by_id["PLAN-902"].when != load_variant(BASE).by_id["PLAN-902"].when
    assert "PLAN-902" not in fired(pack, {"plan": {"co_creation_status": "main_goal", "knowledge_base": False}})
    assert "PLAN-902" in fired(pack, {"plan": {"co_creation_status": "vision", "knowledge_base": False}})
    # a clause deep inside `any`, and a whole clause replaced (its operator too)
    deep = load_variant(_override(tmp_path, "b.yaml", "PLAN-902", "when[plan.knowledge_base].eq", "true"))
    assert "PLAN-902" in fired(deep, {"plan": {"co_creation_status": "vision", "knowledge_base": True}})
    whole = load_variant(
        _override(
            tmp_path,
            "c.yaml",
            "PLAN-902",
            "when[plan.co_creation_status]",
            "{fact: plan.co_creation_status, eq: vision}",
        )
    )
    assert "PLAN-902" not in fired(whole, {"plan": {"co_creation_status": "main_goal", "knowledge_base": False}})
    # a condition that is one clause is named the same way
    single = load_variant(_override(tmp_path, "d.yaml", "PLAN-901", "when[plan.co_creation_status].ge", "vision"))
    assert "PLAN-901" not in fired(single, {"plan": {"co_creation_status": "main_goal"}})
    assert resolve_variant(tmp_path / "d.yaml").overridden == {"PLAN-901": ("when[plan.co_creation_status].ge",)}


def test_a_clause_name_that_matches_no_clause_or_several_is_an_error(tmp_path):
    path = _override(tmp_path, "a.yaml", "PLAN-902", "when[plan.knowledge_bse].eq", "true")
    assert error_of(path) == (
        f"{path}:4: override.PLAN-902.when[plan.knowledge_bse].eq: no clause of the when of rule PLAN-902 "
        "tests plan.knowledge_bse (did you mean 'plan.knowledge_base'?)"
    )
    path = _override(tmp_path, "b.yaml", "PLAN-902", "when[relations.citizen_trust].eq", "high")
    assert error_of(path) == (
        f"{path}:4: override.PLAN-902.when[relations.citizen_trust].eq: no clause of the when of rule PLAN-902 "
        "tests relations.citizen_trust (its clauses test: plan.broad_involvement, plan.co_creation_status, "
        "plan.knowledge_base)"
    )
    twice = write(
        tmp_path,
        "c.yaml",
        EXTENDS_BASE
        + "override:\n  PLAN-901:\n    when: {any: [{fact: plan.co_creation_status, eq: vision}, "
        + "{fact: plan.co_creation_status, eq: main_goal}]}\n",
    )
    stacked = write(tmp_path, "d.yaml", "override:\n  PLAN-901:\n    when[plan.co_creation_status].eq: focus_area\n")
    assert error_of([twice, stacked]) == (
        f"{stacked}:3: override.PLAN-901.when[plan.co_creation_status].eq: 2 clauses of the when of rule "
        "PLAN-901 test plan.co_creation_status (a fact tested more than once cannot name a clause; "
        "override the whole when)"
    )
    path = _override(tmp_path, "e.yaml", "PLAN-902", "sources[plan.knowledge_base]", "x")
    assert "only a clause of `when` or `done_when` can be named by its fact" in error_of(path)
    path = _override(tmp_path, "f.yaml", "PLAN-902", "when[plan.knowledge_base", "x")
    assert "when[plan.knowledge_base is not a path into a rule" in error_of(path)


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("when.all.0.ge", "write when[plan.co_creation_status].ge"),
        ("when.all.1.any.0.eq", "write when[plan.knowledge_base].eq"),
        ("when.all.0", "write when[plan.co_creation_status]"),
        ("when.all.1", "name the clause by the fact it tests, as when[FACT].OP, or override the whole when"),
    ],
)
def test_a_clause_named_by_its_position_is_refused_with_its_name(tmp_path, key, fix):
    path = _override(tmp_path, "p.yaml", "PLAN-902", key, "true")
    assert error_of(path) == (
        f"{path}:4: override.PLAN-902.{key}: {key} names a clause by its position, which changes when the "
        f"base rule is reordered ({fix})"
    )


def test_the_clause_errors_in_bokmal(tmp_path):
    from advisor.core.errors_nb import error_line

    path = _override(tmp_path, "p.yaml", "PLAN-902", "when.all.1.any.0.eq", "true")
    with pytest.raises(RulePackError) as info:
        load_variant(path)
    assert error_line(info.value, "nb") == (
        f"{path}:4: override.PLAN-902.when.all.1.any.0.eq: when.all.1.any.0.eq peker på en betingelse etter "
        "plassen dens, som endrer seg når grunnregelen stokkes om (skriv when[plan.knowledge_base].eq)"
    )


def test_a_pack_directory_keeps_its_test_cases_in_test_files(tmp_path):
    base = tmp_path / "mypack"
    shutil.copytree(BASE, base)
    (base / "rules.tests.yaml").write_text(
        "tests:\n  - profile: {plan: {co_creation_status: vision}}\n    fires: [PLAN-901]\n", encoding="utf-8"
    )
    variant = resolve_variant(base)
    assert [(t.fires, t.file) for t in variant.tests] == [(("PLAN-901",), str(base / "rules.tests.yaml"))]
    # an assessment does not read the test files: a broken one stops only what runs the tests
    (base / "rules.tests.yaml").write_text(
        "tests:\n  - profile: {plan: {co_creation_status: vison}}\n    fires: [PLAN-901]\n", encoding="utf-8"
    )
    assert load_variant(base).by_id["PLAN-901"]
    with pytest.raises(RulePackError, match="vison"):
        resolve_variant(base)
    (base / "rules.tests.yaml").write_text("rules: []\n", encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        resolve_variant(base)
    assert info.value.one_line() == (
        f"{base / 'rules.tests.yaml'}:1: rules: unknown key 'rules' (a test file (*.tests.yaml) holds only `tests:`)"
    )
