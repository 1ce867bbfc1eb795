"""What if a fact were different? And which single change would help most?

* :func:`parse_change` reads ``PATH=VALUE`` (the ``--set`` of ``advisor whatif``), parsing the
  value by the type of the field (:func:`advisor.profile.schema.profile_fields`). ``null`` makes a
  fact unknown. Arena fields are written ``arenas[0].ladder_level=3``; ``arenas[N]`` with N the
  number of arenas adds one; ``arenas[1]=null`` removes one; ``arenas=null`` makes the arenas
  unknown and ``arenas=[]`` says there are none; ``plan=null`` makes a whole section unknown.
* :func:`apply_changes` applies changes to a profile and validates the result; every error
  names the ``--set`` it comes from.
* :func:`whatif` assesses a profile before and after changes and compares the two.
* :func:`next_steps` tries single changes to the facts behind the pitfalls that fired, and
  ranks them by the pitfalls they resolve minus those they introduce, weighted by priority.
"""

from __future__ import annotations

import math
import re
from typing import Any, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict

from ..profile.io import parse_profile
from ..profile.schema import DERIVED_ARENA_FACTS, FieldSpec, arena_fields, profile_fields
from ..engine.assessment import PRIORITY_WEIGHT, Finding, assess, check_arguments
from ..rules.conditions import Compare, Condition, FindingRef, walk
from .diff import Diff, arena_labels, compare
from ..core.errors import ProfileError, did_you_mean, format_path, shorten
from .explain import describe_value
from ..profile.model import Profile
from ..rules.pack import RulePack, Text

__all__ = [
    "Change",
    "WhatIf",
    "Step",
    "PitfallRef",
    "NextSteps",
    "parse_value",
    "parse_change",
    "apply_changes",
    "settable_paths",
    "whatif",
    "next_steps",
    "DEFAULT_TOP",
]

#: How many next steps ``advisor next-steps`` shows unless told.
DEFAULT_TOP = 10

_ARENA_PATH = re.compile(r"^arenas\[(\d+)\](?:\.([a-z_]+))?$")
_TRUE = ("true", "yes", "ja", "y", "j")
_FALSE = ("false", "no", "nei", "n")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Change(_Model):
    """One change to a profile: set ``path`` to ``value`` (``None`` = make it unknown).

    ``path`` is a fact path (``plan.knowledge_base``), a section (``plan``), ``arenas``,
    ``arenas[N]`` or ``arenas[N].field``. ``text`` is how it was written (``PATH=VALUE``).
    """

    text: str
    path: str
    value: Any = None


class WhatIf(_Model):
    """A profile assessed before and after a set of changes."""

    municipality: Optional[str]
    changes: tuple[Change, ...]
    diff: Diff


class PitfallRef(_Model):
    """A pitfall named in a next step."""

    rule_id: str
    priority: str
    title: Text


class Step(_Model):
    """One candidate change and what it does to the pitfalls."""

    set: str
    """The change as ``PATH=VALUE``, ready for ``advisor whatif --set``."""
    path: str
    value: Any
    current: Any = None
    """The value now (``None`` = unknown)."""
    new_arena: bool = False
    """The change adds an arena."""
    arena: Optional[str] = None
    """The name (or ``#N``) of the arena the change is made to, if any."""
    resolves: tuple[PitfallRef, ...] = ()
    introduces: tuple[PitfallRef, ...] = ()
    score: int = 0
    """Weighted pitfalls resolved minus weighted pitfalls introduced."""


class NextSteps(_Model):
    """Single changes ranked by how much they reduce the pitfalls, best first."""

    municipality: Optional[str]
    pitfalls: tuple[PitfallRef, ...]
    """The pitfalls that fired."""
    load: int
    """The pitfalls weighted by priority."""
    tried: int
    """How many candidate changes were assessed."""
    steps: tuple[Step, ...]


# --------------------------------------------------------------------------------------------
# parsing


