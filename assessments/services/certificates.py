"""Writes about certificates: issue (by hand, automatically on a Competent decision, or in
bulk jobs), revoke and reissue. The background jobs these writes queue live here too, beside
the services they run. Signing keys: `signing_keys`; expiry reminders:
`certificate_reminders`; the verify rate limit: `verify_throttle`."""

import calendar
import datetime
import hashlib
import logging
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from assessments import pdf
from assessments.models.certificates import (
    Certificate,
    CertificateCounter,
    CertificateNumberReservation,
)
from assessments.models.decisions import Decision
from assessments.selectors import certificates as selectors
from assessments.selectors.moderation import decision_awaiting_moderation

# Keys and reminders have their own modules; tests still reach them as `certificates.<name>`.
from assessments.services.certificate_reminders import (
    certificates_send_expiry_reminders as certificates_send_expiry_reminders,
)
from assessments.services.signing_keys import (
    certificate_signing_key_create as certificate_signing_key_create,
)
from content.pages.course import CoursePage
from core.audit import audit_record
from people import roles
from people.models import NotificationKind, User
from people.notifications import notification_send

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "LA"


class CertificateError(Exception):
    """A certificate cannot be issued or changed; the message is shown to the user."""


class AwaitingModeration(CertificateError):
    """The decision was selected for moderation and no second assessor has confirmed it."""

    def __init__(self):
        super().__init__(_("The certificate is waiting for moderation by a second assessor."))


class AlreadyIssued(CertificateError):
    def __init__(self, certificate: Certificate):
        super().__init__(_("A certificate was already issued for this decision."))
        self.certificate = certificate


# --- helpers -------------------------------------------------------------------------


def _number_allocate(year: int) -> str:
    """The year's next number. The counter's row stays locked until the caller's transaction
    ends, so callers keep that transaction short."""
    CertificateCounter.objects.get_or_create(year=year)
    counter = CertificateCounter.objects.select_for_update(of=("self",)).get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def _number_reserve(decision: Decision, now: datetime.datetime) -> str:
    """With the decision locked: the number this decision reserved this year and has not used
    (a render that failed), or the year's next number, reserved for it."""
    year = timezone.localtime(now).year
    used = Certificate.objects.filter(number=OuterRef("number"))
    spare = (
        CertificateNumberReservation.objects.filter(
            decision=decision, number__startswith=f"{NUMBER_PREFIX}-{year}-"
        )
        .exclude(Exists(used))
        .order_by("number")
        .first()
    )
    if spare is not None:
        return spare.number
    number = _number_allocate(year)
    CertificateNumberReservation.objects.create(number=number, decision=decision, reserved_at=now)
    return number


def _verification_code() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits, 32 URL-safe characters


def _render(certificate: Certificate) -> bytes:
    """The PDF of a certificate not yet stored (no database writes: run it outside locks)."""
    return pdf.render_pdf(
        pdf.CERTIFICATE_TEMPLATE, selectors.certificate_print_context(certificate)
    )


def _draft(
    *,
    decision: Decision,
    number: str,
    issued_by: User | None,
    replaces: Certificate | None,
    now: datetime.datetime,
) -> Certificate:
    """The certificate as it will be stored, unsaved, for the render."""
    return Certificate(
        number=number,
        verification_code=_verification_code(),
        decision=decision,
        trainee=decision.trainee,
        unit=decision.unit,
        course=decision.course,
        holder_name=unicodedata.normalize("NFC", decision.trainee.printed_name.strip())[:100],
        assessor_name=unicodedata.normalize("NFC", decision.assessor.printed_name.strip())[:100],
        replaces=replaces,
        issued_at=now,
        issued_by=issued_by,
        expires_on=_expires_on(decision.course, timezone.localtime(now).date()),
    )


