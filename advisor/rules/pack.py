"""Rule packs: rules as data, validated by pydantic and by the condition parser when loaded.

A pack is one YAML file, or a directory with ``pack.yaml`` and more ``*.yaml`` files of rules
(read in file-name order). ``docs/RULE-FORMAT.md`` documents the format.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from ..core.documents import Document, read_file
from .limits import term_problems
from .conditions import (
    MAX_TERMS,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    FindingRef,
    Term,
    parse_condition,
    to_dnf,
    walk,
)
from ..core.errors import Problems, RulePackError, did_you_mean
from ..core.scale import Scale
from ..core.text import REQUIRED, Text

__all__ = [
    "Kind",
    "Factor",
    "Phase",
    "Priority",
    "Evidence",
    "Text",
    "Source",
    "Reference",
    "Contrast",
    "Rule",
    "PackInfo",
    "RulePack",
    "build_pack",
    "parse_documents",
    "RuleEntry",
    "default_rules_path",
    "KINDS",
    "FACTORS",
    "PHASES",
    "PRIORITIES",
]

Kind = Literal["strength", "diagnosis", "pitfall", "recommendation"]
Factor = Literal["anchoring", "leadership", "implementation", "relations"]
Phase = Literal["initiation", "design", "implementation", "evaluation"]
Priority = Literal["low", "medium", "high", "critical"]
Evidence = Literal["empirical", "theory", "practice"]
DocumentKind = Literal[
    "mba_thesis", "master_thesis", "phd_thesis", "article", "slides", "memo", "report", "book", "other"
]

#: The kinds of rule, in the order of their stages: a rule may test the findings of earlier stages.
KINDS = Scale.of(Kind)
FACTORS = Scale.of(Factor)
PHASES = Scale.of(Phase)
PRIORITIES = Scale.of(Priority)

_ID = r"^[A-Z]{2,6}-[0-9]{3}$"
_SOURCE = re.compile(
    r"^(?P<doc>[A-Za-z0-9_.-]+\.[a-z]+) §(?P<section>[A-Za-z0-9_.–-]+)"
    r"(?: \((?:lines?|l\.) ?(?P<lines>[0-9]+(?:[-–][0-9]+)?)\))?$"
)


_SHORT_REF = re.compile(r"(?<![-\w.])([0-9]{3})( §|(?=[);,]))")


class _Strict(BaseModel):
    # Validators built when a pack is first validated: the pack cache (advisor.rules.cache)
    # builds a known pack without them (issue 15 §3).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """A citation: ``<seed file name> §<section>``, with a line range where useful."""

    doc: str
    section: str
    lines: Optional[str] = None

    @classmethod
    def parse(cls, text: str) -> "Source":
        match = _SOURCE.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(
                f"{text!r} is not a citation; write '<seed file name> §<section>' optionally followed by ' (lines A-B)'"
            )
        lines = match["lines"].replace("–", "-") if match["lines"] else None
        # Strings the pattern matched are valid values of every field: made without validation,
        # which would first build the model's validator (the arena derivations parse sources at
        # every start; a test checks it equals the validated source).
        return cls.model_construct(doc=match["doc"], section=match["section"], lines=lines)

    def detail(self, lang: str) -> str:
        """The citation for researchers, in ``lang``: file, section and line range."""
        from ..core.i18n import t

        if not self.lines:
            return f"{self.doc} §{self.section}"
        key = "bib.lines" if "-" in self.lines else "bib.line"
        return f"{self.doc} §{self.section}, {t(lang, key, lines=self.lines.replace('-', '–'))}"

    def __str__(self) -> str:
        if not self.lines:
            return f"{self.doc} §{self.section}"
        return f"{self.doc} §{self.section} ({'lines' if '-' in self.lines else 'line'} {self.lines})"


class Reference(_Strict):
    """A document of the pack's bibliography: how findings cite it and how the reference list
    names it. ``author`` is written surname first (``"Lundgren, Patrik"``); citations name the
    surname and the year, or ``short`` for a document without a named author. A title in square
    brackets is a description supplied where the document states no title. ``sections`` gives
    readable names to sections cited by a name rather than a number (``advice`` → the heading)."""

    title: str = Field(min_length=1)
    author: Optional[str] = None
    year: Optional[int] = None
    kind: Optional[DocumentKind] = None
    institution: Optional[str] = None
    short: Optional[Text] = None
    sections: dict[str, Text] = {}

    @classmethod
    def from_title(cls, title: str) -> "Reference":
        """A document given only by its title (the older ``file: title`` form): it is cited by
        its file name, as before."""
        return cls(title=title)

    def label(self, lang: str, file: str) -> str:
        """How a citation names the document in ``lang``: ``Lundgren (2023)``."""
        from ..core.i18n import t

        if self.author:
            name = self.author.split(",")[0].strip()
        elif self.short is not None:
            name = self.short.get(lang)
        else:
            return file
        year = str(self.year) if self.year is not None else t(lang, "bib.no_year")
        return f"{name} ({year})"

    def cite(self, source: "Source", lang: str) -> str:
        """``source`` as a reader can follow it: ``Lundgren (2023) §5.1.5``; no line range."""
        section = self.sections.get(source.section)
        label = self.label(lang, source.doc)
        return f"{label}, {section.get(lang)}" if section is not None else f"{label} §{source.section}"

    def cite_many(self, sources: Sequence["Source"], lang: str) -> str:
        """Several sections of this document in one citation: ``Lundgren (2023) §6, §5.1.5``."""
        label = self.label(lang, sources[0].doc)
        parts = [self.sections[s.section].get(lang) if s.section in self.sections else f"§{s.section}" for s in sources]
        numbered = all(s.section not in self.sections for s in sources)
        return f"{label} {', '.join(parts)}" if numbered else f"{label}, {'; '.join(parts)}"

    def entry(self, lang: str, file: str) -> str:
        """The document in a reference list: ``Author (year). Title. Kind, institution.``"""
        from ..core.i18n import t

        head = self.author or (self.short.get(lang) if self.short is not None else file)
        year = str(self.year) if self.year is not None else t(lang, "bib.no_year")
        out = f"{head} ({year}). {self.title}"
        if not out.endswith(("?", "!", ".")):
            out += "."
        where = [t(lang, "bib.kind." + self.kind)] if self.kind else []
        where += [self.institution] if self.institution else []
        if where:
            text = ", ".join(where)
            out += f" {text[0].upper()}{text[1:]}."
        return out


class Contrast(_Strict):
    """Where another passage disagrees with a rule: the other side's statement and its citation.
    Shown as a contrasting view beside the finding, never as a source that supports it."""

    statement: Text
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("sources", mode="before")
    @classmethod
    def _parse_sources(cls, value: Any) -> Any:
        return _parse_source_list(value)


def _parse_source_list(value: Any) -> Any:
    if isinstance(value, list):
        return [Source.parse(v) if isinstance(v, str) else v for v in value]
    return value


def _overlaps(a: "Source", b: "Source") -> bool:
    """Whether two citations point at the same passage (same document and section, and line
    ranges that overlap, or a range missing on either side)."""
    if a.doc != b.doc or a.section != b.section:
        return False
    if a.lines is None or b.lines is None:
        return True

    def span(lines: str) -> tuple[int, int]:
        lo, _, hi = lines.partition("-")
        return int(lo), int(hi or lo)

    (a_lo, a_hi), (b_lo, b_hi) = span(a.lines), span(b.lines)
    return a_lo <= b_hi and b_lo <= a_hi


class Rule(_Strict):
    """One rule. ``when`` keeps the condition as written; :attr:`condition` is the parsed tree."""

    id: str = Field(pattern=_ID)
    kind: Kind
    factor: Factor
    phase: Phase
    priority: Priority
    evidence: Evidence
    title: Text
    message: Text
    when: Optional[dict[str, Any]] = None
    recommends: tuple[str, ...] = ()
    done_when: Optional[dict[str, Any]] = None
    """For a recommendation: the condition that shows it is already done (its guard)."""
    done_when_none: Optional[str] = Field(default=None, min_length=1)
    """For a recommendation without a guard: why none applies (English)."""
    sources: tuple[Source, ...] = Field(min_length=1)
    contrasts: tuple[Contrast, ...] = ()
    note: Optional[str] = None

    _condition: Optional[Condition] = PrivateAttr(default=None)
    _guard: Optional[Condition] = PrivateAttr(default=None)

    @field_validator("sources", mode="before")
    @classmethod
    def _parse_sources(cls, value: Any) -> Any:
        return _parse_source_list(value)

    @property
    def condition(self) -> Optional[Condition]:
        """The rule's own condition, parsed (``None`` for a recommendation without ``when``)."""
        # From the private attributes' slot: ``self._condition`` goes through pydantic's
        # ``__getattr__`` (a plan and a compile read these about 1,600 times: ~3 ms at start).
        return self.__pydantic_private__["_condition"]  # type: ignore[index,no-any-return]

    @property
    def guard(self) -> Optional[Condition]:
        """A recommendation's ``done_when``, parsed: when it holds, the recommendation does not
        fire; when it is unknown, the recommendation fires as conditional advice."""
        return self.__pydantic_private__["_guard"]  # type: ignore[index,no-any-return]

    @property
    def stage(self) -> int:
        return KINDS.rank(self.kind)


