"""Assess a profile with a rule pack: the result model and :func:`assess`."""

from __future__ import annotations

import hashlib
import operator
import threading
from functools import cached_property
from typing import AbstractSet, Any, Callable, Iterable, Optional, Sequence, TypeVar, Union

from pydantic import BaseModel, ConfigDict, PrivateAttr, TypeAdapter, computed_field, model_validator

from ..profile.schema import arena_fields, profile_fields
from ..rules.arenas import derivation_inputs
from .interface import Firing, backend, engine_label, resolve_engine
from ..rules.conditions import Compare, FindingRef, Phrase, compile_condition, walk
from .facts import Facts, profile_facts
from ..profile.canonical import canonical_json
from ..profile.model import Profile
from ..rules.pack import FACTORS, KINDS, PHASES, PRIORITIES, Rule, RulePack, Text
from ..rules.load import load_rules
from ..rules.cache import cached_data, strings

__all__ = [
    "ContrastingView",
    "RuleSummary",
    "Finding",
    "rule_states",
    "Question",
    "Manifest",
    "Assessment",
    "assess",
    "reference_firings",
    "ReferenceBackend",
    "PRIORITY_WEIGHT",
    "FAIL_ON_KINDS",
]

#: How much a rule of each priority weighs when ranking questions and next steps.
PRIORITY_WEIGHT = {"low": 1, "medium": 2, "high": 3, "critical": 4}
#: The kinds of finding that ``advisor assess --fail-on`` counts: what the municipality's state
#: is and what is likely to go wrong. A recommendation's priority says how urgent a step is, not
#: that something is wrong, so it does not count; nor does a strength (what works and should be kept).
FAIL_ON_KINDS = ("diagnosis", "pitfall")

_ResultT = TypeVar("_ResultT", bound=BaseModel)


class _Result(BaseModel):
    # Built on first validation or serialisation: assess() builds its results with _construct,
    # which needs no schema (issue 15 §3).
    model_config = ConfigDict(frozen=True, defer_build=True)


