"""Log-out ends our session and, for a company sign-in, the provider's (RP-initiated
log-out through its end_session_endpoint)."""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from tests.oidc.provider import HTTP_TIMEOUT, follow, sign_in

INPUT = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')
FORM = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"')


def _log_out(browser, rp_url: str):
    return browser.post(
        rp_url + "/accounts/logout/",
        headers={"X-CSRFToken": browser.cookies.get("csrftoken", "")},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )


def test_log_out_ends_both_sessions(oidc, browser):
    provider = oidc.provider
    provider.accounts({"carol": {"name": "Carol", "email": "carol@example.com"}})
    sign_in(browser, provider, "carol")
    assert browser.get(provider.rp_url + "/learn/", timeout=HTTP_TIMEOUT).status_code == 200
    browser.get(provider.rp_url + "/accounts/login/", timeout=HTTP_TIMEOUT)  # the CSRF cookie

    response = _log_out(browser, provider.rp_url)

    assert response.status_code == 302
    end_session = response.headers["Location"]
    assert end_session.startswith(provider.issuer + "/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == [provider.rp_url + "/"]
    assert query["id_token_hint"][0].count(".") == 2
    # Signed out here already, before the provider answers.
    learn = browser.get(provider.rp_url + "/learn/", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert learn.status_code == 302 and "/accounts/login/" in learn.headers["Location"]

    # The provider asks; yes; back to our home page.
    page = follow(browser, end_session, until=provider.rp_url)
    assert page.status_code == 200, page.text
    form = {m["name"]: m["value"] for m in INPUT.finditer(page.text)}
    confirm = browser.post(
        urljoin(page.url, FORM.search(page.text)["action"]),
        data={**form, "logout": "yes"},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    assert confirm.headers["Location"] == provider.rp_url + "/"

    # The provider's session is over: the next sign-in asks who it is again.
    login = browser.get(provider.rp_url + "/accounts/oidc/authenticate/", allow_redirects=False)
    page = follow(browser, login.headers["Location"], until=provider.rp_url)
    assert page.status_code == 200 and "Test provider log-in" in page.text


def test_a_local_log_out_stays_here(oidc, browser, client, trainee):
    client.force_login(trainee)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
