"""The informant form, generated from the profile model.

The sections and fields come from :func:`advisor.tools.intake.sections` and the arena fields from the
profile model at run time (as ``advisor init`` asks them), the questions and value labels from
:mod:`advisor.profile.questions`, the help text from the fields' descriptions in the form's language
(:func:`advisor.profile.descriptions.field_description`). Every question has "don't
know": an empty choice, an empty box. Arenas are a repeatable group.

A posted form is read back field by field (the values the same as ``advisor init`` and
``advisor whatif --set`` accept) and then validated as a whole by the profile model, so that a
form gives the same one-line errors as a file. A form that does not validate is shown again with
everything typed in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ._lib import (
    section_title,
    FieldSpec,
    Profile,
    ProfileError,
    arena_fields,
    count_facts,
    error_line,
    get_path,
    field_description,
    parse_profile,
    parse_value,
    question_text,
    sections,
    set_path,
    value_label,
)

__all__ = [
    "FormField",
    "FormSection",
    "ArenaForm",
    "FormView",
    "raw_from_profile",
    "read_post",
    "to_profile",
    "form_view",
]

#: At most this many arenas in one form (the interview's limit).
MAX_ARENAS = 500


@dataclass
class FormField:
    name: str  # the form field's name: the fact path, arenas as arenas.I.FIELD
    kind: str  # bool | int | float | str | ordinal | nominal
    label: str
    help: str
    value: str  # as typed; "" is "don't know"
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


@dataclass
class FormSection:
    key: str
    title: str
    fields: list[FormField]


@dataclass
class ArenaForm:
    index: int
    fields: list[FormField]


@dataclass
class FormView:
    sections: list[FormSection]
    arenas_question: str
    arenas_known: str  # "true", "false" or "" (don't know)
    arenas: list[ArenaForm]
    errors: list[str]
    known: int = 0
    total: int = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def raw_from_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's raw values (strings) of a stored profile."""
    raw: dict[str, Any] = {}
    for specs in sections().values():
        for spec in specs:
            raw[spec.path] = _text(get_path(data, spec.path))
    arenas = data.get("arenas")
    raw["arenas"] = "" if arenas is None else ("true" if arenas else "false")
    raw["arena_list"] = [{name: _text(a.get(name)) for name in arena_fields()} for a in (arenas or [])]
    return raw


def _parse(spec: FieldSpec, text: str, where: str, lang: str) -> tuple[Any, str]:
    """``(value, error)`` of one answer; ``""`` is unknown."""
    raw = text.strip()
    if raw == "":
        return None, ""
    if spec.kind in ("ordinal", "nominal") and raw not in spec.values:
        exc = ProfileError(f"{raw!r} is not a value of {where}", hint="use one of: " + ", ".join(spec.values))
        return None, error_line(exc, lang)
    if spec.kind == "float":
        raw = raw.replace(",", ".")
    try:
        return parse_value(spec, raw, where), ""
    except ProfileError as exc:
        exc.file = None  # parse_value names a --set; here the field is named by the page
        return None, error_line(exc, lang)


def read_post(form: Mapping[str, str]) -> dict[str, Any]:
    """The raw values of a posted form, with an arena added or removed as its ``action`` asks."""
    raw: dict[str, Any] = {}
    for specs in sections().values():
        for spec in specs:
            raw[spec.path] = str(form.get(spec.path, ""))[:2000]
    raw["arenas"] = str(form.get("arenas", ""))
    try:
        count = min(int(str(form.get("arena_count", "0"))), MAX_ARENAS)
    except ValueError:
        count = 0
    raw["arena_list"] = [
        {name: str(form.get(f"arenas.{i}.{name}", ""))[:2000] for name in arena_fields()} for i in range(max(count, 0))
    ]
    action = str(form.get("action", "save"))
    if action == "add_arena" and len(raw["arena_list"]) < MAX_ARENAS:
        raw["arenas"] = "true"
        raw["arena_list"].append(dict.fromkeys(arena_fields(), ""))
    elif action.startswith("remove_arena:"):
        try:
            del raw["arena_list"][int(action.split(":", 1)[1])]
        except (ValueError, IndexError):
            pass
    if raw["arenas"] == "true" and not raw["arena_list"]:
        raw["arena_list"].append(dict.fromkeys(arena_fields(), ""))
    return raw


def to_profile(raw: Mapping[str, Any], lang: str) -> tuple[Optional[Profile], dict[str, str], list[str]]:
    """The profile of the raw form values, or the errors: per field, and for the whole."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for specs in sections().values():
        for spec in specs:
            value, error = _parse(spec, raw.get(spec.path, ""), spec.path, lang)
            if error:
                errors[spec.path] = error
            elif value is not None:
                set_path(data, spec.path, value)
    if raw.get("arenas") == "false":
        data["arenas"] = []
    elif raw.get("arenas") == "true":
        data["arenas"] = []
        for i, arena in enumerate(raw.get("arena_list", [])):
            item: dict[str, Any] = {}
            for name, spec in arena_fields().items():
                value, error = _parse(spec, arena.get(name, ""), f"arenas[{i}].{name}", lang)
                if error:
                    errors[f"arenas.{i}.{name}"] = error
                elif value is not None:
                    item[name] = value
            data["arenas"].append(item)
    if errors:
        return None, errors, []
    try:
        return parse_profile(data, name="form"), {}, []
    except ProfileError as exc:
        return None, {}, [error_line(exc, lang)]


def _field(spec: FieldSpec, name: str, question_key: str, value: str, lang: str, error: str) -> FormField:
    help_text = field_description(question_key, lang)
    label = question_text(question_key, lang, help_text or spec.path)
    choices = [(v, value_label(v, lang)) for v in spec.values] if spec.kind in ("ordinal", "nominal") else []
    return FormField(name, spec.kind, label, help_text, value, choices, error)


def form_view(
    raw: Mapping[str, Any],
    lang: str,
    errors: Optional[Mapping[str, str]] = None,
    form_errors: Optional[list[str]] = None,
    profile: Optional[Profile] = None,
) -> FormView:
    """The form of ``raw`` values in ``lang``, with the errors of a failed save."""
    errors = errors or {}
    out: list[FormSection] = []
    for key, specs in sections().items():
        title = section_title(key, lang)
        fields = [_field(s, s.path, s.path, raw.get(s.path, ""), lang, errors.get(s.path, "")) for s in specs]
        out.append(FormSection(key, title, fields))
    arenas = []
    for i, values in enumerate(raw.get("arena_list", [])):
        fields = [
            _field(
                spec,
                f"arenas.{i}.{name}",
                f"arenas[].{name}",
                values.get(name, ""),
                lang,
                errors.get(f"arenas.{i}.{name}", ""),
            )
            for name, spec in arena_fields().items()
        ]
        arenas.append(ArenaForm(i, fields))
    view = FormView(out, question_text("arenas", lang), raw.get("arenas", ""), arenas, list(form_errors or []))
    if profile is not None:
        known, unknown = count_facts(profile)
        view.known, view.total = known, known + unknown
    return view
