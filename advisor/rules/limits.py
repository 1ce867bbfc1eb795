"""What durable-rules 2.0.28 can run, read from its C source (``src/rules/*.c`` of its sdist).

The engine (:mod:`advisor.engine.durable`) compiles packs so that they stay inside these limits by
construction; what no compilation can avoid is refused when a pack is loaded
(:func:`term_problems`, called by :func:`advisor.rules.pack.build_pack`), so that ``advisor rules
check`` reports it too. This module does not import durable-rules.

The limits, and what advisor does about each:

* numbers: the JSON parser of durable-rules (``json.c``, ``getNumber``) reads
  ``-?digits(.digits(e[+-]?digits)?)?``: an exponent only after a fraction. ``1e-05`` (Python's
  spelling of 0.00001) is read as ``1`` followed by garbage: error 204 in a ruleset, a crash
  (SIGSEGV) in a fact. ``Infinity`` and ``NaN`` are not numbers to it; integers are read with
  ``atoll`` (64 bits). :func:`spell_number` writes every number in the accepted form; packs
  with numbers that have no faithful form (nan, infinities, integers beyond 64 bits) are refused
  by the condition parser;
* a rule binds at most 15 facts: the facts of a match share a frame of ``MAX_MESSAGE_FRAMES``
  (16) slots, and the 16th fact fails every assertion with error 304 (``state.c``,
  ``setMessageInFrame``). Refused at load (:func:`term_problems`);
* a fact has at most ``MAX_OBJECT_PROPERTIES`` (255) properties (error 302, ``state.c``), of
  which the engine adds ``id``; advisor adds ``t`` and ``sid``: :data:`MAX_FACT_PROPERTIES`;
* the tests of one pattern become a chain of alpha nodes, shared between patterns with the same
  tests in the same order. The children of one alpha node live in a table of
  ``NEXT_BUCKET_LENGTH`` (512) slots probed without end: the 512th child fills it, and the next
  compile (``findAlpha``) or assertion spins forever: :data:`MAX_CHILDREN`;
* one alpha node feeds at most ``BETA_LIST_LENGTH`` (256) patterns (error 108), and the list is
  read up to its terminating 0: :data:`MAX_BETA`;
* matching one fact walks the alpha network depth first with a stack of ``MAX_STACK_SIZE`` (64)
  nodes (``events.c``, ``handleAlpha``), pushing every child whose test holds: error 303 when
  more are pending at once: :data:`MAX_STACK`;
* a ruleset has at most ``MAX_ACTIONS`` (4096) rules (error 106, ``rete.c``): :data:`MAX_RULES`;
* ``$or`` and nested ``$and`` take two of the 32 slots of a pattern's expression sequence
  (error 113, ``rete.c``, ``APPEND_EXPRESSION``), and each value of an ``$or`` is one more child
  of the alpha node. Advisor never sends them: lists (``in``, ``not_in``) and text are tested in
  Python, and the engine sees the outcome as a boolean property of the fact (see
  :func:`is_membership`).

The last four are limits of one ruleset: the engine spreads the rules of a pack over as many
rulesets as it takes (:mod:`advisor.engine.durable`).
"""

from __future__ import annotations

import math
from typing import Any

from .conditions import Compare, Term

__all__ = [
    "MAX_PATTERNS",
    "MAX_FACT_PROPERTIES",
    "MAX_CHILDREN",
    "MAX_BETA",
    "MAX_STACK",
    "MAX_RULES",
    "INT_MIN",
    "INT_MAX",
    "spell_number",
    "is_membership",
    "term_problems",
]

MAX_PATTERNS = 15
MAX_FACT_PROPERTIES = 255 - 3
MAX_CHILDREN = 511
MAX_BETA = 255
MAX_STACK = 64
MAX_RULES = 4096
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def spell_number(value: Any) -> str:
    """``value`` (a bool, an int of 64 bits or a finite float) as JSON that durable-rules' parser
    reads as the same number: a float always with a fraction before its exponent (``1.0e-05``).

    Raises :class:`ValueError` for numbers it cannot read faithfully."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise ValueError(f"{value} does not fit in 64 bits")
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    mantissa, e, exponent = repr(float(value)).partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def is_membership(compare: Compare) -> bool:
    """Whether the engine tests ``compare`` in Python and sees the outcome as a boolean property
    of the fact: lists of more than one value (one ``$or`` child per value otherwise) and every
    test of a text field (durable-rules compares text as it is escaped)."""
    return compare.spec.kind == "str" or (compare.op in ("in", "not_in") and len(compare.value) > 1)


def term_properties(term: Term) -> tuple[int, int]:
    """How many properties the profile fact and an arena fact need for ``term`` alone."""

    def count(compares: Any) -> int:
        keys = set()
        for c in compares:
            keys.add(
                ("m", c.path, frozenset(c.value) if isinstance(c.value, tuple) else frozenset([c.value]))
                if is_membership(c)
                else c.path
            )
        return len(keys)

    return count(term.compares), count(c for group in term.arenas for c in group)


def term_patterns(term: Term) -> int:
    """The most facts one compiled rule of ``term`` binds: the profile, the stage marker when it
    tests a finding that did not fire, one arena per ``any_arena`` (when no two share one) and
    one fact per finding it tests (a finding tested twice is one pattern)."""
    marker = 1 if any(ref.negated for ref in term.findings) else 0
    return 1 + marker + len(term.arenas) + len(set(term.findings))


def term_problems(term: Term) -> list[tuple[str, str]]:
    """Why durable-rules cannot run ``term`` however it is compiled, with a hint each."""
    out = []
    patterns = term_patterns(term)
    if patterns > MAX_PATTERNS:
        out.append(
            (
                f"needs {patterns} facts at once (the profile, the stage marker, arenas and findings); durable-rules matches at most {MAX_PATTERNS}",
                "split the condition into rules that test fewer findings and arenas each",
            )
        )
    profile, arena = term_properties(term)
    if max(profile, arena) > MAX_FACT_PROPERTIES - 1:  # arena facts carry their index too
        out.append(
            (
                f"tests {max(profile, arena)} different facts and lists at once; durable-rules takes at most {MAX_FACT_PROPERTIES - 1}",
                "split the condition",
            )
        )
    return out
