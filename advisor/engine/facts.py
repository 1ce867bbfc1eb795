"""Turn a profile into facts: a flat mapping of known values by path, and the arenas.

Unknown values are left out, so that nothing downstream can mistake them for "no". An arena's
ladder level and Ulrich type are derived from its other facts where the profile does not give them
(:mod:`advisor.rules.arenas`). The facts aggregated over the arenas are three-valued like everything
else: an aggregate is known only when the arenas whose level is unknown could not change it,
whatever their level (see :func:`ladder_aggregates`).
"""

from __future__ import annotations

from dataclasses import dataclass
import typing
from typing import Any, Callable, Optional

from pydantic import BaseModel

from ..rules.arenas import Derivation, derive_arena
from ..profile.model import LADDER_LEVELS, Profile

__all__ = ["Facts", "profile_facts", "ladder_aggregates"]


@dataclass(frozen=True)
class Facts:
    """The known facts of one profile.

    ``values`` maps dotted paths (derived arena facts included) to known values; ``arenas`` is
    ``None`` when the profile does not say which arenas there are, else one mapping of known
    values per arena.
    """

    values: dict[str, Any]
    arenas: Optional[tuple[dict[str, Any], ...]]
    derived: tuple[dict[str, Derivation], ...] = ()
    """Per arena, the fields derived from its other facts (not given in the profile), with the
    entry of the derivation table that gave each."""


def _flatten(model: BaseModel, prefix: str, out: dict[str, Any]) -> None:
    """The known values of ``model`` into ``out``, by path: a walk of its fields (the arenas apart)."""
    paths = _PATHS.get((type(model), prefix))
    if paths is None:
        paths = _PATHS[(type(model), prefix)] = {name: prefix + name for name in type(model).model_fields}
    for name, value in model.__dict__.items():  # the fields, in order
        if value is None or name == "arenas":
            continue
        nested = _NESTED.get(type(value))
        if nested is None:
            nested = _NESTED[type(value)] = isinstance(value, BaseModel)
        if nested:
            _flatten(value, paths[name] + ".", out)
        else:
            out[paths[name]] = value


#: The path of each field of a model class under a prefix, made once.
_PATHS: dict[tuple[type, str], dict[str, str]] = {}
#: Whether values of a type are models (flattened in turn), asked once per type.
_NESTED: dict[type, bool] = {}


def _model_class(annotation: Any) -> Optional[type[BaseModel]]:
    """The model class of a field annotated ``annotation`` (``Optional`` or not), or None."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union and len(args) == 1:
        annotation = args[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _flattener(cls: type[BaseModel]) -> Callable[[BaseModel, dict[str, Any]], None]:
    """What :func:`_flatten` does for a model of class ``cls``, as a function made from source
    once per class: a line per field, the fields of nested models inline, each value read from
    the model's ``__dict__`` by name (no loop over the fields, no walk of the nesting). A nested
    value of another class than its field says is walked by :func:`_flatten`."""
    made = _FLATTENERS.get(cls)
    if made is not None:
        return made
    names: dict[str, Any] = {"_flatten": _flatten}
    lines = ["def flatten(model, out):", "    d0 = model.__dict__"]

    def fields(model: type[BaseModel], source: str, prefix: str, indent: str) -> None:
        for name, info in model.model_fields.items():
            if name == "arenas":
                continue
            nested, path = _model_class(info.annotation), prefix + name
            if nested is None:
                lines.extend([f"{indent}v = {source}[{name!r}]", f"{indent}if v is not None:"])
                lines.append(f"{indent}    out[{path!r}] = v")
                continue
            depth = len(names)
            names[f"m{depth}"] = nested
            lines.extend([f"{indent}v = {source}[{name!r}]", f"{indent}if v is not None:"])
            lines.extend(
                [f"{indent}    if v.__class__ is not m{depth}:", f"{indent}        _flatten(v, {path + '.'!r}, out)"]
            )
            lines.extend([f"{indent}    else:", f"{indent}        d{depth} = v.__dict__"])
            fields(nested, f"d{depth}", path + ".", indent + "        ")

    fields(cls, "d0", "", "    ")
    exec("\n".join(lines), names)  # the source is made above, from the model's field names and types
    flatten: Callable[[BaseModel, dict[str, Any]], None] = names["flatten"]
    _FLATTENERS[cls] = flatten
    return flatten


#: The flattener of each model class (see :func:`_flattener`).
_FLATTENERS: dict[type, Callable[[BaseModel, dict[str, Any]], None]] = {}


#: The classes of which one model has been flattened (by the walk): the next one makes the
#: flattener. Compiling it costs as much as many walks, and a command that assesses one profile
#: does not make it (issue 15 §3; tests/test_startup.py).
_SEEN: set[type] = set()


def _known(model: BaseModel) -> dict[str, Any]:
    """The known values of ``model`` by path (the arenas apart), in the order of its fields."""
    out: dict[str, Any] = {}
    cls = type(model)
    if cls not in _FLATTENERS and cls not in _SEEN:
        _SEEN.add(cls)
        _flatten(model, "", out)
        return out
    try:
        _flattener(cls)(model, out)
    except KeyError:  # a model built without some field (model_construct): the long way
        out.clear()
        _flatten(model, "", out)
    return out


def ladder_aggregates(levels: list[Optional[int]]) -> dict[str, int]:
    """The known aggregates of the ladder levels of the arenas (``None`` for an unknown level).

    An aggregate is known when every way of filling in the unknown levels gives the same value:
    the highest level when all are known or one is already at the top of the ladder, the lowest
    when all are known or one is at the bottom, the typical level (the median, rounded down) when
    it is the same with every unknown level at the bottom and with every one at the top (the
    median only grows with each level), and the spread when the highest and lowest are known.
    """
    known = sorted(level for level in levels if level is not None)
    if not known:
        return {}
    unknown = len(levels) - len(known)
    bottom, top = LADDER_LEVELS[0], LADDER_LEVELS[-1]
    out: dict[str, int] = {}
    if not unknown or known[-1] == top:
        out["arenas.max_ladder_level"] = known[-1]
    if not unknown or known[0] == bottom:
        out["arenas.min_ladder_level"] = known[0]
    # The median, rounded down (statistics.median_low, whose module is not imported for it: a few ms
    # of every start), of the levels with the unknown ones at the bottom, and at the top: both lists
    # are sorted as written.
    middle = (len(levels) - 1) // 2
    low, high = ([bottom] * unknown + known)[middle], (known + [top] * unknown)[middle]
    if low == high:
        out["arenas.typical_ladder_level"] = low
    if "arenas.max_ladder_level" in out and "arenas.min_ladder_level" in out and len(levels) >= 2:
        out["arenas.ladder_spread"] = out["arenas.max_ladder_level"] - out["arenas.min_ladder_level"]
    return out


def profile_facts(profile: Profile) -> Facts:
    """Flatten ``profile``, derive what the arenas leave open and compute the aggregates."""
    values = _known(profile)
    if profile.arenas is None:
        return Facts(values, None)
    arenas = []
    derived = []
    for arena in profile.arenas:
        known = _known(arena)
        derived.append(derive_arena(known))
        arenas.append(known)
    values["arenas.count"] = len(arenas)
    values.update(ladder_aggregates([a.get("ladder_level") for a in arenas]))
    return Facts(values, tuple(arenas), tuple(derived))
