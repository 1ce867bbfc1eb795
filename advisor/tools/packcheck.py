"""Check a rule pack (or variant) for every problem at once, and run its test cases.

:func:`check_pack` reports what :func:`advisor.rules.variants.load_variant` would stop at, and more:
every schema error of every rule, duplicate ids, unknown fact paths and rule ids, stage violations
and cycles between rules, conditions (or alternatives of them) that can never be true, and broken
test cases. :func:`run_pack_tests` runs a pack's test cases.

Never-true conditions are found per alternative of the condition's disjunctive normal form
(:func:`advisor.rules.conditions.to_dnf`): an alternative is dead when the comparisons it makes on one
fact (or on one arena) contradict each other, when it tests a finding both to have and not to have
fired, or when it needs a finding that can itself never fire. A rule is dead when all of its
alternatives are. Field bounds of the profile model count (``ladder_level`` is 1 to 5).
"""

from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import annotated_types
from pydantic import BaseModel, ValidationError

from ..core.documents import Document
from ..profile.schema import DERIVED_ARENA_FACTS, FieldSpec
from ..engine.assessment import assess
from ..rules.conditions import Compare, Term, condition_problems, describe_value, to_dnf
from ..core.errors import InputError, PathPart, Problems, RulePackError
from ..core.i18n import OP_WORDS
from ..profile.model import Arena, Profile
from ..rules.pack import PackInfo, Rule, RulePack, _fail, _from_pydantic, build_pack
from ..rules.variants import PackPaths, PackTest, parse_tests, resolve_layers, resolve_variant

__all__ = [
    "PackReport",
    "check_pack",
    "TestOutcome",
    "TestReport",
    "run_pack_tests",
    "condition_problems",
    "dead_alternatives",
    "rule_problems",
]


@dataclass(frozen=True)
class PackReport:
    """The outcome of :func:`check_pack`."""

    problems: tuple[InputError, ...]
    pack: Optional[str]
    """The pack's name, when its head could be read."""
    rules: int
    tests: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """One line per problem, in file and line order."""
        return [p.one_line() for p in self.problems]


def check_pack(paths: PackPaths = None) -> PackReport:
    """Every problem of the pack (or stacked packs) at ``paths``, without stopping at the first."""
    problems = Problems(collect=True)
    state = resolve_layers(paths, problems)
    if state is None:
        return PackReport(tuple(_sorted(problems.items)), None, 0, 0)

    clean = []
    broken: set[str] = set()
    for entry in state.entries:
        own = rule_problems(entry.doc, entry.path, entry.raw)
        if own:
            for error in own:
                problems.add(error)
            if isinstance(entry.rule_id, str):
                broken.add(entry.rule_id)
        else:
            clean.append((entry.doc, entry.path, entry.raw))

    info = state.info or PackInfo(name="unnamed")
    built = Problems(collect=True)
    pack = build_pack(info, state.documents, clean, origin=state.origin, problems=built)
    # Leave out what follows from a problem already reported: links to rules that are broken (or
    # disabled), and recommendations orphaned because the rules that recommend them are broken.
    gone = broken | set(state.disabled)
    orphaned = {
        t
        for e in state.entries
        if e.rule_id in broken and isinstance(e.raw, dict)
        for t in (e.raw.get("recommends") or [])
        if isinstance(t, str)
    }
    located: dict[tuple[Optional[str], tuple[PathPart, ...]], Any] = {
        (doc.file, path): raw.get("id") for doc, path, raw in clean if isinstance(raw, dict)
    }
    cascade = re.compile(r"^(?:recommends unknown rule|tests unknown finding) (\S+)$")
    for problem in built.items:
        match = cascade.match(problem.message)
        if match and match.group(1) in gone:
            continue
        if (
            problem.message.startswith("recommendation can never fire")
            and located.get((problem.file, tuple(problem.path[:2]))) in orphaned
        ):
            continue
        problems.add(problem)

    where = {raw.get("id"): (doc, path) for doc, path, raw in clean if isinstance(raw, dict)}
    for rule_ids in _cycles(pack):
        doc, path = where[rule_ids[0]]
        chain = " → ".join(rule_ids + [rule_ids[0]])
        problems.add(
            _fail(
                doc, f"rules form a cycle: {chain}", path + ("when",), "a rule may only test findings of earlier stages"
            )
        )
    for rule_id, index, total, reason in dead_alternatives(pack):
        doc, path = where[rule_id]
        rule = pack.by_id[rule_id]
        field = ("when",) if rule.condition is not None else ("id",)
        if index is None:
            problems.add(
                _fail(
                    doc,
                    f"{rule_id} can never fire: {reason}",
                    path + field,
                    "fix the contradiction, or disable the rule",
                )
            )
        else:
            problems.add(
                _fail(
                    doc,
                    f"alternative {index + 1} of {total} of {rule_id}'s condition can never hold: {reason}",
                    path + field,
                    "remove it or fix the contradiction",
                )
            )

    tests = parse_tests(state.own_tests, pack, problems)
    found = list(problems.items)
    if not found:
        try:  # the loader is the final judge: whatever it refuses, the check must report
            resolve_variant(paths)
        except InputError as exc:
            found.append(exc)
    return PackReport(tuple(_sorted(found)), info.name if state.info else None, len(pack.rules), len(tests))


