"""The demo question bank, observation items and oral questions of issue 15: the final's
blueprint can be filled and every one of 500 simulated forms satisfies it (equal points per
indicator, the same difficulty mix, calculations and hand-marked count), the module check's
practice items are never drawn, every option carries feedback, every written item a rubric
that adds up, complaint-handling items are mapped to what they show, numeric keys respect the
decimals their stem asks for, and the observation checklist covers every indicator, K/S item
and key evidence item in a context where it can be seen. Trainees and trainers meet the
result through HTTP: the editor's blueprint check and a trainee's drawn final."""

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from assessments.demo.workspace import QUESTIONS as ORAL_QUESTIONS
from content.demo import observations as demo_observations
from content.demo import questions as demo
from content.models.framework import CompetencyItem
from content.models.observation import ObservationContext, ObservationItem
from content.models.questions import Question, QuestionRubricCriterion
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.pages.quiz import QuizPage
from content.quiz_blueprint import draw_form, form_satisfies, form_spread
from content.selectors.quiz_pool import (
    blueprint_pool,
    blueprint_rows,
    excluded_question_ids,
    formative_question_ids,
    quiz_publish_problems,
)
from content.services.review import review_workflow_ensure
from tests.factories.framework import import_seed
from tests.factories.quizzes import enrol
from training.models.quiz_attempts import QuizAttempt

DATA = yaml.safe_load(Path(demo.DATA).read_text(encoding="utf-8"))
QUESTIONS = DATA["questions"]
BY_CODE = {q["code"]: q for q in QUESTIONS}
INDICATORS = [f"T{t}.{i}" for t, n in ((1, 3), (2, 4), (3, 3), (4, 3)) for i in range(1, n + 1)]
NUMERIC_INDICATORS = {"T1.1", "T1.3", "T2.4", "T3.1", "T3.2", "T3.3", "T4.1", "T4.2"}
# Indicators a complaint-handling item does not evidence unless it asks for that behaviour.
NOT_BY_COMPLAINTS = {"T2.2", "T2.4", "T3.3", "T4.3"}
# The complaint-handling items and what they honestly show.
COMPLAINT_ITEMS = {
    "last-order": {"T2.1"},
    "three-f": {"T2.1"},
    "public-then-private": {"T2.1"},
    "seven-part-reply": {"T2.1"},
}


@pytest.fixture
def demo_course(db):
    unit = import_seed()
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first() or home.add_child(
        instance=CourseIndexPage(title="課程", slug="courses")
    )
    review_workflow_ensure(page=index)
    course = index.add_child(
        instance=CoursePage(title="示範課程", slug="loyalty-programs", unit=unit)
    )
    demo.load()
    return course


def _final():
    return QuizPage.objects.get(slug="final-knowledge-test")


def test_the_final_draws_by_a_blueprint_the_bank_fills_and_500_forms_are_equivalent(demo_course):
    final = _final()
    unit_id = demo_course.unit_id
    assert final.live and final.purpose == QuizPage.Purpose.SUMMATIVE
    assert final.selection == QuizPage.Selection.BLUEPRINT
    assert quiz_publish_problems(final) == []

    rows = blueprint_rows(final)
    assert [row.code for row in rows] == INDICATORS
    for row in rows:
        # Every row fixes what could vary between forms.
        assert row.points is not None and row.written is not None, row.code
        assert None not in (row.easy, row.medium, row.hard), row.code
        assert row.calculations == (1 if row.code in NUMERIC_INDICATORS else 0), row.code
    assert sum(row.written for row in rows) == 2

    practice = formative_question_ids(unit_id=unit_id)
    module_check = QuizPage.objects.get(slug="module-check")
    assert module_check.is_formative and module_check.live
    assert practice == set(module_check.fixed_questions.values_list("question_id", flat=True))
    assert excluded_question_ids(final, unit_id) == practice
    pool = blueprint_pool(unit_id=unit_id, exclude=practice)

    rng = random.Random(2026)
    forms = set()
    for _ in range(500):
        form = draw_form(rows, pool, rng)
        assert form_satisfies(rows, form)
        ids = {item.id for items in form.values() for item in items}
        assert not ids & practice
        assert {row.code: sum(i.points for i in form[row.indicator_id]) for row in rows} == {
            row.code: row.points for row in rows
        }
        forms.add(frozenset(ids))
    assert len(forms) > 100  # random forms, not one fixed paper

    spread = form_spread(rows, pool, draws=500, seed=15)
    assert spread.all_satisfy
    assert spread.points == (Decimal("29"), Decimal("29"))
    assert spread.questions == (26, 26)
    assert spread.written == (2, 2)
    # Exactly one calculation per numeric indicator on every form, none elsewhere.
    assert spread.calculations == (len(NUMERIC_INDICATORS), len(NUMERIC_INDICATORS))


