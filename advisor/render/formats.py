"""The one registry of output formats: for each result type, the formats it can be rendered in.

Every result that advisor shows is computed below this layer (an assessment by ``engine/``, the
tools' results by ``tools/``, the research results by ``research/``, the consultant's report by
:mod:`advisor.render.report`) and turned into text or bytes here, through :func:`render_as`::

    render_as("explanation", "text", result, lang="nb")

A :class:`Format` names the function that renders it (``module:function`` in this package,
imported on first use, so that the CLI's start loads only what its command shows) and the file
name endings that choose it. The function takes the result and the ``options`` of
:func:`render_as` (``lang`` for all but the report, whose language is its own). JSON is the same
for every result type: the model, both languages, as indented JSON (:func:`model_json`).

To add a format, write its function in the module of its result type and add one :class:`Format`
to :data:`FORMATS`; the command that shows the result offers it from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Union

__all__ = ["Format", "FORMATS", "formats_of", "render_as", "render_text", "model_json"]


@dataclass(frozen=True)
class Format:
    """One output format of one result type."""

    name: str
    target: str
    """``module:function`` of :mod:`advisor.render` that renders it."""
    suffixes: tuple[str, ...] = ()
    """File name endings that choose it (the report's ``-o report.html``)."""

    def function(self) -> Callable[..., Union[str, bytes]]:
        module, _, name = self.target.partition(":")
        found: Callable[..., Union[str, bytes]] = getattr(import_module(f".{module}", __package__), name)
        return found


def model_json(result: Any, **_options: Any) -> str:
    """A result model (both languages) as indented JSON; the language options do not matter. The
    conditions a result carries as phrases are put in words where they are
    (:func:`advisor.render.conditions.phrase_json`)."""
    from .conditions import phrase_json

    data = result.model_dump(mode="json", context={"phrase": phrase_json})
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _registry(*types: tuple[str, tuple[Format, ...]]) -> dict[str, dict[str, Format]]:
    return {kind: {f.name: f for f in formats} for kind, formats in types}


_JSON = Format("json", "formats:model_json")

#: Result type -> format name -> :class:`Format`, in the order the commands list them.
FORMATS: dict[str, dict[str, Format]] = _registry(
    (
        "assessment",
        (
            Format("text", "format:to_table"),
            _JSON,
            Format("markdown", "format:to_markdown", (".md", ".markdown")),
        ),
    ),
    (
        "report",
        (
            Format("html", "report_html:render_html", (".html", ".htm")),
            Format("markdown", "report_markdown:render_markdown", (".md", ".markdown")),
            Format("pdf", "pdf:render_pdf", (".pdf",)),
        ),
    ),
    ("explanation", (Format("text", "tools:render_explanation"), _JSON)),
    ("whatif", (Format("text", "tools:render_whatif"), _JSON)),
    ("next_steps", (Format("text", "tools:render_next_steps"), _JSON)),
    ("diff", (Format("text", "tools:render_diff"), _JSON)),
    ("batch", (Format("text", "research:render_fire_counts"),)),
    ("comparison", (Format("text", "research:render_comparison"), _JSON)),
    ("sensitivity", (Format("text", "research:render_sensitivity"), _JSON)),
    ("pack_tests", (Format("text", "research:render_test_report"),)),
    ("rules", (Format("text", "format:rules_table"),)),
    ("rule", (Format("text", "format:rule_detail"),)),
)


def formats_of(kind: str) -> tuple[str, ...]:
    """The names of the formats of result type ``kind``, in order."""
    return tuple(FORMATS[kind])


def render_as(kind: str, fmt: str, result: Any, **options: Any) -> Union[str, bytes]:
    """``result`` (of result type ``kind``) rendered in format ``fmt``; ``options`` go to the
    format's function (``lang``; ``profile`` for the next steps; ``all_rules`` for a comparison)."""
    formats = FORMATS[kind]
    if fmt not in formats:
        raise ValueError(f"unknown {kind} format {fmt!r}: use one of {', '.join(formats)}")
    return formats[fmt].function()(result, **options)


def render_text(kind: str, fmt: str, result: Any, **options: Any) -> str:
    """:func:`render_as` for a format that is text (every format but the report's PDF)."""
    out = render_as(kind, fmt, result, **options)
    if not isinstance(out, str):
        raise TypeError(f"the {kind} format {fmt!r} is not text")
    return out
