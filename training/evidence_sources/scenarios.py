"""Scenario runs as training evidence: one item per finished run per indicator it scored,
under the role-play method. Two queries whatever the number of trainees or runs."""

from django.utils.translation import gettext as _

from content.models.framework import AssessmentMethod, Indicator
from training.evidence import TrainingEvidence, evidence_source
from training.models.scenario_runs import ScenarioRun


@evidence_source
def scenario_run_evidence(*, trainee_ids, unit_id) -> list[TrainingEvidence]:
    ids = list(trainee_ids)
    if not ids:
        return []
    indicator_ids = dict(Indicator.objects.filter(unit_id=unit_id).values_list("code", "pk"))
    runs = (
        ScenarioRun.objects.filter(
            trainee_id__in=ids, course__unit_id=unit_id, status=ScenarioRun.Status.FINISHED
        )
        .select_related("scenario")
        .only(
            "pk",
            "trainee_id",
            "number",
            "finished_at",
            "indicator_scores",
            "passed",
            "scenario__title",
            "scenario__pass_threshold",
        )
        .order_by("finished_at", "pk")
    )
    items: list[TrainingEvidence] = []
    for run in runs:
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
