"""Company sign-in with OpenID Connect (Microsoft Entra ID, Google Workspace or any standard
provider), read from the environment. Off unless OIDC_RP_CLIENT_ID is set: then there is no
button on the log-in page, no authentication backend and the /accounts/oidc/ pages are 404.

The names are mozilla-django-oidc's settings (its views and backend read them from
django.conf.settings) plus ours (OIDC_ISSUER, OIDC_PROVIDER_NAME, OIDC_CLAIM_*, OIDC_ROLE_MAP, OIDC_DEFAULT_ROLE,
OIDC_REQUIRED_CLAIMS, OIDC_LEEWAY_SECONDS, OIDC_MATCH_EMAIL, OIDC_DISABLE_LOCAL_PASSWORDS),
used by people/oidc/."""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

OIDC_BACKEND = "people.oidc.backend.CompanyOIDCBackend"


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def oidc_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """The settings to add to the project's, from `environ` (os.environ)."""
    client_id = environ.get("OIDC_RP_CLIENT_ID", "").strip()
    enabled = bool(client_id)
    get = lambda name, default="": environ.get(name, default).strip()  # noqa: E731
    if enabled and not get("OIDC_ISSUER"):
        # The ID token's issuer is checked against it and accounts are keyed by it.
        raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set: OIDC_ISSUER must be set too.")
    return {
        "OIDC_ENABLED": enabled,
        # The provider: its issuer (endpoints discovered from
        # <issuer>/.well-known/openid-configuration on first use) or explicit endpoints.
        "OIDC_ISSUER": get("OIDC_ISSUER").rstrip("/"),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": get("OIDC_OP_AUTHORIZATION_ENDPOINT"),
        "OIDC_OP_TOKEN_ENDPOINT": get("OIDC_OP_TOKEN_ENDPOINT"),
        "OIDC_OP_USER_ENDPOINT": get("OIDC_OP_USER_ENDPOINT"),
        "OIDC_OP_JWKS_ENDPOINT": get("OIDC_OP_JWKS_ENDPOINT"),
        "OIDC_OP_END_SESSION_ENDPOINT": get("OIDC_OP_END_SESSION_ENDPOINT"),
        "OIDC_PROVIDER_NAME": get("OIDC_PROVIDER_NAME"),
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": get("OIDC_RP_CLIENT_SECRET"),
        "OIDC_RP_SIGN_ALGO": get("OIDC_RP_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": get("OIDC_RP_SCOPES", "openid email profile"),
        "OIDC_USE_PKCE": _bool(environ, "OIDC_USE_PKCE", True),
        "OIDC_TIMEOUT": int(get("OIDC_TIMEOUT", "10")),
        # How far the provider's clock may be from ours when checking the ID token's expiry.
        "OIDC_LEEWAY_SECONDS": int(get("OIDC_LEEWAY_SECONDS", "60")),
        # The client secret in an Authorization header (client_secret_basic) instead of the
        # form (client_secret_post); Entra ID and Google take either.
        "OIDC_TOKEN_USE_BASIC_AUTH": _bool(environ, "OIDC_TOKEN_USE_BASIC_AUTH", False),
        # "claim=value,...": the ID token must carry them. Google signs in every Google
        # account: OIDC_REQUIRED_CLAIMS=hd=example.com keeps it to the company's Workspace.
        "OIDC_REQUIRED_CLAIMS": get("OIDC_REQUIRED_CLAIMS"),
        # Who is who: the stable claim an account is matched by (never the e-mail address,
        # unless OIDC_MATCH_EMAIL links an existing local account once, by a verified address).
        "OIDC_CLAIM_SUBJECT": get("OIDC_CLAIM_SUBJECT", "sub"),
        "OIDC_CLAIM_NAME": get("OIDC_CLAIM_NAME", "name"),
        "OIDC_CLAIM_EMAIL": get("OIDC_CLAIM_EMAIL", "email"),
        "OIDC_CLAIM_EMPLOYEE_NUMBER": get("OIDC_CLAIM_EMPLOYEE_NUMBER"),
        "OIDC_CLAIM_STORE": get("OIDC_CLAIM_STORE"),
        "OIDC_CLAIM_COHORTS": get("OIDC_CLAIM_COHORTS"),
        "OIDC_CLAIM_ROLES": get("OIDC_CLAIM_ROLES", "groups"),
        # "provider-group=role,...", role one of trainee, trainer, assessor, training_manager,
        # admin. Empty: roles are given here only (the claim changes nothing).
        "OIDC_ROLE_MAP": get("OIDC_ROLE_MAP"),
        # The role a new account gets (trainee, trainer, assessor, training_manager; empty:
        # none), before the role map (if any) applies.
        "OIDC_DEFAULT_ROLE": get("OIDC_DEFAULT_ROLE", "trainee"),
        "OIDC_MATCH_EMAIL": _bool(environ, "OIDC_MATCH_EMAIL", False),
        "OIDC_CREATE_USER": _bool(environ, "OIDC_CREATE_USER", True),
        "OIDC_DISABLE_LOCAL_PASSWORDS": _bool(environ, "OIDC_DISABLE_LOCAL_PASSWORDS", True),
        # mozilla-django-oidc's wiring: our views, the ID token kept for the provider's log-out.
        "OIDC_AUTHENTICATE_CLASS": "people.oidc.views.CompanySignInView",
        "OIDC_CALLBACK_CLASS": "people.oidc.views.CompanyCallbackView",
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_OP_LOGOUT_URL_METHOD": "people.oidc.logout.provider_logout_url",
        "LOGIN_REDIRECT_URL_FAILURE": "login",
        "OIDC_AUTHENTICATION_BACKENDS": [OIDC_BACKEND] if enabled else [],
    }
