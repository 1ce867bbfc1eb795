"""The inference engine: rule packs compiled onto durable-rules.

This is the only module that imports durable-rules. It hides these known behaviours of
durable-rules 2.0.28:

* facts are asserted with ``assert_fact`` (``post`` would let only the first matching rule see
  an event) into a session (``sid``) of the compiled ruleset. Every fact is retracted when the
  assessment is done and the session is reused, so the number of live sessions stays at one per
  ruleset (about 1,024 are possible). Sessions are not deleted: ``delete_state`` crashes the
  process in 2.0.28 once a session has held a fact that matched a pattern's type but not its tests.
  Each fact goes in with an ``id`` of its own, and durable-rules retracts a fact by its id alone
  (``getMessage``, ``handleDeleteMessage``): the retraction names the ids, without reading the
  session's facts back or matching them again;
* a fact no rule is interested in raises ``MessageNotHandledException`` (and, in a batch, skips
  the actions of the whole batch): sink rules that wait for a fact that never comes make every
  profile, arena and stage fact wanted, and findings no later rule tests are not asserted;
* an exception inside a rule action is swallowed by the Python host of durable-rules into the
  session state, and the rest of the action silently does not run. This module does not run its
  actions through that host: it asserts facts through the C engine (``durable_rules_engine``)
  and runs the queued actions itself (``start_action_for_state`` / ``complete_and_start_action``),
  so a failing action raises :class:`EngineError`, and the per-action JSON round trips and state
  updates of the host (half the engine time) are skipped;
* each pack is compiled once, under names derived from the hash of its content, and reused. At
  most :data:`CACHE_SIZE` compiled packs are kept: the least recently used one is deleted,
  session and rulesets, which gives its memory back (about 7 MB for the shipped pack; see
  :meth:`DurableBackend.close` for how its session is deleted without crashing);
* rulesets are created straight through the C engine (``create_ruleset``), not through
  durable-rules' Python host, whose JSON spells numbers in ways the C parser cannot read; a lock
  per compiled pack serialises its use, since durable-rules has no locks of its own;
* its C engine has fixed limits (numbers it can read, facts per rule, children and rules per
  node of its network, a stack of 64 nodes when matching a fact, 4,096 rules per ruleset), set
  out in :mod:`advisor.rules.limits`. Every number goes in spelled as its parser reads it; lists and
  text are tested in Python and go in as booleans; the rules of a pack are spread over as many
  rulesets as it takes to keep each inside the limits of its network (a model of the network is
  built as the rules are added, :class:`_Net`); and what no compilation avoids is refused when
  the pack is loaded;
* generated rule names are not ours: each compiled rule (a rule id, alternative and arena
  grouping) goes into its ruleset under its place there in three hex digits, which maps back to
  the rule id (every action's message begins with the name: read at a fixed place, and short);
* a rule whose only pattern is a negation fires without end: a compiled rule matches the profile
  fact when it tests it or has no other positive pattern, so none consists of negations alone;
* a join costs: a stage marker pattern in every rule made the engine take 40 % longer, so only
  the rules that need one have it (below);
* matching a fact costs by its properties and by the children of the alpha nodes it reaches:
  a node finds its children by the property names of the fact and tests each child of a name in
  turn. So each ruleset's facts carry only the properties its rules test, and a finding fact
  names its rule by a property of its own (``"f:<rule id>": true``, see :func:`_finding_key`),
  which wakes the patterns of that rule alone where one ``id`` property would be tested against
  every finding pattern of the ruleset (two thirds of the tests of an assessment). Their names
  are short (``k<n>``, see :func:`_key`): durable-rules reads and hashes the name of every
  property of every fact it is given, and writes every fact a rule matched into the message of
  each of its actions, which Python then reads (a tenth of the engine's work was in long names).

Rules run in stages (strengths, diagnoses, pitfalls, recommendations), and a rule tests only findings of
earlier stages. Facts go in as batches, one per stage and ruleset (the rulesets of a pack go in
step, stage by stage, and each gets the findings its rules test): the profile and arena facts, then the
findings of the actions of the batch before that some rule tests. A rule that rests on findings
fires as soon as they are in, which is enough for positive tests, as later findings can only add
to what fires. A rule that tests that a finding did *not* fire must wait until every finding of
the earlier stages is in: it also matches its stage's marker fact, which ends the batch of its
stage (by then every rule of an earlier stage has fired: a rule of stage s fires at the latest
on the batch of stage s, and its finding comes with the next).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import threading
from collections import Counter, OrderedDict
from typing import Any, Callable, Optional

import durable_rules_engine as _C

from ..core.io import dumps_compact
from ..rules.limits import MAX_BETA, MAX_CHILDREN, MAX_FACT_PROPERTIES, MAX_RULES, MAX_STACK
from ..rules.limits import is_membership, spell_number
from ..profile.schema import arena_fields, profile_fields
from ..rules.conditions import COMPARISONS, Compare, FindingRef, Term
from .interface import Firing
from ..core.errors import EngineError
from .facts import Facts
from ..rules.pack import KINDS, RulePack
from ..rules.cache import cached_data, strings
from ..profile import schema as schema_module, model as model_module
from ..core import io as io_module

__all__ = ["Firing", "DurableBackend", "backend_for", "ENGINE_NAME", "engine_version", "CACHE_SIZE"]

ENGINE_NAME = "durable-rules"

#: How many compiled packs a process keeps (see the module's docstring).
CACHE_SIZE = 8


@functools.lru_cache(maxsize=None)
def engine_version() -> str:
    """durable-rules' version: from the name of the one ``durable_rules-VERSION.dist-info`` folder
    beside its engine's module, as pip installs it; else from ``importlib.metadata``, whose import
    and search of every installed distribution cost a command's start some 4 % (issue 15 §3)."""
    folder = os.path.dirname(getattr(_C, "__file__", None) or "")
    try:
        found = [n for n in os.listdir(folder) if n.startswith("durable_rules-") and n.endswith(".dist-info")]
    except OSError:
        found = []
    if folder and len(found) == 1:
        return found[0][len("durable_rules-") : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("durable_rules")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


_SIDS = itertools.count(1)

#: One test of a pattern: (property, operator, value), operators as in conditions.
_Test = tuple[str, str, Any]
#: durable-rules' operators, from the one table of comparisons (equality is the bare form).
_OPS = {op: c.durable for op, c in COMPARISONS.items() if c.durable is not None}


def _key(path: str) -> str:
    """The property of a fact that carries the value at ``path``: a short name (``k`` and the
    path's place among every profile and arena path), since every action's message hands the
    facts back as text and durable-rules reads and hashes each name of every fact it is given."""
    key = _keys().get(path)
    return key if key is not None else path.replace(".", "__")


@functools.lru_cache(maxsize=None)
def _keys() -> dict[str, str]:
    paths = sorted(set(profile_fields()) | set(arena_fields()))
    return {path: f"k{i}" for i, path in enumerate(paths)}


#: The property that tells a finding fact's rule, a prefix no profile or arena property has.
_FINDING_PREFIX = "f:"


def _finding_key(rule_id: str) -> str:
    """The property a finding fact of ``rule_id`` carries (``true``) and patterns test: a
    property of its own per rule rather than one ``id`` with the rule as value, so that matching
    a finding fact tests the one pattern of its rule instead of every finding pattern of the
    ruleset (durable-rules finds a node's children by the properties of the fact, then tests
    each child of a property in turn)."""
    return _FINDING_PREFIX + rule_id


def _group(prop: str) -> str:
    """Children of a node that test equality on properties of one group can hold at most one at
    a time: one property each, but a finding fact's rule properties form one group (it carries
    exactly one)."""
    return _FINDING_PREFIX if prop.startswith(_FINDING_PREFIX) else prop


def _value_json(value: Any) -> str:
    return dumps_compact(value) if isinstance(value, str) else spell_number(value)


def _test_json(test: _Test) -> str:
    prop, op, value = test
    inner = f"{dumps_compact(prop)}:{_value_json(value)}"
    return "{" + inner + "}" if op == "eq" else "{" + f'"{_OPS[op]}":' + "{" + inner + "}}"


def _pattern_json(tests: tuple[_Test, ...]) -> str:
    if len(tests) == 1:
        return _test_json(tests[0])
    return '{"$and":[' + ",".join(_test_json(t) for t in tests) + "]}"


class _Unit:
    """One durable-rules rule: an alternative of a condition, with one way of grouping its arena
    tests (see :meth:`_Compiler._units`). A plain class, not a dataclass: making a dataclass
    costs a command's start about half a millisecond."""

    __slots__ = ("key", "rule_id", "index", "arena_names", "patterns", "findings", "gate")

    def __init__(
        self,
        key: str,
        rule_id: str,
        index: int,
        arena_names: tuple[str, ...],
        patterns: tuple[tuple[str, tuple[_Test, ...]], ...],
        findings: frozenset[str] = frozenset(),
        gate: Optional[int] = None,  # the stage whose marker it waits for
    ) -> None:
        self.key, self.rule_id, self.index, self.arena_names = key, rule_id, index, arena_names
        self.patterns, self.findings, self.gate = patterns, findings, gate

    def json(self) -> str:
        parts = ("{" + dumps_compact(name) + ":" + _pattern_json(tests) + "}" for name, tests in self.patterns)
        return '{"all":[' + ",".join(parts) + "]}"

    def properties(self, kind: str) -> set[str]:
        return {t[0] for name, tests in self.patterns if tests[0] == ("t", "eq", kind) for t in tests[1:]}


def _sinks() -> list[_Unit]:
    """Sinks: every profile, arena and stage fact is wanted by some rule, so that a batch of facts
    is never refused with MessageNotHandledException (which would skip its actions)."""
    return [
        _Unit(f"sink#{kind}", "", 0, (), (("fact", (("t", "eq", kind),)), ("never", (("t", "eq", "$never"),))))
        for kind in ("profile", "arena", "stage")
    ] + [_Unit("close#", "", 0, (), (("close", (("t", "eq", "close"),)),))]


class _Node:
    """An alpha node of the model of durable-rules' network (see :class:`_Net`)."""

    __slots__ = ("children", "eq", "other", "beta", "peak", "top")

    def __init__(self) -> None:
        self.children: dict[_Test, _Node] = {}
        self.eq: dict[str, int] = {}  # children that test equality, by property
        self.other = 0  # children with other tests
        self.beta = 0  # patterns that end here
        self.peak = 1  # most stack entries matching a fact below (and with) this node can take
        self.top = 0  # the highest peak of a child


class _Net:
    """A model of the alpha network durable-rules builds for one ruleset, to keep it inside the
    limits of :mod:`advisor.rules.limits` as rules are added.

    Each pattern's tests form a chain of nodes from the root, shared with every pattern that
    begins with the same tests. When a fact is matched, a node's children whose tests hold go
    on the stack together: at most one of the children that test equality on one property, any
    number of the others. So a node's ``peak`` is at most ``(children that can hold at once) - 1 +
    (the highest peak of a child)``, an upper bound whatever the fact.
    """

    def __init__(self) -> None:
        self.root = _Node()
        self.units: list[_Unit] = []
        self.properties: dict[str, set[str]] = {"profile": set(), "arena": set()}
        for sink in _sinks():
            if not self.add(sink):  # pragma: no cover - four rules fit in any ruleset
                raise EngineError("the sink rules do not fit a ruleset", hint="this is a bug in advisor")

    def add(self, unit: _Unit) -> bool:
        """Add ``unit`` if the ruleset stays inside the limits; else leave it as it was."""
        if len(self.units) >= MAX_RULES:
            return False
        grown = {kind: unit.properties(kind) - props for kind, props in self.properties.items()}
        if any(len(self.properties[kind]) + len(new) > MAX_FACT_PROPERTIES - 1 for kind, new in grown.items()):
            return False
        journal: list[tuple[Any, ...]] = []
        paths = []
        ok = True
        for _, tests in unit.patterns:
            node, path = self.root, [self.root]
            for test in tests:
                child = node.children.get(test)
                if child is None:
                    child = node.children[test] = _Node()
                    if test[1] == "eq":
                        group = _group(test[0])
                        node.eq[group] = node.eq.get(group, 0) + 1
                    else:
                        node.other += 1
                    journal.append(("child", node, test))
                    ok = ok and len(node.children) <= MAX_CHILDREN
                node = child
                path.append(node)
            node.beta += 1
            journal.append(("beta", node))
            ok = ok and node.beta <= MAX_BETA
            paths.append(path)
        for path in paths:  # peaks only grow: recompute them along the paths, bottom up
            for parent, child in zip(reversed(path[:-1]), reversed(path[1:])):
                journal.append(("peak", parent, parent.peak, parent.top))
                parent.top = max(parent.top, child.peak)
                parent.peak = max(1, len(parent.eq) + parent.other - 1 + parent.top)
        if not (ok and self.root.peak <= MAX_STACK):
            for entry in reversed(journal):
                if entry[0] == "child":
                    node, test = entry[1], entry[2]
                    del node.children[test]
                    if test[1] == "eq":
                        group = _group(test[0])
                        node.eq[group] -= 1
                        if not node.eq[group]:
                            del node.eq[group]
                    else:
                        node.other -= 1
                elif entry[0] == "beta":
                    entry[1].beta -= 1
                else:
                    entry[1].peak, entry[1].top = entry[2], entry[3]
            return False
        for kind, new in grown.items():
            self.properties[kind] |= new
        self.units.append(unit)
        return True


def _plan(units: list[_Unit]) -> list[_Net]:
    """The rules spread over rulesets: each goes into the last one while it fits, else opens a
    new one. Deterministic: the same pack, the same rulesets."""
    nets = [_Net()]
    for unit in units:
        if not nets[-1].add(unit):
            nets.append(_Net())
            if not nets[-1].add(unit):  # pragma: no cover - load-time checks refuse such a rule
                raise EngineError(
                    f"rule {unit.rule_id} does not fit a durable-rules ruleset", hint="this is a bug in advisor"
                )
    return nets


class _Run:
    """What one assessment's actions found: the firings, and the findings some rule tests that fired."""

    __slots__ = ("firings", "fired")

    def __init__(self) -> None:
        self.firings: list[Firing] = []
        self.fired: set[str] = set()


class _Encoder:
    """Encodes the known values a ruleset tests as the JSON text of a fact: engine keys, ordinal
    values as their rank, numbers spelled for durable-rules' parser, lists and text tested here
    (membership properties). Values no rule of the ruleset tests are left out, which keeps the
    facts (and the messages the engine hands back, which carry them) small."""

    def __init__(self, fields: dict[str, Any], plain: set[str], members: list[tuple[str, str, frozenset[Any]]]) -> None:
        #: (path, the text of each value with its property name, or None to spell the value, the name)
        self._plain: list[tuple[str, Optional[dict[Any, str]], str]] = []
        for path in sorted(plain):
            spec = fields[path]
            prefix = f'"{_key(path)}":'
            table = None  # the text of each value, for fields with few values
            if spec.kind == "ordinal":
                table = {v: prefix + str(i) for i, v in enumerate(spec.values)}
            elif spec.kind == "bool":
                table = {True: prefix + "true", False: prefix + "false"}
            self._plain.append((path, table, prefix))
        self._members = [(path, values, f'"{key}":true', f'"{key}":false') for key, path, values in members]

    def __call__(self, values: dict[str, Any], head: str) -> str:
        parts = [head]
        append, get = parts.append, values.get
        for path, table, prefix in self._plain:
            value = get(path)
            if value is not None:
                append(table[value] if table is not None else prefix + _value_json(value))
        for path, members, yes, no in self._members:
            value = get(path)
            if value is not None:
                append(yes if value in members else no)
        return ",".join(parts) + "}"


def _encoders(
    properties: dict[str, frozenset[str]], members: dict[tuple[bool, str, frozenset[Any]], str]
) -> tuple[_Encoder, _Encoder]:
    """The encoders of the profile and of an arena fact that carry ``properties`` (engine keys)."""
    out = []
    for kind, fields, in_arena in (("profile", profile_fields(), False), ("arena", arena_fields(), True)):
        used = properties[kind]
        mine = [
            (key, path, values) for (arena, path, values), key in members.items() if arena == in_arena and key in used
        ]
        out.append(_Encoder(fields, {p for p in fields if _key(p) in used}, mine))
    return out[0], out[1]


class _CompiledRuleset:
    """One ruleset of :class:`_Compiled`: its rules as (key, rule id, alternative, arena pattern
    names, findings tested, gate), the properties of each kind of fact and its JSON."""

    def __init__(self, data: Any) -> None:
        units = []
        for key, rule_id, index, arena_names, findings, gate in data["units"]:
            if not (isinstance(key, str) and isinstance(rule_id, str) and type(index) is int):
                raise TypeError("not a compiled rule")
            if not (gate is None or type(gate) is int):
                raise TypeError("not a gate")
            units.append((key, rule_id, index, strings(arena_names), strings(findings), gate))
        self.units = tuple(units)
        properties = data["properties"]
        self.properties = {kind: frozenset(strings(properties[kind])) for kind in ("profile", "arena")}
        self.text: str = data["text"]
        if not isinstance(self.text, str):
            raise TypeError("not a ruleset's JSON")


class _Compiled:
    """What :func:`_compiled` made of a pack, read from its plain data (fresh, or kept in the
    pack cache); raises an exception for data not in that shape."""

    def __init__(self, data: Any) -> None:
        self.tested = frozenset(strings(data["tested"]))
        self.members: dict[tuple[bool, str, frozenset[Any]], str] = {}
        for in_arena, path, values, key in data["members"]:
            if not (isinstance(in_arena, bool) and isinstance(path, str) and isinstance(key, str)):
                raise TypeError("not a membership property")
            if not (isinstance(values, list) and all(isinstance(v, (str, int, float)) for v in values)):
                raise TypeError("not a membership's values")
            self.members[(in_arena, path, frozenset(values))] = key
        self.rulesets = [_CompiledRuleset(ruleset) for ruleset in data["rulesets"]]


class _Ruleset:
    """One compiled durable-rules ruleset of a pack."""

    def __init__(
        self, name: str, compiled: _CompiledRuleset, encoders: tuple[_Encoder, _Encoder], wanted: frozenset[str]
    ) -> None:
        self.name = name
        units = compiled.units
        # Each rule goes into durable-rules under a name of three hex digits, its place in the
        # ruleset (at most MAX_RULES = 4,096): every action's message begins with it, so that it
        # is read at a fixed place, and the messages are shorter.
        assert len(units) <= MAX_RULES == 0x1000
        codes = [f"{i:03x}" for i in range(len(units))]
        #: By compiled rule name: the rule id, its firing (the one of an alternative without arena
        #: tests, made once), the arena patterns of the alternative and whether a rule of the pack
        #: tests its finding (in ``wanted``).
        self.actions = {
            code: (rule_id, Firing(rule_id, index), arena_names, rule_id in wanted)
            for code, (_, rule_id, index, arena_names, _, _) in zip(codes, units)
            if rule_id
        }
        #: What each name stands for: the advisor rule (or the sink, ``close#``) it was compiled from.
        self.names = {code: u[1] or u[0] for code, u in zip(codes, units)}
        self.close = codes[[u[0] for u in units].index("close#")]
        self.tested = frozenset(ref for u in units for ref in u[4])
        self.gated = frozenset(u[5] for u in units if u[5] is not None)
        self.stages = sorted(self.gated)
        self.encoders = encoders
        #: The properties of the profile and arena facts its rules test (engine keys).
        self.properties = compiled.properties
        self.encode_profile, self.encode_arena = encoders
        self.handle = _C.create_ruleset(self.name, compiled.text)


#: The source files whose code decides what :func:`_compiled` makes of a pack (besides those of
#: the pack cache itself, :mod:`advisor.rules.cache`): this module, the fact keys and value
#: ranks of the profile's fields, and the compact JSON the rulesets are written in.
_COMPILED_SOURCES = (__file__, schema_module.__file__, model_module.__file__, io_module.__file__)


class DurableBackend:
    """A rule pack compiled into durable-rules rulesets (one, unless the pack is too wide for one)."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.name = f"advisor_{pack.hash[:24]}"
        self._lock = threading.Lock()
        self._sid = str(next(_SIDS))
        self._closed = False
        # What the compile derives from the pack alone, kept between runs in the pack cache for
        # the shipped pack (advisor.rules.cache; the C engine's own rulesets are made each run).
        compiled = cached_data(pack, "durable", _COMPILED_SOURCES, lambda: _compiled(pack), _Compiled)
        # Findings no later rule tests need not be asserted into the engine.
        self._tested = compiled.tested
        self._members = compiled.members
        # Each ruleset's facts carry the properties its rules test, no more: matching a fact and
        # handing it back in every action's message cost by the property. Rulesets that test
        # the same properties share the encoders and the text (encoded once per assessment).
        made: dict[tuple[frozenset[str], ...], tuple[_Encoder, _Encoder]] = {}
        encoders = []
        for ruleset in compiled.rulesets:
            key = (ruleset.properties["profile"], ruleset.properties["arena"])
            if key not in made:
                made[key] = _encoders(ruleset.properties, self._members)
            encoders.append(made[key])
        self._rulesets = [
            _Ruleset(f"{self.name}.{i}", ruleset, enc, self._tested)
            for i, (ruleset, enc) in enumerate(zip(compiled.rulesets, encoders))
        ]
        self.rule_count = sum(len(rs.actions) + 4 for rs in self._rulesets)
        #: Per ruleset, the finding facts its rules test, but for the session id and the end.
        self._finding_heads = [
            {
                rule_id: f'{{"t":"finding","id":{dumps_compact(rule_id)},{dumps_compact(_finding_key(rule_id))}:true,"sid":'
                for rule_id in sorted(rs.tested)
            }
            for rs in self._rulesets
        ]

    @property
    def ruleset_count(self) -> int:
        return len(self._rulesets)

    def facts_held(self) -> list[str]:
        """The facts the session of each ruleset holds, as durable-rules writes them (JSON): none
        between assessments, as each retracts what it asserted."""
        with self._lock:
            return [_C.get_facts(rs.handle, self._sid) for rs in self._rulesets]

    def _assert(self, rs: _Ruleset, method: Callable[[int, str], Any], text: str) -> Optional[int]:
        """Assert (or retract) the facts of the JSON ``text`` in ruleset ``rs``, and return the
        session handle, or None if no rule wants them."""
        code, *rest = method(rs.handle, text)
        if code == 1:  # MessageNotHandled: no rule wants it
            return None
        if code == 2:
            raise EngineError(f"durable-rules saw the same fact twice in {rs.name}", hint="this is a bug in advisor")
        return rest[0] if rest else None

    def _act(self, rs: _Ruleset, state: Optional[int], run: _Run) -> list[str]:
        """Run every action the engine has queued for the session, as durable-rules' host would,
        minus what this integration does not use (state updates, timers, leases, promises).

        Returns the ids of the new findings that later rules test, for the next batch."""
        new: list[str] = []
        if state is None:
            return new
        handle = rs.handle
        started = _C.start_action_for_state(handle, state)
        message = started[1] if started else None
        # the hot loop of an assessment (a hundred firings): everything it uses is local
        actions, fired, append, close = rs.actions, run.fired, run.firings.append, rs.close
        complete = _C.complete_and_start_action
        while message:
            # The message is {"<rule name>":{<pattern>:<fact>,...}} and carries the profile fact;
            # only the matched arena facts are read, and only when the rule has some.
            name = message[2:5]
            if name == close:  # see close()
                message = complete(handle, state)
                continue
            try:
                rule_id, firing, arena_names, wanted = actions[name]
                if not arena_names:
                    append(firing)
                elif len(arena_names) == 1:
                    append(Firing(rule_id, firing.term, (_arena_index(message, arena_names[0]),)))
                else:
                    append(Firing(rule_id, firing.term, tuple([_arena_index(message, a) for a in arena_names])))
                if wanted and rule_id not in fired:  # a finding some rule tests, new
                    fired.add(rule_id)
                    new.append(rule_id)
            except BaseException as exc:
                _C.abandon_action(handle, state)
                raise EngineError(
                    f"a rule action failed in {rs.name}: {rs.names.get(name, name)}: {type(exc).__name__}: {exc}",
                    hint="this is a bug in advisor; please report it with the profile",
                ) from exc
            message = complete(handle, state)
        return new

    def run(self, facts: Facts) -> list[Firing]:
        with self._lock:
            if not self._closed:
                return self._run(facts)
        return backend_for(self.pack).run(facts)  # evicted from the cache meanwhile

    def _run(self, facts: Facts) -> list[Firing]:
        run = _Run()
        sid = self._sid
        quoted = dumps_compact(sid)
        # Every fact goes in with an id of its own (the profile "p", arena i "a<i>", the marker
        # of stage n "s<n>", a finding its rule id), so that it is retracted by its id alone.
        arena_ids = [f"a{i}" for i in range(len(facts.arenas or ()))]
        try:
            pending = []
            encoded: dict[int, list[str]] = {}  # by encoders: rulesets that share them share the text
            for rs in self._rulesets:
                batch = encoded.get(id(rs.encoders))
                if batch is None:
                    batch = [rs.encode_profile(facts.values, '{"t":"profile","id":"p","sid":' + quoted)]
                    for arena_id, arena in zip(arena_ids, facts.arenas or ()):
                        batch.append(rs.encode_arena(arena, '{"t":"arena","id":"' + arena_id + '","sid":' + quoted))
                    encoded[id(rs.encoders)] = batch
                pending.append(list(batch))
            # The ids of the findings asserted into each ruleset (all but the first batch's facts).
            asserted: list[list[str]] = [[] for _ in self._rulesets]
            # One batch per stage and ruleset (see the module's docstring): the profile and arena
            # facts or the new findings some rule tests, then the stage's marker if a rule waits.
            for stage in range(len(KINDS)):
                new: list[str] = []
                for rs, batch in zip(self._rulesets, pending):
                    if stage in rs.gated:
                        batch.append(f'{{"t":"stage","id":"s{stage}","n":{stage},"sid":{quoted}}}')
                    if batch:
                        new += self._act(rs, self._assert(rs, _C.assert_facts, "[" + ",".join(batch) + "]"), run)
                pending = []
                for heads, ids in zip(self._finding_heads, asserted):
                    mine = [rule_id for rule_id in new if rule_id in heads]
                    ids += mine
                    pending.append([heads[rule_id] + quoted + "}" for rule_id in mine])
            if any(pending):  # pragma: no cover - a rule of the last stage is tested by no rule
                raise EngineError("findings left over after the last stage", hint="this is a bug in advisor")
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
        self._clear(quoted, ["p", *arena_ids], asserted)
        return run.firings  # in the engine's order (the same for the same facts)

    def _clear(self, quoted: str, shared: list[str], findings: list[list[str]]) -> None:
        """Retract every fact the assessment asserted, by its id, so that the session starts the
        next assessment clean: the profile and arena facts (``shared``) and the stage markers
        first, so that no rule can match again once a finding it tests is gone, then the
        ``findings`` asserted into each ruleset.

        Sessions are reused instead of deleted: ``delete_state`` of durable-rules 2.0.28 crashes
        the process (SIGSEGV) once a session has held a fact that passed the type test of a
        pattern but failed one of its other tests, which is an everyday case here. A fact is
        retracted by its id (``getMessage`` in ``events.c``): its properties are neither read nor
        matched again.
        """
        tail = ',"sid":' + quoted + "}"
        try:
            for rs, mine in zip(self._rulesets, findings):
                ids = shared + [f"s{stage}" for stage in rs.stages] + mine
                text = "[" + ",".join('{"id":"' + fact_id + '"' + tail for fact_id in ids) + "]"
                self._act(rs, self._assert(rs, _C.retract_facts, text), _Run())
            return
        except Exception:  # pragma: no cover - never seen; a fresh session is the safe way on
            pass
        self._sid = str(next(_SIDS))

    def close(self) -> None:
        """Delete the rulesets and their session (when evicted from the cache), which gives all
        their memory back.

        ``delete_state`` of durable-rules 2.0.28 frees the session's action context
        (``context.messages``, ``context.stateFact``), which its sessions leave uninitialised
        until an action has run (``state.c``, ``createStateNode``): freeing that garbage
        crashed the process. So a session is deleted only once all its facts are retracted and
        an action has run in it to its end (the ``close#`` rule, on a fact of its own), which
        leaves both set to NULL. A session left behind by a failed assessment is not deleted."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sid = self._sid
            for rs in self._rulesets:
                try:
                    state = self._assert(rs, _C.assert_facts, '[{"t":"close","sid":' + dumps_compact(sid) + "}]")
                    self._act(rs, state, _Run())
                    facts = _C.get_facts(rs.handle, sid)
                    if facts != "[]":
                        self._act(rs, self._assert(rs, _C.retract_facts, facts), _Run())
                    clean = state is not None and _C.get_facts(rs.handle, sid) == "[]"
                except Exception:  # pragma: no cover - never seen; the session is left alone
                    clean = False
                if clean:
                    _C.delete_state(rs.handle, sid)
                _C.delete_ruleset(rs.handle)


class _Compiler:
    """Makes the durable-rules rules of a pack (:func:`_compiled`)."""

    def __init__(self, dnf: dict[str, tuple[Term, ...]]) -> None:
        self._members: dict[tuple[bool, str, frozenset[Any]], str] = {}
        terms = [term for rule_terms in dnf.values() for term in rule_terms]
        # Tests shared by many alternatives come first in their patterns, so that the patterns
        # share the nodes of the network (fewer nodes, fewer children per node).
        self._often = Counter(t for term in terms for t in set(self._tests(term.compares)))
        self._often.update(t for term in terms for group in term.arenas for t in set(self._tests(group)))

    def _tests(self, compares: tuple[Compare, ...]) -> list[_Test]:
        """The engine tests of some comparisons (of one fact), without repeats."""
        out: dict[_Test, None] = {}
        for c in compares:
            if is_membership(c):
                values = frozenset(c.value) if isinstance(c.value, tuple) else frozenset([c.value])
                member = (c.in_arena, c.path, values)
                key = self._members.setdefault(member, f"_in{len(self._members)}")
                out[(key, "eq", c.op in ("eq", "in"))] = None
            elif c.op in ("in", "not_in"):  # one value
                out[(_key(c.path), "eq" if c.op == "in" else "ne", c.spec.rank(c.value[0]))] = None
            else:
                out[(_key(c.path), c.op, c.spec.rank(c.value))] = None
        return list(out)

    def _ordered(self, kind: str, compares: tuple[Compare, ...]) -> tuple[_Test, ...]:
        tests = sorted(self._tests(compares), key=lambda t: (-self._often[t], t[0], t[1], repr(t[2])))
        return (("t", "eq", kind),) + tuple(tests)

    def _units(self, rule_id: str, stage: int, terms: tuple[Term, ...]) -> list[_Unit]:
        """The durable-rules rules of one rule: one per alternative and grouping of its arena tests.

        A durable-rules match binds each pattern to a different fact, but two ``any_arena`` tests
        of one alternative may well be met by the same arena. So each way of grouping the arena
        tests (a partition of their indices) gets its own rule, in which the tests of a group are
        met by one arena fact.
        """
        out = []
        for index, term in enumerate(terms):
            if any(FindingRef(ref.rule_id, not ref.negated) in term.findings for ref in term.findings):
                continue  # tests that a finding fired and that it did not: it can never hold
            for part, groups in enumerate(_partitions(len(term.arenas))):
                # The profile fact is matched only when the alternative tests it, or when nothing
                # else would be positive (a rule of negations alone fires without end).
                positive = term.arenas or any(not ref.negated for ref in term.findings)
                patterns: list[tuple[str, tuple[_Test, ...]]] = []
                if term.compares or not positive:
                    patterns.append(("profile", self._ordered("profile", term.compares)))
                gate = None
                if any(ref.negated for ref in term.findings):
                    patterns.append(("stage", (("t", "eq", "stage"), ("n", "eq", stage))))
                    gate = stage
                arena_names = [""] * len(term.arenas)
                for g, group in enumerate(groups):
                    name = f"arena{g}"
                    for literal in group:
                        arena_names[literal] = name
                    compares = tuple(c for literal in group for c in term.arenas[literal])
                    patterns.append((name, self._ordered("arena", compares)))
                # A finding tested twice (a recommendation's link and its own `when`) is one
                # pattern: durable-rules binds each pattern to a different fact.
                for i, ref in enumerate(dict.fromkeys(term.findings)):
                    name = f"finding{i}$not" if ref.negated else f"finding{i}"
                    patterns.append((name, (("t", "eq", "finding"), (_finding_key(ref.rule_id), "eq", True))))
                findings = frozenset(ref.rule_id for ref in term.findings)
                out.append(
                    _Unit(
                        f"{rule_id}#{index}.{part}", rule_id, index, tuple(arena_names), tuple(patterns), findings, gate
                    )
                )
        return out


def _compiled(pack: RulePack) -> dict[str, Any]:
    """What compiling ``pack`` derives from the pack alone, as plain JSON data: the findings some
    rule tests (``tested``), the membership properties (``members``: whether in an arena, the
    path, the values, the property) and per ruleset its rules (``units``: key, rule id,
    alternative, arena pattern names, findings tested, gate), the properties its facts carry
    and its JSON for durable-rules (``text``)."""
    dnf = pack.dnf
    compiler = _Compiler(dnf)
    units = [unit for rule in pack.rules for unit in compiler._units(rule.id, rule.stage, dnf[rule.id])]
    nets = _plan(units)
    rulesets = []
    for net in nets:
        codes = [f"{i:03x}" for i in range(len(net.units))]
        rulesets.append(
            {
                "units": [
                    [u.key, u.rule_id, u.index, list(u.arena_names), sorted(u.findings), u.gate] for u in net.units
                ],
                "properties": {kind: sorted(props) for kind, props in net.properties.items()},
                "text": "{" + ",".join(f'"{code}":' + u.json() for code, u in zip(codes, net.units)) + "}",
            }
        )
    return {
        "tested": sorted({ref.rule_id for terms in dnf.values() for term in terms for ref in term.findings}),
        "members": [
            [arena, path, sorted(values, key=repr), key] for (arena, path, values), key in compiler._members.items()
        ],
        "rulesets": rulesets,
    }


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
#: The head of an arena fact as :meth:`DurableBackend._run` writes it.
_ARENA_HEAD = re.compile(r'\{"t":"arena","id":"a([0-9]+)"[,}]')


def _arena_index(message: str, pattern: str) -> int:
    """The index of the arena fact bound to ``pattern`` in an action's message. The key
    ``"<pattern>":`` occurs nowhere else in the message: inside JSON strings every quote is
    escaped, and no fact has a field of that name. The engine hands the fact back as it was
    asserted, so its index is read from its head; only a fact spelled otherwise is parsed."""
    start = message.index(f'"{pattern}":') + len(pattern) + 3
    head = _ARENA_HEAD.match(message, start)
    if head is not None:
        return int(head.group(1))
    fact, _ = _DECODER.raw_decode(message, start)
    return int(fact["id"][1:])


_BACKENDS: "OrderedDict[str, DurableBackend]" = OrderedDict()
_BACKENDS_LOCK = threading.Lock()


def backend_for(pack: RulePack) -> DurableBackend:
    """The compiled backend of ``pack``, compiled on first use and cached by content hash; the
    least recently used of more than :data:`CACHE_SIZE` is deleted."""
    with _BACKENDS_LOCK:
        backend = _BACKENDS.get(pack.hash)
        if backend is None:
            backend = DurableBackend(pack)
            _BACKENDS[pack.hash] = backend
            while len(_BACKENDS) > CACHE_SIZE:
                _, old = _BACKENDS.popitem(last=False)
                old.close()
        else:
            _BACKENDS.move_to_end(pack.hash)
    return backend
