"""Forms of the person's own pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from people.models import NotificationKind


class ProfilePreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the site and its e-mails"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The site opens in this language when you log in; e-mails to you are written in it."
        ),
    )
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send these notifications by e-mail"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notification is always on your notifications page."),
    )