class PackInfo(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_-]+$")
    version: str = "0"
    description: Optional[Text] = None


class RulePack(BaseModel):
    """A validated rule pack. Build it with :func:`load_rules`."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    info: PackInfo
    documents: dict[str, Reference]
    rules: tuple[Rule, ...]
    origin: str = Field(default="", exclude=True, description="Where the pack was read from.")

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the pack's content (not of where it was read from)."""
        content = self.model_dump(mode="json", exclude={"origin"})
        blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @cached_property
    def recommended_by(self) -> dict[str, tuple[str, ...]]:
        """For each recommendation id, the ids of the findings that recommend it."""
        out: dict[str, list[str]] = {}
        for rule in self.rules:
            for target in rule.recommends:
                out.setdefault(target, []).append(rule.id)
        return {key: tuple(value) for key, value in out.items()}

    @cached_property
    def effective_conditions(self) -> dict[str, Condition]:
        """The condition each rule fires on, with recommendation links folded in."""
        out: dict[str, Condition] = {}
        for rule in self.rules:
            parts: list[Condition] = []
            linked = self.recommended_by.get(rule.id, ())
            if rule.kind == "recommendation" and linked:
                refs = tuple(FindingRef(x) for x in linked)
                parts.append(refs[0] if len(refs) == 1 else AnyOf(refs))
            if rule.condition is not None:
                parts.append(rule.condition)
            out[rule.id] = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        return out

    @cached_property
    def dnf(self) -> dict[str, tuple[Term, ...]]:
        """Each rule's effective condition in disjunctive normal form, as the engine runs it."""
        return {rule_id: tuple(to_dnf(cond)) for rule_id, cond in self.effective_conditions.items()}

    @cached_property
    def leaves(self) -> dict[str, tuple[tuple[Compare, ...], tuple[str, ...]]]:
        """For each rule, the comparisons and the finding ids its effective condition tests."""
        out = {}
        for rule_id, condition in self.effective_conditions.items():
            nodes = list(walk(condition))
            compares = tuple(n for n in nodes if isinstance(n, Compare))
            refs = tuple(dict.fromkeys(n.rule_id for n in nodes if isinstance(n, FindingRef)))
            out[rule_id] = (compares, refs)
        return out

    @cached_property
    def citations(self) -> dict[str, tuple[str, ...]]:
        """Each rule's sources as the text users see."""
        return {rule.id: tuple(str(s) for s in rule.sources) for rule in self.rules}

    def cite(self, source: Source) -> Text:
        """``source`` as readers see it, in both languages (``Lundgren (2023) §5.1.5``)."""
        ref = self.documents.get(source.doc) or Reference.from_title(source.doc)
        return Text(en=ref.cite(source, "en"), nb=ref.cite(source, "nb"))

    def cite_all(self, sources: Sequence[Source]) -> tuple[Text, ...]:
        """``sources`` as readers see them, one text per document in order of first citation,
        each section once: ``Lundgren (2023) §6, §5.1.5``, ``Kobro (n.d.), slide «Tykk samskaping»``."""
        groups: dict[str, tuple[Reference, list[Source]]] = {}
        for source in sources:
            ref = self.documents.get(source.doc) or Reference.from_title(source.doc)
            listed = groups.setdefault(source.doc, (ref, []))[1]
            if all(s.section != source.section for s in listed):
                listed.append(source)
        return tuple(
            Text(**{lang: ref.cite_many(listed, lang) for lang in ("en", "nb")}) for ref, listed in groups.values()
        )

    def readable_refs(self, text: str, lang: str = "en") -> str:
        """``text`` with the short references the code's own texts use (``000 §4.1.6``, the
        first digits of a document's file name) written as citations: ``Lundgren (2023) §4.1.6``."""

        def label(match: "re.Match[str]") -> str:
            doc = next((d for d in self.documents if d.startswith(match[1] + "_")), "")
            ref = self.documents.get(doc)
            if ref is None or (ref.author is None and ref.short is None):
                return match[0]
            return ref.label(lang, doc) + match[2]

        return _SHORT_REF.sub(label, text)

    @cached_property
    def readable_citations(self) -> dict[str, tuple[Text, ...]]:
        """Each rule's sources as readers see them, one text per document, in both languages
        (:meth:`cite_all`)."""
        return self._citations[0]

    @cached_property
    def contrast_citations(self) -> dict[str, tuple[tuple[Text, ...], ...]]:
        """The sources of each rule's contrasts as readers see them (:meth:`cite_all` of each)."""
        return self._citations[1]

    @cached_property
    def _citations(self) -> tuple[dict[str, tuple[Text, ...]], dict[str, tuple[tuple[Text, ...], ...]]]:
        """:attr:`readable_citations` and :attr:`contrast_citations`, worked out once per pack:
        for the shipped pack, kept in its cache (:func:`advisor.rules.cache.cached_data`; the
        words of a citation come from the pack and the ``ui.json`` of English and bokmål)."""
        from ..core.locale import language_dirs
        from .cache import cached_data

        folders = language_dirs()
        sources = [str(folders[lang] / "ui.json") for lang in ("en", "nb") if lang in folders]
        return cached_data(self, "citations", sources, self._cite_every, _citation_texts)

    def _cite_every(self) -> dict[str, Any]:
        """The citations of every rule and of its contrasts, as plain data (each text a mapping)."""
        return {
            "rules": {rule.id: [text.root for text in self.cite_all(rule.sources)] for rule in self.rules},
            "contrasts": {
                rule.id: [[text.root for text in self.cite_all(c.sources)] for c in rule.contrasts]
                for rule in self.rules
                if rule.contrasts
            },
        }

    @cached_property
    def stages(self) -> tuple[tuple[Rule, ...], ...]:
        """The rules of each stage: strengths, diagnoses, pitfalls, recommendations."""
        return tuple(tuple(r for r in self.rules if r.kind == kind) for kind in KINDS)

    @cached_property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules, in pack order."""
        return tuple(rule.id for rule in self.rules)

    @cached_property
    def in_stage_order(self) -> tuple[Rule, ...]:
        """The rules, strengths first, then diagnoses, pitfalls, recommendations."""
        return tuple(sorted(self.rules, key=lambda r: r.stage))


def _citation_texts(data: Any) -> tuple[dict[str, tuple[Text, ...]], dict[str, tuple[tuple[Text, ...], ...]]]:
    """The citations of :meth:`RulePack._cite_every`'s data as texts; raises an exception for data
    not in that shape (a text's languages given in the order a validated text has them)."""
    from .cache import _constructed

    order = Text.keys_allowed()
    languages: dict[tuple[str, ...], bool] = {}  # whether a text may give these languages in this order

    def text(root: Any) -> Text:
        if not isinstance(root, dict):
            raise ValueError("not a text")
        keys = tuple(root)
        ok = languages.get(keys)
        if ok is None:
            ok = languages[keys] = keys == tuple(k for k in order if k in root) and set(REQUIRED) <= set(keys)
        if not (ok and all(isinstance(words, str) and words for words in root.values())):
            raise ValueError("not a text")
        return _constructed(Text, root)

    rules = {rule_id: tuple(map(text, texts)) for rule_id, texts in data["rules"].items()}
    contrasts = {
        rule_id: tuple(tuple(map(text, texts)) for texts in contrasts)
        for rule_id, contrasts in data["contrasts"].items()
    }
    return rules, contrasts


# --------------------------------------------------------------------------------------------
# loading


def default_rules_path() -> Path:
    """The shipped rule base: inside the installed package, or ``rules/`` of a source checkout."""
    # The package's folder from this file, not importlib.resources.files("advisor"): the same
    # folder for an installed package (the pack is read from files either way), without the 2 ms
    # that importlib.resources takes to say so at every start (issue 15 §3).
    here = Path(__file__).resolve().parents[1]
    packaged = here / "_rules"
    if packaged.is_dir():
        return packaged
    checkout = here.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RulePackError("the shipped rule base is missing from the installation", hint="reinstall advisor")


def _fail(doc: Document, message: str, path: Sequence[Union[str, int]], hint: Optional[str] = None) -> RulePackError:
    return RulePackError(message, file=doc.file, path=tuple(path), line=doc.line_of(tuple(path)), hint=hint)


def _from_pydantic(
    doc: Document, exc: ValidationError, base: tuple[Union[str, int], ...], model: Any = None
) -> RulePackError:
    error = exc.errors()[0]
    loc = base + tuple(error["loc"])
    more = len(exc.errors()) - 1
    message = error["msg"].removeprefix("Value error, ")
    hint = None
    if error["type"] == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}"
        model_fields = _fields_at(error["loc"][:-1], model if model is not None else Rule)
        match = did_you_mean(str(loc[-1]), model_fields)
        hint = (
            f"did you mean {match!r}?" if match else ("allowed: " + ", ".join(model_fields) if model_fields else None)
        )
    elif error["type"] == "missing":
        message = "required field is missing"
        hint = "see docs/RULE-FORMAT.md"
    elif error["type"] == "literal_error":
        hint = "allowed: " + str(error.get("ctx", {}).get("expected", ""))
        choices = [c.strip(" '") for c in str(error.get("ctx", {}).get("expected", "")).replace(" or ", ",").split(",")]
        match = did_you_mean(str(error.get("input")), [c for c in choices if c])
        if match:
            hint = f"did you mean {match!r}?"
        message = f"{error.get('input')!r} is not allowed"
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''} in this rule)"
    return _fail(doc, message, loc, hint)


