"""Learners' records never cascade away with the content they answered: deleting a lesson
with progress, a quiz with attempts or a scenario with runs is refused in the admin with
the reason and an offer to retire it; a retired activity (published with retired=True) is
hidden from new trainees, not required for completion and not startable, while trainees
with records keep their results and assessors the evidence."""

import pytest
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from wagtail.models import Page

from content.pages.lesson import LessonPage
from content.pages.quiz import QuizPage
from content.pages.scenario import ScenarioChoice, ScenarioPage
from tests.factories.learning import add_lesson
from tests.factories.quizzes import answer_data, enrol, make_module, make_question, make_quiz
from tests.factories.quizzes import make_unit as make_quiz_unit
from tests.factories.scenarios import make_scenario
from training.completion import course_progress
from training.evidence import training_evidence
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress
from training.models.quiz_attempts import QuizAttempt
from training.models.scenario_runs import ScenarioRun
from training.services.progress import lesson_complete
from training.services.quizzes import QuizRetired, quiz_attempt_start
from training.services.scenarios import ScenarioRetired, scenario_run_start

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def course_tree(db):
    """One module: a lesson, a quiz of one question and a scenario."""
    unit = make_quiz_unit(indicators=("T1.1", "T2.1", "T3.1"))
    module = make_module(unit)
    indicator = unit.indicators.get(code="T1.1")
    lesson = add_lesson(module, title="課 1", slug="lesson-1", indicators=[indicator])
    quiz = make_quiz(module, [make_question("single", indicators=[indicator])], pass_mark=100)
    scenario = make_scenario(module)
    return {
        "course": module.course,
        "module": module,
        "lesson": lesson,
        "quiz": quiz,
        "scenario": ScenarioPage.objects.get(pk=scenario.pk),
    }


def _pass_quiz(client, quiz) -> QuizAttempt:
    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.filter(quiz=quiz).order_by("-pk").first()
    client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.passed
    return attempt


def _finish_scenario(client, scenario) -> ScenarioRun:
    client.post(reverse("training:scenario_begin", args=[scenario.pk]))
    run = ScenarioRun.objects.filter(scenario=scenario).order_by("-pk").first()
    for from_key, to_key in (("start", "good"), ("good", "end-good")):
        run.refresh_from_db()
        choice = ScenarioChoice.objects.get(page=scenario, from_key=from_key, to_key=to_key)
        client.post(
            reverse("training:scenario_choose", args=[run.pk]),
            {"seq": run.seq, "choice": choice.pk},
        )
    run.refresh_from_db()
    assert run.is_finished
    return run


@pytest.fixture
def with_records(course_tree, trainee, trainee_client):
    """The trainee did everything: the lesson, the quiz (passed) and the scenario."""
    enrolment = enrol(trainee, course_tree["module"])
    lesson_complete(trainee=trainee, lesson=course_tree["lesson"], enrolment=enrolment)
    _pass_quiz(trainee_client, course_tree["quiz"])
    _finish_scenario(trainee_client, course_tree["scenario"])
    return course_tree


def _retire(page):
    page = Page.objects.get(pk=page.pk).specific
    page.retired = True
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


# --- deletion is refused, with the reason and the offer to retire --------------------------


@pytest.mark.parametrize(
    ("key", "records"),
    [("lesson", "課堂進度（1）"), ("quiz", "測驗作答（1）"), ("scenario", "情境演練紀錄（1）")],
)
def test_deleting_an_activity_with_records_is_refused_and_offers_retirement(
    with_records, admin_client_, key, records
):
    page = with_records[key]
    counts = (
        LessonProgress.objects.count(),
        QuizAttempt.objects.count(),
        ScenarioRun.objects.count(),
    )
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    confirmation = admin_client_.get(url)
    deletion = admin_client_.post(url, follow=True)
    assert deletion.redirect_chain == [(reverse("wagtailadmin_pages:edit", args=[page.pk]), 302)]
    for response in (confirmation, deletion):
        assert response.status_code == 200
        text = _messages(response)
        assert f"無法刪除頁面「{page.title}」" in text
        assert records in text, text
        assert "「已停用」" in text  # retire it instead: the field's name on the Settings tab
    assert Page.objects.filter(pk=page.pk).exists()
    assert counts == (
        LessonProgress.objects.count(),
        QuizAttempt.objects.count(),
        ScenarioRun.objects.count(),
    )


