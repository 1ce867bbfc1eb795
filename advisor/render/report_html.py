"""The consultant's report as one self-contained HTML page: inline CSS (the package file
``report.css``) and SVG charts (:mod:`advisor.render.svg`), no scripts, nothing fetched.

The page is built section by section: one function per section of :data:`SECTIONS` (summary,
factors, ladder, disagreements, strengths, findings, plan, questions, references), each taking the
:class:`~advisor.render.report.Report` and returning its HTML. :func:`render_html` puts the head,
the sections and the footer together; the web workbench shows that page (``web/_lib.py``), and
:mod:`advisor.render.pdf` prints it. The sentences both formats share are in
:mod:`advisor.render.report_words`.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files
from typing import Callable, Sequence

from ..core.i18n import t
from ..rules.pack import FACTORS
from . import report_words as w
from . import svg as _svg
from .format import contrast_lines, step_title
from .report import LADDER_LEVELS, ULRICH_TYPES, Report, ReportFinding

__all__ = ["render_html", "css", "SECTIONS"]


@cache
def css() -> str:
    """The report's style sheet (the package file ``report.css``)."""
    return files(__package__).joinpath("report.css").read_text(encoding="utf-8")


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
        groups.append(_svg.BarGroup(label=w.cap(t(lang, f"factor.{summary.factor}")), bars=tuple(bars)))
    legend = [(p, w.cap(t(lang, f"priority.{p}"))) for p in _svg.PRIORITY_ORDER] + [
        (_svg.STRENGTH, w.cap(t(lang, "kind.strength")))
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
    tags = w.tags(report)
    levels = [
        _svg.LadderLevel(level=n, label=t(lang, "report.level", n=n), description=t(lang, f"ladder.{n}"))
        for n in LADDER_LEVELS
    ]
    columns = []
    for arena in report.arenas:
        markers = []
        for p in arena.placements:
            level = t(lang, "report.level", n=p.ladder_level) if p.ladder_level else t(lang, "report.level_unknown")
            tip = f"{arena.name}: {level}, {w.ulrich(lang, p.ulrich_type)}"
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
    legend = [(u, w.ulrich_short(lang, u)[2:]) for u in ULRICH_TYPES] + [("unknown", t(lang, "ulrich.unknown"))]
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
                        f'{_e(i.informant)} (<span class="status-{i.status}">{_e(w.status(lang, i.status))}</span>)'
                        for i in f.not_for
                    ),
                )
            )
    for who, found in w.explanations(report, f):
        if found.facts:
            label = t(lang, "report.why_for", informant=who) if who else t(lang, "why")
            items = "; ".join(
                f"<code>{_e(path)}</code> = {_e(w.fact_value(lang, value))}" for path, value in found.facts.items()
            )
            rows.append((label, items))
        if found.arenas:
            label = t(lang, "report.arenas_for", informant=who) if who else t(lang, "arenas")
            rows.append((label, _e(", ".join(found.arenas))))
    because = w.because(f)
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
            cells = [f"<code>{_e(d.path)}</code>"] + [_e(w.fact_value(lang, v)) for v in d.values]
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
            + [f'<span class="status-{i.status}">{_e(w.status(lang, i.status))}</span>' for i in f.by_informant]
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
    head, rows = w.factor_table(report)
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
                _e(w.ulrich_short(lang, p.ulrich_type)),
            ]
            rows.append(row)
    return _html_table([_e(h) for h in head], rows)


def _known(report: Report) -> set[str]:
    """The ids of the findings the page shows (a link to any other id would lead nowhere)."""
    return {f.rule_id for f in report.all_findings}


def _none(lang: str) -> str:
    return f"<p>{_e(t(lang, 'none'))}</p>"


def _section(report: Report, name: str, heading: str, body: Sequence[str], lead: str = "") -> str:
    """``<section id=name>`` with the heading (a key of the UI strings), ``lead`` (HTML) on the
    heading's line, and ``body`` one item a line; ``body`` empty says "none"."""
    lang = report.lang
    first = f'<section id="{name}"><h2>{_e(t(lang, heading))}</h2>{lead}'
    return "\n".join([first, *(body or [_none(lang)]), "</section>"])


