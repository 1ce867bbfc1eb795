"""A user-facing text in the languages of advisor: a mapping of language code to text.

Written as in a rule pack, ``{en: ..., nb: ...}``. A text must give ``en`` and ``nb`` (the
languages of the research the rules cite and of the shipped pack: :data:`REQUIRED`) and may give
any other language of :func:`advisor.core.locale.languages`; another key is an unknown key. A
language a text does not give reads English (:meth:`Text.get`).
"""

from __future__ import annotations

from typing import Annotated, Any, Iterator

from pydantic import ConfigDict, Field, RootModel, field_validator
from typing_extensions import NotRequired, TypedDict

from .locale import FALLBACK, languages

__all__ = ["Text", "REQUIRED"]

#: The languages every text gives.
REQUIRED = ("en", "nb")

_NonEmpty = Annotated[str, Field(min_length=1)]


def _by_language() -> Any:
    """The keys a text may have: the required languages, then the others of the registry."""
    keys: dict[str, Any] = dict.fromkeys(REQUIRED, _NonEmpty)
    keys.update({lang: NotRequired[_NonEmpty] for lang in languages() if lang not in REQUIRED})
    typed = TypedDict("Languages", keys)  # type: ignore[misc]
    typed.__pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[attr-defined]
    return typed


class Text(RootModel[Any]):
    """A user-facing text by language: ``Text(en="...", nb="...")``, read with ``get(lang)``
    (or ``text.en``, ``text["nb"]``)."""

    model_config = ConfigDict(frozen=True)

    root: _by_language()  # type: ignore[valid-type]

    @field_validator("root")
    @classmethod
    def _in_order(cls, texts: dict[str, str]) -> dict[str, str]:
        """The languages in the order of :meth:`keys_allowed`, whatever order they were written in."""
        return {lang: texts[lang] for lang in cls.keys_allowed() if lang in texts}

    @classmethod
    def keys_allowed(cls) -> tuple[str, ...]:
        """The keys a text may have: the required languages first, then the others."""
        return REQUIRED + tuple(lang for lang in languages() if lang not in REQUIRED)

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in English."""
        texts: dict[str, str] = self.root
        return texts.get(lang) or texts[FALLBACK]

    def __getitem__(self, lang: str) -> str:
        return str(self.root[lang])

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.root)

    def __getattr__(self, name: str) -> Any:
        root = self.__dict__.get("root")
        if isinstance(root, dict) and name in root:
            return root[name]
        return super().__getattr__(name)  # type: ignore[misc]

    def __hash__(self) -> int:
        return hash(tuple(self.root.items()))

    def __repr__(self) -> str:
        return "Text(" + ", ".join(f"{lang}={text!r}" for lang, text in self.root.items()) + ")"