def test_bulk_deleting_the_module_is_refused_and_deletes_nothing(with_records, admin_client_):
    module = with_records["module"]
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    response = admin_client_.post(
        f"{bulk}?id={module.pk}&childOf={module.get_parent().pk}", follow=True
    )
    assert response.status_code == 200
    assert f"無法刪除頁面「{module.title}」" in _messages(response)
    assert Page.objects.filter(pk__in=[with_records[k].pk for k in ("lesson", "quiz")]).count() == 2


def test_records_protect_their_content_in_the_database_too(with_records):
    for key in ("lesson", "quiz", "scenario", "course"):
        with pytest.raises(ProtectedError):
            Page.objects.get(pk=with_records[key].pk).delete()
    assert Enrolment.objects.count() == 1


def test_retired_is_a_field_of_the_editor(course_tree, admin_client_):
    for key in ("lesson", "quiz", "scenario"):
        response = admin_client_.get(reverse("wagtailadmin_pages:edit", args=[course_tree[key].pk]))
        assert response.status_code == 200
        assert 'name="retired"' in response.content.decode()


# --- after retiring -----------------------------------------------------------------------


def test_a_new_trainee_no_longer_sees_or_starts_retired_activities(
    with_records, other_trainee, other_trainee_client
):
    tree = with_records
    enrol(other_trainee, tree["module"])
    for key in ("lesson", "quiz", "scenario"):
        _retire(tree[key])
    lesson = LessonPage.objects.get(pk=tree["lesson"].pk)
    quiz = QuizPage.objects.get(pk=tree["quiz"].pk)
    scenario = ScenarioPage.objects.get(pk=tree["scenario"].pk)

    # Not in the outline of the course page, module page or dashboard.
    for url in (tree["course"].url, tree["module"].url, reverse("training:dashboard")):
        html = other_trainee_client.get(url).content.decode()
        for page in (lesson, quiz, scenario):
            assert page.title not in html, (url, page.title)

    # Not startable: the pages say it was retired, start and begin refuse with a message.
    for page in (lesson, quiz, scenario):
        response = other_trainee_client.get(page.url)
        assert response.status_code == 410
        assert "此活動已停用" in response.content.decode()
    detail = other_trainee_client.get(reverse("training:quiz", args=[quiz.pk])).content.decode()
    assert 'data-testid="quiz-retired"' in detail and 'data-testid="start-attempt"' not in detail
    response = other_trainee_client.post(
        reverse("training:quiz_start", args=[quiz.pk]), follow=True
    )
    assert "此測驗已停用" in _messages(response)
    response = other_trainee_client.post(
        reverse("training:scenario_begin", args=[scenario.pk]), follow=True
    )
    assert "此情境已停用" in _messages(response)
    start = other_trainee_client.get(reverse("training:scenario_start", args=[scenario.pk]))
    assert 'data-testid="scenario-begin"' not in start.content.decode()
    assert (
        other_trainee_client.post(reverse("training:lesson_complete", args=[lesson.pk])).status_code
        == 404
    )
    assert not QuizAttempt.objects.filter(trainee=other_trainee).exists()
    assert not ScenarioRun.objects.filter(trainee=other_trainee).exists()
    assert not LessonProgress.objects.filter(trainee=other_trainee).exists()
    with pytest.raises(QuizRetired):
        quiz_attempt_start(quiz=quiz, trainee=other_trainee)
    with pytest.raises(ScenarioRetired):
        scenario_run_start(trainee=other_trainee, scenario=scenario)


