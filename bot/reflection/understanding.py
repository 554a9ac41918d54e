"""What a patient's message means at the point of the conversation it answers.

DIET reads one message with no idea what was asked, and on short answers it is
confident and wrong ("tired" as pause, "shame" as chitchat). This module reads
the message *against the question*: each step declares the answer it expects,
control phrases are matched on purpose, and yes/no questions are read as yes,
no or unsure. DIET's intent is only a tie-breaker for clear questions and
greetings; it never pauses, skips or ends a form on its own.

Everything here is pure: :func:`interpret` takes the text, the dialogue state
the channel read from the tracker store, and DIET's intent, and returns the
intent the dialogue should act on (or ``None`` to keep DIET's).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.reflection.answers import parse_hours_since_infusion, parse_rating
from bot.reflection.control_meaning import ACT, ASK, ASK_THRESHOLD, read_request
from bot.reflection.start_meaning import asks_to_start
from bot.reflection.steps import RATING_SCALES, REFLECTION_FORM

SCREENER_LOOP = "cssrs_form"


class Expected(str, Enum):
    """The kind of answer a step asks for."""

    RATING = "rating"
    DURATION = "duration"
    TRAP = "trap"
    TEXT = "text"
    YES_NO = "yes_no"


def expected_answer(slot: str | None) -> Expected | None:
    """The answer type of a requested slot (``None`` when nothing is asked)."""
    if not slot:
        return None
    if slot in RATING_SCALES:
        return Expected.RATING
    if slot == "hours_since_infusion":
        return Expected.DURATION
    if slot == "traps_chosen":
        return Expected.TRAP
    if slot.startswith("cssrs_"):
        return Expected.YES_NO
    return Expected.TEXT


@dataclass(frozen=True)
class DialogueState:
    """What the bot last asked, read from the tracker store by the channel."""

    active_loop: str | None = None
    requested_slot: str | None = None
    last_utterance: str | None = None  # the name of the bot's last response

    @classmethod
    def from_dict(cls, data: object) -> DialogueState:
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        return cls(text("active_loop"), text("requested_slot"), text("last_utterance"))

    def to_dict(self) -> dict[str, str | None]:
        return {
            "active_loop": self.active_loop,
            "requested_slot": self.requested_slot,
            "last_utterance": self.last_utterance,
        }


# -- normalising ---------------------------------------------------------------

_TEXTING = {
    "idk": "i dont know",
    "idek": "i dont know",
    "dunno": "dont know",
    "pls": "please",
    "plz": "please",
    "porfa": "please",
    "porfis": "please",
    "xfa": "please",
    "ya": "yes",
    "yea": "yes",
    "yeah": "yes",
    "yep": "yes",
    "yup": "yes",
    "ye": "yes",
    "yass": "yes",
    "k": "ok",
    "kk": "ok",
    "okay": "ok",
    "okey": "ok",
    "nah": "no",
    "naw": "no",
    "aye": "yes",
    "okie": "ok",
    "nope": "no",
    "na": "no",
    "im": "i am",
    "i'm": "i am",
    "u": "you",
    "r": "are",
    "rn": "right now",
    "tbh": "",
    "ngl": "",
    "lol": "",
    "umm": "",
    "um": "",
    "uh": "",
    "hmm": "",
    "hm": "",
    "mm": "",
    "mmm": "",
    "lemme": "let me",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrrw": "tomorrow",
    "tomoro": "tomorrow",
    "2moro": "tomorrow",
    "wanna": "want to",
    "gonna": "going to",
    "tak": "yes",
    "da": "yes",
    "sim": "yes",
    "oui": "yes",
    "nie": "no",
    "nao": "no",
    "si": "yes",
    "sí": "yes",
}
_WORD = re.compile(r"[a-z0-9']+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation gone, texting forms spelled out."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'")
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    words = []
    for word in _WORD.findall(text):
        word = re.sub(r"(.)\1{2,}", r"\1", word)  # "yesss" -> "yes", "nooo" -> "no"
        word = word.replace("'", "")
        replaced = _TEXTING.get(word, word)
        if replaced:
            words.append(replaced)
    return " ".join(words)


# -- control phrases -------------------------------------------------------------


class Control(str, Enum):
    """What a control phrase asks for; the value is the intent the rules know."""

    PAUSE = "pause"
    SKIP = "skip"
    BACK = "go_back"
    DONT_KNOW = "dont_know"
    HELP = "get_help"
    RESUME = "resume_reflection"


# Whole-message phrases (after normalising). Polite words around them are
# stripped first, so "ok can we pause please" matches "pause".
_TRAILING_FILLER = re.compile(
    r"(?:\s+(?:please|now|thanks|thank you|ok|for now|here|then|actually|honestly|"
    r"really|sorry))+$"
)
# Politeness and hedges around a control phrase, in English and Spanish.
_LEADING_FILLERS = (
    "ok", "so", "oh", "well", "actually", "sorry", "hey", "wait", "please", "um",
    "and", "but", "i think", "honestly", "yes", "no", "can we", "could we", "can i",
    "could i", "i want to", "i would like to", "id like to", "i need to", "lets",
    "let us", "let me", "just", "maybe", "really", "we", "i", "may i", "may we",
    "i should like to", "i would rather", "i am afraid", "dear", "can you",
    "could you", "podemos", "podriamos", "puedo", "quiero", "me gustaria",
    "vamos a", "mejor", "oye", "bueno", "perdon", "por favor", "mira",
)  # fmt: skip
_TRAILING_FILLERS = (
    "please", "now", "thanks", "thank you", "ok", "for a bit", "for a sec",
    "for a moment", "for now", "here", "there", "then", "i think", "actually",
    "honestly", "really", "sorry", "dear", "for today", "for the moment", "ahead",
    "this one", "to the end", "un momento", "un rato", "ahorita", "por ahora",
    "aqui", "tio", "gracias", "por favor", "la verdad",
)  # fmt: skip


def _alternatives(phrases: tuple[str, ...]) -> str:
    # Longest first: "i should like to" must win over "i", or the core keeps
    # "should like to stop".
    return "|".join(sorted(phrases, key=len, reverse=True))


_FILLER = re.compile(
    rf"^(?:(?:{_alternatives(_LEADING_FILLERS)})\s+)+|"
    rf"(?:\s+(?:{_alternatives(_TRAILING_FILLERS)}))+$"
)
_EXPLICIT: dict[Control, tuple[str, ...]] = {
    Control.PAUSE: (
        r"pause", r"pause (?:this|it|the reflection|here)", r"stop", r"stop (?:this|it|here|the reflection)",
        r"take a break", r"have a break", r"i need a break", r"break", r"brb", r"be right back",
        r"(?:continue|finish|do|carry on)(?: this| it| the rest)? (?:later|another time|tomorrow)",
        r"(?:ill|i will) (?:come back|continue|finish) (?:later|tomorrow|another time)",
        r"come back (?:later|to this later|to it later)", r"save (?:this|it) for later", r"not now",
        r"(?:thats|that is) enough for (?:today|now|tonight)",
        r"i am done for (?:today|now|tonight)", r"done for (?:today|now|tonight)",
        r"end (?:this|the reflection|the session)", r"quit", r"exit", r"pausa", r"parar", r"para",
        r"(?:leave|stop|pause) (?:it|this|things) (?:there|here)", r"pick (?:this|it) (?:back )?up later",
        r"(?:lo )?dejamos para (?:despues|luego|manana)", r"seguimos (?:despues|luego|manana)",
        r"paremos", r"detener", r"terminar", r"terminemos", r"descanso", r"un descanso",
        r"necesito un descanso", r"(?:ya )?no quiero seguir(?: con esto)?",
        r"(?:dejarlo|dejemoslo|lo dejamos) (?:aqui|para despues|para luego)",
    ),
    Control.SKIP: (
        r"skip", r"skip (?:this|it|this one|that|that one|this question|the question)", r"next",
        r"next (?:question|one)",
        r"pass", r"move on", r"(?:i would|id) rather not (?:say|answer)?", r"rather not (?:say|answer)?",
        r"(?:i )?prefer not to (?:say|answer)", r"i dont want to answer (?:this|that)?",
        r"no comment", r"saltar", r"siguiente", r"paso", r"prefiero no (?:decir|contestar|responder)",
        r"(?:salta|saltemos|saltar|brinca|brincate)(?: esta| esa| esta pregunta| esa pregunta)?",
        r"paso de (?:esta|esa)(?: pregunta)?", r"(?:la )?siguiente pregunta", r"la siguiente",
        r"no quiero (?:contestar|responder)(?: esta| eso| esa)?",
    ),
    Control.BACK: (
        r"go back", r"back", r"previous(?: question)?", r"undo", r"go back (?:one|a step|to the last question|to the previous question)",
        r"change (?:my |the )?(?:last |previous )?answer", r"change (?:that|it)",
        r"redo (?:the |that )?(?:last|previous)?(?: one| question)?", r"fix (?:my |the )?(?:last )?answer",
        r"(?:the )?last question again", r"atras", r"volver", r"regresar",
        r"(?:vuelve|volvamos|regresa|regresemos|volver|regresar) (?:a la anterior|atras|a la pregunta anterior)",
        r"(?:la )?(?:pregunta )?anterior",
        r"(?:quiero )?cambiar (?:mi respuesta|la respuesta|lo de antes|la anterior|lo anterior)",
    ),
    Control.DONT_KNOW: (
        r"i dont know", r"dont know", r"no idea", r"not sure", r"i am not sure", r"no clue",
        r"i have no idea", r"hard to say", r"cant say", r"i cant say", r"i dont really know",
        r"i havent the foggiest", r"i havent a clue", r"not a clue",
        r"i really dont know", r"i am unsure", r"unsure", r"no se", r"ni idea", r"no estoy segur[oa]",
        r"no tengo (?:ni )?idea", r"no lo se", r"quien sabe", r"no sabria (?:decir|decirte)",
    ),
    Control.HELP: (
        r"help", r"help me", r"i need help", r"get help", r"get help now", r"sos", r"ayuda",
        r"necesito ayuda", r"ayudame", r"auxilio",
    ),
    Control.RESUME: (
        r"i am back", r"back again", r"i am here again", r"resume", r"continue", r"keep going",
        r"carry on", r"go on", r"pick up where (?:we|i) left off", r"where were we",
        r"pick (?:this|it) (?:back )?up", r"get back to (?:it|this|the reflection)",
        r"continue (?:from )?where (?:we|i) (?:stopped|left off|were)",
        r"lets keep going", r"lets go on", r"continue (?:the|my) reflection", r"volvi", r"ya volvi",
        r"seguir", r"sigamos", r"continuar", r"continuemos", r"seguimos", r"continua",
        r"sigamos donde nos quedamos", r"ya (?:estoy aqui|regrese)", r"aqui estoy",
    ),
}  # fmt: skip
# Could be a real answer or a wish to stop: confirmed, never acted on. A state
# ("tired", "done") answers a question about how the patient feels.
_AMBIGUOUS_STATE = (
    r"i am done", r"done", r"i am tired", r"tired", r"too tired", r"so tired", r"exhausted",
    r"enough", r"i am finished", r"finished", r"i cant", r"i cant do this", r"cansad[oa]",
)  # fmt: skip
_AMBIGUOUS_LEAVING = (
    r"later", r"maybe later", r"not today", r"i need to go", r"i have to go", r"gotta go",
    r"got to go", r"enough for (?:today|now|tonight)", r"luego", r"despues",
)  # fmt: skip
# Steps that ask how the patient feels, where a state is the answer.
FEELING_SLOTS = frozenset({"body_check", "emotion", "previous_followup"})


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(phrases) + ")$")


_EXPLICIT_RE = {control: _compile(phrases) for control, phrases in _EXPLICIT.items()}
_AMBIGUOUS_STATE_RE = _compile(_AMBIGUOUS_STATE)
_AMBIGUOUS_LEAVING_RE = _compile(_AMBIGUOUS_LEAVING)


def _core(normalised: str) -> str:
    previous = None
    core = normalised
    while core != previous:  # fillers can nest: "ok so can we pause please"
        previous = core
        core = _FILLER.sub("", core).strip()
    return core


@dataclass(frozen=True)
class ControlMatch:
    control: Control
    ambiguous: bool = False
    state: bool = False  # an ambiguous phrase naming how the patient feels


_CLAUSES = re.compile(
    r"\.{2,}|[.,;:!?\u2026()\-\u2013\u2014]+|"
    r"\s(?:because|bc|cause|cuz|coz|so|i need|i have|i gotta|i wanna|i want)\s"
)
_HEDGE_ONLY = re.compile(r"^(?:really|honestly|sorry|truly|at all|tbh|whatever)?$")


def _match_whole(normalised: str) -> ControlMatch | None:
    trailing = _TRAILING_FILLER.sub("", normalised).strip()
    candidates = tuple(dict.fromkeys((normalised, trailing, _core(normalised))))
    for candidate in candidates:
        for control, pattern in _EXPLICIT_RE.items():
            if pattern.match(candidate):
                return ControlMatch(control)
    for candidate in candidates:
        if _AMBIGUOUS_STATE_RE.match(candidate):
            return ControlMatch(Control.PAUSE, ambiguous=True, state=True)
        if _AMBIGUOUS_LEAVING_RE.match(candidate):
            return ControlMatch(Control.PAUSE, ambiguous=True)
    return None


def match_control(text: str) -> ControlMatch | None:
    """A control phrase that is the whole message, or its first or last clause.

    "can we pause... i need to lie down" and "wait go back, I typed the wrong
    number" are control phrases; "I want to stop feeling guilty" is not, because
    no clause of it is a control phrase on its own.
    """
    normalised = normalise(text)
    if not normalised:
        return None
    whole = _match_whole(normalised)
    if whole is not None:
        return whole
    clauses = [normalise(c) for c in _CLAUSES.split(f" {text or ''} ")]
    clauses = [c for c in clauses if c]
    if len(clauses) < 2:
        return None
    readings = [_match_whole(clause) for clause in clauses]
    # "no idea, really": every clause is a hedge.
    if all(
        (r is not None and r.control is Control.DONT_KNOW) or _HEDGE_ONLY.match(c)
        for r, c in zip(readings, clauses, strict=True)
    ):
        return ControlMatch(Control.DONT_KNOW)
    for found, clause in ((readings[0], clauses[0]), (readings[-1], clauses[-1])):
        # "idk, it was like floating" is an answer with a hedge, not a skip; an
        # ambiguous word inside a longer answer ("tired because ...") is content.
        if not found or found.ambiguous or found.control is Control.DONT_KNOW:
            continue
        # A last clause of one word ("... on my back") is too easily content.
        if clause is clauses[-1] and clause is not clauses[0] and " " not in clause:
            if clause not in ("pause", "stop", "skip", "help"):
                continue
        return found
    return None


# -- yes / no --------------------------------------------------------------------


class YesNo(str, Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


_NO = re.compile(
    r"^(?:no|not really|not at all|not exactly|no way|never|negative|i am not|"
    r"not|definitely not|absolutely not|of course not|no i am not|no im not|"
    r"not safe|i dont think so|dont think so|i do not|i dont)\b"
)
_YES = re.compile(
    r"^(?:yes|ok|sure|of course|definitely|absolutely|i am|i do|i am safe|"
    r"safe|i think so|correct|right|alright|all right|fine|i guess so|for sure|"
    r"please|go on|continue|lets go|claro|vale|dale|bueno)\b"
)
_UNSURE = re.compile(
    r"^(?:i dont know|dont know|not sure|i am not sure|maybe|kind of|kinda|sort of|"
    r"sorta|i guess|hard to say|perhaps|possibly|unsure|no clue|no se|tal vez|"
    r"quizas|mas o menos|a bit|a little|sometimes|a little bit)\b"
)
_UNSAFE_WORDS = re.compile(
    r"\b(?:not safe|unsafe|no estoy a salvo|still have|pills?|gun|rope|knife|blade|"
    r"bridge|tonight|plan|going to|gonna|want to die|kill|end it|hurt myself|"
    r"scared of myself|cant promise|dont trust myself)\b"
)


def read_yes_no(text: str) -> YesNo | None:
    """Yes, no or unsure, from the start of the answer; ``None`` when neither."""
    normalised = normalise(text)
    core = _core(normalised) or normalised
    for candidate in (normalised, core):
        if _UNSURE.match(candidate):
            return YesNo.UNSURE
        if _NO.match(candidate):
            return YesNo.NO
        if _YES.match(candidate):
            return YesNo.YES
    return None


def is_safe_answer(text: str) -> bool:
    """True only for a clear "yes, I'm safe" with nothing that contradicts it.

    Anything else (no, unsure, silence on the point, a mention of means or
    intent) is read as *not safe*: asked "are you safe right now?", doubt is
    an answer too.
    """
    normalised = normalise(text)
    if read_yes_no(text) is not YesNo.YES:
        return False
    return not _UNSAFE_WORDS.search(normalised) and " not " not in f" {normalised} "


# Bot questions whose answers are yes/no, and the intent each reading maps to.
_YES_NO_QUESTIONS: dict[str, dict[YesNo, str]] = {
    # "Can I ask you directly: are you having any thoughts of ending your life?"
    # Unsure goes to the screener: doubt is not a "no".
    "utter_ask_low_safety": {YesNo.YES: "affirm", YesNo.NO: "deny", YesNo.UNSURE: "affirm"},
    # "Sometimes when people say that, they're thinking about ending their
    # life. Is that on your mind?" Unsure is a yes: the screener follows.
    "utter_ask_crisis_check": {YesNo.YES: "affirm", YesNo.NO: "deny", YesNo.UNSURE: "affirm"},
    # "Would you like to go on with the reflection, or stop for now?"
    "utter_offer_continue_or_stop": {YesNo.YES: "resume_reflection", YesNo.NO: "pause"},
    # "Okay, we'll pause here ... say I'm back whenever you'd like to continue."
    "utter_paused": {YesNo.YES: "resume_reflection"},
}  # fmt: skip
SAFE_NOW_QUESTION = "utter_ask_safe_now"
# Questions about going on with the reflection, which the control reader may
# answer when no yes/no word does.
_GO_ON = frozenset({"utter_offer_continue_or_stop", "utter_paused"})


# -- answers that fit the step ----------------------------------------------------

# Spanish "que" and "como" also open answers ("que me siento sola", "como
# que ..."), and accents are gone after normalising: with them only a "?" counts.
_QUESTION_START = re.compile(
    r"^(?:what|whats|why|how|who|whos|where|when|which|por que|quien|donde|cuando)\b"
)
_SHORT_QUESTION_WORDS = 12
# Questions a patient asks about the thought itself are the thought, not a
# question for the bot ("why do I always ruin everything?").
_SELF_QUESTION = re.compile(
    r"^(?:why|how come|what is wrong with|whats wrong with)\b.*\b(?:i|me|my)\b"
)
_QUESTION_INTENTS = frozenset({"faq", "chitchat", "out_of_scope"})
_SOCIAL_INTENTS = frozenset({"greet", "thanks", "goodbye"})
_SOCIAL_ONLY = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks|thank you|"
    r"ty|cheers|bye|goodbye|hola|gracias|buenas)(?: there| you)?$"
)


def is_clear_question(text: str) -> bool:
    """A question to the bot: a question mark or a question word, not self-talk."""
    normalised = normalise(text)
    if _SELF_QUESTION.match(normalised):
        return False
    if text.rstrip().endswith("?"):
        return True
    short = len(normalised.split()) <= _SHORT_QUESTION_WORDS
    return short and bool(_QUESTION_START.match(normalised))


def fits(expected: Expected, slot: str, text: str) -> bool:
    """True when ``text`` answers a step of this type."""
    if expected is Expected.RATING:
        low, high = RATING_SCALES[slot]
        return parse_rating(text, low, high).value is not None
    if expected is Expected.DURATION:
        return parse_hours_since_infusion(text) is not None
    if expected is Expected.YES_NO:
        return read_yes_no(text) is not None
    return bool(normalise(text))


# -- the decision ----------------------------------------------------------------


@dataclass(frozen=True)
class Interpretation:
    """The intent to act on and why (``intent`` None keeps DIET's).

    ``request`` names what a ``confirm_request`` asks about (skip, back,
    dont_know or help).
    """

    intent: str | None
    reason: str
    request: str | None = None


KEEP = Interpretation(None, "no opinion")


def interpret(
    text: str, state: DialogueState, diet_intent: str | None
) -> Interpretation:
    """Decide what ``text`` means given what the bot just asked.

    Crisis routing is not decided here: the crisis detector runs after this and
    overrides any intent when it flags the message.
    """
    if not isinstance(text, str) or text.lstrip().startswith("/"):
        return KEEP  # button payloads carry their own intent
    if state.last_utterance == SAFE_NOW_QUESTION:
        safe = is_safe_answer(text)
        return Interpretation("affirm" if safe else "deny", "safety answer")
    if state.active_loop == REFLECTION_FORM:
        return _in_reflection(text, state, diet_intent)
    if state.active_loop == SCREENER_LOOP:
        return _in_screener(text)
    mapping = _YES_NO_QUESTIONS.get(state.last_utterance or "")
    control = match_control(text)
    if mapping is not None:
        reading = read_yes_no(text)
        if control and not control.ambiguous and control.control is Control.RESUME:
            reading = YesNo.YES
        if reading is None and control is None and state.last_utterance in _GO_ON:
            reading = _go_on_or_stop(text)  # never for a safety question
        if reading in mapping:
            return Interpretation(mapping[reading], "yes/no answer")
    if control and not control.ambiguous:
        return Interpretation(control.control.value, "control phrase")
    if (
        mapping is None
        and state.active_loop is None
        and diet_intent in _UNSETTLED
        and asks_to_start(text)
    ):
        return Interpretation("start_reflection", "reads as a wish to begin")
    return KEEP


# DIET's readings of an opening it did not understand ("inform" means nothing
# outside a form), where the start reader may say the patient asked to begin
# ("Would you be so kind as to begin?"). Its guess on a long polite opening
# depends on its seed: seed 7 read that one as faq at 0.99.
_UNSETTLED = frozenset(
    {"nlu_fallback", "inform", "greet", "out_of_scope", "chitchat", "faq"}
)
# Requests the control reader may act on when it is very sure.
_ACTED_ON_MEANING = {
    "skip": Control.SKIP,
    "back": Control.BACK,
    "dont_know": Control.DONT_KNOW,
    "help": Control.HELP,
}


def _go_on_or_stop(text: str) -> YesNo | None:
    """ "Go on or stop?" answered in words no list holds ("on ye go then")."""
    reading = read_request(text)
    if reading is None or reading.probability < ASK_THRESHOLD:
        return None
    return {"resume": YesNo.YES, "pause": YesNo.NO}.get(reading.request)


def _in_screener(text: str) -> Interpretation:
    reading = read_yes_no(text)
    if reading is YesNo.YES:
        return Interpretation("affirm", "screener answer")
    if reading is YesNo.NO:
        return Interpretation("deny", "screener answer")
    control = match_control(text)
    if reading is YesNo.UNSURE or (control and control.control is Control.DONT_KNOW):
        return Interpretation("dont_know", "screener answer")
    if control and not control.ambiguous:
        return Interpretation(control.control.value, "control phrase")
    return KEEP


def _in_reflection(
    text: str, state: DialogueState, diet_intent: str | None
) -> Interpretation:
    slot = state.requested_slot
    expected = expected_answer(slot)
    control = match_control(text)
    if control is not None and not control.ambiguous:
        if control.control is Control.DONT_KNOW and expected is Expected.TRAP:
            return Interpretation("inform", "answer")  # "not sure" is a trap answer
        if control.control is Control.RESUME:
            return Interpretation("inform", "answer")  # already in the reflection
        return Interpretation(control.control.value, "control phrase")
    if expected is None or slot is None:
        return KEEP
    if expected is not Expected.TEXT and fits(expected, slot, text):
        return Interpretation("inform", "answer")
    if is_clear_question(text) and diet_intent in _QUESTION_INTENTS:
        return KEEP  # answered by the FAQ rules, then the step is asked again
    if _SOCIAL_ONLY.match(normalise(text)) and diet_intent in _SOCIAL_INTENTS:
        return KEEP
    if control is not None:  # ambiguous, and not an answer of the step's type
        if control.state and slot in FEELING_SLOTS:
            return Interpretation(
                "inform", "answer"
            )  # "tired" answers "how's your body"
        return Interpretation("confirm_pause", "ambiguous control phrase")
    reading = read_request(text)  # worded as no phrase list holds it
    decision = reading.decision if reading is not None else None
    if decision is not None and reading.request == "pause":
        if slot not in FEELING_SLOTS:
            return Interpretation("confirm_pause", "reads as a wish to pause")
    elif decision == ACT:
        # Undone by "go back"; a pause or an ending is only ever asked.
        return Interpretation(
            _ACTED_ON_MEANING[reading.request].value, "reads as a request"
        )
    elif decision == ASK:
        return Interpretation(
            "confirm_request", "may be a request", request=reading.request
        )
    # Anything else is the answer; the form's validation re-asks when a rating
    # or duration could not be read, so DIET never moves the form on its own.
    return Interpretation("inform", "answer")