_set = object.__setattr__
_new = object.__new__
# The setters of the slots every pydantic model has (BaseModel.__slots__), called directly.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _construct(cls: type[_ResultT], values: dict[str, Any]) -> _ResultT:
    """An instance of the result model ``cls`` from ``values`` (every field, in field order),
    without validation, as ``cls.model_construct(**values)`` builds it, at a quarter of the cost.

    Only for values worked out from a validated profile and rule pack. A test checks that the
    instance equals the one ``model_construct`` builds, attribute for attribute.
    """
    instance = _new(cls)
    _set(instance, "__dict__", values)
    fields = _fields_of(cls)
    # Every field is set: the instances of a class share one set of every field's name (the
    # models are frozen, so pydantic never changes it in place: a copy copies it first).
    _set_fields_set(instance, fields if len(values) == len(fields) else set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


#: Each result model's fields, the set its instances share (see :func:`_construct`).
_FIELDS: dict[type, set[str]] = {}


def _fields_of(cls: type[BaseModel]) -> set[str]:
    """The set of every field's name that the instances of ``cls`` share (see :func:`_construct`)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    return fields


class ContrastingView(_Result):
    """Another passage that disagrees with a finding: shown beside it, never as its source."""

    statement: Text
    sources: tuple[str, ...]
    """The citations as written in the pack: document file, section and line range."""
    citations: tuple[Text, ...]
    """The same citations as readers see them, one per document (``Lundgren (2023) §6``), in both languages."""


def contrasting_views(pack: RulePack, rule: Rule) -> tuple[ContrastingView, ...]:
    """The contrasts of ``rule`` as results show them."""
    if not rule.contrasts:
        return ()
    cited = pack.contrast_citations.get(rule.id)
    if cited is None or len(cited) != len(rule.contrasts):  # a rule from elsewhere
        cited = tuple(pack.cite_all(c.sources) for c in rule.contrasts)
    return tuple(
        _construct(
            ContrastingView,
            {"statement": c.statement, "sources": tuple(str(s) for s in c.sources), "citations": citations},
        )
        for c, citations in zip(rule.contrasts, cited)
    )


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
    """The citations as written in the pack: document file, section and line range."""
    citations: tuple[Text, ...]
    """The same citations as readers see them, one per document (``Lundgren (2023) §6, §5.1.5``), in both languages."""
    contrasts: tuple[ContrastingView, ...] = ()
    """Passages of other documents that disagree: contrasting, not supporting."""


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
    conditional: bool = False
    """For a recommendation whose guard (``done_when``) is unknown: advice that holds unless what
    it recommends is already in place."""
    unless: Optional[Union[Phrase, Text]] = None
    """For a conditional recommendation: its ``done_when`` (what "already in place" means), put in
    words by :func:`advisor.render.conditions.words`; in JSON its words in both languages, so an
    assessment read back from its JSON carries those words (a ``Text``) here."""


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
    """The outcome of assessing one profile.

    ``questions`` and ``manifest`` (whose ``profile_hash`` hashes the whole profile) are worked out
    when first asked for, not by :func:`assess`: a batch or a loop that reads only the findings
    does not pay for them. They are read, dumped, compared and pickled as the other fields are."""

    municipality: Optional[str]
    strengths: tuple[Finding, ...]
    diagnoses: tuple[Finding, ...]
    pitfalls: tuple[Finding, ...]
    recommendations: tuple[Finding, ...]
    _lazy: Optional[tuple[Callable[[], tuple[Question, ...]], Callable[[], Manifest]]] = PrivateAttr(default=None)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Unknown facts that leave a rule undecided (or a recommendation conditional), most
        influential first."""
        questions: tuple[Question, ...] = self._deferred(0)
        return questions

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def manifest(self) -> Manifest:
        """What is needed to reproduce the assessment."""
        manifest: Manifest = self._deferred(1)
        return manifest

    def _deferred(self, index: int) -> Any:
        if self._lazy is None:
            raise AttributeError("this Assessment was built without its questions and manifest")
        return self._lazy[index]()

    @model_validator(mode="wrap")
    @classmethod
    def _given(cls, data: Any, handler: Any) -> Any:
        """Validation (``Assessment.model_validate``, JSON output read back) takes the questions
        and manifest as given."""
        instance = handler(data)
        if isinstance(data, dict) and instance is not data:
            if "questions" in data:
                instance.__dict__["questions"] = _QUESTIONS.validate_python(data["questions"])
            if "manifest" in data:
                instance.__dict__["manifest"] = Manifest.model_validate(data["manifest"])
        return instance

    def _complete(self) -> None:
        self.questions, self.manifest  # noqa: B018 - worked out now if they were not yet

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        self._complete()
        other._complete()
        return bool(self.__dict__ == other.__dict__)

    def __getstate__(self) -> dict[Any, Any]:
        self._complete()
        return {**super().__getstate__(), "__pydantic_private__": {"_lazy": None}}

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings: strengths, diagnoses, pitfalls, then recommendations (the plan, in order)."""
        return self.strengths + self.diagnoses + self.pitfalls + self.recommendations

    @property
    def fired(self) -> frozenset[str]:
        """The ids of every rule that fired."""
        return frozenset(f.rule_id for f in self.findings)

    def highest_priority(self, kinds: Optional[Iterable[str]] = None) -> Optional[str]:
        """The highest priority among the findings of ``kinds`` (by default every kind but
        strengths: a strength is kept, not pressing), or ``None`` when none fired."""
        wanted = None if kinds is None else set(kinds)
        ranks = [
            PRIORITIES.rank(f.priority)
            for f in self.findings
            if (f.kind in wanted if wanted is not None else f.kind != "strength")
        ]
        return PRIORITIES[max(ranks)] if ranks else None


_QUESTIONS: "TypeAdapter[tuple[Question, ...]]" = TypeAdapter(tuple[Question, ...], config=ConfigDict(defer_build=True))


# --------------------------------------------------------------------------------------------
# What an assessment needs of a pack, worked out once per pack: the static part of each rule's
# findings, the paths each rule tests, the order of the results.


def _tested(compares: tuple[Compare, ...]) -> tuple[list[str], list[str], list[str]]:
    """The paths that ``compares`` test: flat ones, those derived from the arenas, those in an
    arena (each sorted, once)."""
    plain = {c.path for c in compares if not c.in_arena and not c.path.startswith("arenas.")}
    derived = {c.path for c in compares if not c.in_arena and c.path.startswith("arenas.")}
    return sorted(plain), sorted(derived), sorted({c.path for c in compares if c.in_arena})


class _Needs:
    """The facts one rule tests: known or not, and which unknown ones make a question."""

    __slots__ = ("flat", "plain", "derived", "in_arena")

    def __init__(self, plain: "Iterable[str]", derived: "Iterable[str]", in_arena: "Iterable[str]") -> None:
        self.plain = frozenset(plain)
        self.derived = frozenset(derived)
        self.flat = self.plain | self.derived
        self.in_arena = frozenset(in_arena)

    @classmethod
    def of(cls, compares: tuple[Compare, ...]) -> "_Needs":
        """The facts ``compares`` test."""
        return cls(*_tested(compares))

    def unknown(self, facts: Facts) -> set[str]:
        """The unknown facts, as question paths (``arenas``, ``arenas[].<field>`` for arenas)."""
        return _unknown(self.plain, self.derived, self.in_arena, facts)


def _unknown(
    plain: "AbstractSet[str]", derived: "AbstractSet[str]", in_arena: "AbstractSet[str]", facts: Facts
) -> set[str]:
    values, arenas = facts.values, facts.arenas
    out = set(plain - values.keys())
    if derived and not values.keys() >= derived:
        out.add("arenas" if arenas is None else "arenas[].ladder_level")
        if arenas is not None:
            out |= _arena_unknown(("ladder_level",), arenas)
    if in_arena:
        if arenas is None:
            out.add("arenas")
        else:
            out |= _arena_unknown(in_arena, arenas)
    return out


def _arena_unknown(fields: "AbstractSet[str] | tuple[str, ...]", arenas: Sequence[dict[str, Any]]) -> set[str]:
    """The arena fields unknown in some arena; for a ladder level or Ulrich type, also the facts
    it would be derived from (:mod:`advisor.rules.arenas`) that those arenas leave unknown, since an
    informant who cannot place an arena can often say what kind of arena it is."""
    out: set[str] = set()
    inputs = derivation_inputs()
    for field in fields:
        derived_from = inputs.get(field)
        if derived_from is None:
            if any(field not in arena for arena in arenas):
                out.add(f"arenas[].{field}")
            continue
        lacking = [arena for arena in arenas if field not in arena]
        if lacking:
            out.add(f"arenas[].{field}")
            out.update(f"arenas[].{q}" for q in derived_from if any(q not in arena for arena in lacking))
    return out


class _TermPlan:
    """What the findings of one alternative of a rule share, worked out once per pack: the paths
    it shows and the finding's values that do not depend on the profile (``template``: every
    field of :class:`Finding`, in field order, with the defaults of a finding that is neither
    conditional nor recommends nor addresses anything; :func:`_finding` copies it and fills in
    the rest)."""

    __slots__ = ("paths", "sorted_paths", "arena_paths", "because", "template")

    def __init__(
        self,
        paths: tuple[str, ...],
        arena_paths: tuple[tuple[str, ...], ...],
        because: tuple[str, ...],
        summary: dict[str, Any],
    ) -> None:
        self.paths = paths
        self.sorted_paths = tuple(sorted(paths))
        self.arena_paths = arena_paths
        self.because = because
        self.template: dict[str, Any] = {
            **summary,
            "facts": None,
            "arenas": (),
            "because": self.because,
            "recommends": (),
            "addresses": (),
            "conditional": False,
            "unless": None,
        }


class _Plan:
    """What assessments with one pack need of it, worked out once."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.summary = {
            rule.id: dict(
                rule_id=rule.id,
                kind=rule.kind,
                factor=rule.factor,
                phase=rule.phase,
                priority=rule.priority,
                evidence=rule.evidence,
                title=rule.title,
                message=rule.message,
                sources=pack.citations[rule.id],
                citations=pack.readable_citations[rule.id],
                contrasts=contrasting_views(pack, rule),
            )
            for rule in pack.rules
        }
        # What is derived from the pack's conditions and classification alone: kept in the pack
        # cache for the shipped pack (advisor.rules.cache.cached_data; :func:`_plan_data`).
        derived = cached_data(pack, "plan", _PLAN_SOURCES, lambda: _plan_data(pack), _PlanData)
        self.terms = {
            rule_id: tuple(_TermPlan(*term, self.summary[rule_id]) for term in terms)
            for rule_id, terms in derived.terms.items()
        }
        #: The rules that recommend something, by id, with what they recommend (sorted).
        self.recommenders = tuple(
            (rule.id, tuple(sorted(rule.recommends)))
            for rule in sorted(pack.rules, key=lambda r: r.id)
            if rule.recommends
        )
        #: The same as a mapping, and its ids in order (for :func:`_findings`).
        self.recommends = dict(self.recommenders)
        self.recommender_ids = tuple(self.recommends)
        #: The rule ids in result order (by kind, then the order within the kind), and each one's kind.
        self.ranked = derived.ranked
        self.kind = {rule.id: rule.kind for rule in pack.rules}
        self.checks = derived.checks
        self.conditions = {rule_id: compile_condition(c) for rule_id, c in pack.effective_conditions.items()}
        self.weight = {rule.id: PRIORITY_WEIGHT[rule.priority] for rule in pack.rules}
        # Recommendations' guards: evaluated on the facts after the engine has run.
        self.guards = {rule.id: compile_condition(rule.guard) for rule in pack.rules if rule.guard is not None}
        #: What :func:`rule_states` needs of each rule, in stage order: its id, the facts it tests
        #: (flat and in each arena), the findings it rests on, whether each of them comes before it
        #: (so has a state when it is checked), its condition and its guard.
        seen: set[str] = set()
        self.state_checks: list[tuple[Any, ...]] = []
        for rule_id, needs, refs in self.checks:
            condition, guard = self.conditions[rule_id], self.guards.get(rule_id)
            self.state_checks.append(
                (rule_id, needs.flat, needs.in_arena, refs, seen.issuperset(refs), condition, guard)
            )
            seen.add(rule_id)
        #: Each rule's place in stage order and what :func:`rule_states` needs of it (for
        #: :func:`_question_count`, which works out the states it needs only).
        self.state_of = {check[0]: (place, *check[1:]) for place, check in enumerate(self.state_checks)}
        #: The rules that test each fact (flat, derived from the arenas, in each arena), in stage order.
        self.testing: tuple[dict[str, list[str]], ...] = ({}, {}, {})
        for rule_id, needs, _refs in self.checks:
            for index, paths in enumerate((needs.plain, needs.derived, needs.in_arena)):
                for path in sorted(paths):
                    self.testing[index].setdefault(path, []).append(rule_id)
        #: The rank of the priority of each rule but the strengths (what a batch row's highest priority is of).
        self.priority_rank = {rule.id: PRIORITIES.rank(rule.priority) for rule in pack.rules if rule.kind != "strength"}
        self.guard_needs = {
            rule.id: _Needs.of(tuple(n for n in walk(rule.guard) if isinstance(n, Compare)))
            for rule in pack.rules
            if rule.guard is not None
        }
        self.unless = {rule.id: Phrase(rule.guard) for rule in pack.rules if rule.guard is not None}
        self.guard_ref_ids = {
            rule_id: tuple(dict.fromkeys(n.rule_id for n in walk(guard) if isinstance(n, FindingRef)))
            for rule_id, guard in ((r.id, r.guard) for r in pack.rules if r.guard is not None)
        }
        self.guard_refs = frozenset(ref for refs in self.guard_ref_ids.values() for ref in refs)
        self._descriptions: dict[str, str] = {}

    @cached_property
    def order(self) -> dict[str, tuple[Any, ...]]:
        """Each rule's place within its kind, as a sort key (the columnar engine's order)."""
        return {rule.id: _order_key(rule) for rule in self.pack.rules}

    def description(self, path: str, text: str) -> str:
        """A fact's description as questions show it: its references cite the pack's documents."""
        out = self._descriptions.get(path)
        if out is None:
            out = self._descriptions[path] = self.pack.readable_refs(text)
        return out


