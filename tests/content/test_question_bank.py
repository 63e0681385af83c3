"""The question bank in the Wagtail admin: who reaches it, filters and search, validation
of options per type, and the preview as a trainee sees it (no answers)."""

import random

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from content.models.framework import Indicator
from content.models.mapping import mapped_models
from content.models.questions import Question
from tests.factories.quizzes import make_question, make_unit, quiz_setup
from training.services.quizzes import quiz_attempt_start

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")
LIST = reverse("wagtailsnippets_content_question:list")
ADD = reverse("wagtailsnippets_content_question:add")


def form(qtype="single", options=(("甲", True), ("乙", False)), **fields):
    data = {
        "code": "new-q",
        "qtype": qtype,
        "text": "新的題目",
        "difficulty": "easy",
        "points": "1",
        "partial_credit": "all_or_nothing",
        "penalty": "1",
        "true_false_answer": "on",
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "model_answer": "",
        "feedback": "說明",
        "tags": "",
        "assessment_method": "questioning",
        "options": inline_formset(
            [
                {"text": t, "is_correct": "on" if c else "", "match_text": "", "feedback": ""}
                for t, c in options
            ]
        ),
        "rubric_criteria": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.mark.parametrize("role", ROLES)
def test_bank_list_per_role(client_as, role):
    make_question("single", code="retention-01")
    client, _user = client_as(role)
    response = client.get(LIST)
    if role in ("trainer", "admin"):
        assert response.status_code == 200
        assert "retention-01" in response.content.decode()
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_filters_and_search(client_as):
    unit = make_unit()
    t11 = Indicator.objects.get(unit=unit, code="T1.1")
    make_question("numeric", code="nps-calc", indicators=[t11], difficulty="hard")
    make_question("single", code="program-types", difficulty="easy")
    client, _user = client_as("trainer")

    def codes(**params):
        html = client.get(LIST, params).content.decode()
        return {code for code in ("nps-calc", "program-types") if code in html}

    assert codes(indicator=t11.pk) == {"nps-calc"}
    assert codes(qtype="single") == {"program-types"}
    assert codes(difficulty="hard") == {"nps-calc"}
    assert codes(q="program") == {"program-types"}


def test_trainer_creates_a_question_and_options_are_checked(client_as):
    client, _user = client_as("trainer")
    response = client.post(ADD, form(options=(("甲", True), ("乙", True))))
    assert response.status_code == 200
    assert not Question.objects.filter(code="new-q").exists()
    response = client.post(ADD, form(qtype="numeric", options=()))
    assert not Question.objects.filter(code="new-q").exists()
    response = client.post(ADD, form())
    assert response.status_code == 302
    question = Question.objects.get(code="new-q")
    assert question.assessment_method == "questioning"
    assert list(question.options.values_list("text", "is_correct")) == [("甲", True), ("乙", False)]


def test_preview_shows_what_a_trainee_sees(client_as):
    question = make_question("single", options=[("甲", True), ("乙", False)])
    question.feedback = "只在檢討時顯示"
    question.save()
    question.options.update(feedback="選項回饋不可外洩")
    client, _user = client_as("trainer")
    url = reverse("wagtailsnippets_content_question:preview_on_edit", args=[question.pk])
    data = form(code=question.code, feedback="只在檢討時顯示")
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()
    assert "新的題目" in html and "甲" in html and "乙" in html
    assert 'type="radio"' in html
    for secret in ("只在檢討時顯示", "選項回饋不可外洩", "is_correct", "data-correct"):
        assert secret not in html
    # Assessors cannot open previews.
    assessor, _a = client_as("assessor")
    assert assessor.get(url).status_code == 302


def test_question_is_a_mapped_model_with_its_own_edit_link():
    question = make_question("single", code="mapped-q")
    assert Question in mapped_models()
    label = question.mapping_label()
    assert "mapped-q" in label and question.text[:10] in label
    assert question.mapping_edit_url() == reverse(
        "wagtailsnippets_content_question:edit", args=[question.pk]
    )


def test_a_question_used_in_attempts_cannot_be_deleted(client_as):
    _c, trainee = client_as("trainee")
    quiz, questions = quiz_setup(trainee, types=("single",))
    quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(1))
    url = reverse("wagtailsnippets_content_question:delete", args=[questions[0].pk])
    trainer_client, _user = client_as("trainer")
    assert trainer_client.get(url).status_code == 302  # deleting is an admin action
    client, _user = client_as("admin")
    assert client.get(url).status_code == 200  # the page lists where it is used
    client.post(url)
    assert Question.objects.filter(pk=questions[0].pk).exists()
