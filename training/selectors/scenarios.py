"""Reads about scenario runs shared by the play views, course completion, the evidence source
and the trainers' analytics. Every function runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from content.models.framework import Indicator
from content.pages.course import CoursePage
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep
from training.models.scenario_runs import ScenarioRun, ScenarioRunStep


def scenario_live_or_404(page_id: int) -> ScenarioPage:
    return get_object_or_404(ScenarioPage.objects.live(), pk=page_id)


def scenario_run_of_trainee_or_404(*, run_id: int, trainee) -> ScenarioRun:
    """Only the trainee's own runs exist for them: anyone else's id is a 404."""
    return get_object_or_404(
        ScenarioRun.objects.select_related("scenario", "course"), pk=run_id, trainee=trainee
    )


def scenario_runs_of_trainee(*, trainee, scenario: ScenarioPage) -> list[ScenarioRun]:
    return list(ScenarioRun.objects.filter(trainee=trainee, scenario=scenario).order_by("-number"))


@dataclass(frozen=True)
class PlayState:
    run: ScenarioRun
    step: ScenarioStep | None
    choices: list[tuple[int, str]]  # (choice id, the trainee's words): nothing more
    last: ScenarioRunStep | None  # the choice just taken (for immediate feedback)


def scenario_play_state(run: ScenarioRun) -> PlayState:
    """What the play page may show: the current step and the ids and words of its choices.
    Three queries whatever the scenario's size."""
    step = (
        ScenarioStep.objects.select_related("image")
        .filter(page_id=run.scenario_id, key=run.current_step_key)
        .first()
    )
    choices = list(
        ScenarioChoice.objects.filter(page_id=run.scenario_id, from_key=run.current_step_key)
        .order_by("sort_order", "pk")
        .values_list("pk", "text")
    )
    last = (
        ScenarioRunStep.objects.filter(run=run, undone=False).order_by("-number", "-pk").first()
        if run.depth
        else None
    )
    return PlayState(run=run, step=step, choices=choices, last=last)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    text: str
    points: int
    max: int
    percent: float | None


@dataclass(frozen=True)
class RunResult:
    run: ScenarioRun
    ending: ScenarioStep | None
    transcript: list[ScenarioRunStep]
    indicators: list[IndicatorScore]


def scenario_run_result(run: ScenarioRun) -> RunResult:
    ending = ScenarioStep.objects.filter(page_id=run.scenario_id, key=run.ending_key).first()
    transcript = list(ScenarioRunStep.objects.filter(run=run, undone=False).order_by("number"))
    texts = dict(
        Indicator.objects.filter(
            unit_id=run.course.unit_id, code__in=list(run.indicator_scores)
        ).values_list("code", "text")
    )
    indicators = [  # clamped at zero, and nothing shown out of zero (runs scored before 0004)
        IndicatorScore(
            code=code,
            text=texts.get(code, ""),
            points=max(0, int(data.get("points", 0))),
            max=int(data.get("max", 0)),
            percent=max(0.0, data["percent"]) if data.get("percent") is not None else None,
        )
        for code, data in sorted(run.indicator_scores.items())
        if int(data.get("max", 0)) > 0
    ]
    return RunResult(run=run, ending=ending, transcript=transcript, indicators=indicators)


def scenario_counted_runs(
    *, trainee_ids, pages, counting: str = CoursePage.ScenarioCounting.BEST
) -> dict[tuple[int, int], dict]:
    """Per (trainee, scenario page): whether a run was started, and the finished run that
    counts (best score or latest, as the course says). One query."""
    rows = ScenarioRun.objects.filter(
        trainee_id__in=list(trainee_ids), scenario_id__in=[p.pk for p in pages]
    ).values_list("trainee_id", "scenario_id", "status", "score_percent", "passed", "finished_at")
    out: dict[tuple[int, int], dict] = {}
    for trainee_id, page_id, status, score, passed, finished_at in rows:
        entry = out.setdefault((trainee_id, page_id), {"started": True, "counted": None})
        if status != ScenarioRun.Status.FINISHED:
            continue
        run = {"score": score or 0.0, "passed": passed, "finished_at": finished_at}
        best = entry["counted"]
        if best is None:
            entry["counted"] = run
        elif counting == CoursePage.ScenarioCounting.LATEST:
            if finished_at > best["finished_at"]:
                entry["counted"] = run
        elif (run["score"], run["passed"], finished_at) > (
            best["score"],
            best["passed"],
            best["finished_at"],
        ):
            entry["counted"] = run
    return out


def scenario_status(trainee_ids, pages, course: CoursePage | None = None) -> dict:
    """-> {(trainee_id, page_id): {"started", "done", "passed", "score", "finished_at"}} for
    course completion (the status function of scenarios in training/activity_kinds.py)."""
    counting = course.scenario_counting if course else CoursePage.ScenarioCounting.BEST
    result = {}
    for key, entry in scenario_counted_runs(
        trainee_ids=trainee_ids, pages=pages, counting=counting
    ).items():
        counted = entry["counted"]
        result[key] = {
            "started": True,
            "done": counted is not None,
            "passed": counted["passed"] if counted else None,
            "score": counted["score"] if counted else None,
            "finished_at": counted["finished_at"] if counted else None,
        }
    return result


# --- analytics --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioStats:
    page: ScenarioPage
    runs: int
    finished: int
    passed: int
    trainees: int

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.finished / self.runs, 1) if self.runs else None

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.passed / self.finished, 1) if self.finished else None


def scenario_stats(pages) -> list[ScenarioStats]:
    """Runs, finished runs, passed runs and distinct trainees per scenario. One query."""
    pages = list(pages)
    rows = {
        row["scenario_id"]: row
        for row in ScenarioRun.objects.filter(scenario_id__in=[p.pk for p in pages])
        .values("scenario_id")
        .annotate(
            runs=Count("pk"),
            finished=Count("pk", filter=Q(status=ScenarioRun.Status.FINISHED)),
            passed=Count("pk", filter=Q(status=ScenarioRun.Status.FINISHED, passed=True)),
            trainees=Count("trainee_id", distinct=True),
        )
    }
    empty = {"runs": 0, "finished": 0, "passed": 0, "trainees": 0}
    return [
        ScenarioStats(
            page=p,
            **{k: rows.get(p.pk, empty)[k] for k in ("runs", "finished", "passed", "trainees")},
        )
        for p in pages
    ]


def scenario_choice_counts(page: ScenarioPage) -> dict[int, int]:
    """How often each choice of the scenario was taken, over all runs (choices later taken
    back included: they show where trainees hesitated). One query."""
    return dict(
        ScenarioRunStep.objects.filter(run__scenario=page, choice__isnull=False)
        .values("choice_id")
        .annotate(n=Count("pk"))
        .values_list("choice_id", "n")
    )


def scenario_ending_counts(page: ScenarioPage) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for key, n in (
        ScenarioRun.objects.filter(scenario=page, status=ScenarioRun.Status.FINISHED)
        .values("ending_key")
        .annotate(n=Count("pk"))
        .values_list("ending_key", "n")
    ):
        counts[key] += n
    return dict(counts)
