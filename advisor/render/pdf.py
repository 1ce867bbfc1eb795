"""The consultant's report as PDF: the self-contained HTML page of :func:`advisor.render.report_html.render_html`,
printed by WeasyPrint.

One rendering: the PDF is the HTML report on paper, laid out by that page's own ``@media print``
rules (A4, margins, no finding or chart split across pages); nothing here adds or drops content.

Why WeasyPrint (measured on the Levanger example, 22 A4 pages, 2 cores): it renders the existing
HTML and CSS, inline SVG charts included, in about 2.5 s and 136 kB, so the PDF and the HTML page
cannot drift apart. A pure-Python library such as fpdf2 would need a second layout of every section,
table and chart to keep in step with the HTML. WeasyPrint's price is its system libraries, Pango
(with HarfBuzz and fontconfig); Debian's ``libpango-1.0-0`` and ``libpangoft2-1.0-0`` bring them,
and ``.ci/run`` installs them where they are missing.

Same input, same bytes: WeasyPrint writes neither a creation date nor a file identifier unless
asked to, and this module asks for neither (a test renders twice and compares). The bytes depend
on the WeasyPrint version and the fonts installed, as any rendering does.

Nothing is fetched: the page references nothing outside itself, and the URL fetcher given to
WeasyPrint refuses every scheme all the same (an informant's text is escaped in the HTML, so it
cannot add a reference either).

WeasyPrint is the optional extra ``pdf`` (``pip install "samskaping-advisor[pdf]"``; the ``web``
extra includes it). Without it, :func:`render_pdf` raises an :class:`~advisor.InputError`
that says how to install it (exit code 2 on the command line); nothing else in advisor imports it.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

from ..core.errors import InputError
from ..profile.model import Profile
from ..rules.pack import RulePack
from .report import Report, build_report
from .report_html import render_html

__all__ = ["render_pdf", "report_pdf", "available", "require", "INSTALL_HINT"]

#: What to do where WeasyPrint is missing.
INSTALL_HINT = 'install it: pip install "samskaping-advisor[pdf]"'
#: What to do where WeasyPrint is installed but cannot load its system libraries.
LIBRARIES_HINT = "install Pango; on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0"

_weasyprint: Any = None
_problem: Optional[InputError] = None


def _load() -> Any:
    """The ``weasyprint`` module, imported on first use; an :class:`InputError` if it cannot be."""
    global _weasyprint, _problem
    if _weasyprint is None and _problem is None:
        try:
            import weasyprint
        except ImportError:
            _problem = InputError("writing a PDF needs WeasyPrint, which is not installed", hint=INSTALL_HINT)
        except OSError as exc:  # installed, but Pango (a system library) cannot be loaded
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            _problem = InputError(f"WeasyPrint cannot load its system libraries: {first}", hint=LIBRARIES_HINT)
        else:
            _weasyprint = weasyprint
    if _problem is not None:
        raise _problem
    return _weasyprint


def available() -> bool:
    """Whether PDF can be written here (WeasyPrint and its system libraries load)."""
    try:
        _load()
    except InputError:
        return False
    return True


def require() -> None:
    """Raise the :class:`InputError` that says how to install WeasyPrint, if it cannot be loaded."""
    _load()


def _html_to_pdf(html: str) -> bytes:
    weasyprint = _load()
    # No scheme allowed: a reference that slipped into the page is not fetched (WeasyPrint logs it).
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return bytes(weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf())


def render_pdf(report: Report) -> bytes:
    """``report`` as a PDF document: its HTML page (:func:`advisor.render.report_html.render_html`) printed.

    Raises :class:`~advisor.InputError` where WeasyPrint is not installed or cannot load
    its system libraries."""
    require()
    return _html_to_pdf(render_html(report))


def report_pdf(
    profiles: Union[Report, Sequence[Profile], Mapping[str, Profile]],
    pack: Optional[RulePack] = None,
    lang: Optional[str] = None,
    *,
    engine: Optional[str] = None,
) -> bytes:
    """The consultant's report on ``profiles`` (one per informant, as for
    :func:`advisor.build_report`, with ``pack``, ``lang`` (English by default) and ``engine`` as there) as PDF
    bytes; the same report ``advisor report -o report.pdf`` writes. A :class:`~advisor.Report`
    already built is rendered as it is (then give no ``pack``, ``lang`` or ``engine``).

    Raises :class:`~advisor.InputError` where WeasyPrint is not installed (``pip install
    "samskaping-advisor[pdf]"``) or cannot load its system libraries, and the errors of
    :func:`~advisor.build_report`."""
    require()  # before the assessment: say what is missing at once
    if isinstance(profiles, Report):
        if pack is not None or lang is not None or engine is not None:
            raise ValueError("a Report is rendered as built: give no pack, lang or engine with it")
        return render_pdf(profiles)
    return render_pdf(build_report(profiles, pack, lang or "en", engine=engine))
