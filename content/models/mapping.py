"""Mapping: any authored item (lesson, scenario, scenario choice, quiz question,
observation checklist item) points at the unit's indicators, K/S items and key evidence
items and carries the assessment method it provides evidence for. Models inherit this
abstract base.

Each model declares its `mapping_role`: an item either TEACHES (a lesson: it is listed as
taught and never counts as evidence, whatever it is tagged with) or ASSESSES (an instrument
that can show a person's competence: quiz questions, scenarios and their choices,
observation checklist items). The mapping matrix (content/selectors/mapping.py) counts only
instruments, and only those that can produce evidence now (published, live)."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField

from content.models.framework import AssessmentMethod

TEACHES = "teaches"
ASSESSES = "assesses"

# Items with no text (e.g. K5.1, which the unit names but leaves empty) stay in the unit as
# imported but are never offered as mapping targets.
MAPPABLE_ITEMS = ~models.Q(text="")


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
        limit_choices_to=MAPPABLE_ITEMS,
    )
    assessment_method = models.CharField(
        _("assessment method"), max_length=30, choices=AssessmentMethod.choices, blank=True
    )

    mapping_role: ClassVar[str] = ASSESSES
    # Items held by a reviewed, validated instrument (a criterion of a portfolio task): the
    # attribute naming it. The item counts only while that instrument is live and validated.
    mapping_parent: ClassVar[str] = ""

    class Meta:
        abstract = True

    def mapping_label(self) -> str:
        """How the item is named in the mapping matrix."""
        return str(self)

    def mapping_edit_url(self) -> str | None:
        """Where a trainer edits the item (None when it has no edit page of its own)."""
        return None

    def mapping_method(self) -> str:
        """The assessment method the item provides evidence for ("" when none)."""
        return self.assessment_method


def mapped_models() -> list[type[CompetencyMapped]]:
    """Every concrete model that carries a mapping (lessons, scenario choices, questions,
    observation items...), found from the class hierarchy so new kinds join by inheriting."""
    found: list[type[CompetencyMapped]] = []
    pending = list(CompetencyMapped.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model._meta.abstract and not model._meta.proxy and model not in found:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)
