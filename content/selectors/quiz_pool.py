"""Which questions a quiz may draw, and why a quiz cannot be published.

Practice and assessment never share questions: a question a formative quiz of the unit can
show (its fixed questions, or those carrying its tags) is never drawn into a summative quiz
of the same unit, so a trainee cannot meet the final's items in the module check first. A
formative quiz therefore names its questions (fixed, or by tag), never "any question of the
indicator". Only live questions are drawn (drafts reach trainees once the review approves
them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from content.models.framework import Indicator
from content.models.questions import Question, QuestionTag
from content.pages.course import CoursePage
from content.pages.quiz import QuizBlueprintRow, QuizPage, QuizQuestion
from content.quiz_blueprint import Item, Row, Spread, blueprint_problems, form_spread


def quiz_unit_id(quiz: QuizPage) -> int | None:
    course = CoursePage.objects.ancestor_of(quiz, inclusive=True).first()
    return course.unit_id if course is not None else None


def formative_question_ids(*, unit_id: int | None) -> set[int]:
    """Questions the live formative quizzes of courses on `unit_id` can show."""
    if unit_id is None:
        return set()
    course_paths = list(CoursePage.objects.filter(unit_id=unit_id).values_list("path", flat=True))
    if not course_paths:
        return set()
    quizzes = QuizPage.objects.filter(purpose=QuizPage.Purpose.FORMATIVE).exclude(
        selection__in=[QuizPage.Selection.PER_INDICATOR, QuizPage.Selection.BLUEPRINT]
    )
    formative = [
        q for q in quizzes.only("pk", "path", "draw_tags", "selection") if _under(q, course_paths)
    ]
    if not formative:
        return set()
    ids = set(
        QuizQuestion.objects.filter(page__in=[q.pk for q in formative]).values_list(
            "question_id", flat=True
        )
    )
    tags = {
        tag for q in formative if q.selection == QuizPage.Selection.PER_TAG for tag in q.tag_names
    }
    if tags:
        ids |= set(
            QuestionTag.objects.filter(tag__name__in=tags).values_list(
                "content_object_id", flat=True
            )
        )
    return ids


def _under(page, paths: list[str]) -> bool:
    return any(page.path.startswith(path) for path in paths)


def excluded_question_ids(quiz: QuizPage, unit_id: int | None) -> set[int]:
    """What a draw of `quiz` must leave out: for a summative quiz, the formative questions."""
    if quiz.is_formative:
        return set()
    return formative_question_ids(unit_id=unit_id)


def blueprint_rows(quiz: QuizPage) -> list[Row]:
    """The rows of the live quiz (one query)."""
    rows = QuizBlueprintRow.objects.filter(page=quiz).select_related("indicator")
    return [_row(r) for r in rows.order_by("sort_order", "pk")]


def draft_blueprint_rows(quiz: QuizPage) -> list[Row]:
    """The rows of a page object as edited (a revision's, held in memory); their indicators
    in one query."""
    rows = [r for r in quiz.blueprint_rows.all() if r.indicator_id is not None]
    indicators = Indicator.objects.in_bulk({r.indicator_id for r in rows})
    return [
        _row(r, code=indicators[r.indicator_id].code) for r in rows if r.indicator_id in indicators
    ]


def _row(r, *, code: str | None = None) -> Row:
    return Row(
        indicator_id=r.indicator_id,
        code=code if code is not None else r.indicator.code,
        count=r.count,
        points=r.points,
        easy=r.easy,
        medium=r.medium,
        hard=r.hard,
        calculations=r.calculations,
        written=r.written,
    )


def blueprint_pool(*, unit_id: int | None, exclude: set[int]) -> list[Item]:
    """The live questions of the unit as blueprint items (three queries)."""
    if unit_id is None:
        return []
    through = Question.indicators.through
    indicators: dict[int, set[int]] = {}
    for question_id, indicator_id in through.objects.filter(
        indicator__unit_id=unit_id, question__live=True
    ).values_list("question_id", "indicator_id"):
        indicators.setdefault(question_id, set()).add(indicator_id)
    rows = Question.objects.filter(pk__in=indicators.keys()).values_list(
        "pk", "qtype", "difficulty", "points"
    )
    return [
        Item(pk, frozenset(indicators[pk]), qtype, difficulty, points)
        for pk, qtype, difficulty, points in rows.order_by("pk")
        if pk not in exclude
    ]


def quiz_publish_problems(
    quiz: QuizPage, *, rows: list[Row] | None = None, unit_id: int | None = None
) -> list[str]:
    """Why `quiz` (as edited: pass the form's `rows` and the unit) cannot be published."""
    problems = []
    unit_id = unit_id if unit_id is not None else quiz_unit_id(quiz)
    if quiz.is_formative and quiz.selection in (
        QuizPage.Selection.PER_INDICATOR,
        QuizPage.Selection.BLUEPRINT,
    ):
        problems.append(
            _(
                "A practice quiz names its questions (fixed, or by tag): drawing from every "
                "question of an indicator would leave none unseen for the assessment."
            )
        )
    if quiz.selection != QuizPage.Selection.BLUEPRINT:
        return problems
    rows = blueprint_rows(quiz) if rows is None else rows
    if not rows:
        return [*problems, _("A draw by blueprint needs at least one blueprint row.")]
    codes = [row.code for row in rows]
    if len(codes) != len(set(codes)):
        problems.append(_("Each indicator appears once in the blueprint."))
    pool = blueprint_pool(unit_id=unit_id, exclude=excluded_question_ids(quiz, unit_id))
    return [*problems, *blueprint_problems(rows, pool)]


@dataclass(frozen=True)
class RowReport:
    row: Row
    available: int  # live questions of the indicator the draw may use


@dataclass(frozen=True)
class BlueprintReport:
    rows: list[RowReport]
    problems: list[str]
    spread: Spread | None
    excluded: int  # practice questions kept out of the draw


def quiz_blueprint_report(quiz: QuizPage, *, draws: int = 200) -> BlueprintReport | None:
    """For the editor: the draft's blueprint against the live bank. None unless the quiz
    draws by blueprint."""
    if quiz.selection != QuizPage.Selection.BLUEPRINT:
        return None
    unit_id = quiz_unit_id(quiz)
    rows = draft_blueprint_rows(quiz)
    excluded = excluded_question_ids(quiz, unit_id)
    pool = blueprint_pool(unit_id=unit_id, exclude=excluded)
    problems = quiz_publish_problems(quiz, rows=rows, unit_id=unit_id)
    spread = form_spread(rows, pool, draws=draws) if rows and not problems else None
    return BlueprintReport(
        rows=[
            RowReport(row, sum(1 for item in pool if row.indicator_id in item.indicator_ids))
            for row in rows
        ],
        problems=problems,
        spread=spread,
        excluded=len(excluded),
    )
