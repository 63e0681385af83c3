"""Notifications: every event a learner hears of, through the service that causes it (a
notification row and, when the e-mail choice is on, an outbox row in the learner's
language); the notifications page per role (anonymous sent to log in, nobody sees or opens
someone else's), mark read, mark all read; the header's unread count and current section."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from wagtail.users.models import UserProfile

from assessments.models.decisions import Decision
from assessments.services import certificates as certificate_services
from assessments.services.appeals import appeal_assign, appeal_lodge, appeal_outcome_record
from assessments.services.decisions import DecisionRefused, decision_record
from core.models import Delivery
from people.context_processors import roles as roles_context
from people.models import Notification, NotificationKind
from people.notifications import (
    notification_mark_read,
    notification_send,
    notifications_mark_all_read,
    unread_count,
)
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_assessor, make_trainee
from tests.factories.quizzes import quiz_setup
from tests.factories.workspace import give_complete_evidence, workspace_build
from training.services import quizzes as quiz_services

pytestmark = pytest.mark.django_db


def zh_url(name: str, **kwargs) -> str:
    with translation.override("zh-hant"):
        return reverse(name, kwargs=kwargs or None)


def only(user, kind) -> Notification:
    rows = list(Notification.objects.filter(user=user, kind=kind))
    assert len(rows) == 1, rows
    return rows[0]


def mails(user, kind) -> list[Delivery]:
    return list(Delivery.objects.filter(recipient=user.email, kind=f"notify.{kind}"))


def prefer(user, language: str) -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})


def switch_off(user, *kinds) -> None:
    user.profile.notification_email_off = list(kinds)
    user.profile.save(update_fields=["notification_email_off"])


def send(user, title="測試通知", url="/learn/", kind=NotificationKind.DECISION):
    return notification_send(user=user, kind=kind, title=title, body="內容", url=url)


# --- the events -------------------------------------------------------------------------


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def _decide(assessor, trainee, ws, outcome, **kw):
    return decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=outcome,
        reasons="證據充分",
        assessed_on=datetime.date(2026, 11, 20),
        **kw,
    )


def test_a_competent_decision_notifies_the_trainee_and_mails_them_in_chinese(ws, assessor, trainee):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    _decide(assessor, trainee, ws, Decision.Outcome.COMPETENT)
    notification = only(trainee, NotificationKind.DECISION)
    assert notification.title == f"{ws.unit.code} 的評量決定：適任"
    assert "陳評審 已於 2026-11-20 記錄評量決定" in notification.body
    assert notification.url == zh_url("assessments:me") and notification.read_at is None
    [mail] = mails(trainee, NotificationKind.DECISION)
    assert mail.subject == notification.title and mail.language == "zh-hant"
    assert "http://" in mail.body and zh_url("assessments:me") in mail.body
    assert zh_url("profile") in mail.body  # where to switch it off
    assert not Notification.objects.filter(kind=NotificationKind.REASSESSMENT).exists()
    assert not Notification.objects.exclude(user=trainee).exists()  # the assessor hears nothing


def test_not_yet_competent_books_a_reassessment_and_says_so(ws, assessor, trainee):
    _decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="多練習說明點數到期。",
        reassessment_on=datetime.date(2026, 12, 15),
    )
    assert only(trainee, NotificationKind.DECISION).title.endswith("尚未適任")
    booked = only(trainee, NotificationKind.REASSESSMENT)
    assert booked.title == f"{ws.unit.code} 已安排於 2026-12-15 重新評量"
    assert len(mails(trainee, NotificationKind.REASSESSMENT)) == 1


def test_a_correction_is_notified_as_one(ws, assessor, trainee):
    first = _decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="補強",
        reassessment_on=datetime.date(2026, 12, 15),
    )
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    _decide(
        assessor, trainee, ws, Decision.Outcome.COMPETENT, corrects=first, correction_reason="誤判"
    )
    latest = Notification.objects.filter(user=trainee, kind=NotificationKind.DECISION).first()
    assert latest.title == f"您在 {ws.unit.code} 的評量決定已更正：適任"


def test_a_refused_decision_notifies_nobody(ws, assessor, trainee):
    with pytest.raises(DecisionRefused):  # the profile has gaps
        _decide(assessor, trainee, ws, Decision.Outcome.COMPETENT)
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_english_learners_hear_in_english_with_english_links(ws, assessor, trainee):
    prefer(trainee, "en")
    _decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="補強",
        reassessment_on=datetime.date(2026, 12, 15),
    )
    notification = only(trainee, NotificationKind.DECISION)
    assert notification.title == f"Assessment decision for {ws.unit.code}: Not Yet Competent"
    assert notification.url.startswith("/en/")
    [mail] = mails(trainee, NotificationKind.DECISION)
    assert mail.language == "en" and "/en/accounts/me/profile/" in mail.body


def test_the_email_choice_is_honoured_per_kind(ws, assessor, trainee):
    switch_off(trainee, NotificationKind.DECISION)
    _decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="補強",
        reassessment_on=datetime.date(2026, 12, 15),
    )
    # Both are on the notifications page; only the kind still switched on is e-mailed.
    only(trainee, NotificationKind.DECISION)
    only(trainee, NotificationKind.REASSESSMENT)
    assert mails(trainee, NotificationKind.DECISION) == []
    assert len(mails(trainee, NotificationKind.REASSESSMENT)) == 1


def test_no_email_address_means_no_email(role_groups):
    learner = make_trainee(email="")
    send(learner)
    assert Notification.objects.filter(user=learner).count() == 1
    assert not Delivery.objects.exists()


def test_a_rolled_back_write_leaves_no_notification_and_no_email(trainee):
    with pytest.raises(RuntimeError), transaction.atomic():
        send(trainee)
        raise RuntimeError
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_an_appeal_outcome_is_notified(ws, assessor, trainee, admin_user):
    decision = _decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="補強",
        reassessment_on=datetime.date(2026, 12, 15),
    )
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="觀察當天系統當機")
    reviewer = make_assessor(name="獨立評審")
    appeal_assign(admin=admin_user, appeal=appeal, reviewer=reviewer)
    assert not Notification.objects.filter(kind=NotificationKind.APPEAL).exists()
    appeal_outcome_record(reviewer=reviewer, appeal=appeal, outcome="reassess", reasons="重新評量")
    notification = only(trainee, NotificationKind.APPEAL)
    assert notification.title == "您的申訴結果：決定重新評量"
    assert "獨立評審" in notification.body and "重新評量" in notification.body
    assert len(mails(trainee, NotificationKind.APPEAL)) == 1


@pytest.fixture
def decision(trainee, assessor):
    return make_decision(trainee=trainee, assessor=assessor, unit=make_unit())


def test_issue_reissue_and_revoke_are_notified_with_the_certificate_link(
    decision, trainee, assessor, admin_user
):
    certificate = certificate_services.certificate_issue(decision=decision, issued_by=assessor)
    issued = only(trainee, NotificationKind.CERTIFICATE)
    assert issued.title == f"您的證書 {certificate.number} 已核發"
    assert issued.url == zh_url("assessments:certificate_detail", pk=certificate.pk)

    new = certificate_services.certificate_reissue(
        certificate=certificate, by=admin_user, reason="姓名更正"
    )
    reissued = Notification.objects.filter(user=trainee).first()
    assert reissued.title == f"您的證書已重新核發，新編號為 {new.number}"
    assert certificate.number in reissued.body

    certificate_services.certificate_revoke(certificate=new, by=admin_user, reason="資料錯誤")
    revoked = Notification.objects.filter(user=trainee).first()
    assert revoked.title == f"您的證書 {new.number} 已撤銷" and "資料錯誤" in revoked.body
    assert len(mails(trainee, NotificationKind.CERTIFICATE)) == 3


def test_a_refused_revocation_notifies_nobody(decision, trainee, assessor, admin_user):
    certificate = certificate_services.certificate_issue(decision=decision, issued_by=assessor)
    with pytest.raises(certificate_services.CertificateError):
        certificate_services.certificate_revoke(certificate=certificate, by=admin_user, reason=" ")
    assert Notification.objects.filter(user=trainee).count() == 1  # the issue only


def test_a_marked_written_answer_is_notified_with_score_and_comment(trainee, trainer):
    quiz, _questions = quiz_setup(trainee, types=("written",))
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(1))
    quiz_services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee)
    written = attempt.responses.get()
    quiz_services.quiz_response_mark(
        response_id=written.pk, marker=trainer, score=Decimal("0.5"), comment="補救方式要更具體。"
    )
    notification = only(trainee, NotificationKind.MARKING)
    assert notification.title == f"您在「{quiz.title}」的簡答題已批改"
    assert f"得分：0.5／{written.points.normalize():f} 分" in notification.body
    assert "補救方式要更具體。" in notification.body
    assert notification.url == zh_url("training:quiz_result", attempt_id=attempt.pk)
    assert len(mails(trainee, NotificationKind.MARKING)) == 1


def test_an_unknown_kind_is_a_programming_error(trainee):
    with pytest.raises(ValueError, match="unknown notification kind"):
        send(trainee, kind="gossip")


def test_lazy_titles_render_in_the_recipients_language_whatever_is_active(trainee):
    prefer(trainee, "en")
    with translation.override("zh-hant"):
        notification_send(
            user=trainee,
            kind=NotificationKind.APPEAL,
            title=gettext_lazy("Outcome of your appeal: %(outcome)s"),
            params={"outcome": gettext_lazy("Decision upheld")},
        )
    assert Notification.objects.get().title == "Outcome of your appeal: Decision upheld"


# --- read state ------------------------------------------------------------------------


def test_mark_read_is_for_the_owner_only_and_happens_once(trainee, other_trainee):
    from django.http import Http404

    notification = send(trainee)
    with pytest.raises(Http404):
        notification_mark_read(user=other_trainee, notification_id=notification.pk)
    first = notification_mark_read(user=trainee, notification_id=notification.pk).read_at
    assert first is not None
    assert notification_mark_read(user=trainee, notification_id=notification.pk).read_at == first


def test_mark_all_read_touches_only_the_owners(trainee, other_trainee):
    send(trainee), send(trainee), send(other_trainee)
    assert unread_count(trainee) == 2
    assert notifications_mark_all_read(user=trainee) == 2
    assert unread_count(trainee) == 0 and unread_count(other_trainee) == 1


# --- the pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notifications", "profile"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = zh_url(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(zh_url("login")) and "next=" in response["Location"]


def test_anonymous_cannot_open_or_mark_read(client, trainee):
    notification = send(trainee)
    assert client.get(zh_url("notification_open", pk=notification.pk)).status_code == 302
    assert client.post(zh_url("notifications_read_all")).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor", "admin"])
def test_every_signed_in_role_has_a_notifications_page(client_as, role):
    client, user = client_as(role)
    send(user, title="給你的通知")
    response = client.get(zh_url("notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "給你的通知" in html and "未讀" in html and "全部標為已讀" in html


def test_the_list_is_newest_first_with_unread_in_words(trainee_client, trainee):
    old = send(trainee, title="較早的通知")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1), read_at=timezone.now()
    )
    send(trainee, title="最新的通知")
    html = trainee_client.get(zh_url("notifications")).content.decode()
    assert html.index("最新的通知") < html.index("較早的通知")
    assert html.count('data-unread="true"') == 1 and html.count('data-unread="false"') == 1
    assert ">未讀<" in html and ">已讀<" in html


def test_nobody_sees_or_opens_someone_elses_notification(
    trainee_client, other_trainee_client, trainee
):
    notification = send(trainee, title="林小美的私人通知")
    html = other_trainee_client.get(zh_url("notifications")).content.decode()
    assert "林小美的私人通知" not in html and 'data-testid="no-notifications"' in html
    url = zh_url("notification_open", pk=notification.pk)
    assert other_trainee_client.get(url).status_code == 404
    assert other_trainee_client.get(zh_url("notification_open", pk=2**63 - 1)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_marks_read_and_goes_where_it_points(trainee_client, trainee):
    notification = send(trainee, url=zh_url("assessments:me"))
    response = trainee_client.get(zh_url("notification_open", pk=notification.pk))
    assert response.status_code == 302 and response["Location"] == zh_url("assessments:me")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_off_the_site_is_never_followed(trainee_client, trainee):
    notification = send(trainee, url="https://evil.example/")
    response = trainee_client.get(zh_url("notification_open", pk=notification.pk))
    assert response["Location"] == zh_url("notifications")


def test_mark_all_read_from_the_page(trainee_client, trainee):
    send(trainee), send(trainee)
    assert trainee_client.get(zh_url("notifications_read_all")).status_code == 405
    response = trainee_client.post(zh_url("notifications_read_all"), follow=True)
    html = response.content.decode()
    assert "所有通知已標為已讀。" in html and 'data-unread="true"' not in html
    assert unread_count(trainee) == 0


def test_a_bad_page_number_is_no_error(trainee_client, trainee):
    send(trainee, title="唯一的通知")
    for page in ("abc", "0", "-1", "9" * 30, "1e400"):
        response = trainee_client.get(zh_url("notifications"), {"page": page})
        assert response.status_code == 200 and "唯一的通知" in response.content.decode()


def test_the_page_runs_the_same_queries_for_few_or_many(
    trainee_client, trainee, django_assert_max_num_queries
):
    send(trainee)
    with django_assert_max_num_queries(10) as few:
        assert trainee_client.get(zh_url("notifications")).status_code == 200
    for _ in range(40):
        send(trainee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert trainee_client.get(zh_url("notifications")).status_code == 200


# --- the header --------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_in_words(trainee_client, trainee):
    html = trainee_client.get(zh_url("notifications")).content.decode()
    assert 'data-testid="unread-count"' not in html
    send(trainee), send(trainee)
    html = trainee_client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in html
    assert '<span aria-hidden="true">2</span>' in html
    assert '<span class="visually-hidden">（2 則未讀）</span>' in html
    assert f'href="{zh_url("profile")}"' in html


def test_visitors_get_no_notifications_link(client):
    html = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' not in html and 'data-nav="profile"' not in html


def test_the_count_costs_one_query_and_none_for_visitors(
    trainee, django_assert_num_queries, rf: RequestFactory
):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert roles_context(request)["unread_notifications"]() == 0
    request.user = trainee
    trainee._role_names = frozenset()  # the role lookup is not what is measured
    context = roles_context(request)
    send(trainee)
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 1
        assert context["unread_notifications"]() == 1


@pytest.mark.parametrize(
    ("url_name", "section"),
    [
        ("notifications", "notifications"),
        ("profile", "profile"),
        ("training:dashboard", "learning"),
        ("assessments:me", "my-evidence"),
    ],
)
def test_the_current_section_carries_aria_current(trainee_client, url_name, section):
    html = trainee_client.get(zh_url(url_name)).content.decode()
    assert html.count('aria-current="page"') == 1
    current = html[: html.index('aria-current="page"')]
    assert current[current.rindex("<a ") :].count(f'data-nav="{section}"') == 1


def test_the_certificates_section_is_current_for_an_assessor(assessor_client):
    html = assessor_client.get(zh_url("assessments:certificate_list")).content.decode()
    tag = html[: html.index('aria-current="page"')]
    assert 'data-nav="certificates"' in tag[tag.rindex("<a ") :]


def test_the_to_do_list_is_current_on_its_page_and_nowhere_else(assessor_client):
    html = assessor_client.get(zh_url("assessments:todo")).content.decode()
    assert html.count('aria-current="page"') == 1
    tag = html[: html.index('aria-current="page"')]
    assert 'data-nav="todo"' in tag[tag.rindex("<a ") :]
    html = assessor_client.get(zh_url("assessments:dashboard")).content.decode()
    tag = html[: html.index('aria-current="page"')]
    assert 'data-nav="assessing"' in tag[tag.rindex("<a ") :]
