"""With the mail server down (the real SMTP backend aimed at a closed port on 127.0.0.1, or at
a local server that answers 554), submitting for review, creating a third-party report link and asking for a password reset
all work for the user; the deliveries end up failed in the admin's list; once a real SMTP
server answers, "resend" delivers them and marks them sent."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from assessments.models.evidence import ThirdPartyRequest
from content.pages.lesson import LessonPage
from content.services.review import review_workflow_ensure
from core.models import AuditEntry, Delivery
from tests.content.test_review_workflow import _lesson_form
from tests.core.conftest import point_at_smtp
from tests.core.smtp import running_smtp_server
from tests.factories.learning import course_index, make_learning_course
from tests.factories.people import make_assessor, make_trainee, make_trainer
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db

INDEX = "deliveries:index"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def module(role_groups):
    review_workflow_ensure(page=course_index())
    course = make_learning_course(modules=1, lessons_per_module=1)
    return course.get_children().first().specific


def test_mail_down_requests_succeed_admin_resends_when_mail_is_back(
    mail_down, module, admin_user, django_capture_on_commit_callbacks
):
    after_commit = django_capture_on_commit_callbacks  # run on_commit work, as in production
    author, reviewer = make_trainer(name="作者"), make_trainer(name="審閱者")
    assessor, trainee = make_assessor(), make_trainee()
    ws = workspace_build(assessor=assessor, trainees=[trainee])

    # 1. Submit for review in the Wagtail editor: submitted, reviewers notified (later).
    with after_commit(execute=True):
        response = _client(author).post(
            reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk]),
            _lesson_form("停機時送審", "submitted-while-mail-down", "action-submit"),
        )
    assert response.status_code == 302, response.content[:2000]
    lesson = LessonPage.objects.get(slug="submitted-while-mail-down")
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == author

    # 2. A third-party report link: row, audit entry and the link on the page.
    with after_commit(execute=True):
        response = _client(assessor).post(
            reverse("assessments:third_party_new", args=[trainee.pk]),
            {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"},
        )
    assert response.status_code == 200
    link = response.context["link"]
    assert link and link in response.content.decode()
    tp_request = ThirdPartyRequest.objects.get(trainee=trainee, unit=ws.unit)
    assert AuditEntry.objects.filter(action="third_party.requested", object_id=tp_request.pk)

    # 3. Password reset: the "sent" page.
    with after_commit(execute=True):
        response = Client().post(reverse("password_reset"), {"email": trainee.email}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")

    # Every message is in the outbox, tried once and refused.
    deliveries = list(Delivery.objects.all())
    by_recipient = {d.recipient: d for d in deliveries}
    assert {reviewer.email, admin_user.email, "lin@example.test", trainee.email} <= set(
        by_recipient
    )
    assert author.email not in by_recipient  # nobody is asked to review their own work
    assert by_recipient["lin@example.test"].kind == "third_party.link"
    assert link in by_recipient["lin@example.test"].body
    assert "password" in by_recipient[trainee.email].subject.lower() or "密碼" in (
        by_recipient[trainee.email].subject
    )
    for delivery in deliveries:
        assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
        assert delivery.last_error.startswith(("ConnectionRefusedError", "SMTPConnectError")), (
            delivery.last_error
        )

    # The periodic command retries (back-off is 0 s here) until the attempts are used up.
    call_command("deliveries_retry")
    call_command("deliveries_retry")
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.FAILED, 3)}

    # The admin sees them, failed first, without bodies (reset and report links are secrets).
    admin = _client(admin_user)
    Delivery.objects.create(
        recipient="done@example.test", subject="已寄出的舊信", status=Delivery.Status.SENT
    )
    html = admin.get(reverse(INDEX)).content.decode()
    for delivery in deliveries:
        assert delivery.recipient in html
        assert reverse("deliveries:resend", args=[delivery.pk]) in html
    assert html.index(deliveries[0].recipient) < html.index("done@example.test")
    secrets = [link, *(re.findall(r"https?://\S+", by_recipient[trainee.email].body))]
    assert len(secrets) == 2
    only_failed = admin.get(reverse(INDEX), {"status": "failed"}).content.decode()
    assert "done@example.test" not in only_failed and trainee.email in only_failed
    for delivery in deliveries:
        inspect = admin.get(reverse("deliveries:inspect", args=[delivery.pk])).content.decode()
        assert delivery.recipient in inspect and delivery.last_error.split(":")[0] in inspect
        for page in (html, only_failed, inspect):
            assert not any(secret in page for secret in secrets)

    # Mail works again: resend each one through a real SMTP server.
    with running_smtp_server() as server:
        point_at_smtp(mail_down, server.port)
        for delivery in deliveries:
            url = reverse("deliveries:resend", args=[delivery.pk])
            assert 'data-testid="delivery-resend-confirm"' in admin.get(url).content.decode()
            with after_commit(execute=True):
                response = admin.post(url)
            assert response.status_code == 302 and response["Location"] == reverse(INDEX)
        received = list(server.received)
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENT and delivery.sent_at
        assert delivery.body == "" and delivery.html_body == ""  # no secret left behind
    assert sorted(r for m in received for r in m.recipients) == sorted(
        d.recipient for d in deliveries
    )

    def arrived(address: str) -> list:
        return [m for m in received if m.recipients == [address]]

    assert link in arrived("lin@example.test")[0].text
    assert any(lesson.title in m.text for m in arrived(reviewer.email))

    # The reset e-mail that really arrived sets a new password.
    path = re.search(r"https?://[^/]+(/\S+)", arrived(trainee.email)[0].text).group(1)
    client = Client()
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("Brand-New-Pass9")


def test_reviewers_are_notified_of_approval_and_rejection_through_the_outbox(
    outbox, module, django_capture_on_commit_callbacks
):
    from django.core import mail
    from wagtail.models import TaskState

    author, reviewer = make_trainer(), make_trainer()
    with django_capture_on_commit_callbacks(execute=True):
        _client(author).post(
            reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk]),
            _lesson_form("通知測試", "notify-me", "action-submit"),
        )
    lesson = LessonPage.objects.get(slug="notify-me")
    task_state = TaskState.objects.get(workflow_state__object_id=str(lesson.pk))
    assert Delivery.objects.filter(recipient=reviewer.email, status="sent").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(reviewer).post(
            reverse(
                "wagtailadmin_pages:workflow_action", args=[lesson.pk, "reject", task_state.pk]
            ),
            {"comment": "請修改"},
        )
    assert response.status_code in (200, 302)
    rejected = Delivery.objects.filter(recipient=author.email, status="sent")
    assert rejected.exists() and any(author.email in m.to for m in mail.outbox)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer", "assessor"])
def test_only_superusers_see_or_resend_deliveries(client_as, role, admin_user):
    failed = Delivery.objects.create(
        recipient="x@example.test", subject="失敗", body="secret", status=Delivery.Status.FAILED
    )
    client, _user = client_as(role)
    for url in (
        reverse(INDEX),
        reverse("deliveries:inspect", args=[failed.pk]),
        reverse("deliveries:resend", args=[failed.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "x@example.test" not in response.content.decode()
    response = client.post(reverse("deliveries:resend", args=[failed.pk]))
    assert response.status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED
    if role == "trainer":  # trainers use the Wagtail admin, but get no menu item
        assert reverse(INDEX) not in client.get(reverse("wagtailadmin_home")).content.decode()
    admin_home = _client(admin_user).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) in admin_home


def test_admin_resend_is_post_only_and_for_failed_rows(admin_user):
    admin = _client(admin_user)
    sent = Delivery.objects.create(
        recipient="ok@example.test", subject="已寄出", status=Delivery.Status.SENT
    )
    page = admin.get(reverse("deliveries:resend", args=[sent.pk])).content.decode()
    assert 'data-testid="delivery-resend-confirm"' not in page
    response = admin.post(reverse("deliveries:resend", args=[sent.pk]), follow=True)
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT
    assert admin.get(reverse("deliveries:resend", args=[10**9])).status_code == 404
    # Nothing can be added, edited or deleted: those views do not exist.
    assert admin.get(f"/admin/deliveries/edit/{sent.pk}/").status_code == 404
    assert admin.get("/admin/deliveries/new/").status_code == 404