def settable_paths() -> list[str]:
    """Every path ``--set`` accepts, for suggestions (arena fields as ``arenas[0].FIELD``)."""
    sections = sorted({p.split(".")[0] for p in profile_fields() if not p.startswith("arenas.")})
    nested = sorted({p.rsplit(".", 1)[0] for p in profile_fields() if p.count(".") >= 2})
    leaves = [p for p in profile_fields() if p not in DERIVED_ARENA_FACTS]
    return sections + nested + leaves + ["arenas"] + [f"arenas[0].{f}" for f in arena_fields()]


def _fail(where: str, message: str, hint: Optional[str] = None) -> ProfileError:
    return ProfileError(message, file=f"--set {shorten(where)}", hint=hint)


def parse_value(spec: FieldSpec, text: str, where: Optional[str] = None) -> Any:
    """``text`` as a value of the field ``spec``; ``null`` is ``None`` (unknown).

    Booleans accept true/false, yes/no and ja/nei. Raises :class:`ProfileError` naming
    ``where`` (the ``--set`` written).
    """
    where = where if where is not None else f"{spec.path}={text}"
    raw = text.strip()
    if raw == "null":
        return None
    kind = spec.kind
    if kind == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise _fail(
            where, f"{spec.path} is true or false, not {shorten(repr(raw))}", "write true or false, or null for unknown"
        )
    if kind == "int":
        if not re.fullmatch(r"[+-]?[0-9]+", raw):
            raise _fail(
                where,
                f"{spec.path} is a whole number, not {shorten(repr(raw))}",
                "write a number such as 3, or null for unknown",
            )
        if len(raw.lstrip("+-")) > 18:
            raise _fail(
                where,
                f"{spec.path} is a whole number of at most 18 digits, not one of {len(raw.lstrip('+-')):,}",
                "write a number such as 3, or null for unknown",
            )
        return int(raw)
    if kind == "float":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or raw.lower() in ("inf", "nan"):
            raise _fail(
                where,
                f"{spec.path} is a number, not {shorten(repr(raw))}",
                "write a number such as 0.5, or null for unknown",
            )
        return number
    if kind in ("ordinal", "nominal"):
        if raw in spec.values:
            return raw
        match = did_you_mean(raw, spec.values)
        hint = (
            (f"did you mean {match!r}? " if match else "")
            + "use one of: "
            + ", ".join(spec.values)
            + ", or null for unknown"
        )
        raise _fail(where, f"{raw!r} is not a value of {spec.path}", hint)
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    return raw


def parse_change(text: str) -> Change:
    """Parse ``PATH=VALUE`` by the type of the field at PATH."""
    path, eq, value = text.partition("=")
    path = path.strip()
    if not eq or not path:
        raise _fail(text, "expected PATH=VALUE", "for example --set plan.knowledge_base=true")
    fields = profile_fields()
    if path in DERIVED_ARENA_FACTS:
        raise _fail(
            text,
            f"{path} is computed from the arenas and cannot be set",
            "set arena fields instead, e.g. arenas[0].ladder_level=3",
        )
    if path in fields:
        return Change(text=text, path=path, value=parse_value(fields[path], value, text))
    raw = value.strip()
    sections = {p.rsplit(".", i)[0] for p in fields if not p.startswith("arenas.") for i in range(1, p.count(".") + 1)}
    if path in sections:
        if raw != "null":
            raise _fail(
                text,
                f"{path} is a section: only null (all unknown) can be set",
                f"set one of its fields, e.g. {_first_field(path)}=...",
            )
        return Change(text=text, path=path, value=None)
    if path == "arenas":
        if raw == "null":
            return Change(text=text, path=path, value=None)
        if raw.replace(" ", "") == "[]":
            return Change(text=text, path=path, value=[])
        raise _fail(
            text, "arenas can be set to null (unknown) or [] (none)", "set arena fields as arenas[0].ladder_level=3"
        )
    match = _ARENA_PATH.match(path)
    if match:
        field = match.group(2)
        if field is None:
            if raw != "null":
                raise _fail(
                    text,
                    f"{path} is an arena: only null (remove it) can be set",
                    f"set its fields, e.g. {path}.ladder_level=3",
                )
            return Change(text=text, path=path, value=None)
        afields = arena_fields()
        if field not in afields:
            hint = did_you_mean(field, afields)
            raise _fail(
                text,
                f"unknown arena field {field!r}",
                f"did you mean {hint!r}?" if hint else "allowed: " + ", ".join(afields),
            )
        return Change(text=text, path=path, value=parse_value(afields[field], value, text))
    hint = did_you_mean(path, settable_paths())
    raise _fail(
        text, f"unknown fact {path!r}", f"did you mean {hint!r}?" if hint else "see docs/PROFILE.md for the fact paths"
    )


