"""Item statistics for a question bank (classical test theory). Pure: the caller passes one
`ItemResponse` per (attempt, question) and the options each question offers.

An item is one version of a question when the responses say which version they answered
(`version`): the figures of different versions are never mixed, since an edit may have
changed the text or the key. Items are then keyed (question id, version); without versions,
by question id.

- facility: mean share of the item's points earned over every attempt that drew the item
  (a blank answer scores 0; 0 = nobody, 1 = everybody).
- discrimination: mean item score of the top 27 % of attempts (by total score) minus that of
  the bottom 27 % (-1..1; below 0 means weak trainees do better than strong ones).
- point_biserial: correlation between the item score and the rest of the attempt's score
  (the total without this item, so that the item does not correlate with itself).
- option frequencies: how often each option key was chosen.
Flags mark items that look broken; they are prompts to look, not verdicts."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

GROUP_SHARE = 0.27
MIN_RESPONSES = 5  # below this, statistics are shown but no item is flagged as broken
TOO_HARD = 0.2
TOO_EASY = 0.95

FLAG_FEW = "few_responses"
FLAG_HARD = "too_hard"
FLAG_EASY = "too_easy"
FLAG_NEGATIVE = "negative_discrimination"
FLAG_UNUSED_DISTRACTOR = "distractor_never_chosen"


@dataclass(frozen=True)
class ItemResponse:
    attempt_id: int
    question_id: int
    item_score: float  # 0..1, share of the item's points
    attempt_score: float  # 0..1, share of the attempt's points
    item_weight: float = 1.0  # the item's points, to compute the rest score
    attempt_weight: float = 1.0  # the attempt's possible points
    chosen: tuple[str, ...] = ()
    answered: bool = True  # False when the trainee left the question blank (scores 0)
    version: int | None = None  # the question version answered, when questions are versioned

    @property
    def item(self):
        return self.question_id if self.version is None else (self.question_id, self.version)


@dataclass(frozen=True)
class OptionInfo:
    key: str
    label: str
    is_correct: bool


@dataclass
class ItemStats:
    question_id: int
    answered: int  # attempts with an answer to this question
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    option_counts: list[tuple[OptionInfo, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    seen: int = 0  # attempts that drew this question, answered or not
    version: int | None = None


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def upper_lower_discrimination(pairs: list[tuple[float, float]]) -> float | None:
    """`pairs` = (attempt score, item score). Groups of 27 % (at least one attempt each)."""
    n = len(pairs)
    if n < 2:
        return None
    size = max(1, math.ceil(n * GROUP_SHARE))
    size = min(size, n // 2)
    ranked = sorted(pairs, key=lambda pair: pair[0])
    lower = [item for _total, item in ranked[:size]]
    upper = [item for _total, item in ranked[-size:]]
    return round(_mean(upper) - _mean(lower), 4)


def correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return round(sxy / math.sqrt(sxx * syy), 4)


def _split(item) -> tuple[int, int | None]:
    """(question id, version) of an item key."""
    return item if isinstance(item, tuple) else (item, None)


def analyse(responses: list[ItemResponse], options: dict | None = None) -> dict:
    """Statistics per item (`ItemResponse.item`: the question id, or (question id, version)).
    Items in `options` with no responses are included with answered = 0."""
    options = options or {}
    by_item: dict[object, list[ItemResponse]] = defaultdict(list)
    for response in responses:
        by_item[response.item].append(response)
    results: dict = {}
    for item in sorted(set(by_item) | set(options), key=lambda key: _sort_key(_split(key))):
        rows = by_item.get(item, [])
        counts = Counter(key for row in rows for key in row.chosen)
        question_id, version = _split(item)
        stats = ItemStats(
            question_id=question_id,
            version=version,
            answered=sum(1 for r in rows if r.answered),
            seen=len(rows),
            facility=round(_mean([r.item_score for r in rows]), 4) if rows else None,
            discrimination=upper_lower_discrimination(
                [(r.attempt_score, r.item_score) for r in rows]
            ),
            point_biserial=correlation(
                [r.item_score for r in rows],
                [_rest_score(r) for r in rows],
            ),
            option_counts=[(option, counts.get(option.key, 0)) for option in options.get(item, [])],
        )
        stats.flags = flags_for(stats)
        results[item] = stats
    return results


def _sort_key(split: tuple[int, int | None]) -> tuple[int, int]:
    return split[0], split[1] or 0


def _rest_score(row: ItemResponse) -> float:
    rest_weight = row.attempt_weight - row.item_weight
    if rest_weight <= 0:
        return 0.0
    earned = row.attempt_score * row.attempt_weight - row.item_score * row.item_weight
    return earned / rest_weight


def flags_for(stats: ItemStats) -> list[str]:
    if stats.seen < MIN_RESPONSES:
        return [FLAG_FEW]
    flags = []
    if stats.facility is not None and stats.facility < TOO_HARD:
        flags.append(FLAG_HARD)
    if stats.facility is not None and stats.facility > TOO_EASY:
        flags.append(FLAG_EASY)
    if stats.discrimination is not None and stats.discrimination < 0:
        flags.append(FLAG_NEGATIVE)
    if any(not option.is_correct and count == 0 for option, count in stats.option_counts):
        flags.append(FLAG_UNUSED_DISTRACTOR)
    return flags
