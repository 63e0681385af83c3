"""mozilla-django-oidc's backend, with our checks on the ID token (signature by the
provider's published key, issuer, audience, expiry, nonce, required claims) and our user
matching (people.oidc.services). Any failure is a refused sign-in (None), never an error page."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from people.oidc.claims import required_claims_parse
from people.oidc.provider import oidc_setting
from people.oidc.services import oidc_user_sign_in

LOGGER = logging.getLogger(__name__)
REFUSALS = (
    SuspiciousOperation,
    jwt.PyJWTError,
    requests.RequestException,
    ValueError,
    KeyError,
    ImproperlyConfigured,
)


def _lazy(name: str, default=None, required: bool = True) -> property:
    """A provider setting read when used: Django builds every backend for every log-in
    (the local password one too), which must not depend on the provider answering."""
    if required:
        return property(lambda self: oidc_setting(name))
    return property(lambda self: oidc_setting(name, default))


class CompanyOIDCBackend(OIDCAuthenticationBackend):
    OIDC_OP_TOKEN_ENDPOINT = _lazy("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _lazy("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _lazy("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _lazy("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _lazy("OIDC_RP_CLIENT_SECRET", "", required=False)
    OIDC_RP_SIGN_ALGO = _lazy("OIDC_RP_SIGN_ALGO", "RS256", required=False)
    OIDC_RP_IDP_SIGN_KEY = None  # always the provider's published keys (JWKS)

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with OIDC_RP_SIGN_ALGO.")
        if not settings.OIDC_ISSUER:
            raise ImproperlyConfigured("OIDC_ISSUER is not set.")
        claims = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_ISSUER,
            leeway=settings.OIDC_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "sub", "aud"]},
        )
        for name, value in required_claims_parse(settings.OIDC_REQUIRED_CLAIMS).items():
            if str(claims.get(name, "")) != value:
                raise SuspiciousOperation(f"The ID token's {name} claim is not {value!r}.")
        return claims

    def authenticate(self, request, **kwargs):
        # Only the callback view's call (nonce and code verifier), never a password log-in.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except REFUSALS as exc:
            LOGGER.warning("OIDC sign-in refused: %s", exc)
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about someone else than the ID token.")
        # The ID token's signed claims win over the user info (issuer, subject, required ones).
        return oidc_user_sign_in(issuer=payload["iss"], claims={**user_info, **payload})
