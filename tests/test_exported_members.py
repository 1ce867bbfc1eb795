"""The public API is exactly ``advisor.__all__`` (as httpx's tests/test_exported_members.py pins it).

A name added to or removed from the API is a decision: this test fails until the list below, the
README and the CHANGELOG say so. Everything else under ``advisor`` is private (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import subprocess
import sys
import types

import advisor

EXPECTED = {
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
}


def test_all_is_the_pinned_list_without_repeats() -> None:
    assert len(advisor.__all__) == len(set(advisor.__all__))
    assert set(advisor.__all__) == EXPECTED


def test_every_exported_name_resolves_to_advisor_code() -> None:
    for name in sorted(EXPECTED - {"__version__"}):
        value = getattr(advisor, name)
        assert value.__module__.startswith("advisor."), (name, value.__module__)
    assert isinstance(advisor.__version__, str)


def test_nothing_public_is_left_out_of_all() -> None:
    for name in sorted(EXPECTED - {"__version__"}):
        getattr(advisor, name)  # the lazy names land in the module's namespace too
    public = {
        name
        for name, value in vars(advisor).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)  # subpackages are private
    }
    assert public <= set(advisor.__all__), public - set(advisor.__all__)
    assert set(advisor.__all__) <= set(dir(advisor))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        advisor.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("advisor.no_such_name resolved")


def test_import_advisor_leaves_the_tools_and_research_unloaded() -> None:
    # The lazy names keep `import advisor` (and so the CLI's start) as light as before.
    code = (
        "import sys, advisor\n"
        "heavy = [m for m in ('advisor.tools.whatif', 'advisor.research.runs', 'advisor.render.report',"
        " 'advisor.render.pdf', 'weasyprint')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
