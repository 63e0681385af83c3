"""Quizzes as an activity kind: done once an attempt is submitted, passed when the grade
across attempts (the quiz's grading method) reaches the pass mark."""

from training.completion import ActivityStatus, register_activity_kind
from training.selectors.quizzes import quiz_status as quiz_statuses


@register_activity_kind("content.QuizPage")
def quiz_status(trainee_ids, pages, course=None) -> dict:
    return {
        key: ActivityStatus(
            started=status.started,
            done=status.done,
            passed=status.passed,
            score=status.score,
            finished_at=status.finished_at,
        )
        for key, status in quiz_statuses(trainee_ids, pages).items()
    }
