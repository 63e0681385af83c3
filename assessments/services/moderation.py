"""Moderation: a second assessor confirms (or not) a Competent decision selected for it when
it was recorded. Confirmed: the certificate may issue (issued at once when the course issues
automatically). Not confirmed: the deciding assessor is e-mailed and corrects the decision."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.models.decisions import Decision
from assessments.models.moderation import Moderation
from assessments.selectors.scope import may_assess
from assessments.services.certificates import certificate_issue_on_decision
from core.audit import audit_record
from core.languages import user_language
from core.services import delivery_queue
from people import roles
from people.models import User


def _check_may_moderate(moderator: User, decision: Decision) -> None:
    if not roles.may_decide(moderator):
        raise PermissionDenied(_("Only an assessor may moderate a decision."))
    if decision.assessor_id == moderator.pk:
        raise PermissionDenied(
            _("A decision is moderated by a second assessor, never by the one who made it.")
        )
    if not may_assess(moderator, decision.trainee):
        raise PermissionDenied(_("Only an assessor assigned to this trainee may moderate."))


def _not_confirmed_mail(*, moderation: Moderation) -> None:
    decision = moderation.decision
    assessor = decision.assessor
    if not assessor.email:
        return
    language = user_language(assessor)
    with translation.override(language):
        link = settings.SITE_BASE_URL.rstrip("/") + reverse(
            "assessments:trainee", args=[decision.trainee_id]
        )
        subject = _("Your decision on %(name)s was not confirmed in moderation") % {
            "name": decision.trainee.printed_name
        }
        body = _(
            "%(moderator)s did not confirm your Competent decision on %(name)s (unit %(unit)s, "
            "round %(round)s).\n\nReasons: %(reasons)s\n\nNo certificate issues from it. "
            "Please record a correction on the trainee's page:\n\n%(link)s\n"
        ) % {
            "moderator": moderation.moderator.printed_name,
            "name": decision.trainee.printed_name,
            "unit": decision.unit.code,
            "round": decision.round_number,
            "reasons": moderation.reasons,
            "link": link,
        }
    delivery_queue(
        recipient=assessor.email,
        subject=subject,
        body=body,
        language=language,
        kind="decision.not_confirmed",
    )


@transaction.atomic
def moderation_record(
    *, moderator: User, decision: Decision, outcome: str, reasons: str
) -> Moderation:
    _check_may_moderate(moderator, decision)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("trainee__profile", "assessor__profile", "unit", "course")
        .get(pk=decision.pk)
    )
    if not decision.moderation_required:
        raise ValidationError(_("This decision does not need moderation."))
    if decision.corrections.exists():
        raise ValidationError(_("This decision has been corrected by a later decision."))
    if decision.moderations.exists():
        raise ValidationError(_("This decision has already been moderated."))
    if outcome not in Moderation.Outcome.values:
        raise ValidationError(_("Unknown outcome."))
    reasons = (reasons or "").strip()
    if outcome == Moderation.Outcome.NOT_CONFIRMED and not reasons:
        raise ValidationError(_("Say why the decision is not confirmed."))
    moderation = Moderation.objects.create(
        decision=decision, moderator=moderator, outcome=outcome, reasons=reasons
    )
    audit_record(
        actor=moderator,
        action="decision.moderated",
        obj=decision,
        trainee=decision.trainee,
        summary=(
            f"{moderation.get_outcome_display()}: {reasons}"
            if reasons
            else str(moderation.get_outcome_display())
        )[:2000],
        data={"moderation": moderation.pk, "outcome": outcome, "reasons": reasons},
    )
    if outcome == Moderation.Outcome.CONFIRMED:
        # The certificate the course issues automatically was deferred until now.
        certificate_issue_on_decision(decision=decision)
    else:
        _not_confirmed_mail(moderation=moderation)
    return moderation
