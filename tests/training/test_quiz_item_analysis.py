"""Item statistics: plain functions with hand-computed figures."""

import pytest

from training.item_analysis import (
    FLAG_EASY,
    FLAG_FEW,
    FLAG_HARD,
    FLAG_NEGATIVE,
    FLAG_UNUSED_DISTRACTOR,
    ItemResponse,
    OptionInfo,
    analyse,
    correlation,
    upper_lower_discrimination,
)


def responses(question_id, rows):
    """rows: (attempt score, item score, chosen keys)."""
    return [
        ItemResponse(
            attempt_id=i,
            question_id=question_id,
            item_score=item,
            attempt_score=total,
            item_weight=1,
            attempt_weight=10,
            chosen=tuple(chosen),
        )
        for i, (total, item, chosen) in enumerate(rows)
    ]


def test_upper_lower_groups_of_27_percent():
    # 10 attempts -> groups of 3. Top three all right, bottom three all wrong.
    pairs = [(i / 10, 1.0 if i >= 7 else 0.0) for i in range(10)]
    assert upper_lower_discrimination(pairs) == 1.0
    reversed_pairs = [(total, 1 - item) for total, item in pairs]
    assert upper_lower_discrimination(reversed_pairs) == -1.0
    assert upper_lower_discrimination([(0.5, 1.0)]) is None


def test_correlation():
    assert correlation([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]) == pytest.approx(0.9899, abs=1e-3)
    assert correlation([1, 1, 1], [0.1, 0.5, 0.9]) is None


def test_facility_frequencies_and_flags():
    options = {
        1: [OptionInfo("a", "A", True), OptionInfo("b", "B", False), OptionInfo("c", "C", False)],
    }
    rows = [
        (0.9, 1.0, ["a"]),
        (0.8, 1.0, ["a"]),
        (0.7, 1.0, ["a"]),
        (0.4, 0.0, ["b"]),
        (0.3, 0.0, ["b"]),
        (0.2, 1.0, ["a"]),
    ]
    stats = analyse(responses(1, rows), options)[1]
    assert stats.answered == 6
    assert stats.facility == pytest.approx(4 / 6, abs=1e-4)
    # Groups of 2: top (1, 1) minus bottom (0, 1) = 0.5.
    assert stats.discrimination == 0.5
    assert [(o.key, n) for o, n in stats.option_counts] == [("a", 4), ("b", 2), ("c", 0)]
    assert stats.flags == [FLAG_UNUSED_DISTRACTOR]


def test_broken_items_are_flagged():
    hard = analyse(responses(1, [(t / 10, 0.0, []) for t in range(6)]))[1]
    assert FLAG_HARD in hard.flags
    easy = analyse(responses(2, [(t / 10, 1.0, []) for t in range(6)]))[2]
    assert FLAG_EASY in easy.flags
    negative = analyse(responses(3, [(t / 10, 1.0 if t < 3 else 0.0, []) for t in range(6)]))[3]
    assert FLAG_NEGATIVE in negative.flags
    assert negative.point_biserial < 0


def test_blank_answers_count_as_wrong_but_not_as_answered():
    rows = responses(1, [(0.5, 1.0, ["a"]), (0.4, 0.0, [])])
    rows[1] = ItemResponse(
        attempt_id=9, question_id=1, item_score=0.0, attempt_score=0.4, answered=False
    )
    stats = analyse(rows)[1]
    assert (stats.answered, stats.seen, stats.facility) == (1, 2, 0.5)


def test_few_responses_are_not_judged_and_unused_questions_listed():
    stats = analyse(responses(1, [(0.5, 0.0, [])]), {2: [OptionInfo("x", "X", True)]})
    assert stats[1].flags == [FLAG_FEW]
    assert stats[2].answered == 0 and stats[2].facility is None
