"""The columnar engine's native path: JSON Lines profiles to rows of JSON Lines in C, without polars.

Why it exists: for ``advisor batch FILE.jsonl --engine columnar -o rows.jsonl`` polars and numpy
cost 0.3 s of CPU to import, building their frame and evaluating some 1,500 expressions over it
cost more than reading the profiles did, and the rows had to be taken out of it again. The C
module (``_jsonl.c``) reads the lines into flat columns; here a pack is compiled into a small
program that the same module runs over those columns (three-valued, a column at a time), and the
rows are written from the fired matrix it returns. Nothing here imports polars or numpy.

It is an exact stand-in for the polars path, not a second engine: the same columns, the same
three-valued semantics (:mod:`advisor.engine.columnar` says which), the same rows byte for byte
(tests/test_columnar_native.py holds them equal on generated packs and profiles). Where it cannot
be exact it declines and the polars path does the work: a pack it cannot compile
(:class:`Unsupported`: a comparison operator added since, say) runs on polars whole; a chunk the reader refuses,
or whose values break a bound of the model, is read there (and a bad line reported as
``advisor assess`` would).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import struct
import typing
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from pydantic import BaseModel

from ..core.documents import open_regular
from ..core.errors import InputError, ProfileError, file_label
from ..profile.model import LADDER_LEVELS, Profile
from ..profile.schema import DERIVED_ARENA_FACTS, _unwrap_optional
from ..rules.arenas import derivations
from ..rules.conditions import AllOf, AnyArena, AnyOf, Compare, COMPARISONS, ConditionVisitor, FindingRef, Not
from ..rules.pack import KINDS, PRIORITIES, RulePack

__all__ = [
    "available",
    "columnar_available",
    "require_columnar",
    "polars_version",
    "reader",
    "Reader",
    "Program",
    "program",
    "Unsupported",
    "Decoded",
    "decoded_chunks",
]

# The kinds of node of the reader's spec and of column, as the C source numbers them.
K_STRUCT, K_LIST, K_BOOL, K_INT, K_FLOAT, K_ENUM, K_STR = range(7)
C_I8, C_I32, C_I64, C_F64, C_OBJ = range(5)
# The program's instructions and comparison operators (the C source's OP_ and CMP_).
_CMP_INT, _CMP_DBL, _IN_INT, _IN_DBL, _AND, _OR, _NOT, _FIRED = range(8)
_ANY, _STORE, _DERIVE, _AGG, _STRLEN, _VIOLATES, _STR = range(8, 15)
_OPS = {"eq": 0, "ne": 1, "lt": 2, "le": 3, "gt": 4, "ge": 5}

#: Profiles per chunk of the native path: its overhead per chunk is some microseconds, and a
#: smaller chunk keeps its lines, columns and rows in less memory (some 6 MB of lines, 4 MB of
#: rows): a batch of 100,000 profiles peaks at 72 MB instead of 131 (10,000 at a time), for the
#: same CPU time within the noise.
NATIVE_ROWS = 2_000
#: The file is read this many bytes at a time (the buffer grows where a chunk of lines needs more).
BLOCK = 1 << 24
#: Read (and hashed) this many bytes at a time: SHA-256 runs half again as fast on bytes still in
#: the processor's cache as on bytes it fetches from memory.
_PIECE = 1 << 18
ARENAS = "arenas"


def _module() -> Any:
    from . import _jsonl

    return _jsonl


@functools.cache
def available() -> bool:
    """Whether the C module was built (the wheel is built with it where a C compiler is found)."""
    try:
        _module()
    except ImportError:
        return False
    return True


def columnar_available() -> bool:
    """Whether polars and msgspec, which the columnar engine needs, are installed (without
    importing them: the native path runs without)."""
    return all(importlib.util.find_spec(name) is not None for name in ("polars", "msgspec"))


def require_columnar(polars_imports: bool = True) -> None:
    """Raise an :class:`InputError` that says how to install polars and msgspec, if one is missing
    (or polars does not import, where the caller tried)."""
    for name in ("polars", "msgspec"):
        if importlib.util.find_spec(name) is None or (name == "polars" and not polars_imports):
            raise InputError(
                f"the columnar engine needs {name}, which is not installed",
                hint="pip install 'samskaping-advisor[columnar]'",
            )


@functools.cache
def polars_version() -> str:
    """The version of polars, read from its metadata (importing polars takes 0.2 s)."""
    require_columnar()
    found = _wheel_version("polars")
    if found is None:  # installed some other way: importlib.metadata searches everywhere (10 ms)
        import importlib.metadata

        found = importlib.metadata.version("polars")
    return found


def _wheel_version(name: str) -> Optional[str]:
    """The version of the package ``name`` from the metadata that a wheel installs beside it
    (``<site>/<name>-<version>.dist-info/METADATA``), or ``None`` where there is not exactly one:
    without importing importlib.metadata and the email parser it brings, 10 ms of a start."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    site = os.path.dirname(next(iter(spec.submodule_search_locations)))
    try:
        found = [entry for entry in os.listdir(site) if entry.startswith(f"{name}-") and entry.endswith(".dist-info")]
        if len(found) != 1:
            return None
        with open(os.path.join(site, found[0], "METADATA"), encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():  # the headers end
                    break
                key, _, value = line.partition(":")
                if key.lower() == "version" and value.strip():
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        pass
    return None


# --------------------------------------------------------------------------------------------
# the reader


def _spec(annotation: Any, space: int, columns: list[tuple[int, int]], root: bool = False) -> tuple[Any, ...]:
    """The reader's spec of a field of the profile model (``(kind, column, column2, extra)``, as
    in the C source), its columns added to ``columns`` as ``(kind, space)``: space 0 a row per
    profile, 1 a row per arena."""

    def add(kind: int, where: int = space) -> int:
        columns.append((kind, where))
        return len(columns) - 1

    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        presence = -1 if root else add(C_I8)
        fields = tuple(
            (name.encode(), _spec(info.annotation, space, columns)) for name, info in annotation.model_fields.items()
        )
        return (K_STRUCT, presence, -1, fields)
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        length, row = add(C_I32), add(C_I32, 1)
        return (K_LIST, length, row, _spec(inner, 1, columns))
    if origin is typing.Literal:  # a scale value's code is its position: an ordinal's rank
        return (K_ENUM, add(C_I8), -1, tuple(str(v).encode() for v in typing.get_args(annotation)))
    if annotation is bool:
        return (K_BOOL, add(C_I8), -1, None)
    if annotation is int:
        return (K_INT, add(C_I64), add(C_I8), None)
    if annotation is float:
        return (K_FLOAT, add(C_F64), -1, None)
    if annotation is str:
        return (K_STR, add(C_OBJ), -1, None)
    raise TypeError(f"profile field type {annotation!r} has no column type")  # pragma: no cover


@dataclass(frozen=True)
class Reader:
    """The C reader compiled for the profile model: the reader, the spec it was compiled from
    and its columns (``(kind, space)``)."""

    module: Any
    reader: Any
    spec: tuple[Any, ...]
    columns: tuple[tuple[int, int], ...]


@functools.cache
def reader() -> Optional[Reader]:
    """The C reader of profiles, or ``None`` where the C module was not built."""
    if not available():
        return None
    columns: list[tuple[int, int]] = []
    spec = _spec(Profile, 0, columns, root=True)
    module = _module()
    return Reader(module, module.compile(spec, tuple(columns)), spec, tuple(columns))


@dataclass
class Decoded:
    """A chunk of lines of a JSON Lines file as the C reader took it: ``count`` lines from line
    ``first``, ``numbers`` (int32 bytes) the index of each profile's line among them, and the
    reader's ``columns`` with ``items`` arenas (``None`` where it refused a line). :meth:`text`
    is valid until the next chunk is read. The last chunk of a file holds no lines and the
    file's SHA-256 (``digest``)."""

    first: int
    count: int
    numbers: bytes
    items: int
    columns: Optional[list[Any]]
    _buffer: Any = None
    _span: tuple[int, int] = (0, 0)
    digest: bytes = b""

    @property
    def profiles(self) -> int:
        return len(self.numbers) // 4

    def lines(self) -> list[bytes]:
        """The chunk's lines (blank ones included), copied out of the file's buffer."""
        start, end = self._span
        return bytes(self._buffer[start:end]).split(b"\n")[: self.count]


def decoded_chunks(path: str, rows: int) -> Iterator[Decoded]:
    """The lines of the JSON Lines file ``path``, ``rows`` at a time, read by the C reader: the
    file is read into one buffer (grown where a line does not fit), hashed as read, and the
    reader takes a chunk of lines from it straight into columns; no Python object is made per
    line but for text values. Where the buffer ends, a chunk holds the whole lines left in it
    (fewer than ``rows``), and only the part of a line after them is moved to the buffer's start."""
    read = reader()
    assert read is not None
    handle = open_regular(path, ProfileError, "profile")  # not a FIFO or a device: they never end
    sha = hashlib.sha256()
    size = os.fstat(handle.fileno()).st_size
    buffer = bytearray(min(BLOCK, max(size + 1, 1 << 16)))  # a small file: a small buffer (it grows)
    at = filled = 0  # the lines not read yet: buffer[at:filled]
    first = 1  # the number of the line at ``at``
    eof = False
    with handle:
        while True:
            if not eof and filled < len(buffer):
                with memoryview(buffer) as view:  # a piece at a time: hashed while in the cache
                    got = handle.readinto(view[filled : filled + _PIECE])  # type: ignore[attr-defined]
                    sha.update(view[filled : filled + got])
                eof = got == 0
                if filled == 0 and got >= 3 and buffer.startswith(b"\xef\xbb\xbf"):
                    at = 3  # a byte order mark before the first line
                filled += got
                continue
            end, count, numbers, items, columns = read.module.decode(read.reader, buffer, at, filled, rows, eof)
            if count == 0:  # no whole chunk of lines in the buffer: more is read
                if eof:
                    break
                if at:
                    buffer[: filled - at] = buffer[at:filled]
                    at, filled = 0, filled - at
                else:  # a line that does not fit
                    buffer.extend(bytes(len(buffer)))
                continue
            yield Decoded(first, count, numbers, items, columns, buffer, (at, end))
            first += count
            at = end
    yield Decoded(first, 0, b"", 0, [], digest=sha.digest())


# --------------------------------------------------------------------------------------------
# a pack as a program


class Unsupported(Exception):
    """A pack the native path cannot evaluate exactly as the polars path does: it runs there."""


def result_order(pack: RulePack) -> dict[str, list[str]]:
    """The rule ids of each kind, in result order (as a batch row lists them)."""
    from .assessment import _order_key  # the order alone: not a whole assessment plan (12 ms)

    ordered: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for rule_id in sorted(pack.rule_ids, key=lambda rule_id: _order_key(pack.by_id[rule_id])):
        ordered[pack.by_id[rule_id].kind].append(rule_id)
    return ordered


_KIND_COLUMNS = ("strengths", "diagnoses", "pitfalls", "recommendations")


def text_spec(pack: RulePack, columns: tuple[str, ...], label: str, pack_hash: str) -> tuple[Any, ...]:
    """What the C writer (``rows``) needs of a pack, but the fired matrix: ``(middle, ranks,
    priorities, lists, suffix)``, for fired columns holding the rules ``columns`` (ids) in that
    order. Strings are encoded as polars encodes them (``json.dumps`` with ``ensure_ascii=False``)."""
    place = {rule_id: i for i, rule_id in enumerate(columns)}
    encoded = json.dumps({"pack": label, "pack_hash": pack_hash}, ensure_ascii=False, separators=(",", ":"))
    middle = ("," + encoded[1:-1] + ',"highest_priority":').encode()
    kind = {r.id: r.kind for r in pack.rules}
    priority = {r.id: PRIORITIES.rank(r.priority) for r in pack.rules}
    # A strength is not pressing: it does not count for the highest priority.
    ranks = struct.pack(f"{len(columns)}b", *(-1 if kind[c] == "strength" else priority[c] for c in columns))
    priorities = tuple(json.dumps(p, ensure_ascii=False).encode() for p in PRIORITIES)
    ordered = result_order(pack)
    names = ("fired",) + _KIND_COLUMNS
    lists = [sorted(pack.rule_ids)] + [ordered[k] for k in KINDS]
    parts = tuple(
        (
            (("," if i == 0 else "],") + f'"{name}":[').encode(),
            struct.pack(f"{len(ids)}i", *(place[r] for r in ids)),
            tuple(f",{json.dumps(r, ensure_ascii=False)}".encode() for r in ids),
        )
        for i, (name, ids) in enumerate(zip(names, lists))
    )
    return (middle, ranks, priorities, parts, b"]}")


@dataclass(frozen=True, eq=False)  # hashed by identity: one per pack (cached), its texts kept with it
class Program:
    """A pack compiled for the C evaluator: the program, and the rule of each fired column."""

    program: Any
    rules: tuple[str, ...]
    pack: RulePack

    def evaluate(self, decoded: Decoded) -> Optional[tuple[bytes, bytes]]:
        """The fired matrix (a byte per profile and rule, a row per profile) and the fire counts
        (int64 bytes) of a decoded chunk, or ``None`` where a value breaks a bound of the model."""
        read = reader()
        assert read is not None and decoded.columns is not None
        result: Optional[tuple[bytes, bytes]] = read.module.evaluate(
            self.program, decoded.columns, decoded.profiles, decoded.items
        )
        return result

    @functools.lru_cache(maxsize=4)  # noqa: B019 - kept with the compiled program
    def text(self, label: str, pack_hash: str) -> tuple[Any, ...]:
        return text_spec(self.pack, self.rules, label, pack_hash)


class _Compiler(ConditionVisitor[None]):
    """Emits the instructions of conditions: each pushes one value (a byte per row of its
    space). Keeps the stack's depth, the columns the program adds and where each fact is."""

    def __init__(self, read: Reader) -> None:
        self.columns = list(read.columns)
        self.instructions: list[tuple[Any, ...]] = []
        self.depth = self.top = 0
        self.rules: dict[str, int] = {}
        self.space = 0
        # the facts (of a profile; of an arena): path -> (spec node, value column, presence column or -1)
        self.facts: dict[str, tuple[tuple[Any, ...], int, int]] = {}
        self.arena: dict[str, tuple[tuple[Any, ...], int, int]] = {}
        self.list_node: Optional[tuple[Any, ...]] = None
        for name, node in read.spec[3]:
            self._facts(name.decode(), node)

    def _facts(self, path: str, node: tuple[Any, ...]) -> None:
        kind, column, column2, extra = node
        if kind == K_STRUCT:
            for name, sub in extra:
                self._facts(f"{path}.{name.decode()}", sub)
        elif kind == K_LIST:
            if path != ARENAS or extra[0] != K_STRUCT:  # pragma: no cover - the model has one list
                raise Unsupported(f"a list {path}")
            self.list_node = node
            for name, sub in extra[3]:
                self.arena[name.decode()] = (sub, sub[1], sub[2])
        else:
            self.facts[path] = (node, column, column2)

    def add(self, kind: int, space: int) -> int:
        self.columns.append((kind, space))
        return len(self.columns) - 1

    def emit(
        self,
        op: int,
        a: int = 0,
        b: int = 0,
        c: int = 0,
        i: int = 0,
        f: float = 0.0,
        payload: bytes = b"",
        pops: int = 0,
        pushes: int = 1,
    ) -> None:
        self.instructions.append((op, self.space, a, b, c, i, f, payload))
        self.top += pushes - pops
        self.depth = max(self.depth, self.top)

    # conditions

    def compare(self, node: Compare) -> None:
        table = self.arena if node.in_arena or self.space == 1 else self.facts
        found = table.get(node.path)
        if found is None:
            raise Unsupported(f"the fact {node.path}")
        spec, column, presence = found
        kind, extra = spec[0], spec[3]
        op = COMPARISONS[node.op]
        if node.op not in _OPS and node.op not in ("in", "not_in"):  # one added since: polars knows it
            raise Unsupported(f"the operator {node.op}")
        values = list(node.value) if op.membership else [node.value]
        if kind == K_ENUM:
            names = [v.decode() for v in extra]
            if any(not isinstance(v, str) or v not in names for v in values):
                raise Unsupported(f"a value of {node.path}")
            codes = [names.index(v) for v in values]
        elif kind == K_BOOL:
            if any(not isinstance(v, bool) for v in values):
                raise Unsupported(f"a value of {node.path}")
            codes = [int(v) for v in values]
        elif kind in (K_INT, K_FLOAT):
            if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
                raise Unsupported(f"a value of {node.path}")
            codes = values
        elif kind == K_STR and node.op in ("eq", "ne", "in", "not_in") and all(isinstance(v, str) for v in values):
            texts = [v.encode("utf-8", "surrogatepass") for v in values]
            payload = b"".join(struct.pack("i", len(t)) + t for t in texts)
            self.emit(_STR, column, -1, int(node.op in ("ne", "not_in")), payload=payload)
            return
        else:
            raise Unsupported(f"a comparison of text ({node.path} {node.op})")
        exact = kind != K_FLOAT and all(isinstance(v, int) for v in codes)
        if op.membership:
            negate = int(node.op == "not_in")
            if exact:
                self.emit(_IN_INT, column, presence, negate, payload=struct.pack(f"{len(codes)}q", *codes))
            else:
                self.emit(_IN_DBL, column, presence, negate, payload=struct.pack(f"{len(codes)}d", *map(float, codes)))
        elif exact:
            self.emit(_CMP_INT, column, presence, _OPS[node.op], i=codes[0])
        else:
            self.emit(_CMP_DBL, column, presence, _OPS[node.op], f=float(codes[0]))

    def all_of(self, node: AllOf) -> None:
        for item in node.items:
            self.visit(item)
        self.emit(_AND, len(node.items), pops=len(node.items))

    def any_of(self, node: AnyOf) -> None:
        for item in node.items:
            self.visit(item)
        self.emit(_OR, len(node.items), pops=len(node.items))

    def not_(self, node: Not) -> None:
        self.visit(node.item)
        self.emit(_NOT, pops=1)

    def finding(self, node: FindingRef) -> None:
        if self.space != 0 or node.rule_id not in self.rules:
            raise Unsupported(f"the finding {node.rule_id}")
        self.emit(_FIRED, self.rules[node.rule_id], int(node.negated))

    def any_arena(self, node: AnyArena) -> None:
        if self.space != 0 or self.list_node is None:
            raise Unsupported("any_arena in an arena")
        _kind, length, row, item = self.list_node
        self.space = 1
        self.visit(node.item)
        self.space = 0
        self.emit(_ANY, length, item[1], row, pops=1)

    # what a pack needs before its rules

    def classify(self) -> None:
        """The arenas' derived values (:mod:`advisor.rules.arenas`): each derivation table reads
        the given values; the rules and the aggregates read the values given or derived."""
        derived = {}
        self.space = 1
        for field, entries in derivations().items():
            spec, column, presence = self.arena[field]
            if spec[0] == K_ENUM:
                names = [v.decode() for v in spec[3]]
                values = [names.index(e.value) for e in entries]
                out, out_presence = self.add(C_I8, 1), -1
            elif spec[0] == K_INT:
                values = [int(e.value) for e in entries]
                out, out_presence = self.add(C_I64, 1), self.add(C_I8, 1)
            else:  # pragma: no cover - the model derives a level and a type
                raise Unsupported(f"a derived {field}")
            for entry in entries:
                self.visit(entry.condition)
            payload = struct.pack(f"{len(values)}q", *values)
            self.emit(_DERIVE, column, presence, out, i=out_presence, payload=payload, pops=len(entries), pushes=0)
            derived[field] = (spec, out, out_presence)
        self.arena.update(derived)
        self.space = 0

    def aggregate(self) -> None:
        """The ladder aggregates (``arenas.count`` ...) over the arenas' levels, given or derived."""
        assert self.list_node is not None
        _kind, length, row, item = self.list_node
        _spec_, level, level_known = self.arena["ladder_level"]
        outs = []
        for path in DERIVED_ARENA_FACTS:  # in the order the C source writes them
            value, presence = self.add(C_I64, 0), self.add(C_I8, 0)
            self.facts[path] = ((K_INT, value, presence, None), value, presence)
            outs += [value, presence]
        cols = [level, level_known, item[1], row, length, *outs]
        self.emit(
            _AGG, i=LADDER_LEVELS[0], f=float(LADDER_LEVELS[-1]), payload=struct.pack(f"{len(cols)}i", *cols), pushes=0
        )

    def bounds(self, model: type[BaseModel], spec: tuple[Any, ...]) -> None:
        """A violation instruction for each bound of the model (ge, le, max_length ...): the
        chunk goes to the slower paths where a value breaks one, as the polars path's do."""
        tests = (("ge", "lt"), ("gt", "le"), ("le", "gt"), ("lt", "ge"))
        for (name, node), (_field, info) in zip(spec[3], model.model_fields.items()):
            annotation = _unwrap_optional(info.annotation)
            kind, column, column2, extra = node
            for meta in info.metadata:
                for attr, op in tests:
                    bound = getattr(meta, attr, None)
                    if bound is None:
                        continue
                    if kind not in (K_INT, K_FLOAT):  # pragma: no cover - the model bounds numbers
                        raise Unsupported(f"a bound of {name.decode()}")
                    if kind == K_INT and isinstance(bound, int):
                        self.emit(_CMP_INT, column, column2, _OPS[op], i=bound)
                    else:
                        self.emit(_CMP_DBL, column, column2, _OPS[op], f=float(bound))
                    self.emit(_VIOLATES, pops=1, pushes=0)
                for attr, op in (("max_length", "gt"), ("min_length", "lt")):
                    bound = getattr(meta, attr, None)
                    if bound is None:
                        continue
                    if kind == K_LIST:
                        self.emit(_CMP_INT, column, -1, _OPS[op], i=bound)
                    elif kind == K_STR:
                        size, known = self.add(C_I64, self.space), self.add(C_I8, self.space)
                        self.emit(_STRLEN, column, 0, size, i=known, pushes=0)
                        self.emit(_CMP_INT, size, known, _OPS[op], i=bound)
                    else:  # pragma: no cover
                        raise Unsupported(f"a length of {name.decode()}")
                    self.emit(_VIOLATES, pops=1, pushes=0)
            if kind == K_STRUCT:
                self.bounds(annotation, node)
            elif kind == K_LIST:
                (inner,) = typing.get_args(annotation)
                self.space = 1
                self.bounds(inner, extra)
                self.space = 0


_PROGRAMS: dict[str, Program] = {}
_T = typing.TypeVar("_T")


def cached_by_hash(cache: dict[str, _T], pack: RulePack, make: typing.Callable[[RulePack], _T]) -> _T:
    """``make(pack)``, kept in ``cache`` by the pack's content hash (the 64 latest)."""
    made = cache.get(pack.hash)
    if made is None:
        if len(cache) >= 64:
            del cache[next(iter(cache))]
        made = cache[pack.hash] = make(pack)
    return made


def _compiled(pack: RulePack) -> tuple[_Compiler, list[Any]]:
    """The compiler holding ``pack``'s instructions (bounds, arenas' derived values, aggregates,
    then each rule's condition and guard in stage order), and the rules in that order."""
    read = reader()
    assert read is not None
    compiler = _Compiler(read)
    compiler.bounds(Profile, read.spec)
    compiler.classify()
    compiler.aggregate()
    conditions = pack.effective_conditions
    order = [r for rules in pack.stages for r in rules]
    for index, rule in enumerate(order):
        compiler.visit(conditions[rule.id])
        if rule.guard is not None:
            compiler.visit(rule.guard)
        compiler.emit(_STORE, index, int(rule.guard is not None), pops=2 if rule.guard is not None else 1, pushes=0)
        compiler.rules[rule.id] = index
    assert compiler.top == 0
    return compiler, order


def _program(pack: RulePack) -> Program:
    compiler, order = _compiled(pack)
    read = reader()
    assert read is not None
    made = read.module.program(len(order), compiler.depth, tuple(compiler.columns), tuple(compiler.instructions))
    return Program(made, tuple(r.id for r in order), pack)


def program(pack: RulePack) -> Program:
    """``pack`` compiled for the C evaluator (cached); raises :class:`Unsupported` where the
    native path cannot evaluate it exactly as the polars path does."""
    if not available():
        raise Unsupported("the C module was not built")
    return cached_by_hash(_PROGRAMS, pack, _program)


def heads(path: str, decoded: Decoded, names: Any) -> Optional[list[str]]:
    """The heads of the rows of a decoded chunk (``{"profile":"<file>:<line>","municipality":...``,
    without the closing brace), as polars encodes them (the file as :func:`file_label` names it);
    ``None`` where a municipality's name cannot be encoded."""
    read = reader()
    assert read is not None
    prefix = ('{"profile":' + json.dumps(file_label(path), ensure_ascii=False)[:-1] + ":").encode()
    made: Optional[list[str]] = read.module.heads(prefix, decoded.numbers, decoded.first, names)
    return made


def name_column(decoded: Decoded) -> list[Any]:
    """The municipality names (``context.name``) of a decoded chunk."""
    read = reader()
    assert read is not None and decoded.columns is not None
    context = dict(read.spec[3])[b"context"]
    column = dict(context[3])[b"name"][1]
    names: list[Any] = decoded.columns[column]
    return names