def _first_field(section: str) -> str:
    return next(p for p in profile_fields() if p.startswith(section + "."))


def _as_change(change: Union[str, Change]) -> Change:
    return change if isinstance(change, Change) else parse_change(change)


def _apply(data: dict[str, Any], change: Change) -> None:
    match = _ARENA_PATH.match(change.path)
    if match:
        index, field = int(match.group(1)), match.group(2)
        arenas = data.get("arenas")
        count = len(arenas) if isinstance(arenas, list) else 0
        if field is None:
            if index >= count:
                raise _fail(
                    change.text,
                    f"there is no arena {index} to remove",
                    f"arenas are numbered from 0 to {count - 1}" if count else "the profile lists no arenas",
                )
            del arenas[index]  # type: ignore[union-attr]
            return
        if index > count:
            raise _fail(
                change.text,
                f"there is no arena {index}",
                f"the profile lists {count} arena(s); arenas[{count}] adds one",
            )
        if arenas is None:
            arenas = data["arenas"] = []
        if index == count:
            if change.value is None:
                raise _fail(change.text, f"there is no arena {index}", "set a value to add an arena")
            arenas.append({})
        if change.value is None:
            arenas[index].pop(field, None)
        else:
            arenas[index][field] = change.value
        return
    if change.path == "arenas":
        if change.value is None:
            data.pop("arenas", None)
        else:
            data["arenas"] = []
        return
    *parents, leaf = change.path.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            if change.value is None:
                return
            child = node[part] = {}
        node = child
    if change.value is None:
        node.pop(leaf, None)
    else:
        node[leaf] = change.value


def apply_changes(profile: Profile, changes: Sequence[Union[str, Change]]) -> Profile:
    """``profile`` with ``changes`` applied in order, validated.

    Raises :class:`ProfileError` naming the ``--set`` that makes the profile invalid.
    """
    parsed = [_as_change(c) for c in changes]
    seen: dict[str, str] = {}
    for change in parsed:
        if change.path in seen and not _ARENA_PATH.match(change.path):
            raise _fail(change.text, f"{change.path} is set twice", f"also by --set {seen[change.path]}; keep one")
        seen[change.path] = change.text
    data = profile.model_dump(mode="python", exclude_none=True)
    for change in parsed:
        _apply(data, change)
    try:
        return parse_profile(data, name="--set")
    except ProfileError as exc:
        where = format_path(exc.path)
        culprit = next((c for c in reversed(parsed) if where == c.path or where.startswith(c.path + ".")), None)
        if culprit is None:
            culprit = next((c for c in reversed(parsed) if c.path.startswith(where)), parsed[-1] if parsed else None)
        raise ProfileError(
            exc.message,
            file=f"--set {culprit.text}" if culprit else "--set",
            path=exc.path,
            hint=exc.hint,
        ) from None


# --------------------------------------------------------------------------------------------
# what if


def whatif(
    profile: Profile,
    changes: Sequence[Union[str, Change]],
    pack: Optional[RulePack] = None,
    *,
    engine: Optional[str] = None,
) -> WhatIf:
    """Assess ``profile`` before and after ``changes`` (``PATH=VALUE`` strings or :class:`Change`)."""
    check_arguments("whatif", profile, pack)
    parsed = tuple(_as_change(c) for c in changes)
    changed = apply_changes(profile, parsed)
    before = assess(profile, pack, engine=engine)
    after = assess(changed, pack, engine=engine)
    return WhatIf(
        municipality=after.municipality or before.municipality,
        changes=parsed,
        diff=compare(profile, changed, before, after),
    )