_PLANS: dict[str, _Plan] = {}
_PLANS_LOCK = threading.Lock()


def _plan_for(pack: RulePack) -> _Plan:
    plan = _PLANS.get(pack.hash)  # packs of the same content share one
    if plan is None:
        plan = _Plan(pack)
        with _PLANS_LOCK:
            if len(_PLANS) >= 64:  # research sweeps may make many variants; keep the recent ones
                del _PLANS[next(iter(_PLANS))]
            _PLANS[pack.hash] = plan
    return plan


def _priority_key(rule: Rule) -> tuple[Any, ...]:
    return (-PRIORITIES.rank(rule.priority), FACTORS.rank(rule.factor), rule.id)


def _plan_key(rule: Rule) -> tuple[Any, ...]:
    return (PHASES.rank(rule.phase), -PRIORITIES.rank(rule.priority), FACTORS.rank(rule.factor), rule.id)


def _order_key(rule: Rule) -> tuple[Any, ...]:
    """A rule's place within its kind: recommendations in plan order, the others by priority."""
    return (_plan_key if rule.kind == "recommendation" else _priority_key)(rule)


#: The source files whose code decides what :func:`_plan_data` makes of a pack (besides those of
#: the pack cache's own key, which has the conditions' and the pack's).
_PLAN_SOURCES = (__file__,)


