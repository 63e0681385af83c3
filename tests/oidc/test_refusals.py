"""What is refused, with nothing created and nobody signed in: an ID token whose signature
was altered, one expired, one for another client, a callback whose state is not this
browser's, a replayed callback, a claim the settings require missing; and everything while
company sign-in is off."""

import logging
import re
from urllib.parse import urljoin

import pytest
import requests

from people.models import ExternalIdentity, User
from tests.oidc.provider import HTTP_TIMEOUT, callback, sign_in, sign_in_start, signin_button

DAVE = {"name": "Dave", "email": "dave@example.com", "email_verified": True}
REFUSED = (
    "The sign-in with your company account did not succeed. Try again; if it fails again, "
    "ask your administrator."
)


def _assert_refused(browser, provider, response, *, language="/en") -> None:
    """Back on the log-in page in the language the person started in, with the message."""
    assert response.status_code == 302
    location = urljoin(provider.rp_url + "/", response.headers["Location"])
    assert location == f"{provider.rp_url}{language}/accounts/login/"
    page = browser.get(location, timeout=HTTP_TIMEOUT).text
    if language == "/en":
        assert REFUSED in page
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    learn = browser.get(provider.rp_url + "/learn/", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert learn.status_code == 302 and "/accounts/login/" in learn.headers["Location"]


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("signature", "Signature verification failed"),
        ("expired", "Signature has expired"),
        ("wrong_audience", "Audience doesn't match"),
    ],
)
def test_a_broken_id_token_is_refused(oidc, browser, caplog, tamper, reason):
    oidc.provider.accounts({"dave": {**DAVE, "tamper": tamper}})
    with caplog.at_level(logging.WARNING, logger="people.oidc.backend"):
        start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
        response = callback(browser, start.callback_url)
    _assert_refused(browser, oidc.provider, response)
    assert any(reason in record.getMessage() for record in caplog.records), caplog.text


def test_a_callback_with_another_state_is_refused(oidc, browser):
    oidc.provider.accounts({"dave": DAVE})
    start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
    forged = re.sub(r"state=[^&]+", "state=forged-state-value", start.callback_url)
    _assert_refused(browser, oidc.provider, callback(browser, forged))


def test_a_callback_in_another_browser_is_refused(oidc, browser):
    """A code and state sent to someone else's browser (login CSRF) sign nobody in."""
    oidc.provider.accounts({"dave": DAVE})
    start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
    with requests.Session() as other:
        other.get(oidc.provider.rp_url + "/en/accounts/login/", timeout=HTTP_TIMEOUT)
        response = callback(other, start.callback_url)
        _assert_refused(other, oidc.provider, response, language="")


def test_a_replayed_callback_is_refused(oidc, browser):
    oidc.provider.accounts({"dave": DAVE})
    start = sign_in_start(browser, oidc.provider, "dave")
    assert callback(browser, start.callback_url).status_code == 302
    browser.post(
        oidc.provider.rp_url + "/accounts/logout/",
        headers={"X-CSRFToken": browser.cookies.get("csrftoken", "")},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    replay = callback(browser, start.callback_url)
    assert replay.headers["Location"].endswith("/accounts/login/")
    learn = browser.get(oidc.provider.rp_url + "/learn/", allow_redirects=False)
    assert learn.status_code == 302


def test_a_required_claim_keeps_other_domains_out(oidc, browser):
    oidc.configure(OIDC_REQUIRED_CLAIMS="hd=example.com")
    oidc.provider.accounts({"dave": {**DAVE, "hd": "gmail.com"}})
    start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
    _assert_refused(browser, oidc.provider, callback(browser, start.callback_url))

    oidc.provider.accounts({"dave": {**DAVE, "hd": "example.com"}})
    browser.cookies.clear()
    sign_in(browser, oidc.provider, "dave")
    assert ExternalIdentity.objects.get().subject == "dave"


def test_no_new_accounts_when_creation_is_off(oidc, browser):
    oidc.configure(OIDC_CREATE_USER="false")
    oidc.provider.accounts({"dave": DAVE})
    start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
    _assert_refused(browser, oidc.provider, callback(browser, start.callback_url))


def test_a_deactivated_account_is_refused(oidc, browser):
    oidc.provider.accounts({"dave": DAVE})
    sign_in(browser, oidc.provider, "dave")
    User.objects.update(is_active=False)
    browser.cookies.clear()
    start = sign_in_start(browser, oidc.provider, "dave", login_path="/en/accounts/login/")
    response = callback(browser, start.callback_url)
    assert response.headers["Location"] == "/en/accounts/login/"
    learn = browser.get(oidc.provider.rp_url + "/learn/", allow_redirects=False)
    assert learn.status_code == 302


def test_everything_is_off_without_a_client_id(client, db):
    from django.conf import settings

    assert not settings.OIDC_ENABLED
    assert signin_button(client.get("/accounts/login/").content.decode()) is None
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
