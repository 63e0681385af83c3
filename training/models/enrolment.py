from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.pages.course import CoursePage


class Enrolment(models.Model):
    """A trainee's place on a course. `completed_at` is set once, by
    training.services.progress.enrolment_update_completion, when the course's completion rules
    are met; it never flips back when the course is edited later."""

    class Source(models.TextChoices):
        TRAINER = "trainer", _("Enrolled by a trainer")
        COHORT = "cohort", _("Enrolled with a cohort")
        SELF = "self", _("Self-enrolled")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    # PROTECT: learners' records never go with the content; it is retired instead
    # (content/pages/retirement.py).
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cohort = models.ForeignKey(
        "people.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    resume_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("where the trainee stopped"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course"], name="enrolment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.course}"
