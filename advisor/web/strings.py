"""The workbench's own words, in every language of advisor.

The same mechanism as :mod:`advisor.core.i18n`: the ``web.json`` of each language folder
(:mod:`advisor.core.locale`), the same keys in every language (a test checks it),
``{placeholders}`` filled in and plural forms chosen by :class:`advisor.core.i18n.Count`.
Questions, section titles and value labels come from the library (:mod:`advisor.profile.questions`).
"""

from __future__ import annotations

from typing import Mapping

from ._lib import LANGUAGES, Catalogues, text

__all__ = ["STRINGS", "t", "LANGUAGES"]

#: The workbench's words of each language (``web.json`` of :mod:`advisor.core.locale`), by language.
STRINGS: Mapping[str, Mapping[str, str]] = Catalogues("web")


def t(lang: str, key: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled in (as :func:`advisor.core.i18n.t`)."""
    return text("web", lang if lang in LANGUAGES else "en", key, **values)
