"""Read profiles from YAML or JSON files, with errors that name the file, field and line.

JSON (a ``.json`` file, a line of a JSON Lines file) is first validated by pydantic straight from
its bytes (:func:`_from_json`), three times faster than parsing it and validating the data; what
that way might read otherwise than the line-tracking way (an error, a duplicate key) is read again
that way, so that the profile and every message are the same.
"""

from __future__ import annotations

import json
import os
import typing
from typing import Any, Optional, Union

from pydantic import BaseModel, ValidationError

from ..core.documents import Document, no_duplicates, parse_bytes, parse_text, read_bytes
from ..core.errors import ProfileError, did_you_mean, shorten
from .model import Profile

__all__ = ["load_profile", "load_profile_line", "parse_profile"]


def _model_at(loc: tuple[Union[str, int], ...]) -> Optional[type[BaseModel]]:
    """The pydantic model that holds the field at ``loc`` (or ``None``)."""
    model: Any = Profile
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        model = _inner_model(model.model_fields[part].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in typing.get_args(arg):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _error_from(exc: ValidationError, doc: Document) -> ProfileError:
    errors = exc.errors()
    first = errors[0]
    loc = tuple(
        p for p in first["loc"] if not (isinstance(p, str) and p.startswith(("literal[", "list[", "function-")))
    )
    kind = first["type"]
    value = first.get("input")
    hint: Optional[str] = None
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        choices = list(model.model_fields) if model else []
        match = did_you_mean(str(loc[-1]), choices)
        message = f"unknown field {shorten(repr(loc[-1]))}"
        hint = f"did you mean {match!r}?" if match else ("allowed here: " + ", ".join(choices) if choices else None)
    elif kind == "literal_error":
        expected = str(first.get("ctx", {}).get("expected", ""))
        choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",") if c.strip(" '")]
        match = did_you_mean(str(value), choices)
        message = f"{shorten(repr(value))} is not allowed"
        hint = (
            (f"did you mean {match!r}? " if match else "")
            + "use one of: "
            + ", ".join(choices)
            + ", or leave it out if unknown"
        )
    elif kind in ("model_type", "dict_type"):
        message = f"expected a mapping of fields, got {type(value).__name__} {shorten(repr(value))}"
        hint = "write `field: value` lines indented under it"
    elif kind == "list_type":
        message = f"expected a list, got {type(value).__name__}"
        hint = "write one `- item` per line, or [] for none"
    elif kind.startswith("bool"):
        message = f"expected true or false, got {shorten(repr(value))}"
        hint = "write true or false, or leave it out if unknown"
    elif kind == "finite_number":
        message = f"must be a finite number, got {shorten(repr(value))}"
        hint = "write a number, or leave it out if unknown"
    elif kind.startswith(("int", "float")):
        message = f"expected a number, got {shorten(repr(value))}"
        hint = "write a number, or leave it out if unknown"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = first["msg"].replace("Input should be", "must be") + f", got {shorten(repr(value))}"
        hint = "correct the value, or leave it out if unknown"
    elif kind == "string_too_long" and isinstance(value, str):
        limit = (first.get("ctx") or {}).get("max_length")
        message = f"is too long: at most {limit} characters, got {len(value)}"
        hint = "shorten it"
    elif kind.startswith("string"):
        message = first["msg"].replace("Input should be", "must be") + f", got {shorten(repr(value))}"
        hint = "write text, quoted if it looks like a number or true/false"
    elif kind == "too_long":
        context = first.get("ctx") or {}
        message = f"has too many items: at most {context.get('max_length')}, got {context.get('actual_length')}"
        hint = "split the profile"
    else:
        message = first["msg"]
        hint = "see `advisor schema` for the allowed fields"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ProfileError(message, file=doc.file, path=loc, line=doc.line_of(loc), hint=hint)


def _validate(doc: Document) -> Profile:
    if doc.data is None:
        raise ProfileError(
            "profile is empty", file=doc.file, hint="write at least `context: {name: ...}`; see examples/"
        )
    if not isinstance(doc.data, dict):
        raise ProfileError(
            f"a profile must be a mapping of sections, not a {type(doc.data).__name__}",
            file=doc.file,
            line=doc.line_of(()) or 1,  # a JSON Lines file's line; where a document begins
            hint="start with `context:`, `plan:` ...; see examples/",
        )
    try:
        return Profile.model_validate(doc.data)
    except ValidationError as exc:
        raise _error_from(exc, doc) from None


#: For each model of the profile, the names of its fields that hold a model or a list of them.
_NESTED: dict[type[BaseModel], tuple[str, ...]] = {}


def _key_count(model: BaseModel) -> int:
    """How many keys the JSON object of ``model`` and those inside it were validated from: every
    field set (``model_fields_set``: unknown keys are refused), each once."""
    cls = type(model)
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = tuple(
            name for name, info in cls.model_fields.items() if _inner_model(info.annotation) is not info.annotation
        )
    count = len(model.__pydantic_fields_set__)
    values = model.__dict__
    for name in nested:
        value = values[name]
        if isinstance(value, BaseModel):
            count += _key_count(value)
        elif value is not None:
            count += sum(_key_count(item) for item in value)
    return count


def _from_json(raw: bytes) -> Optional[Profile]:
    """The profile of the JSON ``raw`` (UTF-8, a byte order mark allowed), validated by pydantic
    straight from the bytes; ``None`` where the line-tracking way must decide: on any error (for
    its message), and where a key may be there twice (pydantic keeps the last one silently).

    Outside strings, a colon in JSON ends a key, so a text with as many colons as the profile has
    keys has neither a duplicate key (one more colon) nor a colon in a string; any other count
    (a colon in a name, say) goes the line-tracking way, which decides."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        profile = Profile.model_validate_json(raw)
    except ValidationError:
        return None
    return profile if raw.count(b":") == _key_count(profile) else None


def load_profile(path: "Union[str, os.PathLike[str]]") -> Profile:
    """Read a profile from a YAML or JSON file. Raises :class:`~advisor.core.errors.ProfileError`."""
    name, raw = read_bytes(path, ProfileError, "profile")
    if name.lower().endswith(".json"):
        profile = _from_json(raw)
        if profile is not None:
            return profile
    return _validate(parse_bytes(name, raw, ProfileError, "profile", lazy_lines=True))


def load_profile_line(text: Union[str, bytes], file: str, line: int) -> Profile:
    """Read the profile on one line of a JSON Lines file; errors name ``file`` and ``line``."""
    if isinstance(text, bytes):
        profile = _from_json(text)
    else:  # json.loads takes a byte order mark in bytes, not in text
        profile = None if text.startswith("\ufeff") else _from_json(text.encode("utf-8", "surrogatepass"))
    if profile is not None:
        return profile
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"not valid JSON: {exc.msg}", file=file, line=line, hint=f"check column {exc.colno} of that line"
        ) from None
    except ValueError as exc:
        raise ProfileError(
            f"not valid JSON: {exc}",
            file=file,
            line=line,
            hint="keep one of the duplicate keys, or save the file as UTF-8",
        ) from None
    except RecursionError:
        raise ProfileError("nested too deeply", file=file, line=line, hint="flatten the document") from None
    return _validate(Document(file=file, data=data, lines={(): line}))


def parse_profile(data: Union[str, dict[str, Any]], *, name: str = "<profile>") -> Profile:
    """Validate a profile given as YAML/JSON text or as plain data."""
    if isinstance(data, str):
        return _validate(parse_text(data, name, ProfileError))
    return _validate(Document(file=name, data=data))
