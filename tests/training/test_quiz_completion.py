"""Quizzes count towards course completion: passed per the quiz's grading method."""

import pytest
from django.urls import reverse

from content.pages.quiz import QuizPage
from tests.factories.quizzes import answer_data, quiz_setup
from training.completion import activity_kinds, course_progress
from training.models.enrolment import Enrolment
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db


def test_quiz_is_a_registered_activity_kind():
    assert "content.QuizPage" in activity_kinds()


def test_passing_the_quiz_completes_the_course(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = quiz_setup(
        trainee,
        types=("single", "numeric"),
        pass_mark=100,
        grading_method=QuizPage.GradingMethod.HIGHEST,
    )
    course = quiz.get_parent().specific.course
    enrolment = Enrolment.objects.get(trainee=trainee, course=course)

    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    first = QuizAttempt.objects.get(trainee=trainee, number=1)
    client.post(reverse("training:quiz_submit", args=[first.pk]), answer_data(first, correct=False))
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    activity = progress.activities[0]
    assert activity.status.done and activity.status.passed is False and not activity.satisfied
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    second = QuizAttempt.objects.get(trainee=trainee, number=2)
    client.post(reverse("training:quiz_submit", args=[second.pk]), answer_data(second))
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    assert progress.activities[0].satisfied and progress.activities[0].status.score == 100.0
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_the_periodic_close_records_course_completion_at_the_close(trainee):
    """The service owns the consequence: a timed attempt closed by the periodic command
    completes the course, with the close's time, without any view being involved."""
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from tests.factories.quizzes import FormData
    from training.services.quizzes import quiz_attempt_save, quiz_attempt_start

    quiz, _questions = quiz_setup(trainee, types=("single",), time_limit_minutes=5, pass_mark=100)
    enrolment = Enrolment.objects.get(trainee=trainee, course=quiz.get_parent().specific.course)
    attempt = quiz_attempt_start(quiz=quiz, trainee=trainee)
    quiz_attempt_save(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, seq=1)),
        sequence=1,
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))
    before = timezone.now()

    out = io.StringIO()
    call_command("close_overdue_quiz_attempts", stdout=out)

    assert "closed 1" in out.getvalue()
    attempt.refresh_from_db()
    enrolment.refresh_from_db()
    assert attempt.state == QuizAttempt.State.GRADED and attempt.passed
    assert enrolment.completed_at is not None
    assert enrolment.completed_at == attempt.submitted_at >= before
