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
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from assessments import pdf
from assessments.models.certificates import (
    BulkIssueItem,
    BulkIssueJob,
    Certificate,
    CertificateCounter,
)
from assessments.models.decisions import Decision
from assessments.selectors import certificates as selectors
from assessments.services.audit import audit_record

# Keys and reminders have their own modules; tests still reach them as `certificates.<name>`.
from assessments.services.certificate_reminders import (
    certificates_send_expiry_reminders as certificates_send_expiry_reminders,
)
from assessments.services.signing_keys import (
    certificate_signing_key_create as certificate_signing_key_create,
)
from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from people import roles
from people.models import Cohort, User

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "LA"


class CertificateError(Exception):
    """A certificate cannot be issued or changed; the message is shown to the user."""


class AlreadyIssued(CertificateError):
    def __init__(self, certificate: Certificate):
        super().__init__(_("A certificate was already issued for this decision."))
        self.certificate = certificate


# --- helpers -------------------------------------------------------------------------


def _number_allocate(year: int) -> str:
    CertificateCounter.objects.get_or_create(year=year)
    counter = CertificateCounter.objects.select_for_update(of=("self",)).get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def _verification_code() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits, 32 URL-safe characters


def _render_and_store(certificate: Certificate) -> None:
    content = pdf.render_pdf(
        pdf.CERTIFICATE_TEMPLATE, selectors.certificate_print_context(certificate)
    )
    certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
    certificate.pdf_size = len(content)
    year = timezone.localtime(certificate.issued_at).year
    certificate.pdf.save(
        f"{year}/{certificate.number}-{secrets.token_hex(8)}.pdf", ContentFile(content), save=False
    )
    try:
        certificate.save(update_fields=["pdf", "pdf_sha256", "pdf_size"])
    except Exception:
        certificate.pdf.delete(save=False)
        raise


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


def _check_admin(by: User | None) -> None:
    if by is None or not roles.is_admin(by):
        raise PermissionDenied(gettext("Only admins may change certificates."))


# --- issue ---------------------------------------------------------------------------


def _create(
    *, decision: Decision, issued_by: User | None, replaces: Certificate | None, via: str
) -> Certificate:
    now = timezone.now()
    issued_on = timezone.localtime(now).date()
    trainee = decision.trainee
    holder = unicodedata.normalize("NFC", trainee.printed_name.strip())[:100]
    assessor_name = unicodedata.normalize("NFC", decision.assessor.printed_name.strip())[:100]
    certificate = Certificate.objects.create(
        number=_number_allocate(timezone.localtime(now).year),
        verification_code=_verification_code(),
        decision=decision,
        trainee=trainee,
        unit=decision.unit,
        course=decision.course,
        holder_name=holder,
        assessor_name=assessor_name,
        replaces=replaces,
        issued_at=now,
        issued_by=issued_by,
        expires_on=_expires_on(decision.course, issued_on),
    )
    _render_and_store(certificate)
    _audit(
        by=issued_by,
        action="certificate.issued",
        certificate=certificate,
        decision=decision.pk,
        replaces=replaces.number if replaces else None,
        via=via,
    )
    return certificate


@transaction.atomic
def certificate_issue(
    *, decision: Decision, issued_by: User | None = None, via: str = "manual"
) -> Certificate:
    """Issue the certificate of a Competent decision, once. `issued_by` None means the
    system acting on the course's auto-issue rule or a bulk job already authorised; `via`
    ("manual", "auto", "bulk") goes into the audit entry."""
    _check_may_issue(decision, issued_by)
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
    try:
        with transaction.atomic():
            return _create(decision=decision, issued_by=issued_by, replaces=None, via=via)
    except IntegrityError as error:
        existing = selectors.decision_original_certificate(decision)
        if existing is not None:
            raise AlreadyIssued(existing) from error
        raise


def certificate_issue_on_decision(*, decision: Decision) -> None:
    """Called by the decision service after a decision is recorded: when the course issues
    automatically and the decision is Competent, issue in the background once committed."""
    course = decision.course
    if decision.outcome != Decision.Outcome.COMPETENT:
        return
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


# --- bulk issue ------------------------------------------------------------------------


