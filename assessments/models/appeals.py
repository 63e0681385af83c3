"""Appeals against a decision: lodged by the trainee, assigned by an admin to a reviewer who
did not make the decision, closed with an outcome. Each step is its own append-only row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel

from .decisions import Decision


class Appeal(AppendOnlyModel):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals"
    )
    reason = models.TextField(_("reason for the appeal"))
    lodged_at = models.DateTimeField(_("lodged at"), auto_now_add=True)

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")


class AppealAssignment(AppendOnlyModel):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeal_reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assigned_at", "-pk"]


class AppealOutcome(AppendOnlyModel):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")
        REASSESS = "reassess", _("Reassessment ordered")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="outcomes")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
