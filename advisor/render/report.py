"""The consultant's report: one or more informants' profiles of a municipality, as one document.

:func:`build_report` assesses each profile with the same rule pack and combines the results into
a :class:`Report` model: a summary, the four factors of the Lundgren model at a glance, the
arenas on the ladder of co-creation, the findings grouped by factor with their explanations and
sources, the ordered plan, the questions to ask next and, when there are several informants,
where they disagree. :func:`render_html` renders it as one self-contained HTML page (inline CSS
and SVG, nothing fetched), :func:`render_markdown` as Markdown; :mod:`advisor.render.pdf` prints the
HTML page as PDF.

Everything here is a pure function: the same profiles, pack and language give the same bytes.

The **weight** of a factor is transparent arithmetic on the findings: every diagnosis and pitfall
of the factor counts its priority (low 1, medium 2, high 3, critical 4; the weights the
assessment ranks questions by). It says how much in a factor calls for attention, not how good
the municipality is: a diagnosis can be good news. Recommendations are counted as plan steps, not
weighed.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from html import escape
from typing import Any, Literal, Mapping, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict

from . import svg as _svg
from ..profile.schema import arena_fields, profile_fields
from ..engine.assessment import PRIORITY_WEIGHT, Assessment, Finding, RuleSummary, arena_label, assess
from ..core.errors import InputError, ProfileError
from ..engine.facts import Facts, profile_facts
from ..core.i18n import LANGUAGES, t
from ..profile.questions import question_text, value_text
from ..profile.model import Profile
from .format import contrast_lines, finding_links_md, manifest_line, md, step_title
from ..rules.pack import FACTORS, KINDS, PHASES, PRIORITIES, Reference, RulePack, Text
from ..rules.variants import load_rules

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
    "render_html",
    "render_markdown",
    "render_report",
    "format_for",
    "REPORT_FORMATS",
    "LADDER_LEVELS",
    "ULRICH_TYPES",
    "STATUSES",
    "factor_weight",
]

#: Output formats and the file name endings that choose them.
REPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "html": (".html", ".htm"),
    "markdown": (".md", ".markdown"),
    "pdf": (".pdf",),
}
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
        unless=conditional[0].unless if conditional else None,
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
# words shared by both renderers


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _value(lang: str, value: Any) -> str:
    if value is None:
        return t(lang, "report.unknown")
    if lang != "en" and not (isinstance(value, float) and value.is_integer()):
        return value_text(value, lang)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def _title(report: Report) -> str:
    return t(report.lang, "report.title", name=report.municipality or t(report.lang, "unnamed"))


def _informants_line(report: Report) -> str:
    lang = report.lang
    if report.multi:
        return t(lang, "report.informants", n=len(report.informants), labels=", ".join(report.labels))
    return t(lang, "report.one_informant", label=report.labels[0])


def _summary_lines(report: Report, counts: bool = True) -> list[str]:
    """The summary as sentences; ``counts=False`` leaves out the counts (shown as numbers in HTML)."""
    lang = report.lang
    lines = []
    ranks = [PRIORITIES.rank(f.priority) for f in report.findings]
    if not report.all_findings:
        lines.append(t(lang, "report.summary_nothing"))
    elif counts:
        lines.append(
            t(
                lang,
                "report.summary_counts",
                s=report.count("strength"),
                d=report.count("diagnosis"),
                p=report.count("pitfall"),
                r=report.count("recommendation"),
            )
        )
    if ranks:
        lines.append(t(lang, "report.summary_highest", priority=t(lang, f"priority.{PRIORITIES[max(ranks)]}")))
    top = max(report.factors, key=lambda f: (f.weight, -FACTORS.rank(f.factor)))
    if top.weight:
        lines.append(t(lang, "report.summary_attention", factor=t(lang, f"factor.{top.factor}"), weight=top.weight))
    levels = [p.ladder_level for a in report.arenas for p in a.placements if p.ladder_level is not None]
    placed = sum(1 for a in report.arenas if any(p.ladder_level is not None for p in a.placements))
    if not report.arenas_known:
        lines.append(t(lang, "report.summary_arenas_unknown"))
    elif not report.arenas:
        lines.append(t(lang, "report.summary_no_arenas"))
    elif levels:
        lines.append(
            t(lang, "report.summary_ladder", placed=placed, n=len(report.arenas), lo=min(levels), hi=max(levels))
        )
    else:
        lines.append(t(lang, "report.summary_unplaced", n=len(report.arenas)))
    if report.questions:
        lines.append(t(lang, "report.summary_questions", q=len(report.questions)))
    if report.multi:
        conflicts = sum(1 for d in report.fact_differences if d.conflict)
        partly = len(report.fact_differences) - conflicts
        n = len(report.finding_differences)
        if conflicts or partly or n:
            lines.append(t(lang, "report.summary_disagree", conflicts=conflicts, partly=partly, findings=n))
        else:
            lines.append(t(lang, "report.summary_agree"))
    return lines


def _facts_text(lang: str, finding: Finding) -> str:
    return "; ".join(f"{path} = {_value(lang, value)}" for path, value in finding.facts.items())


def _explanations(report: Report, f: ReportFinding) -> list[tuple[str, Finding]]:
    """The informants' explanations of ``f``, those with the same facts and arenas merged.

    Each item is ``(who, finding)``: ``who`` names the informants (empty when the report has one
    informant, or when every informant gives the same explanation).
    """
    groups: list[tuple[list[str], Finding]] = []
    for entry in f.by_informant:
        if entry.finding is None:
            continue
        for names, found in groups:
            if found.facts == entry.finding.facts and found.arenas == entry.finding.arenas:
                names.append(entry.informant)
                break
        else:
            groups.append(([entry.informant], entry.finding))
    everyone = len(groups) == 1 and len(groups[0][0]) == len(report.informants)
    return [("" if everyone else ", ".join(names), found) for names, found in groups]


def _question_text(q: ReportQuestion, lang: str) -> str:
    """The interview question for ``q`` in ``lang`` (advisor.questions), else the field's description."""
    return question_text(q.path, lang, q.description)