def _plan_data(pack: RulePack) -> dict[str, Any]:
    """What a plan derives from ``pack``'s conditions and classification alone, as plain JSON data:
    the rule ids in result order (``ranked``), each alternative's paths, arena paths and the
    findings it rests on (``terms``), and per rule in stage order the facts it tests and the
    findings it rests on (``checks``)."""
    ranked = sorted(pack.rules, key=lambda r: (KINDS.rank(r.kind), _order_key(r)))
    return {
        "ranked": [rule.id for rule in ranked],
        "terms": {
            rule_id: [
                [
                    list(dict.fromkeys(c.path for c in term.compares)),
                    [list(dict.fromkeys(c.path for c in group)) for group in term.arenas],
                    sorted({ref.rule_id for ref in term.findings if not ref.negated}),
                ]
                for term in terms
            ]
            for rule_id, terms in pack.dnf.items()
        },
        "checks": [
            [rule.id, *_tested(pack.leaves[rule.id][0]), list(pack.leaves[rule.id][1])] for rule in pack.in_stage_order
        ],
    }


class _PlanData:
    """What :func:`_plan_data` made of a pack, read from its plain data (fresh, or kept in the pack
    cache); raises an exception for data not in that shape."""

    def __init__(self, data: Any) -> None:
        self.ranked = strings(data["ranked"])
        self.terms = {
            rule_id: tuple(
                (strings(paths), tuple(map(strings, arena_paths)), strings(because))
                for paths, arena_paths, because in terms
            )
            for rule_id, terms in data["terms"].items()
        }
        self.checks = tuple(
            (rule_id, _Needs(strings(plain), strings(derived), strings(in_arena)), strings(refs))
            for rule_id, plain, derived, in_arena, refs in data["checks"]
        )
        if not all(isinstance(rule_id, str) for rule_id, _needs, _refs in self.checks):
            raise TypeError("not a rule id")


