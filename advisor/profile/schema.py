"""What a rule may test: the fact paths of the profile model, their types and scales.

Built once by walking the pydantic model, so rule validation and the profile can never drift
apart: a field added to :mod:`advisor.profile.model` is at once a fact rules may use.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional, Union

from pydantic import BaseModel

from .model import ORDINAL_SCALES, Arena, Better, Profile

__all__ = ["FieldSpec", "profile_fields", "arena_fields", "DERIVED_ARENA_FACTS"]


@dataclass(frozen=True)
class FieldSpec:
    """One fact a rule can test."""

    path: str
    kind: str  # "bool" | "int" | "float" | "str" | "ordinal" | "nominal"
    values: tuple[str, ...] = ()  # allowed values, lowest first for ordinals
    scale: Optional[str] = None  # the name of an ordinal scale
    description: str = ""
    descriptive: str = ""
    """Why no rule reads this fact, for a field that only describes (empty for the others)."""
    better: Any = None
    """Which way is better for the municipality (:class:`~advisor.profile.model.Better`'s
    ``direction``: ``"up"``, ``"down"``, ``True``, ``False`` or a tuple of values); ``None`` for
    a fact that is not something to change."""

    @property
    def ordered(self) -> bool:
        return self.kind in ("int", "float", "ordinal")

    def rank(self, value: Any) -> Any:
        """The value as the engine sees it: ordinals by rank, everything else as it is."""
        if self.kind == "ordinal" and self.scale is not None:
            return ORDINAL_SCALES[self.scale].rank(value)
        return value


#: Facts derived from the list of arenas, computed before rules run (three-valued: see
#: :func:`advisor.engine.facts.ladder_aggregates`). An arena's level counts as known when it is given or
#: derived (:mod:`advisor.rules.arenas`).
DERIVED_ARENA_FACTS: dict[str, FieldSpec] = {
    spec.path: spec
    for spec in (
        FieldSpec("arenas.count", "int", description="Number of arenas listed (known when `arenas` is given)."),
        FieldSpec(
            "arenas.max_ladder_level",
            "int",
            description="Highest ladder level of the arenas; unknown while an arena's level is unknown, unless one is at level 5.",
        ),
        FieldSpec(
            "arenas.min_ladder_level",
            "int",
            description="Lowest ladder level of the arenas; unknown while an arena's level is unknown, unless one is at level 1.",
            descriptive="shown with the highest level; the rules reason with the highest, typical and spread levels",
        ),
        FieldSpec(
            "arenas.ladder_spread",
            "int",
            description="Highest minus lowest ladder level of two or more arenas, when both are known.",
            descriptive="shown for the reader; ARENA-105 tests the arenas themselves (some arena two rungs above another), which holds whatever the unknown levels are",
        ),
        FieldSpec(
            "arenas.typical_ladder_level",
            "int",
            description="Median ladder level (rounded down) of the arenas; unknown unless the arenas of unknown level could not change it.",
        ),
    )
}


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _scale_of(values: tuple[str, ...]) -> Optional[str]:
    for name, scale in ORDINAL_SCALES.items():
        if tuple(scale) == values:
            return name
    return None


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FieldSpec]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _unwrap_optional(info.annotation)
        description = info.description or ""
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        descriptive = str(extra.get("descriptive", ""))
        better = next((m.direction for m in info.metadata if isinstance(m, Better)), None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _walk(annotation, path + ".", out)
        elif typing.get_origin(annotation) is list:
            continue  # lists (arenas) are tested through any_arena and derived facts
        elif typing.get_origin(annotation) is typing.Literal:
            values = tuple(typing.get_args(annotation))
            scale = _scale_of(values)
            kind = "ordinal" if scale else "nominal"
            out[path] = FieldSpec(path, kind, values, scale, description, descriptive, better)
        elif annotation is bool:
            out[path] = FieldSpec(path, "bool", description=description, descriptive=descriptive, better=better)
        elif annotation is int:
            out[path] = FieldSpec(path, "int", description=description, descriptive=descriptive, better=better)
        elif annotation is float:
            out[path] = FieldSpec(path, "float", description=description, descriptive=descriptive, better=better)
        elif annotation is str:
            out[path] = FieldSpec(path, "str", description=description, descriptive=descriptive, better=better)
        else:  # pragma: no cover - a new field type must be taught here
            raise TypeError(f"profile field {path} has a type rules cannot test: {annotation!r}")


@lru_cache(maxsize=None)
def profile_fields() -> dict[str, FieldSpec]:
    """Every fact path of a profile (derived arena facts included), by path."""
    out: dict[str, FieldSpec] = {}
    _walk(Profile, "", out)
    out.update(DERIVED_ARENA_FACTS)
    return out


@lru_cache(maxsize=None)
def arena_fields() -> dict[str, FieldSpec]:
    """Every fact path of one arena, as used inside ``any_arena``."""
    out: dict[str, FieldSpec] = {}
    _walk(Arena, "", out)
    return out