def summary_section(report: Report) -> str:
    """The numbers, the summary's sentences and the first three steps of the plan."""
    lang = report.lang
    numbers = [
        (report.count("strength"), t(lang, "strengths")),
        (report.count("diagnosis"), t(lang, "diagnoses")),
        (report.count("pitfall"), t(lang, "pitfalls")),
        (report.count("recommendation"), t(lang, "report.col_steps")),
        (len(report.questions), t(lang, "report.col_questions")),
    ]
    out = ['<ul class="numbers">' + "".join(f"<li><b>{n}</b>{_e(label)}</li>" for n, label in numbers) + "</ul>"]
    lines = w.summary_lines(report, counts=False)
    out.append('<ul class="summary">' + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>")
    if report.plan:
        out.append(f"<h3>{_e(t(lang, 'report.first_steps'))}</h3><ol>")
        out += [
            f'<li><a href="#{_anchor(f.rule_id)}">{_e(f.rule_id)}</a> — {_e(step_title(f, lang))}</li>'
            for f in report.plan[:3]
        ]
        out.append("</ol>")
    return _section(report, "summary", "report.summary", out)


def factors_section(report: Report) -> str:
    """The four factors: the chart and the table."""
    caption = _e(t(report.lang, "report.factors_intro"))
    chart = f"<figure>{_factor_chart(report)}<figcaption>{caption}</figcaption></figure>"
    return _section(report, "factors", "report.factors", [chart, _html_factor_table(report)])


def ladder_section(report: Report) -> str:
    """The arenas on the ladder of co-creation: the chart and, when there are arenas, the table."""
    lang = report.lang
    caption = t(lang, "report.ladder_intro") + (" " + t(lang, "report.ladder_multi") if report.multi else "")
    out = [f"<figure>{_ladder_chart(report)}<figcaption>{_e(caption)}</figcaption></figure>"]
    if report.arenas:
        out.append(_html_arena_table(report))
    return _section(report, "ladder", "report.ladder", out)


def disagreements_section(report: Report) -> str:
    """Where the informants disagree; empty for one informant."""
    return _html_disagreements(report) if report.multi else ""


def strengths_section(report: Report) -> str:
    lang, known = report.lang, _known(report)
    out = [_html_finding(report, f, known, w.meta(lang, f, priority=False)) for f in report.strengths]
    return _section(report, "strengths", "strengths", out, lead=f"<p>{_e(t(lang, 'report.strengths_intro'))}</p>")


def findings_section(report: Report) -> str:
    """The diagnoses and pitfalls, factor by factor."""
    lang, known = report.lang, _known(report)
    out = []
    for factor in FACTORS:
        out.append(f"<h3>{_e(w.cap(t(lang, f'factor.{factor}')))}</h3>")
        findings = report.by_factor(factor)
        out += [_html_finding(report, f, known, w.meta(lang, f, priority=False)) for f in findings] or [_none(lang)]
    return _section(report, "findings", "report.by_factor", out)


def plan_section(report: Report) -> str:
    lang, known = report.lang, _known(report)
    steps = [f"<li>{_html_finding(report, f, known, w.plan_meta(lang, f, priority=False))}</li>" for f in report.plan]
    if steps:
        steps = [f'<p>{_e(t(lang, "report.plan_intro"))}</p><ol class="plan">', *steps, "</ol>"]
    return _section(report, "plan", "plan", steps)


def questions_section(report: Report) -> str:
    """The unknown facts worth asking about."""
    lang, known = report.lang, _known(report)
    if not report.questions:
        return _section(report, "questions", "questions", [])
    head = [t(lang, "col_fact"), t(lang, "report.col_question"), t(lang, "col_rules"), t(lang, "col_weight")]
    if report.multi:
        head.append(t(lang, "report.col_informants"))
    rows = []
    for q in report.questions:
        row = [f"<code>{_e(q.path)}</code>", _e(w.question(q, lang)), _links(q.rules, known), str(q.weight)]
        if report.multi:
            row.append(_e(", ".join(q.informants)))
        rows.append(row)
    table = _html_table([_e(h) for h in head], rows, num=(3,))
    return _section(report, "questions", "questions", [f"<p>{_e(t(lang, 'questions_intro'))}</p>", table])


def references_section(report: Report) -> str:
    """The documents the findings cite."""
    lang = report.lang
    items = "".join(
        f"<li>{_e(r.entry.get(lang))} <small>({_e(t(lang, 'file'))} <code>{_e(r.file)}</code>)</small></li>"
        for r in report.references
    )
    return _section(report, "references", "references", [f'<ul class="references">{items}</ul>'] if items else [])


#: The sections of the page, in order: (the ``id`` of the ``<section>``, the function that builds it).
SECTIONS: tuple[tuple[str, Callable[[Report], str]], ...] = (
    ("summary", summary_section),
    ("factors", factors_section),
    ("ladder", ladder_section),
    ("disagreements", disagreements_section),
    ("strengths", strengths_section),
    ("findings", findings_section),
    ("plan", plan_section),
    ("questions", questions_section),
    ("references", references_section),
)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no scripts, no links out."""
    lang = report.lang
    title = w.title(report)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{css()}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<header><h1>{_e(title)}</h1><p class="lead">{_e(w.informants_line(report))}</p></header>',
    ]
    out += [html for html in (build(report) for _, build in SECTIONS) if html]
    out.append(f"<footer><p>{_e(w.manifest_text(report))}</p><p>{_e(w.profiles_line(report))}</p></footer>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
