"""Issue 19: retention rules per kind of record (minimums enforced by the admin form), and
the periodic job that purges or anonymises what has reached the end of its period, logged.
Dates are fixed or counted from the records' own dates; `now` is passed in."""

import datetime
import importlib
from io import StringIO

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Decision, EvidenceRecord
from core.models import AuditEntry, Delivery
from people.models import Notification
from privacy.models import RetentionRule, RetentionRun
from privacy.periods import add_months
from privacy.record_kinds import KINDS, RecordKind
from privacy.services import retention_apply
from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.quizzes import quiz_setup
from training.models import LessonProgress, QuizAttempt
from training.services.quizzes import quiz_attempt_start

from .records import FIXED, full_records, notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language(settings):
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _rule(kind):
    info = KINDS[kind]
    return RetentionRule.objects.get_or_create(
        kind=kind, defaults={"months": info.default_months, "action": info.default_action}
    )[0]


def test_migration_seeds_the_defaults_of_every_kind():
    migration = importlib.import_module("privacy.migrations.0002_default_retention_rules")
    assert {
        kind: (info.default_months, info.default_action) for kind, info in KINDS.items()
    } == migration.DEFAULTS
    assert KINDS[RecordKind.EVIDENCE].minimum_months == 84
    assert KINDS[RecordKind.DECISIONS].minimum_months == 84
    assert KINDS[RecordKind.CERTIFICATES].minimum_months == 360
    assert KINDS[RecordKind.CERTIFICATES].actions == ("keep",)


def test_add_months_keeps_month_ends():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 3, 15), -84) == datetime.date(2020, 3, 15)


def test_notifications_purged_after_their_period_and_the_run_logged(trainee):
    old = notify(trainee, "舊通知", at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC))
    new = notify(trainee, "新通知", at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    dry = retention_apply(now=FIXED, dry_run=True)
    assert dry.dry_run and dry.counts["notifications"] == 1
    assert Notification.objects.filter(pk=old.pk).exists()  # a dry run changes nothing
    run = retention_apply(now=FIXED, dry_run=False)
    assert run.counts["notifications"] == 1 and not run.dry_run
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=new.pk).exists()
    assert RetentionRun.objects.count() == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"privacy.retention_dry_run", "privacy.retention_applied"} <= actions


def test_keep_action_keeps(trainee):
    rule = _rule(RecordKind.NOTIFICATIONS)
    rule.action = "keep"
    rule.save()
    old = notify(trainee, "舊通知", at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    retention_apply(now=FIXED, dry_run=False)
    assert Notification.objects.filter(pk=old.pk).exists()


def test_sent_deliveries_purged_queued_kept():
    sent = Delivery.objects.create(recipient="a@example.test", subject="s", status="sent")
    queued = Delivery.objects.create(recipient="b@example.test", subject="q")
    retention_apply(now=add_months(timezone.now(), 7), dry_run=False)
    assert not Delivery.objects.filter(pk=sent.pk).exists()
    assert Delivery.objects.filter(pk=queued.pk).exists()


def test_unsubmitted_quiz_attempts_purged_after_three_months(trainee):
    quiz, _ = quiz_setup(trainee, types=("single",))
    attempt = quiz_attempt_start(quiz=quiz, trainee=trainee)
    retention_apply(now=add_months(attempt.started_at, 2), dry_run=False)
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
    retention_apply(now=add_months(attempt.started_at, 4), dry_run=False)
    assert not QuizAttempt.objects.filter(pk=attempt.pk).exists()


def test_lesson_progress_of_inactive_accounts_purged(trainee, other_trainee):
    lesson = lessons_of(make_learning_course(modules=1, lessons_per_module=1))[0]
    LessonProgress.objects.create(trainee=trainee, lesson=lesson)
    LessonProgress.objects.create(trainee=other_trainee, lesson=lesson)
    now = add_months(trainee.date_joined, 37)
    type(other_trainee).objects.filter(pk=other_trainee.pk).update(last_login=add_months(now, -1))
    run = retention_apply(now=now, dry_run=False)
    assert run.counts["lesson_progress"] == 1
    assert list(LessonProgress.objects.values_list("trainee_id", flat=True)) == [other_trainee.pk]


def test_evidence_kept_seven_years_after_the_decision_then_anonymised(
    trainee, assessor, django_capture_on_commit_callbacks
):
    records = full_records(trainee=trainee, assessor=assessor, certificate=True)
    decided = records["decision"].decided_at
    stored = records["portfolio"].file_name
    storage = storages["private"]
    assert storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=add_months(decided, 83), dry_run=False)
    assert run.counts["evidence"] == 0 and run.counts["account"] == 0
    assert storage.exists(stored)
    trainee.refresh_from_db()
    assert not trainee.username.startswith("anonymised-")

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=add_months(decided, 85), dry_run=False)
    assert run.counts["evidence"] >= 1 and run.counts["account"] == 1
    assert not storage.exists(stored)
    # The append-only rows still exist; the person they point to is anonymised.
    assert EvidenceRecord.objects.filter(pk=records["portfolio"].pk).exists()
    assert Decision.objects.filter(pk=records["decision"].pk).exists()
    trainee.refresh_from_db()
    assert trainee.profile.full_name == f"已匿名 #{trainee.pk}"
    assert trainee.email == "" and trainee.profile.employee_number == ""
    assert trainee.username == f"anonymised-{trainee.pk}" and not trainee.is_active
    assert not trainee.has_usable_password()
    assert not Notification.objects.filter(user=trainee).exists()
    # The certificate register keeps the printed name.
    records["certificate"].refresh_from_db()
    assert records["certificate"].holder_name != f"已匿名 #{trainee.pk}"
    # The assessor (staff) is never anonymised by the job.
    assessor.refresh_from_db()
    assert not assessor.username.startswith("anonymised-")


