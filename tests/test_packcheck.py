"""`advisor rules check` (every problem at once) and `advisor rules test` (a pack's test cases)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from advisor import RulePackError
from advisor.cli.research import rules_check, rules_test
from advisor.tools.packcheck import check_pack, dead_alternatives, run_pack_tests
from advisor.rules.variants import load_variant

from helpers import REPO, TESTS, check_golden

DATA = TESTS / "research"
RULE = (
    "  - id: {id}\n    kind: {kind}\n    factor: anchoring\n    phase: initiation\n    priority: high\n"
    "    evidence: empirical\n    title: {{en: t, nb: t}}\n    message: {{en: m, nb: m}}\n"
    '    when: {when}\n    sources: ["000_981a243478f15921.txt §6"]\n'
)
HEAD = "pack: {name: test}\ndocuments: {000_981a243478f15921.txt: thesis}\nrules:\n"


@pytest.fixture
def in_data(monkeypatch):
    """Run from tests/research, so that outputs name files by short relative paths."""
    monkeypatch.chdir(DATA)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    """The outputs here name pytest's long temporary paths, replaced after the run: no wrapping
    (the width has its own tests in test_cli.py)."""
    monkeypatch.setenv("COLUMNS", "1000")


def pack_with(tmp_path, *rules: tuple[str, str, str]):
    path = tmp_path / "pack.yaml"
    path.write_text(HEAD + "".join(RULE.format(id=i, kind=k, when=w) for i, k, w in rules), encoding="utf-8")
    return path


def dead(tmp_path, when: str) -> list[tuple]:
    pack = load_variant(pack_with(tmp_path, ("PLAN-001", "diagnosis", when)))
    return dead_alternatives(pack)


# --------------------------------------------------------------------------------------------
# rules check


def test_a_clean_variant_has_no_problems(in_data):
    report = check_pack("variant.yaml")
    assert report.ok and report.pack == "strict" and report.rules == 7 and report.tests == 3
    result = CliRunner().invoke(rules_check, ["--rules", "variant.yaml"])
    assert result.exit_code == 0
    assert result.stdout == "Pack strict: 7 rules, 3 test cases, no problems.\n"


def test_every_problem_is_reported_at_once(in_data):
    report = check_pack("broken-variant.yaml")
    check_golden("research-rules-check-broken.txt", "\n".join(report.lines()) + "\n")
    text = "\n".join(report.lines())
    for expected in [
        "disable[0]: LEAD-901 tests finding PLAN-901",  # a link to a disabled rule
        "disable[2]: disables unknown rule NOPE-001",  # an unknown id
        "override.PLAN-902.priority: 'urgent' is not allowed",  # schema, in an override
        "rules[0].kind: 'pitfal' is not allowed (did you mean 'pitfall'?)",  # schema: two in one rule
        "rules[0].title.nb: required field is missing",
        "rules[0].when.all[1].fact: unknown profile fact 'relations.citizen_trst'",  # two in one condition
        "rules[0].when.all[2].eq: plan.knowledge_base is true or false, not 'maybe'",
        "REL-902 can never fire: relations.citizen_trust ≤ low and relations.citizen_trust ≥ medium cannot all hold",
        "REL-903 can never fire: it needs finding REL-902, which can never fire",
        "alternative 2 of 3 of REL-904's condition can never hold: an arena's ladder_level > 5 cannot hold",
        "rules form a cycle: REL-904 → REL-905 → REL-904",
        "a pitfall cannot test the finding REL-904 (pitfall) of the same or a later stage",
        "tests[0].profile.plan.co_creation_status: 'vison' is not allowed",
        "tests[0].fires[0]: test names unknown rule REL-909",
    ]:
        assert expected in text, expected
    # nothing that only follows from another problem: PLAN-902's broken override does not make
    # its recommendation "never fire", and LEAD-901 is not also "testing an unknown finding"
    assert "recommendation can never fire" not in text and "tests unknown finding PLAN-901" not in text


def test_the_check_command_prints_one_line_each_and_exits_2(in_data):
    result = CliRunner().invoke(rules_check, ["--rules", "broken-variant.yaml"])
    assert result.exit_code == 2
    check_golden("research-rules-check-broken.txt", result.stdout)
    assert result.stderr == f"advisor: error: problems in broken-variant: {len(result.stdout.splitlines())}\n"


def test_the_loader_stops_at_a_problem_the_check_reports(in_data):
    with pytest.raises(RulePackError) as info:
        load_variant("broken-variant.yaml")
    assert info.value.one_line() in check_pack("broken-variant.yaml").lines()


def test_an_unreadable_pack_is_one_problem(tmp_path):
    report = check_pack(tmp_path / "missing.yaml")
    assert not report.ok and report.pack is None
    assert report.lines() == [f"{tmp_path / 'missing.yaml'}: rule pack file not found (check the path)"]


def test_the_core_rules_have_no_problems(core_default):
    report = check_pack(None)
    assert report.lines() == [] and report.rules >= 20


def test_the_shipped_pack_has_no_problems():
    assert check_pack(None).lines() == []


@pytest.mark.parametrize(
    "when",
    [
        "{all: [{fact: plan.co_creation_status, gt: main_goal}, {fact: plan.co_creation_status, lt: vision}]}",
        "{all: [{fact: plan.knowledge_base, eq: true}, {not: {fact: plan.knowledge_base, eq: true}}]}",
        "{all: [{fact: context.population, gt: 100}, {fact: context.population, le: 100}]}",
        "{all: [{fact: context.population, gt: 100}, {fact: context.population, lt: 101}]}",
        "{fact: context.population, gt: 10000000}",
        "{all: [{fact: resources.coordinator_fte, ge: 2.0}, {fact: resources.coordinator_fte, lt: 2.0}]}",
        "{all: [{fact: resources.coordinator_fte, eq: 1.5}, {fact: resources.coordinator_fte, ne: 1.5}]}",
        "{all: [{fact: context.name, eq: A}, {fact: context.name, eq: B}]}",
        "{all: [{fact: business.steering, in: [under, over]}, {fact: business.steering, not_in: [under, over]}]}",
        "{all: [{fact: arenas.count, eq: 0}, {any_arena: {fact: ladder_level, ge: 1}}]}",
        "{any_arena: {all: [{fact: ladder_level, ge: 4}, {fact: ladder_level, le: 3}]}}",
        "{all: [{fact: arenas.max_ladder_level, ge: 6}]}",
    ],
)
def test_contradictions_are_found(tmp_path, when):
    found = dead(tmp_path, when)
    assert len(found) == 1 and found[0][:2] == ("PLAN-001", None), found


@pytest.mark.parametrize(
    "when",
    [
        "{all: [{fact: plan.co_creation_status, ge: focus_area}, {fact: plan.co_creation_status, le: main_goal}]}",
        "{all: [{fact: context.population, gt: 100}, {fact: context.population, lt: 102}]}",
        "{all: [{fact: context.population, ne: 5}, {fact: context.population, ge: 5}, {fact: context.population, le: 6}]}",
        "{all: [{fact: resources.coordinator_fte, gt: 1.0}, {fact: resources.coordinator_fte, lt: 1.01}]}",
        "{all: [{fact: context.name, ne: A}, {fact: context.name, ne: B}]}",
        "{all: [{fact: arenas.count, ge: 1}, {any_arena: {fact: ladder_level, ge: 1}}]}",
        "{any_arena: {all: [{fact: ladder_level, ge: 3}, {fact: ladder_level, le: 3}]}}",
        "{all: [{any_arena: {fact: ladder_level, ge: 4}}, {any_arena: {fact: ladder_level, le: 1}}]}",
    ],
)
def test_satisfiable_conditions_are_not_flagged(tmp_path, when):
    assert dead(tmp_path, when) == []


def test_a_dead_alternative_is_reported_alone(tmp_path):
    found = dead(
        tmp_path,
        "{any: [{fact: plan.knowledge_base, eq: true}, {all: [{fact: context.population, lt: 5}, {fact: context.population, gt: 5}]}]}",
    )
    assert found == [("PLAN-001", 1, 2, "context.population < 5 and context.population > 5 cannot all hold")]


def test_a_finding_tested_both_ways_is_dead(tmp_path):
    path = pack_with(
        tmp_path,
        ("PLAN-001", "diagnosis", "{fact: plan.knowledge_base, eq: true}"),
        ("PLAN-002", "pitfall", "{all: [{finding: PLAN-001}, {not: {finding: PLAN-001}}]}"),
    )
    assert dead_alternatives(load_variant(path)) == [
        ("PLAN-002", None, 1, "it needs finding PLAN-001 both to fire and not to fire")
    ]


# --------------------------------------------------------------------------------------------
# rules test


def test_the_test_cases_of_a_variant_pass(in_data):
    report = run_pack_tests("variant.yaml")
    assert report.ok and report.passed == 3
    assert run_pack_tests("variant.yaml", engine="python").passed == 3
    result = CliRunner().invoke(rules_test, ["--rules", "variant.yaml", "--lang", "en"])
    assert result.exit_code == 0
    check_golden("research-rules-test.en.txt", result.stdout)


def test_failing_test_cases_exit_3(in_data, tmp_path):
    shutil.copytree(DATA, tmp_path / "research")  # a pack extends only packs under its directory
    path = tmp_path / "research" / "failing.yaml"
    path.write_text(
        "extends: variant.yaml\n"
        "pack: {name: failing}\n"
        "tests:\n"
        "  - name: wrong on purpose\n"
        "    profile: {plan: {co_creation_status: main_goal}}\n"
        "    fires: [PLAN-901]\n"
        "    not_fires: [PLAN-902]\n"
        "  - name: right\n"
        "    profile: {}\n"
        "    not_fires: [PLAN-901]\n",
        encoding="utf-8",
    )
    report = run_pack_tests(path)
    assert [o.passed for o in report.outcomes] == [False, True]
    assert report.outcomes[0].missing == ("PLAN-901",) and report.outcomes[0].unexpected == ()
    for lang in ("en", "nb"):
        result = CliRunner().invoke(rules_test, ["--rules", str(path), "--lang", lang])
        assert result.exit_code == 3
        check_golden(f"research-rules-test-failing.{lang}.txt", result.stdout.replace(str(path), "failing.yaml"))
    # the inherited cases run too when asked
    assert len(run_pack_tests(path, inherited=True).outcomes) == 5


def test_a_pack_without_test_cases(in_data):
    result = CliRunner().invoke(rules_test, ["--rules", "base"])
    assert result.exit_code == 0 and result.stdout == "Pack base has no test cases.\n"


def test_rules_test_on_a_broken_pack_is_an_input_error(in_data):
    result = CliRunner().invoke(rules_test, ["--rules", "broken-variant.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("advisor: error: broken-variant.yaml:")


def test_the_example_variant_passes_its_tests(core_default):
    report = run_pack_tests(REPO / "examples" / "variants" / "strict-anchoring.yaml")
    assert report.ok and report.passed == 4
    assert check_pack(REPO / "examples" / "variants" / "strict-anchoring.yaml").lines() == []


@pytest.mark.parametrize(
    "when, message",
    [
        ("{fact: resources.coordinator_fte, lt: .inf}", "inf is not a finite number"),
        ("{fact: resources.coordinator_fte, gt: 1e-5}", "YAML reads 1e-5 as text; write 1.0e-5"),
        ("{fact: context.population, ge: 9223372036854775808}", "beyond the 64-bit range"),
        (
            "{all: [" + ", ".join("{any_arena: {fact: ladder_level, ge: %d}}" % (i % 5 + 1) for i in range(15)) + "]}",
            "durable-rules matches at most 15",
        ),
    ],
)
def test_the_check_predicts_what_durable_rules_cannot_run(tmp_path, when, message):
    path = pack_with(tmp_path, ("PLAN-001", "diagnosis", when))
    report = check_pack(path)
    assert len(report.problems) == 1 and message in report.lines()[0]
    with pytest.raises(RulePackError, match=message.replace(".", r"\.")):
        load_variant(path)


def test_the_check_passes_packs_the_engine_spreads_over_rulesets(tmp_path):
    """Past one ruleset's limits (600 rules on one field, a 700-value list) is not a problem."""
    rules = [("PLAN-%03d" % i, "diagnosis", "{fact: context.population, eq: %d}" % i) for i in range(600)]
    rules.append(("PLAN-600", "diagnosis", "{fact: context.population, in: [" + ", ".join(map(str, range(700))) + "]}"))
    assert check_pack(pack_with(tmp_path, *rules)).ok
