"""The audit log: one append-only row per change, written by the services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.append_only import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("record"), max_length=60)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
