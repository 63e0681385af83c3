"""The profile page: the printed name (read-only, with whom to ask for a correction), employee
number, store and cohorts; the language and e-mail choices (saved together or not at all);
the saved language applied at log-in."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from people.models import Cohort, NotificationKind, Profile, Store, User
from people.preferences import profile_preferences_update
from tests.factories.people import PASSWORD, make_trainee

pytestmark = pytest.mark.django_db

ALL_KINDS = list(NotificationKind.values)
# What a trainee is offered: every kind but the staff ones (assessors only).
LEARNER_KINDS = [kind for kind in ALL_KINDS if kind != NotificationKind.STAFF_REMINDER]


def zh_url(name: str) -> str:
    with translation.override("zh-hant"):
        return reverse(name)


def preferred(user) -> str:
    return (
        UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
        or ""
    )


@pytest.fixture
def learner(role_groups):
    store = Store.objects.create(code="taipei-xinyi", name="台北信義店")
    user = make_trainee(name="林怡君", store=store, employee_number="E-1001")
    user.profile.cohorts.add(Cohort.objects.create(code="2026-q4", name="2026 第四季梯次"))
    return user


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def test_the_page_shows_what_prints_and_whom_to_ask(learner_client, admin_user):
    response = learner_client.get(zh_url("profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="printed-name">林怡君<' in html
    assert "E-1001" in html and "台北信義店" in html and "2026 第四季梯次" in html
    assert "請洽詢講師或管理員" in html
    assert admin_user.profile.full_name in html and f"mailto:{admin_user.email}" in html
    # Read-only: nothing on the page edits the name.
    assert 'name="full_name"' not in html and 'name="employee_number"' not in html


def test_every_kind_is_offered_and_on_by_default(learner_client):
    html = learner_client.get(zh_url("profile")).content.decode()
    for kind in LEARNER_KINDS:
        assert f'value="{kind}" id=' in html
    assert 'value="staff_reminder"' not in html
    assert html.count(" checked") == len(LEARNER_KINDS)
    assert "評量決定" in html and "證書核發、重新核發或撤銷" in html


def test_saving_choices_applies_the_language_at_once(learner_client, learner):
    response = learner_client.post(
        zh_url("profile"),
        {"language": "en", "email_kinds": [NotificationKind.CERTIFICATE, NotificationKind.APPEAL]},
    )
    assert response.status_code == 302 and response["Location"] == "/en/accounts/me/profile/"
    assert preferred(learner) == "en"
    learner.profile.refresh_from_db()
    assert set(learner.profile.notification_email_off) == set(ALL_KINDS) - {
        NotificationKind.CERTIFICATE,
        NotificationKind.APPEAL,
    }
    html = learner_client.get(response["Location"]).content.decode()
    assert "Your choices are saved." in html
    assert html.count(" checked") == 2


def test_no_box_ticked_switches_every_email_off(learner_client, learner):
    response = learner_client.post(zh_url("profile"), {"language": "zh-hant"})
    assert response.status_code == 302 and response["Location"] == zh_url("profile")
    learner.profile.refresh_from_db()
    assert sorted(learner.profile.notification_email_off) == sorted(ALL_KINDS)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"language": "fr", "email_kinds": ["decision"]}, "請選擇有效的選項"),
        ({"email_kinds": ["decision"]}, "此欄位為必填"),
        ({"language": "en", "email_kinds": ["gossip"]}, "請選擇有效的選項"),
        ({"language": "en" * 200, "email_kinds": ["decision"]}, "請選擇有效的選項"),
    ],
)
def test_bad_input_is_a_translated_error_and_nothing_is_saved(learner_client, learner, data, error):
    response = learner_client.post(zh_url("profile"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert preferred(learner) == ""
    learner.profile.refresh_from_db()
    assert learner.profile.notification_email_off == []


def test_the_service_refuses_as_a_whole(learner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        profile_preferences_update(user=learner, language="en", email_kinds=["decision", "x"])
    with pytest.raises(ValidationError):
        profile_preferences_update(user=learner, language="xx", email_kinds=[])
    assert preferred(learner) == ""
    learner.profile.refresh_from_db()
    assert learner.profile.notification_email_off == []


def test_an_account_without_a_profile_says_so_and_keeps_every_email(client, role_groups):
    user = User.objects.create_user(username="bare", password=PASSWORD, email="b@example.test")
    client.force_login(user)
    html = client.get(zh_url("profile")).content.decode()
    assert 'data-testid="no-profile"' in html
    response = client.post(zh_url("profile"), {"language": "zh-hant"})
    assert response.status_code == 400
    assert "您的帳號尚無個人資料，無法儲存電子郵件選項。" in response.content.decode()
    assert preferred(user) == "" and not Profile.objects.filter(user=user).exists()
    response = client.post(zh_url("profile"), {"language": "en", "email_kinds": ALL_KINDS})
    assert response.status_code == 302 and preferred(user) == "en"


@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor", "admin"])
def test_every_signed_in_role_has_a_profile_page(client_as, role):
    client, user = client_as(role)
    response = client.get(zh_url("profile"))
    assert response.status_code == 200
    assert user.profile.full_name in response.content.decode()


def test_log_in_opens_the_site_in_the_saved_language(client, learner):
    profile_preferences_update(user=learner, language="en", email_kinds=ALL_KINDS)
    response = client.post(zh_url("login"), {"username": learner.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/"
    client.logout()
    response = client.post(
        zh_url("login") + "?next=/learn/",
        {"username": learner.username, "password": PASSWORD, "next": "/learn/"},
    )
    assert response["Location"] == "/en/learn/"


def test_log_in_without_a_saved_language_keeps_the_one_in_use(client, learner):
    response = client.post(
        "/en/accounts/login/", {"username": learner.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/en/"
    client.logout()
    response = client.post(zh_url("login"), {"username": learner.username, "password": PASSWORD})
    assert response["Location"] == "/"


def test_log_in_in_english_with_chinese_saved_goes_to_chinese(client, learner):
    profile_preferences_update(user=learner, language="zh-hant", email_kinds=ALL_KINDS)
    response = client.post(
        "/en/accounts/login/", {"username": learner.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("cohorts", [1, 6])
def test_the_page_queries_do_not_grow_with_cohorts(
    client, role_groups, cohorts, django_assert_max_num_queries
):
    user = make_trainee(name="梯次很多的學員")
    for n in range(cohorts):
        user.profile.cohorts.add(Cohort.objects.create(code=f"c-{n}", name=f"梯次 {n}"))
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(zh_url("profile")).status_code == 200