def test_the_trainer_sees_a_clean_blueprint_check_and_a_trainee_draws_26_questions(
    demo_course, trainer_client, trainee, trainee_client
):
    final = _final()
    html = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[final.pk])).content.decode()
    assert 'data-testid="quiz-blueprint-spread"' in html
    assert "quiz-blueprint-problems" not in html
    assert "quiz-blueprint-unequal" not in html

    enrol(trainee, final.get_parent().specific)
    practice = formative_question_ids(unit_id=demo_course.unit_id)
    for _ in range(3):
        trainee_client.post(reverse("training:quiz_start", args=[final.pk]))
        attempt = QuizAttempt.objects.filter(quiz=final, trainee=trainee).latest("pk")
        drawn = [r.question for r in attempt.responses.select_related("question")]
        assert len(drawn) == 26
        assert sum(q.points for q in drawn) == 29
        assert sum(q.qtype == "written" for q in drawn) == 2
        assert sum(q.qtype == "numeric" for q in drawn) == len(NUMERIC_INDICATORS)
        assert not {q.pk for q in drawn} & practice
        attempt.delete()  # test setup: make room for the next draw


def test_every_option_has_feedback_and_every_written_item_a_rubric(demo_course):
    for q in QUESTIONS:
        assert (q.get("feedback") or "").strip(), q["code"]
        if q["type"] in ("single", "multiple"):
            for option in q["options"]:
                assert (option.get("feedback") or "").strip(), (q["code"], option["text"])
        if q["type"] in ("matching", "ordering"):
            assert q.get("partial_credit") in ("proportional", "all_or_nothing"), q["code"]
    for question in Question.objects.filter(live=True, qtype__in=["single", "multiple"]):
        assert all(o.feedback.strip() for o in question.options.all()), question.code
    written = Question.objects.filter(live=True, qtype="written")
    assert written.count() >= 5
    for question in written:
        criteria = list(QuestionRubricCriterion.objects.filter(question=question))
        assert 2 <= len(criteria) <= 4, question.code
        assert sum(c.points for c in criteria) == question.points, question.code


def test_complaint_items_are_mapped_to_what_they_show(demo_course):
    for code, expected in COMPLAINT_ITEMS.items():
        question = Question.objects.get(code=code)
        assert {i.code for i in question.indicators.all()} == expected, code
    for question in Question.objects.filter(live=True, tags__name="客訴處理").distinct():
        assert not {i.code for i in question.indicators.all()} & NOT_BY_COMPLAINTS, question.code
    # The complaint log item now asks for the logging procedure itself, which is T2.4.
    log = BY_CODE["complaint-log-use"]
    assert log["indicators"] == ["T2.4"] and "客訴處理" not in log["tags"]
    assert "登錄" in log["text"]
    # Items that showed nothing the unit names are out of the bank.
    for code in ("five-r-order", "follow-up-timing", "recovery-paradox", "response-time-match"):
        assert code in DATA["retired"] and code not in BY_CODE


def test_a_retired_question_of_an_older_demo_stops_being_drawn(demo_course):
    old = Question.objects.create(code="follow-up-timing", qtype="true_false", text="舊題")
    old.indicators.add(demo_course.unit.indicators.get(code="T4.3"))
    demo.load()
    old.refresh_from_db()
    assert not old.live
    assert quiz_publish_problems(_final()) == []


_DECIMALS = (("小數第二位", 2), ("小數第一位", 1), ("整數", 0))


def test_numeric_keys_respect_the_decimals_their_stem_asks_for():
    numeric = [q for q in QUESTIONS if q["type"] == "numeric"]
    assert len(numeric) >= 20
    for q in numeric:
        stated = [d for phrase, d in _DECIMALS if phrase in q["text"]]
        assert len(stated) == 1, q["code"]
        decimals = stated[0]
        answer = Decimal(str(q["answer"]))
        assert answer == round(answer, decimals), q["code"]
        assert Decimal(str(q.get("tolerance", 0))) <= Decimal("0.5") / 10**decimals, q["code"]
    assert BY_CODE["retention-calc-large"]["answer"] == 86.7


