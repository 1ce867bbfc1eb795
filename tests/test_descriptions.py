"""The descriptions of the profile's fields in both languages (advisor/profile/descriptions.py).

English comes from the profile model, bokmål from advisor/locale/nb/descriptions.json: a field
added to the model with a description but without a bokmål one, or a key in the file that names no
field, makes these tests fail.
"""

from __future__ import annotations

import re
from collections import Counter

import json

import pytest

import advisor
from advisor.core.locale import LOCALE_DIR
from advisor.profile.descriptions import english_descriptions, field_description, translated_descriptions
from advisor.profile.schema import arena_fields, profile_fields

ENGLISH = english_descriptions()
DESCRIPTIONS_NB = LOCALE_DIR / "nb" / "descriptions.json"


def bokmal_descriptions() -> dict[str, str]:
    return translated_descriptions("nb")


def _references(text: str) -> Counter[str]:
    """What a translation keeps as it is: numbers (sections, years, levels, document numbers) and
    references by author (``Lundgren (2023)``, ``Kobro (n.d.)``, ``et al.``)."""
    return Counter(
        re.findall(r"§?\d+(?:[.,]\d+)*(?:\.[a-z])?|\b[A-Z][a-z]+ \((?:\d{4}|n\.d\.)\)|et al\.|St\.meld\.", text)
    )


def test_the_english_descriptions_are_the_models():
    assert len(ENGLISH) > 120
    assert ENGLISH["plan.co_creation_status"] == profile_fields()["plan.co_creation_status"].description
    assert ENGLISH["arenas[].ladder_level"] == arena_fields()["ladder_level"].description
    assert ENGLISH["arenas.count"] == profile_fields()["arenas.count"].description
    assert ENGLISH["arenas"] == advisor.Profile.model_fields["arenas"].description


@pytest.mark.parametrize("path", sorted(ENGLISH))
def test_every_field_has_a_bokmal_description(path):
    nb = bokmal_descriptions().get(path)
    where = f"arena: {path[len('arenas[].') :]}" if path.startswith("arenas[].") else f"profile: {path}"
    assert nb, f"add the bokmål description of {path} to {DESCRIPTIONS_NB.name} ({where})"
    assert nb == nb.strip() and nb != ENGLISH[path], f"{path}: the bokmål description is not translated"
    assert nb[-1] == ENGLISH[path][-1], f"{path}: ends otherwise than the English"
    assert _references(nb) == _references(ENGLISH[path]), f"{path}: the references differ from the English"


def test_no_bokmal_description_of_a_field_that_does_not_exist():
    stale = set(bokmal_descriptions()) - set(ENGLISH)
    assert not stale, (
        f"{DESCRIPTIONS_NB.name} describes fields the profile does not have (or that have no English description): {sorted(stale)}"
    )


def test_the_file_has_only_its_two_sections_and_no_duplicate_keys():
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{DESCRIPTIONS_NB.name}: a key is given twice"
        return dict(pairs)

    data = json.loads(DESCRIPTIONS_NB.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)
    assert set(data) == {"profile", "arena"}
    assert all(isinstance(v, str) for section in data.values() for v in section.values())


def test_the_file_is_package_data():
    # the wheel packages everything under advisor/ (pyproject: packages = ["advisor"]); .ci/run checks it is there
    from importlib.resources import files

    shipped = files("advisor") / "locale" / "nb" / "descriptions.json"
    assert shipped.is_file() and shipped.read_text(encoding="utf-8") == DESCRIPTIONS_NB.read_text(encoding="utf-8")


def test_field_description_by_language():
    path = "plan.co_creation_status"
    assert field_description(path, "en") == field_description(path) == ENGLISH[path]
    assert field_description(path, "nb").startswith("Hvor samskaping står i planen")
    assert "Lundgren (2023) §2.2.4" in field_description("arenas[].ladder_level", "nb")
    assert field_description("no.such_field", "nb") == field_description("arenas[].name", "nb") == ""


def test_field_description_falls_back_to_english(monkeypatch):
    import advisor.profile.descriptions as descriptions

    monkeypatch.setattr(descriptions, "translated_descriptions", lambda lang: {})
    assert descriptions.field_description("context.population", "nb") == ENGLISH["context.population"]


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_web_form_shows_the_description_in_its_language(lang):
    from advisor.web.forms import form_view
    from advisor.web.strings import STRINGS

    view = form_view({"arena_list": [{}]}, lang)
    fields = [f for s in view.sections for f in s.fields] + view.arenas[0].fields
    helps = {f.name: f.help for f in fields}
    assert helps["plan.co_creation_status"] == field_description("plan.co_creation_status", lang)
    assert helps["arenas.0.ladder_level"] == field_description("arenas[].ladder_level", lang)
    assert all(f.help == field_description(f.name, lang) for f in fields if not f.name.startswith("arenas."))
    assert STRINGS[lang]["more"] in ("About this field", "Om feltet")