# --------------------------------------------------------------------------------------------
# next steps


def _ref(f: Finding) -> PitfallRef:
    return PitfallRef(rule_id=f.rule_id, priority=f.priority, title=f.title)


def _conditions_behind(pack: RulePack, rule_id: str, seen: set[str]) -> list[Condition]:
    """The effective condition of ``rule_id`` and of every finding it tests, transitively."""
    if rule_id in seen:
        return []
    seen.add(rule_id)
    cond = pack.effective_conditions[rule_id]
    out = [cond]
    for node in walk(cond):
        if isinstance(node, FindingRef):
            out += _conditions_behind(pack, node.rule_id, seen)
    return out


def _thresholds(pack: RulePack) -> tuple[dict[str, set[Any]], dict[str, set[Any]]]:
    """Numbers the rules compare each profile fact and each arena field with."""
    facts: dict[str, set[Any]] = {}
    arena: dict[str, set[Any]] = {}
    for cond in pack.effective_conditions.values():
        for node in walk(cond):
            if not isinstance(node, Compare) or node.spec.kind not in ("int", "float"):
                continue
            values = node.value if isinstance(node.value, tuple) else (node.value,)
            if node.in_arena:
                arena.setdefault(node.path, set()).update(values)
            elif node.path in DERIVED_ARENA_FACTS:
                if node.path != "arenas.count":
                    arena.setdefault("ladder_level", set()).update(values)
            else:
                facts.setdefault(node.path, set()).update(values)
    return facts, arena


def _candidates(spec: FieldSpec, numbers: set[Any]) -> list[Any]:
    if spec.kind == "bool":
        return [True, False]
    if spec.kind in ("ordinal", "nominal"):
        return list(spec.values)
    if spec.kind == "int":
        return sorted({int(v) + d for v in numbers for d in (-1, 0, 1)})
    if spec.kind == "float":
        return sorted({float(v) + d for v in numbers for d in (-0.5, 0.0, 0.5)})
    return []  # free text: nothing sensible to try


def _improvements(spec: FieldSpec, better: Any, current: Any, numbers: set[Any]) -> list[tuple[Any, float]]:
    """The values of a fact that are better than ``current``, each with how big a change it is.

    ``better`` says which way is better (the field's :class:`~advisor.profile.model.Better`). When ``current`` is
    unknown, every value but the worst counts, measured from the worst.
    """
    if better is None:
        return []
    values = _candidates(spec, numbers)
    if isinstance(better, bool):
        return [(better, 0.0)] if spec.kind == "bool" and current is not better else []
    if isinstance(better, tuple):
        return [(v, 0.0) for v in values if v in better and v != current]
    if better not in ("up", "down") or not values or spec.kind not in ("ordinal", "int", "float"):
        return []
    sign = 1 if better == "up" else -1

    def rank(v: Any) -> float:
        ranked: float = sign * spec.rank(v)
        return ranked

    ref = rank(current) if current is not None else min(rank(v) for v in values)
    return [(v, float(rank(v) - ref)) for v in values if rank(v) > ref]


def _targets(pack: RulePack, profile: Profile, fired_pitfalls: Sequence[str]) -> list[tuple[str, FieldSpec, Any, bool]]:
    """(path, field, current value, adds an arena) of every fact behind the fired
    pitfalls."""
    fields = profile_fields()
    afields = arena_fields()
    seen: set[str] = set()
    conds = [c for rid in fired_pitfalls for c in _conditions_behind(pack, rid, seen)]
    paths: dict[str, None] = {}
    arena_paths: dict[str, None] = {}
    for cond in conds:
        for node in walk(cond):
            if isinstance(node, Compare):
                if node.in_arena:
                    arena_paths[node.path] = None
                elif node.path in DERIVED_ARENA_FACTS:
                    arena_paths["ladder_level"] = None
                else:
                    paths[node.path] = None
    values = profile.model_dump(mode="python", exclude_none=True)
    out: list[tuple[str, FieldSpec, Any, bool]] = []
    for path in sorted(paths):
        current: Any = values
        for part in path.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        out.append((path, fields[path], current, False))
    arenas = values.get("arenas") or []
    for field in sorted(arena_paths):
        for index in range(len(arenas) + 1):
            current = arenas[index].get(field) if index < len(arenas) else None
            out.append((f"arenas[{index}].{field}", afields[field], current, index == len(arenas)))
    return out


