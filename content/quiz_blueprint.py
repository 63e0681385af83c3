"""Quiz blueprints: what every randomly drawn form of a summative quiz must contain, and the
draw that honours it. Pure: plain data in, question ids out; no database.

A blueprint has one row per indicator: how many questions, their total points, how many of
each difficulty, at least how many calculations (numeric questions) and exactly how many
hand-marked (written) questions. A form is drawn row by row, each question used once; the
draw is a randomised search that only ever returns forms satisfying every row, so two
trainees' forms are equivalent by construction. `blueprint_problems` tells the trainer, before
publishing, which rows the pool cannot fill; `form_spread` simulates draws for the editor."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

NUMERIC = "numeric"
WRITTEN = "written"
DIFFICULTIES = ("easy", "medium", "hard")
# A search that has not found a form after this many steps gives up (and says so): pools are
# a few dozen questions, so a feasible blueprint is found in far fewer.
SEARCH_LIMIT = 200_000


@dataclass(frozen=True)
class Item:
    id: int
    indicator_ids: frozenset[int]
    qtype: str
    difficulty: str
    points: Decimal


@dataclass(frozen=True)
class Row:
    indicator_id: int
    code: str
    count: int
    points: Decimal | None = None  # total of the row's questions; None: any
    easy: int | None = None  # exact numbers per difficulty; None: any
    medium: int | None = None
    hard: int | None = None
    calculations: int = 0  # at least this many numeric questions
    written: int | None = None  # exactly this many hand-marked questions; None: any

    def difficulty_target(self, difficulty: str) -> int | None:
        return getattr(self, difficulty)


class BlueprintUnsatisfiable(Exception):
    """The pool cannot fill the blueprint; `problems` says which rows, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def row_problems(row: Row) -> list[str]:
    """What is wrong with the row itself, whatever the pool."""
    problems = []
    if row.count < 1:
        problems.append(_("%(code)s: draw at least one question.") % {"code": row.code})
    fixed = [row.difficulty_target(d) for d in DIFFICULTIES]
    if all(n is not None for n in fixed) and sum(fixed) != row.count:
        problems.append(
            _("%(code)s: the difficulty mix adds up to %(sum)d, not %(count)d.")
            % {"code": row.code, "sum": sum(fixed), "count": row.count}
        )
    elif sum(n or 0 for n in fixed) > row.count:
        problems.append(
            _("%(code)s: the difficulty mix asks for more than %(count)d questions.")
            % {"code": row.code, "count": row.count}
        )
    if row.calculations + (row.written or 0) > row.count:
        problems.append(
            _("%(code)s: calculations and hand-marked questions exceed %(count)d.")
            % {"code": row.code, "count": row.count}
        )
    return problems


def _fits(row: Row, chosen: Sequence[Item], candidate: Item | None, remaining: int) -> bool:
    """Whether `chosen` (+ `candidate`) can still be completed to satisfy `row` with
    `remaining` more questions (a necessary check that prunes the search)."""
    items = [*chosen, candidate] if candidate is not None else list(chosen)
    for difficulty in DIFFICULTIES:
        target = row.difficulty_target(difficulty)
        if target is not None and sum(1 for i in items if i.difficulty == difficulty) > target:
            return False
    written = sum(1 for i in items if i.qtype == WRITTEN)
    if row.written is not None and written > row.written:
        return False
    if row.written is not None and written + remaining < row.written:
        return False
    calculations = sum(1 for i in items if i.qtype == NUMERIC)
    if calculations + remaining < row.calculations:
        return False
    if row.points is not None:
        total = sum((i.points for i in items), Decimal(0))
        if total > row.points or (remaining == 0 and total != row.points):
            return False
    return True


def _satisfies(row: Row, items: Sequence[Item]) -> bool:
    return (
        len(items) == row.count
        and _fits(row, items, None, 0)
        and all(
            row.difficulty_target(d) is None
            or sum(1 for i in items if i.difficulty == d) == row.difficulty_target(d)
            for d in DIFFICULTIES
        )
    )


def form_satisfies(rows: Sequence[Row], form: dict[int, list[Item]]) -> bool:
    """Whether a drawn form (items per row's indicator) satisfies every row, each question
    used once."""
    ids = [item.id for items in form.values() for item in items]
    if len(ids) != len(set(ids)):
        return False
    return all(
        _satisfies(row, form.get(row.indicator_id, []))
        and all(row.indicator_id in i.indicator_ids for i in form.get(row.indicator_id, []))
        for row in rows
    )