def _sorted(items: Sequence[InputError]) -> list[InputError]:
    unique: dict[str, InputError] = {}
    for exc in items:
        unique.setdefault(exc.one_line(), exc)
    return sorted(unique.values(), key=lambda e: (e.file or "", e.line or 0, e.one_line()))


# --------------------------------------------------------------------------------------------
# every schema problem of a rule


def rule_problems(doc: Document, base: tuple[PathPart, ...], raw: Any) -> list[RulePackError]:
    """Every schema and condition problem of one rule as written (not only the first)."""
    if not isinstance(raw, dict):
        return [_fail(doc, "a rule must be a mapping", base, "start each rule with '- id: ...'")]
    out: list[RulePackError] = []
    try:
        Rule.model_validate(dict(raw))
    except ValidationError as exc:
        for error in exc.errors():
            out.append(_one_pydantic_error(doc, error, base))
    when = raw.get("when")
    if when is not None:
        for problem in condition_problems(when, base + ("when",)):
            out.append(_fail(doc, problem.message, problem.path, problem.hint))
    return out


def _one_pydantic_error(doc: Document, error: Any, base: tuple[PathPart, ...]) -> RulePackError:
    detail: dict[str, Any] = {"type": error["type"], "loc": error["loc"], "input": error.get("input")}
    if error.get("ctx"):
        detail["ctx"] = error["ctx"]
    try:
        single = ValidationError.from_exception_data("Rule", [detail])  # type: ignore[list-item]
    except Exception:  # pragma: no cover - an error type pydantic cannot rebuild
        return _fail(doc, error["msg"], base + tuple(error["loc"]))
    return _from_pydantic(doc, single, base)


# --------------------------------------------------------------------------------------------
# cycles


def _cycles(pack: RulePack) -> list[list[str]]:
    """Cycles in "rule tests the finding of" (recommendation links included), each once."""
    graph: dict[str, list[str]] = {}
    for rule_id, condition in pack.effective_conditions.items():
        refs: list[str] = []
        for term in _terms(condition):
            refs.extend(ref.rule_id for ref in term.findings if ref.rule_id in pack.by_id)
        graph[rule_id] = sorted(set(refs))
    seen: set[frozenset[str]] = set()
    out: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    first = cycle.index(min(cycle))
                    out.append(cycle[first:] + cycle[:first])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return out


def _terms(condition: Any) -> list[Term]:
    try:
        return to_dnf(condition)
    except OverflowError:
        return []


# --------------------------------------------------------------------------------------------
# conditions that can never be true


