"""Turn a profile into facts: a flat mapping of known values by path, and the arenas.

Unknown values are left out, so that nothing downstream can mistake them for "no".
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median_low
from typing import Any, Optional

from pydantic import BaseModel

from .profile import Profile

__all__ = ["Facts", "profile_facts"]


@dataclass(frozen=True)
class Facts:
    """The known facts of one profile.

    ``values`` maps dotted paths (derived arena facts included) to known values; ``arenas`` is
    ``None`` when the profile does not say which arenas there are, else one mapping of known
    values per arena.
    """

    values: dict[str, Any]
    arenas: Optional[tuple[dict[str, Any], ...]]


def _flatten(model: BaseModel, prefix: str, out: dict[str, Any]) -> None:
    for name, value in model.__dict__.items():  # the fields, in order
        if value is None or name == "arenas":
            continue
        if isinstance(value, BaseModel):
            _flatten(value, f"{prefix}{name}.", out)
        else:
            out[f"{prefix}{name}"] = value


def profile_facts(profile: Profile) -> Facts:
    """Flatten ``profile`` and compute the derived arena facts."""
    values: dict[str, Any] = {}
    _flatten(profile, "", values)
    if profile.arenas is None:
        return Facts(values, None)
    arenas = []
    for arena in profile.arenas:
        known: dict[str, Any] = {}
        _flatten(arena, "", known)
        arenas.append(known)
    values["arenas.count"] = len(arenas)
    levels = sorted(a["ladder_level"] for a in arenas if "ladder_level" in a)
    if levels:
        values["arenas.max_ladder_level"] = levels[-1]
        values["arenas.min_ladder_level"] = levels[0]
        values["arenas.typical_ladder_level"] = median_low(levels)
        if len(levels) >= 2:
            values["arenas.ladder_spread"] = levels[-1] - levels[0]
    return Facts(values, tuple(arenas))
