"""The roster import's invitation (issue 17): each account it creates with an e-mail address
gets, through core's outbox, a one-time link to choose a password, in the person's language;
importing again sends nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from core.models import Delivery
from people import roles
from people.models import User
from people.roster.invitation import KIND, invitation_queue
from people.roster.parse import read_roster
from people.roster.services import roster_import_apply
from tests.factories.people import make_user

pytestmark = pytest.mark.django_db

HEADER = "username,printed name,employee number,store,cohort,e-mail,role\n"
GOOD = HEADER + (
    "chen,陳大文,E1,TPE-01,2026-spring,chen@example.com,trainee\n"
    "lin,林小美,E2,台中門市,2026-spring,,評量人員\n"
)
LINK = re.compile(r"https?://[^/\s]+(/\S*/password/reset/\S+/)")
NEW_PASSWORD = "Brand-new-pass-2026"


def zh(name: str) -> str:
    with translation.override("zh-hant"):
        return reverse(name)


def _import(client, text: str):
    preview = client.post(
        zh("roster_import:index"), {"file": SimpleUploadedFile("r.csv", text.encode())}
    )
    assert preview.status_code == 200, preview.content.decode()
    return preview, client.post(zh("roster_import:index"), {"token": preview.context["token"]})


def _invitations():
    return list(Delivery.objects.filter(kind=KIND).order_by("pk"))


def test_import_queues_one_invitation_per_new_address(admin_client_, admin_user):
    preview, done = _import(admin_client_, GOOD)
    assert 'id="roster-invitations"' in preview.content.decode()
    assert "確認後將寄出 1 封邀請電子郵件。" in preview.content.decode()
    assert done.status_code == 302
    [mail] = _invitations()
    assert mail.recipient == "chen@example.com" and mail.language == "zh-hant"
    assert mail.subject == "您的顧客忠誠度學院帳號已開通"
    assert "陳大文 您好：" in mail.body and "您的帳號：chen" in mail.body
    assert admin_user.profile.full_name in mail.body
    assert LINK.search(mail.body)
    assert mail.status == Delivery.Status.QUEUED
    shown = admin_client_.get(done["Location"]).content.decode()
    assert "已寄出 1 封設定密碼的邀請電子郵件。" in shown


def test_reimport_and_update_send_nothing_again(admin_user):
    rows = read_roster(GOOD.encode(), "a.csv").rows
    assert roster_import_apply(by=admin_user, rows=rows).invited == 1
    again = roster_import_apply(by=admin_user, rows=rows)
    assert (again.created, again.invited) == (0, 0)
    changed = read_roster(GOOD.replace("陳大文", "陳大明").encode(), "a.csv").rows
    assert roster_import_apply(by=admin_user, rows=changed).invited == 0
    assert len(_invitations()) == 1


def test_invalid_import_queues_nothing(admin_client_):
    response = admin_client_.post(
        zh("roster_import:index"),
        {"file": SimpleUploadedFile("r.csv", (GOOD + "x,,,,,,trainee\n").encode())},
    )
    assert response.status_code == 400
    assert _invitations() == []


def test_the_link_sets_a_password_once_and_the_person_logs_in(admin_user):
    rows = read_roster(GOOD.encode(), "a.csv").rows
    roster_import_apply(by=admin_user, rows=rows)
    [mail] = _invitations()
    path = LINK.search(mail.body).group(1)
    person = Client()
    opened = person.get(path)
    assert opened.status_code == 302  # Django moves the token into the session
    form = person.get(opened["Location"])
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    saved = person.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert saved.status_code == 302 and saved["Location"].endswith(zh("password_reset_complete"))
    chen = User.objects.get(username="chen")
    assert chen.has_usable_password() and chen.check_password(NEW_PASSWORD)
    login = Client().post(zh("login"), {"username": "chen", "password": NEW_PASSWORD})
    assert login.status_code == 302
    # Used once: the same link no longer opens the form.
    reused = Client().get(path, follow=True)
    assert 'name="new_password1"' not in reused.content.decode()


def test_a_training_manager_import_invites_too(role_groups):
    manager = make_user(roles.TRAINING_MANAGER, name="趙美玲")
    client = Client()
    client.force_login(manager)
    _preview, done = _import(client, GOOD)
    assert done.status_code == 302
    [mail] = _invitations()
    assert "趙美玲" in mail.body


def test_written_in_the_persons_language(role_groups):
    user = make_user(roles.TRAINEE, name="Amy Lin", email="amy@example.com")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    mail = invitation_queue(user=user, invited_by=None)
    assert mail.language == "en"
    assert mail.subject == "Your Loyalty Academy account is ready"
    assert "Hello Amy Lin," in mail.body and "/en/accounts/password/reset/" in mail.body
    assert "The link works once and for 3 days." in mail.body