def dead_alternatives(pack: RulePack) -> list[tuple[str, Optional[int], int, str]]:
    """``(rule id, alternative index or None for the whole rule, alternatives, reason)``.

    A rule appears once with ``None`` when none of its alternatives can hold; otherwise once per
    dead alternative.
    """
    never: set[str] = set()
    out: list[tuple[str, Optional[int], int, str]] = []
    for rule in sorted(pack.rules, key=lambda r: (r.stage, pack.rules.index(r))):
        terms = _terms(pack.effective_conditions[rule.id])
        if not terms:
            continue
        reasons = [_contradiction(term, never) for term in terms]
        dead = [(i, r) for i, r in enumerate(reasons) if r is not None]
        if len(dead) == len(terms):
            never.add(rule.id)
            out.append((rule.id, None, len(terms), dead[0][1] or ""))
        else:
            out.extend((rule.id, i, len(terms), r or "") for i, r in dead)
    return out


def _contradiction(term: Term, never: set[str]) -> Optional[str]:
    """Why no profile can satisfy ``term``, or ``None`` if some can."""
    positive = {ref.rule_id for ref in term.findings if not ref.negated}
    negative = {ref.rule_id for ref in term.findings if ref.negated}
    for rule_id in sorted(positive & negative):
        return f"it needs finding {rule_id} both to fire and not to fire"
    for rule_id in sorted(positive & never):
        return f"it needs finding {rule_id}, which can never fire"
    implied = Compare("arenas.count", "ge", 1, DERIVED_ARENA_FACTS["arenas.count"])
    compares = list(term.compares) + ([implied] if term.arenas else [])  # some arena exists
    for group in [compares] + [list(group) for group in term.arenas]:
        by_path: dict[str, list[Compare]] = {}
        for compare in group:
            by_path.setdefault(compare.path, []).append(compare)
        for path, items in by_path.items():
            if _satisfiable(items[0].spec, items, _bounds(path, items[0].in_arena)):
                continue
            written = [c for c in items if c is not implied]
            # A diagnostic, in English like the other pack-check messages: each comparison as
            # written in the pack (path, operator, value), not the rendering layer's words.
            words = " and ".join(f"{c.path} {OP_WORDS['en'][c.op]} {describe_value(c.value)}" for c in written)
            if len(written) < len(items):
                words += " while it tests an arena"
            return (
                ("an arena's " if items[0].in_arena else "")
                + words
                + (" cannot all hold" if len(written) > 1 else " cannot hold")
            )
    return None


def _satisfiable(spec: FieldSpec, compares: list[Compare], bounds: tuple[Optional[float], Optional[float]]) -> bool:
    if spec.kind in ("ordinal", "nominal"):
        domain: Optional[list[Any]] = list(spec.values)
    elif spec.kind == "bool":
        domain = [False, True]
    else:
        domain = None
    points = [c for c in compares if c.op in ("eq", "in")]
    if points:
        candidates: set[Any] = set()
        first = True
        for c in points:
            values = set(c.value) if c.op == "in" else {c.value}
            candidates = values if first else candidates & values
            first = False
        domain = sorted(candidates, key=repr) if domain is None else [v for v in domain if v in candidates]
        lo, hi = bounds
        domain = [
            v
            for v in domain
            if not isinstance(v, (int, float))
            or isinstance(v, bool)
            or ((lo is None or v >= lo) and (hi is None or v <= hi))
        ]
    if domain is not None:
        return any(all(c.test(v) for c in compares) for v in domain)
    if spec.kind == "str":
        return True  # only ne / not_in on text: some other text satisfies them
    return _interval_satisfiable(spec.kind == "int", compares, bounds)


