"""Levels and categories for each kind of message the issue lists.

These are behaviour tests written from the requirements; the labelled
evaluation sets in eval/crisis/ measure the detector at scale.
"""

import pytest

from bot.safety import Level


def check(detector, text, level, category=None, context=()):
    verdict = detector.scan(text, context=context)
    assert verdict.level.label == level, (text, verdict.to_dict())
    if category is not None:
        assert verdict.category == category, (text, verdict.to_dict())
    return verdict


@pytest.mark.parametrize(
    "text, level, category",
    [
        # imminent: intent with plan, means or timeline; attempts; goodbyes
        ("I'm going to kill myself tonight", "imminent", "explicit_si"),
        ("I have the pills here and I'm taking them all tonight", "imminent", None),
        ("I just took 40 pills", "imminent", "plan_means"),
        ("swallowed a whole bottle of sleeping pills an hour ago", "imminent", None),
        ("this is goodbye, tell my kids I love them", "imminent", "goodbye"),
        ("I'm standing on the ledge of the parking garage", "imminent", "plan_means"),
        # high: intent, ideation with a method, preparation, recent behaviour
        ("I'm going to end my life, I've decided", "high", "explicit_si"),
        ("I keep thinking about overdosing on my insulin", "high", "plan_means"),
        ("I've been stockpiling my sleeping pills", "high", "plan_means"),
        ("I cut tonight", "high", "self_harm"),
        ("I tried to kill myself two weeks ago", "high", "past_history"),
        ("I'm going to hurt him when he gets home", "high", "harm_others"),
        ("I wrote a suicide note", "high", "goodbye"),
        # moderate: active ideation without plan, urges, persistent dissociation
        ("I keep thinking about killing myself", "moderate", "explicit_si"),
        ("I want to die", "moderate", "explicit_si"),
        ("the urge to cut is really strong today", "moderate", "self_harm"),
        ("I'm stopping all my treatment, there's no point", "moderate", "hopelessness"),
        (
            "it's been four days since the infusion and nothing feels real",
            "moderate",
            "persistent_dissociation",
        ),
        ("I have intrusive thoughts about hurting my baby", "moderate", "harm_others"),
        # low: passive wish, burdensomeness, hopelessness, remote history
        ("I wish I could go to sleep and not wake up", "low", "passive_si"),
        ("everyone would be better off without me", "low", "passive_si"),
        ("I can't go on like this", "low", "hopelessness"),
        ("I attempted years ago but I'm doing better", "low", "past_history"),
    ],
)
def test_levels_follow_cssrs_triage(detector, text, level, category):
    check(detector, text, level, category)


@pytest.mark.parametrize(
    "text",
    [
        "I have crushing chest pain since the infusion",
        "I can't breathe",
        "I fainted in the bathroom",
        "my husband is having a seizure",
        "I'm so confused, I don't know where I am",
        "my heart rate is 172 and it won't come down",
        "my blood pressure is 200/125",
        "my friend is unresponsive after her session",
    ],
)
def test_medical_emergencies_are_imminent(detector, text):
    verdict = check(detector, text, "imminent", "medical_emergency")
    assert verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "my heart rate was 88 after the infusion",
        "my blood pressure is 128/82 this morning",
    ],
)
def test_normal_vital_signs_are_not_flagged(level_of, text):
    assert level_of(text) == "none"


HARD_NEGATIVES = {
    "idiom": [
        "this homework is killing me",
        "I'm dying to see the new film",
        "that joke killed me",
        "I could kill for a coffee",
        "my feet are killing me",
        "dead tired",
        "I'd rather die than sing karaoke",
        "we're going to end things with a party on Friday",
        "lol I can't breathe 😂",
    ],
    "negation": [
        "I'm not suicidal",
        "I have never wanted to hurt myself",
        "no thoughts of self-harm",
        "I have no thoughts whatsoever of ending my life.",
        "Suicidal thoughts: none",
        "I would never kill myself",
        "I don't want to die",
        "I'm not having any trouble breathing",
        "the nurse asked if I'd hurt myself and I said no",
    ],
    "third_party": [
        "my friend's brother died by suicide last year",
        "my sister keeps saying she wants to die",
        "my dad tried to kill himself when I was a kid",
        "someone in my group relapsed and cut again",
    ],
    "media": [
        "watching a documentary about suicide",
        "that song about wanting to disappear is so sad",
    ],
    "educational": [
        "what are the warning signs of suicide?",
        "is ketamine used for suicidal depression?",
        "can ketamine cause seizures?",
    ],
    "ketamine_experience": [
        "I felt like I was dying and being reborn, it was beautiful",
        "ego death was intense but peaceful",
        "I felt dissociated during the infusion",
        "felt detached for a couple of hours after the infusion, fine now",
    ],
    "neutral": [
        "I took my pills this morning like I was supposed to",
        "I cut my hair short after the session",
        "never mind, forget it",
        "",
    ],
}


