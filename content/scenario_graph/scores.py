"""Points in a scenario: the trainer's way of writing what a choice scores per indicator
("T2.1:+2, T3.1:-1"), the best a trainee could earn at a step, and a run's summary."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from content.scenario_graph.model import Choice

_SCORE_ITEM = re.compile(r"^\s*([A-Za-z][A-Za-z0-9.]*)\s*[:=]?\s*([+-]?\d{1,3})\s*$")


class ScoreSyntaxError(ValueError):
    pass


def parse_scores(text: str) -> list[dict]:
    """'T2.1:+2, T3.1:-1' -> [{"indicator": "T2.1", "points": 2}, {...: -1}]. Separators:
    comma, semicolon, full-width comma or new line. A code given twice is an error."""
    items: list[dict] = []
    seen: set[str] = set()
    for raw in re.split(r"[,;，；、\n]+", text or ""):
        if not raw.strip():
            continue
        match = _SCORE_ITEM.match(raw)
        if not match:
            raise ScoreSyntaxError(
                _("“%(item)s” is not a score. Write an indicator code and points, e.g. T2.1:+2.")
                % {"item": raw.strip()}
            )
        code, points = match.group(1).upper(), int(match.group(2))
        if code in seen:
            raise ScoreSyntaxError(_("%(code)s is scored twice.") % {"code": code})
        seen.add(code)
        items.append({"indicator": code, "points": points})
    return items


def format_scores(items: Iterable[Mapping] | None) -> str:
    return ", ".join(f"{i['indicator']}:{int(i['points']):+d}" for i in (items or []))


def scores_tuple(items: Iterable[Mapping] | None) -> tuple[tuple[str, int], ...]:
    return tuple((str(i["indicator"]), int(i["points"])) for i in (items or []))


TOTAL_KEY = "*"


def step_max_points(choices: Iterable[Choice], chosen: Choice | None = None) -> dict[str, int]:
    """What a trainee could have earned at this step: under TOTAL_KEY the total of the best
    choice (never below zero) and, per indicator, the points of the best choice. Several
    choices may tie as best (different good paths): when the trainee took one of them, its
    own points are the measure; otherwise the most points among the tied choices."""
    choices = list(choices)
    if not choices:
        return {TOTAL_KEY: 0}
    totals = [sum(points for _code, points in c.scores) for c in choices]
    best_total = max(totals)
    best_choices = [c for c, t in zip(choices, totals, strict=True) if t == best_total]
    if chosen is not None and any(c.id == chosen.id for c in best_choices):
        best_choices = [chosen]
    best: dict[str, int] = {}
    for choice in best_choices:
        for code, points in choice.scores:
            best[code] = max(best.get(code, 0), points)
    for choice in choices:  # indicators only other choices touch still count as chances
        for code, _points in choice.scores:
            best.setdefault(code, 0)
    best[TOTAL_KEY] = max(best_total, 0)
    return best


def score_summary(
    taken: Iterable[tuple[Mapping[str, int], Mapping[str, int]]],
) -> tuple[dict[str, dict], float]:
    """From (points earned, points available) per answered step: per indicator
    {"points", "max", "percent"} and the overall percentage (0..100, clamped): the points
    earned over what the best choice at each step would have given."""
    earned: dict[str, int] = defaultdict(int)
    available: dict[str, int] = defaultdict(int)
    total_earned = total_max = 0
    for points, maxima in taken:
        for code, value in points.items():
            earned[code] += int(value)
            total_earned += int(value)
        for code, value in maxima.items():
            if code != TOTAL_KEY:
                available[code] += int(value)
        total_max += int(maxima.get(TOTAL_KEY, sum(v for k, v in maxima.items() if k != TOTAL_KEY)))
    per_indicator: dict[str, dict] = {}
    for code in sorted(set(earned) | set(available)):
        top = available.get(code, 0)
        got = earned.get(code, 0)
        percent = _clamp(100.0 * got / top) if top > 0 else None
        per_indicator[code] = {"points": got, "max": top, "percent": percent}
    total = _clamp(100.0 * total_earned / total_max) if total_max > 0 else 100.0
    return per_indicator, round(total, 1)


def _clamp(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 1)