def test_the_worked_answers_follow_the_programme_pack():
    def points(paid, *, double=False):
        return (paid // 50) * (2 if double else 1)

    answers = {q["code"]: q["answer"] for q in QUESTIONS if q["type"] == "numeric"}
    assert answers["program-rebate-rate"] == 1 / 50 * 100
    assert answers["expiry-calc"] == 80 + 60
    assert answers["redeem-cap-calc"] == min(250, 360 // 2)
    assert answers["anniversary-coupon-calc"] == 300  # one coupon per member per day
    assert answers["earn-points-calc"] == points(1280 - 200)
    assert answers["earn-points-silver-calc"] == points(2430 - 430, double=True)
    assert answers["informal-reward-calc"] == 100 - 60
    assert answers["silver-points-calc"] == points(649, double=True)
    assert answers["birthday-credit-calc"] == points(1860 - 500, double=True)
    assert answers["new-member-first-calc"] == points(880, double=True)
    assert answers["returning-member-calc"] == points(1020 - 220, double=True)
    assert answers["invite-conversion-calc"] == pytest.approx(54 / 240 * 100)
    assert answers["invite-compare-calc"] == pytest.approx(45 / 180 * 100 - 72 / 320 * 100)
    assert answers["new-vs-existing-calc"] == pytest.approx(570 / 1500 * 100 - 96 / 400 * 100)
    assert answers["repeat-rate-members"] == pytest.approx(420 / 1500 * 100)
    assert answers["points-value-calc"] == 800 * 50
    assert answers["informal-reward-visit-calc"] == 100  # the limit is per visit
    # The stem that said 上個月 and then 這個月 asks about one month.
    stem = BY_CODE["repeat-rate-members"]["text"]
    assert "上個月" in stem and "這個月" not in stem


def test_the_bank_covers_the_missing_indicators_and_key_evidence():
    codes = {code for q in QUESTIONS for code in q.get("indicators", [])}
    assert codes == set(INDICATORS)
    items = {code for q in QUESTIONS for code in q.get("items", [])}
    assert {"K1", "K2", "K3", "K4", "K5", "S1", "S2", "S3", "S4"} <= items
    assert {"E1", "E2", "E3", "E4", "E5"} <= items
    tags = {tag for q in QUESTIONS for tag in q.get("tags", [])}
    assert {"轉換率", "留存率", "回購率", "點數效期", "累點", "回流會員", "新顧客"} <= tags
    text = yaml.safe_dump(DATA, allow_unicode=True)
    for word in ("留客率", "重複購買率", "LTV", "回流客", "單元小考", "回娘家"):
        assert word not in text, word
    assert not re.search(r"(?<!職能)單元", text)


@pytest.mark.django_db
def test_observation_items_cover_the_unit_in_contexts_where_they_can_be_seen(demo_course):
    demo_observations.load()
    unit = demo_course.unit
    live = ObservationItem.objects.filter(indicator__unit=unit, live=True)
    assert {o.indicator.code for o in live} == set(INDICATORS)
    covered = {i.code for o in live for i in o.competency_items.all()}
    targets = set(
        CompetencyItem.objects.filter(unit=unit).exclude(text="").values_list("code", flat=True)
    )
    assert targets <= covered, targets - covered
    serving = {ObservationContext.TILL, ObservationContext.SERVICE_DESK}
    for item in live:
        assert len(item.text) <= 300
        if item.indicator.code.startswith("T4"):
            assert not set(item.contexts) & serving, item.text
    demo_observations.load()
    assert ObservationItem.objects.filter(indicator__unit=unit, live=True).count() == live.count()


def test_oral_questions_have_a_marking_guide_for_every_indicator():
    assert set(ORAL_QUESTIONS) == set(INDICATORS)
    for code, (text, guide, items) in ORAL_QUESTIONS.items():
        assert "？" in text and "滿意" in guide, code
        assert items, code
    assert {"E1", "E2", "E3", "E4", "E5"} <= {
        c for _q, _g, items in ORAL_QUESTIONS.values() for c in items
    }
