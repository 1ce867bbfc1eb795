"""The questions of the intake interview (``advisor init``), in every language of advisor.

One question per fact path of the profile (:func:`advisor.profile.schema.profile_fields`, derived
arena facts left out) and one per arena field, written ``arenas[].FIELD``; the titles of the
sections of a profile; the labels of the values of the scales; and the opening question of the
arenas. The wording follows the interview guide and the statements of the Lundgren thesis (000
§10.3 questionnaire, §10.4 interview guide): "How is co-creation anchored politically?", "On
co-creation arenas the municipality is still the party in control", Torfing's ladder of
co-creation, and so on.

They are data: the ``profile.json`` of each language folder (:mod:`advisor.core.locale`), with
``questions`` keyed by fact path, ``sections``, ``values`` and ``arenas``; a language's file is read
when a text of that language is first asked for. Which way is *better* for a field is not a
text: it is the field's own metadata (:class:`advisor.profile.model.Better`, read as
:attr:`advisor.profile.schema.FieldSpec.better`).

A test fails when a profile field has no question, in any language.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

from ..core.i18n import LANGUAGES, t
from ..core.locale import FALLBACK, catalogue
from ..core.text import Text

__all__ = [
    "QUESTIONS",
    "section_title",
    "SECTIONS",
    "VALUE_LABELS",
    "question_for",
    "value_label",
    "value_text",
    "question_text",
]


def _texts(lang: str, group: str) -> dict[str, str]:
    found: dict[str, str] = catalogue(lang, "profile").get(group) or {}
    return found


class _Group(Mapping[str, Text]):
    """One group of ``profile.json`` (``questions``, ``sections``, ``values``) as texts of every
    language, by key (the keys of English); built on first use."""

    def __init__(self, group: str) -> None:
        self._group = group

    def __getitem__(self, key: str) -> Text:
        if key not in _texts(FALLBACK, self._group):
            raise KeyError(key)
        return Text(**{lang: text for lang in LANGUAGES if (text := _texts(lang, self._group).get(key))})

    def __iter__(self) -> Iterator[str]:
        return iter(_texts(FALLBACK, self._group))

    def __len__(self) -> int:
        return len(_texts(FALLBACK, self._group))


#: The question for each fact path (arena fields as ``arenas[].FIELD``), in every language.
QUESTIONS: Mapping[str, Text] = _Group("questions")

#: Titles of the sections of a profile, in interview order.
SECTIONS: Mapping[str, Text] = _Group("sections")

#: Labels of the values of the scales, shown next to the values in the interview.
VALUE_LABELS: Mapping[str, Text] = _Group("values")


def _text(lang: str, group: str, key: str) -> Optional[str]:
    """The text ``key`` of ``group`` in ``lang``, else in English, else ``None``."""
    return _texts(lang, group).get(key) or _texts(FALLBACK, group).get(key)


def section_title(section: str, lang: str) -> str:
    """The title of the profile section ``section`` in ``lang`` (the name itself when there is none)."""
    return _text(lang, "sections", section) or section


def question_for(path: str, lang: str) -> Optional[str]:
    """The question for a fact path (arena fields as ``arenas[].FIELD``) in ``lang``, or ``None``."""
    return _text(lang, "questions", path)


def question_text(path: str, lang: str, default: str = "") -> str:
    """The interview question for the fact ``path`` (``arenas`` for the arenas themselves) in
    ``lang``, else ``default`` (the field's description)."""
    found = _text(lang, "arenas", "question") if path == "arenas" else question_for(path, lang)
    return found if found is not None else default


def value_text(value: Any, lang: str) -> str:
    """A fact value for a reader of ``lang``: in English as written in a profile (``true``,
    ``main_goal``), in another language its words for yes and no (``ja``/``nei``), its decimal
    point and the label of a scale value (``hovedmål``); ``None`` is "unknown"."""
    if value is None:
        return t(lang, "explain.unknown")
    if isinstance(value, (tuple, list)):
        return ", ".join(value_text(v, lang) for v in value)
    if lang == "en":
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, float):
        return str(value).replace(".", t(lang, "decimal_point"))
    return value_label(value, lang) if isinstance(value, str) else str(value)


def value_label(value: str, lang: str) -> str:
    """The label of a scale value in ``lang`` (the value itself when there is none)."""
    return _text(lang, "values", value) or value
