"""The intake interview (``advisor init``): ask the questions of a profile, write a commented YAML.

The interview walks every field of the profile model section by section (the fields come from
:func:`advisor.profile.schema.profile_fields` and :func:`~advisor.profile.schema.arena_fields` at run time, so
fields added to the model are asked at once), in English or Norwegian bokmål, with the questions
of :mod:`advisor.profile.questions`. "Don't know" (Enter or ``?``) is always allowed and leaves the fact
unknown. Arenas are a repeatable group. Started from a partly filled profile, it keeps what is
known and asks only what is missing.

Input and output go through an :class:`IntakeIO` (``say``, ``ask``), so the interview runs the
same under click, in tests and elsewhere. :func:`run_intake` is the whole command: resume, ask
before overwriting another file (Enter keeps it), interview, write atomically. Cut off (Ctrl-C, or
the input ends), it writes the answers given so far, so that ``--resume`` goes on from there.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Protocol, Union

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..core.io import write_atomic
from ..profile.descriptions import field_description
from ..profile.io import load_profile, parse_profile
from ..profile.schema import DERIVED_ARENA_FACTS, FieldSpec, arena_fields, profile_fields
from ..core.errors import InputError, ProfileError
from ..engine.facts import profile_facts
from ..core.i18n import t
from ..profile.model import SCHEMA_FILE, Profile
from ..profile.questions import question_for, question_text, section_title, value_label
from .whatif import parse_value

__all__ = [
    "IntakeIO",
    "IntakeResult",
    "sections",
    "interview",
    "profile_yaml",
    "write_atomic",
    "run_intake",
    "count_facts",
    "InterviewInterrupted",
]

_DONT_KNOW = ("", "?")
#: Width of the comment lines in the written profile.
COMMENT_WIDTH = 100


class IntakeIO(Protocol):
    """Where the interview talks and listens."""

    def say(self, text: str) -> None:
        """Show a line."""

    def ask(self, prompt: str) -> str:
        """Ask and return the answer as typed ("" for just Enter). Raises ``KeyboardInterrupt``
        when the user cuts the interview off (Ctrl-C, or the input ends)."""


class IntakeResult(BaseModel):
    """What :func:`run_intake` did."""

    model_config = ConfigDict(frozen=True)

    path: str
    written: bool
    known: int = 0
    unknown: int = 0
    profile: Optional[Profile] = None
    #: The interview was cut off: what was written are the answers given until then.
    interrupted: bool = False


class _Invalid(Exception):
    pass


class InterviewInterrupted(Exception):
    """The interview was cut off; ``answers`` are the answers given until then (and what the
    resumed profile knew)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__("interview cut off")
        self.answers = answers


# --------------------------------------------------------------------------------------------
# the fields


