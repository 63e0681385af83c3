"""Decisions are append-only: a correction is a new row pointing at the one it corrects."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from core.append_only import AppendOnlyModel


class Decision(AppendOnlyModel):
    # Append-only (added by the issue-7 workspace): save() of an existing row, delete() and
    # queryset update()/delete() are refused; see core/append_only.py.

    class Outcome(models.TextChoices):
        COMPETENT = "competent", _("Competent")
        NOT_YET_COMPETENT = "not_yet_competent", _("Not Yet Competent")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    unit = models.ForeignKey(CompetencyUnit, on_delete=models.PROTECT, related_name="decisions")
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    round_number = models.PositiveSmallIntegerField(_("assessment round"), default=1)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_made"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    gaps = models.JSONField(_("gaps at the time of decision"), default=list, blank=True)
    feedback = models.TextField(_("feedback to the trainee"), blank=True)
    reassessment_on = models.DateField(_("reassessment date"), null=True, blank=True)
    assessed_on = models.DateField(_("assessment date"))
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.TextField(_("why this corrects an earlier decision"), blank=True)
    # Fixed when the decision is recorded (assessments/services/decisions.py): a second
    # assessor must confirm it before its certificate issues (assessments/models/moderation.py).
    moderation_required = models.BooleanField(_("moderation required"), default=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
