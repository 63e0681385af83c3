"""Observable behaviours trainers write under an indicator. The assessor's workplace and
role-play observation checklists are generated from the unit's indicators plus these.

Items go through the two-person review like course pages (content/services/review.py): with
Wagtail's DraftStateMixin the row holds the LIVE item, the one checklists show; a trainer's
edits are drafts in revisions until a second person approves."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from content.models.framework import Indicator
from content.models.mapping import CompetencyMapped
from content.models.review import ReviewedSnippetMixin


class ObservationItem(
    ReviewedSnippetMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    CompetencyMapped,
    ClusterableModel,
):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("behaviour indicator"),
        on_delete=models.CASCADE,
        related_name="observation_items",
    )
    text = models.CharField(_("observable behaviour"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="observation_item")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="observation_item",
        for_concrete_model=False,
    )

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

    @property
    def revisions(self):
        return self._revisions
