"""Question versions: the bank question frozen as it was when a quiz attempt drew it
(Moodle's question versioning). A response points at its version, so later edits of the
question never change an attempt in progress, its grading, its review or item analysis.
Rows are written once by `training/services/question_versions.py` and never changed."""

from functools import cached_property

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models.questions import Question
from training.question_snapshots import FrozenQuestion


class QuestionVersion(models.Model):
    # PROTECT: answers given to a version keep it, and the version keeps its question.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))  # training.question_snapshots.snapshot_content
    digest = models.CharField(max_length=64)  # sha256 of the canonical content
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="questionversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["question", "digest"], name="questionversion_unique_digest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A question version is never changed once written.")
        super().save(*args, **kwargs)

    @cached_property
    def snapshot(self) -> FrozenQuestion:
        return FrozenQuestion.from_content(self.content)
