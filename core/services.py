"""The outbox: every e-mail is a `Delivery` row written in the caller's transaction and sent
after commit by a background task through the real backend (settings.DELIVERY_EMAIL_BACKEND).

- `delivery_queue` writes the row; a rollback of the caller's transaction leaves no row and
  sends nothing.
- `delivery_attempt` (the task) claims the row with a conditional UPDATE, sends outside any
  transaction (no database lock is held while SMTP is slow), then records the outcome: sent
  (body cleared, since links in it may be secrets), or the error with a retry after an
  exponential back-off, or failed after DELIVERY_MAX_ATTEMPTS. A row that is sent, failed,
  not yet due or claimed by another worker is left alone, so running the task twice never
  sends twice.
- Retries are enqueued with `run_after` when the task backend supports deferral; on other
  backends (the immediate one used by tests) `manage.py deliveries_retry` sends due rows.
- `delivery_resend` puts a failed row back in the queue (the admin's "resend").
Nothing here raises into the request that queued a message."""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from core.models import Delivery

logger = logging.getLogger("core.delivery")

MAX_ATTEMPTS = 6  # settings.DELIVERY_MAX_ATTEMPTS
RETRY_BASE_SECONDS = 60  # settings.DELIVERY_RETRY_BASE_SECONDS: 1, 2, 4, 8, 16 minutes
LEASE_SECONDS = 300  # settings.DELIVERY_LEASE_SECONDS: a claimed row is left alone this long
ERROR_LENGTH = 2000


class DeliveryError(Exception):
    """A delivery cannot be changed as asked; the message is shown to the user."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@transaction.atomic
def delivery_queue(
    *,
    recipient: str,
    subject: str,
    body: str,
    html_body: str = "",
    from_email: str = "",
    headers: dict[str, str] | None = None,
    language: str = "",
    kind: str = "mail",
) -> Delivery:
    """Write one message to the outbox; it is sent after the surrounding transaction commits.
    Render subject and body in the recipient's language before calling this."""
    delivery = Delivery.objects.create(
        recipient=recipient.strip(),
        subject=_one_line(subject)[:998],
        body=body,
        html_body=html_body,
        from_email=from_email,
        headers=headers or {},
        language=language,
        kind=kind,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    logger.info("delivery %s queued: %s to %s", delivery.pk, kind, delivery.recipient)
    return delivery


def _enqueue(delivery_id: int, run_after: datetime | None = None) -> bool:
    """Hand the row to the task backend. Never raises: a row that could not be enqueued stays
    queued and `manage.py deliveries_retry` sends it."""
    try:
        task = delivery_send_task
        if run_after is not None:
            if not task.get_backend().supports_defer:
                logger.info(
                    "delivery %s: task backend cannot defer; deliveries_retry will retry it",
                    delivery_id,
                )
                return False
            task = task.using(run_after=run_after)
        task.enqueue(delivery_id)
    except Exception:
        logger.exception(
            "delivery %s: could not enqueue; deliveries_retry will send it", delivery_id
        )
        return False
    return True


def _due(now: datetime) -> Q:
    return Q(status=Delivery.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _send(delivery: Delivery) -> None:
    backend = settings.DELIVERY_EMAIL_BACKEND
    if getattr(import_string(backend), "is_outbox", False):
        raise ImproperlyConfigured("DELIVERY_EMAIL_BACKEND must be a real e-mail backend.")
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        from_email=delivery.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        headers=delivery.headers or None,
        connection=get_connection(backend, fail_silently=False),
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    if message.send() != 1:
        raise RuntimeError("the e-mail backend accepted no message")


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """One attempt at sending a queued, due row (the task's body). Deliberately not one
    transaction: claim, send, record, so no lock is held while the mail server answers."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=_setting("DELIVERY_LEASE_SECONDS", LEASE_SECONDS))
    claimed = Delivery.objects.filter(_due(now), pk=delivery_id).update(
        attempts=F("attempts") + 1, next_attempt_at=lease_until
    )
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        logger.warning("delivery %s: no such row", delivery_id)
        return None
    if not claimed:
        logger.info(
            "delivery %s: %s, not due or taken by another worker; skipped",
            delivery_id,
            delivery.status,
        )
        return delivery
    try:
        _send(delivery)
    except Exception as exc:
        return _record_failure(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        body="",
        html_body="",
        last_error="",
        next_attempt_at=None,
    )
    logger.info(
        "delivery %s sent: %s to %s (attempt %s)",
        delivery.pk,
        delivery.kind,
        delivery.recipient,
        delivery.attempts,
    )
    delivery.refresh_from_db()
    return delivery


def _record_failure(delivery: Delivery, exc: Exception) -> Delivery:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    max_attempts = _setting("DELIVERY_MAX_ATTEMPTS", MAX_ATTEMPTS)
    if delivery.attempts >= max_attempts:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error=error, next_attempt_at=None
        )
        logger.error(
            "delivery %s failed after %s attempts: %s to %s: %s",
            delivery.pk,
            delivery.attempts,
            delivery.kind,
            delivery.recipient,
            error,
        )
    else:
        base = _setting("DELIVERY_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
        retry_at = timezone.now() + timedelta(seconds=base * 2 ** (delivery.attempts - 1))
        Delivery.objects.filter(pk=delivery.pk).update(last_error=error, next_attempt_at=retry_at)
        logger.warning(
            "delivery %s attempt %s of %s failed (%s); next attempt at %s",
            delivery.pk,
            delivery.attempts,
            max_attempts,
            error,
            retry_at.isoformat(),
        )
        _enqueue(delivery.pk, run_after=retry_at)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def delivery_resend(*, delivery: Delivery, by=None) -> Delivery:
    """Put a failed delivery back in the queue with a fresh set of attempts."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != Delivery.Status.FAILED:
        raise DeliveryError(_("Only failed deliveries can be resent."))
    locked.status = Delivery.Status.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(partial(_enqueue, locked.pk), robust=True)
    logger.info("delivery %s queued again by %s", locked.pk, getattr(by, "username", by))
    return locked


def deliveries_retry_due(*, limit: int = 200) -> dict[str, int]:
    """Attempt every queued row that is due (the periodic `manage.py deliveries_retry`).
    Returns how many rows ended sent, still queued (retrying) or failed."""
    ids = list(
        Delivery.objects.filter(_due(timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for delivery_id in ids:
        delivery = delivery_attempt(delivery_id=delivery_id)
        if delivery is not None:
            counts[delivery.status] += 1
    return counts


@task()
def delivery_send_task(delivery_id: int) -> str:
    """The background job (`manage.py db_worker` runs it): send one outbox row. It re-reads
    the row and re-checks its state, so it may run late or twice and still send once."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "missing"
