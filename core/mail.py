"""EMAIL_BACKEND for the whole site. `send_messages` only writes outbox rows (one per
recipient) in the current transaction; the background task sends them after commit through
settings.DELIVERY_EMAIL_BACKEND. So every `send_mail` (Wagtail's workflow notifications,
Django's password reset, ...) is retried, logged and visible to admins, and a slow or broken
mail server never fails the request that sent the message."""

import logging

from django.core.mail.backends.base import BaseEmailBackend
from django.utils.html import strip_tags

from core.languages import address_language
from core.services import delivery_queue

logger = logging.getLogger("core.delivery")

KIND_HEADER = "X-Delivery-Kind"  # optional label for the outbox; never sent
_NOT_KEPT = {"to", "cc", "bcc", "from", "subject", KIND_HEADER.lower()}


class OutboxBackend(BaseEmailBackend):
    is_outbox = True  # core.services refuses to "send" through it (it would only queue again)

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            try:
                queued += self._queue(message)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("could not write a message to the outbox")
        return queued

    def _queue(self, message) -> int:
        recipients = message.recipients()
        if not recipients:
            return 0
        body, html = message.body, ""
        if message.content_subtype == "html":
            body, html = strip_tags(message.body), message.body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        if message.attachments:
            logger.warning("the outbox does not keep attachments: %s", message.subject)
        headers = {
            str(name): str(value)
            for name, value in message.extra_headers.items()
            if str(name).lower() not in _NOT_KEPT
        }
        if message.reply_to and "reply-to" not in {name.lower() for name in headers}:
            headers["Reply-To"] = ", ".join(message.reply_to)
        kind = str(message.extra_headers.get(KIND_HEADER, "mail"))
        for address in recipients:  # one row each: cc and bcc are sent to each on their own
            delivery_queue(
                recipient=address,
                subject=message.subject,
                body=body,
                html_body=html,
                from_email=message.from_email or "",
                headers=headers,
                language=address_language(address),
                kind=kind,
            )
        return 1
