"""Company sign-in end to end against the real provider: the button, the first sign-in
creating the account from the claims, the next ones finding it by the subject claim."""

from core.models import AuditEntry
from people import roles
from people.models import Cohort, ExternalIdentity, Store, User
from tests.factories.people import make_trainee
from tests.oidc.provider import sign_in, sign_in_start, signin_button

ALICE = {
    "name": "林美華",
    "email": "mei-hua.lin@example.com",
    "email_verified": True,
    "employee_number": "E-7001",
    "store": "taipei-101",
    "cohorts": ["2026-q4-taipei"],
    "groups": ["all-staff"],
}


def _store_and_cohort():
    return (
        Store.objects.create(code="taipei-101", name="台北101店"),
        Cohort.objects.create(code="2026-q4-taipei", name="2026 Q4 台北"),
    )


def test_button_starts_the_flow_with_state_nonce_and_pkce(oidc, browser):
    oidc.provider.accounts({"alice": ALICE})
    page = browser.get(oidc.provider.rp_url + "/en/accounts/login/", timeout=10)
    assert "Sign in with Test SSO" in page.text
    assert signin_button(page.text).startswith("/en/accounts/oidc/authenticate/")
    params = sign_in_start(browser, oidc.provider, "alice").authorize_params
    assert params["client_id"] == "academy"
    assert params["redirect_uri"] == oidc.provider.rp_url + "/accounts/oidc/callback/"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert set(params["scope"].split()) >= {"openid", "email", "profile"}


def test_first_sign_in_creates_the_trainee_from_the_claims(oidc, browser):
    store, cohort = _store_and_cohort()
    oidc.provider.accounts({"alice": ALICE})

    landed = sign_in(browser, oidc.provider, "alice", login_path="/accounts/login/?next=/learn/")

    assert landed == oidc.provider.rp_url + "/learn/"
    identity = ExternalIdentity.objects.select_related("user__profile").get()
    assert (identity.issuer, identity.subject) == (oidc.provider.issuer, "alice")
    user = identity.user
    assert user.profile.full_name == "林美華"
    assert user.email == "mei-hua.lin@example.com"
    assert user.profile.employee_number == "E-7001"
    assert user.profile.store == store
    assert list(user.profile.cohorts.all()) == [cohort]
    assert not user.has_usable_password()
    assert roles.is_trainee(user) and not user.is_staff and not user.is_superuser
    # A trainee: the learning pages, never the assessors' (the role boundary holds for SSO).
    assert browser.get(landed, timeout=10).status_code == 200
    assert browser.get(oidc.provider.rp_url + "/assess/", timeout=10).status_code == 403
    assert browser.get(oidc.provider.rp_url + "/admin/", timeout=10).url.endswith(
        "/admin/login/?next=/admin/"
    )
    audited = AuditEntry.objects.filter(object_type="user", object_id=user.pk)
    assert set(audited.values_list("action", flat=True)) == {
        "user.sso_linked",
        "user.roles_changed",
    }


def test_the_next_sign_in_finds_the_same_user_by_subject_after_an_email_change(oidc, browser):
    _store_and_cohort()
    oidc.provider.accounts({"alice": ALICE})
    sign_in(browser, oidc.provider, "alice")
    first = User.objects.get()
    browser.cookies.clear()

    renamed = {**ALICE, "email": "meihua@example.com", "name": "Lin Mei-hua"}
    oidc.provider.accounts({"alice": renamed})
    sign_in(browser, oidc.provider, "alice")

    user = User.objects.select_related("profile").get()
    assert user.pk == first.pk
    assert user.email == "meihua@example.com"  # the provider keeps the address up to date
    assert user.profile.full_name == "林美華"  # the printed name is corrected here, not there
    assert ExternalIdentity.objects.get().last_login_at is not None


def test_an_email_address_alone_never_signs_in_someone_elses_account(oidc, browser):
    """A local account with the same address stays apart (OIDC_MATCH_EMAIL is off)."""
    local = make_trainee(name="林美華", email=ALICE["email"])
    oidc.provider.accounts({"alice": ALICE})
    sign_in(browser, oidc.provider, "alice")
    identity = ExternalIdentity.objects.get()
    assert identity.user != local
    assert not local.external_identities.exists()


def test_an_unverified_email_never_links_a_local_account(oidc, browser):
    local = make_trainee(name="林美華", email=ALICE["email"])
    oidc.configure(OIDC_MATCH_EMAIL="true")
    oidc.provider.accounts({"alice": {**ALICE, "email_verified": False}})
    sign_in(browser, oidc.provider, "alice")
    assert ExternalIdentity.objects.get().user != local


def test_a_verified_email_links_the_local_account_when_asked_to(oidc, browser):
    local = make_trainee(name="林美華", email=ALICE["email"])
    assert local.has_usable_password()
    oidc.configure(OIDC_MATCH_EMAIL="true")
    oidc.provider.accounts({"alice": ALICE})
    sign_in(browser, oidc.provider, "alice")
    assert ExternalIdentity.objects.get().user == local
    local.refresh_from_db()
    assert not local.has_usable_password()  # company sign-in only from now on
    assert User.objects.count() == 1


def test_an_administrators_account_is_never_linked_by_email(oidc, browser):
    from tests.factories.people import make_admin

    admin = make_admin(name="系統管理員", email=ALICE["email"])
    oidc.configure(OIDC_MATCH_EMAIL="true")
    oidc.provider.accounts({"alice": ALICE})
    sign_in(browser, oidc.provider, "alice")
    user = ExternalIdentity.objects.get().user
    assert user != admin and not user.is_superuser
