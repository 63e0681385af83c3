"""Bulk issue: one background job issues certificates for many Competent decisions,
idempotently (running it twice issues nothing twice), with its progress and audit.

A job is worked through by RUNNERS background tasks at once, each taking its share of the
items (`item pk % parts`), so that every `db_worker` can help with a large job; whichever
runner finds nothing pending left closes the job."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from assessments.models.certificates import BulkIssueItem, BulkIssueJob, Certificate
from assessments.selectors import certificates as selectors
from assessments.services.certificates import (
    AlreadyIssued,
    AwaitingModeration,
    CertificateError,
    _check_admin,
    certificate_issue,
)
from content.models.framework import CompetencyUnit
from core.audit import audit_record
from people.models import Cohort, User

logger = logging.getLogger(__name__)

# Background tasks per job: each takes every RUNNERS-th item. More than the workers there are
# costs nothing (a runner with an empty share ends at once), fewer leaves workers idle.
RUNNERS = 4


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
    def enqueue() -> None:
        for part in range(RUNNERS):
            bulk_issue_job_task.enqueue(job_id, part, RUNNERS)

    transaction.on_commit(enqueue)


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


def _bulk_item_outcome(item: BulkIssueItem) -> tuple[str, Certificate | None, str]:
    """Issue the item's certificate (its own short transactions: the render holds no lock)
    and say how it went: status, certificate, error."""
    try:
        certificate = certificate_issue(
            decision=item.decision, issued_by=item.job.created_by, via="bulk"
        )
    except AlreadyIssued as already:
        return BulkIssueItem.Status.SKIPPED, already.certificate, str(already)[:300]
    except AwaitingModeration as waiting:
        # Skipped for now and listed with the reason; "retry" issues it once confirmed.
        return BulkIssueItem.Status.FAILED, None, str(waiting)[:300]
    except (CertificateError, PermissionDenied) as error:
        return BulkIssueItem.Status.FAILED, None, str(error)[:300]
    except Exception as error:  # rendering or storage failure: listed, retryable
        logger.exception("bulk certificate issue failed for item %s", item.pk)
        return BulkIssueItem.Status.FAILED, None, f"{type(error).__name__}: {error}"[:300]
    return BulkIssueItem.Status.ISSUED, certificate, ""


def _bulk_item_process(item_id: int) -> None:
    """Count the attempt, issue, then record the outcome, each in its own transaction. Two
    runners on one item issue once (the decision's lock and the certificate's constraint);
    the first outcome recorded stands."""
    with transaction.atomic():
        item = (
            BulkIssueItem.objects.select_for_update(of=("self",))
            .select_related("job__created_by", "decision")
            .get(pk=item_id)
        )
        if item.status != BulkIssueItem.Status.PENDING:
            return  # another run already handled it
        item.attempts += 1
        item.save(update_fields=["attempts"])
    status, certificate, error = _bulk_item_outcome(item)
    with transaction.atomic():
        recorded = BulkIssueItem.objects.select_for_update(of=("self",)).get(pk=item_id)
        if recorded.status != BulkIssueItem.Status.PENDING:
            return
        recorded.status, recorded.certificate, recorded.error = status, certificate, error
        recorded.save(update_fields=["status", "certificate", "error"])


def bulk_issue_job_run(*, job_id: int, part: int = 0, parts: int = 1) -> BulkIssueJob:
    """Process the pending items of a job (those with `pk % parts == part`; all of them by
    default), one transaction per item. Safe to run twice at once, and beside the job's other
    runners: each item is locked and re-checked, and the certificate constraint holds."""
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update(of=("self",)).get(pk=job_id)
        if job.status == BulkIssueJob.Status.PENDING:
            job.status = BulkIssueJob.Status.RUNNING
            job.started_at = job.started_at or timezone.now()
            job.save(update_fields=["status", "started_at"])
    pending = job.items.filter(status=BulkIssueItem.Status.PENDING)
    if parts > 1:
        pending = pending.alias(share=F("pk") % parts).filter(share=part)
    with translation.override(settings.LANGUAGE_CODE):
        for item_id in pending.order_by("pk").values_list("pk", flat=True):
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
def bulk_issue_job_task(job_id: int, part: int = 0, parts: int = 1) -> int:
    # Jobs queued before runners had shares carry only `job_id`: they run every item.
    return bulk_issue_job_run(job_id=job_id, part=part, parts=parts).pk


def bulk_issue_job_counts(job: BulkIssueJob) -> dict[str, int]:
    counts = job.items.aggregate(
        total=Count("pk"),
        issued=Count("pk", filter=Q(status=BulkIssueItem.Status.ISSUED)),
        skipped=Count("pk", filter=Q(status=BulkIssueItem.Status.SKIPPED)),
        failed=Count("pk", filter=Q(status=BulkIssueItem.Status.FAILED)),
        pending=Count("pk", filter=Q(status=BulkIssueItem.Status.PENDING)),
    )
    return counts
