"""Demo question bank and quizzes: reads content/demo/data/questions.yaml, upserts the
questions (matched by code), takes the questions it lists as retired out of use, and builds
two quiz pages in the demo course's "assessment-quizzes" module (created if missing): the
formative module check (fixed questions) and the final, drawn by a blueprint that the bank
must be able to fill before the page is published (the same check as the review's publish
gate, content.selectors.quiz_pool.quiz_publish_problems). Idempotent: a second run changes
nothing.

Needs the unit KPS5R0821v2 and the demo course "loyalty-programs" (content.demo.unit and
content.demo.course loaders) first."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from content.models.framework import AssessmentMethod, CompetencyItem, Indicator
from content.models.questions import (
    Question,
    QuestionOption,
    QuestionRubricCriterion,
    QuestionType,
)
from content.pages.course import CoursePage, ModulePage
from content.pages.quiz import QuizBlueprintRow, QuizPage, QuizQuestion
from content.selectors.quiz_pool import draft_blueprint_rows, quiz_publish_problems

DATA = Path(__file__).resolve().parent / "data" / "questions.yaml"
COURSE_SLUG = "loyalty-programs"


class QuestionDataError(ValueError):
    """The YAML does not describe valid questions; the message says where."""


def load(path: Path | str | None = None) -> None:
    load_questions(path)


@transaction.atomic
def load_questions(path: Path | str | None = None) -> list[QuizPage]:
    data = yaml.safe_load(Path(path or DATA).read_text(encoding="utf-8"))
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        raise QuestionDataError(f"Course {COURSE_SLUG!r} is missing: run the course loader first.")
    indicators = {i.code: i for i in Indicator.objects.filter(unit_id=course.unit_id)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit_id=course.unit_id)}
    questions = {
        spec["code"]: _upsert_question(spec, indicators, items) for spec in data["questions"]
    }
    _retire(set(data.get("retired") or []) - set(questions))
    module_spec = data["quizzes"]["module"]
    module = ModulePage.objects.child_of(course).filter(slug=module_spec["slug"]).first()
    if module is None:
        module = ModulePage(
            slug=module_spec["slug"],
            title=module_spec["title"],
            intro=module_spec["intro"],
            live=False,
        )
        course.add_child(instance=module)
        module.save_revision().publish()
    return [
        _upsert_quiz(module, spec, questions, indicators, course.unit_id)
        for spec in data["quizzes"]["pages"]
    ]


def _retire(codes: set[str]) -> None:
    """Questions the demo no longer uses stop being live, so no draw picks them; their
    answers and versions stay."""
    if codes:
        Question.objects.filter(code__in=codes, live=True).update(live=False)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _upsert_question(spec: dict, indicators: dict, items: dict) -> Question:
    code = spec["code"]
    qtype = spec["type"]
    if qtype not in QuestionType.values:
        raise QuestionDataError(f"question {code}: unknown type {qtype!r}")
    try:
        indicator_objs = [indicators[c] for c in spec.get("indicators") or []]
        item_objs = [items[c] for c in spec.get("items") or []]
    except KeyError as error:
        raise QuestionDataError(f"question {code}: unknown code {error.args[0]}") from None
    fields: dict[str, Any] = {
        "qtype": qtype,
        "text": spec["text"].strip(),
        "difficulty": spec.get("difficulty", "medium"),
        "points": _decimal(spec.get("points", 1)),
        "partial_credit": spec.get("partial_credit", "all_or_nothing"),
        "penalty": _decimal(spec.get("penalty", 1)),
        "true_false_answer": bool(spec.get("answer", True))
        if qtype == QuestionType.TRUE_FALSE
        else True,
        "numeric_answer": _decimal(spec.get("answer")) if qtype == QuestionType.NUMERIC else None,
        "numeric_tolerance": _decimal(spec.get("tolerance", 0)),
        "numeric_unit": spec.get("unit", "") or "",
        "model_answer": (spec.get("model_answer") or "").strip(),
        "feedback": (spec.get("feedback") or "").strip(),
        "assessment_method": AssessmentMethod.QUESTIONING,
    }
    rubric = _rubric_specs(code, qtype, fields["points"], spec.get("rubric") or [])
    question = Question.objects.filter(code=code).first()
    if question is None:
        question = Question(code=code, **fields)
    else:
        for name, value in fields.items():
            setattr(question, name, value)
    question.save()
    _sync_options(question, qtype, spec.get("options") or [])
    _sync_rubric(question, rubric)
    if {i.pk for i in question.indicators.all()} != {i.pk for i in indicator_objs}:
        question.indicators.set(indicator_objs)
    if {i.pk for i in question.competency_items.all()} != {i.pk for i in item_objs}:
        question.competency_items.set(item_objs)
    question.save()
    tags = spec.get("tags") or []
    if set(question.tags.names()) != set(tags):
        question.tags.set(tags)
        question.save()
    return question


def _option_fields(qtype: str, spec) -> dict:
    if qtype == QuestionType.ORDERING:
        return {"text": str(spec), "is_correct": False, "match_text": "", "feedback": ""}
    if qtype == QuestionType.MATCHING:
        return {
            "text": spec["text"],
            "is_correct": False,
            "match_text": spec["match"],
            "feedback": "",
        }
    return {
        "text": spec["text"],
        "is_correct": bool(spec.get("correct", False)),
        "match_text": "",
        "feedback": spec.get("feedback", ""),
    }


def _sync_options(question: Question, qtype: str, specs: list) -> None:
    """Options are updated in place by position so that stored answers (option ids) of past
    attempts keep pointing at the same options."""
    existing = list(QuestionOption.objects.filter(question=question).order_by("sort_order", "pk"))
    for index, spec in enumerate(specs):
        fields = _option_fields(qtype, spec)
        if index < len(existing):
            option = existing[index]
            if (
                any(getattr(option, k) != v for k, v in fields.items())
                or option.sort_order != index
            ):
                for name, value in fields.items():
                    setattr(option, name, value)
                option.sort_order = index
                option.save()
        else:
            QuestionOption.objects.create(question=question, sort_order=index, **fields)
    for option in existing[len(specs) :]:
        option.delete()


def _rubric_specs(code: str, qtype: str, points: Decimal, specs: list) -> list[dict]:
    """A written question's rubric criteria, checked as the question form checks them."""
    if qtype != QuestionType.WRITTEN:
        if specs:
            raise QuestionDataError(f"question {code}: only written questions have a rubric")
        return []
    criteria = [{"text": str(c["text"]).strip(), "points": _decimal(c["points"])} for c in specs]
    if not criteria:
        raise QuestionDataError(f"question {code}: a written question needs a rubric")
    if sum(c["points"] for c in criteria) != points:
        raise QuestionDataError(f"question {code}: the rubric's points must add up to {points}")
    return criteria


