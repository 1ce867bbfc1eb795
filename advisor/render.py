"""Render assessments and rules as text: tables (tabulate), Markdown and JSON.

Every function returns a string and is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

import yaml
from tabulate import tabulate

from .assessment import Assessment, ContrastingView, Finding, Manifest
from .conditions import describe
from .i18n import t
from .rulepack import Rule, RulePack, Text

__all__ = ["step_title", "citation_text", "contrast_lines", "manifest_line", "to_json", "to_table", "to_markdown", "md", "FORMATS", "render", "rules_table", "rule_detail"]

FORMATS = ("table", "json", "markdown")


def _value(lang: str, value: Any) -> str:
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    return str(value)


def _facts(lang: str, finding: Finding) -> str:
    parts = [f"{path} = {_value(lang, value)}" for path, value in finding.facts.items()]
    if finding.arenas:
        parts.append(f"{t(lang, 'arenas').lower()}: {', '.join(finding.arenas)}")
    if finding.because:
        parts.append(f"{t(lang, 'because').lower()}: {', '.join(finding.because)}")
    return "; ".join(parts)


def citation_text(lang: str, citations: Iterable[Text]) -> str:
    """Citations as readers see them (one per document), joined: ``Lundgren (2023) §6, §5.1.5; Stene (2019) §4.2``."""
    return "; ".join(c.get(lang) for c in citations)


def contrast_lines(lang: str, contrasts: Iterable[ContrastingView]) -> list[str]:
    """One line per contrasting view: the other side's statement and its citations."""
    return [f"{c.statement.get(lang)} ({citation_text(lang, c.citations)})" for c in contrasts]


def to_json(result: Assessment) -> str:
    """The whole assessment, both languages, as indented JSON."""
    data = result.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_MD_PUNCTUATION = re.compile(r"([\\`*\[\]~])")
_MD_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # an & that would start an entity such as &lt;
_MD_BLOCK_START = re.compile(r"^(?:([#+=-])|([0-9]+)([.)]))")


def md(text: object, line_start: bool = True) -> str:
    """``text`` (a profile's or a pack's) for Markdown: shown as written, never read as markup.

    Line breaks become spaces (nothing can start a heading, list or block); ``< >`` become HTML
    entities (no raw HTML: ``<script>``, ``<img onerror>``); the characters of inline markup
    (backslash, backtick, ``* [ ] ~``, an underscore not inside a word) are escaped with a
    backslash, and so is a ``# + = -`` or ``1.`` that would start a block (unless ``line_start`` is
    false: a table cell). An ``&`` is kept
    unless it would start an entity (``&lt;``)."""
    out = " ".join(str(text).split())
    out = _MD_ENTITY.sub("&amp;", out).replace("<", "&lt;").replace(">", "&gt;")
    out = _MD_PUNCTUATION.sub(r"\\\1", out)
    out = _MD_LONE_UNDERSCORE.sub(r"\\_", out)
    if not line_start:  # a table cell: nothing in it starts a block
        return out
    return _MD_BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), out)


def _header(result: Assessment, lang: str) -> tuple[str, str]:
    name = result.municipality or t(lang, "unnamed")
    m = result.manifest
    summary = t(
        lang,
        "summary",
        s=len(result.strengths),
        d=len(result.diagnoses),
        p=len(result.pitfalls),
        r=len(result.recommendations),
        pack=m.pack,
        version=m.pack_version,
        rules=len(m.rules_enabled),
    )
    return t(lang, "assessment_of", name=name), summary


def _findings_rows(lang: str, findings: Iterable[Finding]) -> list[list[str]]:
    return [
        [f.rule_id, t(lang, f"priority.{f.priority}"), t(lang, f"factor.{f.factor}"), f.title.get(lang)]
        for f in findings
    ]


