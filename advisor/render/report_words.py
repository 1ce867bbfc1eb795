"""The words of the consultant's report that its Markdown and HTML share: the title, the
summary's sentences, a finding's meta line and explanations, the factor table's cells.
"""

from __future__ import annotations

from typing import Any, Optional

from ..core.i18n import t
from ..engine.assessment import Finding
from ..profile.questions import question_text, value_text
from ..rules.pack import FACTORS, PRIORITIES
from . import svg as _svg
from .format import manifest_line
from .report import ULRICH_TYPES, Report, ReportFinding, ReportQuestion


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def fact_value(lang: str, value: Any) -> str:
    if value is None:
        return t(lang, "report.unknown")
    if lang != "en" and not (isinstance(value, float) and value.is_integer()):
        return value_text(value, lang)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def title(report: Report) -> str:
    return t(report.lang, "report.title", name=report.municipality or t(report.lang, "unnamed"))


def informants_line(report: Report) -> str:
    lang = report.lang
    if report.multi:
        return t(lang, "report.informants", n=len(report.informants), labels=", ".join(report.labels))
    return t(lang, "report.one_informant", label=report.labels[0])


def summary_lines(report: Report, counts: bool = True) -> list[str]:
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


def facts_text(lang: str, finding: Finding) -> str:
    return "; ".join(f"{path} = {fact_value(lang, value)}" for path, value in finding.facts.items())


def explanations(report: Report, f: ReportFinding) -> list[tuple[str, Finding]]:
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


def question(q: ReportQuestion, lang: str) -> str:
    """The interview question for ``q`` in ``lang`` (advisor.questions), else the field's description."""
    return question_text(q.path, lang, q.description)


def because(f: ReportFinding) -> tuple[str, ...]:
    """The findings it rests on, less those a recommendation already names as addressed."""
    return tuple(x for x in f.because if x not in f.addresses)


def status(lang: str, status: str) -> str:
    return t(lang, f"report.status.{status}")


def _named(lang: str, f: ReportFinding, field: str) -> str:
    """``Phase: design``: the name of a field of ``f`` and its value, in ``lang``."""
    return f"{t(lang, field)}: {t(lang, field + '.' + getattr(f, field))}"


def meta(lang: str, f: ReportFinding, priority: bool = True) -> str:
    """A finding's line under its title: kind, (priority,) phase, evidence."""
    fields = ("priority", "phase", "evidence") if priority else ("phase", "evidence")
    return " · ".join([cap(t(lang, f"kind.{f.kind}"))] + [_named(lang, f, x) for x in fields])


def plan_meta(lang: str, f: ReportFinding, priority: bool = True) -> str:
    """A plan step's line under its title: phase, (priority,) factor, evidence."""
    fields = ("phase", "priority", "factor", "evidence") if priority else ("phase", "factor", "evidence")
    return " · ".join(_named(lang, f, x) for x in fields)


def ulrich(lang: str, value: Optional[str]) -> str:
    return t(lang, f"ulrich.{value}" if value in ULRICH_TYPES else "ulrich.unknown")


def ulrich_short(lang: str, value: Optional[str]) -> str:
    return f"{_svg.ULRICH_LETTER.get(value or '', '?')} {ulrich(lang, value)}"


def tags(report: Report) -> dict[str, str]:
    """Short tags (1, 2, ...) for the informants in the ladder chart."""
    return {label: str(i) for i, label in enumerate(report.labels, 1)}


def not_for_text(lang: str, f: ReportFinding) -> str:
    return ", ".join(f"{i.informant} ({status(lang, i.status)})" for i in f.not_for)


def manifest_text(report: Report) -> str:
    return manifest_line(report.manifest, report.lang)


def profiles_line(report: Report) -> str:
    parts = [f"{i.label} sha256 {i.profile_hash[:12]}" for i in report.informants]
    return f"{t(report.lang, 'report.profiles')}: " + "; ".join(parts)


def factor_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The head and rows of the factor table, shared by the Markdown and HTML reports."""
    lang = report.lang
    head = [t(lang, "col_factor")]
    if report.multi:
        head.append(t(lang, "report.col_informant"))
    head += [cap(t(lang, f"priority.{p}")) for p in _svg.PRIORITY_ORDER]
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
            row: list[Any] = [cap(t(lang, f"factor.{summary.factor}"))]
            if report.multi:
                row.append(bar.informant)
            row += [bar.count(p) for p in _svg.PRIORITY_ORDER]
            row += [len(bar.strengths), bar.diagnoses, bar.pitfalls, bar.steps, bar.weight]
            rows.append(row)
    return head, rows
