"""Reads about scenario runs shared by the play views, course completion, the evidence source
and the trainers' analytics. Every function runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from content.models.framework import Indicator
from content.pages.course import CoursePage, ModulePage
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep
from training.models.scenario_runs import ScenarioRun, ScenarioRunStep


def scenario_live_or_404(page_id: int) -> ScenarioPage:
    return get_object_or_404(ScenarioPage.objects.live().select_related("locale"), pk=page_id)


def scenario_run_of_trainee_or_404(*, run_id: int, trainee) -> ScenarioRun:
    """Only the trainee's own runs exist for them: anyone else's id is a 404."""
    return get_object_or_404(
        ScenarioRun.objects.select_related("scenario__locale", "course"), pk=run_id, trainee=trainee
    )


def scenario_module(scenario: ScenarioPage) -> ModulePage | None:
    """The module a scenario sits in (for the breadcrumbs). One query."""
    return ModulePage.objects.parent_of(scenario).first()


def scenario_runs_of_trainee(*, trainee, scenario: ScenarioPage) -> list[ScenarioRun]:
    return list(ScenarioRun.objects.filter(trainee=trainee, scenario=scenario).order_by("-number"))


@dataclass(frozen=True)
class PlayProgress:
    """Where the trainee stands in a run, from what the graph knows: `step` is the number of
    the choice to make now (choices made + 1) and `total` the choices of the shortest way from
    the start through here to an ending; `exact` when every way on from here is as long
    (else the page says "about"). `percent` is the share of `total` already chosen."""

    step: int
    total: int
    exact: bool

    @property
    def percent(self) -> int:
        return round(100 * (self.step - 1) / self.total) if self.total else 0


def choices_to_an_ending(
    outgoing: Mapping[str, Iterable[str]], endings: Iterable[str], start: str
) -> tuple[int | None, int | None]:
    """(fewest, most) choices from step `start` to an ending, following `outgoing` (step key
    -> the keys its choices lead to). Fewest is None when no ending can be reached; most is
    None when a loop on the way makes the length unbounded (or no ending can be reached)."""
    ends = set(endings)
    if start in ends:
        return 0, 0
    # Fewest: breadth first.
    fewest = None
    seen = {start}
    frontier = [start]
    depth = 0
    while frontier and fewest is None:
        depth += 1
        following = []
        for key in frontier:
            for nxt in outgoing.get(key, ()):
                if nxt in ends:
                    fewest = depth
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
            if fewest is not None:
                break
        frontier = following
    if fewest is None:
        return None, None
    # Most: depth first (children before parents), without recursion; a step met again on
    # the current way is a loop, so the length has no bound.
    most: dict[str, int | None] = dict.fromkeys(ends, 0)
    on_way: set[str] = {start}
    work = [(start, iter(outgoing.get(start, ())))]
    while work:
        key, following = work[-1]
        nxt = next(following, None)
        if nxt is None:
            work.pop()
            on_way.discard(key)
            lengths = [most[n] for n in outgoing.get(key, ()) if most.get(n) is not None]
            most[key] = max(lengths) + 1 if lengths else None
            continue
        if nxt in on_way:
            return fewest, None
        if nxt not in most:
            on_way.add(nxt)
            work.append((nxt, iter(outgoing.get(nxt, ()))))
    return fewest, most[start]


@dataclass(frozen=True)
class PlayState:
    run: ScenarioRun
    step: ScenarioStep | None
    choices: list[tuple[int, str]]  # (choice id, the trainee's words): nothing more
    last: ScenarioRunStep | None  # the choice just taken (for immediate feedback)
    progress: PlayProgress | None = None  # None when the graph has no way on to an ending


def scenario_play_state(run: ScenarioRun) -> PlayState:
    """What the play page may show: the current step, the ids and words of its choices and the
    progress cue (from the keys of the whole graph). Three queries whatever the scenario's
    size (the current step comes with the endings, the choices with the whole graph's
    keys)."""
    step = None
    endings = set()
    for found in ScenarioStep.objects.select_related("image").filter(
        Q(key=run.current_step_key) | Q(kind=ScenarioStep.Kind.ENDING), page_id=run.scenario_id
    ):
        if found.key == run.current_step_key:
            step = found
        if found.is_ending:
            endings.add(found.key)
    outgoing: dict[str, list[str]] = defaultdict(list)
    choices = []
    for pk, from_key, to_key, text in (
        ScenarioChoice.objects.filter(page_id=run.scenario_id)
        .order_by("sort_order", "pk")
        .values_list("pk", "from_key", "to_key", "text")
    ):
        outgoing[from_key].append(to_key)
        if from_key == run.current_step_key:
            choices.append((pk, text))
    last = (
        ScenarioRunStep.objects.filter(run=run, undone=False).order_by("-number", "-pk").first()
        if run.depth
        else None
    )
    progress = None
    if step is not None and not step.is_ending:
        fewest, most = choices_to_an_ending(outgoing, endings, step.key)
        if fewest:
            progress = PlayProgress(
                step=run.depth + 1, total=run.depth + fewest, exact=fewest == most
            )
    return PlayState(run=run, step=step, choices=choices, last=last, progress=progress)


@dataclass(frozen=True)
class LostPoints:
    choice_text: str
    points: int  # how many points the choice took away (a positive number)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    text: str
    points: int  # clamped to 0..max
    max: int
    percent: float | None
    lost: tuple[LostPoints, ...] = ()  # the choices of the run that took points away here
    net: int = 0  # the run's points here before clamping (below zero: shown as 0)


@dataclass(frozen=True)
class RunResult:
    run: ScenarioRun
    ending: ScenarioStep | None
    transcript: list[ScenarioRunStep]
    indicators: list[IndicatorScore]


def scenario_run_result(run: ScenarioRun) -> RunResult:
    """The end screen: the ending, the transcript (choices taken back left out), and per
    indicator (in the unit's order) its text, the points clamped at zero and the choices that
    lost points on it. Three queries whatever the run's length."""
    ending = ScenarioStep.objects.filter(page_id=run.scenario_id, key=run.ending_key).first()
    transcript = list(ScenarioRunStep.objects.filter(run=run, undone=False).order_by("number"))
    known = {
        code: (sort_order or 0, text)
        for code, sort_order, text in Indicator.objects.filter(
            unit_id=run.course.unit_id, code__in=list(run.indicator_scores)
        ).values_list("code", "sort_order", "text")
    }
    lost: dict[str, list[LostPoints]] = defaultdict(list)
    net: dict[str, int] = defaultdict(int)
    for item in transcript:
        for code, points in (item.points or {}).items():
            net[code] += int(points)
            if int(points) < 0:
                lost[code].append(LostPoints(choice_text=item.choice_text, points=-int(points)))
    rows = [  # clamped at zero, and nothing shown out of zero (runs scored before 0004)
        (code, data) for code, data in run.indicator_scores.items() if int(data.get("max", 0)) > 0
    ]
    rows.sort(key=lambda row: (known.get(row[0], (10**6, ""))[0], row[0]))
    indicators = [
        IndicatorScore(
            code=code,
            text=known.get(code, (0, ""))[1],
            points=max(0, int(data.get("points", 0))),
            max=int(data.get("max", 0)),
            percent=max(0.0, data["percent"]) if data.get("percent") is not None else None,
            lost=tuple(lost.get(code, ())),
            net=min(net.get(code, 0), int(data.get("points", 0))),
        )
        for code, data in rows
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
