"""The results of the consultant's tools as text: an explanation (``advisor explain``), a what-if
comparison (``advisor whatif``), the next steps (``advisor next-steps``) and a diff of two
assessments (``advisor diff``), in English or Norwegian bokmål.

:mod:`advisor.tools` computes the results; this module only words them. Their JSON is the model's
own (``model_dump``); :data:`advisor.render.formats.FORMATS` lists both formats of each.
"""

from __future__ import annotations

import shlex
from typing import Optional, Sequence

from ..core.i18n import t
from ..engine.assessment import PRIORITY_WEIGHT, Finding
from ..rules.conditions import describe_value
from ..rules.pack import PRIORITIES, Source
from ..tools.diff import Diff, FactChange
from ..tools.explain import Explanation, Node
from ..tools.whatif import NextSteps, PitfallRef, WhatIf
from .conditions import words
from .format import fit_table, step_title

__all__ = [
    "render_explanation",
    "render_whatif",
    "render_next_steps",
    "render_diff",
    "render_findings_changes",
    "facts_table",
]


# --------------------------------------------------------------------------------------------
# explain


def _mark(lang: str, value: Optional[bool]) -> str:
    key = {True: "explain.true", False: "explain.false", None: "explain.unknown"}[value]
    return "[" + t(lang, key) + "]"


def _detail(node: Node, lang: str) -> str:
    if node.kind == "compare":
        actual = t(lang, "explain.actual", value=describe_value(node.actual, lang))
        return f"{actual}, {words(node.derived, lang)}" if node.derived else actual
    if node.kind == "finding":
        if node.fired:
            return t(lang, "explain.fired")
        return t(lang, "explain.undecided" if node.undecided else "explain.not_fired")
    if node.kind == "any_arena" and not node.known:
        return t(lang, "explain.arenas_unknown")
    if node.kind == "any_arena" and not node.children:
        return t(lang, "explain.no_arenas")
    return ""


def _tree_lines(node: Node, lang: str, depth: int, width: int) -> list[str]:
    mark = _mark(lang, node.value).ljust(width)
    detail = _detail(node, lang)
    text = words(node.text, lang)
    if node.kind in ("all", "any", "not", "any_arena", "arena"):
        text += ":" if node.children else ""
    line = f"  {mark} {'  ' * depth}{text}" + (f"  ({detail})" if detail else "")
    out = [line.rstrip()]
    for child in node.children:
        out += _tree_lines(child, lang, depth + 1, width)
    return out


def _failed_line(node: Node, lang: str) -> str:
    text = words(node.condition, lang)
    if node.kind == "compare":
        return f"  - {text} ({_detail(node, lang)})"
    if node.kind == "finding":
        state = (
            t(lang, "explain.fired")
            if node.fired
            else t(lang, "explain.undecided" if node.undecided else "explain.not_fired")
        )
        return f"  - {text} ({state})"
    if node.kind == "not":
        return f"  - {text} ({t(lang, 'explain.inner_holds')})"
    if node.kind == "any_arena":
        return f"  - {text} ({_detail(node, lang) or t(lang, 'explain.no_arena_matches')})"
    return f"  - {text}"


