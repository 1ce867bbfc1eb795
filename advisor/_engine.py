"""The inference engine: rule packs compiled onto durable-rules.

This is the only module that imports durable-rules. It hides these known behaviours of
durable-rules 2.0.28:

* facts are asserted with ``assert_fact`` (``post`` would let only the first matching rule see
  an event) into a session (``sid``) of the compiled ruleset. Every fact is retracted when the
  assessment is done and the session is reused, so the number of live sessions stays at one per
  ruleset (about 1,024 are possible). Sessions are not deleted: ``delete_state`` crashes the
  process in 2.0.28 once a session has held a fact that matched a pattern's type but not its tests;
* a fact no rule is interested in raises ``MessageNotHandledException`` (and, in a batch, skips
  the actions of the whole batch): sink rules that wait for a fact that never comes make every
  profile, arena and stage fact wanted, and findings no later rule tests are not asserted;
* an exception inside a rule action is swallowed by the Python host of durable-rules into the
  session state, and the rest of the action silently does not run. This module does not run its
  actions through that host: it asserts facts through the C engine (``durable_rules_engine``)
  and runs the queued actions itself (``start_action_for_state`` / ``complete_and_start_action``),
  so a failing action raises :class:`EngineError`, and the per-action JSON round trips and state
  updates of the host (half the engine time) are skipped;
* rulesets can be neither replaced nor deleted, so each pack is compiled once, under a name
  derived from the hash of its content, and reused; packs with other content get other names;
* the default host starts background dispatch threads; this module registers its rulesets with
  its own host without them, and a lock per ruleset serialises its use, since neither layer of
  durable-rules has locks of its own;
* generated rule names are not ours: each compiled rule is named after the rule id, alternative
  and arena grouping, and maps back to the rule id;
* a rule whose only pattern is a negation fires without end: every compiled rule also matches the
  profile fact, so none consists of negations alone;
* a join costs: a stage marker pattern in every rule made the engine take 40 % longer, so only
  the rules that need one have it (below).

Rules run in stages (diagnoses, pitfalls, recommendations), and a rule tests only findings of
earlier stages. Facts go in as batches, one per stage: the profile and arena facts, then the
findings of the actions of the batch before that some rule tests. A rule that rests on findings
fires as soon as they are in, which is enough for positive tests, as later findings can only add
to what fires. A rule that tests that a finding did *not* fire must wait until every finding of
the earlier stages is in: it also matches its stage's marker fact, which ends the batch of its
stage (by then every rule of an earlier stage has fired: a rule of stage s fires at the latest
on the batch of stage s, and its finding comes with the next).
"""

from __future__ import annotations

import functools
import json
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Protocol

import durable_rules_engine as _C
from durable import engine as _durable

from ._io import dumps_compact
from ._schema import arena_fields, profile_fields
from .conditions import Compare, FindingRef, Term
from .errors import EngineError
from .facts import Facts
from .rulepack import KINDS, RulePack

__all__ = ["Firing", "Backend", "DurableBackend", "backend_for", "ENGINE_NAME", "engine_version"]

ENGINE_NAME = "durable-rules"


@functools.lru_cache(maxsize=None)
def engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("durable_rules")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


@dataclass(frozen=True)
class Firing:
    """One rule that fired: which alternative of its condition, and on which arenas (by index)."""

    rule_id: str
    term: int
    arenas: tuple[int, ...] = ()


class Backend(Protocol):
    """What the assessment needs from an inference engine."""

    def run(self, facts: Facts) -> list[Firing]:
        """Every firing for ``facts``, in the order the engine produced them."""
        ...


class _Host(_durable.Host):
    """A durable-rules host without the background dispatch threads of the default one."""

    def _run(self) -> None:  # noqa: D401 - replaces the timer loop
        return None


_HOST = _Host()
_HOST_LOCK = threading.Lock()
_SIDS = itertools.count(1)


def _key(path: str) -> str:
    return path.replace(".", "__")


def _compare_json(compare: Compare) -> dict[str, Any]:
    key = _key(compare.path)
    rank = compare.spec.rank
    if compare.op in ("in", "not_in"):
        values = [rank(v) for v in compare.value]
        if compare.op == "in":
            alternatives = [{key: v} for v in values]
            return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}
        return {"$and": [{"$neq": {key: v}} for v in values]}
    value = rank(compare.value)
    if compare.op == "eq":
        return {key: value}
    op = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[compare.op]
    return {op: {key: value}}


def _pattern(kind: str, compares: tuple[Compare, ...]) -> dict[str, Any]:
    tests = [{"t": kind}] + [_compare_json(c) for c in compares]
    return tests[0] if len(tests) == 1 else {"$and": tests}


@dataclass
class _Run:
    firings: list[Firing] = field(default_factory=list)
    fired: set[str] = field(default_factory=set)


