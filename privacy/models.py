"""Personal data: the learner's acknowledgement of the notice (append-only), the retention
rule per record kind (set by the administrator), and the log of each retention run."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel
from privacy.record_kinds import RecordKind, RetentionAction


class PrivacyAcknowledgement(AppendOnlyModel):
    """One row each time a person acknowledges a version of the notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="privacy_acknowledgements",
    )
    version = models.CharField(_("notice version"), max_length=20)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        verbose_name = _("privacy notice acknowledgement")
        verbose_name_plural = _("privacy notice acknowledgements")
        indexes = [models.Index(fields=["user", "version"], name="privacy_ack_user_version")]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.version}"


class RetentionRule(models.Model):
    kind = models.CharField(
        _("kind of record"), max_length=20, choices=RecordKind.choices, unique=True
    )
    months = models.PositiveIntegerField(
        _("keep for (months)"),
        help_text=_("Counted from the record's date (see the kind); the form enforces minimums."),
    )
    action = models.CharField(
        _("when the period ends"), max_length=10, choices=RetentionAction.choices
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class RetentionRun(models.Model):
    """What one run of retention_apply (or one erasure) did: counts per kind."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Periodic job")
        ERASURE = "erasure", _("Erasure request")

    started_at = models.DateTimeField(_("run at"))
    as_of = models.DateTimeField(_("periods counted up to"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    trigger = models.CharField(
        _("started by"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    counts = models.JSONField(_("records per kind"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("records changed"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.total})"
