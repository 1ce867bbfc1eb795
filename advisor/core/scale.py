"""Scales: the values of a ``Literal`` type in their order, written once and compared by rank.

A scale is read from the ``Literal`` that types a field (``Scale.of(Priority)``), so the values
are written in one place, and it is a tuple of them, so it iterates, tests membership and
indexes as the tuples it replaces did. ``rank`` is the one way to compare two values of a scale.
"""

from __future__ import annotations

import typing
from typing import Any

__all__ = ["Scale"]


class Scale(tuple[str, ...]):
    """The values of an ordered (or merely listed) scale, lowest or first first."""

    @classmethod
    def of(cls, literal: Any) -> "Scale":
        """The scale of a ``Literal["a", "b", ...]`` type, in the order it lists its values."""
        values = typing.get_args(literal)
        if not values or not all(isinstance(v, str) for v in values):
            raise TypeError(f"a scale is read from a Literal of strings, not {literal!r}")
        return cls(values)

    def rank(self, value: str) -> int:
        """The position of ``value`` on the scale (0 for the first); ValueError for another value."""
        ranks: dict[str, int] = self.__dict__.get("_ranks") or self.__dict__.setdefault(
            "_ranks", {v: i for i, v in enumerate(self)}
        )
        try:
            return ranks[value]
        except KeyError:
            raise ValueError(f"{value!r} is not on the scale {', '.join(self)}") from None