def _interval_satisfiable(
    integer: bool, compares: list[Compare], bounds: tuple[Optional[float], Optional[float]]
) -> bool:
    lo, hi = bounds
    lo_open = hi_open = False
    lo = -math.inf if lo is None else lo
    hi = math.inf if hi is None else hi
    excluded: set[Any] = set()
    for c in compares:
        if c.op in ("gt", "ge"):
            if c.value > lo or (c.value == lo and c.op == "gt"):
                lo, lo_open = c.value, c.op == "gt"
        elif c.op in ("lt", "le"):
            if c.value < hi or (c.value == hi and c.op == "lt"):
                hi, hi_open = c.value, c.op == "lt"
        elif c.op == "ne":
            excluded.add(c.value)
        elif c.op == "not_in":
            excluded.update(c.value)
    if integer:
        first = math.floor(lo) + 1 if lo_open else math.ceil(lo) if lo != -math.inf else -math.inf
        last = math.ceil(hi) - 1 if hi_open else math.floor(hi) if hi != math.inf else math.inf
        if first > last:
            return False
        if first == -math.inf or last == math.inf or last - first + 1 > len(excluded):
            return True
        return any(v not in excluded for v in range(int(first), int(last) + 1))
    if lo > hi or (lo == hi and (lo_open or hi_open or lo in excluded)):
        return False
    return True


_DERIVED_BOUNDS: dict[str, tuple[Optional[float], Optional[float]]] = {
    "arenas.count": (0, 500),
    "arenas.ladder_spread": (0, 4),
}


def _bounds(path: str, in_arena: bool) -> tuple[Optional[float], Optional[float]]:
    """The lowest and highest value the profile model allows for a numeric field."""
    if not in_arena and path in DERIVED_ARENA_FACTS:
        if path in _DERIVED_BOUNDS:
            return _DERIVED_BOUNDS[path]
        return _bounds("ladder_level", True) if "ladder_level" in path else (None, None)
    model: Any = Arena if in_arena else Profile
    info = None
    for part in path.split("."):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return (None, None)
        info = model.model_fields[part]
        model = _inner(info.annotation)
    lo: Optional[float] = None
    hi: Optional[float] = None
    for meta in getattr(info, "metadata", ()):
        if isinstance(meta, annotated_types.Ge):
            lo = meta.ge  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Gt):
            lo = meta.gt  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Le):
            hi = meta.le  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Lt):
            hi = meta.lt  # type: ignore[assignment]
    return (lo, hi)


def _inner(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


# --------------------------------------------------------------------------------------------
# running test cases


@dataclass(frozen=True)
class TestOutcome:
    """One test case run: what did not fire that should have, and what fired that must not."""

    test: PackTest
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected


@dataclass(frozen=True)
class TestReport:
    """The outcome of :func:`run_pack_tests`."""

    pack: str
    outcomes: tuple[TestOutcome, ...]
    rules: tuple[str, ...] = ()
    """The ids of the pack's rules."""

    def without_cases(self) -> dict[str, tuple[str, ...]]:
        """Each rule that no test case run here expects to fire (``fires``) or not to fire
        (``not_fires``, a near miss), with the expectations it lacks. The shipped pack has a
        firing profile and a near miss for every rule (a test enforces it on both engines)."""
        fires = {r for o in self.outcomes for r in o.test.fires}
        not_fires = {r for o in self.outcomes for r in o.test.not_fires}
        out: dict[str, tuple[str, ...]] = {}
        for rule_id in self.rules:
            lacking = tuple(k for k, ids in (("fires", fires), ("not_fires", not_fires)) if rule_id not in ids)
            if lacking:
                out[rule_id] = lacking
        return out

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0


def run_pack_tests(paths: PackPaths = None, *, engine: Optional[str] = None, inherited: bool = False) -> TestReport:
    """Load the pack at ``paths`` and run its test cases (with ``inherited``, its bases' too).

    Raises :class:`RulePackError` if the pack (or a test case) is invalid.
    """
    variant = resolve_variant(paths)
    tests = variant.tests + (variant.inherited_tests if inherited else ())
    outcomes = []
    for test in tests:
        fired = assess(test.profile, variant.pack, engine=engine).fired
        outcomes.append(
            TestOutcome(
                test=test,
                missing=tuple(r for r in test.fires if r not in fired),
                unexpected=tuple(r for r in test.not_fires if r in fired),
            )
        )
    return TestReport(
        pack=variant.pack.info.name, outcomes=tuple(outcomes), rules=tuple(r.id for r in variant.pack.rules)
    )
