"""``advisor report``: the consultant's report as a self-contained HTML page or as Markdown.

A thin layer over :mod:`advisor.report`: it reads the profiles, makes one library call to build
the report, renders it and writes it atomically (a temporary file in the same directory, then
``os.replace``), so a reader never sees half a report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from ._io import write_atomic
from ._profile_io import load_profile
from ._cli_common import echo, handle_errors as _handle_errors, lang_option, load_pack, resolve_language, rules_option
from .errors import InputError
from .report import REPORT_FORMATS, build_report, format_for, render_report

__all__ = ["report_cmd", "informant_labels", "write_atomic"]


def informant_labels(paths: tuple[str, ...]) -> list[str]:
    """One label per profile: its file name without the ending, or the path as given where two
    files share a name."""
    stems = [Path(p).stem for p in paths]
    return [stem if stems.count(stem) == 1 else path for stem, path in zip(stems, paths)]


@click.command("report")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=False),
    help="File to write: *.html (a self-contained page) or *.md (Markdown).",
)
@lang_option
@rules_option
@_handle_errors
def report_cmd(profiles: tuple[str, ...], output: str, lang: Optional[str], rules_paths: tuple[str, ...]) -> None:
    """Write a report on one or more PROFILES of the same municipality (one per informant).

    The report has a summary, the four factors at a glance, the arenas on the ladder of
    co-creation, the findings by factor with their sources, the plan and the questions to ask
    next; with several informants it also shows where they disagree.
    """
    fmt = format_for(output)
    if fmt is None:
        endings = ", ".join(e for es in REPORT_FORMATS.values() for e in es)
        raise InputError(f"cannot tell the format of {output}", hint=f"end the file name in one of {endings}")
    pack = load_pack(rules_paths)
    loaded = {label: load_profile(path) for label, path in zip(informant_labels(profiles), profiles)}
    if len(loaded) < len(profiles):
        raise InputError("a profile is given twice", hint="give each informant's profile once")
    report = build_report(loaded, pack, resolve_language(lang))
    write_atomic(output, render_report(report, fmt))
    echo(output)
