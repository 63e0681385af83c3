"""Daily assessor digest: overdue and due-today items only, once a day, through the outbox and
on the site, respecting e-mail preferences."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.services.assessor_reminders import assessor_reminders_send
from core.models import AuditEntry, Delivery
from people.models import Notification
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def _due(trainee, assessor, ws, days):
    return Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        assessor=assessor,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        reasons="理由",
        assessed_on=timezone.localdate(),
        reassessment_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_nothing_due_sends_nothing(ws, trainee, assessor):
    _due(trainee, assessor, ws, 3)  # due later: not pressing
    assert assessor_reminders_send() == 0
    assert not Notification.objects.filter(user=assessor).exists()


def test_sent_once_a_day(ws, trainee, assessor, django_capture_on_commit_callbacks):
    assessor.email = "assessor@example.com"
    assessor.save()
    _due(trainee, assessor, ws, -1)
    with django_capture_on_commit_callbacks(execute=False):
        assert assessor_reminders_send() == 1
        assert assessor_reminders_send() == 0
        call_command("send_assessor_reminders")
    assert Notification.objects.filter(user=assessor).count() == 1
    assert Delivery.objects.filter(recipient="assessor@example.com").count() == 1
    entry = AuditEntry.objects.get(action="assessor_reminder.sent")
    assert entry.object_id == assessor.pk and entry.data["date"] == timezone.localdate().isoformat()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False):
        assert assessor_reminders_send(today=tomorrow) == 1


def test_email_preference_respected(ws, trainee, assessor, django_capture_on_commit_callbacks):
    assessor.email = "assessor@example.com"
    assessor.save()
    assessor.profile.notification_email_off = ["staff_reminder"]
    assessor.profile.save()
    _due(trainee, assessor, ws, 0)
    with django_capture_on_commit_callbacks(execute=False):
        assert assessor_reminders_send() == 1
    assert Notification.objects.filter(user=assessor).count() == 1
    assert not Delivery.objects.filter(recipient="assessor@example.com").exists()
