"""The knowledge model stays whole: every profile fact is read by a rule or documented as
descriptive only, and every rule id mentioned anywhere exists (issue 13 §7)."""

from __future__ import annotations

import re

import yaml

from advisor.profile.schema import arena_fields, profile_fields
from advisor.rules.arenas import derivation_inputs
from advisor.rules.conditions import Compare, walk
from helpers import REPO

#: The area codes of rule ids (docs/RULE-FORMAT.md).
AREAS = ("PLAN", "LEAD", "IMPL", "RES", "REL", "ARENA", "MODEL", "CULT", "BIZ")
RULE_ID = re.compile(r"\b(?:" + "|".join(AREAS) + r")-[0-9]{3}\b")


def _read(pack) -> tuple[set[str], set[str]]:
    """The profile paths and the arena fields the pack's conditions and guards test."""
    plain: set[str] = set()
    arena: set[str] = set()
    for rule in pack.rules:
        for condition in (rule.condition, rule.guard):
            if condition is None:
                continue
            for node in walk(condition):
                if isinstance(node, Compare):
                    (arena if node.in_arena else plain).add(node.path)
    # An arena's ladder level and Ulrich type are derived from other arena facts
    # (advisor/rules/arenas.py); where a rule reads the level (or an aggregate of it) or the type, it
    # reads those facts too.
    reads_level = "ladder_level" in arena or any(p.startswith("arenas.") and p != "arenas.count" for p in plain)
    for field, inputs in derivation_inputs().items():
        if field in arena or (field == "ladder_level" and reads_level):
            arena |= set(inputs)
    return plain, arena


def test_every_fact_is_read_by_a_rule_or_documented_as_descriptive(pack):
    plain, arena = _read(pack)
    fields = [(path, spec, path in plain) for path, spec in profile_fields().items()]
    fields += [(f"arenas[].{path}", spec, path in arena) for path, spec in arena_fields().items()]
    unread = [path for path, spec, read in fields if not read and not spec.descriptive]
    assert not unread, (
        f"facts no rule reads: use them in rules the documents support, or mark them descriptive: {unread}"
    )
    wrongly = [path for path, spec, read in fields if read and spec.descriptive]
    assert not wrongly, f"facts marked descriptive only that a rule reads: {wrongly}"


def _mentioning_files():
    for pattern in (
        "rules/*.yaml",
        "docs/**/*.md",
        "README.md",
        "tests/example_expectations/*.yaml",
        "examples/**/*.yaml",
        "advisor/**/*.py",
    ):
        yield from sorted(REPO.glob(pattern))


def test_every_rule_id_mentioned_anywhere_exists(pack):
    known = set(pack.by_id)
    # Rule variants (examples/variants) define rules of their own.
    for path in REPO.glob("examples/variants/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        known |= {r["id"] for r in data.get("rules") or [] if isinstance(r, dict) and "id" in r}
    dangling = {}
    for path in _mentioning_files():
        missing = sorted(set(RULE_ID.findall(path.read_text(encoding="utf-8"))) - known)
        if missing:
            dangling[str(path.relative_to(REPO))] = missing
    assert not dangling, f"rule ids that do not exist: {dangling}"


def test_the_dangling_id_check_sees_notes_and_comments(pack, tmp_path):
    """The pattern finds ids in the places the issue names: notes, file headers, field notes."""
    text = '# header naming MODEL-351\nnote: "as IMPL-309 does"\n'
    assert set(RULE_ID.findall(text)) - set(pack.by_id) == {"MODEL-351", "IMPL-309"}
