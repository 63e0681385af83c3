"""A trainee's play-through of a role-play scenario: the run, and the ordered record of what
was shown and chosen. Each answered step keeps a snapshot of the texts and points, so the
transcript and the evidence stay true when the scenario is edited later."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.pages.course import CoursePage
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep


class ScenarioRun(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        ASSESSMENT = "assessment", _("Assessment")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        ABANDONED = "abandoned", _("Abandoned")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="scenario_runs",
    )
    # PROTECT: learners' records never go with the content; it is retired instead
    # (content/pages/retirement.py).
    scenario = models.ForeignKey(
        ScenarioPage, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="runs"
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("run number"), default=1)
    # Only a finished assessment run (no going back, feedback at the end, within the
    # scenario's assessment_attempts) is role-play evidence; practice runs are practice.
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.PRACTICE)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    current_step_key = models.CharField(_("current step"), max_length=40)
    seq = models.PositiveIntegerField(
        _("sequence number"),
        default=0,
        help_text=_("Grows with every move; a form for an older number is stale."),
    )
    depth = models.PositiveIntegerField(_("choices on the path"), default=0)
    score_percent = models.FloatField(_("score (%)"), null=True, blank=True)
    indicator_scores = models.JSONField(_("score per indicator"), default=dict, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    ending_key = models.CharField(_("ending"), max_length=40, blank=True)
    ending_rating = models.CharField(_("ending rating"), max_length=12, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "scenario"],
                condition=models.Q(status="in_progress"),
                name="scenariorun_one_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["scenario", "status"], name="scenariorun_status")]

    def __str__(self) -> str:
        return f"{self.scenario_id} #{self.number} ({self.trainee_id})"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED

    @property
    def is_assessment(self) -> bool:
        return self.mode == self.Mode.ASSESSMENT


class ScenarioRunStep(models.Model):
    run = models.ForeignKey(ScenarioRun, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField(_("number"))
    step = models.ForeignKey(
        ScenarioStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_key = models.CharField(_("step"), max_length=40)
    step_kind = models.CharField(_("kind of step"), max_length=12, default="line")
    speaker = models.CharField(_("speaker"), max_length=80, blank=True)
    step_text = models.TextField(_("what was said"))
    choice = models.ForeignKey(
        ScenarioChoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    choice_text = models.TextField(_("trainee's words"))
    feedback = models.TextField(_("feedback"), blank=True)
    points = models.JSONField(_("points"), default=dict, blank=True)
    max_points = models.JSONField(_("points available"), default=dict, blank=True)
    undone = models.BooleanField(
        _("taken back"), default=False, help_text=_("The trainee went back from this choice.")
    )
    created_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        ordering = ["run", "number", "pk"]
        verbose_name = _("scenario run step")
        verbose_name_plural = _("scenario run steps")
        indexes = [models.Index(fields=["run", "undone"], name="scenariorunstep_active")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number} {self.step_key}"

    @property
    def is_narration(self) -> bool:
        return self.step_kind == "narration"
