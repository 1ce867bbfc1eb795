"""The one registry of output formats (advisor/render/formats.py): every result type's formats,
found by the commands that show the result."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from helpers import EXAMPLES

import advisor
from advisor.cli.main import main
from advisor.render.conditions import phrase_json, words
from advisor.render.formats import FORMATS, formats_of, render_as, render_text
from advisor.render.report import REPORT_FORMATS, format_for

LEVANGER = EXAMPLES / "levanger.yaml"


def test_every_registered_format_names_a_function_that_exists():
    for kind, formats in FORMATS.items():
        assert formats, kind
        for name, fmt in formats.items():
            assert fmt.name == name
            assert callable(fmt.function()), f"{kind}/{name}: {fmt.target}"


def test_the_report_formats_and_file_endings_come_from_the_registry():
    assert tuple(REPORT_FORMATS) == formats_of("report") == ("html", "markdown", "pdf")
    assert format_for("x/Report.HTM") == "html" and format_for("r.markdown") == "markdown"
    assert format_for("r.pdf") == "pdf" and format_for("r.txt") is None


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown diff format 'html': use one of text, json"):
        render_as("diff", "html", None)


def test_json_is_the_model_both_languages():
    result = advisor.explain(advisor.load_profile(LEVANGER), "REL-103", advisor.load_rules())
    data = json.loads(render_text("explanation", "json", result))
    # the model's own JSON, with the conditions it carries put in words by the rendering layer
    assert data == result.model_dump(mode="json", context={"phrase": phrase_json})
    assert set(data["title"]) == {"en", "nb"}
    assert (
        data["condition"] == words(result.condition, "en")
        and "relations.municipality_as_facilitator" in data["condition"]
    )
    assert data["tree"]["condition"] == {
        "en": words(result.tree.condition, "en"),
        "nb": words(result.tree.condition, "nb"),
    }


def test_the_tools_offer_the_registered_formats_and_no_other():
    result = CliRunner().invoke(main, ["explain", str(LEVANGER), "REL-103", "--format", "markdown"])
    assert result.exit_code == 2 and "markdown" in result.output
    shown = CliRunner().invoke(main, ["explain", str(LEVANGER), "REL-103", "--lang", "nb"])
    expected = render_text(
        "explanation",
        "text",
        advisor.explain(advisor.load_profile(LEVANGER), "REL-103", advisor.load_rules()),
        lang="nb",
    )
    assert shown.exit_code == 0 and shown.stdout.splitlines()[0] == expected.splitlines()[0]


def test_the_assessment_questions_table_escapes_its_cells():
    """The assessment's Markdown writes its questions with the one table writer (md_table): a ``|``
    or markup in a description stays inside its cell, shown as written."""
    from advisor.render.format import to_markdown

    result = advisor.assess(advisor.load_profile(LEVANGER), advisor.load_rules())
    assert result.questions
    first = result.questions[0].model_copy(update={"description": "left | right *not bold* <b>x</b>"})
    changed = result.model_copy(update={"questions": (first, *result.questions[1:])})
    lines = to_markdown(changed, "en").splitlines()
    row = next(line for line in lines if line.startswith(f"| `{first.path}` |"))
    assert row == (
        f"| `{first.path}` | left \\| right \\*not bold\\* &lt;b&gt;x&lt;/b&gt; | {', '.join(first.rules)} "
        f"| {first.weight} |"
    )
    head = lines.index(row) - 1
    while not lines[head].startswith("| Fact"):
        head -= 1
    # every row of the table has as many cells as its head: no ``|`` split a cell
    table = lines[head : lines.index("", head)]
    assert len({len(re.findall(r"(?<!\\)\|", line)) for line in table}) == 1
