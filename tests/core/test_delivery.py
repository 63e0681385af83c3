"""The outbox on its own: queue, send after commit, never twice, retries with back-off,
failure, resend; the site-wide OutboxBackend; languages; the retry command; checks."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.users.models import UserProfile

from core import services
from core.checks import mail_settings_check
from core.languages import address_language, user_language
from core.models import Delivery
from core.tasks import delivery_send_task
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def _queue(**kw) -> Delivery:
    return services.delivery_queue(
        recipient=kw.pop("recipient", "someone@example.test"),
        subject=kw.pop("subject", "主旨"),
        body=kw.pop("body", "內容 https://example.test/secret-token/"),
        **kw,
    )


class Boom(Exception):
    pass


def test_rollback_leaves_no_delivery_and_sends_nothing(outbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        _queue()
        send_mail("經由後端", "內容", None, ["other@example.test"])
        raise Boom
    assert not Delivery.objects.exists()
    assert callbacks == [] and mail.outbox == []


def test_sent_after_commit_body_cleared_metadata_kept(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = _queue(kind="test.kind", language="en", html_body="<p>內容</p>")
    assert delivery.status == Delivery.Status.QUEUED and mail.outbox == []  # not before commit
    for callback in callbacks:
        callback()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.sent_at is not None
    assert (delivery.body, delivery.html_body) == ("", "")  # secret links do not stay
    assert (delivery.subject, delivery.recipient, delivery.kind, delivery.attempts) == (
        "主旨",
        "someone@example.test",
        "test.kind",
        1,
    )
    [message] = mail.outbox
    assert message.to == ["someone@example.test"] and "secret-token" in message.body
    assert message.alternatives[0][0] == "<p>內容</p>"


def test_a_sent_delivery_is_never_sent_twice(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _queue()
    assert len(mail.outbox) == 1
    # The task running again, a second enqueue, the retry command: all leave it alone.
    assert services.delivery_attempt(delivery_id=delivery.pk).status == Delivery.Status.SENT
    delivery_send_task.enqueue(delivery.pk)
    call_command("deliveries_retry")
    with pytest.raises(services.DeliveryError):
        services.delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert len(mail.outbox) == 1 and delivery.attempts == 1


def test_a_claimed_or_not_yet_due_row_is_skipped(outbox):
    delivery = _queue()  # on_commit never runs inside the test transaction
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert services.delivery_attempt(delivery_id=delivery.pk).attempts == 0
    assert services.deliveries_retry_due() == {"queued": 0, "sent": 0, "failed": 0}
    assert mail.outbox == []
    assert services.delivery_attempt(delivery_id=10**9) is None


def test_failures_back_off_exponentially_then_fail(outbox, monkeypatch):
    outbox.DELIVERY_MAX_ATTEMPTS = 3
    outbox.DELIVERY_RETRY_BASE_SECONDS = 60
    outbox.DELIVERY_EMAIL_BACKEND = "tests.core.test_delivery.BrokenBackend"
    delivery = _queue()
    delays = []
    for attempt in (1, 2):
        before = timezone.now()
        delivery = services.delivery_attempt(delivery_id=delivery.pk)
        assert delivery.status == Delivery.Status.QUEUED and delivery.attempts == attempt
        assert "SMTPish: mail server said no" in delivery.last_error
        delays.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delays == [1, 2]
    delivery = services.delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is None
    assert delivery.body  # kept for the resend
    # Resend gives it a fresh round; once mail works it is sent.
    outbox.DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.delivery_resend(delivery=delivery)
    delivery = services.delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.SENT and len(mail.outbox) == 1


class SMTPish(Exception):
    pass


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise SMTPish("mail server said no")


def test_retries_are_deferred_only_where_the_task_backend_can_defer(outbox):
    outbox.DELIVERY_EMAIL_BACKEND = "tests.core.test_delivery.BrokenBackend"
    outbox.DELIVERY_RETRY_BASE_SECONDS = 60
    delivery = _queue()
    # The immediate backend (tests) cannot defer: nothing is enqueued, the command retries.
    assert services._enqueue(delivery.pk, run_after=timezone.now()) is False
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        from django_tasks import default_task_backend

        delivery = services.delivery_attempt(delivery_id=delivery.pk)
        [result] = default_task_backend.results
        assert result.args == [delivery.pk]
        assert result.task.run_after == delivery.next_attempt_at


def test_enqueue_failure_never_reaches_the_caller(
    outbox, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise RuntimeError("queue database is down")

    monkeypatch.setattr(type(delivery_send_task), "enqueue", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _queue()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.QUEUED
    monkeypatch.undo()
    call_command("deliveries_retry")  # the periodic command picks it up
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_retry_command_reports(outbox, capsys):
    _queue()
    call_command("deliveries_retry")
    assert "1 sent, 0 to retry, 0 failed" in capsys.readouterr().out


def test_outbox_backend_queues_one_row_per_recipient(outbox, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "多位\n收件人",
        "純文字",
        "from@example.test",
        ["a@example.test"],
        cc=["b@example.test"],
        bcc=["c@example.test"],
        reply_to=["reply@example.test"],
        headers={"Auto-Submitted": "auto-generated", "X-Delivery-Kind": "test.label"},
    )
    message.attach_alternative("<b>HTML</b>", "text/html")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert message.send() == 1
    rows = list(Delivery.objects.order_by("recipient"))
    assert [d.recipient for d in rows] == ["a@example.test", "b@example.test", "c@example.test"]
    first = rows[0]
    assert (
        first.subject == "多位 收件人"
        and first.body == "純文字"
        and first.html_body == "<b>HTML</b>"
    )
    assert first.kind == "test.label" and first.from_email == "from@example.test"
    assert first.headers == {"Auto-Submitted": "auto-generated", "Reply-To": "reply@example.test"}
    assert mail.outbox == []  # nothing leaves before commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [d.recipient for d in rows]
    sent = mail.outbox[0]
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "X-Delivery-Kind" not in sent.extra_headers
    assert sent.from_email == "from@example.test"


def test_outbox_backend_keeps_html_only_messages(outbox):
    message = EmailMultiAlternatives("HTML", "<p>只有 <b>HTML</b></p>", None, ["a@example.test"])
    message.content_subtype = "html"
    message.send()
    delivery = Delivery.objects.get()
    assert delivery.html_body == "<p>只有 <b>HTML</b></p>" and delivery.body == "只有 HTML"


def test_user_language(role_groups, settings):
    user = make_trainee()
    assert user_language(user) == settings.LANGUAGE_CODE
    assert not UserProfile.objects.filter(user=user).exists()  # reading creates nothing
    UserProfile.objects.create(user=user, preferred_language="en")
    assert user_language(user) == "en"
    assert address_language(user.email) == "en"
    UserProfile.objects.filter(user=user).update(preferred_language="fr")  # not offered
    assert user_language(user) == settings.LANGUAGE_CODE
    assert user_language(None) == settings.LANGUAGE_CODE


def test_mail_settings_checks(settings):
    assert mail_settings_check() == []
    settings.DELIVERY_EMAIL_BACKEND = "core.mail.OutboxBackend"
    assert [e.id for e in mail_settings_check()] == ["core.E002"]
    settings.DELIVERY_EMAIL_BACKEND = "no.such.Backend"
    assert [e.id for e in mail_settings_check()] == ["core.E001"]
    settings.DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = True
    assert [e.id for e in mail_settings_check()] == ["core.E003"]


def test_mail_settings_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_HOST": "smtp.example.test",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "academy",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": "true",
        "EMAIL_TIMEOUT": "7",
        "EMAIL_FILE_PATH": "/tmp/academy-mail",
        "DEFAULT_FROM_EMAIL": "academy@example.test",
        "SERVER_EMAIL": "errors@example.test",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(base)
        assert reloaded.EMAIL_BACKEND == "core.mail.OutboxBackend"
        assert env["DJANGO_EMAIL_BACKEND"] == reloaded.DELIVERY_EMAIL_BACKEND
        assert (reloaded.EMAIL_HOST, reloaded.EMAIL_PORT) == ("smtp.example.test", 587)
        assert (reloaded.EMAIL_HOST_USER, reloaded.EMAIL_HOST_PASSWORD) == ("academy", "pw")
        assert reloaded.EMAIL_USE_TLS is True and reloaded.EMAIL_USE_SSL is False
        assert reloaded.EMAIL_TIMEOUT == 7 and reloaded.EMAIL_FILE_PATH == "/tmp/academy-mail"
        assert reloaded.DEFAULT_FROM_EMAIL == "academy@example.test"
        assert reloaded.SERVER_EMAIL == "errors@example.test"
    finally:
        monkeypatch.undo()
        importlib.reload(base)
