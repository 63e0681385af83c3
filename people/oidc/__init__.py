"""Company sign-in with OpenID Connect, on mozilla-django-oidc: the provider's settings and
discovery (provider.py), the claim mapping (claims.py), the write that matches or creates the
user (services.py), the backend that checks the tokens (backend.py) and the views (views.py).
Configured from the environment by config/settings/oidc.py."""
