"""Appeals: lodged by the trainee, assigned by an admin to a different assessor, closed with
an outcome by that reviewer."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.decisions import Decision
from core.audit import audit_record
from people import roles
from people.models import NotificationKind, User
from people.notifications import notification_send


@transaction.atomic
def appeal_lodge(*, trainee: User, decision: Decision, reason: str) -> Appeal:
    if decision.trainee_id != trainee.pk:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give a reason for the appeal."))
    # Only a current Not Yet Competent decision can be appealed: a Competent learner has
    # nothing to appeal, and a corrected decision has been replaced by the current one.
    if decision.corrections.exists():
        raise ValidationError(
            _("This decision has been corrected: appeal against the current decision instead.")
        )
    if decision.outcome == Decision.Outcome.COMPETENT:
        raise ValidationError(
            _("You were assessed Competent: there is no decision to appeal against.")
        )
    if Appeal.objects.filter(decision=decision, outcomes__isnull=True).exists():
        raise ValidationError(_("An appeal against this decision is already open."))
    appeal = Appeal.objects.create(decision=decision, trainee=trainee, reason=reason)
    audit_record(
        actor=trainee, action="appeal.lodged", obj=appeal, trainee=trainee, summary=reason[:200]
    )
    return appeal


@transaction.atomic
def appeal_assign(*, admin: User, appeal: Appeal, reviewer: User) -> AppealAssignment:
    if not roles.is_admin(admin):
        raise PermissionDenied
    if (
        not roles.is_assessor(reviewer)
        or reviewer.is_superuser
        and not reviewer.groups.filter(name=roles.ASSESSOR).exists()
    ):
        raise ValidationError(_("The reviewer must be an assessor."))
    if reviewer.pk in (appeal.decision.assessor_id, appeal.trainee_id):
        raise ValidationError(_("The reviewer must not be the assessor who made the decision."))
    if appeal.outcomes.exists():
        raise ValidationError(_("This appeal is closed."))
    previous = appeal.assignments.order_by("-assigned_at", "-pk").select_related("reviewer").first()
    assignment = AppealAssignment.objects.create(
        appeal=appeal, reviewer=reviewer, assigned_by=admin
    )
    summary = reviewer.printed_name
    if previous is not None and previous.reviewer_id != reviewer.pk:
        # The replaced reviewer loses access from now on (access follows the current row).
        summary = _("%(reviewer)s (replaces %(previous)s)") % {
            "reviewer": reviewer.printed_name,
            "previous": previous.reviewer.printed_name,
        }
    audit_record(
        actor=admin,
        action="appeal.reassigned" if previous is not None else "appeal.assigned",
        obj=assignment,
        trainee=appeal.trainee,
        summary=summary,
        data={
            "appeal": appeal.pk,
            "reviewer": reviewer.pk,
            "replaces": previous.reviewer_id if previous is not None else None,
        },
    )
    return assignment


def current_reviewer_id(appeal: Appeal) -> int | None:
    latest = appeal.assignments.order_by("-assigned_at", "-pk").first()
    return latest.reviewer_id if latest else None


@transaction.atomic
def appeal_outcome_record(
    *, reviewer: User, appeal: Appeal, outcome: str, reasons: str
) -> AppealOutcome:
    if current_reviewer_id(appeal) != reviewer.pk:
        raise PermissionDenied(_("Only the assigned reviewer records the outcome."))
    if appeal.outcomes.exists():
        raise ValidationError(_("This appeal is closed."))
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the outcome."))
    if outcome not in AppealOutcome.Outcome.values:
        raise ValidationError(_("Unknown outcome."))
    result = AppealOutcome.objects.create(
        appeal=appeal, reviewer=reviewer, outcome=outcome, reasons=reasons
    )
    audit_record(
        actor=reviewer,
        action="appeal.decided",
        obj=result,
        trainee=appeal.trainee,
        summary=result.get_outcome_display(),
        data={"appeal": appeal.pk},
    )
    notification_send(
        user=appeal.trainee,
        kind=NotificationKind.APPEAL,
        title=gettext_lazy("Outcome of your appeal: %(outcome)s"),
        body=gettext_lazy(
            "%(reviewer)s reviewed your appeal against the decision for %(unit)s. "
            "Reasons: %(reasons)s"
        ),
        url=reverse_lazy("assessments:me"),
        params={
            "outcome": AppealOutcome.Outcome(outcome).label,
            "reviewer": reviewer.printed_name,
            "unit": appeal.decision.unit.code,
            "reasons": reasons.strip(),
        },
    )
    return result
