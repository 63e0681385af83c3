"""The oral question bank. Kept in assessments (not content) because assessors write and keep
their own questions and model answers; trainees never see them. Content stays trainer-authored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models.framework import CompetencyItem, CompetencyUnit, Indicator


class OralQuestion(models.Model):
    unit = models.ForeignKey(
        CompetencyUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="oral_questions",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("behaviour indicator"),
        on_delete=models.PROTECT,
        related_name="oral_questions",
    )
    competency_items = models.ManyToManyField(
        CompetencyItem, verbose_name=_("knowledge items"), blank=True, related_name="oral_questions"
    )
    text = models.TextField(_("question"))
    model_answer = models.TextField(_("model answer"))
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator__sort_order", "pk"]
        verbose_name = _("oral question")
        verbose_name_plural = _("oral questions")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.text[:60]}"
