"""Notifications: a message on the person's notifications page and, unless they switched
that kind off, an e-mail through core's outbox. Both are written in the recipient's language
(core.languages.user_language) inside the caller's transaction, so a rollback leaves neither.

The bottom layer, so every app can notify: the service that owns a write calls
`notification_send` with lazy strings (gettext_lazy, reverse_lazy) and the values to put in
them; they are rendered here, in the recipient's language.

- `notification_send`, `notification_mark_read`, `notifications_mark_all_read`: writes.
- `notifications_for`, `unread_count`, `email_kinds_off`: reads."""

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.languages import user_language
from core.services import delivery_queue
from people.models import Notification, NotificationKind, Profile, User

EMAIL_KIND_PREFIX = "notify."


def _render(text, params: Mapping | None) -> str:
    """A (lazy) string in the active language, with `params` put in. Values are rendered too,
    so a lazy label (an outcome's display name) comes out in the same language."""
    rendered = str(text)
    if params:
        rendered = rendered % {key: str(value) for key, value in params.items()}
    return rendered


def _absolute(url: str) -> str:
    if not url or "://" in url:
        return url
    return settings.SITE_BASE_URL.rstrip("/") + url


def email_kinds_off(user: User) -> list[str]:
    """The kinds this person does not want by e-mail (none when they have no profile)."""
    off = Profile.objects.filter(user_id=user.pk).values_list("notification_email_off", flat=True)
    stored = off.first() or []
    return [kind for kind in stored if kind in NotificationKind.values]


@transaction.atomic
def notification_send(
    *,
    user: User,
    kind: str,
    title,
    body="",
    url="",
    params: Mapping | None = None,
) -> Notification:
    """Write `user` a notification of `kind` and, if they have an e-mail address and that
    kind switched on, queue the same message by e-mail (kind "notify.<kind>" in the outbox).
    `title`, `body` and `url` may be lazy; they are rendered in the recipient's language,
    with `params` put into `title` and `body`."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    language = user_language(user)
    with translation.override(language):
        title_text = " ".join(_render(title, params).split())[:200]
        body_text = _render(body, params) if body else ""
        link = str(url) if url else ""
        notification = Notification.objects.create(
            user=user, kind=kind, title=title_text, body=body_text, url=link[:500]
        )
        if user.email and user.is_active and kind not in email_kinds_off(user):
            lines = [body_text] if body_text else []
            if link:
                lines.append(_("Open it here: %(url)s") % {"url": _absolute(link)})
            lines.append(
                _(
                    "You receive this e-mail because it is switched on in your profile. "
                    "Choose which e-mails you receive: %(url)s"
                )
                % {"url": _absolute(reverse("profile"))}
            )
            delivery_queue(
                recipient=user.email,
                subject=title_text,
                body="\n\n".join(lines) + "\n",
                language=language,
                kind=f"{EMAIL_KIND_PREFIX}{kind}",
            )
    return notification


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s own notifications read (once; reading it again changes nothing).
    Someone else's notification, or none, is a 404: it never shows that it exists."""
    notification = (
        Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
    )
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        user._unread_count = None
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    user._unread_count = None
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    known = getattr(user, "_unread_count", None)
    if known is not None:
        return known
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def remember_unread_count(user: User, count: int) -> None:
    """A count just read with something else (training/page_cache.py) is used for the rest
    of this request (the user object lives for one request); marking read forgets it."""
    user._unread_count = count
