"""advisor init: the intake interview, its questions in both languages, and the profile it writes.

The fields come from the profile model at run time, so a field added to advisor/profile/model.py
without a question in every language's advisor/locale/LANG/profile.json makes these tests fail.
"""

from __future__ import annotations

import os
from typing import Any, Optional

import pytest
from click.testing import CliRunner

import advisor
from advisor.profile.schema import DERIVED_ARENA_FACTS, arena_fields, profile_fields
from advisor.cli.tools import init_cmd
from advisor.engine.facts import profile_facts
from advisor.core.i18n import LANGUAGES
from advisor.tools.intake import count_facts, profile_yaml, sections, write_atomic
from advisor.profile.model import Profile
from advisor.profile.questions import QUESTIONS, SECTIONS, VALUE_LABELS
from helpers import EXAMPLES, check_golden

FACT_PATHS = [p for p in profile_fields() if p not in DERIVED_ARENA_FACTS]
ARENA_PATHS = [f"arenas[].{f}" for f in arena_fields()]


def _spec(key: str):
    return arena_fields()[key[len("arenas[].") :]] if key.startswith("arenas[].") else profile_fields()[key]


# --------------------------------------------------------------------------------------------
# the questions


@pytest.mark.parametrize("path", FACT_PATHS + ARENA_PATHS)
def test_every_field_has_a_question_in_both_languages(path):
    assert path in QUESTIONS, f"add a question for {path} to the profile.json of every language in advisor/locale"
    question = QUESTIONS[path]
    for lang in LANGUAGES:
        text = question[lang]
        assert text.strip() and text == text.strip(), f"{path}: empty question in {lang}"
    assert question.en != question.nb or path == "arenas[].name", f"{path}: the nb question is not translated"


def test_no_question_for_a_field_that_does_not_exist():
    stale = set(QUESTIONS) - set(FACT_PATHS) - set(ARENA_PATHS)
    assert not stale, f"questions for fields the profile does not have: {sorted(stale)}"


@pytest.mark.parametrize("path", FACT_PATHS + ARENA_PATHS)
def test_better_direction_fits_the_field(path):
    spec = _spec(path)
    better = spec.better
    if better is None:
        return
    if isinstance(better, bool):
        assert spec.kind == "bool", path
    elif isinstance(better, tuple):
        assert spec.kind in ("nominal", "ordinal") and set(better) <= set(spec.values), path
    else:
        assert better in ("up", "down") and spec.kind in ("ordinal", "int", "float"), path


def test_every_scale_value_has_a_label_in_both_languages():
    values = {v for spec in [*profile_fields().values(), *arena_fields().values()] for v in spec.values}
    missing = sorted(values - set(VALUE_LABELS))
    assert not missing, f"add labels for {missing} to `values` of every advisor/locale/LANG/profile.json"
    for value in values:
        assert VALUE_LABELS[value].en and VALUE_LABELS[value].nb


def test_every_section_has_a_title():
    assert set(Profile.model_fields) <= set(SECTIONS)
    assert list(sections()) == [name for name in Profile.model_fields if name != "arenas"]


# --------------------------------------------------------------------------------------------
# driving the interview


def script(
    values: Optional[dict[str, Any]] = None,
    arenas: Optional[list[dict[str, Any]]] = None,
    lang: str = "en",
    start: Optional[Profile] = None,
) -> str:
    """The answers, one line per question in the order the interview asks them.

    ``values`` maps a fact path to an answer (or to a list of answers, for retries); a fact
    ``start`` knows is not asked. ``arenas`` None answers "don't know", [] "no".
    """
    values = values or {}
    known = profile_facts(start).values if start is not None else {}
    lines: list[str] = []
    for specs in sections().values():
        for spec in specs:
            if spec.path in known:
                continue
            answer = values.get(spec.path, "")
            lines += answer if isinstance(answer, list) else [answer]
    yes, no = ("yes", "no") if lang == "en" else ("ja", "nei")
    if arenas is None:
        lines.append("")
    elif not arenas:
        lines.append(no)
    else:
        lines.append(yes)
        for i, arena in enumerate(arenas):
            if i:
                lines.append(yes)
            lines += [str(arena.get(field, "")) for field in arena_fields()]
        lines.append(no)
    return "\n".join(lines) + "\n"


