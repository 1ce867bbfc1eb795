"""The consultant's report: one or more informants' profiles of a municipality, as one document.

:func:`build_report` assesses each profile with the same rule pack and combines the results into
a :class:`Report` model: a summary, the four factors of the Lundgren model at a glance, the
arenas on the ladder of co-creation, the findings grouped by factor with their explanations and
sources, the ordered plan, the questions to ask next and, when there are several informants,
where they disagree. This module holds that model and :func:`render_report`, which renders it in
one of :data:`REPORT_FORMATS`: :mod:`advisor.render.report_html` as one self-contained HTML page
(CSS from ``report.css``, inline SVG, nothing fetched), built section by section;
:mod:`advisor.render.report_markdown` as Markdown; :mod:`advisor.render.pdf` prints the HTML page
as PDF. The sentences both share are in :mod:`advisor.render.report_words`.

Everything here is a pure function: the same profiles, pack and language give the same bytes.

The **weight** of a factor is transparent arithmetic on the findings: every diagnosis and pitfall
of the factor counts its priority (low 1, medium 2, high 3, critical 4; the weights the
assessment ranks questions by). It says how much in a factor calls for attention, not how good
the municipality is: a diagnosis can be good news. Recommendations are counted as plan steps, not
weighed.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from typing import Any, Literal, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict

from . import svg as _svg
from ..profile.schema import arena_fields, profile_fields
from ..engine.assessment import PRIORITY_WEIGHT, Assessment, Finding, RuleSummary, arena_label, assess, check_arguments
from ..core.errors import InputError, ProfileError
from ..engine.facts import Facts, profile_facts
from ..core.i18n import LANGUAGES
from ..profile.model import Profile
from ..rules.pack import FACTORS, KINDS, PHASES, PRIORITIES, Reference, RulePack, Text
from ..rules.load import load_rules
from .conditions import text_of
from .formats import FORMATS, render_as

__all__ = [
    "Informant",
    "InformantFinding",
    "ReportFinding",
    "FactorBar",
    "FactorSummary",
    "ArenaPlacement",
    "ArenaRow",
    "FactDifference",
    "ReportQuestion",
    "Report",
    "build_report",
    "render_report",
    "format_for",
    "REPORT_FORMATS",
    "LADDER_LEVELS",
    "ULRICH_TYPES",
    "STATUSES",
    "factor_weight",
]

#: Output formats and the file name endings that choose them (the report's in
#: :data:`advisor.render.formats.FORMATS`).
REPORT_FORMATS: dict[str, tuple[str, ...]] = {f.name: f.suffixes for f in FORMATS["report"].values()}
#: The levels of the ladder of co-creation (000 §2.2.4).
LADDER_LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Ulrich's types (000 §2.1.1), in the thesis's order A-D.
ULRICH_TYPES: tuple[str, ...] = _svg.ULRICH_ORDER
#: What a rule did for one informant.
STATUSES: tuple[str, ...] = ("fired", "not_fired", "undecided")

Status = Literal["fired", "not_fired", "undecided"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Informant(_Model):
    """One informant: the label the report knows them by, and what their profile says."""

    label: str
    municipality: Optional[str]
    profile_hash: str


class InformantFinding(_Model):
    """What one rule did for one informant; ``finding`` is set when it fired."""

    informant: str
    status: Status
    finding: Optional[Finding] = None


class ReportReference(_Model):
    """One document of the reference list."""

    file: str
    """The document's file name, as the JSON output's sources cite it."""
    entry: Text
    """The reference as readers see it: ``Lundgren, Patrik (2023). Title. MBA thesis, Nord universitet.``"""


class ReportFinding(RuleSummary):
    """A rule that fired for at least one informant, with what it did for each of them."""

    by_informant: tuple[InformantFinding, ...]
    recommends: tuple[str, ...] = ()
    """Recommendations in the report that address it (for any informant)."""
    addresses: tuple[str, ...] = ()
    """For a recommendation: the findings in the report it addresses (for any informant)."""
    because: tuple[str, ...] = ()
    """Findings of earlier stages it rests on (for any informant)."""
    conditional: bool = False
    """A recommendation that is conditional advice ("unless already in place") for every
    informant it fired for."""
    unless: Optional[Text] = None
    """For a conditional recommendation: what "already in place" means."""

    @property
    def fired_for(self) -> tuple[str, ...]:
        return tuple(i.informant for i in self.by_informant if i.status == "fired")

    @property
    def not_for(self) -> tuple[InformantFinding, ...]:
        return tuple(i for i in self.by_informant if i.status != "fired")

    @property
    def unanimous(self) -> bool:
        """Whether it fired for every informant."""
        return not self.not_for


class FactorBar(_Model):
    """One informant's findings in one factor."""

    informant: str
    findings: tuple[tuple[str, str], ...]
    """``(rule_id, priority)`` of each diagnosis and pitfall, most pressing first."""
    strengths: tuple[str, ...] = ()
    """The ids of the strengths of the factor (they add no weight)."""
    diagnoses: int
    pitfalls: int
    steps: int
    """Recommendations of the factor in this informant's plan."""
    weight: int

    def count(self, priority: str) -> int:
        return sum(1 for _, p in self.findings if p == priority)


