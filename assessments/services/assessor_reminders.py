"""Daily digest for assessors: the to-do items overdue or due today, on the site and by
e-mail (through `notification_send`, hence core's outbox and the person's e-mail
preferences), at most once a day per assessor. The audit log records each digest sent and is
what makes a second run the same day send nothing."""

import datetime

from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.selectors.todo import assessor_todo
from core.audit import audit_record
from core.models import AuditEntry
from people import roles
from people.models import NotificationKind, User

ACTION = "assessor_reminder.sent"


def _pressing(groups, today: datetime.date) -> list:
    """Items with a due date on or before today (the to-do list's waiting items have none)."""
    return [item for g in groups for item in g.items if item.due and item.on <= today]


def _already_sent(assessor: User, today: datetime.date) -> bool:
    return AuditEntry.objects.filter(
        action=ACTION, object_type="user", object_id=assessor.pk, data__date=today.isoformat()
    ).exists()


@transaction.atomic
def assessor_reminder_send(*, assessor: User, today: datetime.date | None = None) -> bool:
    """Send `assessor` today's digest if something is overdue or due today and none was sent
    today. Returns whether one was sent."""
    from people.notifications import notification_send

    today = today or timezone.localdate()
    User.objects.select_for_update(of=("self",)).filter(pk=assessor.pk).first()  # one at a time
    if _already_sent(assessor, today):
        return False
    items = _pressing(assessor_todo(assessor=assessor, today=today), today)
    if not items:
        return False
    overdue = sum(1 for item in items if item.overdue)
    lines = "\n".join(f"- {item.on.isoformat()} · {item.who} · {item.what}" for item in items)
    notification_send(
        user=assessor,
        kind=NotificationKind.STAFF_REMINDER,
        title=_("%(count)s assessment items are overdue or due today"),
        body=_("Overdue: %(overdue)s. Due today: %(today)s.\n%(lines)s"),
        url=reverse_lazy("assessments:todo"),
        params={
            "count": len(items),
            "overdue": overdue,
            "today": len(items) - overdue,
            "lines": lines,
        },
    )
    audit_record(
        actor=None,
        action=ACTION,
        obj=assessor,
        summary=f"{today.isoformat()} · {len(items)}",
        data={"date": today.isoformat(), "items": len(items), "overdue": overdue},
    )
    return True


def assessor_reminders_send(*, today: datetime.date | None = None) -> int:
    """Each active assessor's digest (each in its own transaction). Returns how many were sent."""
    today = today or timezone.localdate()
    assessors = User.objects.filter(groups__name=roles.ASSESSOR, is_active=True).distinct()
    return sum(assessor_reminder_send(assessor=a, today=today) for a in assessors.order_by("pk"))