class _Search:
    def __init__(self, rows: Sequence[Row], pool: Iterable[Item], rng: random.Random | None):
        self.rows = list(rows)
        self.pool = list(pool)
        self.rng = rng
        self.steps = 0
        self.exhausted = False

    def candidates(self, row: Row, used: set[int]) -> list[Item]:
        items = [i for i in self.pool if row.indicator_id in i.indicator_ids and i.id not in used]
        if self.rng is not None:
            self.rng.shuffle(items)
        return items

    def fill_row(self, row_index: int, used: set[int], form: dict[int, list[Item]]):
        if row_index == len(self.rows):
            return form
        row = self.rows[row_index]
        candidates = self.candidates(row, used)
        return self._pick(row_index, row, candidates, 0, [], used, form)

    def _pick(self, row_index, row, candidates, start, chosen, used, form):
        self.steps += 1
        if self.steps > SEARCH_LIMIT:
            self.exhausted = True
            return None
        if len(chosen) == row.count:
            if not _satisfies(row, chosen):
                return None
            found = self.fill_row(
                row_index + 1, used | {i.id for i in chosen}, {**form, row.indicator_id: chosen}
            )
            return found
        remaining = row.count - len(chosen) - 1
        for position in range(start, len(candidates)):
            if len(candidates) - position < row.count - len(chosen):
                break
            candidate = candidates[position]
            if not _fits(row, chosen, candidate, remaining):
                continue
            found = self._pick(
                row_index, row, candidates, position + 1, [*chosen, candidate], used, form
            )
            if found is not None or self.exhausted:
                return found
        return None


def draw_form(
    rows: Sequence[Row], pool: Iterable[Item], rng: random.Random
) -> dict[int, list[Item]]:
    """A random form satisfying every row, as items per indicator id, in row order. Raises
    BlueprintUnsatisfiable when the pool cannot fill the blueprint."""
    search = _Search(rows, pool, rng)
    form = search.fill_row(0, set(), {})
    if form is None:
        raise BlueprintUnsatisfiable(blueprint_problems(rows, search.pool))
    return form


def blueprint_problems(rows: Sequence[Row], pool: Iterable[Item]) -> list[str]:
    """Why the blueprint cannot be published: faulty rows, rows the pool cannot fill on its
    own, and, when each row can be filled alone, the combination that cannot. Empty when
    every draw will find a form."""
    pool = list(pool)
    problems = [problem for row in rows for problem in row_problems(row)]
    if problems:
        return problems
    for row in rows:
        alone = _Search([row], pool, None)
        if alone.fill_row(0, set(), {}) is None:
            available = [i for i in pool if row.indicator_id in i.indicator_ids]
            problems.append(
                _(
                    "%(code)s: the question bank cannot fill this row (%(n)d live questions "
                    "map to the indicator; check the count, points, difficulty mix, "
                    "calculations and hand-marked questions)."
                )
                % {"code": row.code, "n": len(available)}
            )
    if problems:
        return problems
    together = _Search(rows, pool, None)
    if together.fill_row(0, set(), {}) is None:
        problems.append(
            _(
                "Every row can be filled alone but not all together: questions mapped to "
                "several indicators are needed twice. Add questions or lower a count."
            )
        )
    return problems


@dataclass(frozen=True)
class Spread:
    """What simulated draws produced, for the trainer: each value's (min, max) over forms."""

    draws: int
    points: tuple[Decimal, Decimal]
    questions: tuple[int, int]
    calculations: tuple[int, int]
    written: tuple[int, int]
    distinct_forms: int
    all_satisfy: bool


def form_spread(
    rows: Sequence[Row], pool: Iterable[Item], *, draws: int = 200, seed: int = 0
) -> Spread:
    """Draw `draws` forms (seeded, so the editor shows the same figures each time)."""
    pool = list(pool)
    rng = random.Random(seed)
    points, counts, calculations, written = [], [], [], []
    seen: set[frozenset[int]] = set()
    all_satisfy = True
    for _i in range(draws):
        form = draw_form(rows, pool, rng)
        items = [item for row_items in form.values() for item in row_items]
        all_satisfy = all_satisfy and form_satisfies(rows, form)
        points.append(sum((i.points for i in items), Decimal(0)))
        counts.append(len(items))
        calculations.append(sum(1 for i in items if i.qtype == NUMERIC))
        written.append(sum(1 for i in items if i.qtype == WRITTEN))
        seen.add(frozenset(i.id for i in items))
    return Spread(
        draws=draws,
        points=(min(points), max(points)),
        questions=(min(counts), max(counts)),
        calculations=(min(calculations), max(calculations)),
        written=(min(written), max(written)),
        distinct_forms=len(seen),
        all_satisfy=all_satisfy,
    )
