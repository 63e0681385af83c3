"""Background jobs of the assessments app (django-tasks API; `manage.py db_worker` runs them).
Each job re-reads the database and re-checks state: it may run late, or twice."""

from django_tasks import task

from assessments.models.decisions import Decision


@task()
def certificate_issue_task(decision_id: int) -> str:
    """Auto-issue on a Competent decision (course rule). Idempotent."""
    from assessments.services.certificates import AlreadyIssued, CertificateError, certificate_issue

    decision = Decision.objects.select_related("course").filter(pk=decision_id).first()
    if decision is None or decision.course is None or not decision.course.auto_issue_certificate:
        return "skipped"
    try:
        return certificate_issue(decision=decision, issued_by=None).number
    except AlreadyIssued as already:
        return already.certificate.number
    except CertificateError:
        return "refused"


@task()
def bulk_issue_job_task(job_id: int) -> int:
    from assessments.services.certificates import bulk_issue_job_run

    job = bulk_issue_job_run(job_id=job_id)
    return job.pk


@task()
def certificates_expiry_reminders_task() -> int:
    from assessments.services.certificates import certificates_send_expiry_reminders

    return certificates_send_expiry_reminders()