def test_course_completion_no_longer_requires_a_retired_activity(
    course_tree, trainee, trainee_client
):
    enrolment = enrol(trainee, course_tree["module"])
    lesson_complete(trainee=trainee, lesson=course_tree["lesson"], enrolment=enrolment)
    _pass_quiz(trainee_client, course_tree["quiz"])
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # the scenario is still required
    progress = course_progress(course=course_tree["course"], trainee_ids=[trainee.pk])[trainee.pk]
    assert progress.required_total == 3

    _retire(course_tree["scenario"])
    progress = course_progress(course=course_tree["course"], trainee_ids=[trainee.pk])[trainee.pk]
    assert progress.required_total == 2 and progress.is_complete
    assert course_tree["scenario"].pk not in [a.page.pk for a in progress.activities]
    assert progress.next_activity() is None
    # Publishing the retirement records the completion at once, not at the next click.
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert trainee_client.get(course_tree["course"].url).status_code == 200


def test_retiring_records_completion_only_for_trainees_who_did_the_rest(
    course_tree, trainee, trainee_client, other_trainee
):
    done = enrol(trainee, course_tree["module"])
    lesson_complete(trainee=trainee, lesson=course_tree["lesson"], enrolment=done)
    _pass_quiz(trainee_client, course_tree["quiz"])
    behind = enrol(other_trainee, course_tree["module"])

    _retire(course_tree["scenario"])
    done.refresh_from_db()
    behind.refresh_from_db()
    assert done.completed_at is not None
    assert behind.completed_at is None  # the lesson and the quiz are still to do


def test_a_trainee_with_records_still_sees_results_and_assessors_the_evidence(
    with_records, trainee, trainee_client, assessor_client
):
    tree = with_records
    unit_id = tree["course"].unit_id
    evidence_before = training_evidence(trainee_ids=[trainee.pk], unit_id=unit_id)
    assert evidence_before
    for key in ("lesson", "quiz", "scenario"):
        _retire(tree[key])

    # Their outline keeps what they did, marked as retired; nothing of it is required.
    progress = course_progress(course=tree["course"], trainee_ids=[trainee.pk])[trainee.pk]
    assert {a.page.pk for a in progress.activities} == {
        tree[k].pk for k in ("lesson", "quiz", "scenario")
    }
    assert all(a.retired and not a.required and a.satisfied for a in progress.activities)
    html = trainee_client.get(tree["course"].url).content.decode()
    assert tree["quiz"].title in html and 'data-testid="activity-retired"' in html

    # Their pages and results still open.
    assert trainee_client.get(tree["lesson"].url).status_code == 200
    attempt = QuizAttempt.objects.get(trainee=trainee)
    detail = trainee_client.get(reverse("training:quiz", args=[tree["quiz"].pk]))
    assert detail.status_code == 200 and 'data-testid="quiz-grade"' in detail.content.decode()
    result = trainee_client.get(reverse("training:quiz_result", args=[attempt.pk]))
    assert result.status_code == 200
    run = ScenarioRun.objects.get(trainee=trainee)
    assert trainee_client.get(reverse("training:scenario_run", args=[run.pk])).status_code == 200
    start = trainee_client.get(reverse("training:scenario_start", args=[tree["scenario"].pk]))
    assert start.status_code == 200 and 'data-testid="scenario-retired"' in start.content.decode()
    # ... but no new attempt or run.
    with pytest.raises(QuizRetired):
        quiz_attempt_start(quiz=QuizPage.objects.get(pk=tree["quiz"].pk), trainee=trainee)

    # Assessors: the same training evidence, and the retired pages still open for them.
    evidence_after = training_evidence(trainee_ids=[trainee.pk], unit_id=unit_id)
    assert [(e.indicator_id, e.passed) for e in evidence_after] == [
        (e.indicator_id, e.passed) for e in evidence_before
    ]
    assert assessor_client.get(tree["lesson"].url).status_code == 200
