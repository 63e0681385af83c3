"""Which language to write to someone in."""

from django.conf import settings
from django.utils import translation


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def user_language(user) -> str:
    """The user's Wagtail preferred language if set and offered, else LANGUAGE_CODE.
    Reads the profile without creating one."""
    from wagtail.users.models import UserProfile

    preferred = None
    if user is not None and getattr(user, "pk", None):
        preferred = (
            UserProfile.objects.filter(user_id=user.pk)
            .values_list("preferred_language", flat=True)
            .first()
        )
    return _supported(preferred) or settings.LANGUAGE_CODE


def current_language() -> str:
    """The active language (a request's, or one set by translation.override)."""
    return _supported(translation.get_language()) or settings.LANGUAGE_CODE


def address_language(address: str) -> str:
    """Best guess of the language a message to `address` was rendered in, for messages
    that reach the outbox already rendered (Wagtail notifications, password reset): the
    preferred language of the one active user with that address if they chose one (what
    Wagtail renders in), else the active language (what Django renders in)."""
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    users = list(
        get_user_model()
        .objects.filter(email__iexact=address, is_active=True)
        .values_list("pk", flat=True)[:2]
    )
    if len(users) == 1:
        preferred = (
            UserProfile.objects.filter(user_id=users[0])
            .values_list("preferred_language", flat=True)
            .first()
        )
        if chosen := _supported(preferred):
            return chosen
    return current_language()
