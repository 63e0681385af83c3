"""What the training side shows about a trainee, per indicator, for the assessor's profile
and the trainee's dashboard: quiz results count as questioning, finished assessment-mode
scenario runs as role play. `training_evidence` gathers every source in `_SOURCES`; a new kind of activity
that shows competence adds its function there."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from content.models.framework import AssessmentMethod
from content.selectors.unit_cache import unit_course_paths, unit_indicator_ids
from training.models.quiz_attempts import QuizAttempt
from training.models.scenario_runs import ScenarioRun


@dataclass(frozen=True)
class TrainingEvidence:
    trainee_id: int
    indicator_id: int
    method: str  # an AssessmentMethod value: "questioning" or "role_play"
    passed: bool
    score: float | None  # 0..100 for this indicator, when the activity scores it
    occurred_at: datetime
    label: str  # e.g. "情境：點數不見了 (第 2 次)"
    source: str  # "scenario_run" | "quiz_attempt"
    source_id: int


def _percent(entry) -> float:
    possible = Decimal(entry["possible"])
    return float(Decimal(entry["earned"]) * 100 / possible) if possible else 0.0


def quiz_evidence(*, trainee_ids, unit_id: int) -> list[TrainingEvidence]:
    """Quiz results as questioning evidence: per trainee, quiz and indicator, the result the
    quiz's grading method picks (highest, latest or first graded attempt, or the average).
    One query (the unit's courses and indicators come from the cache) whatever the number of trainees, quizzes or attempts."""
    course_paths = unit_course_paths(unit_id)
    if not course_paths:
        return []
    indicator_ids = set(unit_indicator_ids(unit_id).values())
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


def scenario_run_evidence(*, trainee_ids, unit_id) -> list[TrainingEvidence]:
    """Finished ASSESSMENT runs as role-play evidence (no going back, feedback at the end):
    per trainee and scenario the first ones finished, as many as the scenario's
    assessment_attempts; practice runs are practice. One item per run per indicator it
    scored. One query whatever the number of trainees or runs."""
    ids = list(trainee_ids)
    if not ids:
        return []
    indicator_ids = unit_indicator_ids(unit_id)
    runs = (
        ScenarioRun.objects.filter(
            trainee_id__in=ids,
            course__unit_id=unit_id,
            status=ScenarioRun.Status.FINISHED,
            mode=ScenarioRun.Mode.ASSESSMENT,
        )
        .select_related("scenario")
        .only(
            "pk",
            "trainee_id",
            "number",
            "finished_at",
            "indicator_scores",
            "passed",
            "scenario_id",
            "scenario__title",
            "scenario__pass_threshold",
            "scenario__assessment_attempts",
        )
        .order_by("finished_at", "pk")
    )
    items: list[TrainingEvidence] = []
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for run in runs:
        designated = (run.trainee_id, run.scenario_id)
        if counted[designated] >= run.scenario.assessment_attempts:
            continue  # beyond the designated attempts
        counted[designated] += 1
        label = _("Scenario: %(title)s (run %(number)s)") % {
            "title": run.scenario.title,
            "number": run.number,
        }
        for code, data in sorted(run.indicator_scores.items()):
            if code not in indicator_ids:
                continue
            percent = data.get("percent")
            score = float(percent) if percent is not None else 0.0
            items.append(
                TrainingEvidence(
                    trainee_id=run.trainee_id,
                    indicator_id=indicator_ids[code],
                    method=AssessmentMethod.ROLE_PLAY.value,
                    passed=bool(run.passed) and score >= run.scenario.pass_threshold,
                    score=score,
                    occurred_at=run.finished_at,
                    label=label,
                    source="scenario_run",
                    source_id=run.pk,
                )
            )
    return items


_SOURCES = (quiz_evidence, scenario_run_evidence)


def training_evidence(*, trainee_ids: Iterable[int], unit_id: int) -> list[TrainingEvidence]:
    """All training evidence of these trainees for one unit, in a fixed number of queries per
    source (never per trainee)."""
    ids = list(trainee_ids)
    return [item for source in _SOURCES for item in source(trainee_ids=ids, unit_id=unit_id)]
