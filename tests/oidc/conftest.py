"""The sign-in tests' provider (one per test session, on 127.0.0.1, for the live server)
and the settings that switch company sign-in on for one test."""

import pytest
import requests

from config.settings.oidc import OIDC_BACKEND, oidc_settings
from people.oidc.provider import discovery_forget
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, Provider, provider_start

TEST_ENV = {
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
    "OIDC_PROVIDER_NAME": "Test SSO",
    "OIDC_RP_SCOPES": "openid email profile groups employee",
    "OIDC_CLAIM_EMPLOYEE_NUMBER": "employee_number",
    "OIDC_CLAIM_STORE": "store",
    "OIDC_CLAIM_COHORTS": "cohorts",
    "OIDC_CLAIM_ROLES": "groups",
    "OIDC_TIMEOUT": "10",
}


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    provider = provider_start(workdir=tmp_path_factory.mktemp("oidc"), rp_url=live_server.url)
    yield provider
    provider.stop()


def oidc_switch_on(settings, provider: Provider, **environ: str) -> None:
    """Every OIDC_* setting from config.settings.oidc, as the environment would give them
    (the settings are read once at start-up), and the backend."""
    for name, value in oidc_settings(
        {**TEST_ENV, "OIDC_ISSUER": provider.issuer, **environ}
    ).items():
        setattr(settings, name, value)
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != OIDC_BACKEND]
    settings.AUTHENTICATION_BACKENDS = [*backends, OIDC_BACKEND]
    discovery_forget()


@pytest.fixture
def oidc(settings, oidc_provider, transactional_db):
    """Company sign-in on, with the default settings; `oidc.configure(**environ)` changes them."""
    oidc_switch_on(settings, oidc_provider)
    oidc_provider.accounts({})

    class Switch:
        provider = oidc_provider

        @staticmethod
        def configure(**environ: str) -> None:
            oidc_switch_on(settings, oidc_provider, **environ)

    yield Switch
    discovery_forget()


@pytest.fixture
def browser():
    """A person's browser: cookies for our site and the provider's."""
    with requests.Session() as session:
        yield session