# --------------------------------------------------------------------------------------------


def profile_hash(profile: Profile) -> str:
    """SHA-256 of the profile's canonical JSON (:func:`~advisor.profile.canonical.canonical_json`)."""
    return hashlib.sha256(canonical_json(profile).encode("utf-8")).hexdigest()


def arena_label(facts: Facts, index: int) -> str:
    """How results name the arena at ``index``: its name, or ``#N`` for an unnamed one; a name
    that several arenas share gets the number too (``Folkemøte #2``), so labels are unique."""
    arenas = facts.arenas or ()
    arena = arenas[index] if arenas else {}
    name = arena.get("name")
    if not name:
        return f"#{index + 1}"
    if sum(1 for other in arenas if other.get("name") == name) > 1:
        return f"{name} #{index + 1}"
    return str(name)


def _arena_finding(
    plan: _Plan, rule_id: str, facts: Facts, firings: Sequence[Any], labels: Sequence[str]
) -> dict[str, Any]:
    """The values of the finding of ``rule_id`` that fired more than once or on arenas (the
    alternative that shows its facts is the first that fired), but for its links."""
    term_index = firings[0].term if len(firings) == 1 else min(map(_term_of, firings))
    term = plan.terms[rule_id][term_index]
    values = facts.values
    shown: dict[str, Any] = {}
    for path in term.sorted_paths:
        shown[path] = values[path]
    indices: set[int] = set()
    for firing in firings:
        indices.update(firing.arenas)
    if term.arena_paths:
        arenas = facts.arenas
        assert arenas is not None
        for firing in firings:
            if firing.term != term_index:
                continue
            for paths, index in zip(term.arena_paths, firing.arenas):
                label, arena = labels[index], arenas[index]
                for path in paths:
                    shown[f"arenas[{label}].{path}"] = arena[path]
        shown = dict(sorted(shown.items()))
    made: dict[str, Any] = term.template.copy()  # the rule's texts, citations and kind, and the defaults
    made["facts"] = shown
    if indices:
        made["arenas"] = tuple([labels[i] for i in sorted(indices)])
    return made


_term_of = operator.attrgetter("term")