def sections() -> dict[str, list[FieldSpec]]:
    """The fact fields of a profile by section, in model order (arenas left out)."""
    out: dict[str, list[FieldSpec]] = {name: [] for name in Profile.model_fields if name != "arenas"}
    for path, spec in profile_fields().items():
        if path in DERIVED_ARENA_FACTS:
            continue
        out.setdefault(path.split(".")[0], []).append(spec)
    return out


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted fact path of a profile's data, or None where a part is missing."""
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted fact path, making the objects on the way."""
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[leaf] = value


def count_facts(profile: Profile) -> tuple[int, int]:
    """(known, unknown) facts of ``profile``: every field, arena fields once per arena."""
    data = profile.model_dump(mode="python", exclude_none=True)
    leaves = [s.path for specs in sections().values() for s in specs]
    known = sum(get_path(data, p) is not None for p in leaves)
    unknown = len(leaves) - known
    if profile.arenas is None:
        unknown += 1
    else:
        for arena in data.get("arenas", []):
            known += len(arena)
            unknown += len(arena_fields()) - len(arena)
    return known, unknown


# --------------------------------------------------------------------------------------------
# asking


def _question(key: str, spec: FieldSpec, lang: str) -> str:
    return (
        question_for(key, lang) or field_description(key, lang) or key
    )  # a field added without a question (a test catches it)


def _choices_line(spec: FieldSpec, lang: str) -> str:
    parts = []
    for i, value in enumerate(spec.values, 1):
        label = value_label(value, lang)
        shown = value if label in (value, value.replace("_", " ")) else f"{value} ({label})"
        parts.append(f"[{i}] {shown}")
    return "   " + "  ".join(parts)


def _hint(spec: FieldSpec, lang: str) -> str:
    if spec.kind in ("ordinal", "nominal"):
        return t(lang, "init.hint.choice")
    return t(lang, f"init.hint.{spec.kind}")


def _parse_answer(spec: FieldSpec, answer: str, lang: str) -> Any:
    if spec.kind in ("ordinal", "nominal"):
        if answer.isdigit() and 1 <= int(answer) <= len(spec.values):
            return spec.values[int(answer) - 1]
        for value in spec.values:
            if answer.lower() in (value, value.replace("_", " "), value_label(value, lang).lower()):
                return value
        raise _Invalid(t(lang, "init.bad_choice", n=len(spec.values)))
    try:
        return parse_value(spec, answer.replace(",", ".") if spec.kind == "float" else answer)
    except ProfileError:
        raise _Invalid(t(lang, f"init.bad_{spec.kind}")) from None


def _ask(io: IntakeIO, lang: str, key: str, spec: FieldSpec, check: Callable[[Any], None]) -> Any:
    """Ask for one fact until the answer is valid; ``None`` for "don't know"."""
    text = _question(key, spec, lang)
    if spec.kind in ("ordinal", "nominal"):
        io.say(_choices_line(spec, lang))
    while True:
        answer = io.ask(f"{text} [{_hint(spec, lang)}]").strip()
        if answer in _DONT_KNOW or answer.lower() == "null":
            return None
        try:
            value = _parse_answer(spec, answer, lang)
            check(value)
            return value
        except _Invalid as exc:
            io.say(t(lang, "init.invalid", error=str(exc)))


def _yes_no(io: IntakeIO, lang: str, prompt: str, dont_know: bool) -> Optional[bool]:
    spec = FieldSpec("answer", "bool")
    hint = t(lang, "init.hint.bool" if dont_know else "init.hint.yes_no")
    while True:
        answer = io.ask(f"{prompt} [{hint}]").strip()
        if answer in _DONT_KNOW:
            return None if dont_know else False
        try:
            value: Optional[bool] = parse_value(spec, answer)
            return value
        except ProfileError:
            io.say(t(lang, "init.invalid", error=t(lang, "init.bad_bool")))


def _checker(data: dict[str, Any], put: Callable[[dict[str, Any], Any], None], lang: str) -> Callable[[Any], None]:
    """A check that the profile stays valid with the answer in it (ranges, lengths)."""

    def check(value: Any) -> None:
        trial = _copy(data)
        put(trial, value)
        try:
            Profile.model_validate(trial)
        except ValidationError as exc:
            problem = _range_problem(exc, value, lang)
            if problem is None:  # anything else: the profile reader's own message
                try:
                    parse_profile(trial, name="answer")
                except ProfileError as error:
                    problem = error.message
            raise _Invalid(problem or str(exc)) from None

    return check


#: The limits of the profile model an answer can break, and how the interview names each.
_LIMITS = {
    "greater_than_equal": ("ge", "init.too_small"),
    "less_than_equal": ("le", "init.too_large"),
    "greater_than": ("gt", "init.not_above"),
    "less_than": ("lt", "init.not_below"),
    "string_too_long": ("max_length", "init.too_long"),
}


def _range_problem(exc: ValidationError, value: Any, lang: str) -> Optional[str]:
    """A broken limit of the profile model (a range, a length) in ``lang``, else None."""
    error = exc.errors()[0]
    limit = _LIMITS.get(error["type"])
    if limit is None:
        return None
    key, text = limit
    return t(lang, text, limit=error.get("ctx", {}).get(key), value=value)


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def _ask_arena(io: IntakeIO, lang: str, data: dict[str, Any], index: int) -> None:
    arena = data["arenas"][index]
    missing = [spec for name, spec in arena_fields().items() if arena.get(name) is None]
    if not missing:
        return
    name = arena.get("name")
    io.say("")
    io.say(t(lang, "init.arena_named", i=index + 1, name=name) if name else t(lang, "init.arena", i=index + 1))
    for spec in missing:

        def put(trial: dict[str, Any], value: Any, field: str = spec.path) -> None:
            trial["arenas"][index][field] = value

        value = _ask(io, lang, f"arenas[].{spec.path}", spec, _checker(data, put, lang))
        if value is not None:
            arena[spec.path] = value


def interview(io: IntakeIO, lang: str = "en", start: Optional[Profile] = None) -> Profile:
    """Ask every fact ``start`` does not know yet; return the profile with the answers. Raises
    :class:`InterviewInterrupted` with the answers so far when ``io`` is cut off."""
    data: dict[str, Any] = start.model_dump(mode="python", exclude_none=True) if start is not None else {}
    try:
        return _interview(io, lang, data)
    except KeyboardInterrupt:
        raise InterviewInterrupted(data) from None


def _interview(io: IntakeIO, lang: str, data: dict[str, Any]) -> Profile:
    groups = sections()
    total = len(groups) + 1
    io.say(t(lang, "init.intro"))
    for number, (section, specs) in enumerate(groups.items(), 1):
        missing = [spec for spec in specs if get_path(data, spec.path) is None]
        if not missing:
            continue
        title = section_title(section, lang)
        io.say("")
        heading = t(lang, "init.section", title=title, i=number, n=total)
        io.say(heading)
        io.say("=" * len(heading))
        for spec in missing:

            def put(trial: dict[str, Any], value: Any, path: str = spec.path) -> None:
                set_path(trial, path, value)

            value = _ask(io, lang, spec.path, spec, _checker(data, put, lang))
            if value is not None:
                set_path(data, spec.path, value)
    # arenas: a repeatable group
    arenas = data.get("arenas")
    heading = t(lang, "init.section", title=section_title("arenas", lang), i=total, n=total)
    io.say("")
    io.say(heading)
    io.say("=" * len(heading))
    if arenas is None:
        has = _yes_no(io, lang, question_text("arenas", lang), dont_know=True)
        if has is None:
            return parse_profile(data, name="answers")
        data["arenas"] = []
        if not has:
            return parse_profile(data, name="answers")
        data["arenas"].append({})
        _ask_arena(io, lang, data, 0)
    else:
        for index in range(len(arenas)):
            _ask_arena(io, lang, data, index)
    while len(data["arenas"]) < 500 and _yes_no(io, lang, t(lang, "init.another_arena"), dont_know=False):
        data["arenas"].append({})
        _ask_arena(io, lang, data, len(data["arenas"]) - 1)
    return parse_profile(data, name="answers")


# --------------------------------------------------------------------------------------------
# writing


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    text = text[: -len("\n...\n")] if text.endswith("\n...\n") else text.rstrip("\n")
    if "\n" in text:  # pragma: no cover - safe_dump keeps one-line strings on one line
        import json

        text = json.dumps(value, ensure_ascii=False)
    return text


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, COMMENT_WIDTH - len(indent) - 2)] or [f"{indent}#"]


def _field_lines(key: str, spec: FieldSpec, name: str, value: Any, indent: str, lang: str) -> list[str]:
    out = _comment(_question(key, spec, lang), indent)
    if spec.kind in ("ordinal", "nominal"):
        out += _comment(f"{t(lang, 'init.yaml_values')}: " + " | ".join(spec.values), indent)
    out.append(f"{indent}{name}: {_scalar(value)}" if value is not None else f"{indent}# {name}:")
    return out


def profile_yaml(profile: Profile, lang: str = "en") -> str:
    """``profile`` as YAML with every field commented by its question.

    Unknown fields are written as comments (``# knowledge_base:``) under their section, to be
    filled in later; a section with nothing known reads as null (unknown).
    """
    data = profile.model_dump(mode="python", exclude_none=True)
    # The first line lets editors with the YAML language server validate and complete the file,
    # once `advisor schema > profile.schema.json` has written the schema beside it.
    out = [f"# yaml-language-server: $schema={SCHEMA_FILE}"]
    out += _comment(t(lang, "init.yaml_head"), "") + _comment(t(lang, "init.yaml_unknown"), "")
    for section, specs in sections().items():
        title = section_title(section, lang)
        out += ["", f"# --- {title} ---", f"{section}:"]
        opened: tuple[str, ...] = (section,)
        for spec in specs:
            parts = spec.path.split(".")
            parents = tuple(parts[:-1])
            if parents != opened:
                common = 0
                while common < min(len(parents), len(opened)) and parents[common] == opened[common]:
                    common += 1
                for depth in range(common, len(parents)):
                    out.append(f"{'  ' * depth}{parents[depth]}:")
                opened = parents
            out += _field_lines(spec.path, spec, parts[-1], get_path(data, spec.path), "  " * len(parents), lang)
    out += ["", f"# --- {section_title('arenas', lang)} ---"]
    fields = arena_fields()
    if profile.arenas is None:
        out += _comment(t(lang, "init.yaml_arenas_unknown"), "")
        out.append("# arenas:")
        out.append("#   - " + ": ...\n#     ".join(fields) + ": ...")
    elif not profile.arenas:
        out += _comment(t(lang, "init.yaml_no_arenas"), "")
        out.append("arenas: []")
    else:
        out.append("arenas:")
        for arena in data["arenas"]:
            out.append("  -" if arena else "  - {}")
            for name, spec in fields.items():
                out += _field_lines(f"arenas[].{name}", spec, name, arena.get(name), "    ", lang)
    text = "\n".join(out) + "\n"
    if profile_facts(parse_profile(text, name="profile_yaml")) != profile_facts(profile):  # pragma: no cover
        raise AssertionError("the written profile does not read back as the same profile")
    return text


def run_intake(
    io: IntakeIO,
    output: "Union[str, os.PathLike[str]]",
    *,
    lang: str = "en",
    resume: "Union[str, os.PathLike[str], None]" = None,
) -> IntakeResult:
    """The whole ``advisor init``: read ``resume`` (if given), ask before overwriting ``output``,
    interview, and write the profile atomically."""
    start = load_profile(resume) if resume is not None else None
    target = Path(output)
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a directory", hint="give a file name such as profile.yaml")
    continuing = resume is not None and target.exists() and target.resolve() == Path(resume).resolve()
    try:
        if target.exists() and not continuing and not _overwrite(io, lang, str(target)):
            return IntakeResult(path=str(target), written=False)
    except KeyboardInterrupt:
        return IntakeResult(path=str(target), written=False, interrupted=True)
    if start is not None:
        io.say(t(lang, "init.resume", file=str(resume), known=count_facts(start)[0]))
    interrupted = False
    try:
        profile = interview(io, lang, start)
    except InterviewInterrupted as cut:
        profile, interrupted = _partial_profile(cut.answers, start), True
    write_atomic(target, profile_yaml(profile, lang))
    known, unknown = count_facts(profile)
    return IntakeResult(
        path=str(target), written=True, known=known, unknown=unknown, profile=profile, interrupted=interrupted
    )


def _overwrite(io: IntakeIO, lang: str, path: str) -> bool:
    """Whether to overwrite ``path``: yes or no, and Enter (as everywhere in the interview,
    "nothing given") keeps the file, which the question says."""
    while True:
        answer = io.ask(f"{t(lang, 'init.overwrite', path=path)} [{t(lang, 'init.hint.overwrite')}]").strip()
        if answer == "":
            return False
        try:
            return bool(parse_value(FieldSpec("answer", "bool"), answer))
        except ProfileError:
            io.say(t(lang, "init.invalid_yes_no"))


def _partial_profile(answers: dict[str, Any], start: Optional[Profile]) -> Profile:
    """The profile of the answers given before the interview was cut off: an arena left without
    any answer is dropped; should the answers not make a valid profile, what was known at the start."""
    data = _copy(answers)
    if isinstance(data.get("arenas"), list):
        data["arenas"] = [a for a in data["arenas"] if a]
    try:
        return parse_profile(data, name="answers")
    except ProfileError:  # pragma: no cover - every answer was checked as it was given
        return start if start is not None else Profile()
