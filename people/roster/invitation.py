"""The invitation a new account gets when the roster import creates it with an e-mail
address: a one-time link to choose a password (Django's password-reset token and confirm
page), written in the person's language and queued in core's outbox with the import."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.languages import user_language
from core.models import Delivery
from core.services import delivery_queue
from people.models import User

KIND = "people.invitation"


def invitation_link(user: User) -> str:
    """The absolute set-your-password link: it works once (the token changes with the
    password) and until PASSWORD_RESET_TIMEOUT has passed."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_BASE_URL.rstrip("/") + path


@transaction.atomic
def invitation_queue(*, user: User, invited_by: User | None) -> Delivery:
    """Queue `user`'s invitation (they must have an e-mail address), in their language."""
    if not user.email:
        raise ValueError("an invitation needs an e-mail address")
    language = user_language(user)
    with translation.override(language):
        context = {
            "user": user,
            "link": invitation_link(user),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "invited_by": invited_by.printed_name if invited_by else "",
            "login_url": settings.SITE_BASE_URL.rstrip("/") + reverse("login"),
        }
        subject = render_to_string("people/email/invitation_subject.txt", context)
        body = render_to_string("people/email/invitation.txt", context)
    return delivery_queue(
        recipient=user.email, subject=subject, body=body, language=language, kind=KIND
    )
