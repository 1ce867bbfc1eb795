"""The shipped rule pack, validated, kept between runs, with what is derived from it (issue 15 §3).

Reading the shipped pack (its YAML files composed with line numbers, every rule validated and
checked against the others) is a large part of a command's cold start. The first run that loads
it writes the validated pack as JSON to the user's cache directory; later runs make the pack's
models again from that JSON without validating it (:func:`_constructed`: the JSON is byte for
byte what this module wrote of a validated pack, so validation, whose validators pydantic would
first have to build, finds nothing; tests check the pack made equals the validated one, field
for field, for the shipped pack and generated ones) and parse each condition again; the checks
between rules, which the same content passed when the file was written, are skipped.

What other modules derive from the shipped pack alone is kept beside it the same way
(:func:`cached_data`): the durable-rules compile (advisor.engine.durable) and the readable
citations (:attr:`RulePack.readable_citations`); ``use`` reads the data back and refuses what is
not in its shape.

Safely: the cache is JSON, never pickle, so reading it runs no code that anyone who can write the
directory could have put there. Its file name is a
SHA-256 of everything the pack depends on: the bytes of every file of the pack (not its test
cases, which an assessment does not read), the versions of
advisor, pydantic and Python, and the source of the modules that parse and check packs and of this
one. Any change to one of them reads the YAML again and writes a new file; the directory keeps the
:data:`KEEP` newest files of each kind of pack, so two advisors using it in turn (two checkouts,
two versions) each keep theirs.
The file is one JSON object whose first members are the SHA-256 of the pack's JSON that follows
and the pack's content hash (:attr:`RulePack.hash`, which is then not computed again): a file
whose pack's JSON does not hash to the digest it records (a file cut short or changed), that is
not in this layout, or whose JSON lacks a field of a pack's models or has one more, is not used,
and the next run that reads the pack from its files writes it again. The digest is no
signature: a file rewritten on purpose with a digest of its own is read as written, as a rule
file in the pack's folder would be (and values such a file puts where the models allow no such
value are not caught on reading, as they were while the JSON was validated).

``ADVISOR_CACHE_DIR`` sets the directory (default ``$XDG_CACHE_HOME/samskaping-advisor``, else
``~/.cache/samskaping-advisor``); set to an empty value, nothing is cached. A cache that cannot be
read or written is ignored: the pack is then read from its files as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from types import UnionType
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, RootModel

from ..core import documents
from . import conditions, limits
from . import pack as pack_module
from .conditions import parse_condition
from .pack import RulePack

__all__ = ["cache_dir", "cached_pack", "cached_data", "strings"]

_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)

#: The source files of the modules whose code decides what a pack file means: a change to one
#: invalidates the cache. By file, not by module: a run that finds the pack here does not import
#: advisor.rules.variants (which builds it from the files).
_SOURCES = (
    Path(str(pack_module.__file__)),
    Path(str(conditions.__file__)),
    Path(__file__).with_name("variants.py"),
    Path(str(limits.__file__)),
    Path(str(documents.__file__)),
    Path(__file__),
)


def cache_dir() -> Optional[Path]:
    """The directory of the cache, or ``None`` when ``ADVISOR_CACHE_DIR`` is set empty."""
    given = os.environ.get("ADVISOR_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "samskaping-advisor"


def _key(where: Path, kind: str) -> Optional[str]:
    """The hash of what the pack at ``where`` depends on; ``None`` if a file cannot be read."""
    import pydantic

    from ..core.version import __version__

    digest = hashlib.sha256()
    for part in (kind, __version__, pydantic.VERSION, sys.version):
        digest.update(part.encode("utf-8") + b"\0")
    try:
        # the files the pack is read from: not the test cases of ``*.tests.yaml`` (an assessment
        # does not read them; 61 of the shipped pack's 397 kB)
        files = [
            where / "pack.yaml",
            *sorted(
                p
                for p in where.glob("*.yaml")
                if p.name != "pack.yaml" and not p.name.endswith(pack_module.TESTS_SUFFIX)
            ),
        ]
        files.extend(_SOURCES)
        for file in files:
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


#: How many cache files of one kind of pack the directory keeps (the newest; the file written counts).
KEEP = 8

#: How a cache file begins: the SHA-256 of the pack's JSON that follows it, then the pack's hash.
_HEAD = b'{"digest":"'
_MID = b'","hash":"'
_TAIL = b'","pack":'


def _read(file: Path, origin: str) -> Optional[RulePack]:
    """The pack in ``file``, or ``None`` when the file is not one this module wrote for the same
    content (its JSON does not hash to the digest it records) or does not validate."""
    try:
        found = _checked(file.read_bytes(), len(_MID) + 64 + len(_TAIL))
        if found is None or not (found[0].startswith(_MID) and found[0].endswith(_TAIL)):
            return None
        head, body = found
        # Byte for byte the JSON this module wrote of a validated pack: made again without
        # validation, which would first build the validators of the pack's models (tests
        # check the pack equals the validated one, field for field).
        pack = _constructed(RulePack, json.loads(body)).model_copy(update={"origin": origin})
        for rule in pack.rules:
            if rule.when is not None:
                rule._condition = parse_condition(rule.when, ("when",))
            if rule.done_when is not None:
                rule._guard = parse_condition(rule.done_when, ("done_when",))
    except Exception:  # a cache that cannot be used: the pack is read from its files instead
        return None
    # The content is byte for byte what was written with this hash, so the hash is not computed
    # again (a model dump and a SHA-256 of it: a third of reading the cache).
    pack.__dict__["hash"] = head[len(_MID) : len(_MID) + 64].decode("ascii")
    return pack


_new = object.__new__
_set = object.__setattr__
# The setters of the slots every pydantic model has, called directly (as model_construct sets them).
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__

#: How to make each model of a pack from its JSON data, by model class (see :func:`_maker`).
_MAKERS: dict[type, Callable[[Any], Any]] = {}


def _constructed(cls: type[_M], data: Any) -> _M:
    """The model ``cls`` (a pack or a part of one) from the JSON data of a validated one, made as
    pydantic's ``model_construct`` makes a model, the models it holds too; an exception for data
    that does not have every field of the model and no other (a file of another layout). The
    model takes ``data`` over (its dicts become the models' ``__dict__``): data of json.loads."""
    return _maker(cls)(data)  # type: ignore[no-any-return]


def _maker(cls: type[BaseModel]) -> Callable[[Any], Any]:
    """A function making the model ``cls`` from JSON data, made from the annotations of its fields:
    models (a text is a root model), optional ones, tuples and dicts of them, tuples of values."""
    maker = _MAKERS.get(cls)
    if maker is not None:
        return maker
    if issubclass(cls, RootModel):

        def make_root(data: Any) -> Any:
            instance = _new(cls)
            _set(instance, "__dict__", {"root": data})
            _set_fields(instance, {"root"})
            _set_extra(instance, None)
            _set_private(instance, None)
            return instance

        _MAKERS[cls] = make_root
        return make_root
    # Every field is in the JSON but those a pack's JSON leaves out (its origin), which get
    # their defaults and, as in a validated model, are not among the fields set.
    names = frozenset(name for name, field in cls.model_fields.items() if not field.exclude)
    converting = [
        (name, convert)
        for name, field in cls.model_fields.items()
        if not field.exclude and (convert := _converter(field.annotation)) is not None
    ]
    left_out = {
        name: field.get_default(call_default_factory=True) for name, field in cls.model_fields.items() if field.exclude
    }
    private = {name: attr.get_default() for name, attr in cls.__private_attributes__.items()} or None

    def make(data: Any) -> Any:
        # ``data`` is a fresh object of json.loads, in field order: it becomes the model's __dict__
        if data.keys() != names:
            raise ValueError(f"not the fields of {cls.__name__}")
        for name, convert in converting:
            data[name] = convert(data[name])
        instance = _new(cls)
        _set_fields(instance, set(names))
        if left_out:
            data.update(left_out)
        _set(instance, "__dict__", data)
        _set_extra(instance, None)
        _set_private(instance, None if private is None else dict(private))
        return instance

    _MAKERS[cls] = make
    return make


def _converter(annotation: Any) -> Optional[Callable[[Any], Any]]:
    """What makes a field's value of the JSON data: ``None`` where the data is the value."""
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _maker(annotation)
    if origin is Union or origin is UnionType:
        inner = [a for a in args if a is not type(None)]
        convert = _converter(inner[0]) if len(inner) == 1 else None
        return None if convert is None else (lambda value: None if value is None else convert(value))
    if origin is tuple or origin is list:
        item, kind = _converter(args[0]), origin
        if item is None:
            return kind
        each: Callable[[Any], Any] = item
        return lambda value: kind(map(each, value))
    if origin is dict:
        item = _converter(args[1])
        if item is None:
            return None
        every: Callable[[Any], Any] = item
        return lambda value: {key: every(v) for key, v in value.items()}
    return None


def _checked(blob: bytes, head_length: int) -> Optional[tuple[bytes, bytes]]:
    """The head (``head_length`` bytes after the digest) and the JSON of a file's bytes ``blob``,
    or ``None`` when they are not in the layout :func:`_store` writes or the JSON does not hash
    to the digest the file records."""
    digest_at = len(_HEAD)
    body_at = digest_at + 64 + head_length
    if not blob.startswith(_HEAD) or not blob.endswith(b"}") or len(blob) <= body_at:
        return None
    body = blob[body_at:-1]
    if hashlib.sha256(body).hexdigest().encode("ascii") != blob[digest_at : digest_at + 64]:
        return None
    return blob[digest_at + 64 : body_at], body


def _write(directory: Path, kind: str, name: str, pack: RulePack) -> None:
    content = pack.model_dump(mode="json", exclude={"origin"})
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _store(directory, name, f"pack-{kind}-*.json", _MID + pack.hash.encode("ascii") + _TAIL, body)


def _store(directory: Path, name: str, kind: str, head: bytes, body: bytes) -> None:
    """Write ``directory/name`` atomically: the digest of ``body``, then ``head`` and ``body``; keep
    the :data:`KEEP` newest files whose names match the pattern ``kind`` (the file written counts)."""
    import tempfile  # only where a file is written (with shutil, bz2 and lzma: ~2 ms to import)

    try:
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(body).hexdigest().encode("ascii")
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_HEAD + digest + head + body + b"}")
            os.replace(temporary, directory / name)
        except BaseException:
            os.unlink(temporary)
            raise
        # Only the oldest go: two advisors sharing the directory (two checkouts, two versions) would
        # otherwise evict each other's file at every run and never read the pack from here.
        others = []
        for other in directory.glob(kind):
            if other.name != name:
                try:
                    others.append((other.stat().st_mtime_ns, other.name, other))
                except OSError:  # removed meanwhile by another process
                    pass
        for _, _, old in sorted(others, reverse=True)[KEEP - 1 :]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def cached_pack(where: Path, kind: str, origin: str, build: Callable[[], RulePack]) -> RulePack:
    """The pack at ``where`` as ``build()`` makes it, from the cache when it holds it. ``kind``
    names the builder (packs of different builders are cached apart); ``origin`` is the pack's
    ``origin``, which its content and so the cache leave out."""
    directory = cache_dir()
    key = _key(where, kind) if directory is not None else None
    if directory is None or key is None:
        return build()
    name = f"pack-{kind}-{key}.json"
    pack = _read(directory / name, origin) if (directory / name).is_file() else None
    if pack is None:
        pack = build()
        _write(directory, kind, name, pack)
    _SERVED[pack.hash] = key
    return pack