def _findings(
    plan: _Plan, facts: Facts, by_rule: dict[str, list[Any]], conditional: frozenset[str]
) -> dict[str, list[Finding]]:
    """The findings of the rules that fired (``by_rule``: their firings), by kind, each kind in
    result order. Each is a copy of its alternative's template (:class:`_TermPlan`) with the
    facts it shows and its links filled in."""
    recommends: dict[str, tuple[str, ...]] = {}
    addresses: dict[str, list[str]] = {}  # each list sorted, as the rules are visited in order
    fired, wanted = by_rule.__contains__, plan.recommends
    for rule_id in filter(fired, plan.recommender_ids):  # the rules that fired and recommend, in order
        recs = recommends[rule_id] = tuple(filter(fired, wanted[rule_id]))
        for r in recs:
            if r in addresses:
                addresses[r].append(rule_id)
            else:
                addresses[r] = [rule_id]
    labels = [arena_label(facts, i) for i in range(len(facts.arenas or ()))]
    out: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
    values, terms, kind = facts.values, plan.terms, plan.kind
    # _construct(Finding, made), inlined: a call per finding is a fifth of its cost.
    fields = _fields_of(Finding)
    for rule_id in filter(by_rule.__contains__, plan.ranked):  # in result order
        firings = by_rule[rule_id]
        if len(firings) == 1 and not firings[0].arenas:  # the common case, made here
            term = terms[rule_id][firings[0].term]
            made = term.template.copy()
            made["facts"] = shown = {}  # in the order of the sorted paths
            for path in term.sorted_paths:
                shown[path] = values[path]
        else:
            made = _arena_finding(plan, rule_id, facts, firings, labels)
        if recommends.get(rule_id):
            made["recommends"] = recommends[rule_id]
        if rule_id in addresses:
            made["addresses"] = tuple(addresses[rule_id])
        if rule_id in conditional:
            made["conditional"] = True
            made["unless"] = plan.unless[rule_id]
        finding = _new(Finding)
        _set(finding, "__dict__", made)
        _set_fields_set(finding, fields)
        _set_extra(finding, None)
        _set_private(finding, None)
        out[kind[rule_id]].append(finding)
    return out


def rule_states(pack: RulePack, facts: Facts, fired: frozenset[str]) -> dict[str, Optional[bool]]:
    """Each rule's three-valued state: ``True`` fired, ``False`` decided not to fire, ``None``
    undecided because of unknown facts (or undecided findings it rests on)."""
    state: dict[str, Optional[bool]] = {}
    undecided: set[str] = set()  # the rules whose state is None
    values, arenas = facts.values, facts.arenas
    known = values.keys()
    finding = lambda rid: state.get(rid, False)  # noqa: E731 - a rule of no stage before: not fired
    for rule_id, flat, in_arena, refs, refs_before, condition, guard in _plan_for(pack).state_checks:
        if rule_id in fired:
            state[rule_id] = True
        elif (
            known >= flat
            and (not in_arena or (arenas is not None and all(a.keys() >= in_arena for a in arenas)))
            and refs_before
            and undecided.isdisjoint(refs)
        ):
            state[rule_id] = False  # every fact it tests is known (so are its findings), and it did not fire
        else:
            value = condition(values, arenas, finding)
            if value is not False and guard is not None and guard(values, arenas, finding) is True:
                value = False  # what it recommends is known to be done
            state[rule_id] = value
            if value is None:
                undecided.add(rule_id)
    return state


def _guarded(plan: _Plan, facts: Facts, by_rule: dict[str, list[Any]]) -> frozenset[str]:
    """Apply the recommendations' guards to what the engine fired: a recommendation whose
    ``done_when`` holds is dropped from ``by_rule``. Returns the ids of the recommendations that
    fire as conditional advice (their ``done_when`` is unknown)."""
    guarded = [rid for rid in plan.guards if rid in by_rule]
    if not guarded:
        return frozenset()
    values, arenas = facts.values, facts.arenas
    if plan.guard_refs:
        # Three-valued states of the findings a guard tests (all of earlier stages).
        states = rule_states(plan.pack, facts, frozenset(r for r in by_rule if r not in plan.guards))
        finding = lambda rid: states.get(rid, False)  # noqa: E731
    else:
        finding = by_rule.__contains__
    conditional = []
    for rule_id in guarded:
        done = plan.guards[rule_id](values, arenas, finding)
        if done is True:
            del by_rule[rule_id]
        elif done is None:
            conditional.append(rule_id)
    return frozenset(conditional)


def _question_paths(
    plan: _Plan, facts: Facts, fired: frozenset[str], conditional: frozenset[str] = frozenset()
) -> dict[str, set[str]]:
    """The unknown facts that leave a rule undecided, each with the rules it leaves undecided;
    also the unknown facts of the guards of the ``conditional`` recommendations."""
    state = rule_states(plan.pack, facts, fired)
    unknown: dict[str, set[str]] = {}
    by_path: dict[str, set[str]] = {}
    for rule_id, needs, refs in plan.checks:
        if state[rule_id] is not None:
            continue
        # Its own unknown facts, and those of the undecided findings it rests on.
        paths = needs.unknown(facts)
        for ref in refs:
            if state.get(ref) is None:
                paths |= unknown.get(ref, set())
        unknown[rule_id] = paths
        for path in paths:
            by_path.setdefault(path, set()).add(rule_id)
    for rule_id in conditional:
        paths = plan.guard_needs[rule_id].unknown(facts)
        for ref in plan.guard_ref_ids[rule_id]:
            if state.get(ref) is None:
                paths |= unknown.get(ref, set())
        for path in paths:
            by_path.setdefault(path, set()).add(rule_id)
    return by_path