def render_explanation(expl: Explanation, lang: str = "en") -> str:
    """The explanation as plain text in ``lang``."""
    title = f"{expl.rule_id} — {expl.title.get(lang)}"
    name = expl.municipality or t(lang, "unnamed")
    out = [
        title,
        "=" * len(title),
        f"{t(lang, 'kind.' + expl.kind)} · {t(lang, 'factor.' + expl.factor)} · "
        f"{t(lang, 'priority')}: {t(lang, 'priority.' + expl.priority)} · {name}",
        "",
    ]
    done = expl.guard is not None and expl.guard.value is True
    if expl.fired:
        out.append(t(lang, "explain.result_fired"))
    elif expl.value is True and done:
        out.append(t(lang, "explain.guard_done"))
    elif expl.value is None:
        out.append(t(lang, "explain.result_undecided"))
    else:
        out.append(t(lang, "explain.result_not_fired"))
    if expl.recommended_by:
        out.append(t(lang, "explain.recommended_by", ids=", ".join(expl.recommended_by)))
    out += ["", t(lang, "explain.walk")]
    width = max(len(_mark(lang, v)) for v in (True, False, None))
    out += _tree_lines(expl.tree, lang, 0, width)
    if expl.guard is not None:
        out += ["", t(lang, "explain.guard")]
        out += _tree_lines(expl.guard, lang, 0, width)
        key = (
            "explain.guard_done"
            if done
            else "explain.guard_unknown"
            if expl.guard.value is None
            else "explain.guard_not_done"
        )
        if not (key == "explain.guard_done" and expl.value is True and not expl.fired):
            out.append(t(lang, key))
    if expl.failed:
        out += ["", t(lang, "explain.failed")]
        out += [_failed_line(n, lang) for n in expl.failed]
    if expl.deciding_unknown:
        out += ["", t(lang, "explain.deciding_unknown")]
        out += [f"  - {p}" for p in expl.deciding_unknown]
    others = [p for p in expl.unknown if p not in expl.deciding_unknown]
    if others:
        out += ["", t(lang, "explain.other_unknown")]
        out += [f"  - {p}" for p in others]
    if expl.findings:
        out += ["", t(lang, "explain.findings")]
        for rid, did in expl.findings.items():
            out.append(f"  - {rid}: {t(lang, 'explain.fired' if did else 'explain.not_fired')}")
    if expl.sources:
        out += ["", t(lang, "sources") + ":"]
        out += [f"  - {c.get(lang)}  [{Source.parse(s).detail(lang)}]" for c, s in zip(expl.citations, expl.sources)]
    if expl.contrasts:
        out += ["", t(lang, "contrasts") + ":"]
        for view in expl.contrasts:
            cited = "; ".join(c.get(lang) for c in view.citations)
            out.append(f"  - {view.statement.get(lang)} ({cited})")
            out += [f"    [{Source.parse(s).detail(lang)}]" for s in view.sources]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# diff


def _heading(text: str) -> list[str]:
    return [text, "-" * len(text)]


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("±0" if n == 0 else f"−{-n}")


def _findings_table(findings: Sequence[Finding], lang: str) -> str:
    rows = [
        [f.rule_id, t(lang, f"kind.{f.kind}"), t(lang, f"priority.{f.priority}"), step_title(f, lang)] for f in findings
    ]
    head = [t(lang, "col_id"), t(lang, "col_kind"), t(lang, "col_priority"), t(lang, "col_title")]
    return fit_table(rows, head)


def facts_table(facts: Sequence[FactChange], lang: str) -> str:
    rows = [[c.path, describe_value(c.old, lang), describe_value(c.new, lang)] for c in facts]
    return fit_table(rows, [t(lang, "col_fact"), t(lang, "diff.before"), t(lang, "diff.after")])


def render_findings_changes(
    d: Diff, lang: str, gone_key: str = "diff.resolved", new_key: str = "diff.new"
) -> list[str]:
    """The findings that went and came, the ones that stayed, and the summary, as text lines."""
    out: list[str] = []
    for key, findings in ((gone_key, d.resolved), (new_key, d.new)):
        out += _heading(t(lang, key, n=len(findings)))
        out.append(_findings_table(findings, lang) if findings else t(lang, "none"))
        out.append("")
    out += _heading(t(lang, "diff.persisting", n=len(d.persisting)))
    out.append(", ".join(f.rule_id for f in d.persisting) if d.persisting else t(lang, "none"))
    out.append("")
    out += _heading(t(lang, "diff.summary"))
    rows = [[t(lang, f"diff.count.{c.key}"), c.old, c.new, _signed(c.new - c.old)] for c in d.kinds]
    rows += [
        [t(lang, "diff.pitfalls_of", priority=t(lang, f"priority.{c.key}")), c.old, c.new, _signed(c.new - c.old)]
        for c in d.pitfalls_by_priority
    ]
    load = d.pitfall_load
    rows.append([t(lang, "diff.load"), load.old, load.new, _signed(load.new - load.old)])
    head = ["", t(lang, "diff.before"), t(lang, "diff.after"), t(lang, "diff.change")]
    out.append(fit_table(rows, head, colalign=("left", "right", "right", "right")))
    return out


