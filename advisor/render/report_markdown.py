"""The consultant's report as Markdown: the charts as tables."""

from __future__ import annotations

from typing import Optional

from ..core.i18n import t
from ..rules.pack import FACTORS
from . import report_words as w
from .format import finding_links_md, step_title
from .markdown import Markup, md, md_code, md_table
from .report import LADDER_LEVELS, Report, ReportFinding

__all__ = ["render_markdown"]


def _md_finding(report: Report, f: ReportFinding, lang: str, heading: str) -> list[str]:
    """One finding in Markdown under a heading of level ``heading`` (``###``): title, kind and
    priority, message, then its details."""
    return [
        f"{heading} {f.rule_id} — {md(f.title.get(lang))}",
        "",
        f"*{w.meta(lang, f)}*",
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
            lines.append(f"- **{t(lang, 'report.not_for')}:** {md(w.not_for_text(lang, f))}")
    for who, found in w.explanations(report, f):
        why = w.facts_text(lang, found)
        if why:
            label = t(lang, "report.why_for", informant=who) if who else t(lang, "why")
            lines.append(f"- **{md(label)}:** {md(why)}")
        if found.arenas:
            label = t(lang, "report.arenas_for", informant=who) if who else t(lang, "arenas")
            lines.append(f"- **{md(label)}:** {md(', '.join(found.arenas))}")
    because = w.because(f)
    if because:
        lines.append(f"- **{t(lang, 'because')}:** {', '.join(because)}")
    return lines + finding_links_md(lang, f) + [""]


def _md_factor_table(report: Report) -> list[str]:
    return md_table(*w.factor_table(report))


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
            text = f"{arena.name} ({w.ulrich_short(lang, ulrich)})"
            if report.multi:
                text += f" [{', '.join(who)}]"
            cells.setdefault(level, []).append(text)
    rows: list[list[object]] = []
    for level in sorted(LADDER_LEVELS, reverse=True):
        rows.append([level, t(lang, f"ladder.{level}"), "; ".join(cells.get(level, [])) or "—"])
    if None in cells:
        rows.append(["?", t(lang, "report.level_unknown"), "; ".join(cells[None])])
    return md_table([t(lang, "report.col_level"), "", t(lang, "report.col_arenas")], rows)


def _md_disagreements(report: Report) -> list[str]:
    lang = report.lang
    out = [f"## {t(lang, 'report.disagreements')}", ""]
    if not report.fact_differences and not report.finding_differences:
        return out + [t(lang, "report.summary_agree"), ""]
    out += [f"### {t(lang, 'report.disagree_facts')}", ""]
    if report.fact_differences:
        out += [t(lang, "report.disagree_facts_intro"), ""]
        rows = [
            [Markup(f"`{d.path}`")]
            + [w.fact_value(lang, v) for v in d.values]
            + [t(lang, "report.conflict" if d.conflict else "report.partly_known")]
            for d in report.fact_differences
        ]
        out += md_table([t(lang, "col_fact"), *report.labels, t(lang, "report.col_difference")], rows)
    else:
        out += [t(lang, "none"), ""]
    out += [f"### {t(lang, 'report.disagree_findings')}", ""]
    if report.finding_differences:
        out += [t(lang, "report.disagree_findings_intro"), ""]
        rows = [
            [f.rule_id, f.title.get(lang)] + [w.status(lang, i.status) for i in f.by_informant]
            for f in report.finding_differences
        ]
        out += md_table([t(lang, "col_id"), t(lang, "col_title"), *report.labels], rows)
    else:
        out += [t(lang, "none"), ""]
    return out


def render_markdown(report: Report) -> str:
    """The report as Markdown (charts as tables)."""
    lang = report.lang
    out = [f"# {md(w.title(report))}", "", md(w.informants_line(report)), ""]
    out += [f"## {t(lang, 'report.summary')}", ""]
    out += [f"- {md(line)}" for line in w.summary_lines(report)] + [""]
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
        out += [f"### {w.cap(t(lang, f'factor.{factor}'))}", ""]
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
            f"*{w.plan_meta(lang, f)}*",
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
            row: list[object] = [Markup(f"`{q.path}`"), w.question(q, lang), ", ".join(q.rules), q.weight]
            if report.multi:
                row.append(", ".join(q.informants))
            rows.append(row)
        out += md_table(head, rows)
    else:
        out += [t(lang, "none"), ""]
    out += [f"## {t(lang, 'references')}", ""]
    out += [f"- {md(r.entry.get(lang))} ({t(lang, 'file')} {md_code(r.file)})" for r in report.references] or [
        t(lang, "none")
    ]
    out += ["", "---", "", f"*{md(w.manifest_text(report))}*", "", f"*{md(w.profiles_line(report))}*", ""]
    return "\n".join(out)
