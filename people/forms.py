"""Forms of the person's own pages."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from people.models import NotificationKind, User
from people.oidc.services import user_is_sso_only


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


class LocalLoginForm(AuthenticationForm):
    """The user name and password log-in, refusing (with a clear message) the accounts that
    sign in with their company account only (OIDC_DISABLE_LOCAL_PASSWORDS)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
            if user is not None and user_is_sso_only(user):
                raise ValidationError(
                    _(
                        "This account signs in with the company account only. Use the "
                        "“Sign in with %(provider)s” button above."
                    ),
                    code="sso_only",
                    params={"provider": oidc_provider_label()},
                )
        return super().clean()


def oidc_provider_label() -> str:
    return settings.OIDC_PROVIDER_NAME or str(_("company account"))