def to_table(result: Assessment, lang: str = "en") -> str:
    """Plain-text tables for a terminal."""
    title, summary = _header(result, lang)
    out = [title, "=" * len(title), summary, ""]
    head = [t(lang, "col_id"), t(lang, "col_priority"), t(lang, "col_factor"), t(lang, "col_title")]
    for key, findings in (("strengths", result.strengths), ("diagnoses", result.diagnoses), ("pitfalls", result.pitfalls)):
        out += [t(lang, key), "-" * len(t(lang, key))]
        out.append(tabulate(_findings_rows(lang, findings), head, tablefmt="simple") if findings else t(lang, "none"))
        out.append("")
    plan = t(lang, "plan")
    out += [plan, "-" * len(plan)]
    if result.recommendations:
        rows = [
            [
                i,
                t(lang, f"phase.{f.phase}"),
                t(lang, f"priority.{f.priority}"),
                f.rule_id,
                step_title(f, lang),
                ", ".join(f.addresses),
            ]
            for i, f in enumerate(result.recommendations, 1)
        ]
        head_plan = [
            t(lang, "col_step"),
            t(lang, "col_phase"),
            t(lang, "col_priority"),
            t(lang, "col_id"),
            t(lang, "col_title"),
            t(lang, "col_addresses"),
        ]
        out.append(tabulate(rows, head_plan, tablefmt="simple"))
    else:
        out.append(t(lang, "none"))
    out.append("")
    contrasted = [f for f in result.findings if f.contrasts]
    if contrasted:
        heading = t(lang, "contrasts")
        out += [heading, "-" * len(heading), t(lang, "contrast_intro")]
        out += [f"{f.rule_id}: {text}" for f in contrasted for text in contrast_lines(lang, f.contrasts)]
        out.append("")
    questions = t(lang, "questions")
    out += [questions, "-" * len(questions)]
    if result.questions:
        rows = [[q.path, ", ".join(q.rules), q.weight] for q in result.questions]
        out.append(tabulate(rows, [t(lang, "col_fact"), t(lang, "col_rules"), t(lang, "col_weight")], tablefmt="simple"))
    else:
        out.append(t(lang, "none"))
    return "\n".join(out) + "\n"


def step_title(f: Any, lang: str) -> str:
    """The title of ``f`` (a finding, or a report's merged finding); a conditional
    recommendation's says "unless already in place"."""
    title = f.title.get(lang)
    return f"{title} ({t(lang, 'conditional')})" if f.conditional else title


def _md_finding(lang: str, f: Finding, prefix: str = "") -> list[str]:
    lines = [f"### {prefix}{f.rule_id} — {md(step_title(f, lang))}", ""]
    meta = (
        f"*{t(lang, 'kind.' + f.kind)} · {t(lang, 'factor.' + f.factor)} · "
        f"{t(lang, 'priority')}: {t(lang, 'priority.' + f.priority)} · "
        f"{t(lang, 'phase')}: {t(lang, 'phase.' + f.phase)} · "
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + f.evidence)}*"
    )
    lines += [meta, "", md(f.message.get(lang)), ""]
    why = _facts(lang, f)
    if why:
        lines.append(f"- **{t(lang, 'why')}:** {md(why)}")
    if f.recommends:
        lines.append(f"- **{t(lang, 'recommended')}:** {', '.join(f.recommends)}")
    if f.addresses:
        lines.append(f"- **{t(lang, 'addresses')}:** {', '.join(f.addresses)}")
    if f.unless is not None:
        lines.append(f"- **{t(lang, 'unless')}:** {md(f.unless.get(lang))}")
    lines.append(f"- **{t(lang, 'sources')}:** " + md(citation_text(lang, f.citations)))
    lines += [f"- **{t(lang, 'contrast')}:** {md(text)}" for text in contrast_lines(lang, f.contrasts)]
    lines.append("")
    return lines