def _because(f: ReportFinding) -> tuple[str, ...]:
    """The findings it rests on, less those a recommendation already names as addressed."""
    return tuple(x for x in f.because if x not in f.addresses)


def _status(lang: str, status: str) -> str:
    return t(lang, f"report.status.{status}")


def _meta(lang: str, f: ReportFinding, priority: bool = True) -> str:
    parts = [_cap(t(lang, f"kind.{f.kind}"))]
    if priority:
        parts.append(f"{t(lang, 'priority')}: {t(lang, 'priority.' + f.priority)}")
    parts += [
        f"{t(lang, 'phase')}: {t(lang, 'phase.' + f.phase)}",
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + f.evidence)}",
    ]
    return " · ".join(parts)


def _plan_meta(lang: str, f: ReportFinding, priority: bool = True) -> str:
    parts = [f"{t(lang, 'phase')}: {t(lang, 'phase.' + f.phase)}"]
    if priority:
        parts.append(f"{t(lang, 'priority')}: {t(lang, 'priority.' + f.priority)}")
    parts += [
        f"{t(lang, 'factor')}: {t(lang, 'factor.' + f.factor)}",
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + f.evidence)}",
    ]
    return " · ".join(parts)


def _ulrich(lang: str, value: Optional[str]) -> str:
    return t(lang, f"ulrich.{value}" if value in ULRICH_TYPES else "ulrich.unknown")


def _ulrich_short(lang: str, value: Optional[str]) -> str:
    return f"{_svg.ULRICH_LETTER.get(value or '', '?')} {_ulrich(lang, value)}"


def _tags(report: Report) -> dict[str, str]:
    """Short tags (1, 2, ...) for the informants in the ladder chart."""
    return {label: str(i) for i, label in enumerate(report.labels, 1)}


def _not_for_text(lang: str, f: ReportFinding) -> str:
    return ", ".join(f"{i.informant} ({_status(lang, i.status)})" for i in f.not_for)


def _manifest_line(report: Report) -> str:
    return manifest_line(report.manifest, report.lang)


def _profiles_line(report: Report) -> str:
    parts = [f"{i.label} sha256 {i.profile_hash[:12]}" for i in report.informants]
    return f"{t(report.lang, 'report.profiles')}: " + "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Markdown


class _Markup(str):
    """Markdown that advisor wrote (a code span of a fact path): put in a table as it is."""