def _store(certificate: Certificate, content: bytes, *, via: str) -> Certificate:
    """Save the rendered certificate with its PDF (stored once, its hash recorded), audit it
    and tell the holder. In the caller's transaction; the file goes if the row does not."""
    certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
    certificate.pdf_size = len(content)
    year = timezone.localtime(certificate.issued_at).year
    certificate.pdf.save(
        f"{year}/{certificate.number}-{secrets.token_hex(8)}.pdf", ContentFile(content), save=False
    )
    try:
        certificate.save(force_insert=True)
    except Exception:
        certificate.pdf.delete(save=False)
        raise
    replaces = certificate.replaces
    _audit(
        by=certificate.issued_by,
        action="certificate.issued",
        certificate=certificate,
        decision=certificate.decision_id,
        replaces=replaces.number if replaces else None,
        via=via,
    )
    if replaces is not None:
        _notify_holder(
            certificate,
            _("Your certificate has been reissued as %(number)s"),
            _(
                "Certificate %(old)s for unit %(unit)s is replaced by %(number)s. Download "
                "the new one and share its verification link from your certificates page."
            ),
            old=replaces.number,
        )
    else:
        _notify_holder(
            certificate,
            _("Your certificate %(number)s has been issued"),
            _(
                "You hold certificate %(number)s for unit %(unit)s. Download it and share its "
                "verification link from your certificates page."
            ),
        )
    return certificate


