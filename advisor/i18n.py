"""User-facing words of the tool itself, in English and Norwegian bokmål.

Rule texts live in the rule pack; these are headings, labels and scale values. Every key must
exist in both languages; a test checks it.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional

__all__ = ["LANGUAGES", "STRINGS", "t", "resolve_language"]

LANGUAGES = ("en", "nb")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "assessment_of": "Co-creation readiness: {name}",
        "unnamed": "unnamed municipality",
        "summary": "{d} diagnoses, {p} pitfalls, {r} recommendations. Rule pack {pack} {version} ({rules} rules).",
        "diagnoses": "Diagnoses",
        "pitfalls": "Pitfalls",
        "recommendations": "Recommendations",
        "plan": "Plan: recommendations in order",
        "questions": "Questions to ask next",
        "questions_intro": "Unknown facts that would decide more rules, most influential first.",
        "none": "None.",
        "col_id": "ID",
        "col_priority": "Priority",
        "col_factor": "Factor",
        "col_phase": "Phase",
        "col_title": "Finding",
        "col_step": "Step",
        "col_addresses": "Addresses",
        "col_fact": "Fact",
        "col_rules": "Decides",
        "col_weight": "Weight",
        "col_kind": "Kind",
        "col_evidence": "Evidence",
        "why": "Why",
        "sources": "Sources",
        "arenas": "Arenas",
        "because": "Rests on",
        "addresses": "Addresses",
        "recommended": "Recommended",
        "condition": "Condition",
        "note": "Note",
        "rule": "Rule",
        "kind": "Kind",
        "factor": "Factor",
        "phase": "Phase",
        "priority": "Priority",
        "evidence": "Evidence",
        "recommended_by": "Recommended by",
        "manifest": "Reproduce with advisor {advisor}, {engine} {engine_version}, pack {pack} {pack_version} (sha256 {hash}).",
        "kind.diagnosis": "diagnosis",
        "kind.pitfall": "pitfall",
        "kind.recommendation": "recommendation",
        "factor.anchoring": "anchoring and plans",
        "factor.leadership": "leadership",
        "factor.implementation": "implementation strategy",
        "factor.relations": "relations",
        "phase.initiation": "initiation",
        "phase.design": "design",
        "phase.implementation": "implementation",
        "phase.evaluation": "evaluation",
        "priority.low": "low",
        "priority.medium": "medium",
        "priority.high": "high",
        "priority.critical": "critical",
        "evidence.empirical": "empirical",
        "evidence.theory": "theory",
        "evidence.practice": "practitioner advice",
        "yes": "yes",
        "no": "no",
    },
    "nb": {
        "assessment_of": "Klar for samskaping: {name}",
        "unnamed": "kommune uten navn",
        "summary": "{d} diagnoser, {p} fallgruver, {r} anbefalinger. Regelpakke {pack} {version} ({rules} regler).",
        "diagnoses": "Diagnoser",
        "pitfalls": "Fallgruver",
        "recommendations": "Anbefalinger",
        "plan": "Plan: anbefalingene i rekkefølge",
        "questions": "Spørsmål å stille videre",
        "questions_intro": "Ukjente fakta som ville avgjort flere regler, de viktigste først.",
        "none": "Ingen.",
        "col_id": "ID",
        "col_priority": "Prioritet",
        "col_factor": "Faktor",
        "col_phase": "Fase",
        "col_title": "Funn",
        "col_step": "Steg",
        "col_addresses": "Svarer på",
        "col_fact": "Faktum",
        "col_rules": "Avgjør",
        "col_weight": "Vekt",
        "col_kind": "Type",
        "col_evidence": "Belegg",
        "why": "Hvorfor",
        "sources": "Kilder",
        "arenas": "Arenaer",
        "because": "Bygger på",
        "addresses": "Svarer på",
        "recommended": "Anbefalt",
        "condition": "Betingelse",
        "note": "Merknad",
        "rule": "Regel",
        "kind": "Type",
        "factor": "Faktor",
        "phase": "Fase",
        "priority": "Prioritet",
        "evidence": "Belegg",
        "recommended_by": "Anbefalt av",
        "manifest": "Reproduser med advisor {advisor}, {engine} {engine_version}, regelpakke {pack} {pack_version} (sha256 {hash}).",
        "kind.diagnosis": "diagnose",
        "kind.pitfall": "fallgruve",
        "kind.recommendation": "anbefaling",
        "factor.anchoring": "forankring og planverk",
        "factor.leadership": "lederskap",
        "factor.implementation": "strategi for implementering",
        "factor.relations": "relasjoner",
        "phase.initiation": "initiering",
        "phase.design": "design",
        "phase.implementation": "gjennomføring",
        "phase.evaluation": "evaluering",
        "priority.low": "lav",
        "priority.medium": "middels",
        "priority.high": "høy",
        "priority.critical": "kritisk",
        "evidence.empirical": "empirisk",
        "evidence.theory": "teori",
        "evidence.practice": "praksisråd",
        "yes": "ja",
        "no": "nei",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    text = STRINGS[lang][key]
    return text.format(**values) if values else text


def resolve_language(explicit: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> str:
    """``explicit`` if given, else the locale (``nb``/``no``/``nn`` → bokmål), else English."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "nb" if value.lower().startswith(("nb", "no", "nn")) else "en"
    return "en"
