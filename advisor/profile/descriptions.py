"""The description of every profile field in English and Norwegian bokmål.

English is the ``description`` of the field in the profile model (:mod:`advisor.profile.model`;
the derived arena facts' in :mod:`advisor.profile.schema`). Bokmål is data: the package file
``descriptions.nb.yaml`` beside this module, keyed by the fact paths of
:func:`~advisor.profile.schema.profile_fields` (and ``arenas``, the list itself) and, under
``arena``, by the names of :func:`~advisor.profile.schema.arena_fields`. A test fails when a field
has no bokmål description or the file names a field that does not exist.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .model import Profile
from .schema import arena_fields, profile_fields

__all__ = ["field_description", "english_descriptions", "bokmal_descriptions", "DESCRIPTIONS_NB"]

#: The file of the bokmål descriptions (shipped in the package).
DESCRIPTIONS_NB = Path(__file__).with_name("descriptions.nb.yaml")

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
def bokmal_descriptions() -> dict[str, str]:
    """The bokmål descriptions of ``descriptions.nb.yaml``, by path (arena fields as ``arenas[].NAME``)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(DESCRIPTIONS_NB.read_text(encoding="utf-8"), Loader=loader) or {}
    out = {str(path): str(text) for path, text in (data.get("profile") or {}).items()}
    out.update({_ARENA + str(name): str(text) for name, text in (data.get("arena") or {}).items()})
    return out


def field_description(path: str, lang: str = "en") -> str:
    """The description of the profile field ``path`` in ``lang`` (``en`` or ``nb``); ``""`` for a
    field without one.

    ``path`` is a fact path of :func:`~advisor.profile.schema.profile_fields` (``plan.co_creation_status``,
    ``arenas.count``), ``arenas`` for the list of arenas, or an arena field as ``arenas[].NAME``.
    Bokmål falls back to English for a field the file lacks (a test keeps it from lacking any).
    """
    english = english_descriptions().get(path, "")
    if lang == "nb":
        return bokmal_descriptions().get(path) or english
    return english