def _expires_on(course: CoursePage | None, issued_on: datetime.date) -> datetime.date | None:
    months = getattr(course, "certificate_valid_months", None) if course else None
    if not months:
        return None
    month_index = issued_on.month - 1 + months
    year, month = issued_on.year + month_index // 12, month_index % 12 + 1
    day = min(issued_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _check_may_issue(decision: Decision, by: User | None) -> None:
    if by is None or roles.is_admin(by):
        return
    if roles.is_assessor(by) and decision.assessor_id == by.pk:
        return
    raise PermissionDenied(
        gettext("Only the deciding assessor or an admin may issue this certificate.")
    )


def _audit(
    *, by: User | None, action: str, certificate: Certificate, summary: str = "", **data
) -> None:
    """One audit entry per certificate change: who (None: the system), what, when, why."""
    audit_record(
        actor=by,
        action=action,
        obj=certificate,
        trainee=certificate.trainee,
        summary=(f"{certificate.number} · {summary}" if summary else certificate.number)[:500],
        data={"number": certificate.number, "status": certificate.status, **data},
    )


def _notify_holder(certificate: Certificate, title, body, **params) -> None:
    """The holder hears of an issue, reissue or revocation on the site and, unless switched
    off, by e-mail, in their own language."""
    notification_send(
        user=certificate.trainee,
        kind=NotificationKind.CERTIFICATE,
        title=title,
        body=body,
        url=reverse_lazy("assessments:certificate_detail", kwargs={"pk": certificate.pk}),
        params={"number": certificate.number, "unit": certificate.unit.code, **params},
    )


def _notify_revoked(certificate: Certificate, reason) -> None:
    _notify_holder(
        certificate,
        _("Your certificate %(number)s has been revoked"),
        _("Certificate %(number)s for unit %(unit)s is no longer valid. Reason: %(reason)s"),
        reason=reason,
    )


def _check_admin(by: User | None) -> None:
    if by is None or not roles.is_admin(by):
        raise PermissionDenied(gettext("Only admins may change certificates."))


# --- issue ---------------------------------------------------------------------------


def _create(
    *, decision: Decision, issued_by: User | None, replaces: Certificate | None, via: str
) -> Certificate:
    """A reissue, in the caller's transaction: a number, the render and the stored row."""
    now = timezone.now()
    number = _number_allocate(timezone.localtime(now).year)
    certificate = _draft(
        decision=decision, number=number, issued_by=issued_by, replaces=replaces, now=now
    )
    return _store(certificate, _render(certificate), via=via)


def _decision_issuable(decision: Decision) -> Decision:
    """The decision, locked, once it is known to be due its first certificate."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("trainee__profile", "assessor__profile", "unit", "course")
        .get(pk=decision.pk)
    )
    if decision.outcome != Decision.Outcome.COMPETENT:
        raise CertificateError(_("Certificates are issued only for Competent decisions."))
    if not selectors.decision_is_current(decision):
        raise CertificateError(_("This decision has been corrected by a later decision."))
    existing = selectors.decision_original_certificate(decision)
    if existing is not None:
        raise AlreadyIssued(existing)
    if decision_awaiting_moderation(decision):
        raise AwaitingModeration()
    return decision


def certificate_issue(
    *, decision: Decision, issued_by: User | None = None, via: str = "manual"
) -> Certificate:
    """Issue the certificate of a Competent decision, once. `issued_by` None means the
    system acting on the course's auto-issue rule or a bulk job already authorised; `via`
    ("manual", "auto", "bulk") goes into the audit entry.

    Three steps, so that several workers render side by side: a short transaction reserves
    the number for the decision (the counter's lock is held only there); the PDF is rendered
    outside any lock; a second short transaction checks the decision again and stores the
    certificate. A render that fails leaves the number reserved for the decision's next try,
    so no number is lost. Called inside an outer transaction, the steps still hold, but the
    counter stays locked until that transaction ends."""
    _check_may_issue(decision, issued_by)
    now = timezone.now()
    with transaction.atomic():
        locked = _decision_issuable(decision)
        number = _number_reserve(locked, now)
    certificate = _draft(
        decision=locked, number=number, issued_by=issued_by, replaces=None, now=now
    )
    content = _render(certificate)
    try:
        with transaction.atomic():
            certificate.decision = _decision_issuable(decision)
            return _store(certificate, content, via=via)
    except IntegrityError as error:
        existing = selectors.decision_original_certificate(decision)
        if existing is not None:
            raise AlreadyIssued(existing) from error
        raise


def certificate_issue_on_decision(*, decision: Decision) -> None:
    """Called by the decision service after a decision is recorded, and by the moderation
    service once a second assessor confirms it: when the course issues automatically and the
    decision is Competent (and not waiting for moderation), issue in the background once
    committed."""
    course = decision.course
    if decision.outcome != Decision.Outcome.COMPETENT:
        return
    if decision_awaiting_moderation(decision):
        return  # deferred: the moderation service calls again on confirmation
    if course is None or not course.auto_issue_certificate:
        return
    decision_id = decision.pk
    transaction.on_commit(lambda: certificate_issue_task.enqueue(decision_id))


@task()
def certificate_issue_task(decision_id: int) -> str:
    """Auto-issue on a Competent decision (course rule). Idempotent: it re-reads the decision
    and may run late, or twice."""
    decision = Decision.objects.select_related("course").filter(pk=decision_id).first()
    if decision is None or decision.course is None or not decision.course.auto_issue_certificate:
        return "skipped"
    try:
        return certificate_issue(decision=decision, issued_by=None, via="auto").number
    except AlreadyIssued as already:
        return already.certificate.number
    except CertificateError:
        return "refused"


# --- lifecycle -------------------------------------------------------------------------


@transaction.atomic
def certificates_on_decision_corrected(*, decision: Decision) -> int:
    """When `decision` corrects an earlier one, the certificates issued from the earlier
    decision stop being valid: they are revoked (kept), by the correcting assessor, with a
    reason not shown publicly. For the decision service to call after a correction commits."""
    if decision.corrects_id is None:
        return 0
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The assessment decision was corrected (decision %(pk)s).") % {
            "pk": decision.pk
        }
    revoked = list(
        Certificate.objects.select_for_update(of=("self",))
        .select_related("trainee")
        .filter(decision_id=decision.corrects_id, status=Certificate.Status.ISSUED)
    )
    for certificate in revoked:
        certificate.status = Certificate.Status.REVOKED
        certificate.status_changed_at = now
        certificate.status_changed_by = decision.assessor
        certificate.status_reason = reason
        certificate.status_reason_public = False
        certificate.save(
            update_fields=[
                "status",
                "status_changed_at",
                "status_changed_by",
                "status_reason",
                "status_reason_public",
            ]
        )
        _audit(
            by=decision.assessor,
            action="certificate.revoked",
            certificate=certificate,
            summary=reason,
            reason=reason,
            public=False,
            decision_corrected=decision.corrects_id,
            correcting_decision=decision.pk,
        )
        _notify_revoked(certificate, _("The assessment decision was corrected."))
    return len(revoked)


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by: User, reason: str, show_reason_publicly: bool = False
) -> Certificate:
    _check_admin(by)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for revoking the certificate."))
    certificate = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
    if certificate.status != Certificate.Status.ISSUED:
        raise CertificateError(_("Only a valid certificate can be revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.status_changed_at = timezone.now()
    certificate.status_changed_by = by
    certificate.status_reason = reason[:1000]
    certificate.status_reason_public = show_reason_publicly
    certificate.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_changed_by",
            "status_reason",
            "status_reason_public",
        ]
    )
    _audit(
        by=by,
        action="certificate.revoked",
        certificate=certificate,
        summary=certificate.status_reason,
        reason=certificate.status_reason,
        public=show_reason_publicly,
    )
    _notify_revoked(certificate, certificate.status_reason)
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """A new certificate (new number, current printed name) replaces the old one, which is
    kept and shown as superseded."""
    _check_admin(by)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for reissuing the certificate."))
    old = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
    if old.status != Certificate.Status.ISSUED:
        raise CertificateError(_("Only a valid certificate can be reissued."))
    old.status = Certificate.Status.SUPERSEDED
    old.status_changed_at = timezone.now()
    old.status_changed_by = by
    old.status_reason = reason[:1000]
    old.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
    decision = Decision.objects.select_related(
        "trainee__profile", "assessor__profile", "unit", "course"
    ).get(pk=old.decision_id)
    new = _create(decision=decision, issued_by=by, replaces=old, via="reissue")
    _audit(
        by=by,
        action="certificate.reissued",
        certificate=old,
        summary=old.status_reason,
        reason=old.status_reason,
        replaced_by=new.number,
    )
    return new


def _check_may_reissue_revoked(decision: Decision, by: User) -> None:
    if roles.is_admin(by):
        return
    if roles.is_assessor(by) and decision.assessor_id == by.pk:
        return
    raise PermissionDenied(
        gettext("Only the deciding assessor or an admin may reissue this certificate.")
    )


@transaction.atomic
def certificate_reissue_revoked(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """A revoked certificate is replaced by a new one (new number, `replaces` the revoked one)
    for the same decision, while that decision is still current and Competent (and not waiting
    for moderation). The revoked one stays revoked, and verifiable as revoked."""
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("decision")
        .get(pk=certificate.pk)
    )
    _check_may_reissue_revoked(old.decision, by)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for reissuing the certificate."))
    if old.status != Certificate.Status.REVOKED:
        raise CertificateError(_("Only a revoked certificate can be reissued this way."))
    if Certificate.objects.filter(replaces=old).exists():
        raise CertificateError(_("This revoked certificate has already been reissued."))
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("trainee__profile", "assessor__profile", "unit", "course")
        .get(pk=old.decision_id)
    )
    if decision.outcome != Decision.Outcome.COMPETENT:
        raise CertificateError(_("Certificates are issued only for Competent decisions."))
    if not selectors.decision_is_current(decision):
        raise CertificateError(
            _(
                "This decision has been corrected by a later decision: the certificate cannot "
                "be reissued from it."
            )
        )
    if decision_awaiting_moderation(decision):
        raise AwaitingModeration()
    if Certificate.objects.filter(decision=decision, status=Certificate.Status.ISSUED).exists():
        raise CertificateError(_("This decision already has a valid certificate."))
    new = _create(decision=decision, issued_by=by, replaces=old, via="reissue_revoked")
    _audit(
        by=by,
        action="certificate.reissued",
        certificate=old,
        summary=reason[:1000],
        reason=reason[:1000],
        replaced_by=new.number,
        was_revoked=True,
    )
    return new
