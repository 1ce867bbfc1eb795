from advisor.i18n import LANGUAGES, STRINGS, resolve_language
from advisor.rulepack import FACTORS, KINDS, PHASES, PRIORITIES


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