def _question_count(plan: _Plan, facts: Facts, fired: frozenset[str], conditional: frozenset[str] = frozenset()) -> int:
    """``len(_question_paths(...))``, cheaper. The unknown facts of the rules a rule rests on are
    counted with those rules, so the count is that of the unknown facts of every undecided rule
    (and of the guards of the ``conditional`` recommendations). So an unknown fact counts as soon
    as one rule that tests it is undecided: the states of the rules are worked out as
    :func:`rule_states` does, but only as far as that needs (each rule's with those of the
    findings it rests on), and a fact already counted asks for none."""
    values, arenas = facts.values, facts.arenas
    known = values.keys()
    order = plan.state_of
    state: dict[str, Optional[bool]] = {}

    def state_of(rule_id: str) -> Optional[bool]:
        if rule_id in state:
            return state[rule_id]
        place, flat, in_arena, refs, refs_before, condition, guard = order[rule_id]
        value: Optional[bool]
        if rule_id in fired:
            value = True
        elif (
            known >= flat
            and (not in_arena or (arenas is not None and all(a.keys() >= in_arena for a in arenas)))
            and refs_before
            and all(state_of(ref) is not None for ref in refs)
        ):
            value = False
        else:
            # as rule_states evaluates it: the findings of the rules before it, none of those after
            finding = lambda rid: state_of(rid) if rid in order and order[rid][0] < place else False  # noqa: E731
            value = condition(values, arenas, finding)
            if value is not False and guard is not None and guard(values, arenas, finding) is True:
                value = False
        state[rule_id] = value
        return value

    plain: set[str] = set()
    derived: set[str] = set()
    in_arena: set[str] = set()
    for rule_id in conditional:
        needs = plan.guard_needs[rule_id]
        plain |= needs.plain
        derived |= needs.derived
        in_arena |= needs.in_arena
    by_plain, by_derived, by_arena = plan.testing
    for path in by_plain.keys() - known - plain:  # each unknown path once; the count is a set's
        if any(state_of(r) is None for r in by_plain[path]):
            plain.add(path)
    if known >= derived:  # one unknown derived fact counts as many as all of them
        for path, rule_ids in by_derived.items():
            if path not in known and any(state_of(r) is None for r in rule_ids):
                derived.add(path)
                break
    for field, rule_ids in by_arena.items():  # a field known in every arena asks nothing
        if (
            field not in in_arena
            and (arenas is None or any(field not in a for a in arenas))
            and any(state_of(r) is None for r in rule_ids)
        ):
            in_arena.add(field)
    return len(_unknown(plain, derived, in_arena, facts))


def _questions(
    plan: _Plan, facts: Facts, fired: frozenset[str], conditional: frozenset[str] = frozenset()
) -> tuple[Question, ...]:
    """Unknown facts that leave a rule undecided (or a recommendation conditional), most
    influential first."""
    fields = profile_fields()
    out = []
    for path, rule_ids in _question_paths(plan, facts, fired, conditional).items():
        spec = fields.get(path) or arena_fields().get(path.replace("arenas[].", ""))
        description = plan.description(path, spec.description if spec else "the list of co-creation arenas")
        weight = sum(plan.weight[r] for r in rule_ids)
        out.append(
            _construct(
                Question, {"path": path, "description": description, "rules": tuple(sorted(rule_ids)), "weight": weight}
            )
        )
    out.sort(key=lambda q: (-q.weight, q.path))
    return tuple(out)


def reference_firings(pack: RulePack, facts: Facts) -> list[Any]:
    """The firings of ``pack`` on ``facts`` computed in plain Python, without the engine.

    Used to cross-check the engine and as the baseline of the benchmarks.
    """
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


