"""The columnar engine: a rule pack evaluated over many profiles at once, as vectorised expressions.

For research at scale (``advisor batch --engine columnar``, ``compare``, ``sensitivity``). Needs
polars and msgspec (``pip install "samskaping-advisor[columnar]"``); nothing else in advisor
imports them.

Profiles become the rows of a frame whose columns are the profile's sections (structs, arenas a
list of structs, every value with the model's type: ordinal and nominal values as enums, so an
ordinal's physical code is its rank). :func:`facts_frame` flattens it into one column per fact
path, derived arena facts included. Each rule's effective condition (the parsed condition tree
of :mod:`advisor.rules.conditions`, with its recommendation links) is compiled into one polars
expression. Polars' null is *unknown* and its boolean operators are Kleene's, which is advisor's
three-valued logic; comparisons use the operators of :mod:`advisor.rules.conditions` and the ranks of
:class:`~advisor.profile.schema.FieldSpec`. Stages run in order: a rule of a later stage reads the
columns of the findings of the earlier ones (a finding fired or it did not: never unknown), and a
rule fires where its condition is true (a recommendation: and its ``done_when`` is not; a guard
tests no finding that did not fire, so there two-valued findings decide as the three-valued
states of :func:`advisor.engine.assessment.rule_states` would).

Reading is chunked (memory flat in the number of profiles). JSON Lines are decoded by msgspec
straight into types made from the model's (:func:`_decoder`: no coercion, known keys only, enums
by value), taken apart into columns (tuples transposed, no Python work per value) and checked for
bounds by one polars expression and for duplicate keys by counting them; a chunk whose types,
keys or values the model might judge otherwise (anything but what the fast path can check
itself: known keys, types the model takes as they are, enum values, bounds, no duplicate key:
msgspec would keep the last silently) is read again line by line through the profile model, so
a bad line is reported exactly as ``advisor assess`` would report it, with its file and line,
and skipped.

What it gives per profile and pack are the fired rule ids by kind (in result order), the highest
priority and the municipality: the rows of :func:`advisor.research.runs.batch` without the
explanations, the profile hashes and the question counts.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import json
import operator
import re
import typing
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from pydantic import BaseModel

from ..profile.schema import DERIVED_ARENA_FACTS, FieldSpec, _unwrap_optional, arena_fields, profile_fields
from ..rules.arenas import derivations
from ..rules.conditions import AllOf, AnyArena, AnyOf, Compare, Condition, ConditionVisitor, FindingRef, Not
from ..rules.conditions import COMPARISONS
from ..core.documents import no_duplicates, open_regular
from ..profile.io import load_profile, load_profile_line
from ..core.errors import ProfileError, file_label
from ..profile.model import LADDER_LEVELS, Arena, Profile
from ..rules.pack import KINDS, PRIORITIES, RulePack
from .native import C_F64, C_I32, C_I64, C_I8, C_OBJ, K_BOOL, K_ENUM, K_FLOAT, K_INT, K_LIST, K_STRUCT
from .native import (
    _KIND_COLUMNS,
    Decoded,
    cached_by_hash,
    Reader,
    columnar_available,
    result_order,
    text_spec,
    decoded_chunks,
    polars_version,
    reader,
    require_columnar,
)

try:  # the optional extra samskaping-advisor[columnar]
    import polars as pl
except ImportError:  # pragma: no cover - exercised without the extra
    pl = None  # type: ignore[assignment]

__all__ = [
    "available",
    "require",
    "engine_version",
    "profile_schema",
    "facts_frame",
    "ColumnarPack",
    "columnar_pack",
    "Chunk",
    "read_chunks",
    "CHUNK_ROWS",
    "PARQUET_CHUNK_ROWS",
]

#: Profiles per chunk: large enough that polars' per-call overhead vanishes, small enough that
#: memory stays flat (the native path has its own, :data:`advisor.engine.native.NATIVE_ROWS`).
CHUNK_ROWS = 10_000
#: Profiles per chunk of a Parquet file: its columns are read as they are (no Python object per
#: profile), and evaluating a pack has a fixed cost per chunk (some 20 ms) that a larger chunk
#: spreads thinner.
PARQUET_CHUNK_ROWS = 50_000

ARENAS = "arenas"
_FIRED = "@"  # fired columns are named "@<rule id>"
_KNOWN = "#known"  # the known ladder levels of a profile's arenas, sorted
_ARENA = "&"  # the bits of the any_arena conditions of a pack: columns "&t<n>" (true) and "&u<n>" (unknown)


def available() -> bool:
    """Whether polars and msgspec are installed."""
    return pl is not None and columnar_available()


def require() -> None:
    """Raise an :class:`InputError` that says how to install polars and msgspec, if one is missing."""
    require_columnar(polars_imports=pl is not None)


def engine_version() -> str:
    return polars_version()


# --------------------------------------------------------------------------------------------
# the frame of profiles


def _dtype(annotation: Any) -> Any:
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pl.Struct({name: _dtype(info.annotation) for name, info in annotation.model_fields.items()})
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return pl.List(_dtype(inner))
    if origin is typing.Literal:
        return pl.Enum(list(typing.get_args(annotation)))  # physical code = position = an ordinal's rank
    if annotation is bool:
        return pl.Boolean
    if annotation is int:
        return pl.Int64
    if annotation is float:
        return pl.Float64
    if annotation is str:
        return pl.String
    raise TypeError(f"profile field type {annotation!r} has no column type")  # pragma: no cover


@functools.cache
def profile_schema() -> "pl.Schema":
    """The columns of a frame of profiles: one per section, typed as the profile model."""
    require()
    return pl.Schema({name: _dtype(info.annotation) for name, info in Profile.model_fields.items()})


def _field(path: str) -> "pl.Expr":
    head, *rest = path.split(".")
    expr = pl.col(head)
    for part in rest:
        expr = expr.struct.field(part)
    return expr


def _derivation(field: str) -> "pl.Expr":
    """The value of an arena's ``field`` derived from its other facts, as
    :func:`advisor.rules.arenas.derive` gives it: an entry's value where its condition is true and
    every earlier entry with another value is false (an expression on one arena, for
    ``list.eval``)."""
    entries = derivations()[field]
    spec = arena_fields()[field]
    conditions = [compile_expr(entry.condition, in_arena=True) for entry in entries]
    expr: Any = pl
    for i, entry in enumerate(entries):
        holds = conditions[i].fill_null(False)
        for j in range(i):
            if entries[j].value != entry.value:
                holds = holds & (~conditions[j]).fill_null(False)
        expr = expr.when(holds).then(pl.lit(entry.value, dtype=_dtype(Arena.model_fields[field].annotation)))
    assert spec.path == field
    result: pl.Expr = expr.otherwise(None)
    return result


def _classified_arenas() -> "pl.Expr":
    """The arenas, each with the ladder level and Ulrich type derived from its facts where it
    does not give them (:mod:`advisor.rules.arenas`)."""
    arena = pl.element().struct
    return pl.col(ARENAS).list.eval(
        arena.with_fields(
            *(pl.coalesce(arena.field(field), _derivation(field)).alias(field) for field in derivations())
        )
    )


def _derived() -> dict[str, "pl.Expr"]:
    """The derived arena facts, three-valued, as :func:`advisor.engine.facts.ladder_aggregates` computes
    them (over arenas already classified, and their known ladder levels in the column ``_KNOWN``)."""
    arenas = pl.col(ARENAS)
    known = pl.col(_KNOWN)  # the known ladder levels, sorted (a column of their own: computed once)
    n = arenas.list.len()
    k = known.list.len()
    unknown = n - k
    bottom, top = LADDER_LEVELS[0], LADDER_LEVELS[-1]
    highest, lowest = known.list.max(), known.list.min()
    max_level = pl.when((k > 0) & ((unknown == 0) | (highest == top))).then(highest)
    min_level = pl.when((k > 0) & ((unknown == 0) | (lowest == bottom))).then(lowest)
    middle = (n - 1) // 2  # median_low of n levels; the unknown ones all at the bottom or all at the top
    low = (
        pl.when(middle < unknown)
        .then(pl.lit(bottom, dtype=pl.Int64))
        .otherwise(known.list.get(middle - unknown, null_on_oob=True))
    )
    high = pl.when(middle < k).then(known.list.get(middle, null_on_oob=True)).otherwise(pl.lit(top, dtype=pl.Int64))
    exprs = {
        "arenas.count": arenas.list.len(),
        "arenas.max_ladder_level": max_level,
        "arenas.min_ladder_level": min_level,
        "arenas.typical_ladder_level": pl.when((k > 0) & (low == high)).then(low),
        "arenas.ladder_spread": pl.when((n >= 2) & max_level.is_not_null() & min_level.is_not_null()).then(
            max_level - min_level
        ),
    }
    assert set(exprs) == set(DERIVED_ARENA_FACTS)
    return exprs


def facts_frame(frame: "pl.DataFrame") -> "pl.DataFrame":
    """One column per fact path (derived arena facts included) and the arenas, from a frame of
    profiles (:func:`profile_schema`). The arenas are classified first (their derived ladder
    level and Ulrich type), as :func:`advisor.engine.facts.profile_facts` does."""
    frame = frame.with_columns(_classified_arenas().alias(ARENAS)).with_columns(
        pl.col(ARENAS).list.eval(pl.element().struct.field("ladder_level").drop_nulls().sort()).alias(_KNOWN)
    )
    derived = _derived()
    exprs = [derived[path].alias(path) if path in derived else _field(path).alias(path) for path in profile_fields()]
    return frame.select(*exprs, pl.col(ARENAS))


def _dump(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(mode="python")


def profiles_frame(profiles: Sequence[Profile]) -> "pl.DataFrame":
    """A frame of profiles (:func:`profile_schema`) from validated :class:`Profile` objects."""
    require()
    if not profiles:
        return pl.DataFrame(schema=profile_schema())
    return pl.DataFrame([_dump(p) for p in profiles], schema=profile_schema())


# --------------------------------------------------------------------------------------------
# conditions as expressions


def _code(spec: FieldSpec, value: Any) -> Any:
    """A value as the column holds it physically: enums by position (an ordinal's rank)."""
    if spec.kind in ("ordinal", "nominal"):
        return spec.values.index(value)
    return value


def _compare(node: Compare, column: "pl.Expr") -> "pl.Expr":
    spec = node.spec
    if spec.kind in ("ordinal", "nominal"):
        column = column.to_physical()
    comparison = COMPARISONS[node.op]
    if comparison.membership:
        hit = comparison.expression(column, [_code(spec, v) for v in node.value])
        return pl.when(column.is_not_null()).then(hit)
    value = _code(spec, node.value)
    result: pl.Expr = comparison.expression(column, _literal(type(value).__name__, value))
    return result


@functools.lru_cache(maxsize=4096)
def _literal(kind: str, value: Any) -> "pl.Expr":
    """``pl.lit(value)``, made once per value (and type: ``True == 1``): ``pl.lit`` costs some
    50 µs, and a pack compares with the same few values hundreds of times."""
    return pl.lit(value)


def _any_arena(inner: "pl.Expr") -> "pl.Expr":
    """Some arena satisfies ``inner``: true if one does, unknown if none does but one may, false
    if none can (no arenas included), unknown when the arenas are unknown."""
    code = pl.when(inner).then(2).when(inner.is_null()).then(1).otherwise(0)
    best = pl.col(ARENAS).list.eval(code).list.max()
    return _some_arena(best == 2, best == 1)


def _some_arena(true: "pl.Expr", unknown: "pl.Expr") -> "pl.Expr":
    """``any_arena`` where ``true`` says some arena satisfies its condition and ``unknown`` that
    one may (both false when there are no arenas)."""
    return pl.when(pl.col(ARENAS).is_null()).then(None).when(true).then(True).when(unknown).then(None).otherwise(False)


def _arena_bits(index: int) -> tuple[str, str, int]:
    """The columns of the bits of the ``index``-th ``any_arena`` condition of a pack (some arena
    satisfies it, some may) and its bit there: 64 conditions a column."""
    word, bit = divmod(index, 64)
    return f"{_ARENA}t{word}", f"{_ARENA}u{word}", 1 << bit


class _Expressions(ConditionVisitor["pl.Expr"]):
    """A condition as a three-valued polars expression; inside ``any_arena`` the comparisons read
    the fields of the struct ``arena`` (each arena of a list, or of a column of arenas). With
    ``arenas``, each ``any_arena`` reads a column of its own (named there) that
    :meth:`ColumnarPack.fired` computes for all of them at once over the arenas laid out long."""

    def __init__(self, arena: Optional["pl.Expr"] = None, arenas: Optional[dict[AnyArena, int]] = None) -> None:
        self.arena = arena
        self.arenas = arenas

    def compare(self, node: Compare) -> "pl.Expr":
        column = pl.col(node.path) if self.arena is None else self.arena.struct.field(node.path)
        return _compare(node, column)

    def all_of(self, node: AllOf) -> "pl.Expr":
        return functools.reduce(operator.and_, (self.visit(i) for i in node.items))

    def any_of(self, node: AnyOf) -> "pl.Expr":
        return functools.reduce(operator.or_, (self.visit(i) for i in node.items))

    def not_(self, node: Not) -> "pl.Expr":
        return ~self.visit(node.item)

    def finding(self, node: FindingRef) -> "pl.Expr":
        fired = pl.col(_FIRED + node.rule_id)
        return ~fired if node.negated else fired

    def any_arena(self, node: AnyArena) -> "pl.Expr":
        if self.arenas is None:
            return _any_arena(_Expressions(pl.element()).visit(node.item))
        true, unknown, bit = _arena_bits(self.arenas.setdefault(node, len(self.arenas)))
        return _some_arena((pl.col(true) & bit) != 0, (pl.col(unknown) & bit) != 0)


def compile_expr(node: Condition, in_arena: bool = False) -> "pl.Expr":
    """``node`` as a three-valued polars expression over a :func:`facts_frame` (and the fired
    columns of earlier stages)."""
    return _Expressions(pl.element() if in_arena else None).visit(node)


# --------------------------------------------------------------------------------------------
# a pack


class ColumnarPack:
    """A rule pack compiled into expressions, stage by stage."""

    def __init__(self, pack: RulePack) -> None:
        require()
        self.pack = pack
        conditions = pack.effective_conditions
        arenas: dict[AnyArena, int] = {}
        self.stages = [
            [_fires(conditions[r.id], r.guard, arenas).alias(_FIRED + r.id) for r in rules] for rules in pack.stages
        ]
        #: The bits (:func:`_arena_bits`) of the ``any_arena`` conditions over one arena (a
        #: column of arenas laid out long): which of them it satisfies, and which it may.
        words: dict[str, list[pl.Expr]] = {}
        for node, index in arenas.items():
            inner = _Expressions(pl.col(ARENAS)).visit(node.item)
            true, unknown, bit = _arena_bits(index)
            words.setdefault(true, []).append(pl.when(inner).then(pl.lit(bit, pl.UInt64)).otherwise(0))
            words.setdefault(unknown, []).append(pl.when(inner.is_null()).then(pl.lit(bit, pl.UInt64)).otherwise(0))
        self.arena_words = {name: pl.sum_horizontal(bits) for name, bits in words.items()}
        #: The rule ids of each kind in result order, and every rule's priority rank.
        self.ordered = result_order(pack)
        self.priority = {r.id: PRIORITIES.rank(r.priority) for r in pack.rules}

    def fired(self, facts: "pl.DataFrame") -> "pl.DataFrame":
        """One boolean column per rule (named ``@<id>``): whether it fired on each profile."""
        lazy = facts.lazy()
        if self.arena_words:
            lazy = pl.concat([lazy, self._arena_columns(facts).lazy()], how="horizontal")
        for exprs in self.stages:
            if exprs:
                lazy = lazy.with_columns(exprs)
        return lazy.select(pl.col(f"^{_FIRED}.*$")).collect()

    def _arena_columns(self, facts: "pl.DataFrame") -> "pl.DataFrame":
        """The bits of the ``any_arena`` conditions (:func:`_arena_bits`) of each profile: the
        arenas laid out one a row, the bits of every condition at once, or-ed per profile (no
        bit where a profile has no arenas)."""
        row = "@row"
        long = facts.select(pl.col(ARENAS)).with_row_index(row).explode(ARENAS, empty_as_null=True, keep_nulls=True)
        # A profile without arenas (an empty list, or none) is one row whose arena is null.
        none = pl.col(ARENAS).is_null()
        words = long.select(
            row, *(pl.when(none).then(pl.lit(0, pl.UInt64)).otherwise(w).alias(n) for n, w in self.arena_words.items())
        )
        return words.group_by(row, maintain_order=True).agg(pl.exclude(row).bitwise_or()).drop(row)

    def briefs(self, fired: "pl.DataFrame") -> "pl.DataFrame":
        """Per profile, the fired rule ids of each kind in result order, all of them sorted
        (``fired``), and the highest priority (as a batch row has them).

        The fired columns, in result order, become one long frame of (profile, rule) pairs;
        a stable sort by profile alone keeps result order within each profile, and the rule
        ids are an enum in sorted order, so sorting them is sorting integers."""
        table = self._table()
        columns = table.get_column("column").to_list()
        place = pl.col("column").cast(pl.Enum(columns)).to_physical()  # the rule's place in the table
        long = (
            fired.select(columns)
            .with_row_index("row")
            .unpivot(index="row", variable_name="column")
            .filter(pl.col("value"))
            .select("row", *(pl.lit(table.get_column(c)).gather(place).alias(c) for c in ("rule", "kind", "priority")))
            .sort("row", maintain_order=True)
        )
        rule = pl.col("rule")
        grouped = long.group_by("row", maintain_order=True).agg(
            highest=pl.col("priority").max(),
            fired=rule.sort(),
            **{name: rule.filter(pl.col("kind") == k) for k, name in enumerate(_KIND_COLUMNS)},
        )
        if grouped.height < fired.height:  # profiles on which nothing fired
            rows = pl.DataFrame({"row": pl.int_range(0, fired.height, dtype=pl.UInt32, eager=True)})
            grouped = rows.join(grouped, on="row", how="left", maintain_order="left")
        empty = pl.lit([], dtype=pl.List(pl.String))
        return grouped.select(
            highest_priority=pl.col("highest").replace_strict(
                dict(enumerate(PRIORITIES)), default=None, return_dtype=pl.String
            ),
            **{name: pl.col(name).cast(pl.List(pl.String)).fill_null(empty) for name in ("fired",) + _KIND_COLUMNS},
        )

    def highest_priority(self) -> "pl.Expr":
        """The highest priority of the rules that fired (a strength does not count), as
        :meth:`briefs` gives it, over the fired columns: one ``any_horizontal`` per priority."""
        expr: Any = pl
        for rank in reversed(range(len(PRIORITIES))):
            columns = [
                _FIRED + r for k in KINDS if k != "strength" for r in self.ordered[k] if self.priority[r] == rank
            ]
            if columns:
                expr = expr.when(pl.any_horizontal(columns)).then(pl.lit(PRIORITIES[rank]))
        return pl.lit(None, dtype=pl.String) if expr is pl else expr.otherwise(None)

    def row_json(self, pack: str, pack_hash: str) -> "pl.Expr":
        """A row of JSON Lines (:data:`advisor.research.runs.COLUMNAR_HEADER`, without its
        newline) over the columns ``profile`` and ``municipality`` and the fired columns: the
        head by polars' JSON encoder, the rule lists by :attr:`lists_json`."""
        head = pl.struct(
            "profile",
            "municipality",
            pack=pl.lit(pack),
            pack_hash=pl.lit(pack_hash),
            highest_priority=self.highest_priority(),
        ).struct.json_encode()
        return pl.concat_str(head.str.head(-1), pl.lit(","), self.lists_json)  # its closing brace: the lists follow

    @functools.cached_property
    def lists_json(self) -> "pl.Expr":
        """The rule lists of a row of JSON Lines as :meth:`briefs` gives them and polars writes
        them (``"fired":[...],"strengths":[...],...,"recommendations":[...]}``), over the fired
        columns, as text made natively: the fired columns, in the order of each list, taken
        :data:`_WORD` at a time as the bits of a number that picks the text of the ids that
        fired among them from a table made once."""
        names = ("fired",) + _KIND_COLUMNS
        lists = [sorted(self.pack.rule_ids)] + [self.ordered[kind] for kind in KINDS]
        bit_values = [pl.lit(1 << j, pl.UInt16) for j in range(_WORD)]  # made once: pl.lit is slow
        zero = pl.lit(0, pl.UInt16)
        parts: list[pl.Expr] = []
        for i, (name, ids) in enumerate(zip(names, lists)):
            parts.append(pl.lit(("" if i == 0 else "],") + f'"{name}":['))
            words = []
            for start in range(0, len(ids), _WORD):
                word = ids[start : start + _WORD]
                bits = pl.sum_horizontal(
                    [pl.when(pl.col(_FIRED + r)).then(bit_values[j]).otherwise(zero) for j, r in enumerate(word)]
                )
                table = [""]  # the text of each number: the ids of its bits, in order
                for rule_id in word:
                    table += [text + f',"{rule_id}"' for text in table]
                words.append(pl.lit(pl.Series(table, dtype=pl.String)).gather(bits))
            if words:  # each id with a comma before it: the first comma goes
                parts.append(pl.concat_str(words).str.slice(1))
        parts.append(pl.lit("]}"))
        return pl.concat_str(parts)

    @functools.lru_cache(maxsize=4)  # noqa: B019 - kept with the compiled pack
    def _text_spec(self, columns: tuple[str, ...], label: str, pack_hash: str) -> tuple[Any, ...]:
        """What the C writer (:func:`rows_text`) needs of this pack, but the fired matrix, for
        fired columns in the order ``columns`` (:func:`advisor.engine.native.text_spec`)."""
        return text_spec(self.pack, tuple(c[len(_FIRED) :] for c in columns), label, pack_hash)

    @functools.lru_cache(maxsize=1)  # noqa: B019 - one table per compiled pack, kept with it
    def _table(self) -> "pl.DataFrame":
        """Each rule's fired column, id (an enum of the ids in sorted order), kind, and priority
        rank, in result order."""
        entries = [(kind, rule_id) for kind in KINDS for rule_id in self.ordered[kind]]
        return pl.DataFrame(
            {
                "column": [_FIRED + rule_id for _kind, rule_id in entries],
                "rule": pl.Series([rule_id for _kind, rule_id in entries], dtype=pl.Enum(sorted(self.pack.rule_ids))),
                "kind": pl.Series([KINDS.rank(kind) for kind, _ in entries], dtype=pl.UInt8),
                # A strength is not pressing: it does not count for the highest priority.
                "priority": pl.Series(
                    [None if kind == "strength" else self.priority[rule_id] for kind, rule_id in entries], dtype=pl.Int8
                ),
            }
        )


def rows_specs(
    heads: "pl.DataFrame", packs: Sequence[tuple[ColumnarPack, "pl.DataFrame", str, str]]
) -> tuple[list[str], tuple[Any, ...]]:
    """What the C writer takes to write the rows of a chunk of profiles (:func:`rows_text`): the
    heads of the rows (their JSON up to the pack) and per pack its fired matrix and texts."""
    text = heads.select(pl.struct("profile", "municipality").struct.json_encode().str.head(-1)).to_series().to_list()
    specs = []
    for compiled, fired, label, pack_hash in packs:
        columns = tuple(fired.columns)
        specs.append((fired.to_numpy(order="c"), *compiled._text_spec(columns, label, pack_hash)))
    return text, tuple(specs)


def rows_text(
    heads: "pl.DataFrame", packs: Sequence[tuple[ColumnarPack, "pl.DataFrame", str, str]], out: bytearray
) -> int:
    """Writes into ``out`` (grown where it is too small) the rows of JSON Lines of a chunk of
    profiles, as :meth:`ColumnarPack.row_json` makes them (byte for byte), by the C writer, and
    returns their size: ``heads`` has the columns ``profile`` and ``municipality``, and each pack
    comes with its fired columns, label and hash; the rows of a profile follow one another, a
    pack a line. Needs the C module (:func:`native`)."""
    native = _native()
    assert native is not None
    text, specs = rows_specs(heads, packs)
    size: int = native.module.rows(text, specs, out)
    return size


#: The fired columns taken together to pick the text of a list from a table (2**_WORD entries).
_WORD = 12


def _fires(condition: Condition, guard: Optional[Condition], arenas: dict[AnyArena, int]) -> "pl.Expr":
    """Where a rule fires: its condition is true and, for a recommendation with ``done_when``,
    that guard is not known to hold (what it recommends is not known to be done). Its
    ``any_arena`` conditions read the columns named in ``arenas`` (added there)."""
    fires = _Expressions(arenas=arenas).visit(condition).fill_null(False)
    return fires if guard is None else fires & ~_Expressions(arenas=arenas).visit(guard).fill_null(False)


assert len(_KIND_COLUMNS) == len(KINDS)


_PACKS: dict[str, ColumnarPack] = {}


def columnar_pack(pack: RulePack) -> ColumnarPack:
    """The compiled :class:`ColumnarPack` of ``pack``, cached by content hash."""
    return cached_by_hash(_PACKS, pack, ColumnarPack)


# --------------------------------------------------------------------------------------------
# reading profiles in chunks


@dataclass
class Chunk:
    """Profiles read: their frame and labels (``file:line``), and the sources skipped with the
    error that says why."""

    frame: "pl.DataFrame"
    labels: "pl.Series"
    skipped: list[tuple[str, str]]
    digest: bytes
    """What the profiles were read from (bytes of the lines, the profiles' JSON, or the SHA-256 of
    a Parquet file with its first chunk)."""


def _fits(found: Any, wanted: Any) -> bool:
    """Whether values of the inferred type ``found`` are taken by the model as they are."""
    if found == pl.Null or found == wanted:
        return True
    if isinstance(wanted, pl.Struct):
        if not isinstance(found, pl.Struct):
            return False
        fields = {f.name: f.dtype for f in wanted.fields}
        return all(f.name in fields and _fits(f.dtype, fields[f.name]) for f in found.fields)
    if isinstance(wanted, pl.List):
        return isinstance(found, pl.List) and _fits(found.inner, wanted.inner)
    if isinstance(wanted, pl.Enum):
        return bool(found == pl.String)
    if wanted == pl.Float64:
        return found in (pl.Float64, pl.Int64)
    return bool(found == wanted)


def _bound_checks(model: type[BaseModel], base: Optional["pl.Expr"], prefix: list[str]) -> list["pl.Expr"]:
    """Expressions true where a value breaks a bound of the model (ge, le, max_length ...)."""
    out = []
    for name, info in model.model_fields.items():
        column = pl.col(name) if base is None else base.struct.field(name)
        annotation = _unwrap_optional(info.annotation)
        for meta in info.metadata:
            for attr, test in (("ge", operator.lt), ("gt", operator.le), ("le", operator.gt), ("lt", operator.ge)):
                if getattr(meta, attr, None) is not None:
                    out.append(test(column, getattr(meta, attr)))
            if getattr(meta, "max_length", None) is not None:
                size = column.list.len() if typing.get_origin(annotation) is list else column.str.len_chars()
                out.append(size > meta.max_length)
            if getattr(meta, "min_length", None) is not None:
                size = column.list.len() if typing.get_origin(annotation) is list else column.str.len_chars()
                out.append(size < meta.min_length)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.extend(_bound_checks(annotation, column, prefix + [name]))
        elif typing.get_origin(annotation) is list:
            (inner,) = typing.get_args(annotation)
            inner_checks = _bound_checks(inner, pl.element(), prefix + [name])
            if inner_checks:
                out.append(column.list.eval(pl.any_horizontal(inner_checks).fill_null(False)).list.any())
    return out


@functools.cache
def _violations() -> "pl.Expr":
    checks = _bound_checks(Profile, None, [])
    return pl.any_horizontal(checks).fill_null(False).any()


def _convert(expr: "pl.Expr", found: Any, wanted: Any) -> "pl.Expr":
    """``expr`` (of the inferred type ``found``, which :func:`_fits` ``wanted``) as ``wanted``:
    struct fields in the model's order, the missing ones null."""
    if found == pl.Null:
        return pl.lit(None, dtype=wanted)
    if isinstance(wanted, pl.Struct):
        present = {f.name: f.dtype for f in found.fields}
        fields = [
            (
                _convert(expr.struct.field(f.name), present[f.name], f.dtype)
                if f.name in present
                else pl.lit(None, dtype=f.dtype)
            ).alias(f.name)
            for f in wanted.fields
        ]
        return pl.when(expr.is_not_null()).then(pl.struct(fields))
    if isinstance(wanted, pl.List):
        return expr.list.eval(_convert(pl.element(), found.inner, wanted.inner))
    return expr.cast(wanted, strict=True)


def _conform(frame: "pl.DataFrame") -> Optional["pl.DataFrame"]:
    """``frame`` as parsed by polars, in the model's column types, or ``None`` if the model might
    not take every value as it is (the chunk is then read again line by line)."""
    schema = profile_schema()
    if any(name not in schema or not _fits(dtype, schema[name]) for name, dtype in frame.schema.items()):
        return None
    try:
        if ARENAS in frame.columns and frame.select(pl.col(ARENAS).explode(keep_nulls=False).is_null().any()).item():
            return None  # an arena that is null: the model refuses it
        if frame.schema == schema:  # as a frame of profiles is written: only the bounds to check
            return None if frame.select(_violations()).item() else frame
        typed = frame.select(
            [
                _convert(pl.col(n), frame.schema[n], d).alias(n)
                if n in frame.columns
                else pl.lit(None, dtype=d).alias(n)
                for n, d in schema.items()
            ]
        )
        if typed.select(_violations()).item():
            return None
    except pl.exceptions.PolarsError:  # an enum value the model does not know, say
        return None
    return typed


def _slow_chunk(
    items: Sequence[tuple[str, Callable[[], Profile]]],
) -> tuple[list[str], list[Profile], list[tuple[str, str]]]:
    labels, profiles, skipped = [], [], []
    for label, load in items:
        try:
            profiles.append(load())
        except ProfileError as exc:
            skipped.append((label, exc.one_line()))
            continue
        labels.append(label)
    return labels, profiles, skipped


#: Bytes of a JSON Lines file read at a time: its lines are taken from them as they are.
_BLOCK = 1 << 24


def _jsonl_chunks(path: str, rows: int) -> Iterator[Chunk]:
    """The profiles of a JSON Lines file, ``rows`` lines at a time; the last chunk carries the
    SHA-256 of the file (the bytes the profiles were read from, as they are). Each block read is
    hashed, cut into lines, and its colons counted where the lines lie (:func:`_fast_frame`),
    the bytes copied once, into the lines."""
    handle = open_regular(path, ProfileError, "profile")  # not a FIFO or a device: they never end
    sha = hashlib.sha256()
    first = 1  # the line number of the first pending line
    pending: list[bytes] = []
    colons = 0  # in the pending lines
    carry = b""  # the start of a line that goes on in the next block
    with handle:
        while block := handle.read(_BLOCK):
            sha.update(block)
            start = 0
            if carry:  # the line begun in the block before
                end = block.find(b"\n")
                if end < 0:
                    carry += block
                    continue
                pending.append(carry + block[:end])
                colons += pending[-1].count(b":")
                carry, start = b"", end + 1
            find = block.find
            while True:
                begin, room = start, rows - len(pending)
                while room:
                    end = find(b"\n", start)
                    if end < 0:
                        break
                    pending.append(block[start:end])
                    start, room = end + 1, room - 1
                colons += block.count(b":", begin, start)
                if room:
                    break
                yield _jsonl_chunk(path, pending, first, colons, b"")
                first, pending, colons = first + len(pending), [], 0
            carry = block[start:]
    if carry:  # the last line, without a newline
        pending.append(carry)
        colons += carry.count(b":")
    if pending:  # fewer than ``rows``: a full chunk went as it was full
        yield _jsonl_chunk(path, pending, first, colons, sha.digest())
    else:
        yield Chunk(pl.DataFrame(schema=profile_schema()), pl.Series("profile", [], dtype=pl.String), [], sha.digest())


#: The end of a JSON object key: a closing quote, then a colon (an escaped quote followed by a
#: colon inside a string is counted too, which can only send a line to the check of
#: :func:`_fast_frame`).
_KEY_END = re.compile(rb'"\s*:')


def _keys_written(text: "pl.Series") -> "pl.Series":
    """How often :data:`_KEY_END` matches each line: a quote and a colon counted as literal text
    (twice as fast as the pattern), the pattern itself only on lines where a quote is followed by
    JSON whitespace (where a key may be spaced from its colon)."""
    written = text.str.count_matches('":', literal=True)
    spaced = functools.reduce(operator.or_, (text.str.contains(f'"{ws}', literal=True) for ws in " \t\r\n"))
    if spaced.any():
        at = spaced.arg_true()
        written = written.scatter(at, text.gather(at).str.count_matches(_KEY_END.pattern.decode()))
    return written


class _Slow(Exception):
    """A chunk the fast path does not take as it is: it is read again through the profile model."""


def _msgspec_type(name: str, dtype: Any) -> Any:
    """The type msgspec decodes a value of the column type ``dtype`` into, as the model takes it
    without coercion: ``true`` is no number, 1 no boolean, "1" no number, an enum one of its
    values; an object has the model's keys and no other (each may be left out or null)."""
    import msgspec

    if isinstance(dtype, pl.Struct):
        fields = [(f.name, Optional[_msgspec_type(f.name, f.dtype)], None) for f in dtype.fields]
        return msgspec.defstruct(name, fields, forbid_unknown_fields=True, gc=False)  # no cycles: not tracked
    if isinstance(dtype, pl.List):
        return list[_msgspec_type(name, dtype.inner)]  # type: ignore[misc]
    if isinstance(dtype, pl.Enum):
        return typing.Literal[tuple(dtype.categories.to_list())]
    return {pl.Boolean: bool, pl.Int64: int, pl.Float64: float, pl.String: str}[dtype]


@functools.cache
def _decoder() -> Any:
    import msgspec

    return msgspec.json.Decoder(_msgspec_type("Profile", pl.Struct(profile_schema())))


def _keys(dtype: Any, value: "pl.Expr") -> "pl.Expr":
    """How many keys with a value (not null) the objects inside ``value`` have, nested ones
    included: the keys msgspec decoded, to compare with the keys written."""
    if isinstance(dtype, pl.Struct):
        fields = [(value.struct.field(f.name), f.dtype) for f in dtype.fields]
        inner = pl.sum_horizontal([v.is_not_null().cast(pl.UInt32) + _keys(d, v) for v, d in fields])
        return pl.when(value.is_not_null()).then(inner).otherwise(0)
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        return value.list.eval(_keys(dtype.inner, pl.element())).list.sum().fill_null(0)
    return pl.lit(0, dtype=pl.UInt32)


@functools.cache
def _decoded_keys() -> "pl.Expr":
    return pl.sum_horizontal(
        [pl.col(n).is_not_null().cast(pl.UInt32) + _keys(d, pl.col(n)) for n, d in profile_schema().items()]
    )


def _present(column: "pl.Series") -> int:
    """How many values (not null) ``column`` holds, those of the objects in it included, as
    :func:`_decoded_keys` counts them (the fields of an object left out are null: it is built as
    an empty one)."""
    dtype = column.dtype
    count = column.len() - column.null_count()
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        column = column.explode().drop_nulls()  # the objects of the lists (an element is no key)
        dtype = dtype.inner
    if isinstance(dtype, pl.Struct):
        count += sum(_present(column.struct.field(f.name)) for f in dtype.fields)
    return count


def _columns(name: str, dtype: Any, values: Sequence[Any]) -> "pl.Series":
    """The column of ``values`` (decoded by :func:`_decoder`; objects as structs, ``None`` where
    there is none)."""
    from msgspec.structs import astuple

    kind = next((type(v) for v in values if v is not None), None) if isinstance(dtype, pl.Struct) else None
    if kind is None:
        return pl.Series(name, values, dtype=dtype, strict=True)
    missing = None in values  # an object left out: its fields read as null (all default to None)
    if missing:
        empty = kind()
        present = pl.Series("@present", [v is not None for v in values], dtype=pl.Boolean)
        values = [empty if v is None else v for v in values]
    # each field's values: the objects as tuples, transposed (C loops, no Python call per value)
    columns = [_columns(f.name, f.dtype, list(v)) for f, v in zip(dtype.fields, zip(*map(astuple, values)))]
    struct = pl.DataFrame(columns).to_struct(name)  # each field of the model's type: the struct's
    return pl.select(pl.when(present).then(struct)).to_series() if missing else struct


def _arenas(dtype: Any, values: Sequence[Any]) -> "pl.Series":
    """The arenas column: a list of arenas, or ``None``, per row. The arenas of all rows are
    made one column, and a row without any stands there as one null (an arena is never null:
    the model refuses it), so that grouping them by row gives every row its list."""
    lists = [v or (None,) for v in values]
    items = _columns(ARENAS, dtype.inner, list(itertools.chain.from_iterable(lists)))
    rows = pl.int_range(0, len(lists), dtype=pl.UInt32, eager=True).repeat_by(
        pl.Series(list(map(len, lists)), dtype=pl.UInt32)
    )
    present = pl.Series([v is not None for v in values], dtype=pl.Boolean)
    grouped = pl.DataFrame([rows.explode().alias("row"), items]).group_by("row", maintain_order=True)
    column = grouped.agg(pl.col(ARENAS).drop_nulls()).select(pl.when(present).then(pl.col(ARENAS))).to_series()
    typed: pl.Series = column.cast(dtype)
    return typed


def _fast_frame(lines: Sequence[bytes], colons: Optional[int] = None) -> "pl.DataFrame":
    """:func:`_decoded_frame` (``colons``: how many the lines hold, if known) with Python's cyclic garbage collector paused: the values decoded
    and their lists are millions of new objects, none of them in a cycle, and each collection
    they would set off walks all of them (measured: 10 to 15 µs a profile, a third of reading
    a line)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _decoded_frame(lines, sum(line.count(b":") for line in lines) if colons is None else colons)
    finally:
        if paused:
            gc.enable()


def _decoded_frame(lines: Sequence[bytes], colons: int) -> "pl.DataFrame":
    """The frame of profiles (:func:`profile_schema`) of JSON ``lines``, decoded by msgspec into
    the model's types and taken apart column by column; raises :class:`_Slow` where the model
    might judge a line otherwise (anything but known keys, values of the model's types, enum
    values, bounds, and no duplicate key: msgspec keeps the last one silently)."""
    import msgspec
    from msgspec.structs import astuple

    try:
        records = list(map(_decoder().decode, lines))
    except msgspec.DecodeError:  # a type, a key or a value the model might take otherwise
        raise _Slow from None
    schema = profile_schema()
    rows = list(map(astuple, records))
    try:
        frame = pl.DataFrame(
            [
                _arenas(dtype, values) if name == ARENAS else _columns(name, dtype, values)
                for (name, dtype), values in zip(schema.items(), zip(*rows))
            ]
            if rows
            else schema
        )
        if frame.select(_violations()).item():
            raise _Slow
    except (pl.exceptions.PolarsError, OverflowError, TypeError, ValueError):  # a number out of range, say
        raise _Slow from None
    # Each key written has a colon after it and a string may hold more, so a line has at least
    # as many colons as keys, and as many keys as msgspec decoded values (a duplicate is decoded
    # once, a null not at all): as many colons as values in all lines, and no line has a
    # duplicate (nor a null, nor a colon in a string). Else the lines are counted one by one.
    if colons == sum(_present(column) for column in frame.get_columns()):
        return frame
    keys = frame.select(_decoded_keys().implode()).item()
    try:  # the keys written on each line (at least: a string may hold a quote and a colon)
        written = _keys_written(pl.Series(lines, dtype=pl.Binary).cast(pl.String))
    except pl.exceptions.PolarsError:
        raise _Slow from None
    differing = (written != pl.Series(keys, dtype=pl.UInt32)).arg_true().to_list()
    for number in differing:  # a null, a colon in a string, a duplicate
        try:
            json.loads(lines[number], object_pairs_hook=no_duplicates)
        except ValueError:
            raise _Slow from None
    return frame


@functools.cache
def _native() -> Optional[Reader]:
    """The C reader (:func:`advisor.engine.native.reader`), or ``None`` where it was not built
    (or numpy, which makes its columns polars', is missing): JSON Lines are then decoded by
    msgspec (:func:`_decoded_frame`)."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return None
    return reader()


#: Whether the columnar engine reads JSON Lines with its C reader (where the wheel was built with
#: a C compiler, and numpy is installed); else through msgspec. The frames are the same.
def native() -> bool:
    return available() and _native() is not None


def _native_expr(spec: tuple[Any, ...], dtype: Any) -> "pl.Expr":
    """The column of one node of the spec, from the C reader's raw columns (``c<n>``)."""
    kind, column, column2, extra = spec
    raw = pl.col(f"c{column}")
    if kind == K_STRUCT:
        fields = [_native_expr(sub, f.dtype).alias(f.name) for (_name, sub), f in zip(extra, dtype.fields)]
        struct = pl.struct(fields)
        return struct if column < 0 else pl.when(raw == 1).then(struct)
    if kind == K_BOOL:
        return pl.when(raw >= 0).then(raw == 1)
    if kind == K_INT:
        return pl.when(pl.col(f"c{column2}") == 1).then(raw)
    if kind == K_FLOAT:
        return raw.fill_nan(None)
    if kind == K_ENUM:  # the codes are the positions of the values: an Enum's physical codes
        return pl.lit(pl.Series(dtype.categories.to_list(), dtype=dtype)).gather(pl.when(raw >= 0).then(raw))
    return raw  # a string


_NUMPY_TYPES = {C_I8: "int8", C_I32: "int32", C_I64: "int64", C_F64: "float64"}


@functools.cache
def _native_exprs() -> tuple[list["pl.Expr"], list[tuple[int, int, "pl.Expr"]]]:
    """The columns of a frame of profiles over the C reader's raw columns (``c<n>``, and
    ``l<n>`` for the lists of items grouped by row), and per list of objects its length and row
    columns and the expression of an item."""
    native = _native()
    assert native is not None
    exprs, lists = [], []
    for (name, sub), (_name, dtype) in zip(native.spec[3], profile_schema().items()):
        if sub[0] != K_LIST:
            exprs.append(_native_expr(sub, dtype).alias(name.decode()))
            continue
        _kind, length, row, item = sub
        assert isinstance(dtype, pl.List)
        lists.append((length, row, _native_expr(item, dtype.inner)))
        exprs.append(pl.when(pl.col(f"c{length}") >= 0).then(pl.col(f"l{length}")).cast(dtype).alias(name.decode()))
    return exprs, lists


def _native_frame(raw: list[Any]) -> "pl.DataFrame":
    """The frame of profiles (:func:`profile_schema`) from the raw columns the C reader wrote;
    raises :class:`_Slow` where a value breaks a bound."""
    import numpy

    native = _native()
    assert native is not None
    spaces: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for i, ((kind, space), values) in enumerate(zip(native.columns, raw)):
        name = f"c{i}"
        spaces[space][name] = (
            pl.Series(name, values, dtype=pl.String)
            if kind == C_OBJ
            else pl.Series(name, numpy.frombuffer(values, dtype=_NUMPY_TYPES[kind]))
        )
    top = pl.DataFrame(spaces[0])
    exprs, lists = _native_exprs()
    for length, row, item in lists:  # a list of objects: its items grouped by row (each row has
        # at least one, null where the row has none), the list null where it is
        items_frame = pl.DataFrame(spaces[1]).select(pl.col(f"c{row}").alias("row"), item.alias("item"))
        grouped = items_frame.group_by("row", maintain_order=True).agg(pl.col("item").drop_nulls())
        top = top.with_columns(grouped.get_column("item").alias(f"l{length}"))
    try:
        frame = top.select(exprs)
        if frame.select(_violations()).item():
            raise _Slow
    except pl.exceptions.PolarsError:  # pragma: no cover - the reader wrote a value polars refuses
        raise _Slow from None
    return frame


def _native_lines_frame(lines: list[bytes]) -> "pl.DataFrame":
    """:func:`_native_frame` of JSON ``lines`` (none blank); raises :class:`_Slow` where the C
    reader refuses one."""
    native = _native()
    assert native is not None
    text = b"\n".join(lines)
    _next, _count, _numbers, _items, raw = native.module.decode(native.reader, text, 0, len(text), len(lines), True)
    if raw is None:
        raise _Slow
    return _native_frame(raw)


def _native_jsonl_chunks(path: str, rows: int) -> Iterator[Chunk]:
    """:func:`_jsonl_chunks` by the C reader (:func:`advisor.engine.native.decoded_chunks`): no
    Python object is made per line. A chunk it refuses (or whose values break a bound) is read
    as :func:`_jsonl_chunk` reads it. The SHA-256 of the file comes with a last chunk of no
    profiles."""
    for decoded in decoded_chunks(path, rows):
        if decoded.count == 0:
            yield Chunk(
                pl.DataFrame(schema=profile_schema()), pl.Series("profile", [], dtype=pl.String), [], decoded.digest
            )
            return
        yield decoded_chunk(path, decoded)


def decoded_chunk(path: str, decoded: Decoded) -> Chunk:
    """The profiles of a chunk of lines the C reader read: the frame of its columns, or where it
    refused them (or their values break a bound) as :func:`_jsonl_chunk` reads them."""
    import numpy

    frame = None
    if decoded.columns is not None:
        try:
            frame = _native_frame(decoded.columns)
        except _Slow:
            pass
    if frame is None:
        lines = decoded.lines()
        return _jsonl_chunk(path, lines, decoded.first, sum(line.count(b":") for line in lines), b"", native=False)
    offsets = pl.Series("profile", numpy.frombuffer(decoded.numbers, dtype=numpy.int32)).cast(pl.Int64)
    return Chunk(frame, f"{file_label(path)}:" + (offsets + decoded.first).cast(pl.String), [], b"")


def _read_frame(lines: list[bytes], colons: int, native: bool) -> "pl.DataFrame":
    """The frame of JSON ``lines``: by the C reader where it was built (and ``native``), else
    (or where it refuses a line) by msgspec; raises :class:`_Slow` where neither takes every
    line as it is."""
    if native and _native() is not None:
        try:
            return _native_lines_frame(lines)
        except _Slow:
            pass
    return _fast_frame(lines, colons)


def _jsonl_chunk(path: str, lines: list[bytes], first: int, colons: int, digest: bytes, native: bool = True) -> Chunk:
    """The profiles of ``lines`` (the first is line ``first``; ``colons`` in them; ``native``:
    whether the C reader is to be tried)."""
    label = file_label(path)
    numbers = [first + i for i, line in enumerate(lines) if line and not line.isspace()]  # as strip(), no copy
    if first == 1 and lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines = [lines[0][3:]] + lines[1:]
    try:
        given = [lines[n - first] for n in numbers]
        frame = _read_frame(given, colons, native) if numbers else pl.DataFrame(schema=profile_schema())
    except _Slow:
        pass
    else:
        labels = pl.Series("profile", [f"{label}:{n}" for n in numbers], dtype=pl.String)
        return Chunk(frame, labels, [], digest)
    items = [(f"{label}:{n}", functools.partial(load_profile_line, lines[n - first], path, n)) for n in numbers]
    labels_list, profiles, skipped = _slow_chunk(items)
    return Chunk(profiles_frame(profiles), pl.Series("profile", labels_list, dtype=pl.String), skipped, digest)


def _parquet_chunks(path: str, rows: int) -> Iterator[Chunk]:
    from ..core.documents import Document
    from ..profile.io import _validate

    try:
        total = pl.scan_parquet(path).select(pl.len()).collect().item()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ProfileError(
            f"not a readable Parquet file: {exc}".splitlines()[0], file=path, hint="give a Parquet file of profiles"
        ) from None
    with open(path, "rb") as handle:  # what the profiles were read from: the file, as it is
        sha = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):  # hashlib.file_digest is 3.11+
            sha.update(block)
        digest = sha.digest()
    start = 0
    for part in pl.scan_parquet(path).collect_batches(chunk_size=rows) if total else ():
        frame = _conform(part)
        numbers = pl.int_range(start + 1, start + part.height + 1, dtype=pl.UInt64, eager=True).cast(pl.String)
        labels = (f"{file_label(path)}:" + numbers).alias("profile")
        start += part.height
        if frame is not None:
            yield Chunk(frame, labels, [], digest)
            digest = b""
            continue

        def load(record: dict[str, Any], label: str) -> Profile:
            return _validate(Document(file=label, data=_known(record)))

        items = [
            (label, functools.partial(load, record, label)) for label, record in zip(labels.to_list(), part.to_dicts())
        ]
        labels_list, profiles, skipped = _slow_chunk(items)
        yield Chunk(profiles_frame(profiles), pl.Series("profile", labels_list, dtype=pl.String), skipped, digest)
        digest = b""


def _known(value: Any) -> Any:
    """A record without its nulls (a column without a value is an unknown fact)."""
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value


def read_chunks(sources: Iterable[tuple[str, Union[str, Profile]]], rows: Optional[int] = None) -> Iterator[Chunk]:
    """The profiles of ``sources`` (``(label, path or Profile)``, as
    :func:`advisor.research.runs.iter_profile_sources` gives them) in chunks of at most ``rows``
    (default :data:`CHUNK_ROWS`, for Parquet :data:`PARQUET_CHUNK_ROWS`): JSON Lines
    (``*.jsonl``) and Parquet (``*.parquet``) files in chunks of their own, YAML and JSON files
    and Profiles gathered into chunks."""
    require()

    pending: list[tuple[str, Callable[[], Profile]]] = []

    def flush() -> Iterator[Chunk]:
        if pending:
            labels, profiles, skipped = _slow_chunk(pending)
            blob = "\n".join(json.dumps(_dump(p), sort_keys=True, default=str) for p in profiles).encode()
            yield Chunk(profiles_frame(profiles), pl.Series("profile", labels, dtype=pl.String), skipped, blob)
            pending.clear()

    for label, item in sources:
        if isinstance(item, Profile):
            pending.append((label, functools.partial(lambda p: p, item)))
        elif item.lower().endswith(".jsonl"):
            yield from flush()
            read = _native_jsonl_chunks if _native() is not None else _jsonl_chunks
            yield from read(item, rows or CHUNK_ROWS)
        elif item.lower().endswith(".parquet"):
            yield from flush()
            yield from _parquet_chunks(item, rows or PARQUET_CHUNK_ROWS)
        else:
            pending.append((label, functools.partial(load_profile, item)))
        if len(pending) >= (rows or CHUNK_ROWS):
            yield from flush()
    yield from flush()
