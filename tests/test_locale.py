"""Languages are data: every shipped language has every key, and a third language is a folder.

The shipped languages are the folders of advisor/locale; ADVISOR_LOCALE_PATH adds more
(advisor/core/locale.py). A language folder holds ui.json, profile.json, web.json and, where the
errors are translated, errors.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from advisor.core import locale
from advisor.core.i18n import LANGUAGES, t
from advisor.core.text import Text
from helpers import EXAMPLES, REPO

SHIPPED = sorted(p.name for p in locale.LOCALE_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
CATALOGUES = ("ui", "profile", "web")


def _leaves(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) of every string in a catalogue; a nested object's keys are joined with '/'."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}{key}" if not prefix else f"{prefix}/{key}")
    else:
        yield prefix, data


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w*)", text))


def test_the_shipped_languages_are_the_folders():
    assert SHIPPED == ["en", "nb"]
    assert LANGUAGES == ("en", "nb")


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.parametrize("lang", [lang for lang in SHIPPED if lang != locale.FALLBACK])
def test_every_language_has_every_key(lang, name):
    english = dict(_leaves(locale.catalogue(locale.FALLBACK, name)))
    other = dict(_leaves(locale.catalogue(lang, name)))
    missing = sorted(set(english) - set(other))
    assert not missing, f"advisor/locale/{lang}/{name}.json lacks {missing}: add them (English has them)"
    extra = sorted(set(other) - set(english))
    assert not extra, f"advisor/locale/{lang}/{name}.json has keys English lacks: {extra}"
    for key, text in other.items():
        assert isinstance(text, str) and text.strip() == text and text, f"{lang}/{name}.json {key}: empty or padded"
        assert _placeholders(text) == _placeholders(english[key]), f"{lang}/{name}.json {key}: other placeholders"


def test_the_error_translations_are_well_formed():
    for lang in SHIPPED:
        errors = locale.catalogue(lang, "errors")
        for table in ("messages", "hints"):
            for pattern, template in errors.get(table, []):
                groups = re.compile(pattern).groups
                used = {int(n) for n in re.findall(r"{[a-z]?(\d+)}", template)}
                assert used <= set(range(groups)), f"{lang}/errors.json: {template!r} uses a group {pattern!r} lacks"


def test_a_catalogue_is_read_once_and_only_for_its_language():
    locale.catalogue.cache_clear()
    try:
        t("nb", "strengths")
        t("nb", "diagnoses")
        info = locale.catalogue.cache_info()
        assert (info.currsize, info.misses) == (1, 1)  # nb's ui.json, read once; no other file
    finally:
        locale.catalogue.cache_clear()


def test_text_gives_the_required_languages_and_reads_english_for_another():
    text = Text(en="Plan", nb="Plan (nb)")
    assert text.get("nb") == "Plan (nb)" and text.get("en") == "Plan"
    assert text.get("xx") == "Plan"  # a language the text does not give reads English
    assert text.en == "Plan" and text["nb"] == "Plan (nb)"
    assert Text.model_validate({"nb": "b", "en": "a"}).model_dump_json() == '{"en":"a","nb":"b"}'
    with pytest.raises(ValueError, match="nb"):
        Text(en="only English")
    with pytest.raises(ValueError, match="de"):
        Text(en="a", nb="b", de="c")  # not a language of advisor


# --------------------------------------------------------------------------------------------
# a third language, added as a folder


@pytest.fixture(scope="module")
def third(tmp_path_factory) -> Path:
    """A language ``xx`` on a search path: a copy of English with a few texts changed."""
    root = tmp_path_factory.mktemp("locale")
    shutil.copytree(locale.LOCALE_DIR / "en", root / "xx")
    ui = json.loads((root / "xx" / "ui.json").read_text(encoding="utf-8"))
    ui["diagnoses"] = "XX-Diagnoses"
    ui["summary"] = "XX {s} {d} {p} {r} {pack} {version} {rules}"
    ui["number.decimal_point"] = "'"
    ui["number.percent"] = "{value} pct"
    (root / "xx" / "ui.json").write_text(json.dumps(ui, ensure_ascii=False), encoding="utf-8")
    profile = json.loads((root / "xx" / "profile.json").read_text(encoding="utf-8"))
    profile["questions"]["plan.knowledge_base"] = "XX: a knowledge base?"
    del profile["values"]["main_goal"]  # a missing key reads English at run time
    (root / "xx" / "profile.json").write_text(json.dumps(profile), encoding="utf-8")
    web = json.loads((root / "xx" / "web.json").read_text(encoding="utf-8"))
    web["language_name"] = "Xx-ish"
    (root / "xx" / "web.json").write_text(json.dumps(web), encoding="utf-8")
    return root


def _run(third: Path, *args: str, lang_env: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(ADVISOR_LOCALE_PATH=str(third), PYTHONPATH=str(REPO))
    if lang_env:
        env["LANG"] = lang_env
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def test_a_third_language_is_a_folder(third):
    result = _run(third, "assess", str(EXAMPLES / "demo.yaml"), "--lang", "xx")
    assert result.returncode == 0, result.stderr
    assert "XX-Diagnoses" in result.stdout
    assert re.search(r"^XX \d+ \d+ \d+ \d+ ", result.stdout, re.M), result.stdout[:400]
    # rule texts have no xx: they read English, as the English run shows them
    english = _run(third, "assess", str(EXAMPLES / "demo.yaml"), "--lang", "en")
    findings = [line for line in english.stdout.splitlines() if re.match(r"[A-Z]+-\d+ ", line)]
    assert findings and all(line in result.stdout.splitlines() for line in findings)


def test_a_third_language_writes_numbers_its_own_way(third, tmp_path):
    """Decimal marks and percentages come from the language's catalogue, not from its code."""
    by_lang = {
        lang: _run(
            third,
            "batch",
            str(EXAMPLES / "demo.yaml"),
            str(EXAMPLES / "levanger.yaml"),
            "--lang",
            lang,
            "-o",
            str(tmp_path / f"{lang}.jsonl"),
        )
        for lang in ("en", "nb", "xx")
    }
    for result in by_lang.values():
        assert result.returncode == 0, result.stderr
    assert re.search(r" \(50\.0%\)", by_lang["en"].stdout)
    assert re.search(r" \(50,0 %\)", by_lang["nb"].stdout)
    assert re.search(r" \(50'0 pct\)", by_lang["xx"].stdout)


