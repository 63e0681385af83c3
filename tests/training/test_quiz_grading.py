"""Grading each question type: plain functions, no database."""

from decimal import Decimal

import pytest

from training.grading import (
    GRADED,
    NEEDS_MARKING,
    UNANSWERED,
    AnswerKey,
    KeyOption,
    combine_attempts,
    grade,
    parse_number,
    percentage,
)

SINGLE = AnswerKey("single", (KeyOption(1, True), KeyOption(2), KeyOption(3)))
MULTI = AnswerKey("multiple", (KeyOption(1, True), KeyOption(2, True), KeyOption(3), KeyOption(4)))
MULTI_PROP = AnswerKey(
    "multiple", MULTI.options, partial_credit="proportional", penalty=Decimal("0.5")
)


def test_single_choice():
    assert grade(SINGLE, 1).fraction == 1
    assert grade(SINGLE, 2).fraction == 0
    assert grade(SINGLE, 2).status == GRADED
    assert grade(SINGLE, None).status == UNANSWERED
    # An option id from another question counts as no answer, not as a right one.
    assert grade(SINGLE, 99).status == UNANSWERED


def test_multiple_all_or_nothing():
    assert grade(MULTI, [1, 2]).fraction == 1
    assert grade(MULTI, [1]).fraction == 0
    assert grade(MULTI, [1, 2, 3]).fraction == 0
    assert grade(MULTI, []).status == UNANSWERED


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([1, 2], "1"),
        ([1], "0.5"),
        ([1, 3], "0.25"),
        ([1, 2, 3], "0.75"),
        ([3, 4], "0"),
        ([1, 3, 4], "0"),
    ],
)
def test_multiple_proportional_with_penalty(answer, expected):
    assert grade(MULTI_PROP, answer).fraction == Decimal(expected)


def test_multiple_proportional_full_penalty_stops_select_all():
    key = AnswerKey("multiple", MULTI.options, partial_credit="proportional", penalty=Decimal("1"))
    assert grade(key, [1, 2, 3, 4]).fraction == 0


def test_true_false():
    key = AnswerKey("true_false", true_false_answer=False)
    assert grade(key, "false").is_correct
    assert grade(key, "true").fraction == 0
    assert grade(key, "yes").status == UNANSWERED


@pytest.mark.parametrize(
    ("text", "correct"),
    [
        ("85", True),
        ("85.4", True),
        ("84.5", True),
        ("85.6", False),
        ("８５％", True),
        ("85 %", True),
        ("abc", False),
        ("1e2", False),
    ],
)
def test_numeric_with_tolerance(text, correct):
    key = AnswerKey("numeric", numeric_answer=Decimal("85"), numeric_tolerance=Decimal("0.5"))
    result = grade(key, text)
    assert result.status == GRADED
    assert result.is_correct is correct


def test_numeric_blank_is_unanswered_and_parse():
    key = AnswerKey("numeric", numeric_answer=Decimal("1"))
    assert grade(key, "  ").status == UNANSWERED
    assert parse_number("1,250") == Decimal("1250")
    assert parse_number("-3.5") == Decimal("-3.5")
    assert parse_number("") is None


MATCH = AnswerKey("matching", tuple(KeyOption(i, match_id=i) for i in (10, 11, 12)))


def test_matching_all_or_nothing_and_proportional():
    assert grade(MATCH, {"10": 10, "11": 11, "12": 12}).fraction == 1
    assert grade(MATCH, {"10": 11, "11": 10, "12": 12}).fraction == 0
    prop = AnswerKey("matching", MATCH.options, partial_credit="proportional")
    assert grade(prop, {"10": 11, "11": 10, "12": 12}).fraction == Decimal("0.3333")
    assert grade(MATCH, {}).status == UNANSWERED
    assert grade(MATCH, "garbage").status == UNANSWERED


ORDER = AnswerKey("ordering", tuple(KeyOption(i, position=p) for p, i in enumerate((7, 8, 9), 1)))


def test_ordering():
    assert grade(ORDER, {"7": 1, "8": 2, "9": 3}).fraction == 1
    assert grade(ORDER, {"7": 2, "8": 1, "9": 3}).fraction == 0
    prop = AnswerKey("ordering", ORDER.options, partial_credit="proportional")
    assert grade(prop, {"7": 2, "8": 1, "9": 3}).fraction == Decimal("0.3333")
    # Positions for options the question does not have are ignored.
    assert grade(ORDER, {"99": 1}).status == UNANSWERED


def test_written_needs_a_person():
    key = AnswerKey("written")
    assert grade(key, "先道歉").status == NEEDS_MARKING
    assert grade(key, "   ").status == UNANSWERED


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError):
        grade(AnswerKey("essay"), "x")


def test_percentage_and_combining_attempts():
    assert percentage(Decimal("6"), Decimal("8")) == Decimal("75.00")
    assert percentage(Decimal("0"), Decimal("0")) == 0
    scores = [Decimal("40"), Decimal("90"), Decimal("70")]
    assert combine_attempts("highest", scores) == 90
    assert combine_attempts("latest", scores) == 70
    assert combine_attempts("first", scores) == 40
    assert combine_attempts("average", scores) == Decimal("66.67")
    assert combine_attempts("highest", []) is None
