"""The person's own profile: what prints on their certificates (read-only, with whom to ask
for a correction), their store and cohorts, and their language and e-mail choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.languages import current_language
from core.views import run_service
from people.forms import ProfilePreferencesForm
from people.models import NotificationKind, Profile, User
from people.notifications import email_kinds_off
from people.preferences import (
    email_kinds_offered,
    preferred_language,
    profile_preferences_update,
)

ADMINS_SHOWN = 3


def _administrators() -> list[User]:
    """Whom to ask for a correction of the printed name: the active administrators."""
    return list(
        User.objects.filter(is_superuser=True, is_active=True)
        .select_related("profile")
        .order_by("pk")[:ADMINS_SHOWN]
    )


@never_cache
@login_required
def profile(request):
    user = request.user
    person = (
        Profile.objects.select_related("store")
        .prefetch_related("cohorts")
        .filter(user_id=user.pk)
        .first()
    )
    off = email_kinds_off(user)
    offered = email_kinds_offered(user)
    form = ProfilePreferencesForm(
        request.POST or None,
        initial={
            "language": preferred_language(user) or current_language(),
            "email_kinds": [kind for kind in offered if kind not in off],
        },
    )
    # The boxes shown are the kinds this person receives (staff kinds for assessors only);
    # every kind stays a valid choice, so a page shown before a role changed still saves.
    form.fields["email_kinds"].widget.choices = [
        (kind, label) for kind, label in NotificationKind.choices if kind in offered
    ]

    def save(data) -> str:
        profile_preferences_update(
            user=user, language=data["language"], email_kinds=data["email_kinds"]
        )
        return data["language"]

    language = run_service(form, save)
    if language:
        # The page again, in the language just chosen.
        with translation.override(language):
            messages.success(request, _("Your choices are saved."))
            return redirect(reverse("profile"))
    return render(
        request,
        "people/profile.html",
        {
            "person": person,
            "cohorts": list(person.cohorts.all()) if person else [],
            "administrators": _administrators(),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
