"""A scenario as plain data: steps (customer lines, narration, endings with a rating) joined
by the trainee's choices, each choice carrying points per indicator; and the Problem a
check reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

LINE = "line"
NARRATION = "narration"
ENDING = "ending"
KINDS = (LINE, NARRATION, ENDING)

EXCELLENT = "excellent"
ACCEPTABLE = "acceptable"
POOR = "poor"
RATINGS = (EXCELLENT, ACCEPTABLE, POOR)

# The overall score (%) an ending of each rating stands for, unless the trainer overrides it.
DEFAULT_BANDS = {EXCELLENT: (80, 100), ACCEPTABLE: (60, 79), POOR: (0, 59)}


@dataclass(frozen=True)
class Step:
    key: str
    kind: str = LINE
    text: str = ""
    speaker: str = ""
    rating: str = ""
    is_start: bool = False
    band_min: int | None = None  # an ending's score band (%), None: the rating's default
    band_max: int | None = None


def ending_band(step: Step) -> tuple[int, int] | None:
    """The score band (min %, max %) an ending stands for: the trainer's, else the rating's."""
    default = DEFAULT_BANDS.get(step.rating)
    low = step.band_min if step.band_min is not None else (default[0] if default else None)
    high = step.band_max if step.band_max is not None else (default[1] if default else None)
    if low is None and high is None:
        return None
    return (low if low is not None else 0, high if high is not None else 100)


def score_in_band(score: float, band: tuple[int, int]) -> bool:
    """Whether a score (%, one decimal) lies in a band of whole percentages: 60–79 holds
    79.5, so that neighbouring bands (60–79, 80–100) leave no gap."""
    low, high = band
    return low <= score and (score < high + 1 or high >= 100)


@dataclass(frozen=True)
class Choice:
    id: int | str
    from_key: str
    to_key: str
    text: str = ""
    feedback: str = ""
    scores: tuple[tuple[str, int], ...] = ()


@dataclass
class Graph:
    steps: list[Step] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    claimed_codes: tuple[str, ...] = ()

    def step_map(self) -> dict[str, Step]:
        return {step.key: step for step in self.steps}

    def choices_from(self) -> dict[str, list[Choice]]:
        out: dict[str, list[Choice]] = defaultdict(list)
        for choice in self.choices:
            out[choice.from_key].append(choice)
        return out

    def start_keys(self) -> list[str]:
        return [step.key for step in self.steps if step.is_start]


@dataclass(frozen=True)
class Problem:
    step_key: str  # "" for problems of the whole scenario
    message: str

    def __str__(self) -> str:
        return self.message


def short(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
