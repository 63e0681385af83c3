"""Expiry reminders: holders of a certificate that expires soon are e-mailed once, through
core's outbox, in their own language."""

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from assessments.models.certificates import Certificate
from assessments.selectors import certificates as selectors
from core.languages import user_language
from core.services import delivery_queue


def _reminder_queue(certificate: Certificate) -> None:
    language = user_language(certificate.trainee)
    with translation.override(language):
        subject = gettext("Your certificate %(number)s expires on %(date)s") % {
            "number": certificate.number,
            "date": certificate.expires_on.isoformat(),
        }
        body = gettext(
            "Your certificate %(number)s for unit %(unit)s expires on %(date)s. "
            "Please talk to your assessor about reassessment."
        ) % {
            "number": certificate.number,
            "unit": certificate.unit.code,
            "date": certificate.expires_on.isoformat(),
        }
    delivery_queue(
        recipient=certificate.trainee.email,
        subject=subject,
        body=body,
        language=language,
        kind="certificate.expiry_reminder",
    )


def certificates_send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail holders whose valid certificate expires within the design's reminder window,
    in the holder's language. Each certificate is reminded once: the reminder is queued in the
    outbox in the same transaction that marks the certificate reminded. Returns how many
    reminders were queued."""
    today = today or timezone.localdate()
    design = selectors.design_load()
    horizon = today + datetime.timedelta(days=design.reminder_days_before_expiry)
    due = Certificate.objects.filter(
        status=Certificate.Status.ISSUED,
        expires_on__isnull=False,
        expires_on__gte=today,
        expires_on__lte=horizon,
        reminder_sent_at__isnull=True,
    ).select_related("trainee", "unit")
    sent = 0
    for certificate in due:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
            if locked.reminder_sent_at is not None:
                continue
            if certificate.trainee.email:
                _reminder_queue(certificate)
                sent += 1
            locked.reminder_sent_at = timezone.now()
            locked.save(update_fields=["reminder_sent_at"])
    return sent


@task()
def certificates_expiry_reminders_task() -> int:
    """The daily reminders, for the db_worker (`certificates_send_expiry_reminders --enqueue`)."""
    return certificates_send_expiry_reminders()