class FactorSummary(_Model):
    """One factor of the model: every informant's bar, and the weight of all informants together."""

    factor: str
    bars: tuple[FactorBar, ...]
    strengths: int
    diagnoses: int
    pitfalls: int
    steps: int
    weight: int
    """The weight of the diagnoses and pitfalls that fired for any informant."""


class ArenaPlacement(_Model):
    """Where one informant places one arena."""

    informant: str
    ladder_level: Optional[int]
    ulrich_type: Optional[str]


class ArenaRow(_Model):
    """One arena (matched by name across informants; ``#N`` for an unnamed one)."""

    name: str
    placements: tuple[ArenaPlacement, ...]
    differs: bool
    """Informants place it differently, or only some name it."""


class FactDifference(_Model):
    """A fact the informants do not agree on; ``values`` holds one value per informant (``None`` = unknown)."""

    path: str
    values: tuple[Any, ...]
    conflict: bool
    """Two informants know different values (else: only some know it)."""


class ReportQuestion(_Model):
    """An unknown fact worth asking about, and the informants whose profiles leave it open."""

    path: str
    description: str
    rules: tuple[str, ...]
    weight: int
    informants: tuple[str, ...]


class Report(_Model):
    """Everything a report shows, ready to render in ``lang``."""

    lang: str
    municipality: Optional[str]
    informants: tuple[Informant, ...]
    factors: tuple[FactorSummary, ...]
    arenas: tuple[ArenaRow, ...]
    arenas_known: bool
    """Whether any informant's profile lists the arenas (``arenas: []`` included)."""
    strengths: tuple[ReportFinding, ...]
    """Strengths, by factor, then priority (most important first)."""
    findings: tuple[ReportFinding, ...]
    """Diagnoses and pitfalls, by factor, then kind, then priority (most pressing first)."""
    plan: tuple[ReportFinding, ...]
    """Recommendations in plan order: phase, then priority."""
    questions: tuple[ReportQuestion, ...]
    fact_differences: tuple[FactDifference, ...]
    references: tuple[ReportReference, ...]
    """The reference list: every document a finding cites, as a source or as a contrast."""
    assessments: tuple[Assessment, ...]
    """Each informant's own assessment, in informant order."""

    @property
    def multi(self) -> bool:
        return len(self.informants) > 1

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(i.label for i in self.informants)

    @property
    def all_findings(self) -> tuple[ReportFinding, ...]:
        return self.strengths + self.findings + self.plan

    @property
    def finding_differences(self) -> tuple[ReportFinding, ...]:
        """Findings that fire for some informants and not for others."""
        return tuple(f for f in self.all_findings if not f.unanimous)

    def by_factor(self, factor: str) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if f.factor == factor)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.all_findings if f.kind == kind)

    def highest_priority(self) -> Optional[str]:
        ranks = [PRIORITIES.rank(f.priority) for f in self.findings + self.plan]
        return PRIORITIES[max(ranks)] if ranks else None

    @property
    def manifest(self) -> Any:
        return self.assessments[0].manifest


