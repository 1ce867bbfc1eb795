"""advisor: how ready is a Norwegian municipality for co-creation, and what should it do next?

Typical use::

    import advisor

    profile = advisor.load_profile("examples/levanger.yaml")
    result = advisor.assess(profile)            # the shipped rule base
    for finding in result.pitfalls:
        print(finding.rule_id, finding.title.en)

Everything public is listed in ``__all__``; other modules are private.
"""

from __future__ import annotations

__version__ = "0.4.0"

from ._profile_io import load_profile, parse_profile
from .assessment import Assessment, ContrastingView, Finding, Manifest, Question, assess
from .errors import AdvisorError, EngineError, InputError, ProfileError, RulePackError
from .pdf import report_pdf
from .profile import Profile
from .rulepack import Contrast, Reference, Rule, RulePack, Source, Text, default_rules_path, load_rules

__all__ = [
    "__version__",
    "Profile",
    "load_profile",
    "parse_profile",
    "Rule",
    "RulePack",
    "Source",
    "Reference",
    "Contrast",
    "Text",
    "load_rules",
    "default_rules_path",
    "assess",
    "Assessment",
    "Finding",
    "ContrastingView",
    "Question",
    "Manifest",
    "report_pdf",
    "AdvisorError",
    "InputError",
    "ProfileError",
    "RulePackError",
    "EngineError",
]
