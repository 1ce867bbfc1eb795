"""Generated reference documents are current."""

from advisor.rules.catalogue import profile_reference, rule_catalogue
from helpers import REPO, UPDATE_GOLDEN


def _current(name: str, text: str) -> None:
    path = REPO / "docs" / name
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"docs/{name} is stale: run ADVISOR_UPDATE_GOLDEN=1 pytest"


def test_profile_reference_is_current():
    _current("PROFILE.md", profile_reference())


def test_rule_catalogue_is_current(pack):
    _current("RULES.md", rule_catalogue(pack))