# Hard negatives detector 2026.12.3 asks its one question about (strict, so a
# fix is noticed; listed in eval/crisis/README.md).
KNOWN_ASKS = {
    "I took my pills this morning like I was supposed to",
    "my sister keeps saying she wants to die",
}
_ASKS = pytest.mark.xfail(strict=True, reason="known false positive of 2026.12.3")


@pytest.mark.parametrize(
    "kind, text",
    [
        pytest.param(kind, text, marks=_ASKS if text in KNOWN_ASKS else ())
        for kind, texts in HARD_NEGATIVES.items()
        for text in texts
    ],
)
def test_hard_negatives_are_none(detector, kind, text):
    verdict = detector.scan(text)
    assert verdict.level == Level.NONE, (kind, verdict.to_dict())
    assert verdict.category is None
    assert verdict.evidence == ()


@pytest.mark.parametrize(
    "text, at_least",
    [
        ("I'm not sure I want to live", "low"),
        ("I don't want to be alive anymore", "low"),
        ("I can't go on", "low"),
        ("I don't want to wake up", "low"),
        ("I'm not okay, I want to kill myself", "moderate"),
        ("not gonna lie I want to die", "moderate"),
        ("I can't stop thinking about suicide", "moderate"),
        ("no one would miss me if I was gone", "low"),
        ("I no longer want to live", "low"),
        ("I don't want to live with this pain anymore", "low"),
        ("I can't breathe because my chest is so tight", "imminent"),
    ],
)
def test_negation_does_not_hide_risk(detector, text, at_least):
    assert detector.scan(text).level >= Level.parse(at_least), text


@pytest.mark.parametrize(
    "text, level",
    [
        ("lowkey wanna kms", "moderate"),
        ("ugh kms", "moderate"),
        ("i wanna unalive myself", "moderate"),
        ("thinking about ctb", "moderate"),
        ("the sewerslide thoughts are back", "moderate"),
        ("idw2live", "low"),
        ("thinkin bout sucide alot", "moderate"),
        ("i want to kil myself", "moderate"),
        ("I want to dieeeeee sooooo bad", "moderate"),
        ("KILL MYSELF", "moderate"),
        ("ki\u200bll myself", "moderate"),
        ("ｋｉｌｌ myself", "moderate"),
        ("been having suicidial thoughts", "moderate"),
        ("gonna take all these 💊💊 tonight", "imminent"),
        ("got the rope 🪢 tonight's the night", "imminent"),
    ],
)
def test_slang_typos_and_emoji(level_of, text, level):
    assert level_of(text) == level


@pytest.mark.parametrize(
    "text, level, category",
    [
        ("quiero morir", "moderate", "explicit_si"),
        ("me quiero matar", "moderate", "explicit_si"),
        ("no quiero vivir", "low", "passive_si"),
        ("estoy pensando en suicidarme", "moderate", "explicit_si"),
        ("me corté anoche", "high", "self_harm"),
        ("me duele el pecho", "imminent", "medical_emergency"),
        ("no puedo respirar", "imminent", "medical_emergency"),
        ("voy a matarme esta noche", "imminent", "explicit_si"),
        ("esto es una despedida", "imminent", "goodbye"),
        ("voy a matar a mi jefe", "high", "harm_others"),
    ],
)
def test_spanish(detector, text, level, category):
    verdict = check(detector, text, level, category)
    assert verdict.language == "es"


@pytest.mark.parametrize(
    "text",
    [
        "me muero de hambre",
        "este trabajo me está matando",
        "mi jefe me va a matar si llego tarde",
        "no quiero morirme, quiero sentirme mejor",
        "mi amigo intentó suicidarse hace años",
    ],
)
def test_spanish_hard_negatives(level_of, text):
    assert level_of(text) == "none"


def test_english_verdicts_report_english(detector):
    assert detector.scan("I want to die").language == "en"


def test_risk_buried_in_a_long_message_is_found(detector):
    filler = (
        "The session went fine and I journaled afterwards about my childhood, "
        "the garden, my sister's visit and the drive home. "
    ) * 12
    buried = "Truthfully I have the pills lined up and tonight is the night."
    text = "\n\n".join([filler, filler, buried, filler, filler])
    verdict = check(detector, text, "imminent", "plan_means")
    first = verdict.evidence[0]
    assert text[first.start : first.end] == first.text
    assert text.index(buried) <= first.start < text.index(buried) + len(buried)


@pytest.mark.parametrize("position", [0.0, 0.33, 0.5, 0.77, 1.0])
def test_risk_anywhere_in_100kb_is_found(detector, position):
    filler = "We talked about gardening and the weather and the new puppy. " * 1700
    cut = int(len(filler) * position)
    text = filler[:cut] + " I keep thinking about killing myself. " + filler[cut:]
    assert len(text) > 100_000
    verdict = detector.scan(text)
    assert verdict.level == Level.MODERATE
    first = verdict.evidence[0]
    assert text[first.start : first.end] == first.text
