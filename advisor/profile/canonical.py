"""A profile as canonical JSON text: what its hash (``profile_hash``) is taken of.

The text is ``json.dumps(profile.model_dump(mode="json", exclude_none=True), sort_keys=True,
ensure_ascii=False)``. It is written here straight from the model's fields, without the dump and
the sorting of every dictionary, by one function per model class made once from its fields
(:func:`_make_writer`): the fields in the order of their sorted names, each key written out in
advance, ``true``, ``false`` and the values of a scale as whole ``"key": value`` texts. That is
about twice as fast, and the same text: a field whose value is not of the exact type its
annotation gives (a model built without validation may hold anything, and pydantic's dump then
converts it or warns), a float that is not finite, or a model that dumps anything but its fields
as they are (a computed field, an alias, a serializer) is written the long way.

Making the functions costs as much as writing over a hundred profiles the long way (their source
is compiled), so the first profile of each class is written the long way and the functions are
made for the second: a command that hashes one profile does not make them (issue 15 §3).
"""

from __future__ import annotations

import json
import math
import typing
from json.encoder import encode_basestring
from typing import Any, Callable, Optional

from pydantic import BaseModel, PlainSerializer, WrapSerializer

__all__ = ["canonical_json"]


class _Unusual(Exception):
    """A value that only the long way writes as it should."""


def _unusual(*_: Any) -> str:
    raise _Unusual


def _float(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    raise _Unusual


_WRITERS: dict[type, Callable[[Any], str]] = {}
#: The classes of which one profile has been written (the long way): the next one makes the writer.
_SEEN: set[type] = set()


def _writer(cls: type[BaseModel]) -> Callable[[Any], str]:
    """The function that writes a model of class ``cls`` (made on first use; a model that holds
    itself is written the long way)."""
    writer = _WRITERS.get(cls)
    if writer is None:
        _WRITERS[cls] = _unusual
        writer = _WRITERS[cls] = _make_writer(cls) or _unusual
    return writer


def _list_writer(cls: type[BaseModel]) -> Callable[[Any], str]:
    """The function that writes a list of models of class ``cls``."""

    def write(items: list[Any]) -> str:
        item = _writer(cls)
        return "[" + ", ".join(item(m) if m.__class__ is cls else _unusual() for m in items) + "]"

    return write


def _plain(annotation: Any) -> Any:
    """``annotation`` without ``Optional``: the one other type of a union with ``None``."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union and len(args) == 1:
        return args[0]
    return annotation


def _field_source(index: int, key: str, annotation: Any, names: dict[str, Any]) -> Optional[str]:
    """The expression that writes a field of type ``annotation`` (not None) as ``"key": value``,
    or raises :class:`_Unusual` for a value not of that exact type; ``None`` for a type this
    module does not write."""
    kind = _plain(annotation)
    if kind is bool:
        return f"{key + 'true'!r} if value is True else {key + 'false'!r} if value is False else _unusual()"
    for cls, write in ((str, "_str"), (int, "_int"), (float, "_float")):
        if kind is cls:
            return f"{key!r} + {write}(value) if value.__class__ is {cls.__name__} else _unusual()"
    if typing.get_origin(kind) is typing.Literal and all(type(v) is str for v in typing.get_args(kind)):
        names[f"_whole{index}"] = {v: key + encode_basestring(v) for v in typing.get_args(kind)}
        return f"value.__class__ is str and _whole{index}.get(value) or _unusual()"
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        names[f"_model{index}"], names[f"_write{index}"] = kind, _writer(kind)
        return f"{key!r} + _write{index}(value) if value.__class__ is _model{index} else _unusual()"
    inner = typing.get_args(kind)
    if typing.get_origin(kind) is list and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
        names[f"_write{index}"] = _list_writer(inner[0])
        return f"{key!r} + _write{index}(value) if value.__class__ is list else _unusual()"
    return None


def _make_writer(cls: type[BaseModel]) -> Optional[Callable[[Any], str]]:
    """A function that writes a model of ``cls``, made from its source (a line per field, in the
    order of their sorted names); ``None`` if the model dumps more or otherwise than its fields as
    they are, or has a field of a type :func:`_field_source` does not write."""
    decorators = cls.__pydantic_decorators__
    if (
        cls.model_computed_fields
        or decorators.field_serializers
        or decorators.model_serializers
        or cls.model_config.get("extra") == "allow"
        or any(
            info.exclude
            or info.alias
            or info.serialization_alias
            or any(isinstance(m, (PlainSerializer, WrapSerializer)) for m in info.metadata)
            for info in cls.model_fields.values()
        )
    ):
        return None
    names: dict[str, Any] = {"_unusual": _unusual, "_str": encode_basestring, "_int": int.__repr__, "_float": _float}
    lines = ["def write(model):", "    values = model.__dict__", "    parts = []", "    add = parts.append"]
    for index, name in enumerate(sorted(cls.model_fields)):
        source = _field_source(index, encode_basestring(name) + ": ", cls.model_fields[name].annotation, names)
        if source is None:
            return None
        lines += [f"    value = values[{name!r}]", "    if value is not None:", f"        add({source})"]
    lines.append("    return '{' + ', '.join(parts) + '}'")
    exec("\n".join(lines), names)  # the source is made above, from the model's field names and types
    writer: Callable[[Any], str] = names["write"]
    return writer


def canonical_json(profile: BaseModel) -> str:
    """``profile`` as ``json.dumps(profile.model_dump(mode="json", exclude_none=True),
    sort_keys=True, ensure_ascii=False)`` writes it (see the module's header)."""
    cls = type(profile)
    try:
        if cls in _WRITERS or cls in _SEEN:
            return _writer(cls)(profile)
        _SEEN.add(cls)
    except _Unusual:
        pass
    return json.dumps(profile.model_dump(mode="json", exclude_none=True), sort_keys=True, ensure_ascii=False)
