"""Reference documents generated from the code and the rules, kept current by tests.

* :func:`profile_reference` — ``docs/PROFILE.md``: every profile fact, its type and meaning.
* :func:`rule_catalogue` — ``docs/RULES.md``: every rule, its condition in plain words, sources.
"""

from __future__ import annotations

from collections import Counter

from ..profile.schema import FieldSpec, arena_fields, profile_fields
from ..rules.arenas import derivations
from ..rules.pack import KINDS, RulePack
from .conditions import describe
from .markdown import Markup, md_table

__all__ = ["profile_reference", "rule_catalogue"]

_PLURAL = {
    "strength": "Strengths",
    "diagnosis": "Diagnoses",
    "pitfall": "Pitfalls",
    "recommendation": "Recommendations",
}


def _type(spec: FieldSpec) -> Markup:
    if spec.kind in ("ordinal", "nominal"):  # md_table escapes the "|" of a cell
        return Markup((" < " if spec.kind == "ordinal" else " | ").join(spec.values))
    return Markup({"bool": "true / false", "int": "whole number", "float": "number", "str": "text"}[spec.kind])


def _meaning(spec: FieldSpec) -> Markup:
    """The field's description, advisor's own Markdown (shown with its markup, as written)."""
    if spec.descriptive:
        return Markup(f"{spec.description} *Descriptive only: {spec.descriptive}.*".strip())
    return Markup(spec.description)


def _fields_table(head: str, fields: dict[str, FieldSpec]) -> list[str]:
    rows = [[Markup(f"`{path}`"), _type(spec), _meaning(spec)] for path, spec in fields.items()]
    return md_table([head, "values", "meaning"], rows)


def profile_reference() -> str:
    """Markdown reference of every fact a profile can hold and a rule can test."""
    out = [
        "# Profile reference",
        "",
        "Generated from `advisor/profile/model.py` by `advisor.render.catalogue.profile_reference()`; a test keeps it current.",
        'Every field is optional: leave out what is unknown (unknown is not "no"). Ordinal scales',
        "are listed lowest first (`<`); rules may compare them with `lt`, `ge` and so on. A fact marked",
        "*descriptive only* is read by no rule (the reason is given); every other fact is read by some rule.",
        "",
        "## Profile facts",
        "",
    ]
    fields = profile_fields()
    out += _fields_table("path", {p: spec for p, spec in fields.items() if not p.startswith("arenas.")})
    out += ["## Arena fields (`arenas: [...]`, tested inside `any_arena`)", ""]
    out += _fields_table("field", arena_fields())
    out += ["## Derived facts (computed from the arenas)", ""]
    out += _fields_table("path", {p: spec for p, spec in fields.items() if p.startswith("arenas.")})
    out += [
        "## How an arena's ladder level and Ulrich type are derived",
        "",
        "When an arena does not give `ladder_level` or `ulrich_type`, it is derived from the arena's other",
        "facts (`advisor/rules/arenas.py`): the entries of each table are read in order, and the first whose",
        "condition holds gives the value, provided every earlier entry that would give another value is",
        "known not to hold (otherwise the value stays unknown). A given value always wins.",
        "",
    ]
    for field, entries in derivations().items():
        out += [f"### `{field}`", ""]
        rows = [
            [
                Markup(e.value),
                Markup(describe(e.condition)),
                Markup(e.reason.en),
                Markup("; ".join(map(str, e.sources))),
            ]
            for e in entries
        ]
        out += md_table(["value", "when", "because", "sources"], rows)
    return "\n".join(out).rstrip("\n") + "\n"


def rule_catalogue(pack: RulePack) -> str:
    """Markdown catalogue of every rule in ``pack``."""
    kinds: Counter[str] = Counter(r.kind for r in pack.rules)
    docs = Counter(doc for r in pack.rules for doc in {s.doc for s in r.sources})
    contrasted = Counter(doc for r in pack.rules for doc in {s.doc for c in r.contrasts for s in c.sources})
    out = [
        f"# Rule catalogue: {pack.info.name} {pack.info.version}",
        "",
        "Generated from the rule files by `advisor rules catalogue`; a test keeps it current.",
        "",
        f"{len(pack.rules)} rules: " + ", ".join(f"{kinds[k]} {_PLURAL[k].lower()}" for k in KINDS) + ".",
        "",
        f"{sum(1 for r in pack.rules if r.contrasts)} rules carry a contrasting view: a passage of another document that disagrees, shown beside the finding and never as its source.",
        "",
    ]
    # The catalogue shows a pack's texts as Markdown, as the rules' titles and messages below.
    rows = [
        [Markup(f"`{doc}`"), Markup(ref.label("en", doc)), Markup(ref.entry("en", doc)), docs[doc], contrasted[doc]]
        for doc, ref in pack.documents.items()
    ]
    out += md_table(["document", "cited as", "reference", "rules citing it", "as a contrast"], rows)
    for kind in KINDS:
        out += [f"## {_PLURAL[kind]}", ""]
        for rule in (r for r in pack.rules if r.kind == kind):
            out += [
                f"### {rule.id} — {rule.title.en}",
                "",
                f"*{rule.title.nb}*",
                "",
                f"- **factor / phase / priority / evidence:** {rule.factor} / {rule.phase} / {rule.priority} / {rule.evidence}",
                f"- **fires when:** {describe(pack.effective_conditions[rule.id])}",
            ]
            if rule.guard is not None:
                out.append(
                    f"- **done when** (does not fire; unknown: fires as conditional advice): {describe(rule.guard)}"
                )
            if rule.done_when_none is not None:
                out.append(f'- **no "done" condition:** {rule.done_when_none}')
            if rule.recommends:
                out.append(f"- **recommends:** {', '.join(rule.recommends)}")
            out.append("- **sources:** " + "; ".join(f"{pack.cite(s).en} (`{s}`)" for s in rule.sources))
            for c in rule.contrasts:
                cited = "; ".join(f"{pack.cite(s).en} (`{s}`)" for s in c.sources)
                out.append(f"- **contrasting view:** {c.statement.en} — {cited}")
            if rule.note:
                out.append(f"- **note:** {rule.note}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