def to_markdown(result: Assessment, lang: str = "en") -> str:
    """A Markdown report: summary, findings with explanations and sources, plan, questions."""
    title, summary = _header(result, lang)
    out = [f"# {md(title)}", "", md(summary), ""]
    for key, findings in (("strengths", result.strengths), ("diagnoses", result.diagnoses), ("pitfalls", result.pitfalls)):
        out += [f"## {t(lang, key)}", ""]
        if not findings:
            out += [t(lang, "none"), ""]
        for f in findings:
            out += _md_finding(lang, f)
    out += [f"## {t(lang, 'plan')}", ""]
    if not result.recommendations:
        out += [t(lang, "none"), ""]
    for i, f in enumerate(result.recommendations, 1):
        out += _md_finding(lang, f, prefix=f"{i}. ")
    out += [f"## {t(lang, 'questions')}", ""]
    if result.questions:
        out += [t(lang, "questions_intro"), ""]
        rows = [[f"`{q.path}`", q.description, ", ".join(q.rules), q.weight] for q in result.questions]
        out.append(tabulate(rows, [t(lang, "col_fact"), "", t(lang, "col_rules"), t(lang, "col_weight")], tablefmt="github"))
        out.append("")
    else:
        out += [t(lang, "none"), ""]
    out += ["---", "", "*" + md(manifest_line(result.manifest, lang)) + "*", ""]
    return "\n".join(out)


def manifest_line(m: Manifest, lang: str) -> str:
    """One sentence that says how to reproduce an assessment."""
    return t(
        lang,
        "manifest",
        advisor=m.advisor_version,
        engine=m.engine,
        engine_version=m.engine_version,
        pack=m.pack,
        pack_version=m.pack_version,
        hash=m.pack_hash[:12],
    )


def render(result: Assessment, fmt: str = "table", lang: str = "en") -> str:
    """Render ``result`` in one of :data:`FORMATS`."""
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        return to_markdown(result, lang)
    if fmt == "table":
        return to_table(result, lang)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def rules_table(pack: RulePack, lang: str = "en", kind: "str | None" = None) -> str:
    """One line per rule of ``pack``."""
    rows = [
        [r.id, t(lang, f"kind.{r.kind}"), t(lang, f"factor.{r.factor}"), t(lang, f"priority.{r.priority}"), r.title.get(lang)]
        for r in pack.rules
        if kind is None or r.kind == kind
    ]
    head = [t(lang, "col_id"), t(lang, "col_kind"), t(lang, "col_factor"), t(lang, "col_priority"), t(lang, "col_title")]
    return tabulate(rows, head, tablefmt="simple") + "\n"


def rule_detail(pack: RulePack, rule: Rule, lang: str = "en") -> str:
    """Everything about one rule, for ``advisor rules show``."""
    lines = [
        f"{rule.id} — {rule.title.get(lang)}",
        "",
        rule.message.get(lang),
        "",
        f"{t(lang, 'kind')}: {t(lang, 'kind.' + rule.kind)}",
        f"{t(lang, 'factor')}: {t(lang, 'factor.' + rule.factor)}",
        f"{t(lang, 'phase')}: {t(lang, 'phase.' + rule.phase)}",
        f"{t(lang, 'priority')}: {t(lang, 'priority.' + rule.priority)}",
        f"{t(lang, 'evidence')}: {t(lang, 'evidence.' + rule.evidence)}",
        f"{t(lang, 'condition')}: {pack.describe(rule.id, lang)}",
    ]
    if rule.when is not None:
        lines.append("")
        lines.append(yaml.safe_dump({"when": rule.when}, allow_unicode=True, sort_keys=False).rstrip())
    if rule.guard is not None:
        lines.append(f"{t(lang, 'done_when')}: {describe(rule.guard, lang)}")
    if rule.done_when_none is not None:
        lines.append(f"{t(lang, 'done_when_none')}: {rule.done_when_none}")
    if rule.recommends:
        lines.append(f"{t(lang, 'recommended')}: {', '.join(rule.recommends)}")
    linked = pack.recommended_by.get(rule.id)
    if linked:
        lines.append(f"{t(lang, 'recommended_by')}: {', '.join(linked)}")
    lines.append(f"{t(lang, 'sources')}:")
    lines += [f"  - {pack.cite(s).get(lang)}  [{s.detail(lang)}]" for s in rule.sources]
    if rule.contrasts:
        lines.append(f"{t(lang, 'contrasts')}:")
        for c in rule.contrasts:
            lines.append(f"  - {c.statement.get(lang)}")
            lines += [f"    {pack.cite(s).get(lang)}  [{s.detail(lang)}]" for s in c.sources]
    if rule.note:
        lines.append(f"{t(lang, 'note')}: {rule.note}")
    return "\n".join(lines) + "\n"