def render_diff(d: Diff, lang: str = "en") -> str:
    """The diff as plain text in ``lang``."""
    name = d.new_name or d.old_name or t(lang, "unnamed")
    title = t(lang, "diff.title", name=name)
    out = [title, "=" * len(title)]
    if d.old_label or d.new_label:
        out.append(t(lang, "diff.files", old=d.old_label or "-", new=d.new_label or "-"))
    if not d.same_municipality:
        out.append(t(lang, "diff.other_municipality", old=d.old_name, new=d.new_name))
    out.append("")
    out += _heading(t(lang, "diff.facts", n=len(d.facts)))
    out.append(facts_table(d.facts, lang) if d.facts else t(lang, "none"))
    out.append("")
    out += render_findings_changes(d, lang)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# what-if and next steps


def render_whatif(result: WhatIf, lang: str = "en") -> str:
    """The what-if comparison as plain text in ``lang``."""
    title = t(lang, "whatif.title", name=result.municipality or t(lang, "unnamed"))
    out = [title, "=" * len(title), t(lang, "whatif.sets", sets=", ".join(c.text for c in result.changes)), ""]
    heading = t(lang, "whatif.facts", n=len(result.diff.facts))
    out += [heading, "-" * len(heading)]
    out.append(facts_table(result.diff.facts, lang) if result.diff.facts else t(lang, "none"))
    out.append("")
    out += render_findings_changes(result.diff, lang, "whatif.disappear", "whatif.appear")
    return "\n".join(out) + "\n"


def _pitfall_lines(label: str, refs: Sequence[PitfallRef], lang: str) -> list[str]:
    out = []
    width = max(len(r.rule_id) for r in refs)
    pwidth = max(len(t(lang, f"priority.{p}")) for p in PRIORITIES)
    for i, ref in enumerate(refs):
        head = label if i == 0 else " " * len(label)
        out.append(
            f"   {head}  {ref.rule_id.ljust(width)}  {t(lang, 'priority.' + ref.priority).ljust(pwidth)}  {ref.title.get(lang)}"
        )
    return out


def render_next_steps(result: NextSteps, lang: str = "en", profile: Optional[str] = None) -> str:
    """The ranked next steps as plain text in ``lang``; ``profile`` is the file name the hint to
    try a step names (``PROFILE`` when not given; standard input cannot be read twice, so ``-``
    gives the placeholder too)."""
    title = t(lang, "next.title", name=result.municipality or t(lang, "unnamed"))
    weights = ", ".join(f"{t(lang, 'priority.' + p)} {PRIORITY_WEIGHT[p]}" for p in reversed(PRIORITIES))
    out = [
        title,
        "=" * len(title),
        t(lang, "next.intro", weights=weights),
        t(lang, "next.counts", p=len(result.pitfalls), load=result.load, tried=result.tried),
        "",
    ]
    if not result.pitfalls:
        out.append(t(lang, "next.no_pitfalls"))
        return "\n".join(out) + "\n"
    if not result.steps:
        out.append(t(lang, "next.no_steps"))
        return "\n".join(out) + "\n"
    labels = [t(lang, "next.resolves"), t(lang, "next.introduces")]
    lw = max(len(x) for x in labels)
    for i, step in enumerate(result.steps, 1):
        now = t(lang, "next.new_arena") if step.new_arena else describe_value(step.current, lang)
        where = f"{t(lang, 'explain.arena', name=step.arena)}, " if step.arena else ""
        out.append(f"{i}. {step.set}  ({where}{t(lang, 'next.now')}: {now}; {t(lang, 'next.score')} +{step.score})")
        out += _pitfall_lines(labels[0].ljust(lw), step.resolves, lang)
        if step.introduces:
            out += _pitfall_lines(labels[1].ljust(lw), step.introduces, lang)
        out.append("")
    target = shlex.quote(profile) if profile and profile != "-" else t(lang, "next.profile")
    out.append(t(lang, "next.try", profile=target, example=shlex.quote(result.steps[0].set)))
    return "\n".join(out) + "\n"