def _sync_rubric(question: Question, criteria: list[dict]) -> None:
    """Criteria updated in place by position, like the options: unchanged ones stay as
    they are, so a second run makes no new question version."""
    existing = list(
        QuestionRubricCriterion.objects.filter(question=question).order_by("sort_order", "pk")
    )
    for index, fields in enumerate(criteria):
        if index < len(existing):
            criterion = existing[index]
            if (
                criterion.text != fields["text"]
                or criterion.points != fields["points"]
                or criterion.sort_order != index
            ):
                criterion.text, criterion.points = fields["text"], fields["points"]
                criterion.sort_order = index
                criterion.save()
        else:
            QuestionRubricCriterion.objects.create(question=question, sort_order=index, **fields)
    for criterion in existing[len(criteria) :]:
        criterion.delete()


QUIZ_FIELDS = (
    "purpose",
    "selection",
    "draw_count",
    "draw_tags",
    "shuffle_questions",
    "shuffle_options",
    "pass_mark",
    "attempts_allowed",
    "grading_method",
    "time_limit_minutes",
    "review_policy",
)


BLUEPRINT_FIELDS = ("count", "points", "easy", "medium", "hard", "calculations", "written")


def _blueprint_specs(spec: dict, indicators: dict) -> list[dict]:
    rows = []
    for row in spec.get("blueprint") or []:
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            raise QuestionDataError(f"quiz {spec['slug']}: unknown indicator {row['indicator']}")
        fields = {name: row.get(name) for name in BLUEPRINT_FIELDS}
        fields["count"] = fields["count"] or 1
        fields["calculations"] = fields["calculations"] or 0
        fields["points"] = _decimal(fields["points"])
        rows.append({"indicator_id": indicator.pk, **fields})
    return rows


def _current_blueprint(page: QuizPage) -> list[dict]:
    return [
        {
            "indicator_id": row.indicator_id,
            **{name: getattr(row, name) for name in BLUEPRINT_FIELDS},
        }
        for row in page.blueprint_rows.order_by("sort_order", "pk")
    ]


def _upsert_quiz(
    module: ModulePage,
    spec: dict,
    questions: dict[str, Question],
    indicators: dict,
    unit_id: int,
) -> QuizPage:
    fields = {"title": spec["title"], "intro": spec.get("intro", "")}
    defaults = {
        "purpose": QuizPage.Purpose.SUMMATIVE,
        "draw_count": 1,
        "draw_tags": "",
        "time_limit_minutes": None,
    }
    for name in QUIZ_FIELDS:
        if name in spec or name in defaults:
            fields[name] = spec.get(name, defaults.get(name))
    try:
        wanted = [questions[code].pk for code in spec.get("questions") or []]
    except KeyError as error:
        raise QuestionDataError(f"quiz {spec['slug']}: unknown question {error.args[0]}") from None
    blueprint = _blueprint_specs(spec, indicators)
    page = QuizPage.objects.child_of(module).filter(slug=spec["slug"]).first()
    if page is None:
        page = QuizPage(slug=spec["slug"], live=False, **fields)
        page.fixed_questions = [
            QuizQuestion(question_id=pk, sort_order=i) for i, pk in enumerate(wanted)
        ]
        page.blueprint_rows = [QuizBlueprintRow(sort_order=i, **r) for i, r in enumerate(blueprint)]
        _check_publishable(page, unit_id)
        module.add_child(instance=page)
        changed = True
    else:
        current = list(
            page.fixed_questions.order_by("sort_order").values_list("question_id", flat=True)
        )
        current_blueprint = _current_blueprint(page)
        changed = (
            any(getattr(page, k) != v for k, v in fields.items())
            or current != wanted
            or current_blueprint != blueprint
        )
        for name, value in fields.items():
            setattr(page, name, value)
        if current != wanted:
            page.fixed_questions = [
                QuizQuestion(question_id=pk, sort_order=i) for i, pk in enumerate(wanted)
            ]
        if current_blueprint != blueprint:
            page.blueprint_rows = [
                QuizBlueprintRow(sort_order=i, **r) for i, r in enumerate(blueprint)
            ]
        _check_publishable(page, unit_id)
    if changed or not page.live or page.has_unpublished_changes:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def _check_publishable(page: QuizPage, unit_id: int) -> None:
    """The demo publishes its quizzes directly, so it checks what the review's publish gate
    checks: a practice quiz names its questions and a blueprint the bank can fill."""
    rows = draft_blueprint_rows(page) if page.selection == QuizPage.Selection.BLUEPRINT else None
    problems = quiz_publish_problems(page, rows=rows, unit_id=unit_id)
    if problems:
        raise QuestionDataError(f"quiz {page.slug}: " + " ".join(problems))
