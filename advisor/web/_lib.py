"""The one place where the web app imports the library.

Everything the workbench does goes through these names: the profile model and its JSON Schema,
reading a profile with the CLI's one-line errors, the assessment and its JSON, the report for
several informants, explain, what-if, next steps, diff and the commented YAML of ``advisor init``.
Keeping the imports here means a move of the library's modules is mended in one file.
"""

from __future__ import annotations

from advisor import AdvisorError, InputError, Profile, ProfileError, RulePack, __version__, assess, parse_profile
from advisor._errors_nb import error_line  # the one-line error in bokmål, as the CLI gives it
from advisor._schema import FieldSpec, arena_fields
from advisor.diff import diff, render_diff
from advisor.examples import example_names, examples_path
from advisor.explain import explain, render_explanation
from advisor.i18n import LANGUAGES, Count
from advisor.intake import count_facts, profile_yaml, sections
from advisor.profile import profile_json_schema
from advisor.questions import ARENAS_QUESTION, SECTIONS, question_text, value_label
from advisor.render import render
from advisor.report import build_report, render_html
from advisor.variants import load_variant
from advisor.whatif import next_steps, parse_value, render_next_steps, render_whatif, whatif

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
    "arena_fields",
    "diff",
    "render_diff",
    "example_names",
    "examples_path",
    "explain",
    "render_explanation",
    "LANGUAGES",
    "Count",
    "count_facts",
    "profile_yaml",
    "sections",
    "profile_json_schema",
    "ARENAS_QUESTION",
    "SECTIONS",
    "question_text",
    "value_label",
    "render",
    "build_report",
    "render_html",
    "load_variant",
    "next_steps",
    "parse_value",
    "render_next_steps",
    "render_whatif",
    "whatif",
]
