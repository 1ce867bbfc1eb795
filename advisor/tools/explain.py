"""Why a rule fired, or why it did not: its effective condition walked node by node.

:func:`explain` evaluates every node of a rule's effective condition (recommendation links
folded in) with the same three-valued logic as the engine, and records for each node whether it
holds (``True``), does not hold (``False``) or is undecided (``None``), with the actual value of
each fact it tests. Findings of earlier stages are what the assessment concluded: a finding
fired or it did not (and, if it did not, whether that was because facts were unknown).

:func:`advisor.render.tools.render_explanation` renders the result as text.
"""

from __future__ import annotations

from typing import Any, Callable, Literal, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict

from ..engine.assessment import ContrastingView, arena_label, assess, check_arguments, contrasting_views, rule_states
from ..rules.conditions import AllOf, AnyArena, AnyOf, Compare, Condition, ConditionVisitor, FindingRef, Not
from ..rules.conditions import Phrase, describe_value, evaluate
from ..core.errors import RulePackError, did_you_mean
from ..engine.facts import Facts, profile_facts
from ..core.i18n import LANGUAGES, OP_WORDS, t
from ..profile.model import Profile
from ..rules.pack import RulePack, Text

__all__ = ["Node", "Explanation", "explain", "find_rule", "describe_value", "OP_WORDS"]

NodeKind = Literal["compare", "all", "any", "not", "finding", "any_arena", "arena"]


#: Comparison operators in words, per language.
class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Node(_Model):
    """One evaluated node of a condition.

    ``value`` is the three-valued result (``None`` = unknown). ``text`` labels the node
    (conditions are carried as phrases, put in words by :mod:`advisor.render.conditions`).
    Comparisons carry ``path``, ``op``, ``expected`` and ``actual`` (``None`` when the fact is
    unknown, see ``known``); finding references carry ``rule_id``, whether it
    ``fired`` and whether it was ``undecided`` (its own condition was unknown); ``any_arena``
    nodes have one ``arena`` child per arena.
    """

    kind: NodeKind
    value: Optional[bool]
    text: Union[Phrase, Text]
    """A short label for the node in a tree (``all of``, or the comparison itself, a phrase that
    :func:`advisor.render.conditions.words` puts in words)."""
    condition: Union[Phrase, Text]
    """The whole condition below this node (with its arena prefix), to be put in words (read back
    from JSON: the words)."""
    path: Optional[str] = None
    op: Optional[str] = None
    expected: Any = None
    actual: Any = None
    known: bool = True
    rule_id: Optional[str] = None
    negated: bool = False
    fired: Optional[bool] = None
    undecided: bool = False
    arena: Optional[str] = None
    derived: Optional[Union[Phrase, Text]] = None
    """For an arena's ladder level or Ulrich type that the profile does not give: how it was
    derived from the arena's other facts (:mod:`advisor.rules.arenas`)."""
    children: tuple["Node", ...] = ()


class Explanation(_Model):
    """Why ``rule_id`` fired or did not fire for one profile."""

    rule_id: str
    kind: str
    factor: str
    phase: str
    priority: str
    title: Text
    municipality: Optional[str]
    fired: bool
    """Whether the rule fired in the assessment."""
    value: Optional[bool]
    """The three-valued result of its effective condition."""
    condition: Union[Phrase, str]
    """The effective condition, in plain English words in JSON (``Phrase(..., lang="en")``)."""
    recommended_by: tuple[str, ...] = ()
    tree: Node
    failed: tuple[Node, ...] = ()
    """The parts that are known not to hold and so keep the rule from firing."""
    deciding_unknown: tuple[str, ...] = ()
    """Unknown facts that leave the outcome undecided."""
    unknown: tuple[str, ...] = ()
    """Every unknown fact the condition tests (deciding or not)."""
    findings: dict[str, bool] = {}
    """Each earlier finding the condition tests, and whether it fired."""
    sources: tuple[str, ...] = ()
    """The rule's citations as written in the pack, with file and line range (for researchers)."""
    citations: tuple[Text, ...] = ()
    """The same citations as readers see them (``Lundgren (2023) §5.1.5``), one per source."""
    contrasts: tuple[ContrastingView, ...] = ()
    """Passages of other documents that disagree with the rule."""
    guard: Optional[Node] = None
    """For a recommendation with ``done_when``: that condition walked the same way (when it
    holds, the recommendation does not fire; when unknown, it fires as conditional advice)."""


