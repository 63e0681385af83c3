"""Quiz attempts and the answers in them. An attempt is a state machine:
in_progress -> submitted -> graded | awaiting_marking (-> graded once every written answer
is marked). Writes go through `training/services/quizzes.py` only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models.questions import Question
from content.pages.quiz import QuizPage
from training.models.question_versions import QuestionVersion


class QuizAttempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")
        AWAITING_MARKING = "awaiting_marking", _("Awaiting marking")

    # PROTECT: learners' records never go with the content; it is retired instead
    # (content/pages/retirement.py).
    quiz = models.ForeignKey(QuizPage, on_delete=models.PROTECT, related_name="attempts")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("time limit ends"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    closed_late = models.BooleanField(_("closed after the time limit"), default=False)
    # The last autosave sequence number accepted: a stale tab posts a lower one and is refused.
    sequence = models.PositiveIntegerField(_("save sequence"), default=0)
    points_earned = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    points_possible = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    # Per indicator id: {"earned": "1.00", "possible": "2.00"}; written at grading.
    indicator_scores = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz_id", "trainee_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "trainee", "number"], name="quizattempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "trainee"],
                condition=models.Q(state="in_progress"),
                name="quizattempt_one_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="quizattempt_state_idx")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.trainee_id} #{self.number}"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.GRADED, self.State.AWAITING_MARKING}


class QuizResponse(models.Model):
    """One slot of an attempt: the question version drawn, the option order shown, the answer."""

    class Status(models.TextChoices):
        UNANSWERED = "unanswered", _("Unanswered")
        GRADED = "graded", _("Graded")
        NEEDS_MARKING = "needs_marking", _("Needs marking")
        MARKED = "marked", _("Marked")

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="responses")
    slot = models.PositiveSmallIntegerField(_("question number"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    # The question as drawn: everything shown, graded and reviewed reads this, never the
    # live bank row (training/models/question_versions.py).
    question_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="responses"
    )
    option_order = models.JSONField(default=list, blank=True)  # option ids as shown
    right_order = models.JSONField(default=list, blank=True)  # matching: right column as shown
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    checked = models.BooleanField(default=False)  # locked by "check" (immediate review)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNANSWERED)
    points = models.DecimalField(max_digits=5, decimal_places=2, default=0)  # possible
    fraction = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marker_comment = models.TextField(blank=True)
    # A written answer marked against its version's rubric: {criterion id (str): points
    # given (str)}; empty when marked with one score (a version without a rubric).
    rubric_scores = models.JSONField(_("rubric scores"), default=dict, blank=True)

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        ordering = ["attempt_id", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="quizresponse_unique_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.slot}"