def _fields_at(loc: Sequence[Union[str, int]], model: Any) -> list[str]:
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in getattr(model, "model_fields", {}) else None
        model = annotation
        if model is None:
            return []
    for candidate in (model,) + tuple(getattr(model, "__args__", ())):
        if candidate is Text:
            return list(Text.keys_allowed())
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return list(candidate.model_fields)
    return []


def _guard_terms(guard: Condition) -> list[Term]:
    try:
        return to_dnf(guard)
    except OverflowError:
        return []


def _parse_rule(doc: Document, raw: Any, base: tuple[Union[str, int], ...]) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(doc, "a rule must be a mapping", base, "start each rule with '- id: ...'")
    data = dict(raw)
    when = data.get("when")
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise _from_pydantic(doc, exc, base) from None
    if when is not None:
        try:
            condition = parse_condition(when, base + ("when",))
        except RulePackError as exc:
            raise _fail(doc, exc.message, exc.path, exc.hint) from None
        rule._condition = condition
    if rule.done_when is not None:
        try:
            rule._guard = parse_condition(rule.done_when, base + ("done_when",))
        except RulePackError as exc:
            raise _fail(doc, exc.message, exc.path, exc.hint) from None
    return rule


def is_inside(root: "Union[str, os.PathLike[str]]", target: "Union[str, os.PathLike[str]]") -> bool:
    """Whether ``target``, with every symbolic link followed, lies in the directory ``root``."""
    base = os.path.realpath(root)
    real = os.path.realpath(target)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