def test_a_third_language_is_a_choice_of_lang_and_a_locale(third):
    helped = _run(third, "assess", "--help", "--lang", "xx")
    assert "[en|nb|xx]" in helped.stdout
    # xx has no help.json: the help is English, click's words too (not bokmål)
    assert helped.stdout.startswith("Usage: advisor assess [OPTIONS] PROFILE") and "Valg" not in helped.stdout
    by_locale = _run(third, "assess", str(EXAMPLES / "demo.yaml"), lang_env="xx_YY.UTF-8")
    assert "XX-Diagnoses" in by_locale.stdout
    unknown = _run(third, "assess", str(EXAMPLES / "demo.yaml"), "--lang", "yy")
    assert unknown.returncode == 2 and "yy" in unknown.stderr and "Traceback" not in unknown.stderr
    # the command line's own words have no xx: English, not bokmål
    usage = _run(third, "assess", str(EXAMPLES / "demo.yaml"), "--lang", "xx", "--format", "bogus")
    assert usage.returncode == 2 and usage.stderr.startswith("advisor: error: invalid value for"), usage.stderr
    missing = _run(third, "assess", "no-such-file.yaml", "--lang", "xx")
    assert missing.returncode == 2 and missing.stderr.startswith("advisor: error: "), missing.stderr


def test_a_third_language_in_process(third, monkeypatch):
    from advisor.profile.questions import question_text, value_label

    monkeypatch.setenv(locale.PATH_VARIABLE, str(third))
    locale.language_dirs.cache_clear()
    try:
        assert locale.languages() == ("en", "nb", "xx")
        assert t("xx", "diagnoses") == "XX-Diagnoses"
        assert question_text("plan.knowledge_base", "xx") == "XX: a knowledge base?"
        assert value_label("main_goal", "xx") == "a main goal"  # the key xx lacks reads English
    finally:
        locale.language_dirs.cache_clear()
        locale.catalogue.cache_clear()