# --------------------------------------------------------------------------------------------
# building the model


def factor_weight(priorities: Sequence[str]) -> int:
    """The weight of findings with these priorities: low 1, medium 2, high 3, critical 4 each."""
    return sum(PRIORITY_WEIGHT[p] for p in priorities)


def _finding_key(f: Union[Finding, ReportFinding]) -> tuple[Any, ...]:
    return (FACTORS.rank(f.factor), KINDS.rank(f.kind), -PRIORITIES.rank(f.priority), f.rule_id)


def _plan_key(f: Union[Finding, ReportFinding]) -> tuple[Any, ...]:
    return (PHASES.rank(f.phase), -PRIORITIES.rank(f.priority), FACTORS.rank(f.factor), f.rule_id)


def _merge(
    rule_id: str, labels: Sequence[str], results: Sequence[Assessment], undecided: Sequence[set[str]]
) -> ReportFinding:
    entries: list[InformantFinding] = []
    first: Optional[Finding] = None
    recommends: set[str] = set()
    addresses: set[str] = set()
    because: set[str] = set()
    conditional: list[Finding] = []
    for label, result, open_rules in zip(labels, results, undecided):
        found = next((f for f in result.findings if f.rule_id == rule_id), None)
        if found is not None:
            first = first or found
            if found.conditional:
                conditional.append(found)
            recommends.update(found.recommends)
            addresses.update(found.addresses)
            because.update(found.because)
            entries.append(InformantFinding(informant=label, status="fired", finding=found))
        else:
            status: Status = "undecided" if rule_id in open_rules else "not_fired"
            entries.append(InformantFinding(informant=label, status=status))
    assert first is not None
    return ReportFinding(
        **{name: getattr(first, name) for name in RuleSummary.model_fields},
        by_informant=tuple(entries),
        recommends=tuple(sorted(recommends)),
        addresses=tuple(sorted(addresses)),
        because=tuple(sorted(because)),
        conditional=len(conditional) == sum(1 for e in entries if e.finding is not None),
        unless=text_of(conditional[0].unless) if conditional and conditional[0].unless is not None else None,
    )


def _factor_summaries(
    labels: Sequence[str], results: Sequence[Assessment], merged: Sequence[ReportFinding]
) -> tuple[FactorSummary, ...]:
    out = []
    for factor in FACTORS:
        bars = []
        for label, result in zip(labels, results):
            found = sorted(
                (f for f in result.diagnoses + result.pitfalls if f.factor == factor),
                key=lambda f: (-PRIORITIES.rank(f.priority), KINDS.rank(f.kind), f.rule_id),
            )
            bars.append(
                FactorBar(
                    informant=label,
                    findings=tuple((f.rule_id, f.priority) for f in found),
                    strengths=tuple(
                        f.rule_id
                        for f in sorted(result.strengths, key=lambda f: (-PRIORITIES.rank(f.priority), f.rule_id))
                        if f.factor == factor
                    ),
                    diagnoses=sum(1 for f in found if f.kind == "diagnosis"),
                    pitfalls=sum(1 for f in found if f.kind == "pitfall"),
                    steps=sum(1 for f in result.recommendations if f.factor == factor),
                    weight=factor_weight([f.priority for f in found]),
                )
            )
        mine = [f for f in merged if f.factor == factor]
        out.append(
            FactorSummary(
                factor=factor,
                bars=tuple(bars),
                strengths=sum(1 for f in mine if f.kind == "strength"),
                diagnoses=sum(1 for f in mine if f.kind == "diagnosis"),
                pitfalls=sum(1 for f in mine if f.kind == "pitfall"),
                steps=sum(1 for f in mine if f.kind == "recommendation"),
                weight=factor_weight([f.priority for f in mine if f.kind in ("diagnosis", "pitfall")]),
            )
        )
    return tuple(out)


