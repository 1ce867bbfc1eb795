"""Arenas classified from facts: the ladder level and Ulrich's type of an arena, derived from the
plain facts the documents use to place an arena when an informant does not give them.

An informant rarely knows an arena's rung on Ansell and Torfing's ladder of co-creation (000
§2.2.4, Table 1) or its type in Ulrich's typology (000 §2.1.1), but often knows what kind of arena
it is, who set the agenda, who took the initiative, how equal the parties were and what became of
the input. The tables below say how the documents place an arena from those facts. A value given
in the profile always wins; a derived one is used like a given one (rules, aggregates, reports)
and ``advisor explain`` shows the entry it came from.

Each table is a list of entries (a condition on the arena's facts and a value), read in order:
the first entry whose condition holds gives the value. The derivation is three-valued like every
rule: a value is derived only when an entry's condition is true and every earlier entry that
would give a *different* value is false, so no way of filling in the arena's unknown facts can
change a derived value (an earlier entry that is unknown but would give the same value does not
matter). Otherwise the value stays unknown.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from .conditions import Condition, compile_condition, parse_condition
from .pack import Source, Text

__all__ = ["Derivation", "derivations", "derivation_inputs", "derive", "derive_arena"]


@dataclass(frozen=True)
class Derivation:
    """One entry of a derivation table: when ``condition`` holds, the field has ``value``."""

    field: str
    value: Any
    condition: Condition
    reason: Text
    sources: tuple[Source, ...]


def _entry(field: str, value: Any, when: Any, en: str, nb: str, source: str) -> Derivation:
    condition = parse_condition(when, ("derivation", field), in_arena=True)
    return Derivation(field, value, condition, Text(en=en, nb=nb), tuple(Source.parse(s) for s in source.split("; ")))


_LADDER = "000_981a243478f15921.txt §2.2.4"
_ULRICH = "000_981a243478f15921.txt §2.1.1 (lines 602-620)"


@functools.lru_cache(maxsize=None)
def derivations() -> dict[str, tuple[Derivation, ...]]:
    """The derivation tables by field (``ladder_level``, ``ulrich_type``), entries in reading order."""
    ladder = (
        _entry(
            "ladder_level",
            1,
            {"fact": "kind", "in": ["hearing", "survey"]},
            "a hearing or survey gathers input within an area the public side defines, with little interaction (level 1)",
            "en høring eller undersøkelse henter inn innspill innenfor et område det offentlige definerer, med lite samhandling (nivå 1)",
            f"{_LADDER} (lines 847-857)",
        ),
        _entry(
            "ladder_level",
            2,
            {
                "all": [
                    {"fact": "kind", "in": ["public_meeting", "workshop"]},
                    {"fact": "agenda_set_by", "eq": "municipality"},
                ]
            },
            "in common meetings the municipality sets the agenda to get input and proposals (level 2)",
            "i felles møter setter kommunen agendaen for å få innspill og forslag (nivå 2)",
            f"{_LADDER} (lines 859-869); 000_981a243478f15921.txt §5.1.3 (lines 3871-3877)",
        ),
        _entry(
            "ladder_level",
            3,
            {
                "all": [
                    {"fact": "kind", "in": ["standing_group", "citizen_project"]},
                    {"fact": "agenda_set_by", "eq": "municipality"},
                ]
            },
            "citizens work with the municipality over time, but the municipality sets the agenda (level 3)",
            "innbyggerne jobber sammen med kommunen over tid, men kommunen setter agendaen (nivå 3)",
            f"{_LADDER} (lines 871-883)",
        ),
        _entry(
            "ladder_level",
            4,
            {
                "all": [
                    {"fact": "kind", "not_in": ["hearing", "survey"]},
                    {"fact": "agenda_set_by", "ne": "municipality"},
                ]
            },
            "the agenda is set together with, or by, the partners, and the municipality facilitates (level 4; level 5 describes a whole community, never one arena)",
            "agendaen settes sammen med, eller av, partnerne, og kommunen fasiliterer (nivå 4; nivå 5 beskriver et helt lokalsamfunn, aldri én arena)",
            f"{_LADDER} (lines 885-911); 000_981a243478f15921.txt §5.1.3 (lines 3780-3806)",
        ),
    )
    citizens = ["citizens", "volunteers"]
    ulrich = (
        _entry(
            "ulrich_type",
            "steered",
            {"fact": "equality", "le": "low"},
            "the parties did not meet as equals, so the municipality's premises steer",
            "partene møttes ikke som likeverdige, så kommunens premisser styrer",
            f"{_ULRICH}; 000_981a243478f15921.txt §5.1.3 (lines 3877-3889)",
        ),
        _entry(
            "ulrich_type",
            "steered",
            {"fact": "input_used", "le": "low"},
            "little of the input was taken up: the municipality kept control of the process (Steinkjer 2025)",
            "lite av innspillene ble tatt med: kommunen beholdt kontrollen over prosessen (Steinkjer 2025)",
            f"{_ULRICH}; 000_981a243478f15921.txt §5.1.3 (lines 3893-3907)",
        ),
        _entry(
            "ulrich_type",
            "facilitating",
            {"all": [{"fact": "equality", "eq": "high"}, {"fact": "initiator", "in": citizens}]},
            "citizens took the initiative and the parties meet as equals: the municipality facilitates",
            "innbyggerne tok initiativet og partene møtes som likeverdige: kommunen tilrettelegger",
            _ULRICH,
        ),
        _entry(
            "ulrich_type",
            "equal",
            {"fact": "equality", "eq": "high"},
            "the parties meet as equals, even where the municipality coordinates (the meeting in Namdalseid)",
            "partene møtes som likeverdige, også der kommunen koordinerer (møtet i Namdalseid)",
            f"{_ULRICH}; 000_981a243478f15921.txt §4.1.3 (lines 2531-2541)",
        ),
        _entry(
            "ulrich_type",
            "steered",
            {
                "all": [
                    {"fact": "agenda_set_by", "eq": "municipality"},
                    {"fact": "citizen_involvement", "eq": "passive"},
                ]
            },
            "the municipality sets the agenda and listens to citizens on its own premises",
            "kommunen setter agendaen og lytter til innbyggerne på egne premisser",
            _ULRICH,
        ),
        _entry(
            "ulrich_type",
            "responsibilising",
            {"all": [{"fact": "agenda_set_by", "eq": "municipality"}, {"fact": "citizen_involvement", "eq": "active"}]},
            "the municipality sets the frame, and citizens actively find and carry solutions within it",
            "kommunen setter rammene, og innbyggerne finner og bærer løsninger aktivt innenfor dem",
            _ULRICH,
        ),
        _entry(
            "ulrich_type",
            "facilitating",
            {"all": [{"fact": "agenda_set_by", "ne": "municipality"}, {"fact": "initiator", "in": citizens}]},
            "citizens took the initiative and the agenda is not the municipality's: it facilitates",
            "innbyggerne tok initiativet, og agendaen er ikke kommunens: kommunen tilrettelegger",
            f"{_ULRICH}; 000_981a243478f15921.txt §5.1.3 (lines 3780-3806)",
        ),
        _entry(
            "ulrich_type",
            "equal",
            {
                "all": [
                    {"fact": "agenda_set_by", "ne": "municipality"},
                    {"fact": "initiator", "in": ["municipality", "mixed"]},
                ]
            },
            "the agenda is open, form and content are not fixed beforehand, and the municipality took the initiative",
            "agendaen er åpen, form og innhold er ikke bestemt på forhånd, og kommunen tok initiativet",
            _ULRICH,
        ),
    )
    return {"ladder_level": ladder, "ulrich_type": ulrich}


@functools.lru_cache(maxsize=None)
def derivation_inputs() -> dict[str, tuple[str, ...]]:
    """The arena facts each derived field is derived from, by field, in the order the entries
    read them: the questions to ask about an arena whose level or type nobody knows."""
    from .conditions import Compare, walk

    return {
        field: tuple(dict.fromkeys(n.path for e in entries for n in walk(e.condition) if isinstance(n, Compare)))
        for field, entries in derivations().items()
    }


@functools.lru_cache(maxsize=None)
def _compiled() -> dict[str, tuple[tuple[Derivation, Any], ...]]:
    """Each table's entries with their conditions compiled once (:func:`compile_condition`)."""
    return {
        field: tuple((e, compile_condition(e.condition)) for e in entries) for field, entries in derivations().items()
    }


def _no_finding(rule_id: str) -> Optional[bool]:  # pragma: no cover - arena conditions test no findings
    return None


def derive(field: str, arena: Mapping[str, Any]) -> Optional[Derivation]:
    """The entry that derives ``field`` from the known facts of ``arena``, or ``None`` when the
    facts leave it open (whether or not the profile gives the field itself)."""
    blocked: set[Any] = set()  # values of earlier entries that might still hold
    for entry, condition in _compiled()[field]:
        value = condition(arena, None, _no_finding)
        if value is True and not (blocked - {entry.value}):
            return entry
        if value is None:
            blocked.add(entry.value)
        elif value is True:
            return None  # an earlier entry with another value might hold
    return None


def derive_arena(arena: dict[str, Any]) -> dict[str, Derivation]:
    """Add the derived ladder level and Ulrich type to ``arena`` (the known facts of one arena)
    where it does not give them, and return the entries used, by field."""
    used: dict[str, Derivation] = {}
    for field in ("ladder_level", "ulrich_type"):
        if field in arena:
            continue
        entry = derive(field, arena)
        if entry is not None:
            arena[field] = entry.value
            used[field] = entry
    return used
