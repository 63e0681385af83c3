import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Our own user model from the first migration, so fields can be added later without
    the painful swap. Names for certificates live on Profile: Chinese names have no
    first/last split, so `first_name`/`last_name` are not used for printing."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def printed_name(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """The printed name (Profile.full_name) wherever Django or Wagtail shows a user's
        name; the first/last name only for a user without a profile."""
        try:
            profile = self.profile
        except models.ObjectDoesNotExist:
            profile = None
        if profile is not None and profile.full_name:
            return profile.full_name
        return super().get_full_name()


class Store(models.Model):
    code = models.SlugField(_("store code"), max_length=32, unique=True)
    name = models.CharField(_("store name"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """A group of trainees who learn and are assessed together (e.g. '2026 Q4 Taipei')."""

    code = models.SlugField(_("cohort code"), max_length=40, unique=True)
    name = models.CharField(_("cohort name"), max_length=120)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(
        _("full name as printed on certificates"),
        max_length=100,
        help_text=_("Written exactly as it must appear, e.g. 陳大文. No first/last split."),
    )
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    store = models.ForeignKey(
        Store,
        verbose_name=_("store / branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    cohorts = models.ManyToManyField(
        Cohort, verbose_name=_("cohorts"), blank=True, related_name="members"
    )
    # The notification kinds (NotificationKind values) the person does not want by e-mail:
    # every kind is e-mailed until switched off, new kinds included.
    notification_email_off = models.JSONField(
        _("notifications not sent by e-mail"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~models.Q(employee_number=""),
                name="profile_unique_employee_number",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        # Stored NFC so that names compare, search and print the same way everywhere.
        self.full_name = unicodedata.normalize("NFC", self.full_name.strip())


class NotificationKind(models.TextChoices):
    """What a notification is about; each kind can be switched off for e-mail."""

    DECISION = "decision", _("Assessment decisions")
    REASSESSMENT = "reassessment", _("Reassessment bookings")
    MARKING = "marking", _("Marked written answers")
    APPEAL = "appeal", _("Appeal outcomes")
    CERTIFICATE = "certificate", _("Certificates issued, reissued or revoked")
    # Staff only (offered to assessors on their profile): the daily digest of to-do items.
    STAFF_REMINDER = "staff_reminder", _("Reminders of assessment work")


class Notification(models.Model):
    """One message on the person's notifications page, written in their language when sent
    (people.notifications.notification_send)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_user_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class ExternalIdentity(models.Model):
    """A company account (OpenID Connect) linked to a user: the provider's issuer and the
    stable subject it gives the person. Users signing in with a company account are found by
    this pair only (people.oidc.services.oidc_user_sign_in), never by their e-mail address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject identifier"), max_length=255)
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last signed in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company account")
        verbose_name_plural = _("company accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