#: The packs this module read or wrote: the key of each one's file (:func:`_key`) by the pack's
#: hash. What is derived from them is kept here too.
_SERVED: dict[str, str] = {}

#: How a file of derived data begins: the SHA-256 of the JSON that follows it.
_DATA = b'","data":'


def cached_data(
    pack: RulePack, name: str, sources: Sequence[str], build: Callable[[], Any], use: Callable[[Any], _T]
) -> _T:
    """``use(build())``, where ``build()`` derives plain JSON data from ``pack`` alone (by the code
    of the files ``sources``): for a pack this cache holds (the shipped one), the data is kept in a
    file of its own beside the pack and ``use`` is given what the file holds, read back as JSON.

    The file's name is a SHA-256 of what the data depends on: ``name``, the pack's content hash,
    the key of the pack's own file (the versions of advisor, pydantic and Python, the source of
    the modules that read packs) and the files ``sources``. A file whose JSON does not hash to the digest it records is not used,
    nor one that ``use`` refuses (raises an exception for): the data is then built again and the
    file written again. The data is JSON, never pickle, as the pack is: reading it runs no code.
    Other packs (a user's, research variants) are derived each time, as without a cache."""
    directory = cache_dir()
    key = _data_key(pack, name, sources) if directory is not None else None
    if directory is None or key is None:
        return use(build())
    file = directory / f"data-{name}-{key}.json"
    try:
        found = _checked(file.read_bytes(), len(_DATA))
    except OSError:
        found = None
    if found is not None and found[0] == _DATA:
        try:
            return use(json.loads(found[1]))
        except Exception:  # not in the shape ``use`` reads: built and written again
            pass
    body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _store(directory, file.name, f"data-{name}-*.json", _DATA, body)
    # What is used is the data as a later run reads it back: the same objects either way.
    return use(json.loads(body))


def strings(value: Any) -> tuple[str, ...]:
    """``value`` (a list of strings in data :func:`cached_data` read) as a tuple; TypeError for
    anything else, for a ``use`` that refuses data not in its shape."""
    if type(value) is not list:
        raise TypeError("not a list of strings")
    "".join(value)  # a TypeError unless every item is a string (in C: cheaper than a check each)
    return tuple(value)


def _data_key(pack: RulePack, name: str, sources: Sequence[str]) -> Optional[str]:
    """The hash of what data ``name`` derived from ``pack`` depends on: the key of the pack's own
    file (:func:`_key`: the versions and the code that reads packs), the pack's content hash and
    the files ``sources``; ``None`` for a pack this cache does not hold or a file that cannot be read."""
    served = _SERVED.get(pack.hash)
    if served is None:
        return None
    digest = hashlib.sha256()
    for part in ("data", name, served, pack.hash):
        digest.update(part.encode("utf-8") + b"\0")
    try:
        for file in map(Path, sources):
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()
