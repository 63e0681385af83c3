import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import ROLE_NAMES
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_password_change_requires_login_and_works_for_every_role(client_as, role):
    client, user = client_as(role)
    response = client.get(reverse("password_change"))
    if user is None:
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
        return
    assert response.status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Anoth3r-Secret!",
            "new_password2": "Anoth3r-Secret!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Anoth3r-Secret!")


def test_password_change_mismatch_shows_translated_error_and_keeps_password(
    trainee_client, trainee
):
    response = trainee_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Anoth3r-Secret!",
            "new_password2": "different-1!",
        },
    )
    assert response.status_code == 200
    assert "輸入的兩個密碼不一致" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_password_reset_sends_link_that_sets_a_new_password(client, trainee):
    response = client.post(reverse("password_reset"), {"email": trainee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("Brand-New-Pass9")


def test_login_is_throttled_after_repeated_failures(client, trainee, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": trainee.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": trainee.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "登入失敗次數過多" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("trainee", False),
        ("other_trainee", False),
        ("trainer", True),
        ("assessor", False),
        ("admin", True),
    ],
)
def test_wagtail_admin_only_for_trainers_and_admins(client_as, role, allowed):
    client, _user = client_as(role)
    response = client.get("/admin/")
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_trainer_cannot_manage_users(trainer_client):
    """Anyone who can add users in Wagtail can create a superuser."""
    assert trainer_client.get("/admin/users/").status_code in (302, 403)
    assert trainer_client.get("/admin/users/new/").status_code in (302, 403)


def test_public_pages_send_strict_csp_and_admin_a_relaxed_one(client, trainer_client):
    public = client.get("/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public
    assert "unsafe-inline" not in public
    admin = trainer_client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in admin


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_healthz_is_public_and_trivial(client_as, role):
    client, _ = client_as(role)
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize(
    ("role", "learning", "assessing"),
    [
        ("anonymous", 302, 302),
        ("trainee", 200, 403),
        ("other_trainee", 200, 403),
        ("trainer", 403, 403),  # assessment records are for assessors and admins (issue 13)
        ("assessor", 403, 200),
        ("admin", 403, 200),
    ],
)
def test_area_entry_points_follow_roles(client_as, role, learning, assessing):
    client, _ = client_as(role)
    assert client.get(reverse("training:dashboard")).status_code == learning
    assert client.get(reverse("assessments:dashboard")).status_code == assessing


def test_deactivated_user_is_signed_out_on_next_request(trainee_client, trainee):
    assert trainee_client.get(reverse("training:dashboard")).status_code == 200
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])
    response = trainee_client.get(reverse("training:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_issues_a_new_session_key(client, trainee):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": trainee.username, "password": PASSWORD})
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("trainee", False),
        ("other_trainee", False),
        ("trainer", False),
        ("assessor", False),
        ("admin", True),
    ],
)
def test_people_snippets_only_for_admins(client_as, role, allowed):
    client, _ = client_as(role)
    for model in ("store", "cohort", "profile"):
        response = client.get(f"/admin/snippets/people/{model}/")
        if allowed:
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 403)


def test_wagtail_admin_speaks_traditional_chinese(trainer_client):
    html = trainer_client.get("/admin/").content.decode()
    assert 'lang="zh-hant"' in html
    assert "<title>控制面板" in html
