"""The demo question bank and quizzes: coverage of the unit, fresh numbers, every type,
an idempotent loader, and quizzes a trainee can actually take."""

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from content.demo import questions as demo
from content.models.questions import Question, QuestionOption
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.pages.quiz import QuizPage
from content.services.review import review_workflow_ensure
from tests.factories.framework import import_seed
from tests.factories.quizzes import FormData, answer_data, enrol
from training.models.quiz_attempts import QuizAttempt
from training.services import quizzes as services

DATA = yaml.safe_load(Path(demo.DATA).read_text(encoding="utf-8"))
QUESTIONS = DATA["questions"]
INDICATORS = {f"T{t}.{i}" for t, n in ((1, 3), (2, 4), (3, 3), (4, 3)) for i in range(1, n + 1)}


def test_bank_size_types_and_coverage():
    assert len(QUESTIONS) >= 40
    assert len({q["code"] for q in QUESTIONS}) == len(QUESTIONS)
    types = Counter(q["type"] for q in QUESTIONS)
    assert set(types) == {
        "single",
        "multiple",
        "true_false",
        "numeric",
        "matching",
        "ordering",
        "written",
    }
    assert types["numeric"] >= 8
    assert {code for q in QUESTIONS for code in q.get("indicators", [])} == INDICATORS
    assert {f"K{i}" for i in range(1, 6)} <= {
        code for q in QUESTIONS for code in q.get("items", [])
    }
    assert any(
        q.get("partial_credit") == "proportional" for q in QUESTIONS if q["type"] == "multiple"
    )


def test_numeric_questions_cover_every_formula_with_fresh_numbers():
    numeric = [q for q in QUESTIONS if q["type"] == "numeric"]
    tags = {tag for q in numeric for tag in q["tags"]}
    assert {"留存率", "NPS", "投資報酬率", "回購率", "顧客終身價值", "累點", "轉換率"} <= tags
    seed_examples = [("200", "210"), ("150,000", "100,000"), ("55", "30", "15")]
    for question in numeric:
        for example in seed_examples:
            assert not all(number in question["text"] for number in example), question["code"]
    # The worked answers are right.
    answers = {q["code"]: q["answer"] for q in numeric}
    assert answers["retention-calc-small"] == (260 - 35) / 250 * 100
    assert answers["retention-calc-large"] == round((1150 - 110) / 1200 * 100, 1)
    assert answers["nps-calc-positive"] == 120 / 200 * 100 - 30 / 200 * 100
    assert answers["nps-calc-negative"] == 20 / 80 * 100 - 32 / 80 * 100
    assert answers["roi-calc-positive"] == (84000 - 60000) / 60000 * 100
    assert answers["roi-calc-negative"] == (45000 - 50000) / 50000 * 100
    assert answers["repeat-rate-quarter"] == 208 / 640 * 100
    assert answers["ltv-cac-ratio"] == 2800 / 800


def test_no_unsourced_statistic_is_taught_as_fact():
    text = yaml.safe_dump(DATA, allow_unicode=True)
    for claim in ("26 位", "26 個", "79%", "92%", "1–3%", "1% 到 3%"):
        assert claim not in text
    claim = next(q for q in QUESTIONS if q["code"] == "retention-profit-claim")
    assert claim["answer"] is False and "因行業" in claim["feedback"]


def test_every_question_is_well_formed():
    for q in QUESTIONS:
        assert q["text"] and q.get("feedback"), q["code"]
        if q["type"] == "single":
            assert sum(1 for o in q["options"] if o.get("correct")) == 1, q["code"]
        if q["type"] == "multiple":
            assert any(o.get("correct") for o in q["options"]), q["code"]
        if q["type"] in ("matching", "ordering"):
            assert len(q["options"]) >= 3, q["code"]
        if q["type"] == "written":
            assert q["model_answer"], q["code"]


@pytest.fixture
def demo_course(db):
    unit = import_seed()
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first() or home.add_child(
        instance=CourseIndexPage(title="課程", slug="courses")
    )
    review_workflow_ensure(page=index)
    return index.add_child(
        instance=CoursePage(title="示範課程", slug="loyalty-programs", unit=unit)
    )


def test_loader_is_idempotent_and_builds_two_quizzes(demo_course):
    demo.load()
    counts = (Question.objects.count(), QuestionOption.objects.count(), QuizPage.objects.count())
    option_ids = set(QuestionOption.objects.values_list("pk", flat=True))
    revisions = [p.latest_revision_id for p in QuizPage.objects.all()]
    demo.load()
    assert (
        Question.objects.count(),
        QuestionOption.objects.count(),
        QuizPage.objects.count(),
    ) == counts
    assert set(QuestionOption.objects.values_list("pk", flat=True)) == option_ids
    assert [p.latest_revision_id for p in QuizPage.objects.all()] == revisions
    assert counts[0] == len(QUESTIONS)  # retired codes are not in a fresh bank
    module_check = QuizPage.objects.get(slug="module-check")
    final = QuizPage.objects.get(slug="final-knowledge-test")
    assert module_check.get_parent().slug == "assessment-quizzes"
    assert module_check.live and final.live
    assert module_check.fixed_questions.count() == 8
    assert final.selection == QuizPage.Selection.BLUEPRINT
    assert final.blueprint_rows.count() == 13


def test_trainee_can_take_both_demo_quizzes(demo_course, trainee):
    demo.load()
    enrol(trainee, QuizPage.objects.get(slug="module-check").get_parent().specific)
    module_check = QuizPage.objects.get(slug="module-check")
    attempt = services.quiz_attempt_start(quiz=module_check, trainee=trainee, rng=random.Random(5))
    data = FormData(answer_data(attempt))
    done = services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=1
    )
    assert done.state == QuizAttempt.State.GRADED and done.score == 100 and done.passed

    final = QuizPage.objects.get(slug="final-knowledge-test")
    attempt = services.quiz_attempt_start(quiz=final, trainee=trainee, rng=random.Random(9))
    drawn = list(attempt.responses.select_related("question"))
    assert len(drawn) == 26
    covered = {i.code for r in drawn for i in r.question.indicators.all()}
    assert covered == INDICATORS
    data = FormData(answer_data(attempt))
    done = services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=1
    )
    assert done.is_finished
