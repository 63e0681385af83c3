"""Quiz test data: a small unit and course tree, questions of every type, quiz pages and
enrolments."""

import itertools
from decimal import Decimal

from wagtail.models import Locale

from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.models.questions import Question, QuestionOption
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.quiz import QuizPage, QuizQuestion
from content.services.review import review_workflow_ensure
from content.services.site import site_ensure_home
from training.models.enrolment import Enrolment

_seq = itertools.count(1)


def make_unit(indicators=("T1.1", "T1.2", "T2.1")) -> CompetencyUnit:
    n = next(_seq)
    code = f"QZ{n}v1"
    unit = CompetencyUnit.objects.create(
        code=code, base_code=f"QZ{n}", version="v1", title=f"單元 {n}"
    )
    for i, c in enumerate(indicators):
        Indicator.objects.create(unit=unit, code=c, text=f"指標 {c}", sort_order=i)
    CompetencyItem.objects.create(unit=unit, kind="knowledge", code="K1", text="知識 1")
    return unit


def make_module(unit: CompetencyUnit | None = None, **course_kw) -> ModulePage:
    n = next(_seq)
    unit = unit or make_unit()
    Locale.objects.get_or_create(language_code="zh-hant")
    home = site_ensure_home()
    index = CourseIndexPage.objects.first() or home.add_child(
        instance=CourseIndexPage(title="課程", slug="courses")
    )
    review_workflow_ensure(page=index)
    course = index.add_child(
        instance=CoursePage(title=f"課程 {n}", slug=f"quiz-course-{n}", unit=unit, **course_kw)
    )
    return course.add_child(instance=ModulePage(title="測驗", slug=f"quiz-module-{n}"))


def enrol(trainee, module: ModulePage) -> Enrolment:
    return Enrolment.objects.create(trainee=trainee, course=module.course, source="trainer")


def make_question(
    qtype: str = "single",
    *,
    indicators=(),
    code: str | None = None,
    options=None,
    tags=(),
    **fields,
) -> Question:
    """`options`: list of (text, is_correct) or, for matching, (text, match_text)."""
    n = next(_seq)
    fields.setdefault("text", f"題目 {n}（{qtype}）")
    fields.setdefault("live", True)  # as if approved through the review
    question = Question(code=code or f"q-{qtype}-{n}", qtype=qtype, **fields)
    if options is None:
        options = {
            "single": [("正確選項", True), ("錯誤甲", False), ("錯誤乙", False)],
            "multiple": [("對一", True), ("對二", True), ("錯一", False), ("錯二", False)],
            "matching": [("左一", "右一"), ("左二", "右二"), ("左三", "右三")],
            "ordering": [
                ("第一步", False),
                ("第二步", False),
                ("第三步", False),
                ("第四步", False),
            ],
        }.get(qtype, [])
    defaults = {
        "numeric": {
            "numeric_answer": Decimal("85"),
            "numeric_tolerance": Decimal("0.5"),
            "numeric_unit": "%",
        },
        "written": {"model_answer": "先道歉，再說明補救方式。"},
        "true_false": {"true_false_answer": True},
    }.get(qtype, {})
    for key, value in defaults.items():
        if key not in fields:
            setattr(question, key, value)
    question.feedback = f"說明 {n}"
    question.save()
    for order, option in enumerate(options):
        if qtype == "matching":
            QuestionOption.objects.create(
                question=question,
                text=option[0],
                match_text=option[1],
                sort_order=order,
                feedback=f"選項說明 {option[0]}",
            )
        else:
            QuestionOption.objects.create(
                question=question,
                text=option[0],
                is_correct=option[1],
                sort_order=order,
                feedback=f"選項說明 {option[0]}",
            )
    if indicators:
        question.indicators.set(indicators)
        question.save()
    if tags:
        question.tags.add(*tags)
        question.save()
    return question


ALL_TYPES = ("single", "multiple", "true_false", "numeric", "matching", "ordering", "written")


def make_quiz(module: ModulePage, questions=(), **fields) -> QuizPage:
    n = next(_seq)
    quiz = module.add_child(instance=QuizPage(title=f"測驗 {n}", slug=f"quiz-{n}", **fields))
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(page=quiz, question=question, sort_order=order)
    return quiz


def quiz_setup(trainee=None, *, types=ALL_TYPES, count: int | None = None, **quiz_fields):
    """A module with a fixed quiz of one question per type (or `count` single-choice
    questions), each mapped to an indicator; the trainee enrolled."""
    module = make_module()
    indicators = list(Indicator.objects.filter(unit=module.course.unit).order_by("sort_order"))
    if count is not None:
        questions = [
            make_question("single", indicators=[indicators[i % len(indicators)]])
            for i in range(count)
        ]
    else:
        questions = [
            make_question(t, indicators=[indicators[i % len(indicators)]])
            for i, t in enumerate(types)
        ]
    quiz = make_quiz(module, questions, **quiz_fields)
    if trainee is not None:
        enrol(trainee, module)
    return quiz, questions


def answer_data(attempt, *, correct: bool = True, seq: int | None = None) -> dict:
    """Form data answering every question of an attempt rightly (or wrongly), in the
    positions this attempt showed."""
    data: dict = {"seq": str(attempt.sequence + 1 if seq is None else seq)}
    for response in attempt.responses.select_related("question").order_by("slot"):
        question = response.question
        options = {o.pk: o for o in question.options.all()}
        order = response.option_order
        name = f"q{response.slot}"
        if question.qtype == "single":
            pick = next(i for i, oid in enumerate(order) if options[oid].is_correct == correct)
            data[name] = str(pick)
        elif question.qtype == "multiple":
            data[name] = [
                str(i) for i, oid in enumerate(order) if options[oid].is_correct == correct
            ]
        elif question.qtype == "true_false":
            data[name] = "true" if question.true_false_answer == correct else "false"
        elif question.qtype == "numeric":
            data[name] = f"{question.numeric_answer + (0 if correct else 10)}"
        elif question.qtype == "matching":
            right = response.right_order
            for i, oid in enumerate(order):
                target = oid if correct else next(r for r in right if r != oid)
                data[f"{name}-{i}"] = str(right.index(target))
        elif question.qtype == "ordering":
            ranked = sorted(options.values(), key=lambda o: o.sort_order)
            for i, oid in enumerate(order):
                position = [o.pk for o in ranked].index(oid) + 1
                data[f"{name}-{i}"] = str(position if correct else len(order) + 1 - position)
        elif question.qtype == "written":
            data[name] = "我會先道歉並提出補救。"
    return data


class FormData(dict):
    """A dict that answers getlist() like a QueryDict, for calling services directly."""

    def getlist(self, key):
        value = self.get(key)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]
