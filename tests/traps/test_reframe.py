import pytest

from bot.traps import ReframeCheck, check_reframe

BALANCED = (
    "I made a mistake on the report, and I've also done plenty of good work; "
    "one error doesn't make me a failure"
)


@pytest.mark.parametrize(
    "reframe",
    [
        "I'm not a failure",
        "I am not worthless",
        "it won't go wrong",
        "That's not true.",
    ],
)
def test_bare_negation(reframe):
    check = check_reframe(reframe)
    assert check == ReframeCheck(
        ok=False, reason="bare_negation", markers=check.markers
    )
    assert check.markers and all(m in reframe for m in check.markers)


def test_bare_negation_of_the_original():
    check = check_reframe(
        "I'm not a failure and I'm not stupid",
        original="I'm a failure and I'm stupid",
        traps=["labeling"],
    )
    assert (check.ok, check.reason) == (False, "bare_negation")


@pytest.mark.parametrize(
    ("reframe", "traps", "marker"),
    [
        (
            "Everyone always leaves eventually, but I have my sister.",
            ["overgeneralizing"],
            "always",
        ),
        (
            "I should be over this by now, but I'm trying.",
            ["should_statements"],
            "by now",
        ),
        ("Everyone thinks I'm doing fine now.", ["mind_reading"], "Everyone thinks"),
        (
            "It will never work for me, but I'll keep going.",
            ["fortune_telling"],
            "never",
        ),
    ],
)
def test_trap_markers_of_the_chosen_traps(reframe, traps, marker):
    check = check_reframe(reframe, traps=traps)
    assert (check.ok, check.reason) == (False, "trap_markers")
    assert any(marker in m for m in check.markers)
    assert all(m in reframe for m in check.markers)


def test_markers_of_other_traps_are_ignored():
    reframe = "I should rest today, and I can still call my friend tomorrow."
    assert check_reframe(reframe, traps=["labeling"]).ok


def test_traps_come_from_the_original_when_not_given():
    check = check_reframe(
        "Nobody ever listens, and some people do.",
        original="Nobody ever listens to me.",
    )
    assert (check.ok, check.reason) == (False, "trap_markers")


@pytest.mark.parametrize(
    "reframe",
    [
        BALANCED,
        "I don't have to be perfect; doing my best on a hard day is enough.",
        "The treatment hasn't worked yet, and it's early; many people need several "
        "sessions before they notice a change.",
        "It might go badly, and if it does I can ask my sister for help.",
    ],
)
def test_balanced_reframe_is_ok(reframe):
    assert check_reframe(reframe) == ReframeCheck(ok=True, reason=None, markers=())


def test_balanced_reframe_with_original_and_traps():
    check = check_reframe(
        BALANCED, "I messed up the report, I'm a failure", ["labeling"]
    )
    assert check.ok


@pytest.mark.parametrize("empty", ["", "   ", "\n\t", None, "<b></b>", "...", 7])
def test_empty_input(empty):
    assert check_reframe(empty) == ReframeCheck(ok=False, reason="empty", markers=())


@pytest.mark.parametrize(
    "junk", ["x" * 100_000, "\x00\xff\ud800 not", "<i>never</i> " * 5000, b"bytes"]
)
def test_junk_never_raises(junk):
    assert isinstance(
        check_reframe(junk, original=junk, traps="labeling"), ReframeCheck
    )
