from advisor.core.i18n import LANGUAGES, STRINGS, resolve_language
from advisor.rules.pack import FACTORS, KINDS, PHASES, PRIORITIES


def test_every_string_exists_in_both_languages():
    keys = [set(STRINGS[lang]) for lang in LANGUAGES]
    assert keys[0] == keys[1]
    for lang in LANGUAGES:
        assert all(v.strip() for v in STRINGS[lang].values())


def test_every_scale_value_has_a_label():
    for lang in LANGUAGES:
        for prefix, values in (("kind", KINDS), ("factor", FACTORS), ("phase", PHASES), ("priority", PRIORITIES)):
            for value in values:
                assert f"{prefix}.{value}" in STRINGS[lang]


def test_every_rule_text_exists_in_both_languages(pack):
    for rule in pack.rules:
        for text in (rule.title, rule.message):
            assert text.en.strip() and text.nb.strip(), rule.id


def test_language_resolution():
    assert resolve_language("nb", {}) == "nb"
    assert resolve_language(None, {"LANG": "nb_NO.UTF-8"}) == "nb"
    assert resolve_language(None, {"LC_ALL": "C", "LANG": "nb_NO.UTF-8"}) == "en"
    assert resolve_language(None, {}) == "en"


def test_plural_forms_in_both_languages():
    from advisor.core.i18n import t

    one = dict(s=1, d=1, p=1, r=1, pack="p", version="1", rules=1)
    many = dict(s=2, d=0, p=2, r=3, pack="p", version="1", rules=151)
    assert t("en", "summary", **one) == "1 strength, 1 diagnosis, 1 pitfall, 1 recommendation. Rule pack p 1 (1 rule)."
    assert (
        t("en", "summary", **many)
        == "2 strengths, 0 diagnoses, 2 pitfalls, 3 recommendations. Rule pack p 1 (151 rules)."
    )
    assert t("nb", "summary", **one) == "1 styrke, 1 diagnose, 1 fallgruve, 1 anbefaling. Regelpakke p 1 (1 regel)."
    assert (
        t("nb", "summary", **many)
        == "2 styrker, 0 diagnoser, 2 fallgruver, 3 anbefalinger. Regelpakke p 1 (151 regler)."
    )
    assert t("nb", "init.written", path="x", known=1, unknown=2) == "Skrev x: 1 faktum kjent, 2 ukjent."
    assert t("en", "init.resume", file="x", known=1).startswith("Resuming x: 1 fact is known")


def test_values_in_bokmal():
    from advisor.rules.conditions import describe_value

    assert [describe_value(v, "nb") for v in (False, None, "main_goal", 0.5, ["low", "high"])] == [
        "nei",
        "ukjent",
        "hovedmål",
        "0,5",
        "lav, høy",
    ]
    assert [describe_value(v, "en") for v in (False, None, "main_goal")] == ["false", "unknown", "main_goal"]