def _md_cell(text: object) -> str:
    cell = str(text) if isinstance(text, _Markup) else md(text, line_start=False)
    return cell.replace("|", "\\|")


def _md_code(text: str) -> str:
    """A code span of ``text`` (a document's file name), or the text escaped if it holds a backtick."""
    return md(text) if "`" in text or "\n" in text else f"`{text}`"


def _md_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _md_finding(report: Report, f: ReportFinding, lang: str, heading: str) -> list[str]:
    """One finding in Markdown under a heading of level ``heading`` (``###``): title, kind and
    priority, message, then its details."""
    return [
        f"{heading} {f.rule_id} — {md(f.title.get(lang))}",
        "",
        f"*{_meta(lang, f)}*",
        "",
        md(f.message.get(lang)),
        "",
    ] + _md_finding_details(report, f)


def _md_finding_details(report: Report, f: ReportFinding) -> list[str]:
    lang = report.lang
    lines = []
    if report.multi:
        lines.append(f"- **{t(lang, 'report.fired_for')}:** {md(', '.join(f.fired_for))}")
        if f.not_for:
            lines.append(f"- **{t(lang, 'report.not_for')}:** {md(_not_for_text(lang, f))}")
    for who, found in _explanations(report, f):
        why = _facts_text(lang, found)
        if why:
            label = t(lang, "report.why_for", informant=who) if who else t(lang, "why")
            lines.append(f"- **{md(label)}:** {md(why)}")
        if found.arenas:
            label = t(lang, "report.arenas_for", informant=who) if who else t(lang, "arenas")
            lines.append(f"- **{md(label)}:** {md(', '.join(found.arenas))}")
    because = _because(f)
    if because:
        lines.append(f"- **{t(lang, 'because')}:** {', '.join(because)}")
    return lines + finding_links_md(lang, f) + [""]