def _arena_rows(labels: Sequence[str], facts: Sequence[Facts]) -> tuple[ArenaRow, ...]:
    order: list[str] = []
    placements: dict[str, dict[str, ArenaPlacement]] = {}
    for label, fact in zip(labels, facts):
        for index, arena in enumerate(fact.arenas or ()):
            name = arena_label(fact, index)
            if name not in placements:
                order.append(name)
                placements[name] = {}
            placements[name].setdefault(
                label,
                ArenaPlacement(
                    informant=label, ladder_level=arena.get("ladder_level"), ulrich_type=arena.get("ulrich_type")
                ),
            )
    rows = []
    for name in order:
        mine = tuple(placements[name][label] for label in labels if label in placements[name])
        seen = {(p.ladder_level, p.ulrich_type) for p in mine}
        differs = len(seen) > 1 or len(mine) < len(labels)
        rows.append(ArenaRow(name=name, placements=mine, differs=differs))
    return tuple(rows)


def _fact_differences(facts: Sequence[Facts]) -> tuple[FactDifference, ...]:
    if len(facts) < 2:
        return ()
    order = {path: i for i, path in enumerate(profile_fields())}
    arena_order = {path: i for i, path in enumerate(arena_fields())}
    table: dict[str, list[Any]] = {}
    keys: dict[str, tuple[Any, ...]] = {}
    for n, fact in enumerate(facts):
        for path, value in fact.values.items():
            if path.startswith("arenas."):
                continue  # derived from the arenas, which are compared one by one below
            table.setdefault(path, [None] * len(facts))[n] = value
            keys[path] = (0, order.get(path, len(order)), path)
    arena_names: list[str] = []
    for n, fact in enumerate(facts):
        for index, arena in enumerate(fact.arenas or ()):
            name = arena_label(fact, index)
            if name not in arena_names:
                arena_names.append(name)
            for field, value in arena.items():
                if field == "name":
                    continue
                path = f"arenas[{name}].{field}"
                table.setdefault(path, [None] * len(facts))[n] = value
                keys[path] = (1, arena_names.index(name), arena_order.get(field, len(arena_order)), field)
    out = []
    for path, values in table.items():
        known = [v for v in values if v is not None]
        distinct = {repr(v) for v in known}
        if len(distinct) > 1 or len(known) < len(values):
            out.append(FactDifference(path=path, values=tuple(values), conflict=len(distinct) > 1))
    out.sort(key=lambda d: (not d.conflict,) + keys[d.path])
    return tuple(out)


def _questions(labels: Sequence[str], results: Sequence[Assessment]) -> tuple[ReportQuestion, ...]:
    merged: dict[str, dict[str, Any]] = {}
    for label, result in zip(labels, results):
        for q in result.questions:
            entry = merged.setdefault(
                q.path, {"description": q.description, "rules": set(), "weight": 0, "informants": []}
            )
            entry["rules"].update(q.rules)
            entry["weight"] = max(entry["weight"], q.weight)
            entry["informants"].append(label)
    out = [
        ReportQuestion(
            path=path,
            description=e["description"],
            rules=tuple(sorted(e["rules"])),
            weight=e["weight"],
            informants=tuple(e["informants"]),
        )
        for path, e in merged.items()
    ]
    out.sort(key=lambda q: (-q.weight, q.path))
    return tuple(out)


