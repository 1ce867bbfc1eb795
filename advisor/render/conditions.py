"""Conditions in words: the rendering side of the condition language.

:mod:`advisor.rules.conditions` defines what a condition means; this module says it, in each
language, for catalogues, explanations and conditional advice. Results below the rendering layer
carry a :class:`~advisor.rules.conditions.Phrase` (the condition, the arena prefix) instead of
words; :func:`words` makes them, and :func:`phrase_json` is the hook with which
:func:`advisor.render.formats.model_json` puts them in a result's JSON where the phrase is.
"""

from __future__ import annotations

from typing import Any, Union

from ..core.i18n import LANGUAGES, OP_WORDS, t
from ..core.text import Text
from ..rules.conditions import (
    AllOf,
    AnyArena,
    AnyOf,
    Compare,
    Condition,
    ConditionVisitor,
    FindingRef,
    Not,
    Phrase,
    describe_value,
)

__all__ = ["describe", "words", "text_of", "phrase_json"]


class _Words(ConditionVisitor[str]):
    """A condition in plain words in ``lang``; ``prefix`` goes before the field paths of an arena."""

    def __init__(self, lang: str, prefix: str) -> None:
        self.lang, self.prefix = lang, prefix

    def compare(self, node: Compare) -> str:
        return f"{self.prefix}{node.path} {OP_WORDS[self.lang][node.op]} {describe_value(node.value, self.lang)}"

    def _junction(self, items: tuple[Condition, ...], key: str) -> str:
        parts = [self.visit(i) for i in items]
        return parts[0] if len(parts) == 1 else "(" + f" {t(self.lang, key)} ".join(parts) + ")"

    def all_of(self, node: AllOf) -> str:
        return self._junction(node.items, "explain.and")

    def any_of(self, node: AnyOf) -> str:
        return self._junction(node.items, "explain.or")

    def not_(self, node: Not) -> str:
        return f"{t(self.lang, 'explain.not')} {self.visit(node.item)}"

    def finding(self, node: FindingRef) -> str:
        text = t(self.lang, "explain.finding_ref", id=node.rule_id)
        return f"{t(self.lang, 'explain.not')} {text}" if node.negated else text

    def any_arena(self, node: AnyArena) -> str:
        return t(self.lang, "explain.some_arena", cond=_Words(self.lang, "").visit(node.item))


def describe(node: Condition, lang: str = "en", prefix: str = "") -> str:
    """The condition in plain words in ``lang``, for catalogues and explanations; ``prefix`` goes
    before the field paths of an arena (``arenas[A].``)."""
    return _Words(lang, prefix).visit(node)


def words(item: Union[Phrase, Text, str], lang: str = "en") -> str:
    """A result's text in ``lang``: a phrase put in words, a :class:`Text` in that language, a
    string as it is."""
    if isinstance(item, Phrase):
        said = describe(item.condition, lang, item.prefix)
        if item.template is None:
            return said
        fields = {k: v.get(lang) if isinstance(v, Text) else v for k, v in item.values.items()}
        return t(lang, item.template, condition=said, **fields)
    return item.get(lang) if isinstance(item, Text) else item


def text_of(item: Union[Phrase, Text]) -> Text:
    """A phrase's words in every language (a :class:`Text` as it is)."""
    if isinstance(item, Text):
        return item
    return Text(**{lang: words(item, lang) for lang in LANGUAGES})


def phrase_json(phrase: Phrase) -> Any:
    """A phrase in a result's JSON: its words in every language (``{"en": ..., "nb": ...}``, as a
    :class:`Text` dumps), or a string when the phrase is in one language only."""
    if phrase.lang is not None:
        return words(phrase, phrase.lang)
    return text_of(phrase).root