def _factor_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The head and rows of the factor table, shared by the Markdown and HTML reports."""
    lang = report.lang
    head = [t(lang, "col_factor")]
    if report.multi:
        head.append(t(lang, "report.col_informant"))
    head += [_cap(t(lang, f"priority.{p}")) for p in _svg.PRIORITY_ORDER]
    head += [
        t(lang, "strengths"),
        t(lang, "diagnoses"),
        t(lang, "pitfalls"),
        t(lang, "report.col_steps"),
        t(lang, "col_weight"),
    ]
    rows = []
    for summary in report.factors:
        for bar in summary.bars:
            row: list[Any] = [_cap(t(lang, f"factor.{summary.factor}"))]
            if report.multi:
                row.append(bar.informant)
            row += [bar.count(p) for p in _svg.PRIORITY_ORDER]
            row += [len(bar.strengths), bar.diagnoses, bar.pitfalls, bar.steps, bar.weight]
            rows.append(row)
    return head, rows


def _md_factor_table(report: Report) -> list[str]:
    return _md_table(*_factor_table(report))


def _md_ladder(report: Report) -> list[str]:
    lang = report.lang
    if not report.arenas:
        return [t(lang, "report.summary_arenas_unknown" if not report.arenas_known else "report.summary_no_arenas"), ""]
    cells: dict[Optional[int], list[str]] = {}
    for arena in report.arenas:
        same: dict[tuple[Optional[int], Optional[str]], list[str]] = {}
        for p in arena.placements:
            same.setdefault((p.ladder_level, p.ulrich_type), []).append(p.informant)
        for (level, ulrich), who in same.items():
            text = f"{arena.name} ({_ulrich_short(lang, ulrich)})"
            if report.multi:
                text += f" [{', '.join(who)}]"
            cells.setdefault(level, []).append(text)
    rows: list[list[object]] = []
    for level in sorted(LADDER_LEVELS, reverse=True):
        rows.append([level, t(lang, f"ladder.{level}"), "; ".join(cells.get(level, [])) or "—"])
    if None in cells:
        rows.append(["?", t(lang, "report.level_unknown"), "; ".join(cells[None])])
    return _md_table([t(lang, "report.col_level"), "", t(lang, "report.col_arenas")], rows)


def _md_disagreements(report: Report) -> list[str]:
    lang = report.lang
    out = [f"## {t(lang, 'report.disagreements')}", ""]
    if not report.fact_differences and not report.finding_differences:
        return out + [t(lang, "report.summary_agree"), ""]
    out += [f"### {t(lang, 'report.disagree_facts')}", ""]
    if report.fact_differences:
        out += [t(lang, "report.disagree_facts_intro"), ""]
        rows = [
            [_Markup(f"`{d.path}`")]
            + [_value(lang, v) for v in d.values]
            + [t(lang, "report.conflict" if d.conflict else "report.partly_known")]
            for d in report.fact_differences
        ]
        out += _md_table([t(lang, "col_fact"), *report.labels, t(lang, "report.col_difference")], rows)
    else:
        out += [t(lang, "none"), ""]
    out += [f"### {t(lang, 'report.disagree_findings')}", ""]
    if report.finding_differences:
        out += [t(lang, "report.disagree_findings_intro"), ""]
        rows = [
            [f.rule_id, f.title.get(lang)] + [_status(lang, i.status) for i in f.by_informant]
            for f in report.finding_differences
        ]
        out += _md_table([t(lang, "col_id"), t(lang, "col_title"), *report.labels], rows)
    else:
        out += [t(lang, "none"), ""]
    return out


def render_markdown(report: Report) -> str:
    """The report as Markdown (charts as tables)."""
    lang = report.lang
    out = [f"# {md(_title(report))}", "", md(_informants_line(report)), ""]
    out += [f"## {t(lang, 'report.summary')}", ""]
    out += [f"- {md(line)}" for line in _summary_lines(report)] + [""]
    if report.plan:
        out += [f"**{t(lang, 'report.first_steps')}:**", ""]
        out += [f"{i}. {f.rule_id} — {md(step_title(f, lang))}" for i, f in enumerate(report.plan[:3], 1)] + [""]
    out += [f"## {t(lang, 'report.factors')}", "", t(lang, "report.factors_intro_md"), ""]
    out += _md_factor_table(report)
    out += [f"## {t(lang, 'report.ladder')}", "", t(lang, "report.ladder_intro"), ""]
    out += _md_ladder(report)
    if report.multi:
        out += _md_disagreements(report)
    out += [f"## {t(lang, 'strengths')}", "", t(lang, "report.strengths_intro"), ""]
    if not report.strengths:
        out += [t(lang, "none"), ""]
    for f in report.strengths:
        out += _md_finding(report, f, lang, "###")
    out += [f"## {t(lang, 'report.by_factor')}", ""]
    for factor in FACTORS:
        out += [f"### {_cap(t(lang, f'factor.{factor}'))}", ""]
        findings = report.by_factor(factor)
        if not findings:
            out += [t(lang, "none"), ""]
        for f in findings:
            out += _md_finding(report, f, lang, "####")
    out += [f"## {t(lang, 'plan')}", ""]
    if not report.plan:
        out += [t(lang, "none"), ""]
    else:
        out += [t(lang, "report.plan_intro"), ""]
    for i, f in enumerate(report.plan, 1):
        out += [
            f"### {i}. {f.rule_id} — {md(step_title(f, lang))}",
            "",
            f"*{_plan_meta(lang, f)}*",
            "",
            md(f.message.get(lang)),
            "",
        ]
        out += _md_finding_details(report, f)
    out += [f"## {t(lang, 'questions')}", ""]
    if report.questions:
        out += [t(lang, "questions_intro"), ""]
        head = [t(lang, "col_fact"), t(lang, "report.col_question"), t(lang, "col_rules"), t(lang, "col_weight")]
        if report.multi:
            head.append(t(lang, "report.col_informants"))
        rows = []
        for q in report.questions:
            row: list[object] = [_Markup(f"`{q.path}`"), _question_text(q, lang), ", ".join(q.rules), q.weight]
            if report.multi:
                row.append(", ".join(q.informants))
            rows.append(row)
        out += _md_table(head, rows)
    else:
        out += [t(lang, "none"), ""]
    out += [f"## {t(lang, 'references')}", ""]
    out += [f"- {md(r.entry.get(lang))} ({t(lang, 'file')} {_md_code(r.file)})" for r in report.references] or [
        t(lang, "none")
    ]
    out += ["", "---", "", f"*{md(_manifest_line(report))}*", "", f"*{md(_profiles_line(report))}*", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# HTML

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --soft: #f4f4f2; --accent: #29506d; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 28px 28px 48px; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 8px; padding-bottom: 10px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 22px 0 8px; }
p { margin: 6px 0 10px; }
.lead { color: var(--muted); margin: 0; }
.numbers { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; padding: 0; list-style: none; }
.numbers li { border: 1px solid var(--ink); border-radius: 4px; padding: 6px 14px; min-width: 120px; }
.numbers b { display: block; font-size: 26px; line-height: 1.1; }
ul.summary li { margin: 3px 0; }
figure { margin: 10px 0 14px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--ink); border-radius: 3px; padding: 8px 14px 6px; margin: 10px 0; }
.finding.p-critical { border-left-style: double; border-left-width: 7px; }
.finding.p-low { border-left-style: dotted; }
.finding.p-medium { border-left-style: dashed; }
.finding h4 { font-size: 16px; margin: 2px 0 4px; }
.finding h4 .id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 14px; color: var(--muted); margin-right: 6px; }
.meta { color: var(--muted); font-size: 13px; margin: 0 0 6px; }
.badge { display: inline-block; border: 1px solid var(--ink); border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 600; margin-right: 6px; text-transform: uppercase; letter-spacing: .03em; }
.badge.critical { background: var(--ink); color: #fff; }
dl.why { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 4px; font-size: 13.5px; }
dl.why dt { font-weight: 600; }
dl.why dd { margin: 0; }
.status-fired { font-weight: 600; }
.status-undecided { font-style: italic; }
ol.plan { padding-left: 0; list-style: none; counter-reset: step; }
ol.plan > li { counter-increment: step; }
ol.plan > li .finding h4::before { content: counter(step) ". "; }
.diff { font-weight: 600; }
.tagline { font-size: 13px; color: var(--muted); }
footer { margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; color: var(--muted); font-size: 12.5px; }
a { color: var(--accent); }
a[href^="#r-"], .rid, .finding h4 .id { white-space: nowrap; }
@media print {
  @page { size: A4; margin: 14mm 13mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 20pt; }
  h2 { font-size: 14pt; break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, .finding, tr, .numbers { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  th { background: none; }
  svg.chart { width: 100%; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _anchor(rule_id: str) -> str:
    return f"r-{rule_id}"


def _links(ids: Sequence[str], known: set[str]) -> str:
    return ", ".join(
        f'<a href="#{_anchor(i)}">{_e(i)}</a>' if i in known else f'<span class="rid">{_e(i)}</span>' for i in ids
    )


def _html_table(head: Sequence[str], rows: Sequence[Sequence[str]], num: Sequence[int] = ()) -> str:
    """A table; cells are HTML already escaped; columns in ``num`` are right-aligned."""
    right = ' class="num"'
    out = ["<table><thead><tr>"]
    out += [f"<th{right if i in num else ''}>{h}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{right if i in num else ''}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _factor_chart(report: Report) -> str:
    lang = report.lang
    titles = {f.rule_id: f.title.get(lang) for f in report.strengths + report.findings}
    groups = []
    for summary in report.factors:
        bars = []
        for bar in summary.bars:
            blocks = tuple(
                _svg.Block(
                    label=rid,
                    priority=priority,
                    tooltip=f"{rid} ({t(lang, 'priority.' + priority)}): {titles.get(rid, '')}",
                )
                for rid, priority in bar.findings
            ) + tuple(
                _svg.Block(
                    label=rid,
                    priority=_svg.STRENGTH,
                    tooltip=f"{rid} ({t(lang, 'kind.strength')}): {titles.get(rid, '')}",
                )
                for rid in bar.strengths
            )
            note = t(lang, "report.bar_note", weight=bar.weight, steps=bar.steps)
            bars.append(
                _svg.Bar(
                    label=bar.informant if report.multi else None,
                    blocks=blocks,
                    note=note,
                    empty_text=t(lang, "report.no_findings"),
                )
            )
        groups.append(_svg.BarGroup(label=_cap(t(lang, f"factor.{summary.factor}")), bars=tuple(bars)))
    legend = [(p, _cap(t(lang, f"priority.{p}"))) for p in _svg.PRIORITY_ORDER] + [
        (_svg.STRENGTH, _cap(t(lang, "kind.strength")))
    ]
    return _svg.factor_chart(
        groups,
        legend,
        title=t(lang, "report.factors"),
        desc=t(lang, "report.factors_desc"),
        prefix="fc",
    )


def _ladder_chart(report: Report) -> str:
    lang = report.lang
    tags = _tags(report)
    levels = [
        _svg.LadderLevel(level=n, label=t(lang, "report.level", n=n), description=t(lang, f"ladder.{n}"))
        for n in LADDER_LEVELS
    ]
    columns = []
    for arena in report.arenas:
        markers = []
        for p in arena.placements:
            level = t(lang, "report.level", n=p.ladder_level) if p.ladder_level else t(lang, "report.level_unknown")
            tip = f"{arena.name}: {level}, {_ulrich(lang, p.ulrich_type)}"
            if report.multi:
                tip += f" ({p.informant})"
            markers.append(
                _svg.Marker(
                    level=p.ladder_level,
                    ulrich=p.ulrich_type,
                    tag=tags[p.informant] if report.multi else "",
                    tooltip=tip,
                )
            )
        columns.append(_svg.Column(label=arena.name, markers=tuple(markers), differs=report.multi and arena.differs))
    legend = [(u, _ulrich_short(lang, u)[2:]) for u in ULRICH_TYPES] + [("unknown", t(lang, "ulrich.unknown"))]
    informant_legend = [(tags[label], label) for label in report.labels] if report.multi else []
    empty = t(lang, "report.summary_arenas_unknown" if not report.arenas_known else "report.summary_no_arenas")
    return _svg.ladder_chart(
        levels,
        columns,
        unknown_label=t(lang, "report.level_unknown"),
        ulrich_legend=legend,
        informant_legend=informant_legend,
        empty_text=empty,
        title=t(lang, "report.ladder"),
        desc=t(lang, "report.ladder_desc"),
    )


def _html_details(report: Report, f: ReportFinding, known: set[str]) -> str:
    lang = report.lang
    rows: list[tuple[str, str]] = []
    if report.multi:
        fired = ", ".join(f'<span class="status-fired">{_e(x)}</span>' for x in f.fired_for)
        rows.append((t(lang, "report.fired_for"), fired))
        if f.not_for:
            rows.append(
                (
                    t(lang, "report.not_for"),
                    ", ".join(
                        f'{_e(i.informant)} (<span class="status-{i.status}">{_e(_status(lang, i.status))}</span>)'
                        for i in f.not_for
                    ),
                )
            )
    for who, found in _explanations(report, f):
        if found.facts:
            label = t(lang, "report.why_for", informant=who) if who else t(lang, "why")
            items = "; ".join(
                f"<code>{_e(path)}</code> = {_e(_value(lang, value))}" for path, value in found.facts.items()
            )
            rows.append((label, items))
        if found.arenas:
            label = t(lang, "report.arenas_for", informant=who) if who else t(lang, "arenas")
            rows.append((label, _e(", ".join(found.arenas))))
    because = _because(f)
    if because:
        rows.append((t(lang, "because"), _links(because, known)))
    if f.recommends:
        rows.append((t(lang, "recommended"), _links(f.recommends, known)))
    if f.addresses:
        rows.append((t(lang, "addresses"), _links(f.addresses, known)))
    if f.unless is not None:
        rows.append((t(lang, "unless"), _e(f.unless.get(lang))))
    rows.append((t(lang, "sources"), "<br>".join(_e(c.get(lang)) for c in f.citations)))
    if f.contrasts:
        rows.append((t(lang, "contrast"), "<br>".join(_e(text) for text in contrast_lines(lang, f.contrasts))))
    return '<dl class="why">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _html_finding(report: Report, f: ReportFinding, known: set[str], meta: str) -> str:
    lang = report.lang
    badge = f'<span class="badge {f.priority}">{_e(t(lang, "priority." + f.priority))}</span>'
    return (
        f'<article class="finding p-{f.priority}" id="{_anchor(f.rule_id)}">'
        f'<h4><span class="id">{_e(f.rule_id)}</span>{_e(step_title(f, lang))}</h4>'
        f'<p class="meta">{badge}{_e(meta)}</p>'
        f"<p>{_e(f.message.get(lang))}</p>" + _html_details(report, f, known) + "</article>"
    )


def _html_disagreements(report: Report) -> str:
    lang = report.lang
    out = [f'<section id="disagreements"><h2>{_e(t(lang, "report.disagreements"))}</h2>']
    if not report.fact_differences and not report.finding_differences:
        out.append(f"<p>{_e(t(lang, 'report.summary_agree'))}</p></section>")
        return "".join(out)
    out.append(f"<h3>{_e(t(lang, 'report.disagree_facts'))}</h3>")
    if report.fact_differences:
        out.append(f"<p>{_e(t(lang, 'report.disagree_facts_intro'))}</p>")
        rows = []
        for d in report.fact_differences:
            cells = [f"<code>{_e(d.path)}</code>"] + [_e(_value(lang, v)) for v in d.values]
            word = t(lang, "report.conflict" if d.conflict else "report.partly_known")
            cells.append(f'<span class="diff">{_e(word)}</span>' if d.conflict else _e(word))
            rows.append(cells)
        head = [_e(t(lang, "col_fact")), *(_e(x) for x in report.labels), _e(t(lang, "report.col_difference"))]
        out.append(_html_table(head, rows))
    else:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out.append(f"<h3>{_e(t(lang, 'report.disagree_findings'))}</h3>")
    if report.finding_differences:
        out.append(f"<p>{_e(t(lang, 'report.disagree_findings_intro'))}</p>")
        rows = [
            [f'<a href="#{_anchor(f.rule_id)}">{_e(f.rule_id)}</a>', _e(f.title.get(lang))]
            + [f'<span class="status-{i.status}">{_e(_status(lang, i.status))}</span>' for i in f.by_informant]
            for f in report.finding_differences
        ]
        out.append(
            _html_table([_e(t(lang, "col_id")), _e(t(lang, "col_title")), *(_e(x) for x in report.labels)], rows)
        )
    else:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out.append("</section>")
    return "".join(out)


def _html_factor_table(report: Report) -> str:
    head, rows = _factor_table(report)
    cells = [[_e(str(value)) for value in row[:-1]] + [f"<b>{row[-1]}</b>"] for row in rows]
    first = 2 if report.multi else 1
    return _html_table([_e(h) for h in head], cells, num=range(first, len(head)))


def _html_arena_table(report: Report) -> str:
    lang = report.lang
    head = [t(lang, "report.col_arena")]
    if report.multi:
        head.append(t(lang, "report.col_informant"))
    head += [t(lang, "report.col_level"), t(lang, "report.col_ulrich")]
    rows = []
    for arena in report.arenas:
        for p in arena.placements:
            name = f'<span class="diff">{_e(arena.name)}</span>' if report.multi and arena.differs else _e(arena.name)
            row = [name]
            if report.multi:
                row.append(_e(p.informant))
            row += [
                _e(p.ladder_level if p.ladder_level is not None else t(lang, "report.unknown")),
                _e(_ulrich_short(lang, p.ulrich_type)),
            ]
            rows.append(row)
    return _html_table([_e(h) for h in head], rows)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no scripts, no links out."""
    lang = report.lang
    known = {f.rule_id for f in report.all_findings}
    title = _title(report)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<header><h1>{_e(title)}</h1><p class="lead">{_e(_informants_line(report))}</p></header>',
    ]
    # summary
    out.append(f'<section id="summary"><h2>{_e(t(lang, "report.summary"))}</h2>')
    numbers = [
        (report.count("strength"), t(lang, "strengths")),
        (report.count("diagnosis"), t(lang, "diagnoses")),
        (report.count("pitfall"), t(lang, "pitfalls")),
        (report.count("recommendation"), t(lang, "report.col_steps")),
        (len(report.questions), t(lang, "report.col_questions")),
    ]
    out.append('<ul class="numbers">' + "".join(f"<li><b>{n}</b>{_e(label)}</li>" for n, label in numbers) + "</ul>")
    out.append(
        '<ul class="summary">'
        + "".join(f"<li>{_e(line)}</li>" for line in _summary_lines(report, counts=False))
        + "</ul>"
    )
    if report.plan:
        out.append(f"<h3>{_e(t(lang, 'report.first_steps'))}</h3><ol>")
        out += [
            f'<li><a href="#{_anchor(f.rule_id)}">{_e(f.rule_id)}</a> — {_e(step_title(f, lang))}</li>'
            for f in report.plan[:3]
        ]
        out.append("</ol>")
    out.append("</section>")
    # factors
    out.append(f'<section id="factors"><h2>{_e(t(lang, "report.factors"))}</h2>')
    out.append(
        f"<figure>{_factor_chart(report)}<figcaption>{_e(t(lang, 'report.factors_intro'))}</figcaption></figure>"
    )
    out.append(_html_factor_table(report))
    out.append("</section>")
    # ladder
    out.append(f'<section id="ladder"><h2>{_e(t(lang, "report.ladder"))}</h2>')
    caption = t(lang, "report.ladder_intro") + (" " + t(lang, "report.ladder_multi") if report.multi else "")
    out.append(f"<figure>{_ladder_chart(report)}<figcaption>{_e(caption)}</figcaption></figure>")
    if report.arenas:
        out.append(_html_arena_table(report))
    out.append("</section>")
    if report.multi:
        out.append(_html_disagreements(report))
    # strengths
    out.append(
        f'<section id="strengths"><h2>{_e(t(lang, "strengths"))}</h2><p>{_e(t(lang, "report.strengths_intro"))}</p>'
    )
    if not report.strengths:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out += [_html_finding(report, f, known, _meta(lang, f, priority=False)) for f in report.strengths]
    out.append("</section>")
    # findings
    out.append(f'<section id="findings"><h2>{_e(t(lang, "report.by_factor"))}</h2>')
    for factor in FACTORS:
        out.append(f"<h3>{_e(_cap(t(lang, f'factor.{factor}')))}</h3>")
        findings = report.by_factor(factor)
        if not findings:
            out.append(f"<p>{_e(t(lang, 'none'))}</p>")
        out += [_html_finding(report, f, known, _meta(lang, f, priority=False)) for f in findings]
    out.append("</section>")
    # plan
    out.append(f'<section id="plan"><h2>{_e(t(lang, "plan"))}</h2>')
    if report.plan:
        out.append(f'<p>{_e(t(lang, "report.plan_intro"))}</p><ol class="plan">')
        out += [f"<li>{_html_finding(report, f, known, _plan_meta(lang, f, priority=False))}</li>" for f in report.plan]
        out.append("</ol>")
    else:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out.append("</section>")
    # questions
    out.append(f'<section id="questions"><h2>{_e(t(lang, "questions"))}</h2>')
    if report.questions:
        out.append(f"<p>{_e(t(lang, 'questions_intro'))}</p>")
        head = [t(lang, "col_fact"), t(lang, "report.col_question"), t(lang, "col_rules"), t(lang, "col_weight")]
        if report.multi:
            head.append(t(lang, "report.col_informants"))
        rows = []
        for q in report.questions:
            row = [f"<code>{_e(q.path)}</code>", _e(_question_text(q, lang)), _links(q.rules, known), str(q.weight)]
            if report.multi:
                row.append(_e(", ".join(q.informants)))
            rows.append(row)
        out.append(_html_table([_e(h) for h in head], rows, num=(3,)))
    else:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out.append("</section>")
    # references
    out.append(f'<section id="references"><h2>{_e(t(lang, "references"))}</h2>')
    if report.references:
        out.append(
            '<ul class="references">'
            + "".join(
                f"<li>{_e(r.entry.get(lang))} <small>({_e(t(lang, 'file'))} <code>{_e(r.file)}</code>)</small></li>"
                for r in report.references
            )
            + "</ul>"
        )
    else:
        out.append(f"<p>{_e(t(lang, 'none'))}</p>")
    out.append("</section>")
    out.append(f"<footer><p>{_e(_manifest_line(report))}</p><p>{_e(_profiles_line(report))}</p></footer>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def render_report(report: Report, fmt: str) -> Union[str, bytes]:
    """Render ``report`` as ``"html"`` or ``"markdown"`` (text), or ``"pdf"`` (bytes: the HTML
    page printed, see :mod:`advisor.render.pdf`; needs the ``pdf`` extra)."""
    if fmt == "html":
        return render_html(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(report)
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(REPORT_FORMATS)}")


def format_for(path: str) -> Optional[str]:
    """The report format a file name asks for (by its ending), or ``None``."""
    lower = path.lower()
    for fmt, endings in REPORT_FORMATS.items():
        if lower.endswith(endings):
            return fmt
    return None
