"""A user-facing text in both languages of advisor (English and Norwegian bokmål)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Text"]


class Text(BaseModel):
    """A user-facing text in English and Norwegian bokmål."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field(min_length=1)
    nb: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.nb if lang == "nb" else self.en