class DurableBackend:
    """A rule pack compiled into one durable-rules ruleset."""

    def __init__(self, pack: RulePack) -> None:
        self.name = f"advisor_{pack.hash[:24]}"
        self._lock = threading.Lock()
        self._actions: dict[str, tuple[str, int, tuple[str, ...]]] = {}
        self._firings: dict[str, Firing] = {}
        self._gated: set[int] = set()  # the stages with rules that wait for their marker
        self._sid = str(next(_SIDS))
        dnf = pack.dnf
        # Findings no later rule tests need not be asserted into the engine.
        self._tested = frozenset(ref.rule_id for terms in dnf.values() for term in terms for ref in term.findings)
        terms = [term for rule_terms in dnf.values() for term in rule_terms]
        self._encode_profile = _Encoder(profile_fields(), {c.path for term in terms for c in term.compares})
        self._encode_arena = _Encoder(arena_fields(), {c.path for term in terms for group in term.arenas for c in group})
        definition: dict[str, Any] = {}
        for rule in pack.rules:
            for index, term in enumerate(dnf[rule.id]):
                if any(ref.negated and FindingRef(ref.rule_id) in term.findings for ref in term.findings):
                    continue  # it tests a finding both to have and not to have fired: it never holds
                for part, groups in enumerate(_partitions(len(term.arenas))):
                    key = f"{rule.id}#{index}.{part}"
                    definition[key] = self._compile(key, rule.id, rule.stage, index, term, groups)
        # Sinks: every profile, arena and stage fact is wanted by some rule, so that a batch of
        # facts is never refused with MessageNotHandledException (which would skip its actions).
        for kind in ("profile", "arena", "stage"):
            definition[f"sink#{kind}"] = {"all": [{"fact": {"t": kind}}, {"never": {"t": "$never"}}], "run": _never}
        self.rule_count = len(definition)
        with _HOST_LOCK:
            _HOST.register_rulesets({self.name: definition})
            self._handle = _HOST.get_ruleset(self.name)._handle

    def _compile(
        self, key: str, rule_id: str, stage: int, index: int, term: Term, groups: list[list[int]]
    ) -> dict[str, Any]:
        """One durable-rules rule for one alternative of a condition.

        A durable-rules match binds each pattern to a different fact, but two ``any_arena`` tests
        of one alternative may well be met by the same arena. So each way of grouping the arena
        tests (``groups``, a partition of their indices) gets its own rule, in which the tests of a
        group are met by one arena fact.
        """
        patterns: list[dict[str, Any]] = [{"profile": _pattern("profile", term.compares)}]
        if any(ref.negated for ref in term.findings):
            patterns.append({"stage": {"$and": [{"t": "stage"}, {"n": stage}]}})
            self._gated.add(stage)
        arena_names = [""] * len(term.arenas)
        for g, group in enumerate(groups):
            name = f"arena{g}"
            for literal in group:
                arena_names[literal] = name
            compares = tuple(c for literal in group for c in term.arenas[literal])
            patterns.append({name: _pattern("arena", compares)})
        # Each pattern binds a fact of its own, and a finding is one fact: a finding tested twice
        # is tested once (else the rule would wait for a second fact), and a negated test must
        # not stand beside a positive one of the same finding (skipped above: it would look for
        # another fact than the one the positive test bound, and so hold).
        for i, ref in enumerate(dict.fromkeys(term.findings)):
            test = {"$and": [{"t": "finding"}, {"id": ref.rule_id}]}
            patterns.append({f"finding{i}$not" if ref.negated else f"finding{i}": test})
        self._actions[key] = (rule_id, index, tuple(arena_names))
        self._firings[key] = Firing(rule_id, index)  # the same for every firing without arenas
        return {"all": patterns, "run": _never}

    def _assert(self, method: Callable[[int, str], Any], payload: Any, text: Optional[str] = None) -> Optional[int]:
        """Assert (or retract) a fact or a list of facts, given as data or as JSON ``text``, and
        return the session handle, or None if no rule wants it."""
        code, *rest = method(self._handle, text if text is not None else dumps_compact(payload))
        if code == 1:  # MessageNotHandled: no rule wants it
            return None
        if code == 2:
            raise EngineError(f"durable-rules saw the same fact twice in {self.name}", hint="this is a bug in advisor")
        return rest[0] if rest else None

    def _act(self, state: Optional[int], run: _Run, sid: str) -> list[dict[str, Any]]:
        """Run every action the engine has queued for the session, as durable-rules' host would,
        minus what this integration does not use (state updates, timers, leases, promises).

        Returns the facts of the new findings that later rules test, for the next batch."""
        new: list[dict[str, Any]] = []
        if state is None:
            return new
        started = _C.start_action_for_state(self._handle, state)
        message = started[1] if started else None
        while message:
            # The message is {"<rule name>":{<pattern>:<fact>,...}} and carries the profile fact;
            # only the matched arena facts are parsed, and only when the rule has some.
            name = message[2 : message.index('"', 2)]
            try:
                rule_id, index, arena_names = self._actions[name]
                if arena_names:
                    run.firings.append(Firing(rule_id, index, tuple(_arena_index(message, a) for a in arena_names)))
                else:
                    run.firings.append(self._firings[name])
                if rule_id not in run.fired:
                    run.fired.add(rule_id)
                    if rule_id in self._tested:
                        new.append({"t": "finding", "id": rule_id, "sid": sid})
            except BaseException as exc:
                _C.abandon_action(self._handle, state)
                raise EngineError(
                    f"a rule action failed in {self.name}: {name.split('#')[0]}: {type(exc).__name__}: {exc}",
                    hint="this is a bug in advisor; please report it with the profile",
                ) from exc
            message = _C.complete_and_start_action(self._handle, state)
        return new

    def run(self, facts: Facts) -> list[Firing]:
        run = _Run()
        with self._lock:
            sid = self._sid
            batch = [self._encode_profile(facts.values, {"t": "profile", "sid": sid})]
            for i, arena in enumerate(facts.arenas or ()):
                batch.append(self._encode_arena(arena, {"t": "arena", "sid": sid, "i": i}))
            try:
                # One batch per stage (see the module's docstring): the profile and arena facts or
                # the new findings some rule tests, then the stage's marker if a rule waits for it.
                for stage in range(len(KINDS)):
                    if stage in self._gated:
                        batch.append({"t": "stage", "n": stage, "sid": sid})
                    if batch:
                        batch = self._act(self._assert(_C.assert_facts, batch), run, sid)
                if batch:  # pragma: no cover - a rule of the last stage is tested by no rule
                    raise EngineError(f"findings left over after the last stage in {self.name}", hint="this is a bug in advisor")
            except BaseException as exc:
                # A session that failed half-way is left alone (clearing it is not safe); the next
                # assessment gets a fresh one.
                self._sid = str(next(_SIDS))
                if isinstance(exc, EngineError) or not isinstance(exc, Exception):
                    raise
                raise EngineError(
                    f"durable-rules failed: {type(exc).__name__}: {exc}",
                    hint="this is a bug in advisor; please report it with the profile",
                ) from exc
            self._clear(sid)
        return run.firings

    def _clear(self, sid: str) -> None:
        """Retract every fact of the session so that the next assessment starts clean.

        Sessions are reused instead of deleted: ``delete_state`` of durable-rules 2.0.28 crashes
        the process (SIGSEGV) once a session has held a fact that passed the type test of a
        pattern but failed one of its other tests, which is an everyday case here.
        """
        try:
            facts = _C.get_facts(self._handle, sid)  # JSON text, handed back as it is
            if facts != "[]":
                self._act(self._assert(_C.retract_facts, None, facts), _Run(), sid)
            if _C.get_facts(self._handle, sid) == "[]":
                return
        except Exception:  # pragma: no cover - never seen; a fresh session is the safe way on
            pass
        self._sid = str(next(_SIDS))


