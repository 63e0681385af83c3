"""The real OpenID Provider of the sign-in tests (tests/oidc_provider/server.js, panva's
oidc-provider) as a child process on 127.0.0.1, and a person's way through it with a
`requests.Session`: our log-in page, the provider's log-in page, the callback."""

import json
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SERVER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "academy"
CLIENT_SECRET = "test-only-client-secret"  # noqa: S105
START_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0
MAX_REDIRECTS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signing_jwks() -> dict:
    """A fresh RSA key for the provider to sign ID tokens with (private parts included)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # ["sign"] only: the provider verifies id_token_hint with it too
    return {"keys": [{**jwk, "kid": "test-key-1", "alg": "RS256", "use": "sig"}]}


@dataclass
class Provider:
    """A running provider. `accounts()` rewrites its accounts file, read at every sign-in."""

    issuer: str
    accounts_file: Path
    process: subprocess.Popen
    log_file: Path
    rp_url: str = field(default="")

    def accounts(self, accounts: dict[str, dict]) -> None:
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def provider_start(*, workdir: Path, rp_url: str) -> Provider:
    """Start server.js for the relying party at `rp_url` and wait for its discovery document."""
    if not (SERVER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("tests/oidc_provider has no node_modules: run `make setup-test`")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    jwks_file = workdir / "jwks.json"
    jwks_file.write_text(json.dumps(signing_jwks()), encoding="utf-8")
    accounts_file = workdir / "accounts.json"
    accounts_file.write_text("{}", encoding="utf-8")
    log_file = workdir / "provider.log"
    command = [
        "node",
        str(SERVER_DIR / "server.js"),
        "--port",
        str(port),
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--redirect-uri",
        f"{rp_url}/accounts/oidc/callback/",
        "--post-logout-redirect-uri",
        f"{rp_url}/",
        "--accounts",
        str(accounts_file),
        "--jwks",
        str(jwks_file),
    ]
    with log_file.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own test server, fixed arguments
            command, cwd=SERVER_DIR, stdout=log, stderr=subprocess.STDOUT
        )
    provider = Provider(issuer, accounts_file, process, log_file, rp_url)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited: {log_file.read_text()}")
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.ok and response.json()["issuer"] == issuer:
                return provider
        except requests.RequestException:
            pass
        time.sleep(0.05)  # a readiness poll, bounded by START_TIMEOUT
    provider.stop()
    raise RuntimeError(f"the OIDC provider did not start: {log_file.read_text()}")


# --- a person's way through the flow ---------------------------------------------------

BUTTON = re.compile(r'href="(?P<href>[^"]*/accounts/oidc/authenticate/[^"]*)"')
FORM_ACTION = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"')


def signin_button(html: str) -> str | None:
    match = BUTTON.search(html)
    return match["href"].replace("&amp;", "&") if match else None


def follow(session: requests.Session, url: str, *, until: str) -> requests.Response:
    """GET `url` and follow redirects one by one, stopping before any to a URL starting
    with `until` (returned as that last redirect response), or at a page that is not one."""
    for _hop in range(MAX_REDIRECTS):
        response = session.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)
        location = response.headers.get("Location")
        if not response.is_redirect or not location:
            return response
        location = urljoin(url, location)
        if location.startswith(until):
            response.headers["Location"] = location
            return response
        url = location
    raise AssertionError(f"more than {MAX_REDIRECTS} redirects from {url}")


def provider_login(session: requests.Session, provider: Provider, authorize_url: str, sub: str):
    """At the provider: its log-in page, the account, back with a redirect to our callback
    (returned, not followed: a test may change it)."""
    page = follow(session, authorize_url, until=provider.rp_url)
    if page.is_redirect:  # still signed in at the provider
        return page.headers["Location"]
    assert page.status_code == 200, page.text
    action = urljoin(page.url, FORM_ACTION.search(page.text)["action"])
    posted = session.post(action, data={"login": sub}, allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert posted.is_redirect, posted.text
    back = follow(session, urljoin(action, posted.headers["Location"]), until=provider.rp_url)
    assert back.is_redirect, back.text
    return back.headers["Location"]


@dataclass
class SignIn:
    authorize_url: str
    callback_url: str

    @property
    def authorize_params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.authorize_url).query).items()}


def sign_in_start(
    session: requests.Session, provider: Provider, sub: str, *, login_path="/accounts/login/"
) -> SignIn:
    """Our log-in page, its company sign-in button, the provider: up to the callback URL."""
    page = session.get(provider.rp_url + login_path, timeout=HTTP_TIMEOUT)
    assert page.status_code == 200
    href = signin_button(page.text)
    assert href, "no company sign-in button on the log-in page"
    start = session.get(urljoin(page.url, href), allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert start.status_code == 302, start.text
    authorize_url = start.headers["Location"]
    assert authorize_url.startswith(provider.issuer + "/")
    return SignIn(authorize_url, provider_login(session, provider, authorize_url, sub))


def callback(session: requests.Session, url: str) -> requests.Response:
    """Our callback; the redirect it answers with (not followed)."""
    return session.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)


def sign_in(session: requests.Session, provider: Provider, sub: str, **kwargs) -> str:
    """The whole way; the URL our callback sends the person to."""
    response = callback(session, sign_in_start(session, provider, sub, **kwargs).callback_url)
    assert response.status_code == 302, response.text
    return urljoin(provider.rp_url + "/", response.headers["Location"])
