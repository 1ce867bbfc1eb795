"""User-facing words of the tool itself, in every language of advisor.

Rule texts live in the rule pack; these are headings, labels and scale values. They are data: the
``ui.json`` of each language folder (:mod:`advisor.core.locale`), read when a text of that
language is first asked for. Every shipped language has every key; a test checks it.
"""

from __future__ import annotations

import os
from typing import Iterator, Mapping, Optional

from .locale import FALLBACK, catalogue, languages

__all__ = ["LANGUAGES", "OP_WORDS", "STRINGS", "Catalogues", "t", "text", "resolve_language", "Count"]

#: The languages of advisor (the choices of ``--lang``): the folders of :mod:`advisor.core.locale`.
LANGUAGES: tuple[str, ...] = languages()


class Catalogues(Mapping[str, Mapping[str, str]]):
    """The strings of the catalogue ``name`` of each language, by language, read on first use
    (``prefix`` picks the keys that start with it, without it)."""

    def __init__(self, name: str = "ui", prefix: str = "") -> None:
        self._name, self._prefix = name, prefix
        self._cut: dict[str, dict[str, str]] = {}

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        strings: dict[str, str] = catalogue(lang, self._name)
        if not self._prefix:
            return strings
        if lang not in self._cut:
            cut = len(self._prefix)
            self._cut[lang] = {key[cut:]: text for key, text in strings.items() if key.startswith(self._prefix)}
        return self._cut[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


#: The UI strings of each language (``ui.json``), by language.
STRINGS: Mapping[str, Mapping[str, str]] = Catalogues("ui")

#: How conditions name their comparison operators (the ``op.*`` keys of ``ui.json``), by language.
OP_WORDS: Mapping[str, Mapping[str, str]] = Catalogues("ui", "op.")


class Count(int):
    """A number in a text that also chooses the plural form of a word: ``{n:diagnosis|diagnoses}``
    gives the first form for 1 and the second for any other number (the rule of English and of
    bokmål: 0 diagnoser, 1 diagnose, 2 diagnoser)."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, other = spec.split("|", 1)
            return one if int(self) == 1 else other
        return int.__format__(int(self), spec)


def text(name: str, lang: str, key: str, /, **values: object) -> str:
    """The text ``key`` of the catalogue ``name`` in ``lang`` (in English when ``lang`` lacks it),
    with ``{placeholders}`` filled in; a whole number also chooses plural forms
    (``{n:rule|rules}``, see :class:`Count`)."""
    strings = catalogue(lang, name)
    found = strings[key] if key in strings else catalogue(FALLBACK, name)[key]
    if not values:
        return str(found)
    counted = {k: Count(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()}
    return str(found).format(**counted)


def t(lang: str, key: str, /, **values: object) -> str:
    """The UI text ``key`` in ``lang`` (``ui.json``), with ``{placeholders}`` filled in; see :func:`text`."""
    return text("ui", lang, key, **values)


def resolve_language(explicit: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> str:
    """``explicit`` if given, else the locale's language when advisor speaks it (``no``/``nn`` →
    bokmål too), else English."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            if value.lower().startswith(("nb", "no", "nn")):
                return "nb"
            code = value.lower().replace(".", "_").replace("@", "_").split("_")[0]
            return code if code in LANGUAGES else FALLBACK
    return FALLBACK