def test_admin_form_enforces_minimums(admin_client_):
    evidence = _rule(RecordKind.EVIDENCE)
    url = reverse("retention_rules:edit", args=[evidence.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"months": "12", "action": "anonymise"})
    assert response.status_code == 200
    assert "至少保存 84 個月" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.months == 84
    response = admin_client_.post(url, {"months": "120", "action": "purge"})
    assert "此類紀錄不得如此處理" in response.content.decode()
    response = admin_client_.post(url, {"months": "120", "action": "anonymise"})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.months == 120

    certificates = _rule(RecordKind.CERTIFICATES)
    url = reverse("retention_rules:edit", args=[certificates.pk])
    response = admin_client_.post(url, {"months": "360", "action": "anonymise"})
    assert "此類紀錄不得如此處理" in response.content.decode()
    response = admin_client_.post(url, {"months": "100", "action": "keep"})
    assert "至少保存 360 個月" in response.content.decode()
    response = admin_client_.post(url, {"months": "abc", "action": "keep"})
    assert response.status_code == 200
    certificates.refresh_from_db()
    assert (certificates.months, certificates.action) == (360, "keep")


@pytest.mark.parametrize("role", ["trainer", "assessor"])
def test_rules_refused_to_staff(client_as, role):
    rule = _rule(RecordKind.NOTIFICATIONS)
    client, _user = client_as(role)
    for url in (
        reverse("retention_rules:index"),
        reverse("retention_rules:edit", args=[rule.pk]),
        reverse("retention_runs:index"),
    ):
        assert client.get(url).status_code in (302, 403)
    response = client.post(
        reverse("retention_rules:edit", args=[rule.pk]), {"months": "0", "action": "purge"}
    )
    assert response.status_code in (302, 403)
    rule.refresh_from_db()
    assert rule.months == KINDS[RecordKind.NOTIFICATIONS].default_months


def test_admin_sees_the_runs(admin_client_):
    run = retention_apply(now=FIXED, dry_run=True)
    response = admin_client_.get(reverse("retention_runs:index"))
    assert response.status_code == 200
    # Each run opens its details (the counts per kind); each rule opens its form.
    assert reverse("retention_runs:inspect", args=[run.pk]) in response.content.decode()
    details = admin_client_.get(reverse("retention_runs:inspect", args=[run.pk]))
    assert details.status_code == 200
    rule = _rule(RecordKind.EVIDENCE)
    rules = admin_client_.get(reverse("retention_rules:index")).content.decode()
    assert reverse("retention_rules:edit", args=[rule.pk]) in rules


def test_command_dry_run_and_bad_date(trainee):
    notify(trainee, "舊通知", at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    out = StringIO()
    call_command("retention_apply", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and "notifications: 1" in out.getvalue()
    assert Notification.objects.filter(user=trainee).exists()
    call_command("retention_apply", "--as-of", "2027-01-15", stdout=StringIO())
    assert not Notification.objects.filter(user=trainee).exists()
    assert RetentionRun.objects.filter(dry_run=False).count() == 1
    with pytest.raises(CommandError):
        call_command("retention_apply", "--as-of", "soon")
