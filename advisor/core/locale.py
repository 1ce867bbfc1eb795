"""The languages of advisor as data: one folder of JSON files per language, read lazily.

A language is a folder named by its code (``en``, ``nb``) holding the catalogues of that
language, each a JSON object:

* ``ui.json``: the words of the tool itself (headings, labels, scale values, the interview's
  and the CLI's lines; :func:`advisor.core.i18n.t`), with the comparison words under ``op.*``;
* ``profile.json``: the intake interview (``questions`` by fact path, ``sections``,
  ``values``: the labels of scale values, ``arenas``: the opening question of the arenas);
* ``web.json``: the words of the web workbench (:mod:`advisor.web.strings`);
* ``errors.json`` (optional; not in English, the language the library raises in): the error
  messages and hints as ``[pattern, template]`` pairs (:mod:`advisor.core.errors_nb`), and
  click's usage errors (``click``, :func:`advisor.cli.common.usage_error_line`);
* ``help.json`` (optional, likewise): ``--help`` (:mod:`advisor.cli.help`);
* ``descriptions.json`` (optional, likewise; English is the profile model's): the description of
  each profile field (:mod:`advisor.profile.descriptions`).

The shipped languages are the folders of ``advisor/locale``. Folders on the search path
``ADVISOR_LOCALE_PATH`` (directories separated by ``os.pathsep``, read when the registry is
first asked) add languages or replace a shipped one: a third language is a folder of these
files, not a code change. Each catalogue is read once, when a text of that language is first
asked for; nothing is read at import.

Every shipped language has every key English has (a test checks it). At run time a key a
language lacks falls back to English, so a language folder added on the search path works
before it is complete. The registry is read once per process: :class:`advisor.core.text.Text`
and the choices of ``--lang`` take the languages there are when advisor is imported.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["FALLBACK", "LOCALE_DIR", "PATH_VARIABLE", "catalogue", "language_dirs", "languages"]

#: The language every other one falls back to for a key it lacks.
FALLBACK = "en"

#: The folder of the shipped languages.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: The environment variable naming more folders of languages.
PATH_VARIABLE = "ADVISOR_LOCALE_PATH"


@lru_cache(maxsize=1)
def language_dirs() -> dict[str, Path]:
    """Every language by code and its folder: the shipped ones, then those of ``ADVISOR_LOCALE_PATH``
    (a later folder of the same code replaces an earlier one); ordered by code."""
    roots = [LOCALE_DIR] + [Path(p) for p in os.environ.get(PATH_VARIABLE, "").split(os.pathsep) if p]
    found: dict[str, Path] = {}
    for root in roots:
        try:
            entries = sorted(os.scandir(root), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if (
                entry.is_dir()
                and not entry.name.startswith((".", "_"))
                and os.path.isfile(os.path.join(entry.path, "ui.json"))
            ):
                found[entry.name] = Path(entry.path)
    return {code: found[code] for code in sorted(found)}


def languages() -> tuple[str, ...]:
    """The codes of the languages advisor speaks (the choices of ``--lang``), ordered."""
    return tuple(language_dirs())


@lru_cache(maxsize=None)
def catalogue(lang: str, name: str) -> dict[str, Any]:
    """The catalogue ``name`` (``ui``, ``profile``, ``web``, ``errors``) of ``lang``; ``{}`` when the
    language has no such file. KeyError for a language that does not exist."""
    folder = language_dirs()[lang]
    try:
        text = (folder / f"{name}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{folder / (name + '.json')}: a catalogue is a JSON object of keys")
    return data