# --------------------------------------------------------------------------------------------


def find_rule(pack: RulePack, rule_id: str) -> str:
    """The id of ``rule_id`` in ``pack`` (case-insensitive), or a :class:`RulePackError` with a
    did-you-mean."""
    key = rule_id.strip().upper()
    if key in pack.by_id:
        return key
    match = did_you_mean(key, pack.by_id)
    raise RulePackError(
        f"no rule {rule_id} in pack {pack.info.name}",
        hint=f"did you mean {match}?" if match else "see `advisor rules list`",
    )


def _both(make: Callable[[str], str]) -> Text:
    return Text(**{lang: make(lang) for lang in LANGUAGES})


def _arena_text(name: str) -> Text:
    """The words of an arena's node in the explanation tree (``On the arena X``)."""
    return _both(lambda lang: t(lang, "explain.arena", name=name))


class _Walker:
    def __init__(
        self,
        facts: Facts,
        fired: frozenset[str],
        state: Mapping[str, Optional[bool]],
        arena_labels: Sequence[str],
        pack: RulePack,
    ) -> None:
        self.pack = pack
        self.facts = facts
        self.fired = fired
        self.state = state
        self.labels = arena_labels

    def _prefix(self, arena: Optional[int]) -> str:
        return "" if arena is None else f"arenas[{self.labels[arena]}]."

    def finding(self, rule_id: str) -> Optional[bool]:
        return rule_id in self.fired

    def node(self, cond: Condition, values: Mapping[str, Any], arena: Optional[int] = None) -> Node:
        return cond.accept(_NodeOf(self, values, arena))


class _NodeOf(ConditionVisitor[Node]):
    """One node of the walk: its value on ``values`` (an arena's when ``arena`` is given), its
    words, and its children walked the same way."""

    def __init__(self, walker: _Walker, values: Mapping[str, Any], arena: Optional[int]) -> None:
        self.walker, self.values, self.arena = walker, values, arena

    def _value(self, cond: Condition) -> Optional[bool]:
        w = self.walker
        return evaluate(cond, self.values, w.facts.arenas if self.arena is None else None, w.finding)

    def _whole(self, cond: Condition) -> Phrase:
        return Phrase(cond, self.walker._prefix(self.arena))

    def _leaf(self, cond: Condition, kind: NodeKind, **extra: Any) -> Node:
        """A node whose text is its condition in words."""
        whole = self._whole(cond)
        return Node(kind=kind, value=self._value(cond), text=whole, condition=whole, **extra)

    def compare(self, cond: Compare) -> Node:
        w, arena = self.walker, self.arena
        actual = self.values.get(cond.path)
        shown = w._prefix(arena) + cond.path
        entry = w.facts.derived[arena].get(cond.path) if arena is not None and w.facts.derived else None
        derived = None
        if entry is not None:
            derived = Phrase(
                entry.condition,
                w._prefix(arena),
                template="explain.derived",
                values={
                    "reason": entry.reason,
                    "source": _both(
                        lambda lang: "; ".join(f"{w.pack.cite(s).get(lang)} [{s.detail(lang)}]" for s in entry.sources)
                    ),
                },
            )
        return self._leaf(
            cond,
            "compare",
            path=shown,
            op=cond.op,
            expected=list(cond.value) if isinstance(cond.value, tuple) else cond.value,
            actual=actual,
            known=actual is not None,
            derived=derived,
        )

    def _junction(self, cond: Union[AllOf, AnyOf], kind: str) -> Node:
        children = tuple(self.walker.node(i, self.values, self.arena) for i in cond.items)
        label = _both(lambda lang: t(lang, f"explain.{kind}_of"))
        return Node(kind=kind, value=self._value(cond), text=label, condition=self._whole(cond), children=children)

    def all_of(self, cond: AllOf) -> Node:
        return self._junction(cond, "all")

    def any_of(self, cond: AnyOf) -> Node:
        return self._junction(cond, "any")

    def not_(self, cond: Not) -> Node:
        child = self.walker.node(cond.item, self.values, self.arena)
        label = _both(lambda lang: t(lang, "explain.not_of"))
        return Node(kind="not", value=self._value(cond), text=label, condition=self._whole(cond), children=(child,))

    def finding(self, cond: FindingRef) -> Node:
        w = self.walker
        fired = cond.rule_id in w.fired
        return self._leaf(
            cond,
            "finding",
            rule_id=cond.rule_id,
            negated=cond.negated,
            fired=fired,
            undecided=not fired and w.state.get(cond.rule_id) is None,
        )

    def any_arena(self, cond: AnyArena) -> Node:
        # one child per arena
        w = self.walker
        arenas = w.facts.arenas
        children: tuple[Node, ...] = ()
        if arenas is not None:
            children = tuple(
                Node(
                    kind="arena",
                    value=evaluate(cond.item, known, None, w.finding),
                    text=_arena_text(w.labels[i]),
                    condition=Phrase(cond.item, w._prefix(i)),
                    arena=w.labels[i],
                    children=(w.node(cond.item, known, i),),
                )
                for i, known in enumerate(arenas)
            )
        return self._leaf(cond, "any_arena", known=arenas is not None, children=children)


