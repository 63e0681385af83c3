"""Playing role-play scenarios (trainees). Views only check input and call the services;
the run's state lives on the server (see training.services.scenarios)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from content.pages.course import CoursePage
from core.numbers import MAX_INT, bounded_int
from people.permissions import trainee_required
from training.models.enrolment import Enrolment
from training.models.scenario_runs import ScenarioRun
from training.selectors import scenarios as selectors
from training.services import scenarios as services


@never_cache
@trainee_required
@require_http_methods(["GET"])
def scenario_start(request, page_id: int):
    """The scenario's brief (customer, role, goal), the trainee's earlier runs, and the button
    to start or resume."""
    scenario = selectors.scenario_live_or_404(page_id)
    course = CoursePage.objects.ancestor_of(scenario).first()
    if course is None or not Enrolment.objects.filter(trainee=request.user, course=course).exists():
        raise PermissionDenied
    runs = selectors.scenario_runs_of_trainee(trainee=request.user, scenario=scenario)
    current = next((r for r in runs if r.status == ScenarioRun.Status.IN_PROGRESS), None)
    assessment_left = services.assessment_runs_left(trainee=request.user, scenario=scenario)
    return render(
        request,
        "training/scenarios/start.html",
        {
            "scenario": scenario,
            "course": course,
            "module": selectors.scenario_module(scenario),
            "runs": runs,
            "current": current,
            "assessment_left": assessment_left,
        },
    )


@never_cache
@trainee_required
@require_POST
def scenario_begin(request, page_id: int):
    scenario = selectors.scenario_live_or_404(page_id)
    mode = (
        ScenarioRun.Mode.ASSESSMENT
        if request.POST.get("mode") == ScenarioRun.Mode.ASSESSMENT
        else ScenarioRun.Mode.PRACTICE
    )
    try:
        run, _created = services.scenario_run_start(
            trainee=request.user, scenario=scenario, mode=mode
        )
    except services.NotEnrolled as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.ScenarioPlayError as exc:
        messages.error(request, str(exc))
        return redirect("training:scenario_start", page_id=scenario.pk)
    return redirect("training:scenario_run", run_id=run.pk)


@never_cache
@trainee_required
@require_http_methods(["GET"])
def scenario_run(request, run_id: int):
    """The current step of a run in progress, or the result of a finished one."""
    run = selectors.scenario_run_of_trainee_or_404(run_id=run_id, trainee=request.user)
    trail = {"course": run.course, "module": selectors.scenario_module(run.scenario)}
    if run.status == ScenarioRun.Status.FINISHED:
        result = selectors.scenario_run_result(run)
        return render(
            request, "training/scenarios/result.html", {"result": result, "run": run, **trail}
        )
    if run.status != ScenarioRun.Status.IN_PROGRESS:  # abandoned after the scenario changed
        messages.info(request, _("This run was closed because the scenario changed."))
        return redirect("training:scenario_start", page_id=run.scenario_id)
    if not Enrolment.objects.filter(trainee=request.user, course_id=run.course_id).exists():
        raise PermissionDenied
    state = selectors.scenario_play_state(run)
    return render(request, "training/scenarios/play.html", {"state": state, "run": run, **trail})


def _move(request, run_id: int, action):
    """A move answered by a redirect to the run's one address (POST, redirect, GET). The play
    page's script (static/js/scenarios.js) posts moves with fetch and swaps the page in place,
    so choices add no history entries and Back leaves the run."""
    # ScenarioRun.seq is a PositiveIntegerField: anything else is an incomplete form.
    seq = bounded_int(request.POST.get("seq"), maximum=MAX_INT)
    if seq is None:
        # Ownership first, so that another trainee's run stays a 404.
        selectors.scenario_run_of_trainee_or_404(run_id=run_id, trainee=request.user)
        messages.error(request, _("The form was incomplete. Here is where your run stands now."))
        return redirect("training:scenario_run", run_id=run_id)
    try:
        action(seq)
    except ScenarioRun.DoesNotExist as exc:
        raise Http404 from exc
    except services.NotEnrolled as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.ScenarioPlayError as exc:
        messages.warning(request, str(exc))
    return redirect("training:scenario_run", run_id=run_id)


@never_cache
@trainee_required
@require_POST
def scenario_choose(request, run_id: int):
    choice_id = bounded_int(request.POST.get("choice"))

    def action(seq):
        if choice_id is None:
            # Check ownership first so that a foreign run stays a 404.
            selectors.scenario_run_of_trainee_or_404(run_id=run_id, trainee=request.user)
            raise services.ChoiceNotOffered(_("Choose one of the answers offered."))
        services.scenario_run_choose(
            run_id=run_id, trainee=request.user, seq=seq, choice_id=choice_id
        )

    return _move(request, run_id, action)


@never_cache
@trainee_required
@require_POST
def scenario_back(request, run_id: int):
    return _move(
        request,
        run_id,
        lambda seq: services.scenario_run_back(run_id=run_id, trainee=request.user, seq=seq),
    )