ANSWERS = {
    "context.name": "Testvik",
    "context.population": "12000",
    "context.recent_merger": "no",
    "plan.co_creation_status": "3",
    "plan.knowledge_base": "nei",
    "plan.political_anchoring": "high",
    "plan.partner_anchoring.business": "low",
    "implementation.strategy.exists": "yes",
    "resources.coordinator_fte": "0,5",
    "relations.citizen_trust": "Medium",
    "culture.citizen_involvement": "active",
}
ARENAS = [
    {"name": "Torget", "ladder_level": "2", "ulrich_type": "steered", "room_for_influence": "2"},
    {"name": "Ungdomsrådet", "ladder_level": "4"},
]
EXPECTED = {
    "context.name": "Testvik",
    "context.population": 12000,
    "context.recent_merger": False,
    "plan.co_creation_status": "focus_area",
    "plan.knowledge_base": False,
    "plan.political_anchoring": "high",
    "plan.partner_anchoring.business": "low",
    "implementation.strategy.exists": True,
    "resources.coordinator_fte": 0.5,
    "relations.citizen_trust": "medium",
    "culture.citizen_involvement": "active",
}


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    """The texts here name pytest's long temporary paths and are compared whole: no wrapping
    (the width has its own tests in test_cli.py)."""
    monkeypatch.setenv("COLUMNS", "1000")