def _failed(node: Node) -> list[Node]:
    """The nodes known not to hold that make ``node`` not hold."""
    if node.value is not False:
        return []
    if node.kind in ("all", "any"):
        return [f for c in node.children if c.value is False for f in _failed(c)]
    return [node]


def _unknown_paths(node: Node, deciding_only: bool) -> list[str]:
    """Unknown facts under ``node``; with ``deciding_only`` only those that leave it undecided."""
    if deciding_only and node.value is not None:
        return []
    if node.kind == "compare":
        return [] if node.known else [node.path or ""]
    if node.kind == "any_arena" and not node.known:
        return ["arenas"]
    return [p for c in node.children for p in _unknown_paths(c, deciding_only)]


def _findings(node: Node) -> dict[str, bool]:
    out: dict[str, bool] = {}
    if node.kind == "finding" and node.rule_id:
        out[node.rule_id] = bool(node.fired)
    for child in node.children:
        out.update(_findings(child))
    return out


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def explain(profile: Profile, rule_id: str, pack: RulePack, *, engine: Optional[str] = None) -> Explanation:
    """Explain why ``rule_id`` of ``pack`` fired or did not fire for ``profile``.

    Raises :class:`~advisor.core.errors.RulePackError` (with a did-you-mean) for an unknown rule id.
    """
    check_arguments("explain", profile)
    if not isinstance(rule_id, str):
        raise TypeError(
            f"explain() takes the rule's id as text, not {type(rule_id).__name__}: explain(profile, rule_id, pack)"
        )
    check_arguments("explain", profile, pack)
    rid = find_rule(pack, rule_id)
    rule = pack.by_id[rid]
    result = assess(profile, pack, engine=engine)
    fired = result.fired
    facts = profile_facts(profile)
    # The three-valued state of every rule, so a finding that did not fire can be told apart
    # from one that was undecided because of unknown facts.
    state = rule_states(pack, facts, fired)
    labels = [arena_label(facts, i) for i in range(len(facts.arenas or ()))]
    walker = _Walker(facts, fired, state, labels, pack)
    tree = walker.node(pack.effective_conditions[rid], facts.values)
    guard = walker.node(rule.guard, facts.values) if rule.guard is not None else None
    return Explanation(
        rule_id=rid,
        kind=rule.kind,
        factor=rule.factor,
        phase=rule.phase,
        priority=rule.priority,
        title=rule.title,
        municipality=result.municipality,
        fired=rid in fired,
        value=tree.value,
        condition=Phrase(pack.effective_conditions[rid], lang="en"),
        recommended_by=pack.recommended_by.get(rid, ()) if rule.kind == "recommendation" else (),
        tree=tree,
        failed=tuple(_failed(tree)),
        deciding_unknown=_dedupe(_unknown_paths(tree, True)),
        unknown=_dedupe(_unknown_paths(tree, False)),
        findings={**_findings(tree), **(_findings(guard) if guard is not None else {})},
        guard=guard,
        sources=pack.citations[rid],
        citations=tuple(pack.cite(s) for s in rule.sources),
        contrasts=contrasting_views(pack, rule),
    )
