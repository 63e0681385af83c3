"""Observable behaviours trainers write under an indicator. The assessor's workplace and
role-play observation checklists are generated from the unit's indicators plus these."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from content.models.framework import Indicator
from content.models.mapping import CompetencyMapped


class ObservationItem(index.Indexed, CompetencyMapped, ClusterableModel):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("behaviour indicator"),
        on_delete=models.CASCADE,
        related_name="observation_items",
    )
    text = models.CharField(_("observable behaviour"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("indicator"),
        FieldPanel("text"),
        FieldPanel("assessment_method"),
        FieldPanel("competency_items"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("text"), index.AutocompleteField("text")]

    class Meta:
        ordering = ["indicator__sort_order", "sort_order", "pk"]
        verbose_name = _("observation checklist item")
        verbose_name_plural = _("observation checklist items")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.text}"
