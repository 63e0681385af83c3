"""Moderation: a share of Competent decisions is confirmed by a second assessor before the
certificate issues. The policy is a site-wide setting; each moderation is an append-only row."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from assessments.models.decisions import Decision
from core.append_only import AppendOnlyModel


@register_setting(icon="group")
class ModerationPolicy(BaseGenericSetting):
    """Which Competent decisions a second assessor must confirm (fixed when each is recorded)."""

    share_percent = models.PositiveSmallIntegerField(
        _("share of Competent decisions moderated (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("A stable sample by trainee, unit and round; 0 moderates none, 100 all."),
    )
    first_decisions_per_assessor = models.PositiveSmallIntegerField(
        _("first Competent decisions of each assessor always moderated"),
        default=3,
        validators=[MaxValueValidator(1000)],
    )

    panels = [FieldPanel("share_percent"), FieldPanel("first_decisions_per_assessor")]

    class Meta:
        verbose_name = _("moderation policy")


class Moderation(AppendOnlyModel):
    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="moderations", verbose_name=_("decision")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderations_made",
        verbose_name=_("moderator"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), auto_now_add=True)

    class Meta:
        ordering = ["-moderated_at", "-pk"]
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
