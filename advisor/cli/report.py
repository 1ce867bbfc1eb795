"""``advisor report``: the consultant's report as a self-contained HTML page, as Markdown or as PDF
(the HTML page printed, :mod:`advisor.render.pdf`; the ``pdf`` extra).

A thin layer over :mod:`advisor.render.report`: it reads the profiles, makes one library call to build
the report, renders it and writes it atomically (a temporary file in the same directory, then
``os.replace``), so a reader never sees half a report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from ..core.io import write_atomic
from ..profile.io import load_profile
from .help import AdvisorCommand
from .common import (
    echo,
    format_option,
    handle_errors as _handle_errors,
    is_quiet,
    lang_option,
    load_pack,
    quiet_option,
    resolve_language,
    rules_option,
)
from ..core.errors import InputError, file_label
from ..render.pdf import require as require_pdf
from ..render.report import REPORT_FORMATS, build_report, format_for, render_report

__all__ = ["report_cmd", "informant_labels", "write_atomic"]


def informant_labels(paths: tuple[str, ...]) -> list[str]:
    """One label per profile: its file name without the ending, or the path as given where two
    files share a name (a name that is no UTF-8 as :func:`file_label` shows it)."""
    stems = [Path(p).stem for p in paths]
    return [file_label(stem if stems.count(stem) == 1 else path) for stem, path in zip(stems, paths)]


@click.command("report", cls=AdvisorCommand)
@click.argument("profiles", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, writable=False),
    help="File to write: *.html (a self-contained page), *.md (Markdown) or *.pdf. Default: standard output.",
)
@format_option(
    tuple(REPORT_FORMATS),
    None,
    "Output format: html, markdown or pdf (default: from the -o file name; markdown on standard output).",
)
@lang_option
@rules_option
@quiet_option
@_handle_errors
def report_cmd(
    profiles: tuple[str, ...],
    output: Optional[str],
    fmt: Optional[str],
    lang: Optional[str],
    rules_paths: tuple[str, ...],
) -> None:
    """Write a report on one or more PROFILES of the same municipality (one per informant).

    The report has a summary, the four factors at a glance, the arenas on the ladder of
    co-creation, the findings by factor with their sources, the plan and the questions to ask
    next; with several informants it also shows where they disagree.
    """
    if fmt is None:
        fmt = "markdown" if output is None else format_for(output)
    if fmt is None:
        endings = ", ".join(e for es in REPORT_FORMATS.values() for e in es)
        raise InputError(
            f"cannot tell the format of {output}", hint=f"end the file name in one of {endings}, or give --format"
        )
    if fmt == "pdf":
        if output is None and sys.stdout.isatty():
            raise InputError("a PDF is not written to a terminal", hint="give -o report.pdf, or redirect the output")
        require_pdf()  # before the assessment: say at once what is missing
    pack = load_pack(rules_paths)
    loaded = {label: load_profile(path) for label, path in zip(informant_labels(profiles), profiles)}
    if len(loaded) < len(profiles):
        raise InputError("a profile is given twice", hint="give each informant's profile once")
    report = build_report(loaded, pack, resolve_language(lang))
    text = render_report(report, fmt)
    if output is None:
        if isinstance(text, bytes):
            if not is_quiet():
                sys.stdout.flush()
                sys.stdout.buffer.write(text)
                sys.stdout.buffer.flush()
        else:
            echo(text, nl=False)
        return
    write_atomic(output, text)
    echo(output)