def _partitions(n: int) -> list[list[list[int]]]:
    """Every way to split ``range(n)`` into groups (a handful: a term seldom tests two arenas)."""
    if n == 0:
        return [[]]
    out = []
    for rest in _partitions(n - 1):
        for i in range(len(rest)):
            out.append([group + [n - 1] if j == i else group for j, group in enumerate(rest)])
        out.append(rest + [[n - 1]])
    return out


_DECODER = json.JSONDecoder()


def _arena_index(message: str, pattern: str) -> int:
    """The index of the arena fact bound to ``pattern`` in an action's message; only that fact is
    parsed. The key ``"<pattern>":`` occurs nowhere else in the message: inside JSON strings every
    quote is escaped, and no fact has a field of that name."""
    start = message.index(f'"{pattern}":') + len(pattern) + 3
    fact, _ = _DECODER.raw_decode(message, start)
    return int(fact["i"])


def _never(c: Any) -> None:  # pragma: no cover - sink rules wait for a fact that never comes
    return None


class _Encoder:
    """Encodes the known values a pack tests for the engine: engine keys, ordinal values as their
    rank. Values no rule of the pack tests are left out, which keeps the facts (and the messages
    the engine hands back, which carry them) small."""

    def __init__(self, fields: dict[str, Any], tested: set[str]) -> None:
        self._table = {
            path: (_key(path), spec.values if spec.kind == "ordinal" else None)
            for path, spec in fields.items()
            if path in tested
        }

    def __call__(self, values: dict[str, Any], fact: dict[str, Any]) -> dict[str, Any]:
        table = self._table
        for path, value in values.items():
            entry = table.get(path)
            if entry is not None:
                key, ordinal = entry
                fact[key] = value if ordinal is None else ordinal.index(value)
        return fact


_BACKENDS: dict[str, DurableBackend] = {}
_BACKENDS_LOCK = threading.Lock()


def backend_for(pack: RulePack) -> DurableBackend:
    """The compiled backend of ``pack``, compiled on first use and cached by content hash."""
    backend = _BACKENDS.get(pack.hash)
    if backend is None:
        with _BACKENDS_LOCK:
            backend = _BACKENDS.get(pack.hash)
            if backend is None:
                backend = DurableBackend(pack)
                _BACKENDS[pack.hash] = backend
    return backend
