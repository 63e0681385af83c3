"""The settings read from the environment and the claim mapping's parsing (no provider),
and a provider that is away: local passwords still work, the button says it failed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.settings.oidc import OIDC_BACKEND, oidc_settings
from people import roles
from people.oidc.claims import (
    claim_list,
    claim_text,
    default_role,
    mapped_roles,
    required_claims_parse,
    role_map_parse,
)
from tests.factories.people import PASSWORD, make_trainee
from tests.oidc.conftest import TEST_ENV, oidc_switch_on
from tests.oidc.provider import free_port


def test_off_without_a_client_id():
    values = oidc_settings({})
    assert values["OIDC_ENABLED"] is False
    assert values["OIDC_AUTHENTICATION_BACKENDS"] == []


def test_on_with_safe_defaults():
    values = oidc_settings({"OIDC_RP_CLIENT_ID": "x", "OIDC_ISSUER": "https://id.example/"})
    assert values["OIDC_ENABLED"] is True
    assert values["OIDC_ISSUER"] == "https://id.example"
    assert values["OIDC_AUTHENTICATION_BACKENDS"] == [OIDC_BACKEND]
    assert values["OIDC_USE_PKCE"] is True
    assert values["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert values["OIDC_CLAIM_SUBJECT"] == "sub"
    assert values["OIDC_MATCH_EMAIL"] is False
    assert values["OIDC_DISABLE_LOCAL_PASSWORDS"] is True
    assert values["OIDC_ROLE_MAP"] == ""


def test_a_client_id_needs_an_issuer():
    with pytest.raises(ImproperlyConfigured):
        oidc_settings({"OIDC_RP_CLIENT_ID": "x"})


def test_role_map():
    assert role_map_parse("") == {}
    assert role_map_parse(" a = Assessor , b=training manager,c=admin,") == {
        "a": roles.ASSESSOR,
        "b": roles.TRAINING_MANAGER,
        "c": "admin",
    }
    for broken in ("a", "a=owner", "=trainer"):
        with pytest.raises(ValueError, match="OIDC_ROLE_MAP"):
            role_map_parse(broken)
    claims = {"groups": ["a", "z"], "role": "b"}
    assert mapped_roles(claims, "groups", {"a": roles.ASSESSOR}) == {roles.ASSESSOR}
    assert mapped_roles(claims, "role", {"b": roles.TRAINER}) == {roles.TRAINER}
    assert mapped_roles(claims, "missing", {"a": roles.ASSESSOR}) == set()


def test_required_claims_and_default_role():
    assert required_claims_parse("hd=example.com, tid = 42") == {"hd": "example.com", "tid": "42"}
    with pytest.raises(ValueError, match="OIDC_REQUIRED_CLAIMS"):
        required_claims_parse("hd")
    assert default_role("trainee") == roles.TRAINEE
    assert default_role("") is None
    with pytest.raises(ValueError, match="OIDC_DEFAULT_ROLE"):
        default_role("admin")  # never an administrator by default


def test_claim_readers():
    claims = {"name": " 林美華 ", "n": 7001, "cohorts": ["a", " ", "b"], "one": "x"}
    assert claim_text(claims, "name") == "林美華"
    assert claim_text(claims, "n") == "7001"
    assert claim_text(claims, "") == ""
    assert claim_list(claims, "cohorts") == ["a", "b"]
    assert claim_list(claims, "one") == ["x"]
    assert claim_list(claims, "none") == []


@pytest.fixture
def provider_away(settings, db):
    """Company sign-in on, its provider not answering (nothing listens on the port)."""

    class Away:
        issuer = f"http://127.0.0.1:{free_port()}"

    oidc_switch_on(settings, Away, OIDC_TIMEOUT="2")
    assert TEST_ENV["OIDC_RP_CLIENT_ID"] == settings.OIDC_RP_CLIENT_ID


def test_local_passwords_work_while_the_provider_is_away(provider_away):
    trainee = make_trainee(name="王小華")
    client = Client()
    response = client.post(
        "/en/accounts/login/", {"username": trainee.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/en/learn/").status_code == 200


def test_the_button_says_the_sign_in_failed_while_the_provider_is_away(provider_away):
    client = Client()
    response = client.get("/en/accounts/oidc/authenticate/", follow=True)
    assert response.redirect_chain == [("/en/accounts/login/", 302)]
    assert "did not succeed" in response.content.decode()
