"""The background jobs of the assessments app live beside the services that queue them
(`manage.py db_worker` runs them). django-tasks stores each queued job under the import path
of its task: these names keep jobs queued under `assessments.tasks.*` runnable."""

from assessments.services.certificate_bulk import bulk_issue_job_task
from assessments.services.certificate_reminders import certificates_expiry_reminders_task
from assessments.services.certificates import certificate_issue_task

__all__ = ["bulk_issue_job_task", "certificate_issue_task", "certificates_expiry_reminders_task"]
