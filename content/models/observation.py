"""Observable behaviours trainers write under an indicator, with the contexts where an
assessor can see them (till, service desk, back office, team meeting, role play...). The
assessor's workplace and role-play observation checklists are these items, for the context the
assessor chose (assessments/selectors/checklist.py); an indicator with no item in that context
cannot be judged on that observation.

Items go through the two-person review like course pages (content/services/review.py): with
Wagtail's DraftStateMixin the row holds the LIVE item, the one checklists show; a trainer's
edits are drafts in revisions until a second person approves."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from content.forms.observation import ContextCheckboxes
from content.models.framework import Indicator
from content.models.mapping import CompetencyMapped
from content.models.review import ReviewedSnippetMixin


class ObservationContext(models.TextChoices):
    """Where a behaviour can be observed. A workplace observation is in one of the workplace
    contexts; an observed role play is always ROLE_PLAY."""

    TILL = "till", _("Till / checkout")
    SERVICE_DESK = "service_desk", _("Service desk")
    PHONE_ONLINE = "phone_online", _("Phone or online")
    BACK_OFFICE = "back_office", _("Back office")
    TEAM_MEETING = "team_meeting", _("Team meeting")
    ROLE_PLAY = "role_play", _("Role play")

    @classmethod
    def workplace(cls) -> list[tuple[str, str]]:
        """The contexts of a workplace observation (every one but the role play)."""
        return [(value, label) for value, label in cls.choices if value != cls.ROLE_PLAY]


class ObservationItemQuerySet(models.QuerySet):
    def in_context(self, context: str) -> "ObservationItemQuerySet":
        """Items observable in `context`: a JSON containment test (indexable with GIN on
        PostgreSQL); SQLite has no JSON containment, so there the JSON text is matched on the
        quoted code (codes are fixed identifiers that never contain one another in quotes)."""
        if connection.features.supports_json_field_contains:
            return self.filter(contexts__contains=[context])
        return self.filter(contexts__icontains=f'"{context}"')


def validate_contexts(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one context where the behaviour is observed."))
    unknown = [v for v in value if v not in ObservationContext.values]
    if unknown:
        raise ValidationError(
            _("Unknown context: %(contexts)s."), params={"contexts": ", ".join(map(str, unknown))}
        )


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
    # The contexts are a JSON list of ObservationContext codes, not a related table: an item
    # has a handful of them out of six fixed codes, the admin edits them as checkboxes on the
    # item itself, and a JSON field travels in the item's revisions with its text (a drafted
    # change of contexts waits for the review like any other edit) where a child table would
    # need an inline panel. Filtering is `ObservationItem.objects.in_context(code)`; the
    # codes are checked in clean() (a validator would put application code in migrations).
    contexts = models.JSONField(
        _("where it can be observed"),
        default=list,
        help_text=_("The places or situations where an assessor can see this behaviour."),
    )
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
        FieldPanel("contexts", widget=ContextCheckboxes(choices=ObservationContext.choices)),
        FieldPanel("assessment_method"),
        FieldPanel("competency_items"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("text"), index.AutocompleteField("text")]

    objects = ObservationItemQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__sort_order", "sort_order", "pk"]
        verbose_name = _("observation checklist item")
        verbose_name_plural = _("observation checklist items")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.text}"

    def clean(self) -> None:
        super().clean()
        try:
            validate_contexts(self.contexts)
        except ValidationError as error:
            raise ValidationError({"contexts": error.messages}) from None

    def context_labels(self) -> list[str]:
        return [
            ObservationContext(c).label for c in self.contexts if c in ObservationContext.values
        ]

    @property
    def revisions(self):
        return self._revisions
