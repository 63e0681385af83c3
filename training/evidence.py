"""What the training side shows about a trainee, per indicator, for the assessor's profile
and the trainee's dashboard. Each kind of activity (scenario runs, quiz attempts) provides
a source in `training/evidence_sources/`, registered with `@evidence_source`."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from config.autoload import import_submodules


@dataclass(frozen=True)
class TrainingEvidence:
    trainee_id: int
    indicator_id: int
    method: str  # an AssessmentMethod value: "questioning" or "role_play"
    passed: bool
    score: float | None  # 0..100 for this indicator, when the activity scores it
    occurred_at: datetime
    label: str  # e.g. "情境：點數不見了 (第 2 次)"
    source: str  # "scenario_run" | "quiz_attempt"
    source_id: int


Source = Callable[..., Iterable[TrainingEvidence]]
_SOURCES: list[Source] = []
_loaded = False


def evidence_source(func: Source) -> Source:
    if func not in _SOURCES:
        _SOURCES.append(func)
    return func


def training_evidence(*, trainee_ids: Iterable[int], unit_id: int) -> list[TrainingEvidence]:
    """All training evidence of these trainees for one unit, in a fixed number of queries per
    source (never per trainee)."""
    global _loaded
    if not _loaded:
        # Import every source module once, whichever of them was imported first elsewhere.
        import_submodules("training.evidence_sources")
        _loaded = True
    ids = list(trainee_ids)
    return [item for source in _SOURCES for item in source(trainee_ids=ids, unit_id=unit_id)]