def _references(pack: RulePack, findings: Sequence[ReportFinding]) -> tuple[ReportReference, ...]:
    docs = set()
    for f in findings:
        for rule_source in pack.by_id[f.rule_id].sources:
            docs.add(rule_source.doc)
        for contrast in pack.by_id[f.rule_id].contrasts:
            docs.update(s.doc for s in contrast.sources)
    out = []
    for doc in docs:
        ref = pack.documents.get(doc) or Reference.from_title(doc)
        out.append(ReportReference(file=doc, entry=Text(**{lang: ref.entry(lang, doc) for lang in LANGUAGES})))
    return tuple(sorted(out, key=lambda r: (r.entry.en.casefold(), r.file)))


def build_report(
    profiles: Union[Sequence[Profile], Mapping[str, Profile]],
    pack: Optional[RulePack] = None,
    lang: str = "en",
    *,
    engine: Optional[str] = None,
) -> Report:
    """Assess every profile with ``pack`` (the shipped rule base by default) and combine them.

    ``profiles`` is one informant's profile per item; a mapping gives each informant a label
    (by default they are numbered 1, 2, ...). All profiles must describe the same municipality:
    a :class:`~advisor.core.errors.ProfileError` says so when two name different municipalities.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if isinstance(profiles, MappingABC):
        labels = [str(k) for k in profiles]
        items = list(profiles.values())
    else:
        items = list(profiles)
        labels = [str(i) for i in range(1, len(items) + 1)]
    if not items:
        raise InputError("a report needs at least one profile")
    for item in items:
        check_arguments("build_report", item, pack)
    for label in labels:
        if not label.strip():
            raise InputError("an informant's label is empty")
    if len(set(labels)) != len(labels):
        twice = sorted({x for x in labels if labels.count(x) > 1})
        raise InputError(f"informant {twice[0]} is given twice", hint="give each profile once, with its own label")
    names = {label: p.context.name for label, p in zip(labels, items) if p.context and p.context.name}
    if len({n.strip().casefold() for n in names.values()}) > 1:
        listed = ", ".join(f"{name} ({label})" for label, name in names.items())
        raise ProfileError(
            f"the profiles describe different municipalities: {listed}",
            hint="a report combines informants of one municipality; make one report per municipality",
        )
    rules = pack if pack is not None else load_rules()
    results = [assess(p, rules, engine=engine) for p in items]
    facts = [profile_facts(p) for p in items]
    undecided = [{rid for q in r.questions for rid in q.rules} for r in results]
    fired = sorted(set().union(*(r.fired for r in results)))
    merged = [_merge(rid, labels, results, undecided) for rid in fired]
    strengths = sorted((f for f in merged if f.kind == "strength"), key=_finding_key)
    findings = sorted((f for f in merged if f.kind in ("diagnosis", "pitfall")), key=_finding_key)
    plan = sorted((f for f in merged if f.kind == "recommendation"), key=_plan_key)
    informants = tuple(
        Informant(label=label, municipality=r.municipality, profile_hash=r.manifest.profile_hash)
        for label, r in zip(labels, results)
    )
    municipality = next(iter(names.values()), None)
    return Report(
        lang=lang,
        municipality=municipality,
        informants=informants,
        factors=_factor_summaries(labels, results, merged),
        arenas=_arena_rows(labels, facts),
        arenas_known=any(f.arenas is not None for f in facts),
        strengths=tuple(strengths),
        findings=tuple(findings),
        plan=tuple(plan),
        questions=_questions(labels, results),
        fact_differences=_fact_differences(facts),
        references=_references(rules, merged),
        assessments=tuple(results),
    )


# --------------------------------------------------------------------------------------------
# the formats


def render_report(report: Report, fmt: str) -> Union[str, bytes]:
    """Render ``report`` as ``"html"`` or ``"markdown"`` (text), or ``"pdf"`` (bytes: the HTML
    page printed, see :mod:`advisor.render.pdf`; needs the ``pdf`` extra)."""
    return render_as("report", fmt, report)


def format_for(path: str) -> Optional[str]:
    """The report format a file name asks for (by its ending), or ``None``."""
    lower = path.lower()
    for fmt, endings in REPORT_FORMATS.items():
        if lower.endswith(endings):
            return fmt
    return None
