"""Generated reference documents are current."""

import re

from advisor.render.catalogue import profile_reference, rule_catalogue
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


def test_readme_states_the_shipped_rule_count(pack):
    """The README's count of shipped rules went stale twice; it is checked like the catalogue."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"The shipped rule base has (\d+) rules", readme)
    assert stated, "README.md no longer says how many rules are shipped"
    assert int(stated.group(1)) == len(pack.rules), (
        f"README.md says {stated.group(1)} rules; the pack has {len(pack.rules)}"
    )
