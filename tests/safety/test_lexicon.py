"""The lexicon is validated at start-up with errors naming file and rule."""

import shutil
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from bot.nlp import get_nlp
from bot.safety.lexicon import LEXICON_DIR, LexiconError, load_lexicon
from bot.safety.verdict import RULE_CATEGORIES

MAIN_SPANISH = {
    "explicit_si",
    "passive_si",
    "plan_means",
    "self_harm",
    "goodbye",
    "harm_others",
    "medical_emergency",
}


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_every_category_has_rules(lexicon):
    english = {r.category for r in lexicon.languages["en"].rules if not r.is_cue}
    spanish = {r.category for r in lexicon.languages["es"].rules if not r.is_cue}
    assert set(RULE_CATEGORIES) <= english
    assert MAIN_SPANISH <= spanish


def test_every_compiled_pattern_passes_spacy_validation(lexicon):
    # The runtime matchers skip spaCy's (slow) validation; this test does it once.
    for lang, language in lexicon.languages.items():
        matcher = Matcher(get_nlp(lang).vocab, validate=True)
        for rule in language.rules:
            matcher.add(rule.id, list(rule.patterns))


@pytest.fixture
def lexicon_copy(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        (
            "en.yml",
            "- id: explicit_si.want_to_die\n    level: moderate",
            "- id: explicit_si.want_to_die\n    level: severe",
            "rule explicit_si.want_to_die: not a crisis level: 'severe'",
        ),
        (
            "en.yml",
            "- id: explicit_si.want_to_die\n",
            "- id: suicide_talk.want_to_die\n",
            "rule suicide_talk.want_to_die: 'suicide_talk' is not a category",
        ),
        (
            "en.yml",
            "- id: explicit_si.want_to_die\n",
            "- id: explicit_si.want_to_kill_self\n",
            "duplicate rule id 'explicit_si.want_to_kill_self'",
        ),
        (
            "en.yml",
            '      - "@WANT to? (just)? die"',
            '      - "@WANTS to? (just)? die"',
            "unknown set @WANTS",
        ),
        (
            "en.yml",
            '      - "@WANT to? (just)? die"',
            '      - "@WANT to? (just die"',
            "unclosed '('",
        ),
        (
            "en.yml",
            '      - "@WANT to? (just)? die"',
            '      - "@WANT to? die !than"',
            "ends with a '!' token",
        ),
        (
            "en.yml",
            "    requires: [persistence]",
            "    requires: [persistance]",
            "no cue provides 'persistance'",
        ),
        (
            "en.yml",
            "  cues: [not, never, no,",
            "  cues: [not, never, false,",
            "negation.cues: item 2 is False",
        ),
        (
            "common.yml",
            "    requires: [means, method]\n    level: imminent",
            "    requires: [means, methd]\n    level: imminent",
            "adjustment escalate.intent_with_means: no rule or cue provides 'methd'",
        ),
        ("es.yml", "language: es", "language: fr", "'language' must be 'es'"),
        ("common.yml", "window_chars: 200", "window_chars: [", "invalid YAML"),
    ],
)
def test_invalid_lexicon_names_file_and_rule(lexicon_copy, file, old, new, message):
    edit(lexicon_copy / file, old, new)
    with pytest.raises(LexiconError) as error:
        load_lexicon(lexicon_copy)
    assert message in str(error.value)
    assert file in str(error.value)


def test_missing_file(lexicon_copy):
    (lexicon_copy / "es.yml").unlink()
    with pytest.raises(LexiconError, match="es.yml: cannot read"):
        load_lexicon(lexicon_copy)


def test_yaml_words_no_on_off_stay_words(lexicon):
    negation = lexicon.languages["en"].negation
    assert "no" in negation.cues