#: The files of a pack directory that hold only test cases: read when the tests are wanted.
TESTS_SUFFIX = ".tests.yaml"


def _read_pack_files(path: Path, tests: bool = True) -> list[Document]:
    """The files of a pack, its head first; a directory's ``*.tests.yaml`` only with ``tests``."""
    if path.is_dir():
        meta = path / "pack.yaml"
        if not meta.is_file():
            raise RulePackError(
                "a rule pack directory needs a pack.yaml", file=str(path), hint="add pack.yaml with a `pack:` section"
            )
        others = sorted(
            p for p in path.glob("*.yaml") if p.name != "pack.yaml" and (tests or not p.name.endswith(TESTS_SUFFIX))
        )
        for member in [meta, *others]:
            if not is_inside(path, member):
                raise RulePackError(
                    "is a symbolic link to a file outside the pack directory",
                    file=str(member),
                    hint="a pack reads only its own files: copy the file into the directory",
                )
        return [read_file(p, RulePackError, "rule pack") for p in [meta, *others]]
    return [read_file(path, RulePackError, "rule pack")]


def parse_documents(doc: Document, raw: Any) -> dict[str, Reference]:
    """The pack's ``documents`` (its bibliography), validated: each cited file name maps to a
    reference (``author``, ``year``, ``title``, ``kind``, ``institution``, ``short``,
    ``sections``), or to a title alone."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(
            doc, "`documents` maps each cited file name to its reference", ("documents",), "see docs/RULE-FORMAT.md"
        )
    out: dict[str, Reference] = {}
    for name, value in raw.items():
        where = ("documents", name)
        if isinstance(value, str) and value.strip():
            out[str(name)] = Reference.from_title(value)
            continue
        if not isinstance(value, dict):
            raise _fail(
                doc,
                f"document {name!r} needs a reference (author, year, title, kind, institution) or a title",
                where,
                "see docs/RULE-FORMAT.md",
            )
        try:
            ref = Reference.model_validate(value)
        except ValidationError as exc:
            raise _from_pydantic(doc, exc, where, Reference) from None
        if ref.author is None and ref.short is None:
            raise _fail(
                doc,
                f"document {name!r} has no author and no `short` name to cite it by",
                where,
                'add `author: "Surname, Given"` or `short: {en: ..., nb: ...}`',
            )
        out[str(name)] = ref
    return out


#: One rule as written: the document it is in, its path there (such as ``("rules", 3)``) and its data.
RuleEntry = tuple[Document, tuple[Union[str, int], ...], Any]


def build_pack(
    info: PackInfo,
    documents: "Mapping[str, Union[str, Reference]]",
    entries: Sequence[RuleEntry],
    origin: str = "",
    problems: Optional[Problems] = None,
) -> RulePack:
    """Validate rules given as already-parsed data and build a pack.

    Each error names the document, path and line of the rule at fault. Without ``problems`` (or
    with a sink that raises) the first problem is raised. With a collecting sink every problem goes
    to it instead, checking goes on without the rules that could not be parsed, and the pack of
    the rules that could is returned (for tools that report every problem at once).
    """
    report = (problems or Problems(collect=False)).add

    # a document given by its title alone, as :func:`parse_documents` reads it
    documents = {name: Reference.from_title(ref) if isinstance(ref, str) else ref for name, ref in documents.items()}

    rules: list[Rule] = []
    where_defined: dict[str, tuple[Document, tuple[Union[str, int], ...]]] = {}
    for doc, base, raw in entries:
        try:
            rule = _parse_rule(doc, raw, base)
        except RulePackError as exc:
            report(exc)
            continue
        if rule.id in where_defined:
            first_doc, first_base = where_defined[rule.id]
            first_line = first_doc.line_of(first_base)
            report(
                _fail(
                    doc,
                    f"duplicate rule id {rule.id}",
                    (*base, "id"),
                    f"first defined in {first_doc.file}:{first_line}; ids are unique",
                )
            )
            continue
        where_defined[rule.id] = (doc, base)
        rules.append(rule)

    def fail_at(
        rule_id: str, message: str, field: Sequence[Union[str, int]], hint: Optional[str] = None
    ) -> RulePackError:
        doc, base = where_defined[rule_id]
        return _fail(doc, message, (*base, *field), hint)

    by_id = {rule.id: rule for rule in rules}

    def listed(rule_id: str, source: Source, field: Sequence[Union[str, int]]) -> None:
        if source.doc not in documents:
            match = did_you_mean(source.doc, documents)
            report(
                fail_at(
                    rule_id,
                    f"cites {source.doc!r}, which the pack's `documents` does not list",
                    field,
                    f"did you mean {match!r}?" if match else "add it to `documents` in pack.yaml",
                )
            )

    for rule in rules:
        for i, source in enumerate(rule.sources):
            listed(rule.id, source, ("sources", i))
        for i, contrast in enumerate(rule.contrasts):
            for j, source in enumerate(contrast.sources):
                listed(rule.id, source, ("contrasts", i, "sources", j))
                same = next((s for s in rule.sources if _overlaps(s, source)), None)
                if same is not None:
                    report(
                        fail_at(
                            rule.id,
                            f"cites {same} as a source and {source} as a contrast",
                            ("contrasts", i, "sources", j),
                            "a passage that disagrees with the rule is not one of its sources: remove it from `sources`",
                        )
                    )
        for i, target in enumerate(rule.recommends):
            if target not in by_id:
                match = did_you_mean(target, by_id)
                report(
                    fail_at(
                        rule.id,
                        f"recommends unknown rule {target}",
                        ("recommends", i),
                        f"did you mean {match!r}?" if match else "add that recommendation",
                    )
                )
            elif by_id[target].kind != "recommendation":
                report(
                    fail_at(
                        rule.id,
                        f"recommends {target}, which is a {by_id[target].kind}",
                        ("recommends", i),
                        "only recommendations can be recommended",
                    )
                )
        if rule.recommends and rule.kind == "recommendation":
            report(
                fail_at(
                    rule.id,
                    "a recommendation cannot recommend",
                    ("recommends",),
                    "link from the strength, diagnosis or pitfall instead",
                )
            )
        if rule.kind != "recommendation":
            for key in ("done_when", "done_when_none"):
                if getattr(rule, key) is not None:
                    report(
                        fail_at(
                            rule.id, f"a {rule.kind} cannot have `{key}`", (key,), "only recommendations have a guard"
                        )
                    )
        elif rule.done_when is not None and rule.done_when_none is not None:
            report(
                fail_at(
                    rule.id,
                    "a recommendation has either `done_when` or `done_when_none`, not both",
                    ("done_when_none",),
                    "drop `done_when_none`",
                )
            )
        elif rule.guard is not None and any(ref.negated for term in _guard_terms(rule.guard) for ref in term.findings):
            # "Done" rests on what is known; a finding that did not fire may just be undecided.
            report(
                fail_at(
                    rule.id,
                    "`done_when` may not test that a finding did not fire",
                    ("done_when",),
                    "test facts, or findings that fired",
                )
            )
        for key, condition in (("when", rule.condition), ("done_when", rule.guard)):
            if condition is None:
                continue
            for node in walk(condition):
                if isinstance(node, FindingRef):
                    ref = by_id.get(node.rule_id)
                    if ref is None:
                        match = did_you_mean(node.rule_id, by_id)
                        report(
                            fail_at(
                                rule.id,
                                f"tests unknown finding {node.rule_id}",
                                (key,),
                                f"did you mean {match!r}?" if match else "check the id",
                            )
                        )
                    elif ref.stage >= rule.stage:
                        report(
                            fail_at(
                                rule.id,
                                f"a {rule.kind} cannot test the finding {node.rule_id} ({ref.kind}) of the same or a later stage",
                                (key,),
                                "stages run strength → diagnosis → pitfall → recommendation",
                            )
                        )

    pack = RulePack(info=info, documents=documents, rules=tuple(rules), origin=origin)
    linked = pack.recommended_by
    for rule in rules:
        if rule.kind == "recommendation" and rule.condition is None and rule.id not in linked:
            report(
                fail_at(
                    rule.id,
                    "recommendation can never fire: no `when` and no finding recommends it",
                    ("id",),
                    "link it from a finding's `recommends`, or give it a `when`",
                )
            )
        if rule.kind != "recommendation" and rule.condition is None:
            report(fail_at(rule.id, f"a {rule.kind} needs a `when` condition", ("id",), "add `when:`"))
        try:
            terms = to_dnf(pack.effective_conditions[rule.id])
        except OverflowError:
            report(
                fail_at(
                    rule.id, f"condition expands to more than {MAX_TERMS} alternatives", ("when",), "split the rule"
                )
            )
            continue
        for index, term in enumerate(terms):  # what durable-rules cannot run however it is compiled
            for why, hint in term_problems(term):
                which = (
                    f"alternative {index + 1} of {len(terms)} of the condition" if len(terms) > 1 else "the condition"
                )
                report(fail_at(rule.id, f"{which} {why}", ("when",) if rule.condition is not None else ("id",), hint))
    return pack
