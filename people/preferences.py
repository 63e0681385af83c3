"""A person's own choices: the language the site and its e-mails use, and which
notifications also come by e-mail (staff kinds are offered only to staff). The language is
Wagtail's `preferred_language`, the one value core.languages reads for every message (and
the Wagtail admin for its screens)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from people import roles
from people.models import NotificationKind, Profile, User

# Kinds only assessors receive (the daily digest of their to-do list): offered on the
# profile only to members of the Assessor group, whom assessor_reminders_send writes to.
ASSESSOR_KINDS = (NotificationKind.STAFF_REMINDER,)


def email_kinds_offered(user: User) -> list[str]:
    """The notification kinds this person may switch on or off by e-mail, in order."""
    assessor = roles.may_decide(user)
    return [kind for kind in NotificationKind.values if assessor or kind not in ASSESSOR_KINDS]


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def preferred_language(user: User) -> str | None:
    """The language the person chose, if they chose one the site offers; else None."""
    chosen = (
        UserProfile.objects.filter(user_id=user.pk)
        .values_list("preferred_language", flat=True)
        .first()
    )
    if not chosen:
        return None
    try:
        supported = translation.get_supported_language_variant(chosen)
    except LookupError:
        return None
    return supported if supported in language_codes() else None


@transaction.atomic
def profile_preferences_update(*, user: User, language: str, email_kinds: Iterable[str]) -> None:
    """Save the person's language and the notification kinds they want by e-mail (every
    kind not listed is switched off, including a staff kind not offered to them: they do not
    receive it). Refused as a whole, nothing saved, on anything the site does not offer."""
    if language not in language_codes():
        raise ValidationError(_("Choose one of the languages offered."))
    wanted = set(email_kinds)
    if wanted - set(NotificationKind.values):
        raise ValidationError(_("Choose only the e-mails offered."))
    profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
    off = [kind for kind in NotificationKind.values if kind not in wanted]
    offered = email_kinds_offered(user)
    if profile is None and any(kind in offered for kind in off):
        raise ValidationError(
            _(
                "Your account has no profile yet, so e-mail choices cannot be saved. "
                "Ask the administrator to complete it."
            )
        )
    wagtail_profile = UserProfile.get_for_user(user)
    wagtail_profile.preferred_language = language
    wagtail_profile.save(update_fields=["preferred_language"])
    if profile is not None and profile.notification_email_off != off:
        profile.notification_email_off = off
        profile.save(update_fields=["notification_email_off"])
