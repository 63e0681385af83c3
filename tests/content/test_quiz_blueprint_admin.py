"""Quiz blueprints and practice/assessment separation in the Wagtail editor: a trainer's
submit of a quiz whose blueprint the bank cannot fill is refused with the row named (a
draft still saves), the editor shows the spread of simulated forms, and a practice quiz
never shares its questions with the assessment."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from content.pages.quiz import QuizBlueprintRow, QuizPage
from content.selectors.quiz_pool import (
    blueprint_pool,
    excluded_question_ids,
    quiz_publish_problems,
)
from tests.factories.quizzes import make_module, make_question, make_quiz, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    unit = make_unit(indicators=("T1.1", "T1.2"))
    module = make_module(unit)
    t11, t12 = unit.indicators.get(code="T1.1"), unit.indicators.get(code="T1.2")
    questions = {
        "easy": make_question("single", indicators=[t11], difficulty="easy"),
        "calc": make_question("numeric", indicators=[t11], difficulty="medium"),
        "written": make_question("written", indicators=[t11], difficulty="hard"),
        "t12a": make_question("single", indicators=[t12]),
        "t12b": make_question("true_false", indicators=[t12]),
        "draft": make_question("numeric", indicators=[t11], live=False),
    }
    return {"unit": unit, "module": module, "t11": t11, "t12": t12, **questions}


def row(indicator, **fields):
    data = {
        "indicator": indicator.pk,
        "count": 1,
        "points": "",
        "easy": "",
        "medium": "",
        "hard": "",
        "calculations": 0,
        "written": "",
    }
    data.update(fields)
    return data


def quiz_post(rows, *, submit, purpose="summative", selection="blueprint", slug="final"):
    data = nested_form_data(
        {
            "title": "期末測驗",
            "slug": slug,
            "intro": rich_text(""),
            "purpose": purpose,
            "selection": selection,
            "draw_count": 1,
            "draw_tags": "",
            "shuffle_options": "on",
            "pass_mark": 70,
            "attempts_allowed": 2,
            "grading_method": "highest",
            "time_limit_minutes": "",
            "review_policy": "after_submission",
            "fixed_questions": inline_formset([]),
            "blueprint_rows": inline_formset(rows),
            "comments": inline_formset([]),
        }
    )
    if submit:
        data["action-submit"] = "action-submit"
    return data


def test_submitting_a_blueprint_the_bank_cannot_fill_is_refused_naming_the_row(
    bank, trainer_client
):
    url = reverse("wagtailadmin_pages:add", args=["content", "quizpage", bank["module"].pk])
    # Two calculations for T1.1, but only one live numeric question (the other is a draft).
    rows = [row(bank["t11"], count=2, calculations=2), row(bank["t12"])]
    response = trainer_client.post(url, quiz_post(rows, submit=True))
    assert response.status_code == 200
    html = response.content.decode()
    assert "T1.1" in html and "題庫" in html
    assert not QuizPage.objects.filter(slug="final").exists()

    # A draft saves, and the editor shows the problem in the blueprint check.
    assert trainer_client.post(url, quiz_post(rows, submit=False)).status_code == 302
    quiz = QuizPage.objects.get(slug="final")
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    assert 'data-testid="quiz-blueprint-problems"' in edit.content.decode()
    assert not quiz.live


def test_a_fillable_blueprint_submits_and_the_editor_shows_equivalent_forms(bank, trainer_client):
    url = reverse("wagtailadmin_pages:add", args=["content", "quizpage", bank["module"].pk])
    rows = [row(bank["t11"], count=2, calculations=1, written=0), row(bank["t12"], points="1")]
    response = trainer_client.post(url, quiz_post(rows, submit=True))
    assert response.status_code == 302
    quiz = QuizPage.objects.get(slug="final")
    assert quiz.get_latest_revision().as_object().blueprint_rows.count() == 2
    html = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()
    assert 'data-testid="quiz-blueprint-spread"' in html
    assert "quiz-blueprint-problems" not in html
    assert "quiz-blueprint-unequal" not in html  # every row fixes what varies here


def test_practice_questions_are_kept_out_of_the_assessment(bank):
    practice = make_quiz(bank["module"], [bank["easy"], bank["t12a"]], purpose="formative")
    final = make_quiz(bank["module"], selection="blueprint")
    QuizBlueprintRow.objects.create(page=final, indicator=bank["t11"], count=2)
    assert excluded_question_ids(final, bank["unit"].pk) == {bank["easy"].pk, bank["t12a"].pk}
    assert excluded_question_ids(practice, bank["unit"].pk) == set()
    pool = {item.id for item in blueprint_pool(unit_id=bank["unit"].pk, exclude={bank["easy"].pk})}
    assert bank["easy"].pk not in pool and bank["draft"].pk not in pool
    assert bank["calc"].pk in pool
    assert quiz_publish_problems(final) == []
    # Three T1.1 questions would need the practice one: refused.
    final.blueprint_rows.update(count=3)
    assert quiz_publish_problems(final)


def test_a_practice_quiz_cannot_draw_from_every_question_of_an_indicator(bank, trainer_client):
    url = reverse("wagtailadmin_pages:add", args=["content", "quizpage", bank["module"].pk])
    response = trainer_client.post(
        url, quiz_post([], submit=True, purpose="formative", selection="per_indicator")
    )
    assert response.status_code == 200
    assert not QuizPage.objects.filter(slug="final").exists()


def test_an_approval_is_refused_when_the_bank_no_longer_fills_the_blueprint(bank, trainer_client):
    from django.test import Client
    from wagtail.models import TaskState

    from tests.factories.people import make_trainer

    url = reverse("wagtailadmin_pages:add", args=["content", "quizpage", bank["module"].pk])
    rows = [row(bank["t11"], count=1, calculations=1)]
    assert trainer_client.post(url, quiz_post(rows, submit=True)).status_code == 302
    quiz = QuizPage.objects.get(slug="final")
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(quiz.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    # Meanwhile the only live calculation for T1.1 is withdrawn.
    bank["calc"].live = False
    bank["calc"].save()

    reviewer = Client()
    reviewer.force_login(make_trainer(name="李志明"))
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[quiz.pk, "approve", task_state.pk]
    )
    response = reviewer.post(approve, {"comment": ""})
    assert response.status_code in (302, 403)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not QuizPage.objects.get(pk=quiz.pk).live

    # With the calculation back, the same approval publishes the submitted revision.
    bank["calc"].live = True
    bank["calc"].save()
    assert reviewer.post(approve, {"comment": "好"}).status_code in (200, 302)
    quiz.refresh_from_db()
    assert quiz.live and quiz.live_revision_id == task_state.revision_id


def test_the_draft_blueprint_reads_its_indicators_in_one_query(bank, django_assert_num_queries):
    from content.selectors.quiz_pool import draft_blueprint_rows

    final = make_quiz(bank["module"], selection="blueprint")
    for indicator in (bank["t11"], bank["t12"]):
        QuizBlueprintRow.objects.create(page=final, indicator=indicator, count=1)
    draft = QuizPage.objects.get(pk=final.pk).get_latest_revision_as_object()
    with django_assert_num_queries(2):  # the rows, then their indicators
        rows = draft_blueprint_rows(draft)
    assert [r.code for r in rows] == ["T1.1", "T1.2"]
