from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.pages.lesson import LessonPage


class LessonProgress(models.Model):
    """One trainee's progress through one lesson: when they started, how far they got
    (the index of the last body block they reached), and when they completed it."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    # PROTECT: learners' records never go with the content; it is retired instead
    # (content/pages/retirement.py).
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="progress")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), auto_now=True)
    last_position = models.PositiveIntegerField(
        _("last position"), default=0, help_text=_("Index of the last lesson block reached.")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "lesson"], name="lessonprogress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.lesson}"
