"""Quiz results as questioning evidence: per trainee, quiz and indicator, the result the
quiz's grading method picks (highest, latest or first graded attempt, or the average)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from content.models.framework import AssessmentMethod, Indicator
from content.pages.course import CoursePage
from training.evidence import TrainingEvidence, evidence_source
from training.models.quiz_attempts import QuizAttempt


def _percent(entry) -> float:
    possible = Decimal(entry["possible"])
    return float(Decimal(entry["earned"]) * 100 / possible) if possible else 0.0


@evidence_source
def quiz_evidence(*, trainee_ids, unit_id: int) -> list[TrainingEvidence]:
    """Three queries whatever the number of trainees, quizzes or attempts."""
    course_paths = list(CoursePage.objects.filter(unit_id=unit_id).values_list("path", flat=True))
    if not course_paths:
        return []
    indicator_ids = set(Indicator.objects.filter(unit_id=unit_id).values_list("pk", flat=True))
    in_courses = Q()
    for path in course_paths:
        in_courses |= Q(quiz__path__startswith=path)
    attempts = (
        QuizAttempt.objects.filter(
            in_courses, trainee_id__in=list(trainee_ids), state=QuizAttempt.State.GRADED
        )
        .select_related("quiz")
        .only(
            "id",
            "trainee_id",
            "quiz_id",
            "number",
            "score",
            "graded_at",
            "indicator_scores",
            "quiz__title",
            "quiz__grading_method",
            "quiz__pass_mark",
        )
        .order_by("trainee_id", "quiz_id", "number")
    )
    grouped: dict[tuple[int, int], list[QuizAttempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[(attempt.trainee_id, attempt.quiz_id)].append(attempt)

    evidence = []
    for (trainee_id, _quiz_id), rows in grouped.items():
        quiz = rows[0].quiz
        method = quiz.grading_method
        if method == "average":
            chosen = rows[-1]
            sums: dict[str, list[float]] = defaultdict(list)
            for row in rows:
                for key, entry in row.indicator_scores.items():
                    sums[key].append(_percent(entry))
            scores = {key: sum(values) / len(values) for key, values in sums.items()}
            label = _("%(quiz)s (average of %(count)s attempts)") % {
                "quiz": quiz.title,
                "count": len(rows),
            }
        else:
            if method == "latest":
                chosen = rows[-1]
            elif method == "first":
                chosen = rows[0]
            else:
                chosen = max(rows, key=lambda row: (row.score or 0, -row.number))
            scores = {key: _percent(entry) for key, entry in chosen.indicator_scores.items()}
            label = _("%(quiz)s (attempt %(number)s)") % {
                "quiz": quiz.title,
                "number": chosen.number,
            }
        for key, score in sorted(scores.items()):
            indicator_id = int(key)
            if indicator_id not in indicator_ids:
                continue
            evidence.append(
                TrainingEvidence(
                    trainee_id=trainee_id,
                    indicator_id=indicator_id,
                    method=AssessmentMethod.QUESTIONING.value,
                    passed=score >= quiz.pass_mark,
                    score=round(score, 2),
                    occurred_at=chosen.graded_at,
                    label=label,
                    source="quiz_attempt",
                    source_id=chosen.pk,
                )
            )
    return evidence
