"""Retiring course activities (lessons, quizzes, scenarios) instead of deleting them.

Trainees' records (lesson progress, quiz attempts, scenario runs) refer to these pages with
on_delete=PROTECT, so a page with records cannot be deleted. It is retired instead: the
`retired` field is an ordinary page field, so retiring is an edit that goes through the
same review as any other before it is published. A published retired page is hidden from
trainees who have not started it (not in the outline, not required for completion, not
startable); trainees with records keep their results and assessors their evidence
(training.completion, training.page_access)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page


class Retirable(models.Model):
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_(
            "Retired content is hidden from trainees who have not started it and no longer "
            "counts for course completion. Trainees who have started it keep their results "
            "and assessors keep the evidence. Retiring is published through review like any "
            "other change."
        ),
    )

    class Meta:
        abstract = True


RETIREMENT_PANEL = MultiFieldPanel([FieldPanel("retired")], heading=_("Retirement"))

# The Settings tab of a retirable page: Wagtail's own settings, then retirement.
RETIRABLE_SETTINGS_PANELS = [*Page.settings_panels, RETIREMENT_PANEL]


def is_retired(page) -> bool:
    """Whether a (specific) page is retired; pages of other types never are."""
    return bool(getattr(page, "retired", False))
