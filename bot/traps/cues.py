"""Linguistic cues for thinking traps, matched with spaCy token patterns.

Each rule is a small token pattern over lower-case forms (``LOWER``) and
lookup lemmas (``LEMMA``). Matches serve three purposes:

* features for the detector's classifier (one column per rule),
* the words shown to the patient as the reason for a suggestion,
* "markers" that make a reframe still sound like the trap (only rules with
  ``marker=True``; weak, ambiguous cues such as a bare "will" are not markers).

Gaps (``Gap(n)``) match up to ``n`` tokens inside a clause; the words in a gap
are never reported as cue words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.nlp import get_nlp

CLAUSE_BREAKS = [".", "!", "?", ";", ":", "(", ")", '"']
NEGATIONS = {"not", "n't", "nt", "no"}
NEGATION_LOOKBACK = 4  # tokens before a match that can negate it ("don't have to be")
NEGATION_SCOPE_BREAKS = set(CLAUSE_BREAKS) | {",", "and", "but", "so", "because"}

# People and institutions a patient may hold responsible or credit with thoughts.
PEOPLE = [
    "boss", "manager", "supervisor", "doctor", "nurse", "clinic", "hospital",
    "therapist", "psychiatrist", "pharmacist", "pharmacy", "receptionist",
    "insurance", "company", "government", "society", "teacher", "coworker",
    "colleague", "team", "friend", "family", "parent", "mother", "mum", "mom",
    "father", "dad", "sister", "brother", "husband", "wife", "partner", "ex",
    "girlfriend", "boyfriend", "kid", "child", "children", "son", "daughter",
    "law", "neighbour", "neighbor", "landlord", "people", "interviewer", "staff",
    "everyone", "everybody", "nobody", "others", "audience", "patient",
]  # fmt: skip
PRONOUNS = ["they", "he", "she", "them", "him", "her", "someone", "somebody"]
OTHERS = PEOPLE + PRONOUNS

# Harsh labels for a whole person.
LABELS = [
    "loser", "failure", "idiot", "moron", "fool", "stupid", "useless",
    "worthless", "pathetic", "burden", "mess", "wreck", "fraud", "fake", "joke",
    "disappointment", "embarrassment", "disgrace", "coward", "weak", "broken",
    "damaged", "defective", "lazy", "slob", "screwup", "hypocrite", "nobody",
    "unlovable", "addict", "junkie", "freak", "hopeless", "monster", "jerk",
    "tyrant", "selfish", "narcissist", "bully", "toxic", "disgusting",
    "hideous", "gross", "inadequate", "incompetent", "psycho", "nutcase",
    "basket", "waste",
]  # fmt: skip
ROLES = [
    "mother", "mum", "mom", "father", "dad", "husband", "wife", "son",
    "daughter", "friend", "parent", "person", "partner", "sister", "brother",
    "employee", "human", "patient", "influence", "worker", "boyfriend",
    "girlfriend",
]  # fmt: skip
BAD = ["terrible", "bad", "awful", "lousy", "horrible", "useless", "rubbish",
       "crap", "pathetic", "worst", "selfish", "failure"]  # fmt: skip

POSITIVE = [
    "good", "great", "well", "nice", "lovely", "fine", "better", "brave",
    "progress", "praised", "compliment", "proud", "calm", "calmly", "managed",
    "finished", "passed", "helped", "improved", "improving", "sober", "fun",
    "happy", "brighter", "promotion", "thanked", "clapped", "positive",
    "smoothly", "warm", "friendly", "supportive", "sweet", "liked", "laughed",
]  # fmt: skip

DISASTER = [
    "disaster", "catastrophe", "catastrophic", "nightmare", "worst",
    "unbearable", "horrible", "horribly", "awful", "terrible", "terribly",
    "hell", "humiliated", "humiliating", "doomed", "tragedy", "devastating",
    "devastated", "traumatised", "traumatized", "scarred", "irreversible",
    "permanent", "permanently", "bankrupt", "homeless", "hopeless",
]  # fmt: skip


# Words that colour a thought as distressed or as content (for the classifier).
NEGATIVE_AFFECT = [
    "bad", "worse", "worst", "awful", "terrible", "horrible", "wrong", "fail",
    "failed", "failing", "failure", "mess", "messed", "ruin", "ruined", "hate",
    "hates", "hated", "sad", "depressed", "depression", "anxious", "anxiety",
    "panic", "scared", "afraid", "fear", "guilty", "ashamed", "shame",
    "embarrassed", "stupid", "idiot", "useless", "worthless", "hopeless",
    "pathetic", "weak", "broken", "alone", "lonely", "lose", "losing", "lost",
    "cry", "crying", "upset", "angry", "annoyed", "disappointed",
    "disappointment", "burden", "blame", "fault", "exhausted", "struggle",
    "struggling", "stuck", "pointless", "waste", "disaster", "nightmare",
    "reject", "rejected", "relapse", "dread", "miserable", "hurt", "judge",
    "judging", "pity", "faking", "fraud", "abandoned", "ignored", "mistake",
    "mistakes", "unbearable", "impossible", "ugly", "disgusting", "lazy",
    "selfish", "screwed", "damage", "damaged", "destroyed", "awkward", "bored",
    "rude", "sick", "fired", "wreck", "loser", "down", "let", "forgot",
]  # fmt: skip
POSITIVE_AFFECT = [
    "good", "great", "nice", "lovely", "enjoy", "enjoyed", "love", "loved",
    "happy", "glad", "proud", "calm", "calmer", "okay", "ok", "fine", "better",
    "helped", "helpful", "kind", "appreciate", "forward", "fun", "laughed",
    "smile", "relaxed", "peaceful", "curious", "hopeful", "lighter", "easy",
    "enjoying", "comfortable",
]  # fmt: skip


@dataclass(frozen=True)
class Gap:
    """Up to ``size`` tokens within a clause, not reported as cue words."""

    size: int


Element = Union[dict, Gap]


def words(*forms: str) -> dict:
    return {"LOWER": {"IN": list(forms)}}


def lemmas(*forms: str) -> dict:
    return {"LEMMA": {"IN": list(forms)}}


def optional(spec: dict) -> dict:
    return {**spec, "OP": "?"}


def not_words(*forms: str) -> dict:
    return {"LOWER": {"NOT_IN": list(forms) + CLAUSE_BREAKS}}


I_AM = (words("i"), words("am", "'m", "m", "was"))
ATTENTION = ("think", "remember", "notice", "see", "hear", "focus", "take")
FUTURE_AUX = ("will", "'ll", "wo", "shall")
FUTURE = words(*FUTURE_AUX, "gon", "going")
# Verbs that make a prediction gloomy on their own ("I'll fail") ...
BAD_OUTCOMES = (
    "fail", "lose", "end", "mess", "ruin", "hate", "leave", "relapse", "crash",
    "freeze", "reject", "disappoint", "regret", "collapse", "fall", "break",
    "drop", "push", "resent", "grow",
)  # fmt: skip
# ... and verbs that do so only when negated ("it won't help").
GOOD_OUTCOMES = (
    "help", "work", "last", "change", "forgive", "want", "hire", "survive",
    "get", "feel", "find", "stick", "recover", "improve", "manage", "ever",
)  # fmt: skip
ACTIVITIES_AFTER_SO_I_AM = (
    "going", "gon", "taking", "off", "about", "doing", "planning", "trying",
    "bringing", "making", "writing", "staying", "keeping", "looking", "glad",
)  # fmt: skip


@dataclass(frozen=True)
class CueRule:
    """A named token pattern (or alternatives) pointing at one or more traps."""

    name: str
    traps: tuple[str, ...]
    patterns: tuple[tuple[Element, ...], ...]
    marker: bool = True


def rule(
    name: str, traps: str, *patterns: tuple[Element, ...], marker: bool = True
) -> CueRule:
    return CueRule(name, tuple(traps.split()), tuple(patterns), marker)


RULES: tuple[CueRule, ...] = (
    # all-or-nothing
    rule("aon.total", "all_or_nothing",
         (words("completely", "totally", "entirely", "absolutely", "utterly",
                "perfect", "perfectly", "fully"),),
         (words("100", "hundred"), optional(words("%", "percent"))),
         (words("total", "complete"), words("failure", "waste", "loss", "flop",
                                            "disaster", "letdown", "mess"))),
    rule("aon.whole", "all_or_nothing",
         (words("whole", "entire", "every", "any"),), marker=False),
    rule("aon.either_or", "all_or_nothing",
         (words("either"), Gap(8), words("or"))),
    rule("aon.nothing_between", "all_or_nothing",
         (words("or"), words("nothing")),
         (words("i"), words("'m", "am"), words("nothing")),
         (words("all"), words("rubbish", "bad", "wrong", "garbage")),
         (words("might"), words("as"), words("well")),
         (words("same"), words("as"), words("failing", "failure", "nothing")),
         (words("no", "nothing"), words("in"), words("between")),
         (words("not"), words("at"), words("all")),
         (words("at"), words("all")),
         (words("for"), words("nothing")),
         (words("no"), words("point")),
         (words("pointless", "waste"),),
         (words("write"), words("-"), words("off"))),
    rule("aon.one_spoils_all", "all_or_nothing mental_filter",
         (words("one", "single", "once"), Gap(8),
          words("whole", "entire", "everything", "ruined", "spoiled", "spoilt")),
         marker=False),
    rule("aon.unless_perfect", "all_or_nothing",
         (words("if", "unless"), Gap(6),
          words("perfect", "perfectly", "every", "completely", "totally",
                "fully", "best", "100")), marker=False),
    # overgeneralizing
    rule("ovg.always_never", "overgeneralizing",
         (words("always", "never", "constantly"),)),
    rule("ovg.everyone", "overgeneralizing",
         (words("everyone", "everybody", "nobody", "everything", "nothing"),),
         (words("no"), words("one")),
         (words("all"), words("the"), words("time")),
         (words("every", "whenever"),),
         (words("nothing"), words("ever"))),
    rule("ovg.same_again", "overgeneralizing",
         (words("same"), words("way", "thing")),
         (words("this", "it"), lemmas("happen"), words("again")), marker=False),
    # mental filter
    rule("mf.all_i_see", "mental_filter",
         (words("all", "only"), words("i"), optional(words("can", "could", "ever")),
          optional(words("keep", "really")), lemmas(*ATTENTION)),
         (words("i", "can", "could"), words("only"), optional(words("ever", "really")),
          lemmas(*ATTENTION))),
    rule("mf.only_detail", "mental_filter",
         (words("the", "that", "this"), words("only", "one", "single"),
          optional(words("bad", "weird", "little", "awkward", "tense", "sharp")),
          words("thing", "part", "moment", "comment", "mistake", "look",
                "detail", "criticism", "complaint", "remark", "dip", "typo",
                "argument"))),
    rule("mf.dwelling", "mental_filter",
         (lemmas("keep"), words("thinking", "replaying", "dwelling", "hearing",
                                "zooming", "noticing", "remembering", "seeing")),
         (lemmas("keep"), words("going", "coming"), words("back")),
         (words("ca", "can", "could"), words("n't", "not"), words("stop"),
          optional(words("thinking"))),
         (words("ca", "can", "could"), words("n't", "not"), words("get", "let"),
          words("past", "over", "go")),
         (words("stuck", "fixated", "fixating", "fixate", "dwell", "dwelling",
                "replay", "replaying", "obsess", "obsessing", "zooming"),),
         (lemmas("stick"), words("with", "in"), words("me", "my"))),
    rule("mf.spoiled", "mental_filter",
         (lemmas("ruin", "spoil"), Gap(1), words("whole", "entire")),
         (words("that", "'s"), Gap(1), words("all"), words("that"),
          words("matters", "counts"))),
    rule("mf.but_one", "mental_filter",
         (words("but", "yet", "except"), Gap(6), words("one", "single", "once")),
         marker=False),
    rule("contrast.positive_but", "mental_filter discounting_positive",
         (words(*POSITIVE), Gap(8), words("but", "yet", "except", "until")),
         marker=False),
    # discounting the positive
    rule("dp.does_not_count", "discounting_positive",
         (words("n't", "not", "nt"), optional(words("really")),
          words("count", "counts", "prove", "proves")),
         (words("n't", "not", "nt"), optional(words("really")), words("mean", "means"),
          words("anything", "much", "a"))),
    rule("dp.only_because", "discounting_positive",
         (words("only", "just", "probably"),
          words("because", "cause", "being", "saying", "luck", "lucky")),
         (lemmas("pay", "have"), words("to"), words("say")),
         (words("says", "say", "said"), words("that"), words("to"),
          words("everyone", "everybody", "anyone")),
         (words("her", "his", "their"), words("job")),
         (lemmas("cheer"), words("me"), words("up")),
         (words("being"), words("nice", "kind", "polite", "supportive"))),
    rule("dp.luck", "discounting_positive",
         (words("luck", "lucky", "fluke", "chance", "accident", "easy"),),
         marker=False),
    rule("dp.anyone_could", "discounting_positive",
         (words("anyone", "anybody"), words("could", "can", "would", "'d"))),
    rule("dp.drug_did_it", "discounting_positive",
         (words("just", "only", "because"), Gap(2),
          words("drug", "drugs", "ketamine", "medication", "meds"))),
    rule("dp.minimising", "discounting_positive",
         (words("bare"), words("minimum")),
         (words("nothing", "anything"), words("special")),
         (optional(words("no", "not")), optional(words("a")), words("big"),
          words("deal"))),
    # mind reading
    rule("mr.others_think", "mind_reading",
         (lemmas(*OTHERS), Gap(4),
          lemmas("think", "know", "judge", "believe", "assume", "pity", "hate",
                 "dislike", "resent", "despise")),
         # Perception only counts when it is about the patient.
         (lemmas(*OTHERS), Gap(4), lemmas("notice", "see", "find"), Gap(2),
          words("me", "my", "i", "how", "that"))),
    rule("mr.can_tell", "mind_reading",
         (lemmas(*OTHERS), Gap(4), words("can", "could"),
          optional(words("already", "probably")), words("tell", "see"))),
    rule("mr.must_be", "mind_reading",
         (lemmas(*OTHERS), Gap(1), words("must", "probably", "obviously",
                                         "secretly", "clearly"))),
    rule("mr.toward_me", "mind_reading",
         (words("sick", "tired", "bored", "annoyed", "angry", "mad",
                "disappointed", "embarrassed", "ashamed", "fed", "frustrated",
                "disgusted", "irritated", "sorry"),
          optional(words("up")), words("of", "with", "at", "by", "in", "for"),
          words("me"))),
    rule("mr.about_me", "mind_reading",
         (lemmas("judge", "laugh", "talk", "whisper", "gossip", "pity", "say"),
          optional(words("at", "about")), words("me")),
         (words("look", "looks", "looking", "looked"), words("down"), words("on"),
          words("me")),
         (words("behind"), words("my"), words("back"))),
    # fortune telling
    rule("ft.never_again", "fortune_telling",
         (FUTURE, optional(words("n't", "to", "na")),
          words("never", "ever", "always", "forever")),
         (words("never"), words("going", "gon")),
         (words("never"), Gap(3), words("again"))),
    rule("ft.bad_outcome", "fortune_telling",
         (FUTURE, optional(words("to", "na", "probably", "just")),
          optional(words("probably", "just", "still")), lemmas(*BAD_OUTCOMES)),
         (words(*FUTURE_AUX), words("n't", "not", "never"),
          optional(words("ever", "really", "even", "be")),
          optional(words("able")), optional(words("to")), lemmas(*GOOD_OUTCOMES))),
    rule("certainty", "fortune_telling catastrophizing mind_reading",
         (words("i"), words("'m", "am"), optional(words("just", "so")),
          words("sure", "certain", "convinced", "positive")),
         (words("definitely", "certainly", "surely", "obviously"),), marker=False),
    rule("ft.future", "fortune_telling",
         (words(*FUTURE_AUX),), (words("going", "gon"), words("to", "na")),
         marker=False),
    rule("ft.certain", "fortune_telling",
         (words("i"), words("just", "already"), words("know", "knew")),
         (words("no"), words("matter")),
         (words("can"), words("already"), words("tell", "feel")),
         (words("bound"), words("to")),
         (words("no"), words("way")),
         (words("forever"),),
         (words("rest"), words("of"), words("my"), words("life")),
         (words("for"), words("life")),
         (lemmas("end"), words("up")),
         (words("eventually"),)),
    # catastrophizing
    rule("cat.disaster", "catastrophizing",
         (words(*DISASTER),),
         (lemmas("ruin", "destroy", "wreck", "collapse", "damage", "traumatise",
                 "traumatize"),)),
    rule("cat.cannot_cope", "catastrophizing",
         (words("ca", "can", "could", "wo", "cannot"), optional(words("n't", "not")),
          words("cope", "handle", "survive", "bear", "stand", "recover")),
         (words("never"), words("recover"))),
    rule("cat.lose_everything", "catastrophizing",
         (lemmas("lose"), words("everything", "it")),
         (words("life", "career", "marriage", "recovery", "future", "world",
                "everything", "reputation", "progress"),
          Gap(2), words("over", "finished", "ruined", "destroyed", "done", "lost")),
         (words("end"), words("of"), words("everything", "the", "my")),
         (lemmas("fall"), words("apart")),
         (words("something"), words("terrible", "awful", "horrible", "serious",
                                    "wrong")),
         (words("for"), words("good")),
         (words("square"), words("one")),
         (words("what"), words("if"))),
    # emotional reasoning
    rule("er.feel_therefore", "emotional_reasoning",
         (lemmas("feel"), Gap(10),
          words("must", "means", "mean", "proves", "prove", "therefore",
                "obviously", "definitely"))),
    rule("er.feel_so_it_is", "emotional_reasoning",
         (lemmas("feel"), Gap(10), words("so", "then"),
          words("i", "it", "they", "he", "she", "that", "this", "everyone",
                "things", "life", "nothing"),
          words("am", "'m", "m", "is", "'s", "are", "'re", "must", "probably",
                "really", "can"),
          not_words(*ACTIVITIES_AFTER_SO_I_AM))),
    rule("er.feel_so", "emotional_reasoning",
         (lemmas("feel"), Gap(10), words("so", "which")), marker=False),
    rule("er.because_i_feel", "emotional_reasoning",
         (words("because", "since"), words("i"), lemmas("feel"))),
    rule("er.gut", "emotional_reasoning",
         (words("my"), words("gut", "instinct"), optional(words("says", "tells")))),
    rule("er.feels_like", "emotional_reasoning",
         (lemmas("feel"), words("like", "so")), marker=False),
    # should statements
    rule("sh.should", "should_statements",
         (words("should", "ought"),),
         (words("supposed"), words("to"))),
    rule("sh.rigid", "should_statements",
         (words("should", "must", "ought", "supposed"), optional(words("to")),
          optional(words("n't", "not")),
          words("be", "have", "'ve", "never", "always", "feel", "need", "know",
                "able", "not", "n't")),
         (words("have", "has"), words("to"), words("be", "feel", "never", "always"))),
    rule("sh.must", "should_statements",
         (words("must"),
          not_words("be", "have", "'ve", "think", "hate", "feel", "find", "know",
                    "see", "mean", "hear", "look", "been"))),
    rule("sh.have_to", "should_statements",
         (words("have", "has", "got"), words("to"))),
    rule("sh.need_to", "should_statements",
         (lemmas("need"), words("to")), marker=False),
    rule("sh.by_now", "should_statements",
         (words("by"), words("now")), (words("no"), words("excuse"))),
    # labeling
    rule("lab.i_am", "labeling",
         (*I_AM, Gap(3), words(*LABELS)),
         (*I_AM, Gap(3), words("screw"), optional(words("-")), words("up"))),
    rule("lab.such_a", "labeling",
         (words("such", "what", "just"), words("a", "an"), Gap(1), words(*LABELS))),
    rule("lab.is_a", "labeling",
         (words("is", "'s", "are", "'re"), Gap(2), words(*LABELS)), marker=False),
    rule("lab.bad_role", "labeling",
         (words(*BAD), optional(words("as")), optional(words("a", "an")),
          words(*ROLES))),
    rule("lab.makes_me", "labeling",
         (lemmas("make"), words("me"), Gap(1), words(*LABELS))),
    # personalization
    rule("per.my_fault", "personalization",
         (words("my"), words("fault", "doing", "responsibility")),
         (words("'s", "is", "all"), words("on"), words("me")),
         (words("because", "cause"), words("of"), words("me", "myself")),
         (words("my"), words("job", "duty"), words("to")),
         (words("i"), words("must", "'m", "am"), optional(words("be")), words("too"),
          words("much")),
         (words("because"), words("of"), words("my"),
          words("depression", "illness", "condition", "moods", "anxiety",
                "treatment", "sickness", "problems", "issues", "mistake")),
         (words("blame"), words("myself")),
         (words("i"), words("'m", "am", "m"), words("the"),
          words("reason", "cause", "problem")),
         (words("the"), words("one"), words("to"), words("blame")),
         (words("responsible"), words("for"))),
    rule("per.i_caused", "personalization",
         (words("i"), words("must", "probably"), words("have", "'ve"),
          words("done", "said", "caused", "upset", "made")),
         (words("i"), words("caused", "upset", "jinxed", "ruined", "passed")),
         (words("i"), words("let"), words("everyone", "them", "her", "him"),
          words("down"))),
    rule("per.if_i_had", "personalization",
         (words("if"), words("i"), words("had", "'d", "hadn't", "was", "were")),
         (words("something"), words("i"), words("did", "said", "do", "say"))),
    rule("per.because_i", "personalization",
         (words("because", "since"), words("i")), marker=False),
    # blaming
    rule("bl.their_fault", "blaming",
         (words("his", "her", "their", "your", "'s", "'", "hers", "theirs"),
          words("fault")),
         (words("i"), lemmas("blame"), words("them", "him", "her", "my", "the"))),
    rule("bl.because_of_them", "blaming",
         (words("because", "thanks"), words("of", "to"),
          words("them", "him", "her", "they")),
         (words("because", "thanks"), words("of", "to"),
          words("my", "the", "that", "this"), Gap(1), lemmas(*PEOPLE))),
    rule("bl.they_made_me", "blaming",
         (lemmas(*OTHERS), Gap(1), lemmas("make", "turn", "force", "push"),
          words("me")),
         (lemmas(*OTHERS), Gap(1), lemmas("drive"), words("me"),
          words("out", "away", "crazy", "mad", "insane", "up")),
         (lemmas(*OTHERS), Gap(1), lemmas("make"), Gap(2),
          words("impossible", "hard", "harder", "difficult")),
         (lemmas(*OTHERS), Gap(1), lemmas("cause"))),
    rule("bl.the_reason", "blaming",
         (lemmas(*OTHERS), Gap(1), words("is", "are", "'s", "'re", "was", "were"),
          words("the", "to"), words("reason", "cause", "blame", "problem")),
         (words("'s", "is", "are", "'re"), words("why"),
          words("i", "we", "our", "my", "the")),
         (words("'s", "is", "are"), words("on"), words("them", "him", "her"))),
    rule("bl.they_harmed_me", "blaming",
         (lemmas(*OTHERS), Gap(2),
          lemmas("ruin", "screw", "mess", "destroy", "wreck", "damage", "abandon",
                 "betray", "fail", "set", "dump", "ignore", "neglect", "let"),
          words("me", "my", "up", "us"))),
    rule("bl.if_they_had", "blaming",
         (words("if"), words("the", "my", "they", "he", "she"), Gap(2),
          words("had", "hadn't", "'d", "did", "were", "was")), marker=False),
    rule("bl.they_should_have", "blaming",
         (lemmas(*OTHERS), words("should"), words("have", "'ve"))),
    # Not traps: hedges and affect words, used only as classifier features.
    rule("balance.hedge", "",
         (words("might", "maybe", "perhaps", "sometimes", "possibly", "partly",
                "also", "both", "although", "learning", "curious", "plan",
                "planned"),),
         (words("not"), words("sure")),
         (words("do"), words("n't", "not"), words("know")),
         (words("even"), words("though", "if")),
         (words("'s", "is"), words("okay", "ok", "fine", "normal", "common")),
         marker=False),
    rule("affect.negative", "", (words(*NEGATIVE_AFFECT),), marker=False),
    rule("affect.positive", "", (words(*POSITIVE_AFFECT),), marker=False),
)  # fmt: skip


@dataclass(frozen=True)
class Cue:
    """One match of a cue rule in a text.

    Attributes:
        rule: name of the ``CueRule``.
        traps: traps the rule points at.
        text: the matched words, cut from the original text (gap words left out).
        start: character offset of the first matched word.
        marker: whether the rule counts as a trap marker in a reframe.
        negated: a negation ("not", "n't", "no") sits in or just before it.
    """

    rule: str
    traps: tuple[str, ...]
    text: str
    start: int
    marker: bool
    negated: bool


class CueMatcher:
    """Finds cue-rule matches in documents from the shared English pipeline."""

    def __init__(self, rules: tuple[CueRule, ...] = RULES) -> None:
        self.rules = rules
        self.rule_names = tuple(cue_rule.name for cue_rule in rules)
        self._matcher = Matcher(get_nlp("en").vocab)
        # key -> (rule, is-gap flag per expanded pattern element)
        self._keys: dict[int, tuple[CueRule, tuple[bool, ...]]] = {}
        for cue_rule in rules:
            for index, pattern in enumerate(cue_rule.patterns):
                specs, gap_flags = _expand(pattern)
                key_name = f"{cue_rule.name}#{index}"
                self._matcher.add(key_name, [specs])
                self._keys[get_nlp("en").vocab.strings[key_name]] = (
                    cue_rule,
                    gap_flags,
                )

    def find(self, doc: Doc, original: str) -> list[Cue]:
        """Return cues in ``doc``, ordered by position, without duplicates.

        Args:
            doc: tokens of the cleaned text (see ``bot.traps.text``).
            original: the text before cleaning, same length, used to report
                the patient's own words.
        """
        cues: dict[tuple[str, int, str], Cue] = {}
        for key, start, end, alignment in self._matcher(doc, with_alignments=True):
            cue_rule, gap_flags = self._keys[key]
            kept = [
                start + i
                for i, element in enumerate(alignment)
                if not gap_flags[element]
            ]
            negated = _is_negated(doc, start, end, set(kept))
            for first, last in _runs(kept):
                first, last = _whole_words(doc, first, last)
                start_char = doc[first].idx
                end_char = doc[last].idx + len(doc[last])
                text = original[start_char:end_char]
                cue = Cue(
                    cue_rule.name,
                    cue_rule.traps,
                    text,
                    start_char,
                    cue_rule.marker,
                    negated,
                )
                known = cues.get((cue.rule, start_char, text))
                if known is None or (known.negated and not negated):
                    cues[(cue.rule, start_char, text)] = cue
        return sorted(cues.values(), key=lambda cue: (cue.start, cue.rule))


def cue_texts(cues: Sequence[Cue]) -> tuple[str, ...]:
    """The distinct words of ``cues`` in text order, leaving out words that sit
    inside a longer cue ("never" inside "it'll never work")."""
    spans = {(cue.start, cue.start + len(cue.text)): cue.text for cue in cues}
    outermost = [
        span
        for span in sorted(spans)
        if not any(o[0] <= span[0] and span[1] <= o[1] and o != span for o in spans)
    ]
    return tuple(dict.fromkeys(spans[span] for span in outermost))


@lru_cache(maxsize=1)
def get_cue_matcher() -> CueMatcher:
    """Shared ``CueMatcher`` over the built-in rules."""
    return CueMatcher()


def _expand(pattern: tuple[Element, ...]) -> tuple[list[dict], tuple[bool, ...]]:
    specs: list[dict] = []
    gap_flags: list[bool] = []
    for element in pattern:
        if isinstance(element, Gap):
            gap = {"LOWER": {"NOT_IN": CLAUSE_BREAKS}, "OP": "?"}
            specs.extend(dict(gap) for _ in range(element.size))
            gap_flags.extend([True] * element.size)
        else:
            specs.append(element)
            gap_flags.append(False)
    return specs, tuple(gap_flags)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Group sorted token indices into (first, last) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _whole_words(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Widen a token run to whole words, so "won't" is shown rather than "wo"."""
    while first > 0 and not doc[first - 1].whitespace_ and _wordlike(doc[first - 1]):
        first -= 1
    while (
        last + 1 < len(doc) and not doc[last].whitespace_ and _wordlike(doc[last + 1])
    ):
        last += 1
    return first, last


def _wordlike(token) -> bool:
    return not (token.is_punct or token.is_space) or token.text in ("'", "-")


def _is_negated(doc: Doc, start: int, end: int, own_tokens: set[int]) -> bool:
    """True when a negation precedes the match in its clause or sits in a gap.

    Negations that belong to the pattern itself ("can't cope") do not count.
    """
    for index in range(end - 1, max(start - NEGATION_LOOKBACK, 0) - 1, -1):
        text = doc[index].lower_
        if index < start and text in NEGATION_SCOPE_BREAKS:
            break
        if text in NEGATIONS and index not in own_tokens:
            return True
    return False
