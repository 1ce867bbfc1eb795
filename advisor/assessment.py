"""Assess a profile with a rule pack: the result model and :func:`assess`."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict

from ._schema import arena_fields, profile_fields
from .conditions import Compare, evaluate
from .facts import Facts, profile_facts
from .profile import Profile
from .rulepack import FACTORS, KINDS, PHASES, PRIORITIES, Rule, RulePack, Text, load_rules

__all__ = ["RuleSummary", "Finding", "rule_states", "Question", "Manifest", "Assessment", "assess", "reference_firings", "PRIORITY_WEIGHT"]

#: How much a rule of each priority weighs when ranking questions and next steps.
PRIORITY_WEIGHT = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class RuleSummary(_Result):
    """What every result says about a rule: its id, classification, texts and sources."""

    rule_id: str
    kind: str
    factor: str
    phase: str
    priority: str
    evidence: str
    title: Text
    message: Text
    sources: tuple[str, ...]


class Finding(RuleSummary):
    """A rule that fired, with its explanation."""

    facts: dict[str, Any]
    """The known facts that made it fire, by path."""
    arenas: tuple[str, ...] = ()
    """The arenas that made it fire (their names, or ``#N`` for unnamed ones)."""
    because: tuple[str, ...] = ()
    """Findings of earlier stages it rests on."""
    recommends: tuple[str, ...] = ()
    """Recommendations of this assessment that address it."""
    addresses: tuple[str, ...] = ()
    """For a recommendation: the findings of this assessment it addresses."""


class Question(_Result):
    """An unknown fact that could change the outcome: a question to ask next."""

    path: str
    description: str
    rules: tuple[str, ...]
    weight: int


class Manifest(_Result):
    """What is needed to reproduce an assessment."""

    advisor_version: str
    engine: str
    engine_version: str
    pack: str
    pack_version: str
    pack_hash: str
    profile_hash: str
    rules_enabled: tuple[str, ...]
    """The ids of the rules the pack ran."""


class Assessment(_Result):
    """The outcome of assessing one profile."""

    municipality: Optional[str]
    diagnoses: tuple[Finding, ...]
    pitfalls: tuple[Finding, ...]
    recommendations: tuple[Finding, ...]
    questions: tuple[Question, ...]
    manifest: Manifest

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings: diagnoses, pitfalls, then recommendations (the plan, in order)."""
        return self.diagnoses + self.pitfalls + self.recommendations

    @property
    def fired(self) -> frozenset[str]:
        """The ids of every rule that fired."""
        return frozenset(f.rule_id for f in self.findings)

    def highest_priority(self) -> Optional[str]:
        """The highest priority among the findings, or ``None`` when nothing fired."""
        ranks = [PRIORITIES.index(f.priority) for f in self.findings]
        return PRIORITIES[max(ranks)] if ranks else None


# --------------------------------------------------------------------------------------------


def profile_hash(profile: Profile) -> str:
    blob = json.dumps(profile.model_dump(mode="json", exclude_none=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def arena_label(facts: Facts, index: int) -> str:
    """How results name the arena at ``index``: its name, or ``#N`` for an unnamed one."""
    arena = facts.arenas[index] if facts.arenas else {}
    return str(arena.get("name") or f"#{index + 1}")


def _finding(
    rule: Rule,
    pack: RulePack,
    facts: Facts,
    firings: Sequence[Any],
    recommends: tuple[str, ...],
    addresses: tuple[str, ...],
) -> Finding:
    term_index = min(f.term for f in firings)
    term = pack.dnf[rule.id][term_index]
    shown: dict[str, Any] = {}
    for compare in term.compares:
        shown[compare.path] = facts.values[compare.path]
    for firing in firings:
        if firing.term != term_index:
            continue
        for compares, index in zip(term.arenas, firing.arenas):
            label = arena_label(facts, index)
            for compare in compares:
                shown[f"arenas[{label}].{compare.path}"] = facts.arenas[index][compare.path]  # type: ignore[index]
    arena_indices = sorted({i for f in firings for i in f.arenas})
    # Built without validation: every value comes from a validated rule pack and profile.
    return Finding.model_construct(
        rule_id=rule.id,
        kind=rule.kind,
        factor=rule.factor,
        phase=rule.phase,
        priority=rule.priority,
        evidence=rule.evidence,
        title=rule.title,
        message=rule.message,
        sources=pack.citations[rule.id],
        facts=dict(sorted(shown.items())),
        arenas=tuple(arena_label(facts, i) for i in arena_indices),
        because=tuple(sorted({ref.rule_id for ref in term.findings if not ref.negated})),
        recommends=recommends,
        addresses=addresses,
    )


def _priority_key(f: Finding) -> tuple[Any, ...]:
    return (-PRIORITIES.index(f.priority), FACTORS.index(f.factor), f.rule_id)


def _plan_key(f: Finding) -> tuple[Any, ...]:
    return (PHASES.index(f.phase), -PRIORITIES.index(f.priority), FACTORS.index(f.factor), f.rule_id)


def _unknown_paths(compares: tuple[Compare, ...], facts: Facts) -> set[str]:
    out: set[str] = set()
    for node in compares:
        if node.in_arena:
            if facts.arenas is None:
                out.add("arenas")
            elif any(node.path not in arena for arena in facts.arenas):
                out.add(f"arenas[].{node.path}")
        elif node.path not in facts.values:
            if node.path.startswith("arenas."):
                out.add("arenas" if facts.arenas is None else "arenas[].ladder_level")
            else:
                out.add(node.path)
    return out


def rule_states(pack: RulePack, facts: Facts, fired: frozenset[str]) -> dict[str, Optional[bool]]:
    """Each rule's three-valued state: ``True`` fired, ``False`` decided not to fire, ``None``
    undecided because of unknown facts (or undecided findings it rests on)."""
    state: dict[str, Optional[bool]] = {}
    for rule in pack.in_stage_order:
        if rule.id in fired:
            state[rule.id] = True
            continue
        compares, refs = pack.leaves[rule.id]
        if not _unknown_paths(compares, facts) and all(state.get(ref) is not None for ref in refs):
            state[rule.id] = False  # every fact it tests is known, and it did not fire
            continue
        condition = pack.effective_conditions[rule.id]
        state[rule.id] = evaluate(condition, facts.values, facts.arenas, lambda rid: state.get(rid, False))
    return state


def _questions(pack: RulePack, facts: Facts, fired: frozenset[str]) -> tuple[Question, ...]:
    """Unknown facts that leave a rule undecided, most influential first."""
    state = rule_states(pack, facts, fired)
    unknown: dict[str, set[str]] = {}
    by_path: dict[str, set[str]] = {}
    for rule in pack.in_stage_order:
        if state[rule.id] is not None:
            continue
        # Its own unknown facts, and those of the undecided findings it rests on.
        compares, refs = pack.leaves[rule.id]
        paths = _unknown_paths(compares, facts)
        for ref in refs:
            if state.get(ref) is None:
                paths |= unknown.get(ref, set())
        unknown[rule.id] = paths
        for path in paths:
            by_path.setdefault(path, set()).add(rule.id)
    fields = profile_fields()
    out = []
    for path, rule_ids in by_path.items():
        weight = sum(PRIORITY_WEIGHT[pack.by_id[r].priority] for r in rule_ids)
        key = path.replace("arenas[].", "")
        spec = fields.get(path) or arena_fields().get(key)
        description = spec.description if spec else "the list of co-creation arenas"
        out.append(Question(path=path, description=description, rules=tuple(sorted(rule_ids)), weight=weight))
    out.sort(key=lambda q: (-q.weight, q.path))
    return tuple(out)


def reference_firings(pack: RulePack, facts: Facts) -> list[Any]:
    """The firings of ``pack`` on ``facts`` computed in plain Python, without the engine.

    Used to cross-check the engine and as the baseline of the benchmarks.
    """
    from ._engine import Firing

    fired: set[str] = set()
    out: list[Firing] = []
    arenas = facts.arenas or ()
    for rules in pack.stages:
        new: set[str] = set()
        for rule in rules:
            for index, term in enumerate(pack.dnf[rule.id]):
                if not all(c.test(facts.values.get(c.path)) for c in term.compares):
                    continue
                if not all((ref.rule_id in fired) != ref.negated for ref in term.findings):
                    continue
                matches = [
                    [i for i, arena in enumerate(arenas) if all(c.test(arena.get(c.path)) for c in compares)]
                    for compares in term.arenas
                ]
                if any(not m for m in matches):
                    continue
                combos: list[tuple[int, ...]] = [()]
                for m in matches:
                    combos = [c + (i,) for c in combos for i in m]
                out.extend(Firing(rule.id, index, combo) for combo in combos)
                new.add(rule.id)
        fired |= new
    return out


def assess(profile: Profile, rules: Optional[RulePack] = None, *, engine: str = "durable") -> Assessment:
    """Assess ``profile`` with ``rules`` (the shipped rule base by default).

    ``engine="durable"`` runs the durable-rules engine; ``engine="python"`` runs the plain-Python
    reference evaluator of the same rules, which gives the same result.
    """
    from . import __version__
    from ._engine import ENGINE_NAME, backend_for, engine_version

    pack = rules if rules is not None else _default_pack()
    facts = profile_facts(profile)
    if engine == "durable":
        firings = backend_for(pack).run(facts)
        engine_label = ENGINE_NAME
    elif engine == "python":
        firings = reference_firings(pack, facts)
        engine_label = "python-reference"
    else:
        raise ValueError(f"unknown engine {engine!r}: use 'durable' or 'python'")
    by_rule: dict[str, list[Any]] = {}
    for firing in firings:
        by_rule.setdefault(firing.rule_id, []).append(firing)
    fired = frozenset(by_rule)
    recommends = {rid: tuple(sorted(r for r in pack.by_id[rid].recommends if r in fired)) for rid in fired}
    addresses: dict[str, list[str]] = {}
    for rid, recs in recommends.items():
        for r in recs:
            addresses.setdefault(r, []).append(rid)
    findings = {
        rid: _finding(pack.by_id[rid], pack, facts, fs, recommends[rid], tuple(sorted(addresses.get(rid, ()))))
        for rid, fs in by_rule.items()
    }
    kinds = {kind: [f for f in findings.values() if f.kind == kind] for kind in KINDS}
    manifest = Manifest(
        advisor_version=__version__,
        engine=engine_label,
        engine_version=engine_version() if engine == "durable" else __version__,
        pack=pack.info.name,
        pack_version=pack.info.version,
        pack_hash=pack.hash,
        profile_hash=profile_hash(profile),
        rules_enabled=pack.rule_ids,
    )
    return Assessment(
        municipality=profile.context.name if profile.context else None,
        diagnoses=tuple(sorted(kinds["diagnosis"], key=_priority_key)),
        pitfalls=tuple(sorted(kinds["pitfall"], key=_priority_key)),
        recommendations=tuple(sorted(kinds["recommendation"], key=_plan_key)),
        questions=_questions(pack, facts, fired),
        manifest=manifest,
    )


_DEFAULT: list[RulePack] = []


def _default_pack() -> RulePack:
    if not _DEFAULT:
        _DEFAULT.append(load_rules())
    return _DEFAULT[0]