class ReferenceBackend:
    """The plain-Python reference evaluator as an engine backend (the engine named ``python``)."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack

    def run(self, facts: Facts) -> list[Firing]:
        return reference_firings(self.pack, facts)


def _manifest_for(pack: RulePack, engine: str, profile_digest: str) -> Manifest:
    """The manifest of an assessment of a profile whose :func:`profile_hash` is ``profile_digest``."""
    from ..core.version import __version__

    name, version = engine_label(engine)
    return _construct(
        Manifest,
        {
            "advisor_version": __version__,
            "engine": name,
            "engine_version": version,
            "pack": pack.info.name,
            "pack_version": pack.info.version,
            "pack_hash": pack.hash,
            "profile_hash": profile_digest,
            "rules_enabled": pack.rule_ids,
        },
    )


def _run(profile: Profile, pack: RulePack, engine: str) -> tuple[Facts, dict[str, list[Any]], frozenset[str]]:
    """Run ``pack`` on ``profile``: its facts, the firings of each rule that fired (recommendations
    known to be done left out) and the recommendations that fire as conditional advice.
    ``engine`` is a resolved engine name (:func:`advisor.engine.interface.resolve_engine`)."""
    facts = profile_facts(profile)
    firings = backend(engine, pack).run(facts)
    by_rule: dict[str, list[Any]] = {}
    for firing in firings:
        by_rule.setdefault(firing.rule_id, []).append(firing)
    conditional = _guarded(_plan_for(pack), facts, by_rule)
    return facts, by_rule, conditional


def _by_kind(plan: _Plan, fired: Any) -> dict[str, list[str]]:
    """The ids of the fired rules by kind, each kind in result order."""
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    kind = plan.kind
    for rule_id in filter(fired.__contains__, plan.ranked):
        out[kind[rule_id]].append(rule_id)
    return out


def check_arguments(caller: str, profile: object, rules: object = None) -> None:
    """The TypeError a public function (``caller``) raises for a ``profile`` that is no
    :class:`Profile` or ``rules`` that are no :class:`RulePack` (a developer's first guesses: a
    file name, a dict, a pack's name), saying how to make them, rather than an AttributeError
    from deep inside."""
    if not isinstance(profile, Profile):
        raise TypeError(
            f"{caller}() takes a Profile, not {type(profile).__name__}: advisor.load_profile(path) reads one "
            "from a file, advisor.parse_profile(data) makes one of a dict or text"
        )
    if rules is not None and not isinstance(rules, RulePack):
        raise TypeError(
            f"{caller}() takes its rules as a RulePack, not {type(rules).__name__}: advisor.load_rules(path) "
            "loads a pack (advisor.batch() also takes names and paths)"
        )


def assess(profile: Profile, rules: Optional[RulePack] = None, *, engine: Optional[str] = None) -> Assessment:
    """Assess ``profile`` with ``rules`` (the shipped rule base by default).

    ``engine="durable"`` runs the durable-rules engine; ``engine="python"`` runs the plain-Python
    reference evaluator of the same rules, which gives the same result. The default (None) is
    durable-rules where it can be imported, else the reference evaluator (see
    :mod:`advisor.engine.interface`); the result's manifest names the engine that ran.
    """
    check_arguments("assess", profile, rules)
    engine = resolve_engine(engine)
    pack = rules if rules is not None else _default_pack()
    plan = _plan_for(pack)
    facts, by_rule, conditional = _run(profile, pack, engine)
    fired = frozenset(by_rule)
    kinds = _findings(plan, facts, by_rule, conditional)
    result = _construct(
        Assessment,
        {
            "municipality": profile.context.name if profile.context else None,
            "strengths": tuple(kinds["strength"]),
            "diagnoses": tuple(kinds["diagnosis"]),
            "pitfalls": tuple(kinds["pitfall"]),
            "recommendations": tuple(kinds["recommendation"]),
        },
    )
    _set(
        result,
        "__pydantic_private__",
        {
            "_lazy": (
                lambda: _questions(plan, facts, fired, conditional),
                lambda: _manifest_for(pack, engine, profile_hash(profile)),
            )
        },
    )
    return result


def _brief(profile: Profile, pack: RulePack, engine: Optional[str] = None) -> tuple[Any, ...]:
    """What :func:`assess` finds, in brief, for batches: the municipality, the ids of the
    strengths, diagnoses, pitfalls and recommendations (in result order), the highest priority and
    the number of questions. The same rules fire; the findings' explanations are not built."""
    engine = resolve_engine(engine)
    plan = _plan_for(pack)
    facts, by_rule, conditional = _run(profile, pack, engine)
    fired = frozenset(by_rule)
    kinds = _by_kind(plan, fired)
    ranks = plan.priority_rank
    highest = max((ranks[r] for r in fired if r in ranks), default=None)
    return (
        profile.context.name if profile.context else None,
        tuple(kinds["strength"]),
        tuple(kinds["diagnosis"]),
        tuple(kinds["pitfall"]),
        tuple(kinds["recommendation"]),
        None if highest is None else PRIORITIES[highest],
        _question_count(plan, facts, fired, conditional),
    )


_DEFAULT: list[RulePack] = []


def _default_pack() -> RulePack:
    if not _DEFAULT:
        _DEFAULT.append(load_rules())
    return _DEFAULT[0]
