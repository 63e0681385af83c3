"""content.quiz_blueprint without a database: every drawn form satisfies its blueprint,
unfillable blueprints are refused with the row named, and the spread shows equivalence."""

import random
from decimal import Decimal

import pytest
from django.utils import translation

from content.quiz_blueprint import (
    BlueprintUnsatisfiable,
    Item,
    Row,
    blueprint_problems,
    draw_form,
    form_satisfies,
    form_spread,
)

T11, T12, T21 = 1, 2, 3


def item(id_, indicators, qtype="single", difficulty="medium", points="1"):
    return Item(id_, frozenset(indicators), qtype, difficulty, Decimal(points))


def pool():
    """A bank like the demo's: mixed types, difficulties and points; some items map to two
    indicators."""
    items = []
    n = 0
    for indicator in (T11, T12, T21):
        for qtype, difficulty, points in [
            ("single", "easy", "1"),
            ("single", "easy", "1"),
            ("multiple", "medium", "1"),
            ("single", "medium", "1"),
            ("numeric", "medium", "2"),
            ("numeric", "hard", "2"),
            ("written", "hard", "3"),
            ("written", "medium", "3"),
            ("true_false", "easy", "1"),
        ]:
            n += 1
            items.append(item(n, {indicator}, qtype, difficulty, points))
    items.append(item(100, {T11, T12}, "single", "easy", "1"))
    items.append(item(101, {T12, T21}, "numeric", "medium", "2"))
    return items


BLUEPRINT = [
    Row(T11, "T1.1", count=3, points=Decimal("4"), easy=1, medium=2, hard=0, calculations=1),
    Row(T12, "T1.2", count=3, points=Decimal("6"), calculations=1, written=1),
    Row(T21, "T2.1", count=2, easy=1, hard=1, written=0),
]


def test_every_simulated_draw_satisfies_the_blueprint_and_forms_are_equivalent():
    rng = random.Random(2026)
    bank = pool()
    totals = set()
    for _ in range(3000):
        form = draw_form(BLUEPRINT, bank, rng)
        assert form_satisfies(BLUEPRINT, form)
        row_points = {
            row.indicator_id: sum(i.points for i in form[row.indicator_id]) for row in BLUEPRINT
        }
        assert row_points[T11] == 4 and row_points[T12] == 6
        assert sum(1 for i in form[T11] if i.qtype == "numeric") >= 1
        assert [i.qtype for i in form[T12]].count("written") == 1
        assert {i.difficulty for i in form[T21]} == {"easy", "hard"}
        totals.add(tuple(sorted(i.id for items in form.values() for i in items)))
    assert len(totals) > 50  # genuinely random, not one fixed form


def test_the_spread_shows_what_trainers_check():
    spread = form_spread(BLUEPRINT[:2], pool(), draws=300)
    assert spread.all_satisfy
    assert spread.points == (Decimal("10"), Decimal("10"))
    assert spread.questions == (6, 6)
    assert spread.calculations[0] >= 2 and spread.written == (1, 1)
    assert spread.distinct_forms > 10


def test_a_row_the_bank_cannot_fill_is_named_and_draws_are_refused():
    rows = [Row(T11, "T1.1", count=3, calculations=3)]  # only two numeric items map to T1.1
    problems = blueprint_problems(rows, pool())
    assert len(problems) == 1 and "T1.1" in problems[0]
    with pytest.raises(BlueprintUnsatisfiable) as refused:
        draw_form(rows, pool(), random.Random(1))
    assert "T1.1" in refused.value.problems[0]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (Row(T11, "T1.1", count=2, easy=1, medium=1, hard=1), "3"),
        (Row(T11, "T1.1", count=2, calculations=2, written=1), "T1.1"),
        (Row(T11, "T1.1", count=0), "T1.1"),
    ],
)
def test_faulty_rows_are_refused_before_the_bank_is_searched(row, fragment):
    problems = blueprint_problems([row], pool())
    assert problems and fragment in problems[0]


def test_rows_that_fit_alone_but_compete_for_shared_questions_are_refused():
    bank = [item(1, {T11, T12}), item(2, {T11, T12})]
    rows = [Row(T11, "T1.1", count=1), Row(T12, "T1.2", count=2)]
    assert blueprint_problems([rows[0]], bank) == []
    assert blueprint_problems([rows[1]], bank) == []
    with translation.override("en"):
        problems = blueprint_problems(rows, bank)
    assert len(problems) == 1 and "together" in problems[0]


def test_a_question_is_never_drawn_twice_in_one_form():
    bank = [item(1, {T11, T12}), item(2, {T11}), item(3, {T12})]
    rows = [Row(T11, "T1.1", count=1), Row(T12, "T1.2", count=2)]
    rng = random.Random(5)
    for _ in range(200):
        form = draw_form(rows, bank, rng)
        ids = [i.id for items in form.values() for i in items]
        assert len(ids) == len(set(ids))
