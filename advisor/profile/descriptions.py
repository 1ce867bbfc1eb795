"""The description of every profile field, in every language of advisor.

English is the ``description`` of the field in the profile model (:mod:`advisor.profile.model`;
the derived arena facts' in :mod:`advisor.profile.schema`). Another language's are data: the
``descriptions.json`` of its folder (:mod:`advisor.core.locale`; bokmål's is
``advisor/locale/nb/descriptions.json``), with ``profile`` keyed by the fact paths of
:func:`~advisor.profile.schema.profile_fields` (and ``arenas``, the list itself) and ``arena`` by
the names of :func:`~advisor.profile.schema.arena_fields`. They are what the web form shows under
"About this field" and what ``field_description(path, lang)`` returns. References (000 §4.1.6,
Lundgren (2023) §2.2.4, Kobro (n.d.), Agger et al.) are kept as the English text has them.

A test fails when a shipped language lacks the description of a field that has an English one, or
its file names a field that does not exist; a language without the file reads English.
"""

from __future__ import annotations

from functools import lru_cache

from ..core.locale import FALLBACK, catalogue, languages
from .model import Profile
from .schema import arena_fields, profile_fields

__all__ = ["field_description", "english_descriptions", "translated_descriptions"]

#: How arena fields are written in a path, as in :mod:`advisor.profile.questions`: ``arenas[].kind``.
_ARENA = "arenas[]."


@lru_cache(maxsize=None)
def english_descriptions() -> dict[str, str]:
    """The English description of every field that has one, by path (arena fields as ``arenas[].NAME``)."""
    out = {path: spec.description for path, spec in profile_fields().items() if spec.description}
    arenas = Profile.model_fields["arenas"].description
    if arenas:
        out["arenas"] = arenas
    out.update({_ARENA + name: spec.description for name, spec in arena_fields().items() if spec.description})
    return out


@lru_cache(maxsize=None)
def translated_descriptions(lang: str) -> dict[str, str]:
    """The descriptions of ``descriptions.json`` of ``lang``, by path (arena fields as
    ``arenas[].NAME``); empty for English and for a language without the file."""
    if lang == FALLBACK or lang not in languages():
        return {}
    data = catalogue(lang, "descriptions")
    out = {str(path): str(text) for path, text in (data.get("profile") or {}).items()}
    out.update({_ARENA + str(name): str(text) for name, text in (data.get("arena") or {}).items()})
    return out


def field_description(path: str, lang: str = "en") -> str:
    """The description of the profile field ``path`` in ``lang``; ``""`` for a field without one.

    ``path`` is a fact path of :func:`~advisor.profile.schema.profile_fields` (``plan.co_creation_status``,
    ``arenas.count``), ``arenas`` for the list of arenas, or an arena field as ``arenas[].NAME``.
    A language falls back to English for a field its file lacks (a test keeps bokmål from lacking any).
    """
    english = english_descriptions().get(path, "")
    return translated_descriptions(lang).get(path) or english
