"""The training manager (issue 17): a role that runs the roll-out from the Wagtail admin (the
staff roster import) and nothing else: no pages, no snippets, no assessment work. Also the
staff notification kind (the assessors' daily digest), offered only to assessors."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from assessments.models.decisions import Decision
from assessments.services.assessor_reminders import assessor_reminders_send
from core.models import Delivery
from demo import accounts as demo_accounts
from people import roles
from people.models import Notification, NotificationKind, User
from people.roster.parse import read_roster
from people.roster.validate import roster_plan
from people.services import roles_sync
from tests.factories.people import make_admin, make_assessor, make_trainee, make_user
from tests.factories.workspace import record_observation, workspace_build

pytestmark = pytest.mark.django_db

# The Wagtail sidebar's items, by name, in the page's JSON (escaped or not).
MENU_NAME = re.compile(r'&quot;name&quot;: &quot;([\w-]+)&quot;|"name": "([\w-]+)"')
HEADER = "username,printed name,employee number,store,cohort,e-mail,role\n"


def zh(name: str, *args) -> str:
    with translation.override("zh-hant"):
        return reverse(name, args=args)


@pytest.fixture
def manager(role_groups):
    return make_user(roles.TRAINING_MANAGER, name="趙美玲")


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def _upload(text: str, name: str = "roster.csv"):
    return {"file": SimpleUploadedFile(name, text.encode())}


# --- the role and its group


def test_sync_roles_creates_the_group_with_admin_access_only(role_groups):
    roles_sync()  # idempotent: a second run changes nothing
    group = Group.objects.get(name=roles.TRAINING_MANAGER)
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        "wagtailadmin.access_admin"
    ]
    assert not GroupPagePermission.objects.filter(group=group).exists()
    assert not GroupCollectionPermission.objects.filter(group=group).exists()
    with translation.override("zh-hant"):
        assert str(roles.ROLE_LABELS[roles.TRAINING_MANAGER]) == "培訓主管"


def test_role_checks(manager, admin_user, assessor):
    assert roles.is_training_manager(manager) and roles.may_run_rollout(manager)
    assert not roles.is_trainer(manager) and not roles.is_assessor(manager)
    assert not roles.may_decide(manager) and not roles.is_admin(manager)
    assert roles.may_run_rollout(admin_user) and not roles.is_training_manager(admin_user)
    assert not roles.may_run_rollout(assessor)


def test_demo_has_a_manager_account():
    [account] = [a for a in demo_accounts.ACCOUNTS if a.username == "manager"]
    assert account.role == roles.TRAINING_MANAGER and account.full_name == "趙美玲"


# --- what the header offers


def test_header_offers_the_roster_and_the_rollout_admin(manager_client):
    html = manager_client.get("/").content.decode()
    assert 'data-nav="roster"' in html and 'data-nav="rollout"' in html
    assert zh("roster_import:index") in html
    for other in ("learning", "authoring", "assessing", "marking", "todo", "admin"):
        assert f'data-nav="{other}"' not in html
    assert "員工名冊" in html and "培訓推行" in html


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("trainer", False)])
def test_header_roster_link_for_admins_only_among_others(client_as, role, shown):
    client, _user = client_as(role)
    html = client.get("/").content.decode()
    assert ('data-nav="roster"' in html) is shown
    assert 'data-nav="rollout"' not in html


# --- the roster import: offered


def test_admin_home_lists_the_roster_import(manager_client):
    response = manager_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    menu = {a or b for a, b in MENU_NAME.findall(html)}
    assert "roster-import" in menu
    # Nothing to author: no pages, snippets, images, documents or question bank.
    for item in ("explorer", "snippets", "images", "documents", "question-bank", "people"):
        assert item not in menu


def test_manager_imports_a_roster_in_zh_hant(manager_client, manager):
    page = manager_client.get(zh("roster_import:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "roster-upload" in html and "roster-manager-limits" in html
    data = (
        "帳號,姓名,員工編號,門市,梯次,電子郵件,角色\n"
        "chen,陳大文,E1,TPE-01,2026-spring,chen@example.com,學員\n"
        "wu,吳主管,M2,,,wu@example.com,培訓主管\n"
        "lee,李小龍,M3,,,,Training Manager\n"
    )
    preview = manager_client.post(zh("roster_import:index"), _upload(data))
    assert preview.status_code == 200, preview.content.decode()
    assert "roster-confirm" in preview.content.decode()
    done = manager_client.post(zh("roster_import:index"), {"token": preview.context["token"]})
    assert done.status_code == 302
    assert roles.is_trainee(User.objects.get(username="chen"))
    for username in ("wu", "lee"):
        assert User.objects.get(username=username).groups.get().name == roles.TRAINING_MANAGER


def test_english_role_value_accepted():
    rows = read_roster((HEADER + "wu,吳主管,,,,,training manager\n").encode(), "a.csv").rows
    plan = roster_plan(rows)
    assert plan.valid and plan.rows[0].role == roles.TRAINING_MANAGER


# --- the roster import: what a manager may not do


def test_manager_cannot_give_the_admin_role(manager_client):
    data = HEADER + "boss,老闆,,,,boss@example.com,admin\n"
    response = manager_client.post(zh("roster_import:index"), _upload(data))
    body = response.content.decode()
    assert response.status_code == 400
    assert "只有管理員可以授予管理員角色。" in body
    assert "roster-confirm" not in body
    assert not User.objects.filter(username="boss").exists()


def test_manager_cannot_touch_an_admin_or_an_existing_address(manager_client, role_groups):
    admin = make_admin(name="周管理", username="root", email="root@example.test")
    trainee = make_trainee(name="林怡君", username="lin", email="lin@example.test")
    data = (
        HEADER
        + f"{admin.username},周管理,,,,{admin.email},trainee\n"
        + f"{trainee.username},林怡君,,,,mine@example.com,trainee\n"
    )
    response = manager_client.post(zh("roster_import:index"), _upload(data))
    body = response.content.decode()
    assert response.status_code == 400
    assert "這是管理員的帳號；只有管理員可以變更。" in body
    assert "只有管理員可以變更既有帳號的電子郵件地址。" in body
    admin.refresh_from_db()
    trainee.refresh_from_db()
    assert admin.is_superuser and trainee.email == "lin@example.test"


def test_an_admin_may_still_do_both(admin_user, role_groups):
    trainee = make_trainee(name="林怡君", username="lin", email="lin@example.test")
    rows = read_roster(
        (HEADER + f"{trainee.username},林怡君,,,,new@example.com,admin\n").encode(), "a.csv"
    ).rows
    assert roster_plan(rows, by=admin_user).valid


# --- refused: evidence, pages, snippets


def test_assessment_pages_refused(manager_client, manager, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    for url in (
        reverse("assessments:dashboard"),
        reverse("assessments:todo"),
        reverse("assessments:marking_queue"),
        reverse("assessments:trainee", args=[trainee.pk]),
        reverse("assessments:evidence", args=[record.pk]),
        reverse("assessments:decide", args=[trainee.pk]),
    ):
        response = manager_client.get(url)
        assert response.status_code in (403, 404), url
        assert trainee.profile.full_name not in response.content.decode(), url


def test_page_editing_refused(manager_client, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    for url in (
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[ws.course.pk]),
        reverse("wagtailadmin_pages:edit", args=[ws.course.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[ws.course.pk]),
    ):
        response = manager_client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), url
    before = ws.course.title
    manager_client.post(
        reverse("wagtailadmin_pages:edit", args=[ws.course.pk]), {"title": "改掉", "slug": "x"}
    )
    ws.course.refresh_from_db()
    assert ws.course.title == before


def test_snippets_refused(manager_client):
    for url in (
        reverse("wagtailsnippets:index"),
        reverse("wagtailsnippets_people_profile:list"),
        reverse("wagtailsnippets_people_store:add"),
        reverse("wagtailimages:index"),
        reverse("wagtailusers_users:index"),
    ):
        response = manager_client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), url


# --- the staff notification kind


def _due_today(trainee, assessor, ws):
    return Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        assessor=assessor,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        reasons="理由",
        assessed_on=timezone.localdate() - datetime.timedelta(days=7),
        reassessment_on=timezone.localdate(),
    )


def test_digest_is_the_staff_kind_and_respects_its_switch(
    assessor, trainee, django_capture_on_commit_callbacks
):
    assessor.email = "assessor@example.com"
    assessor.save()
    # Reassessment bookings off by e-mail: the digest still comes, it is its own kind.
    assessor.profile.notification_email_off = [NotificationKind.REASSESSMENT]
    assessor.profile.save()
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    _due_today(trainee, assessor, ws)
    with django_capture_on_commit_callbacks(execute=False):
        assert assessor_reminders_send() == 1
    note = Notification.objects.get(user=assessor)
    assert note.kind == NotificationKind.STAFF_REMINDER
    assert Delivery.objects.filter(
        recipient="assessor@example.com", kind="notify.staff_reminder"
    ).exists()


def test_assessor_who_switched_it_off_gets_it_on_the_site_only(
    assessor, trainee, django_capture_on_commit_callbacks
):
    assessor.email = "assessor@example.com"
    assessor.save()
    client = Client()
    client.force_login(assessor)
    page = client.get(zh("profile")).content.decode()
    assert 'value="staff_reminder"' in page and "評量工作提醒" in page
    offered = [k for k in NotificationKind.values if k != NotificationKind.STAFF_REMINDER]
    saved = client.post(zh("profile"), {"language": "zh-hant", "email_kinds": offered})
    assert saved.status_code == 302
    assessor.profile.refresh_from_db()
    assert assessor.profile.notification_email_off == [NotificationKind.STAFF_REMINDER]
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    _due_today(trainee, assessor, ws)
    with django_capture_on_commit_callbacks(execute=False):
        assert assessor_reminders_send() == 1
    assert Notification.objects.filter(user=assessor, kind=NotificationKind.STAFF_REMINDER).exists()
    assert not Delivery.objects.filter(recipient="assessor@example.com").exists()
    listed = client.get(zh("notifications")).content.decode()
    assert "評量" in listed


@pytest.mark.parametrize("role", ["trainee", "trainer", "admin"])
def test_staff_kind_not_offered_to_others(client_as, role):
    client, _user = client_as(role)
    html = client.get(zh("profile")).content.decode()
    assert 'value="decision"' in html
    assert 'value="staff_reminder"' not in html and "評量工作提醒" not in html


def test_manager_profile_page_saves_without_the_staff_kind(manager_client, manager):
    offered = [k for k in NotificationKind.values if k != NotificationKind.STAFF_REMINDER]
    response = manager_client.post(zh("profile"), {"language": "en", "email_kinds": offered})
    assert response.status_code == 302
    manager.profile.refresh_from_db()
    assert NotificationKind.DECISION not in manager.profile.notification_email_off


def test_a_second_assessor_is_unaffected(role_groups):
    # The staff kind is offered by group membership, not per request state.
    other = make_assessor(name="王淑芬")
    client = Client()
    client.force_login(other)
    assert 'value="staff_reminder"' in client.get(zh("profile")).content.decode()


def test_user_admin_names_the_role_in_zh_hant(admin_client_, manager):
    html = admin_client_.get(reverse("wagtailusers_users:edit", args=[manager.pk])).content.decode()
    assert "培訓主管" in html
