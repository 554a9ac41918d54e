"""The reflection's decisions, and that every reply it names is in the domain."""

import re
from pathlib import Path

import yaml

from bot.reflection import turns
from bot.reflection.steps import SKIPPED
from bot.traps import TrapSuggestion, load_catalog

ROOT = Path(__file__).resolve().parents[2]


def _names(turn: turns.Turn) -> list[str]:
    return [say.response for say in turn.say]


def test_every_reply_the_reflection_names_is_a_domain_response():
    source = (ROOT / "bot" / "reflection" / "turns.py").read_text()
    named = set(re.findall(r'"(utter_[a-z_]+)"', source))
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    clinic = {"utter_disclosure"}  # filled from clinic configuration
    assert named - set(responses) - clinic == set()


def test_a_rating_is_asked_once_more_then_left():
    first = turns.rating_answer("belief_before", "pretty high", None)
    assert first.slots == {"belief_before": None, "retry_slot": "belief_before"}
    assert first.say[0].variables == {"low": 0, "high": 100}
    second = turns.rating_answer("belief_before", "pretty high", "belief_before")
    assert second.slots == {"belief_before": SKIPPED, "retry_slot": None}


def test_the_recap_quotes_only_what_was_said():
    said = turns.recap(
        {"thought": "I ruin everything", "reframe": SKIPPED, "mood_before": 4}
    )
    assert _names(turns.Turn(say=said)) == [
        "utter_recap_intro",
        "utter_recap_thought",
        "utter_reflection_closed",
    ]
    assert said[1].variables == {"quote": "I ruin everything"}
    assert _names(turns.Turn(say=turns.recap({}))) == ["utter_reflection_closed"]


def test_the_follow_up_recalls_what_there_is():
    assert turns.followup_question({"intention": "walk"}).variables == {
        "last_intention": "walk"
    }
    assert turns.followup_question({"reframe": SKIPPED}).response == (
        "utter_followup_plain"
    )


def test_a_fresh_start_clears_answers_and_working_slots():
    turn = turns.start_or_resume({"mood_after": 6, "thought": "x"})
    assert turn.slots["thought"] is None and turn.slots["reflection_id"] is None
    assert _names(turn) == ["utter_disclosure", "utter_how_to_move"]
    resumed = turns.start_or_resume({"mood_before": 3})
    assert resumed.slots == {}
    assert resumed.say[0].variables == {"step_number": 1, "step_title": "check-in"}


def test_the_whole_catalog_keeps_the_first_suggestions():
    catalog = load_catalog()
    asked_again = turns.trap_question(catalog, [], wants_all=True)
    assert asked_again.slots == {}
    assert len(asked_again.say[0].buttons) == len(catalog.traps) + 2


def test_the_whole_catalog_is_listed_likeliest_first():
    catalog = load_catalog()
    ranked = ["blaming", "labeling"]
    listed = turns.trap_question(catalog, [], wants_all=True, ranked=ranked)
    titles = [button["title"] for button in listed.say[0].buttons]
    assert titles[:2] == [catalog["blaming"].label, catalog["labeling"].label]
    assert len(titles) == len(catalog.traps) + 2


def test_a_suggestion_quotes_the_words_that_point_to_it():
    catalog = load_catalog()
    suggestion = TrapSuggestion("overgeneralizing", 0.8, ("always",))
    turn = turns.trap_question(catalog, [suggestion], wants_all=False)
    assert turn.slots == {"traps_suggested": ["overgeneralizing"]}
    assert "(your words: “always”)" in turn.say[0].variables["trap_list"]


def _user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _action(name: str) -> dict:
    return {"event": "action", "name": name}


def _checked(intent: str, reply: str) -> list[dict]:
    return [
        {"event": "slot", "name": "requested_slot", "value": "thought"},
        _action("action_listen"),
        _user("that I'm a burden to everyone", intent),
        _action("action_deactivate_loop"),
        {"event": "slot", "name": "requested_slot", "value": None},
        _action("utter_crisis_low"),
        _action("utter_ask_low_safety"),
        _action("action_listen"),
        _user("no, nothing like that", reply),
        _action("utter_offer_continue_or_stop"),
        _action("action_listen"),
        _user("yes keep going", "resume_reflection"),
    ]


def test_after_a_settled_check_the_interrupted_answer_is_kept():
    events = _checked("crisis_low", "deny")
    assert turns.answer_before_settled_check(events) == (
        "thought",
        "that I'm a burden to everyone",
    )
    turn = turns.start_or_resume({"mood_before": 3}, events)
    assert turn.slots == {"thought": "that I'm a burden to everyone"}
    assert turn.say[0].variables["step_number"] == 1  # body check still open


def test_without_a_no_nothing_is_kept():
    assert turns.answer_before_settled_check(_checked("crisis_low", "affirm")) is None
    assert turns.answer_before_settled_check(_checked("crisis_high", "deny")) is None
    assert turns.answer_before_settled_check([]) is None


def test_a_checked_rating_is_kept_when_it_reads_as_one():
    events = _checked("crisis_low", "deny")
    events[0] = {"event": "slot", "name": "requested_slot", "value": "belief_before"}
    events[2] = _user("70, it feels pretty true most days", "crisis_low")
    assert turns.start_or_resume({"mood_before": 3}, events).slots == {
        "belief_before": 70
    }
    events[2] = _user("it feels pretty true most days", "crisis_low")
    assert turns.start_or_resume({"mood_before": 3}, events).slots == {}
