"""Races on PostgreSQL: two requests with their own connections start or submit at the
same moment. SQLite serialises writers, so there is nothing to race there."""

import random
import threading

import pytest
from django.db import connection, connections

from tests.factories.quizzes import FormData, answer_data, quiz_setup
from training.models.quiz_attempts import QuizAttempt
from training.services import quizzes as services

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: run with DATABASE_URL=postgres://... to test races",
    ),
]


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_starts_at_the_limit_give_one_attempt(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"), attempts_allowed=2)
    first = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(1))
    data = FormData(answer_data(first))
    services.quiz_attempt_submit(attempt_id=first.pk, trainee=trainee, data=data, sequence=1)

    results = run_together(
        lambda i: services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(i))
    )
    attempts = QuizAttempt.objects.filter(quiz=quiz, trainee=trainee)
    assert attempts.count() == 2
    started = [r for r in results if isinstance(r, QuizAttempt)]
    # Both requests got the same (single) in-progress attempt, or one was refused cleanly.
    assert len({a.pk for a in started}) == 1
    assert all(isinstance(r, QuizAttempt | services.AttemptLimitReached) for r in results)


def test_two_first_starts_give_one_in_progress_attempt(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), attempts_allowed=1)
    results = run_together(
        lambda i: services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(i)), 3
    )
    assert all(isinstance(r, QuizAttempt) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert QuizAttempt.objects.filter(quiz=quiz, trainee=trainee).count() == 1


def test_two_submissions_finalise_once(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"))
    attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(1))
    right = FormData(answer_data(attempt, correct=True, seq=1))
    wrong = FormData(answer_data(attempt, correct=False, seq=1))

    def finish(i):
        return services.quiz_attempt_submit(
            attempt_id=attempt.pk, trainee=trainee, data=right if i == 0 else wrong, sequence=1
        )

    results = run_together(finish)
    assert all(isinstance(r, QuizAttempt) for r in results), results
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.GRADED
    # Whichever came first was graded; the other found it finished and changed nothing.
    assert {r.score for r in results} == {attempt.score}
    assert {r.submitted_at for r in results} == {attempt.submitted_at}
