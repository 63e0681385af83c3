"""Recording a decision for a unit. Competent only when the competency profile has no gaps;
Not Yet Competent records the gaps, feedback and a reassessment date; a later attempt is a
new round and the earlier decision stays."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.decisions import Decision
from assessments.selectors.decisions import current_decision
from assessments.selectors.moderation import moderation_required_for
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import may_assess, may_correct_decision
from assessments.services.certificates import (
    certificate_issue_on_decision,
    certificates_on_decision_corrected,
)
from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from core.audit import audit_record
from people import roles
from people.models import NotificationKind, User
from people.notifications import notification_send


def _notify_trainee(decision: Decision) -> None:
    """The trainee hears of the decision (and of a reassessment it books) on the site and,
    unless switched off, by e-mail, in their own language."""
    params = {
        "unit": decision.unit.code,
        "outcome": Decision.Outcome(decision.outcome).label,
        "assessor": decision.assessor.printed_name,
        "date": decision.assessed_on.isoformat(),
    }
    if decision.corrects_id is not None:
        title = gettext_lazy("Your assessment decision for %(unit)s was corrected: %(outcome)s")
    else:
        title = gettext_lazy("Assessment decision for %(unit)s: %(outcome)s")
    notification_send(
        user=decision.trainee,
        kind=NotificationKind.DECISION,
        title=title,
        body=gettext_lazy(
            "%(assessor)s recorded the decision on %(date)s. The reasons, the feedback and "
            "what comes next are on your assessment page."
        ),
        url=reverse_lazy("assessments:me"),
        params=params,
    )
    if decision.reassessment_on is not None:
        notification_send(
            user=decision.trainee,
            kind=NotificationKind.REASSESSMENT,
            title=gettext_lazy("Reassessment booked for %(unit)s on %(reassess)s"),
            body=gettext_lazy(
                "%(assessor)s booked your reassessment on %(reassess)s. Work on the feedback "
                "on your assessment page before then."
            ),
            url=reverse_lazy("assessments:me"),
            params={**params, "reassess": decision.reassessment_on.isoformat()},
        )


class DecisionRefused(ValidationError):
    def __init__(self, message, gaps: list[str] | None = None):
        super().__init__(message)
        self.gaps = gaps or []


def _may_decide(assessor: User, trainee: User, corrects: Decision | None) -> bool:
    if not roles.may_decide(assessor) or assessor.pk == trainee.pk:
        return False
    if may_assess(assessor, trainee):
        return True
    # The current reviewer of an appeal may record a correcting decision (not a replaced one).
    return (
        corrects is not None
        and corrects.trainee_id == trainee.pk
        and may_correct_decision(assessor, corrects)
    )


def _round_number(
    *, trainee: User, unit: CompetencyUnit, corrects: Decision | None, correction_reason: str
) -> int:
    """A correction stays in the round it corrects; otherwise a new round follows a Not Yet
    Competent decision, and none follows Competent (that is corrected instead)."""
    if corrects is not None:
        if corrects.trainee_id != trainee.pk or corrects.unit_id != unit.pk:
            raise PermissionDenied
        if not correction_reason.strip():
            raise DecisionRefused(_("Say why the earlier decision is corrected."))
        if corrects.corrections.exists():
            raise DecisionRefused(_("This decision has already been corrected."))
        return corrects.round_number
    latest = current_decision(trainee=trainee, unit=unit)
    if latest is None:
        return 1
    if latest.outcome == Decision.Outcome.COMPETENT:
        raise DecisionRefused(
            _("The trainee has already been assessed Competent; record a correction instead.")
        )
    return latest.round_number + 1


@transaction.atomic
def decision_record(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    course: CoursePage | None = None,
    outcome: str,
    reasons: str,
    assessed_on: date,
    feedback: str = "",
    reassessment_on: date | None = None,
    corrects: Decision | None = None,
    correction_reason: str = "",
) -> Decision:
    if not _may_decide(assessor, trainee, corrects):
        raise PermissionDenied(_("Only an assessor assigned to this trainee may decide."))
    if not reasons.strip():
        raise DecisionRefused(_("Give the reasons for the decision."))
    profile = competency_profile(trainee=trainee, unit=unit, course=course)
    if outcome == Decision.Outcome.COMPETENT and not profile.complete:
        gaps = profile.gaps or [_("The unit has no indicators to assess.")]
        raise DecisionRefused(
            _("Competent cannot be recorded while the profile has gaps: %(gaps)s")
            % {"gaps": "; ".join(gaps)},
            gaps=gaps,
        )
    if outcome == Decision.Outcome.NOT_YET_COMPETENT:
        if not feedback.strip():
            raise DecisionRefused(_("Give the trainee feedback on what to work on."))
        if reassessment_on is None:
            raise DecisionRefused(_("Set a reassessment date."))
    elif outcome != Decision.Outcome.COMPETENT:
        raise DecisionRefused(_("Unknown outcome."))

    round_number = _round_number(
        trainee=trainee, unit=unit, corrects=corrects, correction_reason=correction_reason
    )
    # Selection for moderation is fixed now, before the row exists (it never uses the pk).
    moderation_required = outcome == Decision.Outcome.COMPETENT and moderation_required_for(
        assessor=assessor,
        trainee_id=trainee.pk,
        unit_id=unit.pk,
        round_number=round_number,
        corrects=corrects,
    )
    decision = Decision.objects.create(
        trainee=trainee,
        unit=unit,
        course=course,
        round_number=round_number,
        assessor=assessor,
        outcome=outcome,
        reasons=reasons,
        gaps=profile.gaps if outcome == Decision.Outcome.NOT_YET_COMPETENT else [],
        feedback=feedback,
        reassessment_on=reassessment_on if outcome == Decision.Outcome.NOT_YET_COMPETENT else None,
        assessed_on=assessed_on,
        corrects=corrects,
        correction_reason=correction_reason,
        moderation_required=moderation_required,
    )
    summary = f"{decision.get_outcome_display()} ({_('round')} {round_number})"
    if corrects is not None:
        # A correction is audited as one, with what it corrects and why.
        summary = _("Correction of decision #%(corrected)s (%(was)s): %(now)s. Why: %(reason)s") % {
            "corrected": corrects.pk,
            "was": corrects.get_outcome_display(),
            "now": summary,
            "reason": correction_reason,
        }
    audit_record(
        actor=assessor,
        action="decision.corrected" if corrects is not None else "decision.recorded",
        obj=decision,
        trainee=trainee,
        summary=summary[:2000],
        data={
            "gaps": decision.gaps,
            "corrects": corrects.pk if corrects else None,
            "correction_reason": correction_reason if corrects else "",
            "moderation_required": moderation_required,
        },
    )
    _notify_trainee(decision)
    if corrects is not None:
        # Certificates issued from the corrected decision stop being valid, in this transaction.
        certificates_on_decision_corrected(decision=decision)
    if outcome == Decision.Outcome.COMPETENT:
        # Issues only when the course says so; rendering runs after commit, in a task.
        transaction.on_commit(lambda: certificate_issue_on_decision(decision=decision))
    return decision
