"""Which trainees an assessor may assess: assignments to cohorts or stores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import Cohort, Store


class AssessorAssignment(models.Model):
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.CASCADE,
        related_name="assessor_assignments",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessor_assignments",
    )
    store = models.ForeignKey(
        Store,
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessor_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessor assignment")
        verbose_name_plural = _("assessor assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(cohort__isnull=False, store__isnull=True)
                    | Q(cohort__isnull=True, store__isnull=False)
                ),
                name="assessorassignment_cohort_xor_store",
            ),
            models.UniqueConstraint(
                fields=["assessor", "cohort"],
                condition=Q(cohort__isnull=False),
                name="assessorassignment_unique_cohort",
            ),
            models.UniqueConstraint(
                fields=["assessor", "store"],
                condition=Q(store__isnull=False),
                name="assessorassignment_unique_store",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} → {self.cohort or self.store}"
