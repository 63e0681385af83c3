"""The certificate card on an assessor's trainee page: the current Competent decision on the
unit, its latest certificate, and whether the viewer may issue one (or why not)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.selectors.certificates import verify_url
from assessments.selectors.moderation import decision_awaiting_moderation
from people import roles


@dataclass
class CertificateCard:
    decision: Decision
    certificate: Certificate | None
    verify_url: str
    may_issue: bool
    why_not: str


def certificate_card(*, trainee, unit, user) -> CertificateCard | None:
    """None unless the trainee's current decision on `unit` is Competent."""
    if unit is None:
        return None
    decision = (
        Decision.objects.filter(trainee=trainee, unit=unit, corrections__isnull=True)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    if decision is None or decision.outcome != Decision.Outcome.COMPETENT:
        return None
    certificate = (
        Certificate.objects.filter(decision=decision).select_related("unit").order_by("-pk").first()
    )
    if certificate is not None:
        return CertificateCard(decision, certificate, verify_url(certificate), False, "")
    if decision_awaiting_moderation(decision):
        why_not = _("The certificate is waiting for moderation by a second assessor.")
    elif roles.is_assessor(user) and (roles.is_admin(user) or decision.assessor_id == user.pk):
        why_not = ""
    else:
        why_not = _("Only the deciding assessor or an admin may issue this certificate.")
    return CertificateCard(decision, None, "", not why_not, why_not)
