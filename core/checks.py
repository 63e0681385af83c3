"""System checks for the mail settings."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register(checks.Tags.compatibility)
def mail_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from core.mail import OutboxBackend

    errors = []
    backend = getattr(settings, "DELIVERY_EMAIL_BACKEND", "")
    try:
        backend_class = import_string(backend)
    except ImportError:
        errors.append(
            checks.Error(
                f"DELIVERY_EMAIL_BACKEND {backend!r} cannot be imported.",
                hint="Set DJANGO_EMAIL_BACKEND to a Django e-mail backend.",
                id="core.E001",
            )
        )
    else:
        if issubclass(backend_class, OutboxBackend):
            errors.append(
                checks.Error(
                    "DELIVERY_EMAIL_BACKEND is the outbox itself.",
                    hint="Set DJANGO_EMAIL_BACKEND to the real backend, e.g. SMTP.",
                    id="core.E002",
                )
            )
    if getattr(settings, "EMAIL_USE_TLS", False) and getattr(settings, "EMAIL_USE_SSL", False):
        errors.append(
            checks.Error(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both set.",
                hint="STARTTLS (usually port 587) or implicit TLS (usually 465), not both.",
                id="core.E003",
            )
        )
    return errors
