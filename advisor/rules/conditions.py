"""The condition language of rules: parsing, validation, three-valued evaluation, normal forms.

A condition is parsed from plain data (see ``docs/RULE-FORMAT.md``) into an immutable tree and
checked against the profile model when a rule pack is loaded, never when it is applied.

Evaluation is three-valued (Kleene): ``True``, ``False`` or ``None`` for *unknown*. A rule fires
only on ``True``, so an unknown fact can never make a rule fire. Findings of earlier stages are
known conclusions: a finding either fired or it did not.

One semantics: what a node type means lives on the node type, once. Each node has
``children()``, ``compile()`` (its three-valued evaluator), ``nnf(negate)`` and ``dnf()``;
``Compare`` compares through one table (:data:`COMPARISONS`) for ``test`` and ``compile`` alike,
and the engines that compile comparisons themselves (durable-rules, columnar) read their
translation of each operator from the same table.
Code in other layers that turns a condition into something else (a polars expression, an
explanation, words) implements :class:`ConditionVisitor`, so a new node type is one class here
and one method in each visitor, which Python refuses to instantiate until it has it.
"""

from __future__ import annotations

import functools
import math
import operator
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Generic, Iterator, Mapping, Optional, Sequence, TypeVar, Union

from ..profile.schema import FieldSpec, arena_fields, profile_fields
from ..core.errors import PathPart, Problems, RulePackError, did_you_mean
from ..core.i18n import t
from ..core.text import Text

__all__ = [
    "Compare",
    "AllOf",
    "AnyOf",
    "Not",
    "FindingRef",
    "AnyArena",
    "Condition",
    "ConditionVisitor",
    "COMPARISONS",
    "Comparison",
    "Term",
    "parse_condition",
    "condition_problems",
    "evaluate",
    "compile_condition",
    "to_dnf",
    "Phrase",
    "describe_value",
    "walk",
    "MAX_TERMS",
]

#: Largest number of alternatives a condition may expand to in disjunctive normal form.
MAX_TERMS = 64


@dataclass(frozen=True)
class Comparison:
    """One comparison operator, everything every evaluator needs of it: the one place an operator
    is defined (adding one is one entry of :data:`COMPARISONS`, its words in ``OP_WORDS`` of
    :mod:`advisor.core.i18n`, and what ``advisor rules check`` knows of its satisfiability)."""

    op: str
    test: Callable[[Any, Any], bool]
    """The reference meaning, on ranked values (:meth:`Compare.ranked`): ``test(actual, target)``."""
    complement: str
    """The operator that holds exactly when this one does not, on a known value (``not`` pushed in)."""
    ordered: bool = False
    """Whether it needs an ordered field (numbers, ordinal scales)."""
    membership: bool = False
    """Whether it compares with a list of values (``in``, ``not_in``)."""
    durable: Optional[str] = None
    """The durable-rules operator (``$lt`` ...); ``None``: equality, the engine's bare form
    ``{property: value}``, and memberships, which the engine compiles as equalities (one value)
    or as a property of the fact computed in Python (:func:`advisor.rules.limits.is_membership`)."""
    expression: Callable[[Any, Any], Any] = operator.eq
    """The columnar engine's expression, ``expression(column, value)`` on a polars expression and
    the engine's code of the value (a list of codes for a membership; unknown stays unknown)."""


def _is_in(actual: Any, values: Any) -> bool:
    return actual in values


def _not_in(actual: Any, values: Any) -> bool:
    return actual not in values


#: The comparison operators, in the order the error messages list them: the one table the
#: reference evaluator, ``not`` (complements), the durable-rules and the columnar engines read.
COMPARISONS: dict[str, Comparison] = {
    c.op: c
    for c in (
        Comparison("eq", operator.eq, "ne", expression=operator.eq),
        Comparison("ne", operator.ne, "eq", durable="$neq", expression=operator.ne),
        Comparison("lt", operator.lt, "ge", ordered=True, durable="$lt", expression=operator.lt),
        Comparison("le", operator.le, "gt", ordered=True, durable="$lte", expression=operator.le),
        Comparison("gt", operator.gt, "le", ordered=True, durable="$gt", expression=operator.gt),
        Comparison("ge", operator.ge, "lt", ordered=True, durable="$gte", expression=operator.ge),
        Comparison("in", _is_in, "not_in", membership=True, expression=lambda column, codes: column.is_in(codes)),
        Comparison("not_in", _not_in, "in", membership=True, expression=lambda column, codes: ~column.is_in(codes)),
    )
}
COMPARE_OPS = tuple(COMPARISONS)
_ORDER_OPS = tuple(op for op, c in COMPARISONS.items() if c.ordered)
_MEMBERSHIP_OPS = tuple(op for op, c in COMPARISONS.items() if c.membership)
_FORMS = ("fact", "all", "any", "not", "finding", "any_arena")


