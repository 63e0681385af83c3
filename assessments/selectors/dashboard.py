"""The assessor dashboard: each trainee's status and needs, and the cohort heat map, in a fixed
number of queries whatever the number of trainees."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assessments.models.decisions import Decision
from assessments.selectors.decisions import current_decisions, open_appeal_trainee_ids
from assessments.selectors.profile import Profile, competency_profiles, unit_indicators
from training.models.enrolment import Enrolment


class Status:
    NOT_STARTED = "not_started"
    IN_TRAINING = "in_training"
    READY = "ready"
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"
    APPEAL_OPEN = "appeal_open"

    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_TRAINING: _("In training"),
        READY: _("Ready for assessment"),
        COMPETENT: _("Assessed competent"),
        NOT_YET_COMPETENT: _("Not yet competent"),
        APPEAL_OPEN: _("Appeal open"),
    }


@dataclass
class TraineeRow:
    trainee: object
    status: str
    profile: Profile
    decision: Decision | None

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def needs(self) -> list[str]:
        out = []
        for row in self.profile.rows:
            parts = []
            if self.profile.rule.require_performance_method and not row.performance_ok:
                parts.append(str(_("performance")))
            if self.profile.rule.require_knowledge_check and not row.knowledge_ok:
                parts.append(str(_("knowledge")))
            if not parts and row.gaps:
                parts.append(str(_("evidence")))
            if parts:
                out.append(f"{row.indicator.code} {'/'.join(parts)}")
        return out


def trainee_rows(*, trainees, unit, course=None) -> tuple[list, list[TraineeRow]]:
    trainees = list(trainees)
    ids = [t.pk for t in trainees]
    indicators = unit_indicators(unit) if unit is not None else []
    profiles = competency_profiles(trainee_ids=ids, unit=unit, course=course, indicators=indicators)
    if unit is None or not ids:
        decisions, appeals, enrolled = {}, set(), set()
    else:
        decisions = current_decisions(trainee_ids=ids, unit=unit)
        appeals = open_appeal_trainee_ids(trainee_ids=ids, unit=unit)
        enrolled = set(
            Enrolment.objects.filter(trainee_id__in=ids, course__unit=unit).values_list(
                "trainee_id", flat=True
            )
        )
    rows = []
    for trainee in trainees:
        profile = profiles[trainee.pk]
        decision = decisions.get(trainee.pk)
        if trainee.pk in appeals:
            status = Status.APPEAL_OPEN
        elif decision is not None and decision.outcome == Decision.Outcome.COMPETENT:
            status = Status.COMPETENT
        elif decision is not None:
            status = Status.NOT_YET_COMPETENT
        elif profile.complete:
            status = Status.READY
        elif trainee.pk in enrolled or profile.has_any_evidence:
            status = Status.IN_TRAINING
        else:
            status = Status.NOT_STARTED
        rows.append(TraineeRow(trainee, status, profile, decision))
    return indicators, rows
