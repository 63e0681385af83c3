"""The provider's endpoints: the explicit settings, else discovered once per process from
`<OIDC_ISSUER>/.well-known/openid-configuration` (a failed fetch is not cached)."""

import functools

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# mozilla-django-oidc's setting name -> the discovery document's key
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}
_MISSING = object()


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str, timeout: int) -> dict:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=timeout)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(f"The discovery document of {issuer} names another issuer.")
    return document


def discovery_forget() -> None:
    _discovery.cache_clear()


def oidc_setting(name: str, default=_MISSING):
    """A setting as mozilla-django-oidc asks for it, with endpoints from discovery."""
    value = getattr(settings, name, "")
    if name in DISCOVERED and not value and settings.OIDC_ISSUER:
        value = _discovery(settings.OIDC_ISSUER, settings.OIDC_TIMEOUT).get(DISCOVERED[name], "")
    if value in ("", None):
        if default is not _MISSING:
            return default
        if name in DISCOVERED or not hasattr(settings, name):
            raise ImproperlyConfigured(f"{name} is not set and was not discovered.")
    return value


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME
