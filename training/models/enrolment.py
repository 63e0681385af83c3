from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.pages.course import CoursePage


class Enrolment(models.Model):
    class Source(models.TextChoices):
        TRAINER = "trainer", _("Enrolled by a trainer")
        COHORT = "cohort", _("Enrolled with a cohort")
        SELF = "self", _("Self-enrolled")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course"], name="enrolment_unique"),
        ]
