"""The results of the research workflow as text: a batch's fire counts (``advisor batch``), a
comparison of packs (``advisor compare``), the sensitivity of findings (``advisor sensitivity``)
and the outcome of a pack's test cases (``advisor rules test``), in English or Norwegian bokmål.

:mod:`advisor.research` and :mod:`advisor.tools.packcheck` compute the results; this module only
words them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..core.i18n import STRINGS, t
from ..research.runs import BatchResult, Comparison, Sensitivity
from .format import fit_table

if TYPE_CHECKING:  # not imported at every start of a research command (the variants' machinery)
    from ..tools.packcheck import TestReport

__all__ = ["render_fire_counts", "render_comparison", "render_sensitivity", "render_test_report"]


def _decimal(text: str, lang: str) -> str:
    """A number written with a point, with the decimal mark of ``lang`` (its ``number.decimal_point``)."""
    return text.replace(".", t(lang, "number.decimal_point"))


def _pct(value: float, lang: str) -> str:
    return t(lang, "number.percent", value=_decimal(f"{value * 100:.1f}", lang))


def _num(value: Optional[float], lang: str) -> str:
    if value is None:
        return "—"
    return _decimal(f"{value:.2f}", lang)


def _field(name: str, lang: str) -> str:
    """A field of a rule (``priority``, ``when``) in ``lang``; the name itself where there is no word."""
    key = f"rule_field.{name}"
    return t(lang, key) if key in STRINGS[lang] else name


def render_fire_counts(result: BatchResult, lang: str) -> str:
    """The summary of a batch: how often each rule fired, per pack."""
    labels = result.labels
    done = result.manifest.profiles
    kinds: dict[str, str] = {}
    for pack in result.manifest.packs:
        for rule_id in pack.rules_enabled:
            kinds.setdefault(rule_id, "")
    rows = []
    for rule_id in sorted(kinds):
        cells = [rule_id]
        for label in labels:
            count = result.fire_counts[label].get(rule_id)
            cells.append("—" if count is None else f"{count} ({_pct(count / done, lang)})" if done else "0")
        rows.append(cells)
    head = t(lang, "research.batch_summary", profiles=done, labels=", ".join(labels), skipped=len(result.skipped))
    table = fit_table(rows, headers=[t(lang, "col_id")] + labels, disable_numparse=True)
    return f"{head}\n\n{table}\n"


def render_comparison(comparison: Comparison, lang: str, all_rules: bool = False) -> str:
    """A comparison as text: agreement figures, the rules and the profiles where packs disagree."""
    out: list[str] = []
    for c in comparison.comparisons:
        n = c.profiles
        out.append(t(lang, "research.compare_heading", baseline=c.baseline, variant=c.variant, profiles=n))
        out.append("")
        if n:
            out.append(
                t(
                    lang,
                    "research.compare_same",
                    same=c.identical_profiles,
                    n=n,
                    share=_pct(c.identical_profiles / n, lang),
                    plans=c.identical_plans,
                    plan_share=_pct(c.identical_plans / n, lang),
                )
            )
        out.append(
            t(lang, "research.compare_agreement", mean=_pct(c.mean_agreement, lang), kappa=_num(c.pooled_kappa, lang))
        )
        changed = ", ".join(
            f"{rid} ({', '.join(_field(f, lang) for f in fields)})" for rid, fields in c.diff.changed.items()
        )
        out.append(
            t(
                lang,
                "research.compare_changes",
                added=", ".join(c.diff.added) or "—",
                removed=", ".join(c.diff.removed) or "—",
                changed=changed or "—",
            )
        )
        out.append("")
        rules = [r for r in c.rules if all_rules or r.disagreements]
        out.append(t(lang, "research.compare_rules_all" if all_rules else "research.compare_rules"))
        if rules:
            headers = [
                t(lang, "col_id"),
                t(lang, "col_kind"),
                c.baseline,
                c.variant,
                t(lang, "research.col_both"),
                t(lang, "research.col_agreement"),
                t(lang, "research.col_kappa"),
            ]
            rows = [
                [
                    r.rule_id,
                    t(lang, f"kind.{r.kind}"),
                    r.baseline_fired if r.in_baseline else "—",
                    r.variant_fired if r.in_variant else "—",
                    r.both,
                    _pct(r.agreement, lang),
                    _num(r.kappa, lang),
                ]
                for r in rules
            ]
            out.append(fit_table(rows, headers=headers, disable_numparse=True))
        else:
            out.append(t(lang, "research.compare_rules_none"))
        out.append("")
        out.append(t(lang, "research.compare_profiles"))
        if c.differences:
            headers = [
                t(lang, "research.col_profile"),
                t(lang, "research.col_only", label=c.baseline),
                t(lang, "research.col_only", label=c.variant),
                t(lang, "research.col_plan_differs"),
            ]
            rows = [
                [
                    d.profile,
                    " ".join(d.only_baseline) or "—",
                    " ".join(d.only_variant) or "—",
                    t(lang, "yes") if d.plan_differs else t(lang, "no"),
                ]
                for d in c.differences
            ]
            out.append(fit_table(rows, headers=headers, disable_numparse=True))
        else:
            out.append(t(lang, "research.compare_profiles_none"))
        out.append("")
    manifest = comparison.manifest
    for pack in manifest.packs:
        line = dict(
            label=pack.label, name=pack.name, version=pack.version, hash=pack.hash[:12], rules=len(pack.rules_enabled)
        )
        out.append(t(lang, "research.pack_line", origin=pack.origin, **line))
    engine = dict(engine=manifest.engine, engine_version=manifest.engine_version)
    out.append(t(lang, "research.engine_line", advisor=manifest.advisor_version, **engine))
    return "\n".join(out) + "\n"


def render_sensitivity(result: Sensitivity, lang: str) -> str:
    """Per finding, the facts that move it most, as a table that fits the terminal."""
    rows = []
    for finding in result.findings:
        moved = ", ".join(f"{f.fact} ({_pct(f.flip_rate, lang)})" for f in finding.facts) or t(
            lang, "research.sensitivity_none"
        )
        rows.append([finding.rule_id, t(lang, f"kind.{finding.kind}"), str(finding.fired), moved])
    headers = [t(lang, "col_id"), t(lang, "col_kind"), t(lang, "research.col_fired"), t(lang, "research.col_moved_by")]
    head = t(lang, "research.sensitivity_heading", pack=result.pack, profiles=result.profiles, seed=result.seed)
    return f"{head}\n\n{fit_table(rows, headers)}\n"


def render_test_report(report: TestReport, lang: str) -> str:
    """The outcome of a pack's test cases (``advisor rules test``): one line per case, then the sum."""
    if not report.outcomes:
        return t(lang, "research.tests_none", pack=report.pack) + "\n"
    out = []
    for outcome in report.outcomes:
        test = outcome.test
        if outcome.passed:
            out.append(f"{t(lang, 'research.test_ok'):<4}  {test.name}")
            continue
        parts = []
        if outcome.missing:
            parts.append(t(lang, "research.test_missing", ids=", ".join(outcome.missing)))
        if outcome.unexpected:
            parts.append(t(lang, "research.test_unexpected", ids=", ".join(outcome.unexpected)))
        out.append(f"{t(lang, 'research.test_fail'):<4}  {test.name} ({test.where}): {'; '.join(parts)}")
    out.append(
        t(
            lang,
            "research.tests_summary",
            pack=report.pack,
            total=len(report.outcomes),
            passed=report.passed,
            failed=report.failed,
        )
    )
    return "\n".join(out) + "\n"
