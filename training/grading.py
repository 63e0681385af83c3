"""Grading one response to one question. Pure: no database, no Django models; the caller
builds an `AnswerKey` from the stored question and passes the stored answer.

Stored answers (JSON), by question type:
- single: option id (int) or None
- multiple: list of option ids
- true_false: "true" / "false" / None
- numeric: the text typed, e.g. "85.5" or "85.5%"
- matching: {left option id (str): right option id (int)}
- ordering: {option id (str): position (int, 1 = first)}
- written: the text typed (marked by a person)

A result's `fraction` is the share of the question's points earned (0..1).

Partial credit is the question's own setting (`partial_credit`, frozen in the version drawn),
for the three types with several parts; the attempt page tells the trainee which applies:
- all_or_nothing: only a fully correct answer scores (1), anything else 0.
- proportional, multiple response: (correct selections - penalty × wrong selections) /
  number of correct options, never below 0.
- proportional, matching: the share of pairs matched correctly (correct pairs / pairs).
- proportional, ordering: the share of items placed in their correct position (items in
  the right position / items), not of correctly ordered adjacent pairs: it is the rule the
  trainee is told and can check item by item. A position given to more than one item
  counts for none of them (an answer that puts every item first earns nothing).
The penalty applies to multiple response only."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

GRADED = "graded"
NEEDS_MARKING = "needs_marking"
UNANSWERED = "unanswered"


@dataclass(frozen=True)
class KeyOption:
    id: int
    is_correct: bool = False
    position: int = 0  # correct position, ordering questions (1 = first)
    match_id: int | None = None  # matching: id of the right-hand item that belongs here


@dataclass(frozen=True)
class AnswerKey:
    qtype: str
    options: tuple[KeyOption, ...] = ()
    partial_credit: str = "all_or_nothing"  # or "proportional"
    penalty: Decimal = Decimal("1")
    true_false_answer: bool = True
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal("0")


@dataclass(frozen=True)
class Grade:
    status: str  # GRADED, NEEDS_MARKING or UNANSWERED
    fraction: Decimal = Decimal("0")
    chosen: tuple[str, ...] = field(default_factory=tuple)  # option keys, for item analysis

    @property
    def is_correct(self) -> bool:
        return self.status == GRADED and self.fraction == 1


ZERO = Decimal("0")
ONE = Decimal("1")


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value)).quantize(Decimal("0.0001"))


def parse_number(text) -> Decimal | None:
    """'85', '85.0', '８５％', '1,250', ' -3.5 ' -> Decimal; anything else -> None."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", str(text)).strip()
    text = re.sub(r"[%\s,]", "", text)
    text = text.removeprefix("+")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already excludes it
        return None


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def grade(key: AnswerKey, answer) -> Grade:
    grader = _GRADERS.get(key.qtype)
    if grader is None:
        raise ValueError(f"unknown question type {key.qtype!r}")
    return grader(key, answer)


def _single(key: AnswerKey, answer) -> Grade:
    chosen = _as_int(answer)
    ids = {option.id: option for option in key.options}
    if chosen is None or chosen not in ids:
        return Grade(UNANSWERED)
    fraction = ONE if ids[chosen].is_correct else ZERO
    return Grade(GRADED, fraction, (str(chosen),))


def _multiple(key: AnswerKey, answer) -> Grade:
    ids = {option.id for option in key.options}
    chosen = {value for value in (_as_int(a) for a in (answer or [])) if value in ids}
    if not chosen:
        return Grade(UNANSWERED)
    correct = {option.id for option in key.options if option.is_correct}
    chosen_keys = tuple(str(i) for i in sorted(chosen))
    if key.partial_credit == "proportional" and correct:
        hits = len(chosen & correct)
        wrong = len(chosen - correct)
        fraction = (Decimal(hits) - key.penalty * wrong) / Decimal(len(correct))
        return Grade(GRADED, _clamp(fraction), chosen_keys)
    return Grade(GRADED, ONE if chosen == correct else ZERO, chosen_keys)


def _true_false(key: AnswerKey, answer) -> Grade:
    if answer not in ("true", "false"):
        return Grade(UNANSWERED)
    right = (answer == "true") == key.true_false_answer
    return Grade(GRADED, ONE if right else ZERO, (answer,))


def _numeric(key: AnswerKey, answer) -> Grade:
    if answer is None or not str(answer).strip():
        return Grade(UNANSWERED)
    value = parse_number(answer)
    if value is None or key.numeric_answer is None:
        return Grade(GRADED, ZERO)
    right = abs(value - key.numeric_answer) <= key.numeric_tolerance
    return Grade(GRADED, ONE if right else ZERO)


def _pairs(key: AnswerKey, answer, expected: dict[int, int], *, distinct: bool = False) -> Grade:
    """Matching and ordering: `expected` maps option id -> right value. With `distinct`
    (ordering), a value given to more than one option is right for none of them."""
    if not isinstance(answer, dict):
        return Grade(UNANSWERED)
    given = {}
    for raw_id, raw_value in answer.items():
        option_id, value = _as_int(raw_id), _as_int(raw_value)
        if option_id in expected and value is not None:
            given[option_id] = value
    if not given:
        return Grade(UNANSWERED)
    uses = Counter(given.values())
    right = sum(
        1
        for option_id, value in expected.items()
        if given.get(option_id) == value and not (distinct and uses[value] > 1)
    )
    chosen = tuple(f"{option_id}:{value}" for option_id, value in sorted(given.items()))
    if key.partial_credit == "proportional":
        return Grade(GRADED, _clamp(Decimal(right) / Decimal(len(expected))), chosen)
    return Grade(GRADED, ONE if right == len(expected) else ZERO, chosen)


def _matching(key: AnswerKey, answer) -> Grade:
    expected = {option.id: option.match_id for option in key.options if option.match_id is not None}
    return _pairs(key, answer, expected)


def _ordering(key: AnswerKey, answer) -> Grade:
    expected = {option.id: option.position for option in key.options}
    return _pairs(key, answer, expected, distinct=True)


def _written(key: AnswerKey, answer) -> Grade:
    if answer is None or not str(answer).strip():
        return Grade(UNANSWERED)
    return Grade(NEEDS_MARKING)


_GRADERS = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "written": _written,
}


def percentage(earned: Decimal, possible: Decimal) -> Decimal:
    if not possible:
        return ZERO
    return (earned * 100 / possible).quantize(Decimal("0.01"))


def combine_attempts(method: str, scores: list[Decimal]) -> Decimal | None:
    """The quiz grade across attempts, `scores` in the order attempted (graded ones only)."""
    if not scores:
        return None
    if method == "latest":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return (sum(scores) / len(scores)).quantize(Decimal("0.01"))
    return max(scores)
