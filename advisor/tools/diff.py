"""Compare two assessments of the same municipality: what changed in the profile, which findings
went away, which are new, and how the pitfalls add up by priority.

:func:`diff` assesses two profiles with one rule pack and compares them; :func:`compare` does the
comparison for assessments already made (``advisor whatif`` uses it too). :func:`render_diff`
renders a :class:`Diff` as text in English or Norwegian bokmål.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict
from ..render.format import fit_table

from ..profile.schema import arena_fields, profile_fields
from ..engine.assessment import PRIORITY_WEIGHT, Assessment, Finding, assess
from .explain import describe_value as format_value
from ..engine.facts import profile_facts
from ..core.i18n import t
from ..profile.model import Profile
from ..render.format import step_title
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
    "render_diff",
    "render_findings_changes",
    "facts_table",
    "format_value",
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
    return compare(
        old,
        new,
        assess(old, pack, engine=engine),
        assess(new, pack, engine=engine),
        old_label=old_label,
        new_label=new_label,
    )


# --------------------------------------------------------------------------------------------
# rendering


def _heading(text: str) -> list[str]:
    return [text, "-" * len(text)]


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("±0" if n == 0 else f"−{-n}")


def _findings_table(findings: Sequence[Finding], lang: str) -> str:
    rows = [
        [f.rule_id, t(lang, f"kind.{f.kind}"), t(lang, f"priority.{f.priority}"), step_title(f, lang)] for f in findings
    ]
    head = [t(lang, "col_id"), t(lang, "col_kind"), t(lang, "col_priority"), t(lang, "col_title")]
    return fit_table(rows, head)


def facts_table(facts: Sequence[FactChange], lang: str) -> str:
    rows = [[c.path, format_value(c.old, lang), format_value(c.new, lang)] for c in facts]
    return fit_table(rows, [t(lang, "col_fact"), t(lang, "diff.before"), t(lang, "diff.after")])


def render_findings_changes(
    d: Diff, lang: str, gone_key: str = "diff.resolved", new_key: str = "diff.new"
) -> list[str]:
    """The findings that went and came, the ones that stayed, and the summary, as text lines."""
    out: list[str] = []
    for key, findings in ((gone_key, d.resolved), (new_key, d.new)):
        out += _heading(t(lang, key, n=len(findings)))
        out.append(_findings_table(findings, lang) if findings else t(lang, "none"))
        out.append("")
    out += _heading(t(lang, "diff.persisting", n=len(d.persisting)))
    out.append(", ".join(f.rule_id for f in d.persisting) if d.persisting else t(lang, "none"))
    out.append("")
    out += _heading(t(lang, "diff.summary"))
    rows = [[t(lang, f"diff.count.{c.key}"), c.old, c.new, _signed(c.new - c.old)] for c in d.kinds]
    rows += [
        [t(lang, "diff.pitfalls_of", priority=t(lang, f"priority.{c.key}")), c.old, c.new, _signed(c.new - c.old)]
        for c in d.pitfalls_by_priority
    ]
    load = d.pitfall_load
    rows.append([t(lang, "diff.load"), load.old, load.new, _signed(load.new - load.old)])
    head = ["", t(lang, "diff.before"), t(lang, "diff.after"), t(lang, "diff.change")]
    out.append(fit_table(rows, head, colalign=("left", "right", "right", "right")))
    return out


def render_diff(d: Diff, lang: str = "en") -> str:
    """The diff as plain text in ``lang``."""
    name = d.new_name or d.old_name or t(lang, "unnamed")
    title = t(lang, "diff.title", name=name)
    out = [title, "=" * len(title)]
    if d.old_label or d.new_label:
        out.append(t(lang, "diff.files", old=d.old_label or "-", new=d.new_label or "-"))
    if not d.same_municipality:
        out.append(t(lang, "diff.other_municipality", old=d.old_name, new=d.new_name))
    out.append("")
    out += _heading(t(lang, "diff.facts", n=len(d.facts)))
    out.append(facts_table(d.facts, lang) if d.facts else t(lang, "none"))
    out.append("")
    out += render_findings_changes(d, lang)
    return "\n".join(out) + "\n"