def _arena_of(path: str, labels: Sequence[str]) -> Optional[str]:
    match = _ARENA_PATH.match(path.rsplit(".", 1)[0]) if path.startswith("arenas[") else None
    if not match:
        return None
    index = int(match.group(1))
    return labels[index] if index < len(labels) else None


def next_steps(
    profile: Profile,
    pack: Optional[RulePack] = None,
    *,
    top: Optional[int] = DEFAULT_TOP,
    engine: str = "python",
) -> NextSteps:
    """Single changes to ``profile`` ranked by the pitfalls they resolve, weighted by priority.

    Candidates are improvements of the facts tested by a pitfall that fired, directly or through
    the findings it tests, unknown facts included: every value better than the current one, in
    the direction the field gives (:attr:`~advisor.profile.schema.FieldSpec.better`) (true or false; up or
    down a scale; for numbers, the thresholds the rules use and their neighbours). Facts
    without a direction (context such as a merger) are never suggested. Arena facts are tried
    on each arena and on a new one. A step's score is the priority weight
    (:data:`~advisor.engine.assessment.PRIORITY_WEIGHT`) of the pitfalls it resolves minus that of the
    pitfalls it introduces. Per fact the best value is kept (on a tie, the smallest change);
    steps that resolve nothing or score 0 or less are left out. Ranked by score, then fewer
    pitfalls introduced, then path. ``engine`` defaults to the plain-Python reference
    evaluator, which gives the same findings as durable-rules and is faster for the many
    assessments this makes.
    """
    from ..engine.assessment import _default_pack

    check_arguments("next_steps", profile, pack)
    pack = pack if pack is not None else _default_pack()
    base = assess(profile, pack, engine=engine)
    fired = {f.rule_id: f for f in base.pitfalls}
    fact_thresholds, arena_thresholds = _thresholds(pack)
    best: dict[str, tuple[tuple[Any, ...], Step]] = {}
    labels = arena_labels(profile)
    tried = 0
    for path, spec, current, new_arena in _targets(pack, profile, list(fired)):
        numbers = (
            arena_thresholds.get(spec.path, set()) if path.startswith("arenas[") else fact_thresholds.get(path, set())
        )
        for index, (value, distance) in enumerate(_improvements(spec, spec.better, current, numbers)):
            change = Change(text=f"{path}={describe_value(value)}", path=path, value=value)
            try:
                changed = apply_changes(profile, [change])
            except ProfileError:
                continue  # outside the field's range
            tried += 1
            after = assess(changed, pack, engine=engine)
            now = {f.rule_id: f for f in after.pitfalls}
            resolves = [fired[r] for r in fired if r not in now]
            introduces = [now[r] for r in now if r not in fired]
            if not resolves:
                continue
            score = sum(PRIORITY_WEIGHT[f.priority] for f in resolves) - sum(
                PRIORITY_WEIGHT[f.priority] for f in introduces
            )
            if score <= 0:
                continue
            step = Step(
                set=change.text,
                path=path,
                value=value,
                current=current,
                new_arena=new_arena,
                arena=_arena_of(path, labels),
                resolves=tuple(_ref(f) for f in resolves),
                introduces=tuple(_ref(f) for f in introduces),
                score=score,
            )
            rank = (-score, len(introduces), distance, index)
            if path not in best or rank < best[path][0]:
                best[path] = (rank, step)
    ranked = sorted(best.values(), key=lambda kv: (kv[0][0], kv[0][1], kv[1].path))
    steps = tuple(step for _, step in ranked)
    if top is not None:
        steps = steps[: max(top, 0)]
    return NextSteps(
        municipality=base.municipality,
        pitfalls=tuple(_ref(f) for f in base.pitfalls),
        load=sum(PRIORITY_WEIGHT[f.priority] for f in base.pitfalls),
        tried=tried,
        steps=steps,
    )
