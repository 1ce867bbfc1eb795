"""advisor's own writer of terminal tables against tabulate, which it stands in for (issue 15 §3):
the same text for every table it writes, and ``None`` (tabulate writes it) for the others."""

from __future__ import annotations

import random
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from advisor.render.format import fit_table
from advisor.render.table import simple_table

# Words like those of advisor's tables (Norwegian letters, citations, dashes, numbers in text),
# and, rarer, words that read as numbers and characters the writer leaves to tabulate.
_PLAIN_WORDS = [
    "a",
    "Levanger",
    "kommunestyre",
    "økonomi",
    "Æ",
    "§5.1",
    "Lundgren (2023) §6, §5.1.5",
    "–",
    "«sitat»",
    "…",
    "arenas[].ladder_level",
    "IMPL-304,",
    "#2",
    "x" * 30,
]
_ODD_WORDS = [
    "12",
    "-3",
    "1,000",
    "4.5",
    "1e3",
    "nan",
    "True",
    "2026-01-01",
    "中文",
    "e\u0301",
    "\x1b[31mred\x1b[0m",
    "tab\there",
]
_WORDS = st.sampled_from(_PLAIN_WORDS * 3 + _ODD_WORDS)
_TEXT = st.lists(_WORDS, max_size=6).map(" ".join) | st.lists(_WORDS, min_size=1, max_size=4).map("\n".join)
_CELL = st.one_of(st.none(), st.integers(-1000, 100_000), _TEXT, st.sampled_from(["", " padded ", "a\n"]))


def _random_table(rng: random.Random) -> tuple[list[list[object]], list[str]]:
    def text() -> str:
        words = [rng.choice(_PLAIN_WORDS) for _ in range(rng.randint(1, 5))]
        return (" " if rng.random() < 0.7 else "\n").join(words)

    def cell() -> object:
        return rng.choice([None, "", rng.randint(-50, 5000), text(), text()])

    ncols = rng.randint(1, 5)
    return [[cell() for _ in range(ncols)] for _ in range(rng.randint(1, 6))], [text() for _ in range(ncols)]


@st.composite
def _tables(draw):
    ncols = draw(st.integers(1, 5))
    headers = draw(st.lists(_TEXT.filter(bool), min_size=ncols, max_size=ncols))
    rows = draw(st.lists(st.lists(_CELL, min_size=ncols, max_size=ncols), min_size=1, max_size=6))
    options = {}
    if draw(st.booleans()):
        options["disable_numparse"] = True
    if draw(st.booleans()):
        options["colalign"] = tuple(
            draw(st.lists(st.sampled_from(["left", "right", "global"]), min_size=1, max_size=ncols + 1))
        )
    return rows, headers, options


@settings(max_examples=600, deadline=None)
@given(_tables())
def test_the_writer_writes_what_tabulate_writes_or_leaves_the_table_to_it(table):
    rows, headers, options = table
    mine = simple_table(rows, headers, **options)
    if mine is not None:
        assert mine == tabulate(rows, headers, tablefmt="simple", **options)


def test_the_writer_writes_tables_of_plain_words_and_numbers_as_tabulate_does():
    rng = random.Random(15)
    for _ in range(500):
        rows, headers = _random_table(rng)
        for options in ({}, {"disable_numparse": True}, {"colalign": ("right", "left")}):
            mine = simple_table(rows, headers, **options)
            assert mine is not None, (rows, headers)
            assert mine == tabulate(rows, headers, tablefmt="simple", **options)


@settings(max_examples=200, deadline=None)
@given(_tables(), st.integers(20, 80))
def test_fitted_tables_are_what_tabulate_makes_of_them(table, width):
    rows, headers, options = table
    with mock.patch("advisor.render.format.simple_table", return_value=None):
        by_tabulate = fit_table(rows, headers, width=width, **options)
    assert fit_table(rows, headers, width=width, **options) == by_tabulate


def test_the_writer_writes_the_tables_advisor_writes():
    # a findings table and a questions table as render/format.py gives them: none left to tabulate
    rows = [
        ["PIT-001", "high", "Ingen forankring i\nkommunestyret", "Lundgren (2023) §6"],
        ["REC-210", "medium", "Gi koordinatoren tid", ""],
    ]
    headers = ["id", "prioritet", "funn", "kilde"]
    assert simple_table(rows, headers) == tabulate(rows, headers, tablefmt="simple")
    facts = [["resources.dedicated_time", "CULT-210, CULT-250", 4], ["context.savings_process", "IMPL-025", 12]]
    assert simple_table(facts, ["fact", "rules", "weight"]) == tabulate(facts, ["fact", "rules", "weight"])


def test_tables_the_writer_does_not_know_are_left_to_tabulate():
    assert simple_table([["1.5"]], ["n"]) is None  # a number in a string: tabulate formats it
    assert simple_table([[1.5]], ["n"]) is None
    assert simple_table([[True]], ["b"]) is None
    assert simple_table([["中文"]], ["wide"]) is None
    assert simple_table([["a", "b"]], ["one"]) is None  # fewer headers than columns
    assert simple_table([], ["none"]) is None
    assert simple_table([["x"]], ["c"], colalign=("center",)) is None
    assert simple_table([["1.5"]], ["n"], disable_numparse=True) == tabulate([["1.5"]], ["n"], disable_numparse=True)
