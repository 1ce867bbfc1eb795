"""The one place where the web app imports the library.

Everything the workbench does goes through these names: the profile model and its JSON Schema,
reading a profile with the CLI's one-line errors, the assessment and its JSON, the report for
several informants (HTML and PDF), explain, what-if, next steps, diff and the commented YAML of ``advisor init``.
Keeping the imports here means a move of the library's modules is mended in one file. The web
layer sits between ``research`` and ``cli`` (docs/ARCHITECTURE.md): like the CLI, it imports the
modules of the layers below it, not the ``advisor`` facade above them all.
"""

from __future__ import annotations

from ..core.errors import AdvisorError, InputError, ProfileError
from ..core.errors_nb import error_line  # the one-line error in bokmål, as the CLI gives it
from ..core.i18n import LANGUAGES, Catalogues, text
from ..core.version import __version__
from ..engine.assessment import assess
from ..profile.examples import example_names, examples_path
from ..profile.io import parse_profile
from ..profile.descriptions import field_description
from ..profile.model import Profile, profile_json_schema
from ..profile.questions import question_text, section_title, value_label
from ..profile.schema import FieldSpec, arena_fields
from ..render.format import render
from ..render.pdf import report_pdf, require as require_pdf
from ..render.report import build_report
from ..render.report_html import render_html
from ..rules.pack import RulePack
from ..rules.variants import load_variant
from ..tools.diff import diff
from ..tools.explain import explain
from ..tools.intake import count_facts, get_path, profile_yaml, sections, set_path
from ..tools.whatif import next_steps, parse_value, whatif
from ..render.tools import render_diff, render_explanation, render_next_steps, render_whatif

__all__ = [
    "AdvisorError",
    "InputError",
    "Profile",
    "ProfileError",
    "RulePack",
    "__version__",
    "assess",
    "parse_profile",
    "error_line",
    "FieldSpec",
    "get_path",
    "set_path",
    "arena_fields",
    "diff",
    "render_diff",
    "example_names",
    "examples_path",
    "explain",
    "render_explanation",
    "LANGUAGES",
    "Catalogues",
    "text",
    "count_facts",
    "profile_yaml",
    "sections",
    "profile_json_schema",
    "section_title",
    "question_text",
    "value_label",
    "field_description",
    "render",
    "report_pdf",
    "require_pdf",
    "build_report",
    "render_html",
    "load_variant",
    "next_steps",
    "parse_value",
    "render_next_steps",
    "render_whatif",
    "whatif",
]
