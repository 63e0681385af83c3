"""The scenario linter: `validate`'s checks, plus what makes a run's result mean something.
Every path from the start (bounded) must end at an ending whose score band holds the path's
score, and every indicator the scenario claims must be scored by its best path. Each problem
names the step it is about."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from content.scenario_graph.checks import validate
from content.scenario_graph.model import Graph, Problem, ending_band, score_in_band
from content.scenario_graph.paths import (
    MAX_DEPTH,
    MAX_PATHS,
    Path,
    describe,
    ending_steps,
    enumerate_paths,
    graph_maxima,
    path_percent,
)

PATHS_SHOWN_PER_ENDING = 3


def lint(
    graph: Graph,
    *,
    known_codes: Iterable[str] | None = None,
    max_paths: int = MAX_PATHS,
    max_depth: int = MAX_DEPTH,
) -> list[Problem]:
    """Everything that stops a scenario from being published (see the module docstring)."""
    problems = validate(graph, known_codes=known_codes)
    if len(graph.start_keys()) != 1:
        return problems
    problems += _check_bands(graph)
    enumeration = enumerate_paths(graph, max_paths=max_paths, max_depth=max_depth)
    if enumeration.bound_hit:
        problems.append(
            Problem(
                "",
                _(
                    "The linter stopped after %(paths)s paths or %(depth)s choices in a row "
                    "(the scenario has a loop or too many paths): the paths beyond were not "
                    "checked. Remove the loop or simplify the scenario."
                )
                % {"paths": max_paths, "depth": max_depth},
            )
        )
    maxima = graph_maxima(graph)
    problems += _check_path_scores(graph, enumeration.paths, maxima)
    problems += _check_best_path(graph, enumeration.paths)
    return problems


def _check_bands(graph: Graph) -> list[Problem]:
    out = []
    for step in ending_steps(graph).values():
        band = ending_band(step)
        if band is not None and not (0 <= band[0] <= band[1] <= 100):
            out.append(
                Problem(
                    step.key,
                    _(
                        "Ending “%(key)s”: the score band %(min)s–%(max)s %% is not a range "
                        "within 0–100 %%."
                    )
                    % {"key": step.key, "min": band[0], "max": band[1]},
                )
            )
    return out


def _check_path_scores(graph: Graph, paths: list[Path], maxima) -> list[Problem]:
    endings = ending_steps(graph)
    wrong: dict[str, list[tuple[Path, float]]] = defaultdict(list)
    for path in paths:
        step = endings.get(path.ending)
        band = ending_band(step) if step is not None else None
        if band is None:
            continue
        score = path_percent(path, maxima)
        if not score_in_band(score, band):
            wrong[path.ending].append((path, score))
    out = []
    for key, rows in wrong.items():
        step = endings[key]
        low, high = ending_band(step)
        for path, score in rows[:PATHS_SHOWN_PER_ENDING]:
            out.append(
                Problem(
                    key,
                    _(
                        "Ending “%(key)s” stands for %(min)s–%(max)s %%, but the path "
                        "%(path)s reaches it with %(score)s %%."
                    )
                    % {
                        "key": key,
                        "min": low,
                        "max": high,
                        "path": describe(path),
                        "score": score,
                    },
                )
            )
        if len(rows) > PATHS_SHOWN_PER_ENDING:
            out.append(
                Problem(
                    key,
                    _(
                        "Ending “%(key)s”: %(count)s more paths reach it with a score outside its band."
                    )
                    % {"key": key, "count": len(rows) - PATHS_SHOWN_PER_ENDING},
                )
            )
    return out


def _check_best_path(graph: Graph, paths: list[Path]) -> list[Problem]:
    """Indicators the scenario claims that no best-scoring path scores points for."""
    if not paths or not graph.claimed_codes:
        return []
    best_total = max(path.total for path in paths)
    exercised: set[str] = set()
    best_paths = [path for path in paths if path.total == best_total]
    for path in best_paths:
        exercised |= {code for code, points in path.points().items() if points > 0}
    scored_somewhere = {code for c in graph.choices for code, points in c.scores if points > 0}
    out = []  # an indicator no choice scores at all is validate()'s problem already
    for code in sorted((set(graph.claimed_codes) & scored_somewhere) - exercised):
        out.append(
            Problem(
                best_paths[0].ending,
                _(
                    "Indicator %(code)s is claimed, but the best path (%(path)s) scores no points "
                    "for it."
                )
                % {"code": code, "path": describe(best_paths[0])},
            )
        )
    return out
