"""Playing a role-play scenario. The server holds the state: a run knows its current step and
a sequence number that grows with every move; a move names the run, the sequence number the
trainee saw and the choice. Anything else (an old form, a choice of another step or scenario,
a finished run) is refused without changing anything. Fetching a run is always scoped to the
trainee, so another trainee's run id does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content import scenario_graph
from content.pages.course import CoursePage
from content.pages.retirement import is_retired
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep
from training.models.enrolment import Enrolment
from training.models.scenario_runs import ScenarioRun, ScenarioRunStep


class ScenarioPlayError(Exception):
    """A refused move; `str(error)` is a translated message for the trainee."""


class NotEnrolled(ScenarioPlayError):
    pass


class StaleMove(ScenarioPlayError):
    pass


class ChoiceNotOffered(ScenarioPlayError):
    pass


class ScenarioChanged(ScenarioPlayError):
    pass


class BackNotAllowed(ScenarioPlayError):
    pass


class ScenarioRetired(ScenarioPlayError):
    pass


@dataclass(frozen=True)
class MoveResult:
    run: ScenarioRun
    taken: ScenarioRunStep
    finished: bool


def _course_of(scenario: ScenarioPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(scenario).first()


def _require_enrolment(trainee, course_id: int | None) -> None:
    if (
        course_id is None
        or not Enrolment.objects.filter(trainee=trainee, course_id=course_id).exists()
    ):
        raise NotEnrolled(_("You are not enrolled on the course this scenario belongs to."))


@transaction.atomic
def scenario_run_start(*, trainee, scenario: ScenarioPage) -> tuple[ScenarioRun, bool]:
    """Resume the trainee's run in progress, or start a new one. Returns (run, created).
    Two tabs or a double click give one run (unique constraint on the run in progress)."""
    course = _course_of(scenario)
    _require_enrolment(trainee, course.pk if course else None)
    current = ScenarioRun.objects.filter(
        trainee=trainee, scenario=scenario, status=ScenarioRun.Status.IN_PROGRESS
    ).first()
    if current is not None:
        if ScenarioStep.objects.filter(page=scenario, key=current.current_step_key).exists():
            return current, False
        # The scenario was edited and the run's step is gone: keep the run, start afresh.
        current.status = ScenarioRun.Status.ABANDONED
        current.save(update_fields=["status"])
    if is_retired(scenario):
        raise ScenarioRetired(
            _(
                "This scenario has been retired: no new runs can be started. Your earlier "
                "runs stay available."
            )
        )
    start = ScenarioStep.objects.filter(page=scenario, is_start=True).order_by("sort_order").first()
    if start is None:
        raise ScenarioChanged(_("This scenario has no start step yet."))
    number = ScenarioRun.objects.filter(trainee=trainee, scenario=scenario).count() + 1
    try:
        with transaction.atomic():
            run = ScenarioRun.objects.create(
                trainee=trainee,
                scenario=scenario,
                course=course,
                number=number,
                current_step_key=start.key,
            )
    except IntegrityError:
        run = ScenarioRun.objects.get(
            trainee=trainee, scenario=scenario, status=ScenarioRun.Status.IN_PROGRESS
        )
        return run, False
    return run, True


def _locked_run(*, run_id: int, trainee) -> ScenarioRun:
    """The trainee's own run, locked; ScenarioRun.DoesNotExist (-> 404) for anyone else's."""
    return (
        ScenarioRun.objects.select_for_update(of=("self",))
        .select_related("scenario")
        .get(pk=run_id, trainee=trainee)
    )


def _check_move(run: ScenarioRun, seq: int) -> None:
    if run.status != ScenarioRun.Status.IN_PROGRESS:
        raise StaleMove(_("This run is already finished. Start a new run to play again."))
    if seq != run.seq:
        raise StaleMove(
            _(
                "That page was out of date (perhaps another tab or the back button). "
                "Here is where your run stands now."
            )
        )


@transaction.atomic
def scenario_run_choose(*, run_id: int, trainee, seq: int, choice_id: int) -> MoveResult:
    """Take one choice at the current step. Queries: lock the run, enrolment, the current
    step, its offered choices, the target step, insert, update (+ the path and the course
    completion when the choice leads to an ending)."""
    run = _locked_run(run_id=run_id, trainee=trainee)
    _check_move(run, seq)
    _require_enrolment(trainee, run.course_id)
    if not run.scenario.live:
        raise ScenarioChanged(_("This scenario is not published at the moment."))
    step = ScenarioStep.objects.filter(page_id=run.scenario_id, key=run.current_step_key).first()
    if step is None or step.is_ending:
        raise ScenarioChanged(
            _("This scenario has changed since you started. Please start a new run.")
        )
    offered = list(ScenarioChoice.objects.filter(page_id=run.scenario_id, from_key=step.key))
    choice = next((c for c in offered if c.pk == choice_id), None)
    if choice is None:
        raise ChoiceNotOffered(_("That choice is not offered at this step."))
    target = ScenarioStep.objects.filter(page_id=run.scenario_id, key=choice.to_key).first()
    if target is None:
        raise ScenarioChanged(
            _("This scenario has changed since you started. Please start a new run.")
        )
    graph_choices = [
        scenario_graph.Choice(id=c.pk, from_key=c.from_key, to_key=c.to_key, scores=c.score_items)
        for c in offered
    ]
    taken = ScenarioRunStep.objects.create(
        run=run,
        number=run.depth + 1,
        step=step,
        step_key=step.key,
        speaker=step.speaker,
        step_text=step.text,
        choice=choice,
        choice_text=choice.text,
        feedback=choice.feedback,
        points=dict(choice.score_items),
        max_points=scenario_graph.step_max_points(
            graph_choices, chosen=next(c for c in graph_choices if c.id == choice.pk)
        ),
    )
    run.current_step_key = target.key
    run.seq += 1
    run.depth += 1
    finished = target.is_ending
    if finished:
        _finish(run, target)
    run.save()
    if finished:
        from training.services.progress import enrolment_update_completion_for_page

        enrolment_update_completion_for_page(trainee=trainee, page=run.scenario)
    return MoveResult(run=run, taken=taken, finished=finished)


def _finish(run: ScenarioRun, ending: ScenarioStep) -> None:
    path = ScenarioRunStep.objects.filter(run=run, undone=False).values_list("points", "max_points")
    per_indicator, total = scenario_graph.score_summary(list(path))
    run.indicator_scores = per_indicator
    run.score_percent = total
    run.ending_key = ending.key
    run.ending_rating = ending.rating
    run.passed = total >= run.scenario.pass_threshold and ending.rating != scenario_graph.POOR
    run.status = ScenarioRun.Status.FINISHED
    run.finished_at = timezone.now()


@transaction.atomic
def scenario_run_back(*, run_id: int, trainee, seq: int) -> ScenarioRun:
    """Take back the last choice (when the scenario allows it). The choice stays on record,
    marked as taken back, and no longer counts."""
    run = _locked_run(run_id=run_id, trainee=trainee)
    _check_move(run, seq)
    if not run.scenario.allow_back:
        raise BackNotAllowed(_("This scenario does not allow going back."))
    last = ScenarioRunStep.objects.filter(run=run, undone=False).order_by("-number", "-pk").first()
    if last is None:
        raise BackNotAllowed(_("You are at the first step: there is nothing to go back to."))
    last.undone = True
    last.save(update_fields=["undone"])
    run.current_step_key = last.step_key
    run.depth -= 1
    run.seq += 1
    run.save(update_fields=["current_step_key", "depth", "seq"])
    return run
