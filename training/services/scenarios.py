"""Playing a role-play scenario. The server holds the state: a run knows its current step and
a sequence number that grows with every move; a move names the run, the sequence number the
trainee saw and the choice. Anything else (an old form, a choice of another step or scenario,
a finished run) is refused without changing anything. Fetching a run is always scoped to the
trainee, so another trainee's run id does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from content import scenario_graph
from content.pages.course import CoursePage
from content.pages.retirement import is_retired
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep
from content.tree_cache import tree_cached
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


class AssessmentUsed(ScenarioPlayError):
    pass


class RunInProgress(ScenarioPlayError):
    pass


def assessment_runs_left(*, trainee, scenario: ScenarioPage) -> int:
    """How many more assessment runs the trainee may finish (the page's assessment_attempts
    minus the finished ones)."""
    used = ScenarioRun.objects.filter(
        trainee=trainee,
        scenario=scenario,
        mode=ScenarioRun.Mode.ASSESSMENT,
        status=ScenarioRun.Status.FINISHED,
    ).count()
    return max(0, scenario.assessment_attempts - used)


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
def scenario_run_start(
    *, trainee, scenario: ScenarioPage, mode: str = ScenarioRun.Mode.PRACTICE
) -> tuple[ScenarioRun, bool]:
    """Resume the trainee's run in progress, or start a new one in `mode`. Returns (run,
    created). Two tabs or a double click give one run (unique constraint on the run in
    progress). A practice run in progress gives way to a new assessment run (it is
    abandoned); an assessment run in progress is always resumed, never given up for practice,
    and no assessment run starts once the trainee has finished the scenario's
    assessment_attempts of them."""
    if mode not in ScenarioRun.Mode.values:
        mode = ScenarioRun.Mode.PRACTICE
    course = _course_of(scenario)
    _require_enrolment(trainee, course.pk if course else None)
    current = (
        ScenarioRun.objects.select_for_update()
        .filter(trainee=trainee, scenario=scenario, status=ScenarioRun.Status.IN_PROGRESS)
        .first()
    )
    if current is not None:
        step_exists = ScenarioStep.objects.filter(
            page=scenario, key=current.current_step_key
        ).exists()
        if step_exists and current.mode == mode:
            return current, False
        if step_exists and current.is_assessment:
            raise RunInProgress(
                _("Your assessment run is in progress: finish it before you practise again.")
            )
        # The scenario was edited and the run's step is gone, or a practice run gives way to
        # an assessment run: keep the run on record, start afresh.
        current.status = ScenarioRun.Status.ABANDONED
        current.save(update_fields=["status"])
    if is_retired(scenario):
        raise ScenarioRetired(
            _(
                "This scenario has been retired: no new runs can be started. Your earlier "
                "runs stay available."
            )
        )
    if mode == ScenarioRun.Mode.ASSESSMENT and not assessment_runs_left(
        trainee=trainee, scenario=scenario
    ):
        raise AssessmentUsed(
            _(
                "You have already finished your assessment run of this scenario. You can "
                "still practise it as often as you like."
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
                mode=mode,
                current_step_key=start.key,
            )
    except IntegrityError:
        run = ScenarioRun.objects.get(
            trainee=trainee, scenario=scenario, status=ScenarioRun.Status.IN_PROGRESS
        )
        return run, False
    return run, True


def _run_for_move(*, run_id: int, trainee) -> ScenarioRun:
    """The trainee's own run, read for a move; ScenarioRun.DoesNotExist (-> 404) for anyone
    else's. Not locked: the move claims the run afterwards (_claim_move). Its scenario
    page is not joined (the page's columns cost more to read than the rest of the move):
    what a move checks of it comes with its steps (_scenario_rows), the run's end loads the
    whole page (_scenario_page)."""
    enrolled = Enrolment.objects.filter(trainee=trainee, course_id=OuterRef("course_id"))
    return ScenarioRun.objects.annotate(enrolled=Exists(enrolled)).get(pk=run_id, trainee=trainee)


def _scenario_page(run: ScenarioRun) -> ScenarioPage:
    """The run's whole scenario page (its pass mark, its path in the tree)."""
    page = ScenarioPage.objects.get(pk=run.scenario_id)
    run.scenario = page
    return page


@dataclass(frozen=True)
class _ScenarioRows:
    live: bool
    allow_back: bool
    steps: dict  # key -> ScenarioStep
    choices: dict  # from_key -> [ScenarioChoice]


def _scenario_rows(scenario_id: int) -> _ScenarioRows:
    """What a move reads of its scenario: whether the page is live and allows going back,
    its steps by key and its choices by the step they leave. Kept with the page tree
    (content/tree_cache.py): all of it is written only when the page is saved, published
    or unpublished, each of which starts a new version of the tree."""

    def build():
        flags = ScenarioPage.objects.filter(pk=scenario_id).values("live", "allow_back").first()
        steps = {step.key: step for step in ScenarioStep.objects.filter(page_id=scenario_id)}
        choices: dict[str, list[ScenarioChoice]] = {}
        for choice in ScenarioChoice.objects.filter(page_id=scenario_id):
            choices.setdefault(choice.from_key, []).append(choice)
        flags = flags or {"live": False, "allow_back": False}
        return _ScenarioRows(flags["live"], flags["allow_back"], steps, choices)

    return tree_cached("scenario-rows", scenario_id, build=build, frozen=True)  # only read


def _out_of_date() -> StaleMove:
    return StaleMove(
        _(
            "That page was out of date (perhaps another tab or the back button). "
            "Here is where your run stands now."
        )
    )


def _check_move(run: ScenarioRun, seq: int) -> None:
    if run.status != ScenarioRun.Status.IN_PROGRESS:
        raise StaleMove(_("This run is already finished. Start a new run to play again."))
    if seq != run.seq:
        raise _out_of_date()


def _claim_move(run: ScenarioRun, seq: int, *, step_key: str, depth: int) -> None:
    """Inside the move's transaction, its first write: move the run on from `seq` to the
    next number, only if it still stands at `seq` and is in progress. Every move changes
    seq, so the run is as the move read it before the transaction, and a second tab (or a
    double click) that read the same state finds nothing to update and is refused. The
    UPDATE is the lock (the row's on PostgreSQL, the database's on SQLite): the writes that
    follow need no other, and the reads came before it, so the database stays locked only
    for the writes."""
    claimed = ScenarioRun.objects.filter(
        pk=run.pk, seq=seq, status=ScenarioRun.Status.IN_PROGRESS
    ).update(current_step_key=step_key, depth=depth, seq=seq + 1)
    if not claimed:
        run.refresh_from_db(fields=["status", "seq"])
        _check_move(run, seq)
        raise _out_of_date()
    run.current_step_key, run.depth, run.seq = step_key, depth, seq + 1


def scenario_run_choose(*, run_id: int, trainee, seq: int, choice_id: int) -> MoveResult:
    """Take one choice at the current step. Reads (the run with its enrolment; the scenario's
    steps and choices from the tree cache), then one transaction: claim
    the run (_claim_move) and record the step taken (+ the page, the path, the score and the
    course completion when the choice leads to an ending)."""
    run = _run_for_move(run_id=run_id, trainee=trainee)
    _check_move(run, seq)
    if not run.enrolled:
        raise NotEnrolled(_("You are not enrolled on the course this scenario belongs to."))
    scenario = _scenario_rows(run.scenario_id)
    if not scenario.live:
        raise ScenarioChanged(_("This scenario is not published at the moment."))
    steps = scenario.steps
    offered = scenario.choices.get(run.current_step_key, [])
    choice = next((c for c in offered if c.pk == choice_id), None)
    step = steps.get(run.current_step_key)
    if step is None or step.is_ending:
        raise ScenarioChanged(
            _("This scenario has changed since you started. Please start a new run.")
        )
    if choice is None:
        raise ChoiceNotOffered(_("That choice is not offered at this step."))
    target = steps.get(choice.to_key)
    if target is None:
        raise ScenarioChanged(
            _("This scenario has changed since you started. Please start a new run.")
        )
    graph_choices = [
        scenario_graph.Choice(id=c.pk, from_key=c.from_key, to_key=c.to_key, scores=c.score_items)
        for c in offered
    ]
    taken = ScenarioRunStep(
        run=run,
        number=run.depth + 1,
        step=step,
        step_key=step.key,
        step_kind=step.kind,
        speaker="" if step.is_narration else step.speaker,
        step_text=step.text,
        choice=choice,
        choice_text=choice.text,
        feedback=choice.feedback,
        points=dict(choice.score_items),
        max_points=scenario_graph.step_max_points(
            graph_choices, chosen=next(c for c in graph_choices if c.id == choice.pk)
        ),
    )
    finished = target.is_ending
    with transaction.atomic():
        _claim_move(run, seq, step_key=target.key, depth=run.depth + 1)
        taken.save(force_insert=True)
        if finished:
            _finish(run, target)
            run.save()
            from training.services.progress import enrolment_update_completion_for_page

            enrolment_update_completion_for_page(trainee=trainee, page=run.scenario)
    return MoveResult(run=run, taken=taken, finished=finished)


def _finish(run: ScenarioRun, ending: ScenarioStep) -> None:
    """Score the run against the graph's maxima (the same whatever path was taken), each
    indicator clamped at zero."""
    from content.selectors.scenarios import scenario_graph_of

    path = ScenarioRunStep.objects.filter(run=run, undone=False).values_list("points", flat=True)
    maxima = scenario_graph.graph_maxima(scenario_graph_of(_scenario_page(run)))
    per_indicator, total = scenario_graph.run_summary(list(path), maxima)
    run.indicator_scores = per_indicator
    run.score_percent = total
    run.ending_key = ending.key
    run.ending_rating = ending.rating
    run.passed = total >= run.scenario.pass_threshold and ending.rating != scenario_graph.POOR
    run.status = ScenarioRun.Status.FINISHED
    run.finished_at = timezone.now()


def scenario_run_back(*, run_id: int, trainee, seq: int) -> ScenarioRun:
    """Take back the last choice (in a practice run, when the scenario allows it). The choice
    stays on record, marked as taken back, and no longer counts. Reads first, then one
    transaction: claim the run (_claim_move), mark the step."""
    run = _run_for_move(run_id=run_id, trainee=trainee)
    _check_move(run, seq)
    if run.is_assessment:
        raise BackNotAllowed(_("An assessment run does not allow going back."))
    if not _scenario_rows(run.scenario_id).allow_back:
        raise BackNotAllowed(_("This scenario does not allow going back."))
    last = ScenarioRunStep.objects.filter(run=run, undone=False).order_by("-number", "-pk").first()
    if last is None:
        raise BackNotAllowed(_("You are at the first step: there is nothing to go back to."))
    with transaction.atomic():
        _claim_move(run, seq, step_key=last.step_key, depth=run.depth - 1)
        last.undone = True
        last.save(update_fields=["undone"])
    return run
