"""Compare two assessments of the same municipality: what changed in the profile, which findings
went away, which are new, and how the pitfalls add up by priority.

:func:`diff` assesses two profiles with one rule pack and compares them; :func:`compare` does the
comparison for assessments already made (``advisor whatif`` uses it too).
:func:`advisor.render.tools.render_diff` renders a :class:`Diff` as text.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict

from ..profile.schema import arena_fields, profile_fields
from ..engine.assessment import PRIORITY_WEIGHT, Assessment, Finding, assess, check_arguments
from ..engine.facts import profile_facts
from ..profile.model import Profile
from ..rules.pack import FACTORS, KINDS, PRIORITIES, RulePack

__all__ = [
    "FactChange",
    "Count",
    "Diff",
    "diff",
    "compare",
    "fact_values",
    "arena_labels",
    "pitfall_load",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class FactChange(_Model):
    """One fact that differs: ``old`` and ``new`` are ``None`` where the fact is unknown."""

    path: str
    old: Any = None
    new: Any = None


class Count(_Model):
    """A number before and after, for one row of the summary (a kind, or pitfalls of a priority)."""

    key: str
    old: int
    new: int


class Diff(_Model):
    """The difference between an old and a new assessment."""

    old_label: Optional[str] = None
    new_label: Optional[str] = None
    old_name: Optional[str] = None
    new_name: Optional[str] = None
    same_municipality: bool = True
    """False when both profiles name a municipality and the names differ."""
    facts: tuple[FactChange, ...] = ()
    resolved: tuple[Finding, ...] = ()
    """Findings of the old assessment that the new one no longer has."""
    new: tuple[Finding, ...] = ()
    """Findings of the new assessment that the old one did not have."""
    persisting: tuple[Finding, ...] = ()
    """Findings of both (as in the new assessment)."""
    kinds: tuple[Count, ...] = ()
    """Number of strengths, diagnoses, pitfalls and recommendations before and after."""
    pitfalls_by_priority: tuple[Count, ...] = ()
    """Number of pitfalls of each priority before and after, highest priority first."""
    pitfall_load: Count
    """Pitfalls weighted by priority (``PRIORITY_WEIGHT``) before and after."""

    @property
    def changed(self) -> bool:
        return bool(self.facts or self.resolved or self.new)


# --------------------------------------------------------------------------------------------


def arena_labels(profile: Profile) -> list[str]:
    """A label per arena: its name (made unique with ``#N`` if repeated), else ``#N``."""
    arenas = profile.arenas or []
    names = [a.name for a in arenas]
    out = []
    for i, name in enumerate(names):
        if not name:
            out.append(f"#{i + 1}")
        elif names.count(name) > 1:
            out.append(f"{name}#{i + 1}")
        else:
            out.append(name)
    return out


def fact_values(profile: Profile) -> dict[str, Any]:
    """Every known fact of ``profile`` by path, arena fields as ``arenas[LABEL].field``."""
    facts = profile_facts(profile)
    out = dict(facts.values)
    for label, arena in zip(arena_labels(profile), facts.arenas or ()):
        for field, value in arena.items():
            out[f"arenas[{label}].{field}"] = value
    return out


def _fact_order(paths: Sequence[str], labels: Sequence[str]) -> list[str]:
    fields = list(profile_fields())
    afields = list(arena_fields())

    def key(path: str) -> tuple[Any, ...]:
        if path in fields:
            return (0, fields.index(path), 0, "")
        label, _, field = path[len("arenas[") :].partition("].")
        return (
            1,
            labels.index(label) if label in labels else len(labels),
            afields.index(field) if field in afields else len(afields),
            path,
        )

    return sorted(paths, key=key)


def pitfall_load(findings: Sequence[Finding]) -> int:
    """The pitfalls among ``findings`` weighted by priority."""
    return sum(PRIORITY_WEIGHT[f.priority] for f in findings if f.kind == "pitfall")


def _order(f: Finding) -> tuple[Any, ...]:
    return (KINDS.rank(f.kind), -PRIORITIES.rank(f.priority), FACTORS.rank(f.factor), f.rule_id)


def compare(
    old_profile: Profile,
    new_profile: Profile,
    old: Assessment,
    new: Assessment,
    *,
    old_label: Optional[str] = None,
    new_label: Optional[str] = None,
) -> Diff:
    """Compare two assessments already made of ``old_profile`` and ``new_profile``."""
    old_facts = fact_values(old_profile)
    new_facts = fact_values(new_profile)
    labels = list(dict.fromkeys(arena_labels(old_profile) + arena_labels(new_profile)))
    changed = [p for p in set(old_facts) | set(new_facts) if old_facts.get(p) != new_facts.get(p)]
    facts = tuple(FactChange(path=p, old=old_facts.get(p), new=new_facts.get(p)) for p in _fact_order(changed, labels))
    old_by_id = {f.rule_id: f for f in old.findings}
    new_by_id = {f.rule_id: f for f in new.findings}
    resolved = sorted((f for rid, f in old_by_id.items() if rid not in new_by_id), key=_order)
    added = sorted((f for rid, f in new_by_id.items() if rid not in old_by_id), key=_order)
    persisting = sorted((f for rid, f in new_by_id.items() if rid in old_by_id), key=_order)
    kinds = tuple(
        Count(key=kind, old=sum(f.kind == kind for f in old.findings), new=sum(f.kind == kind for f in new.findings))
        for kind in KINDS
    )
    by_priority = tuple(
        Count(key=p, old=sum(f.priority == p for f in old.pitfalls), new=sum(f.priority == p for f in new.pitfalls))
        for p in reversed(PRIORITIES)
    )
    same = not (old.municipality and new.municipality and old.municipality != new.municipality)
    return Diff(
        old_label=old_label,
        new_label=new_label,
        old_name=old.municipality,
        new_name=new.municipality,
        same_municipality=same,
        facts=facts,
        resolved=tuple(resolved),
        new=tuple(added),
        persisting=tuple(persisting),
        kinds=kinds,
        pitfalls_by_priority=by_priority,
        pitfall_load=Count(key="load", old=pitfall_load(old.pitfalls), new=pitfall_load(new.pitfalls)),
    )


def diff(
    old: Profile,
    new: Profile,
    pack: Optional[RulePack] = None,
    *,
    engine: Optional[str] = None,
    old_label: Optional[str] = None,
    new_label: Optional[str] = None,
) -> Diff:
    """Assess ``old`` and ``new`` (two profiles of one municipality) with ``pack`` and compare.

    ``old_label`` and ``new_label`` (file names, dates) are only shown.
    """
    check_arguments("diff", old, pack)
    check_arguments("diff", new)
    return compare(
        old,
        new,
        assess(old, pack, engine=engine),
        assess(new, pack, engine=engine),
        old_label=old_label,
        new_label=new_label,
    )
