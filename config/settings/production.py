"""Production: refuses to start without a secret key; passes `check --deploy` cleanly."""

import os

from .base import *  # noqa: F403
from .base import DATABASE_CACHE, env_bool, require_secret_key

# Several app servers share one cache (see base.py): the database's.
CACHES = DATABASE_CACHE

require_secret_key()
DEBUG = False
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Trust X-Forwarded-Proto only behind a proxy that always overwrites it: any client can send
# the header, and a trusted forged one makes plain HTTP requests look secure.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
DELIVERY_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
LOGGING["root"]["level"] = "INFO"  # noqa: F405