def init(*args: str, input: str):
    return CliRunner().invoke(init_cmd, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_interview_writes_a_valid_commented_profile(tmp_path, lang):
    out = tmp_path / "testvik.yaml"
    result = init(str(out), "--lang", lang, input=script(ANSWERS, ARENAS, lang))
    assert result.exit_code == 0, result.output
    profile = advisor.load_profile(out)
    facts = profile_facts(profile)
    assert {p: v for p, v in facts.values.items() if not p.startswith("arenas.")} == EXPECTED
    assert facts.arenas == (
        {"name": "Torget", "ladder_level": 2, "ulrich_type": "steered", "room_for_influence": "low"},
        {"name": "Ungdomsrådet", "ladder_level": 4},
    )
    text = out.read_text(encoding="utf-8")
    check_golden(f"init-testvik.{lang}.yaml", text)
    known, unknown = count_facts(profile)
    assert result.stdout.endswith(
        {
            "en": f"Wrote {out}: {known} facts known, {unknown} unknown.\nNext: advisor assess {out}\n",
            "nb": f"Skrev {out}: {known} fakta kjent, {unknown} ukjent.\nNeste: advisor assess {out}\n",
        }[lang]
    )


def test_questions_are_asked_in_the_chosen_language(tmp_path):
    result = init(str(tmp_path / "p.yaml"), "--lang", "nb", input=script())
    assert QUESTIONS["plan.knowledge_base"].nb in result.stdout
    assert QUESTIONS["plan.knowledge_base"].en not in result.stdout
    assert "[1] none (ingen)  [2] low (lav)  [3] medium (middels)  [4] high (høy)" in result.stdout
    assert "Samfunnsdelen og forankringen av den (2/9)" in result.stdout


def test_every_field_is_asked(tmp_path):
    result = init(str(tmp_path / "p.yaml"), input=script())
    for path in FACT_PATHS:
        assert QUESTIONS[path].en in result.stdout, path
    assert "Has the municipality established arenas" in result.stdout


def test_dont_know_everything_writes_an_empty_valid_profile(tmp_path):
    out = tmp_path / "p.yaml"
    result = init(str(out), input=script())
    assert result.exit_code == 0
    profile = advisor.load_profile(out)
    assert profile_facts(profile).values == {} and profile.arenas is None
    text = out.read_text(encoding="utf-8")
    assert "# knowledge_base:" in text and "# arenas:" in text


def test_no_arenas(tmp_path):
    out = tmp_path / "p.yaml"
    init(str(out), input=script(arenas=[]))
    assert advisor.load_profile(out).arenas == []
    assert "arenas: []" in out.read_text(encoding="utf-8")


def test_arena_with_nothing_known(tmp_path):
    out = tmp_path / "p.yaml"
    init(str(out), input=script(arenas=[{}]))
    profile = advisor.load_profile(out)
    assert len(profile.arenas) == 1 and profile_facts(profile).values == {"arenas.count": 1}
    assert "  - {}" in out.read_text(encoding="utf-8")


def test_invalid_answers_are_asked_again(tmp_path):
    out = tmp_path / "p.yaml"
    answers = {
        "context.population": ["many", "-5", "12000"],
        "context.recent_merger": ["perhaps", "ja"],
        "plan.co_creation_status": ["9", "main goal"],
        "plan.adopted_year": ["1800", "?"],
    }
    result = init(str(out), input=script(answers))
    assert result.exit_code == 0, result.output
    facts = profile_facts(advisor.load_profile(out)).values
    assert facts == {"context.population": 12000, "context.recent_merger": True, "plan.co_creation_status": "main_goal"}
    out_text = result.stdout
    assert "Not understood: write a whole number." in out_text
    assert "Not understood: must be at least 0, not -5." in out_text
    assert "Not understood: answer yes or no." in out_text
    assert "Not understood: choose a number from 1 to 5 or one of the values." in out_text
    assert "Not understood: must be at least 1950, not 1800." in out_text


def test_an_answer_out_of_range_is_explained_in_the_interview_language(tmp_path):
    out = tmp_path / "p.yaml"
    answers = {"context.population": ["-5", "12000"], "plan.adopted_year": ["1800", "2019"]}
    result = init(str(out), "--lang", "nb", input=script(answers, lang="nb"))
    assert result.exit_code == 0, result.output
    assert "Forstod ikke svaret: må være minst 0, ikke -5." in result.stdout
    assert "Forstod ikke svaret: må være minst 1950, ikke 1800." in result.stdout
    assert "must be" not in result.stdout and "Input should" not in result.stdout
    assert profile_facts(advisor.load_profile(out)).values["plan.adopted_year"] == 2019


def test_invalid_arena_answer_is_asked_again(tmp_path):
    out = tmp_path / "p.yaml"
    lines = script(arenas=[{"name": "A"}]).splitlines()
    # the arena's answers follow the "yes" to the arenas question; ladder_level is asked after name
    fields = list(arena_fields())
    start = len(lines) - 1 - len(fields)
    lines[start + fields.index("ladder_level")] = "7\n3"
    result = init(str(out), input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "must be at most 5, not 7" in result.stdout
    assert advisor.load_profile(out).arenas[0].ladder_level == 3


def test_resume_asks_only_what_is_missing_and_keeps_what_is_known(tmp_path):
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "context: {name: Testvik}\n"
        "plan: {co_creation_status: vision, knowledge_base: true}\n"
        "arenas:\n  - {name: Torget, ladder_level: 3}\n",
        encoding="utf-8",
    )
    start = advisor.load_profile(partial)
    arena_answers = [""] * len(arena_fields())
    arena_answers[list(arena_fields()).index("room_for_influence")] = "high"
    lines = script({"plan.political_anchoring": "medium"}, start=start).splitlines()[:-1]  # no arenas question
    lines += [a for field, a in zip(arena_fields(), arena_answers) if field not in ("name", "ladder_level")]
    lines += ["no"]
    result = init("--resume", str(partial), input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Overwrite" not in result.stdout  # resuming a file goes on with it: nothing of it is lost
    assert "Resuming" in result.stdout and "5 facts are known and kept" in result.stdout
    assert QUESTIONS["context.name"].en not in result.stdout
    assert QUESTIONS["plan.knowledge_base"].en not in result.stdout
    assert QUESTIONS["plan.political_anchoring"].en in result.stdout
    assert "Has the municipality established arenas" not in result.stdout
    assert "Arena 1: Torget" in result.stdout
    assert QUESTIONS["arenas[].name"].en not in result.stdout
    profile = advisor.load_profile(partial)
    facts = profile_facts(profile)
    assert facts.values["plan.co_creation_status"] == "vision"
    assert facts.values["plan.political_anchoring"] == "medium"
    assert facts.arenas == ({"name": "Torget", "ladder_level": 3, "room_for_influence": "high"},)


def test_resume_a_complete_section_is_skipped(tmp_path):
    partial = tmp_path / "partial.yaml"
    context = {
        spec.path.split(".")[1]: {"str": "X", "int": 1, "bool": False, "float": 1.0}.get(
            spec.kind, spec.values[0] if spec.values else None
        )
        for spec in sections()["context"]
    }
    partial.write_text(
        advisor.tools.intake.profile_yaml(advisor.parse_profile({"context": context}), "en"), encoding="utf-8"
    )
    out = tmp_path / "out.yaml"
    result = init(str(out), "--resume", str(partial), input=script(start=advisor.load_profile(partial)))
    assert result.exit_code == 0, result.output
    assert "The municipality (1/9)" not in result.stdout
    assert profile_facts(advisor.load_profile(out)).values == profile_facts(advisor.load_profile(partial)).values
    assert partial.read_text(encoding="utf-8") != "" and out.exists()


def test_never_overwrites_without_asking(tmp_path):
    out = tmp_path / "p.yaml"
    out.write_text("context: {name: Old}\n", encoding="utf-8")
    result = init(str(out), input="n\n")
    assert result.exit_code == 0
    assert (
        result.stdout
        == f"{out} exists. Overwrite it? [yes/no, Enter = no: keep it]: n\nNothing written: {out} was kept.\n"
    )
    assert out.read_text(encoding="utf-8") == "context: {name: Old}\n"
    enter = init(str(out), input="\n")  # Enter keeps the file, as the question says
    assert enter.exit_code == 0 and enter.stdout.endswith(f"Nothing written: {out} was kept.\n")
    nb = init(str(out), "--lang", "nb", input="kanskje\nnei\n")
    assert nb.stdout == (
        f"{out} finnes. Skrive over den? [ja/nei, Enter = nei: behold den]: kanskje\n"
        "Forstod ikke svaret: svar ja eller nei (Enter beholder filen).\n"
        f"{out} finnes. Skrive over den? [ja/nei, Enter = nei: behold den]: nei\n"
        f"Ingenting skrevet: {out} er beholdt.\n"
    )
    assert out.read_text(encoding="utf-8") == "context: {name: Old}\n"
    result = init(str(out), input="y\n" + script({"context.name": "New"}))
    assert result.exit_code == 0
    assert advisor.load_profile(out).context.name == "New"


def test_default_output_and_no_leftover_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = init(input=script({"context.name": "Testvik"}))
    assert result.exit_code == 0, result.output
    assert os.listdir(tmp_path) == ["profile.yaml"]
    assert advisor.load_profile(tmp_path / "profile.yaml").context.name == "Testvik"


def test_resume_of_a_broken_profile_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  knowledge_base: maybe\n", encoding="utf-8")
    result = init("--resume", str(bad), input="")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: error: {bad}:2: plan.knowledge_base: expected true or false")


def test_output_in_a_missing_directory_exits_2(tmp_path):
    out = tmp_path / "nope" / "p.yaml"
    result = init(str(out), input=script())
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: error: cannot write {out}: ")
    assert result.stderr.count("\n") == 1


def test_output_that_is_a_directory_exits_2(tmp_path):
    result = CliRunner().invoke(init_cmd, [str(tmp_path)], input="")
    assert result.exit_code == 2


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "x.yaml"
    write_atomic(target, "a: 1\n")
    assert target.read_text(encoding="utf-8") == "a: 1\n"
    os.chmod(target, 0o640)
    write_atomic(target, "a: 2\n")
    assert target.read_text(encoding="utf-8") == "a: 2\n"
    assert (target.stat().st_mode & 0o777) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["x.yaml"]


def test_open_atomic_names_the_file_only_for_its_own_errors(tmp_path, monkeypatch):
    """A failing write names the target; any other error of the block passes through unchanged
    (a broken pipe to a worker is not "cannot write results.jsonl"); either way nothing is left."""
    from advisor.core.io import open_atomic

    target = tmp_path / "rows.jsonl"
    with pytest.raises(BrokenPipeError):
        with open_atomic(target) as out:
            out.write("a\n")
            raise BrokenPipeError(32, "Broken pipe")
    assert os.listdir(tmp_path) == []

    class Full:
        def write(self, text):
            raise OSError(28, "No space left on device")

    with pytest.raises(advisor.InputError, match=r"cannot write .*rows.jsonl: No space left on device"):
        with open_atomic(target) as out:
            monkeypatch.setattr(out, "_handle", Full())
            out.write("a\n")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_profile_yaml_round_trips_every_example(name):
    try:
        profile = advisor.load_profile(EXAMPLES / name)
    except advisor.ProfileError as exc:  # reported by the tests of the examples
        pytest.skip(f"example does not load: {exc}")
    for lang in LANGUAGES:
        again = advisor.parse_profile(profile_yaml(profile, lang))
        assert profile_facts(again) == profile_facts(profile)


def test_profile_yaml_quotes_tricky_text():
    profile = advisor.parse_profile(
        {"context": {"name": "yes: no # 1"}, "arenas": [{"name": "0.5"}, {"name": "Ørland «x»"}]}
    )
    again = advisor.parse_profile(profile_yaml(profile))
    assert again.context.name == "yes: no # 1"
    assert [a.name for a in again.arenas] == ["0.5", "Ørland «x»"]


def test_cut_off_keeps_the_answers_given_so_far_and_resume_goes_on(tmp_path):
    out = tmp_path / "p.yaml"
    first = [spec.path for spec in sections()["context"]][:2]
    answers = {first[0]: "Testvik"} if first[0] == "context.name" else {}
    lines = script(answers).splitlines()[:2]  # two answers, then the input ends (as Ctrl-C would)
    result = init(str(out), input="\n".join(lines) + "\n")
    assert result.exit_code == 130
    assert result.stderr.endswith(
        f"advisor: Interrupted. The answers given so far are in {out}: go on with `advisor init --resume {out}`.\n"
    )
    kept = advisor.load_profile(out)
    assert profile_facts(kept).values.get("context.name") == answers.get("context.name")
    again = init("--resume", str(out), input=script(start=kept))
    assert again.exit_code == 0, again.output
    assert "Overwrite" not in again.stdout and "Resuming" in again.stdout
    assert QUESTIONS["context.name"].en not in again.stdout


def test_cut_off_at_the_overwrite_question_writes_nothing(tmp_path):
    out = tmp_path / "p.yaml"
    out.write_text("context: {name: Old}\n", encoding="utf-8")
    result = init(str(out), input="")
    assert result.exit_code == 130 and "Nothing written" in result.stderr
    assert out.read_text(encoding="utf-8") == "context: {name: Old}\n"
