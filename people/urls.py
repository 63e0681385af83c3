from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people import views, views_profile
from people.oidc import views as oidc_views


def _reset_intro() -> str:
    """What the reset request does, with how long the link works (read when the page is
    shown, so it follows PASSWORD_RESET_TIMEOUT)."""
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return ngettext(
        "Enter the e-mail address of your account. We will e-mail you a link to choose a new "
        "password; the link works for %(hours)s hour.",
        "Enter the e-mail address of your account. We will e-mail you a link to choose a new "
        "password; the link works for %(hours)s hours.",
        hours,
    ) % {"hours": hours}


urlpatterns = [
    # The person's own pages: notifications and profile
    path("me/notifications/", views.notification_list, name="notifications"),
    path("me/notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("me/notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("me/profile/", views_profile.profile, name="profile"),
    # Log-in, log-out, passwords
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", oidc_views.SiteLogoutView.as_view(), name="logout"),
    # Company sign-in (OpenID Connect; 404 while off)
    path("oidc/", include("people.oidc.urls")),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="people/form_page.html",
            extra_context={
                "heading": _("Change password"),
                "intro": _(
                    "Enter your current password, then your new password twice. You stay logged in."
                ),
                "submit_label": _("Update password"),
            },
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="people/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="people/form_page.html",
            extra_context={
                "heading": _("Reset your password"),
                "intro": lazy(_reset_intro, str)(),
                "submit_label": _("Send the reset link"),
            },
            email_template_name="people/email/password_reset.txt",
            subject_template_name="people/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="people/form_page.html",
            extra_context={
                "heading": _("Choose a new password"),
                "intro": _("Enter your new password twice. Then log in with it."),
                "submit_label": _("Set the new password"),
            },
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