@transaction.atomic
def bulk_issue_job_create(
    *, by: User, cohort: Cohort, unit: CompetencyUnit, decision_ids: list[int]
) -> BulkIssueJob:
    """Queue a background job issuing the chosen decisions' certificates. Only decisions
    that are candidates for this cohort and unit are accepted."""
    _check_admin(by)
    wanted = set(decision_ids)
    if not wanted:
        raise CertificateError(_("Choose at least one decision."))
    candidates = list(
        selectors.bulk_issue_candidates(cohort=cohort, unit=unit)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if len(set(candidates)) != len(wanted):
        raise CertificateError(
            _(
                "Some chosen decisions are not Competent decisions of this cohort without a certificate."
            )
        )
    job = BulkIssueJob.objects.create(created_by=by, cohort=cohort, unit=unit)
    BulkIssueItem.objects.bulk_create(
        [BulkIssueItem(job=job, decision_id=pk) for pk in sorted(set(candidates))]
    )
    _audit_job(by=by, action="certificate_bulk_job.created", job=job, decisions=sorted(candidates))
    _enqueue_job(job.pk)
    return job


def _audit_job(*, by: User | None, action: str, job: BulkIssueJob, **data) -> None:
    audit_record(
        actor=by,
        action=action,
        obj=job,
        summary=f"#{job.pk} {job.cohort} · {job.unit.code}"[:500],
        data={"job": job.pk, "cohort": job.cohort_id, "unit": job.unit_id, **data},
    )


def _enqueue_job(job_id: int) -> None:
    transaction.on_commit(lambda: bulk_issue_job_task.enqueue(job_id))


@transaction.atomic
def bulk_issue_job_retry(*, job: BulkIssueJob, by: User) -> int:
    _check_admin(by)
    job = BulkIssueJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
    count = job.items.filter(status=BulkIssueItem.Status.FAILED).update(
        status=BulkIssueItem.Status.PENDING, error=""
    )
    if count:
        job.status = BulkIssueJob.Status.PENDING
        job.finished_at = None
        job.save(update_fields=["status", "finished_at"])
        _audit_job(by=by, action="certificate_bulk_job.retried", job=job, items=count)
        _enqueue_job(job.pk)
    return count


def _bulk_item_process(item_id: int) -> None:
    with transaction.atomic():
        item = (
            BulkIssueItem.objects.select_for_update(of=("self",))
            .select_related("job", "decision")
            .get(pk=item_id)
        )
        if item.status != BulkIssueItem.Status.PENDING:
            return  # another run already handled it
        item.attempts += 1
        try:
            with transaction.atomic():
                certificate = certificate_issue(
                    decision=item.decision, issued_by=item.job.created_by, via="bulk"
                )
        except AlreadyIssued as already:
            item.status = BulkIssueItem.Status.SKIPPED
            item.certificate = already.certificate
            item.error = str(already)[:300]
        except (CertificateError, PermissionDenied) as error:
            item.status = BulkIssueItem.Status.FAILED
            item.error = str(error)[:300]
        except Exception as error:  # rendering or storage failure: listed, retryable
            logger.exception("bulk certificate issue failed for item %s", item_id)
            item.status = BulkIssueItem.Status.FAILED
            item.error = f"{type(error).__name__}: {error}"[:300]
        else:
            item.status = BulkIssueItem.Status.ISSUED
            item.certificate = certificate
            item.error = ""
        item.save(update_fields=["status", "certificate", "error", "attempts"])


def bulk_issue_job_run(*, job_id: int) -> BulkIssueJob:
    """Process every pending item of a job, one transaction per item. Safe to run twice at
    once: each item is locked and re-checked, and the certificate constraint holds."""
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update(of=("self",)).get(pk=job_id)
        if job.status == BulkIssueJob.Status.PENDING:
            job.status = BulkIssueJob.Status.RUNNING
            job.started_at = job.started_at or timezone.now()
            job.save(update_fields=["status", "started_at"])
    with translation.override(settings.LANGUAGE_CODE):
        for item_id in job.items.filter(status=BulkIssueItem.Status.PENDING).values_list(
            "pk", flat=True
        ):
            _bulk_item_process(item_id)
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update(of=("self",)).get(pk=job_id)
        if (
            job.status != BulkIssueJob.Status.DONE
            and not job.items.filter(status=BulkIssueItem.Status.PENDING).exists()
        ):
            job.status = BulkIssueJob.Status.DONE
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "finished_at"])
            _audit_job(
                by=None,
                action="certificate_bulk_job.finished",
                job=job,
                requested_by=job.created_by_id,
                **bulk_issue_job_counts(job),
            )
    return job


@task()
def bulk_issue_job_task(job_id: int) -> int:
    return bulk_issue_job_run(job_id=job_id).pk


def bulk_issue_job_counts(job: BulkIssueJob) -> dict[str, int]:
    counts = job.items.aggregate(
        total=Count("pk"),
        issued=Count("pk", filter=Q(status=BulkIssueItem.Status.ISSUED)),
        skipped=Count("pk", filter=Q(status=BulkIssueItem.Status.SKIPPED)),
        failed=Count("pk", filter=Q(status=BulkIssueItem.Status.FAILED)),
        pending=Count("pk", filter=Q(status=BulkIssueItem.Status.PENDING)),
    )
    return counts
