"""Paths through a scenario and what they score: the bounded enumeration of the paths from the
start to an ending (for the linter), the best total per indicator over the whole graph (the
maximum a run is measured against, the same whatever path was taken) and a run's summary
against those maxima (indicator scores clamped at zero, none shown out of zero)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from content.scenario_graph.model import ENDING, Choice, Graph, Step
from content.scenario_graph.scores import TOTAL_KEY

MAX_PATHS = 10_000
MAX_DEPTH = 60
_MAX_EXPANSIONS = 500_000


@dataclass(frozen=True)
class Path:
    """The choices of one play-through, from the start to the ending `ending`."""

    choices: tuple[Choice, ...]
    ending: str

    @property
    def step_keys(self) -> tuple[str, ...]:
        return (*(c.from_key for c in self.choices), self.ending)

    def points(self) -> dict[str, int]:
        return add_points(dict(c.scores) for c in self.choices)

    @property
    def total(self) -> int:
        return sum(points for c in self.choices for _code, points in c.scores)


@dataclass(frozen=True)
class Enumeration:
    paths: list[Path]
    bound_hit: bool  # True: more paths (or a loop) than the bounds allow; not all were seen


def add_points(items: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for item in items:
        for code, value in item.items():
            if code != TOTAL_KEY:
                out[code] += int(value)
    return dict(out)


def _start_of(graph: Graph) -> str | None:
    starts = graph.start_keys()
    steps = graph.step_map()
    return starts[0] if len(starts) == 1 and starts[0] in steps else None


def enumerate_paths(
    graph: Graph, *, max_paths: int = MAX_PATHS, max_depth: int = MAX_DEPTH
) -> Enumeration:
    """Every path from the start to an ending, at most `max_paths` of them and none longer
    than `max_depth` choices. A loop can be taken again and again, so a graph with a loop
    always hits the depth bound: `bound_hit` says so instead of looping for ever."""
    start = _start_of(graph)
    if start is None:
        return Enumeration(paths=[], bound_hit=False)
    steps = graph.step_map()
    outgoing = graph.choices_from()
    paths: list[Path] = []
    bound_hit = False
    expansions = 0
    stack: list[tuple[str, tuple[Choice, ...]]] = [(start, ())]
    while stack:
        key, taken = stack.pop()
        expansions += 1
        if len(paths) >= max_paths or expansions > _MAX_EXPANSIONS:
            bound_hit = True
            break
        step = steps.get(key)
        if step is None:
            continue
        if step.kind == ENDING:
            paths.append(Path(choices=taken, ending=key))
            continue
        if len(taken) >= max_depth:
            bound_hit = True
            continue
        for choice in reversed(outgoing.get(key, [])):
            stack.append((choice.to_key, (*taken, choice)))
    return Enumeration(paths=paths, bound_hit=bound_hit)


def _codes(graph: Graph) -> set[str]:
    return {code for c in graph.choices for code, _points in c.scores}


def _acyclic_order(graph: Graph, start: str) -> list[str] | None:
    """The steps reachable from the start, each after every step it leads to (children
    first); None when a loop is reachable."""
    outgoing = graph.choices_from()
    steps = graph.step_map()
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    work = [(start, iter([c.to_key for c in outgoing.get(start, []) if c.to_key in steps]))]
    state[start] = 1
    while work:
        node, it = work[-1]
        nxt = next(it, None)
        if nxt is None:
            work.pop()
            state[node] = 2
            order.append(node)
            continue
        if state.get(nxt) == 1:
            return None
        if nxt not in state:
            state[nxt] = 1
            work.append((nxt, iter([c.to_key for c in outgoing.get(nxt, []) if c.to_key in steps])))
    return order


def graph_maxima(graph: Graph) -> dict[str, int]:
    """The best total a trainee can reach over the whole graph: per indicator code, the most
    points of that indicator on any path from the start to an ending, and under TOTAL_KEY the
    best overall total; never below zero. Exact on a graph without loops; with a loop, the
    best over the bounded enumeration."""
    start = _start_of(graph)
    codes = _codes(graph)
    if start is None:
        return {TOTAL_KEY: 0, **dict.fromkeys(codes, 0)}
    order = _acyclic_order(graph, start)
    if order is None:
        return _maxima_of_paths(enumerate_paths(graph).paths, codes)
    steps = graph.step_map()
    outgoing = graph.choices_from()
    keys = [*sorted(codes), TOTAL_KEY]
    best: dict[str, dict[str, int] | None] = {}
    for key in order:  # children before parents
        if steps[key].kind == ENDING:
            best[key] = dict.fromkeys(keys, 0)
            continue
        here: dict[str, int] | None = None
        for choice in outgoing.get(key, []):
            after = best.get(choice.to_key)
            if after is None:
                continue  # leads nowhere that ends
            points = dict(choice.scores)
            values = {code: points.get(code, 0) + after[code] for code in codes}
            values[TOTAL_KEY] = sum(points.values()) + after[TOTAL_KEY]
            here = values if here is None else {k: max(here[k], values[k]) for k in keys}
        best[key] = here
    found = best.get(start) or dict.fromkeys(keys, 0)
    return {k: max(v, 0) for k, v in found.items()}


def _maxima_of_paths(paths: Iterable[Path], codes: set[str]) -> dict[str, int]:
    out = {TOTAL_KEY: 0, **dict.fromkeys(codes, 0)}
    for path in paths:
        points = path.points()
        for code in codes:
            out[code] = max(out[code], points.get(code, 0))
        out[TOTAL_KEY] = max(out[TOTAL_KEY], path.total)
    return out


def percent_of(earned: int, maximum: int) -> float:
    """Points over the maximum as a percentage, 0..100 (a scenario without points: 100)."""
    if maximum <= 0:
        return 100.0
    return round(max(0.0, min(100.0, 100.0 * earned / maximum)), 1)


def run_summary(
    points_taken: Iterable[Mapping[str, int]], maxima: Mapping[str, int]
) -> tuple[dict[str, dict], float]:
    """A run's score against the graph's maxima: per indicator with a maximum above zero
    {"points" (clamped to 0..max), "max", "percent"}, and the overall percentage (the run's
    total over the graph's best total). An indicator no path can score is not shown."""
    earned = add_points(points_taken)
    per_indicator: dict[str, dict] = {}
    for code in sorted(k for k in maxima if k != TOTAL_KEY):
        top = int(maxima[code])
        if top <= 0:
            continue
        got = max(0, min(top, earned.get(code, 0)))
        per_indicator[code] = {"points": got, "max": top, "percent": percent_of(got, top)}
    total = percent_of(sum(earned.values()), int(maxima.get(TOTAL_KEY, 0)))
    return per_indicator, total


def path_percent(path: Path, maxima: Mapping[str, int]) -> float:
    return percent_of(path.total, int(maxima.get(TOTAL_KEY, 0)))


def describe(path: Path, limit: int = 8) -> str:
    """The path's steps, briefly: 'start → benefits → … → end-good'."""
    keys = list(path.step_keys)
    if len(keys) > limit:
        keys = [*keys[: limit - 2], "…", keys[-1]]
    return " → ".join(keys)


def ending_steps(graph: Graph) -> dict[str, Step]:
    return {s.key: s for s in graph.steps if s.kind == ENDING}
