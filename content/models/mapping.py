"""Mapping: any authored item (lesson, scenario, scenario choice, quiz question,
observation checklist item) points at the unit's indicators and K/S items and carries the
assessment method it provides evidence for. Models inherit this abstract base."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField

from content.models.framework import AssessmentMethod


class CompetencyMapped(models.Model):
    indicators = ParentalManyToManyField(
        "content.Indicator",
        verbose_name=_("behaviour indicators"),
        blank=True,
        related_name="%(app_label)s_%(class)s_mapped",
    )
    competency_items = ParentalManyToManyField(
        "content.CompetencyItem",
        verbose_name=_("knowledge and skill items"),
        blank=True,
        related_name="%(app_label)s_%(class)s_mapped",
    )
    assessment_method = models.CharField(
        _("assessment method"), max_length=30, choices=AssessmentMethod.choices, blank=True
    )

    class Meta:
        abstract = True
