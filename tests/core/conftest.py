"""Outbox fixtures: the site's real EMAIL_BACKEND (Django's test set-up swaps in locmem),
and the real delivery backend pointed at a closed port or at a tiny SMTP server."""

import pytest
from django.utils import translation

from tests.core.smtp import closed_port, running_smtp_server

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def outbox(settings):
    """Every send_mail goes through core.mail.OutboxBackend, as in production; deliveries
    are sent to locmem (mail.outbox) unless a test points them at SMTP."""
    settings.EMAIL_BACKEND = "core.mail.OutboxBackend"
    settings.DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DELIVERY_MAX_ATTEMPTS = 3
    settings.DELIVERY_RETRY_BASE_SECONDS = 0  # retries are due at once: deliveries_retry
    return settings


def point_at_smtp(settings, port: int) -> None:
    settings.DELIVERY_EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3


@pytest.fixture
def smtp_down(outbox):
    """The real SMTP backend, aimed at a port nobody listens on."""
    point_at_smtp(outbox, closed_port())
    return outbox


@pytest.fixture(params=["closed-port", "server-refuses"])
def mail_down(request, outbox):
    """The real SMTP backend, aimed at a closed port (connection refused) or at a server that
    answers 554 (SMTPConnectError: what turned Wagtail's "submit for review" into a 500)."""
    if request.param == "closed-port":
        point_at_smtp(outbox, closed_port())
        yield outbox
    else:
        with running_smtp_server(refuse=True) as server:
            point_at_smtp(outbox, server.port)
            yield outbox


@pytest.fixture
def smtp_server():
    with running_smtp_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_language_leak():
    """A request under /en/ leaves English active in this thread (LocaleMiddleware never
    deactivates); later tests that render without a request must start from the default."""
    yield
    translation.deactivate()
