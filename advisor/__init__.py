"""advisor: how ready is a Norwegian municipality for co-creation, and what should it do next?

Typical use::

    import advisor

    profile = advisor.load_profile("examples/levanger.yaml")
    result = advisor.assess(profile)            # the shipped rule base
    for finding in result.pitfalls:
        print(finding.rule_id, finding.title.en)

The public API is what this module exports, listed in ``__all__`` (a test pins the list). The
subpackages (``advisor.core``, ``profile``, ``rules``, ``engine``, ``render``, ``tools``,
``research``, ``cli``; see docs/ARCHITECTURE.md) are private and may change in any release.

The tools, the report and the research functions are imported on first use (``advisor.explain``
loads the explain module then), so ``import advisor`` stays as quick as the assessment needs.
"""

import importlib as _importlib
import typing as _typing

# Importing advisor makes many objects that live as long as the process (pydantic and its schemas,
# the models, the rule language): the cyclic garbage collector is paused meanwhile, and what
# exists then is moved to the oldest generation (advisor.core.collector; issue 15 §3).
from .core.collector import paused as _paused

with _paused():
    # The code dataclasses and typing generate meanwhile (the methods of pydantic's and advisor's
    # dataclasses, pydantic-core's forward references) is made from bytecode kept beside advisor's
    # own, not compiled again at every start (advisor.core.codecache).
    from .core.codecache import generated_code_cached as _generated_code_cached

    with _generated_code_cached():
        from .core.plugins import use_no_plugins_if_none as _use_no_plugins_if_none

        # Before pydantic builds a model: where no pydantic plugin is installed, pydantic is told so
        # without its search of every distribution's metadata (advisor.core.plugins).
        _use_no_plugins_if_none()

        from .core.errors import AdvisorError, EngineError, InputError, ProfileError, RulePackError
        from .core.text import Text
        from .core.version import __version__
        from .engine.assessment import Assessment, ContrastingView, Finding, Manifest, Question, assess
        from .profile.io import load_profile, parse_profile
        from .profile.model import Profile
        from .rules.pack import Contrast, Reference, Rule, RulePack, Source, default_rules_path
        from .rules.load import load_rules
        from .rules.conditions import use_phrase_words as _use_phrase_words


def _phrase_words(phrase: _typing.Any) -> _typing.Any:
    """A phrase of a result (a condition kept without words, advisor.rules.conditions.Phrase) in
    the words its JSON shows, for a result dumped by the caller's own ``model_dump_json()`` or read
    as ``finding.unless.nb``: the package, on top of every layer, lends the rendering layer's words
    to the layer below, which may not import it."""
    from .render.conditions import phrase_json

    return phrase_json(phrase)


_use_phrase_words(_phrase_words)

if _typing.TYPE_CHECKING:
    from .engine.columnar import profiles_frame
    from .render.pdf import report_pdf
    from .render.report import Report, build_report, render_report
    from .research.runs import (
        BatchResult,
        Comparison,
        Sensitivity,
        batch,
        compare,
        sample,
        sample_profiles,
        sensitivity,
    )
    from .tools.diff import Diff, diff
    from .tools.explain import Explanation, explain
    from .tools.intake import IntakeResult, run_intake
    from .tools.packcheck import PackReport, TestReport, check_pack, run_pack_tests
    from .tools.whatif import NextSteps, WhatIf, next_steps, whatif

#: The names imported on first use, and the module of each.
_LAZY = {
    "explain": ".tools.explain",
    "Explanation": ".tools.explain",
    "whatif": ".tools.whatif",
    "WhatIf": ".tools.whatif",
    "next_steps": ".tools.whatif",
    "NextSteps": ".tools.whatif",
    "diff": ".tools.diff",
    "Diff": ".tools.diff",
    "run_intake": ".tools.intake",
    "IntakeResult": ".tools.intake",
    "check_pack": ".tools.packcheck",
    "PackReport": ".tools.packcheck",
    "run_pack_tests": ".tools.packcheck",
    "TestReport": ".tools.packcheck",
    "build_report": ".render.report",
    "render_report": ".render.report",
    "Report": ".render.report",
    "report_pdf": ".render.pdf",
    "batch": ".research.runs",
    "BatchResult": ".research.runs",
    "compare": ".research.runs",
    "Comparison": ".research.runs",
    "sample": ".research.runs",
    "sample_profiles": ".research.runs",
    "sensitivity": ".research.runs",
    "Sensitivity": ".research.runs",
    "profiles_frame": ".engine.columnar",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    # the profile
    "Profile",
    "load_profile",
    "parse_profile",
    # rule packs and variants
    "Rule",
    "RulePack",
    "Source",
    "Reference",
    "Contrast",
    "Text",
    "load_rules",
    "default_rules_path",
    # the assessment
    "assess",
    "Assessment",
    "Finding",
    "ContrastingView",
    "Question",
    "Manifest",
    # the tools
    "explain",
    "Explanation",
    "whatif",
    "WhatIf",
    "next_steps",
    "NextSteps",
    "diff",
    "Diff",
    "run_intake",
    "IntakeResult",
    "check_pack",
    "PackReport",
    "run_pack_tests",
    "TestReport",
    # the report
    "build_report",
    "render_report",
    "report_pdf",
    "Report",
    # research
    "batch",
    "BatchResult",
    "compare",
    "Comparison",
    "sample",
    "sample_profiles",
    "sensitivity",
    "Sensitivity",
    "profiles_frame",
    # errors
    "AdvisorError",
    "InputError",
    "ProfileError",
    "RulePackError",
    "EngineError",
]