@dataclass(frozen=True)
class Compare:
    """``{fact: path, <op>: value}``: compare one fact with a value."""

    path: str
    op: str
    value: Any
    spec: FieldSpec
    in_arena: bool = False

    @property
    def ranked(self) -> Any:
        """The compared value as the comparison sees it (:meth:`FieldSpec.rank`; a tuple for
        ``in`` and ``not_in``)."""
        rank = self.spec.rank
        return tuple(rank(v) for v in self.value) if COMPARISONS[self.op].membership else rank(self.value)

    def test(self, actual: Any) -> Optional[bool]:
        """The comparison of a fact's value, three-valued: None when the value is unknown."""
        return None if actual is None else COMPARISONS[self.op].test(self.spec.rank(actual), self.ranked)

    def negated(self) -> "Compare":
        return Compare(self.path, COMPARISONS[self.op].complement, self.value, self.spec, self.in_arena)

    def children(self) -> tuple["Condition", ...]:
        return ()

    def compile(self) -> "Evaluator":
        """:meth:`test` of the fact at ``path``, with the compared value ranked once, not on
        every call (the commonest node: one function call, no more, but for ``in``)."""
        path, compare, target = self.path, COMPARISONS[self.op].test, self.ranked
        if self.spec.kind == "ordinal":
            index = {v: i for i, v in enumerate(self.spec.values)}

            def ordinal(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
                actual = facts.get(path)
                return None if actual is None else compare(index[actual], target)

            return ordinal

        def plain(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
            actual = facts.get(path)
            return None if actual is None else compare(actual, target)

        return plain

    def nnf(self, negate: bool = False) -> "Condition":
        return self.negated() if negate else self

    def dnf(self) -> list["Term"]:
        return [Term(compares=(self,))]

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.compare(self)


def _junction(items: tuple["Evaluator", ...], stop: bool) -> "Evaluator":
    """Kleene's and (``stop`` False) or or (``stop`` True): ``stop`` decides, unknown beats the rest."""

    def junction(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
        result: Optional[bool] = not stop
        for item in items:
            v = item(facts, arenas, finding)
            if v is stop:
                return stop
            if v is None:
                result = None
        return result

    return junction


@dataclass(frozen=True)
class _Junction:
    """What ``all`` and ``any`` share: their items, and ``not`` turns one into the other."""

    items: tuple["Condition", ...]
    #: The item value that decides the whole: False for ``all``, True for ``any``.
    stop: ClassVar[bool]

    def children(self) -> tuple["Condition", ...]:
        return self.items

    def compile(self) -> "Evaluator":
        return _junction(tuple(i.compile() for i in self.items), stop=self.stop)

    def nnf(self, negate: bool = False) -> "Condition":
        items = tuple(i.nnf(negate) for i in self.items)
        # not(all) is any of the negations, not(any) all of them
        return AllOf(items) if isinstance(self, AllOf) != negate else AnyOf(items)


@dataclass(frozen=True)
class AllOf(_Junction):
    """``{all: [C, ...]}``: every item holds."""

    stop = False

    def dnf(self) -> list["Term"]:
        terms = [Term()]
        for item in self.items:
            terms = [a + b for a in terms for b in item.dnf()]
            if len(terms) > MAX_TERMS:
                raise OverflowError
        return terms

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.all_of(self)


@dataclass(frozen=True)
class AnyOf(_Junction):
    """``{any: [C, ...]}``: some item holds."""

    stop = True

    def dnf(self) -> list["Term"]:
        out: list[Term] = []
        for item in self.items:
            out.extend(item.dnf())
            if len(out) > MAX_TERMS:
                raise OverflowError
        return out

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.any_of(self)


@dataclass(frozen=True)
class Not:
    """``{not: C}``: C does not hold (unknown stays unknown)."""

    item: "Condition"

    def children(self) -> tuple["Condition", ...]:
        return (self.item,)

    def compile(self) -> "Evaluator":
        inner = self.item.compile()

        def negation(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
            value = inner(facts, arenas, finding)
            return None if value is None else not value

        return negation

    def nnf(self, negate: bool = False) -> "Condition":
        return self.item.nnf(not negate)

    def dnf(self) -> list["Term"]:
        raise AssertionError("not is pushed down to the comparisons (nnf) before dnf")

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.not_(self)


@dataclass(frozen=True)
class FindingRef:
    """``{finding: ID}``: the rule ID of an earlier stage fired. ``negated`` after normalising."""

    rule_id: str
    negated: bool = False

    def children(self) -> tuple["Condition", ...]:
        return ()

    def compile(self) -> "Evaluator":
        rule_id, negated = self.rule_id, self.negated

        def ref(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
            value = finding(rule_id)
            return None if value is None else value != negated

        return ref

    def nnf(self, negate: bool = False) -> "Condition":
        return FindingRef(self.rule_id, self.negated != negate)

    def dnf(self) -> list["Term"]:
        return [Term(findings=(self,))]

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.finding(self)


@dataclass(frozen=True)
class AnyArena:
    """``{any_arena: C}``: some arena satisfies C."""

    item: "Condition"

    def children(self) -> tuple["Condition", ...]:
        return (self.item,)

    def compile(self) -> "Evaluator":
        inner = self.item.compile()

        def some_arena(facts: Any, arenas: Any, finding: Any) -> Optional[bool]:
            if arenas is None:
                return None
            result: Optional[bool] = False
            for arena in arenas:
                v = inner(arena, None, finding)
                if v is True:
                    return True
                if v is None:
                    result = None
            return result

        return some_arena

    def nnf(self, negate: bool = False) -> "Condition":
        assert not negate, "not over any_arena is rejected when parsing"
        return AnyArena(self.item.nnf())

    def dnf(self) -> list["Term"]:
        return [Term(arenas=(inner.compares,)) for inner in self.item.dnf()]

    def accept(self, visitor: "ConditionVisitor[T]") -> "T":
        return visitor.any_arena(self)


Condition = Union[Compare, AllOf, AnyOf, Not, FindingRef, AnyArena]

T = TypeVar("T")


class ConditionVisitor(ABC, Generic[T]):
    """Turns a condition into a ``T`` node by node: ``condition.accept(visitor)`` calls the
    method of the node's type. Every node type has its abstract method, so a visitor that
    misses one cannot be made."""

    def visit(self, node: Condition) -> T:
        return node.accept(self)

    @abstractmethod
    def compare(self, node: Compare) -> T: ...

    @abstractmethod
    def all_of(self, node: AllOf) -> T: ...

    @abstractmethod
    def any_of(self, node: AnyOf) -> T: ...

    @abstractmethod
    def not_(self, node: Not) -> T: ...

    @abstractmethod
    def finding(self, node: FindingRef) -> T: ...

    @abstractmethod
    def any_arena(self, node: AnyArena) -> T: ...


# --------------------------------------------------------------------------------------------
# parsing


def _err(message: str, loc: Sequence[PathPart], hint: Optional[str] = None) -> RulePackError:
    return RulePackError(message, path=tuple(loc), hint=hint)


def _suggest(word: str, choices: Sequence[str], fallback: str) -> str:
    match = did_you_mean(word, choices)
    return f"did you mean {match!r}?" if match else fallback


def _check_value(spec: FieldSpec, value: Any, loc: Sequence[PathPart]) -> Any:
    kind = spec.kind
    if kind in ("ordinal", "nominal"):
        if not isinstance(value, str) or value not in spec.values:
            hint = _suggest(str(value), spec.values, "one of " + ", ".join(spec.values))
            raise _err(f"{value!r} is not a value of {spec.path}", loc, hint)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _err(f"{spec.path} is true or false, not {value!r}", loc, "write true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _err(f"{spec.path} is a whole number, not {_short(value)}", loc, "write a number such as 3")
        if not _INT_MIN <= value <= _INT_MAX:
            raise _err(
                f"{spec.path}: {_short(value)} is beyond the 64-bit range the engine compares",
                loc,
                "write a smaller number",
            )
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _err(
                f"{spec.path} is a number, not {_short(value)}", loc, _number_hint(value, "write a number such as 0.5")
            )
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise _err(f"{spec.path}: {_short(value)} is not a finite number", loc, "write a finite number such as 0.5")
        return number
    if not isinstance(value, str):
        raise _err(f"{spec.path} is text, not {value!r}", loc, "quote the value")
    return value


#: Integers durable-rules reads faithfully (``atoll``: 64 bits; see :mod:`advisor.rules.limits`).
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


def _short(value: Any) -> str:
    """A number as written, cut to a readable length (a pack may hold thousands of digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return (
            f"a {len(str(abs(value)))}-digit number" if abs(value) < 10**4000 else "a number of more than 4,000 digits"
        )
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number_hint(value: Any, fallback: str) -> str:
    """YAML 1.1 reads ``1e16`` and ``1.0e16`` as text (a float needs a dot, an exponent a sign):
    say how to write the number."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return fallback
        mantissa, _, exponent = value.strip().lower().partition("e")
        if math.isfinite(number) and exponent:
            if "." not in mantissa:
                mantissa += ".0"
            if exponent[0] not in "+-":
                exponent = "+" + exponent
            return f"YAML reads {value} as text; write {mantissa}e{exponent}"
    return fallback


def _parse_compare(raw: Mapping[str, Any], loc: tuple[PathPart, ...], in_arena: bool) -> Compare:
    path = raw["fact"]
    fields = arena_fields() if in_arena else profile_fields()
    if not isinstance(path, str) or path not in fields:
        where = "arena field" if in_arena else "profile fact"
        hint = _suggest(str(path), list(fields), "see docs/PROFILE.md for the fact paths")
        if not in_arena and isinstance(path, str) and path.startswith("arenas.") and path not in fields:
            hint = "test arena fields inside any_arena, or use a derived fact such as arenas.count"
        raise _err(f"unknown {where} {path!r}", loc + ("fact",), hint)
    spec = fields[path]
    ops = [k for k in raw if k != "fact"]
    if len(ops) != 1:
        raise _err(
            f"a comparison needs exactly one operator, found {ops or 'none'}",
            loc,
            "use one of " + ", ".join(COMPARE_OPS),
        )
    op = ops[0]
    if op not in COMPARE_OPS:
        raise _err(
            f"unknown operator {op!r}", loc + (op,), _suggest(op, COMPARE_OPS, "use one of " + ", ".join(COMPARE_OPS))
        )
    if op in _ORDER_OPS and not spec.ordered:
        raise _err(
            f"{path} has no order, so {op!r} cannot compare it",
            loc + (op,),
            "use eq, ne, in or not_in",
        )
    if spec.kind == "str" and COMPARISONS[op].ordered:
        raise _err(f"text field {path} cannot be compared with {op!r}", loc + (op,), "use eq, ne, in or not_in")
    value = raw[op]
    if op in _MEMBERSHIP_OPS:
        if not isinstance(value, list) or not value:
            raise _err(f"{op!r} needs a non-empty list", loc + (op,), "write [a, b]")
        value = tuple(_check_value(spec, v, loc + (op, i)) for i, v in enumerate(value))
    else:
        value = _check_value(spec, value, loc + (op,))
    return Compare(path, op, value, spec, in_arena)


class _Reported(Exception):
    """A part of a condition whose problems went to a collecting sink already."""


def condition_problems(raw: Any, loc: tuple[PathPart, ...] = ("when",), in_arena: bool = False) -> list[RulePackError]:
    """Every problem of a condition, not only the first: each item of an ``all`` or ``any`` is
    parsed even when one before it failed (for ``advisor rules check``)."""
    problems = Problems(collect=True)
    try:
        parse_condition(raw, loc, in_arena, problems)
    except _Reported:
        pass
    except RulePackError as exc:
        problems.add(exc)
    return [exc for exc in problems.items if isinstance(exc, RulePackError)]


def parse_condition(
    raw: Any, loc: tuple[PathPart, ...] = ("when",), in_arena: bool = False, problems: Optional[Problems] = None
) -> Condition:
    """Parse plain data into a validated condition; raise :class:`RulePackError` naming ``loc``.
    With a collecting ``problems`` sink, the problems of the items of ``all`` and ``any`` go to it
    one by one (see :func:`condition_problems`)."""
    if not isinstance(raw, dict) or not raw:
        raise _err("a condition must be a mapping such as {fact: ..., eq: ...}", loc, "see docs/RULE-FORMAT.md")
    forms = [k for k in raw if k in _FORMS]
    if "fact" in raw:
        return _parse_compare(raw, loc, in_arena)
    if len(raw) != 1 or not forms:
        key = next((k for k in raw if k not in _FORMS), next(iter(raw)))
        raise _err(
            f"unknown condition {key!r}" if key not in _FORMS else "a condition has exactly one form",
            loc + (key,),
            _suggest(str(key), _FORMS, "use one of " + ", ".join(_FORMS)),
        )
    form = forms[0]
    body = raw[form]
    here = loc + (form,)
    if form in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise _err(f"{form!r} needs a non-empty list of conditions", here, "write - {fact: ..., eq: ...} items")
        parsed = []
        for i, item in enumerate(body):
            try:
                parsed.append(parse_condition(item, here + (i,), in_arena, problems))
            except RulePackError as exc:
                if problems is None or not problems.collect:
                    raise
                problems.add(exc)
            except _Reported:
                pass
        if len(parsed) < len(body):
            raise _Reported
        items = tuple(parsed)
        return AllOf(items) if form == "all" else AnyOf(items)
    if form == "not":
        inner = parse_condition(body, here, in_arena, problems)
        if isinstance(inner, AnyArena) or any(isinstance(n, AnyArena) for n in walk(inner)):
            raise _err(
                "'not' cannot wrap any_arena",
                here,
                "write {any_arena: {not: ...}} or test a derived fact such as arenas.count",
            )
        return Not(inner)
    if form == "finding":
        if in_arena:
            raise _err("'finding' cannot stand inside any_arena", here, "move it out of any_arena")
        if not isinstance(body, str):
            raise _err("'finding' needs a rule id", here, "write {finding: LEAD-001}")
        return FindingRef(body)
    # any_arena
    if in_arena:
        raise _err("any_arena cannot be nested", here, "merge the inner conditions")
    return AnyArena(parse_condition(body, here, True, problems))


# --------------------------------------------------------------------------------------------
# walking and describing


def walk(node: Condition) -> Iterator[Condition]:
    """Every node of a condition, depth first."""
    yield node
    for child in node.children():
        yield from walk(child)


def describe_value(value: Any, lang: str = "en") -> str:
    """A fact value as written in a profile (``true``, ``main_goal``, ``2``), or "unknown"; in
    bokmål in words (``ja``, ``hovedmål``, see :func:`advisor.profile.questions.value_text`)."""
    if lang != "en":
        from ..profile.questions import value_text

        return value_text(value, lang)
    if value is None:
        return t(lang, "explain.unknown")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(describe_value(v, lang) for v in value)
    return str(value)


# How a result's JSON words a phrase when no rendering context is given (``model_dump_json()``
# called by a user): set once by the package's facade (``advisor/__init__.py``), which may import
# the rendering layer, so that this layer does not.
_phrase_words: Optional[Callable[["Phrase"], Any]] = None


def use_phrase_words(words: Callable[["Phrase"], Any]) -> None:
    """Set how a phrase is worded in a result's JSON when the caller gives no rendering context."""
    global _phrase_words
    _phrase_words = words


class Phrase:
    """A condition that a result puts in words, without the words: the rendering layer
    (:mod:`advisor.render.conditions`) makes them in each language, and the JSON of a result
    (:func:`advisor.render.formats.model_json`) holds them where the phrase is. ``prefix`` goes
    before the field paths of an arena (``arenas[A].``); with ``template`` (a UI string key) the
    words are that string with the condition as ``{condition}`` and ``values`` (each in both
    languages) as its other fields; with ``lang`` the phrase is in that one language only
    (a plain string in JSON). In Python mode a result dumps the phrase itself; in JSON mode
    without the rendering layer's context, its English words' structure is not known and it
    dumps as its ``repr``."""

    __slots__ = ("condition", "prefix", "template", "values", "lang")

    def __init__(
        self,
        condition: Condition,
        prefix: str = "",
        *,
        template: Optional[str] = None,
        values: Optional[Mapping[str, Any]] = None,
        lang: Optional[str] = None,
    ) -> None:
        self.condition, self.prefix, self.template, self.lang = condition, prefix, template, lang
        self.values: Mapping[str, Any] = dict(values or {})

    def _key(self) -> tuple[Any, ...]:
        return (self.condition, self.prefix, self.template, tuple(self.values.items()), self.lang)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Phrase):
            return self._key() == other._key()
        # A result read back from its JSON holds the words as a Text: equal when they are these words.
        return isinstance(other, Text) and _phrase_words is not None and _phrase_words(self) == other.root

    def __hash__(self) -> int:
        # equal to a Text's hash when the words are lent, as it may compare equal to one
        said = _phrase_words(self) if _phrase_words is not None else None
        if isinstance(said, dict):
            return hash(tuple((lang, said[lang]) for lang in Text.keys_allowed() if lang in said))
        return hash((self.condition, self.prefix, self.template, self.lang))

    def __repr__(self) -> str:
        return f"Phrase({self.condition!r}, {self.prefix!r})"

    def get(self, lang: str = "en") -> str:
        """The words in ``lang``, as the result's JSON has them (what a :class:`Text` gives)."""
        said = _phrase_words(self) if _phrase_words is not None else repr(self)
        return said if isinstance(said, str) else said.get(lang, said["en"])

    def __getitem__(self, lang: str) -> str:
        return self.get(lang)

    def __getattr__(self, name: str) -> str:  # phrase.en, phrase.nb: as on a Text
        from ..core.i18n import LANGUAGES

        if name in LANGUAGES:
            return self.get(name)
        raise AttributeError(name)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def dump(phrase: "Phrase", info: Any) -> Any:
            words = (info.context or {}).get("phrase") if info.context is not None else None
            words = words or _phrase_words
            return words(phrase) if words is not None else repr(phrase)

        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(dump, info_arg=True, when_used="json"),
        )


# --------------------------------------------------------------------------------------------
# three-valued evaluation


Evaluator = Callable[
    [Mapping[str, Any], Optional[Sequence[Mapping[str, Any]]], Callable[[str], Optional[bool]]], Optional[bool]
]


def compile_condition(node: Condition) -> Evaluator:
    """``node`` compiled into a function of ``(facts, arenas, finding)`` that evaluates it
    three-valued (see :func:`evaluate`); the tree is walked once, here, not on every call."""
    return node.compile()


def evaluate(
    node: Condition,
    facts: Mapping[str, Any],
    arenas: Optional[Sequence[Mapping[str, Any]]],
    finding: Callable[[str], Optional[bool]],
) -> Optional[bool]:
    """Evaluate ``node`` three-valued.

    ``facts`` maps fact paths to known values (unknown facts are absent), ``arenas`` is the list
    of arenas as mappings of known values (``None`` when the arenas are unknown), and
    ``finding(id)`` says whether an earlier finding fired (``None`` for undecided). The node is
    compiled once (:func:`compile_condition`) and the compiled function kept for the next call.
    """
    return _compiled(node)(facts, arenas, finding)


_compiled = functools.lru_cache(maxsize=8192)(lambda node: compile_condition(node))


# --------------------------------------------------------------------------------------------
# normal forms, for the engine


@dataclass(frozen=True)
class Term:
    """One alternative of a condition in disjunctive normal form: everything in it must hold.

    ``arenas`` holds one tuple of comparisons per ``any_arena``: some arena must satisfy all of it.
    """

    compares: tuple[Compare, ...] = ()
    arenas: tuple[tuple[Compare, ...], ...] = ()
    findings: tuple[FindingRef, ...] = ()

    def __add__(self, other: "Term") -> "Term":
        # A finding tested twice is tested once: durable-rules matches each fact to one pattern
        # only, so a second pattern for the same finding would never match.
        findings = self.findings + tuple(f for f in other.findings if f not in self.findings)
        return Term(self.compares + other.compares, self.arenas + other.arenas, findings)


def to_dnf(node: Condition) -> list[Term]:
    """``node`` as alternatives of conjunctions, with ``not`` pushed down to the comparisons.

    Raises :class:`OverflowError` past :data:`MAX_TERMS` alternatives.
    """
    return node.nnf().dnf()
