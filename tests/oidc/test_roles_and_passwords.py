"""Roles from the provider's groups through OIDC_ROLE_MAP (or left to the admins when the map
is empty), and the local password switched off for company accounts."""

from django.contrib.auth.models import Group
from django.test import Client

from core.models import AuditEntry
from people import roles
from people.models import User
from tests.factories.people import PASSWORD, make_trainee
from tests.oidc.provider import sign_in

ROLE_MAP = "academy-assessors=assessor,academy-trainers=trainer,all-staff=trainee"
BOB = {"name": "陳志明", "email": "bob@example.com", "email_verified": True}


def _group_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_role_map_gives_and_takes_the_mapped_roles(oidc, browser):
    oidc.configure(OIDC_ROLE_MAP=ROLE_MAP)
    oidc.provider.accounts({"bob": {**BOB, "groups": ["all-staff", "academy-assessors", "x"]}})
    sign_in(browser, oidc.provider, "bob")
    user = User.objects.get()
    assert _group_names(user) == {roles.TRAINEE, roles.ASSESSOR}
    assert browser.get(oidc.provider.rp_url + "/assess/", timeout=10).status_code == 200

    # A role given here that the map does not name stays; the mapped ones follow the claim.
    user.groups.add(Group.objects.get(name=roles.TRAINING_MANAGER))
    browser.cookies.clear()
    oidc.provider.accounts({"bob": {**BOB, "groups": ["all-staff"]}})
    sign_in(browser, oidc.provider, "bob")
    assert _group_names(user) == {roles.TRAINEE, roles.TRAINING_MANAGER}
    assert browser.get(oidc.provider.rp_url + "/assess/", timeout=10).status_code == 403
    changes = AuditEntry.objects.filter(action="user.roles_changed", object_id=user.pk)
    # Created as a trainee, +Assessor from the map, then -Assessor.
    assert changes.count() == 3
    assert changes.order_by("pk").last().data["after"]["groups"] == sorted(
        [roles.TRAINEE, roles.TRAINING_MANAGER]
    )


def test_the_role_map_can_make_an_administrator_and_take_it_back(oidc, browser):
    oidc.configure(OIDC_ROLE_MAP="academy-admins=admin")
    oidc.provider.accounts({"bob": {**BOB, "groups": ["academy-admins"]}})
    sign_in(browser, oidc.provider, "bob")
    user = User.objects.get()
    assert user.is_superuser and user.is_staff
    browser.cookies.clear()
    oidc.provider.accounts({"bob": {**BOB, "groups": []}})
    sign_in(browser, oidc.provider, "bob")
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff


def test_without_a_role_map_the_roles_stay_as_given_here(oidc, browser):
    oidc.provider.accounts({"bob": {**BOB, "groups": ["academy-assessors"]}})
    sign_in(browser, oidc.provider, "bob")
    user = User.objects.get()
    assert _group_names(user) == {roles.TRAINEE}  # OIDC_DEFAULT_ROLE, the claim unused
    user.groups.add(Group.objects.get(name=roles.TRAINER))
    browser.cookies.clear()
    oidc.provider.accounts({"bob": {**BOB, "groups": []}})
    sign_in(browser, oidc.provider, "bob")
    assert _group_names(user) == {roles.TRAINEE, roles.TRAINER}


def test_no_default_role_gives_a_new_account_none(oidc, browser):
    oidc.configure(OIDC_DEFAULT_ROLE="")
    oidc.provider.accounts({"bob": BOB})
    sign_in(browser, oidc.provider, "bob")
    assert _group_names(User.objects.get()) == set()


def _sso_user_with_a_password(oidc, browser) -> User:
    oidc.provider.accounts({"bob": BOB})
    sign_in(browser, oidc.provider, "bob")
    user = User.objects.get()
    user.set_password(PASSWORD)  # as a password reset would
    user.save()
    return user


def _local_login(user: User) -> tuple[Client, object]:
    client = Client()
    response = client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client, response


def test_the_local_password_is_refused_to_a_company_account(oidc, browser):
    user = _sso_user_with_a_password(oidc, browser)
    _client, response = _local_login(user)
    assert response.status_code == 200
    assert response.context["user"].is_anonymous
    assert (
        "This account signs in with the company account only. Use the "
        "“Sign in with Test SSO” button above."
    ) in response.content.decode()
    # Others keep their password.
    _client, response = _local_login(make_trainee(name="王小華"))
    assert response.status_code == 302


def test_the_local_password_works_when_not_switched_off(oidc, browser):
    oidc.configure(OIDC_DISABLE_LOCAL_PASSWORDS="false")
    user = _sso_user_with_a_password(oidc, browser)
    client, response = _local_login(user)
    assert response.status_code == 302
    assert client.get("/en/learn/").status_code == 200
