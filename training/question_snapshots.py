"""A question frozen as a trainee drew it: the JSON snapshot stored on a `QuestionVersion`,
its digest, and the read-only object built back from it that presenting, grading, review,
marking and item analysis use instead of the live bank row.

Pure: the caller reads the question row, its options (in order) and its mapping. The digest
is of the canonical JSON (sorted keys, compact), so an unchanged question always gives the
same digest. `training/migrations/0003_question_versions.py` holds a frozen copy of
`snapshot_content` and `content_digest`: change them together.

A written question's marking rubric is the key "rubric", present only when the question has
criteria: the content (and so the digest) of every version made before rubrics existed, and
of any question without criteria, stays exactly what it was (no new versions, no backfill).
Marking reads the rubric of the version answered, never the criteria as edited since."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property


def _number(value) -> str | None:
    """Decimals as their shortest exact text ("1", "0.5"), so 1 and 1.00 digest alike."""
    if value is None:
        return None
    return f"{Decimal(value).normalize():f}"


def snapshot_content(
    question, options, *, indicator_ids, competency_item_ids, rubric_criteria=()
) -> dict:
    """Everything presenting and grading need, from the question row as it is now.
    `options` and `rubric_criteria` in their authored order (sort order, then id); the
    criteria count for written questions only."""
    content = {
        "qtype": question.qtype,
        "text": question.text,
        "points": _number(question.points),
        "partial_credit": question.partial_credit,
        "penalty": _number(question.penalty),
        "true_false_answer": bool(question.true_false_answer),
        "numeric_answer": _number(question.numeric_answer),
        "numeric_tolerance": _number(question.numeric_tolerance),
        "numeric_unit": question.numeric_unit,
        "model_answer": question.model_answer,
        "feedback": question.feedback,
        "indicator_ids": sorted(indicator_ids),
        "competency_item_ids": sorted(competency_item_ids),
        "options": [
            {
                "id": option.pk,
                "text": option.text,
                "is_correct": bool(option.is_correct),
                "match_text": option.match_text,
                "feedback": option.feedback,
            }
            for option in options
        ],
    }
    rubric = [
        {"id": criterion.pk, "text": criterion.text, "points": _number(criterion.points)}
        for criterion in rubric_criteria
    ]
    if rubric and question.qtype == "written":
        content["rubric"] = rubric
    return content


def content_digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class FrozenOption:
    pk: int
    text: str
    is_correct: bool
    match_text: str
    feedback: str
    sort_order: int  # the position in the authored order, from 0


@dataclass(frozen=True)
class FrozenCriterion:
    pk: int
    text: str
    points: Decimal

    @property
    def points_text(self) -> str:
        return _number(self.points)


@dataclass(frozen=True)
class FrozenQuestion:
    """Reads like a `content.Question` with its options, for the fields a quiz uses."""

    qtype: str
    text: str
    points: Decimal
    partial_credit: str
    penalty: Decimal
    true_false_answer: bool
    numeric_answer: Decimal | None
    numeric_tolerance: Decimal
    numeric_unit: str
    model_answer: str
    feedback: str
    indicator_ids: tuple[int, ...]
    competency_item_ids: tuple[int, ...]
    options: tuple[FrozenOption, ...]
    rubric: tuple[FrozenCriterion, ...] = ()  # written questions marked against a rubric

    @classmethod
    def from_content(cls, content: dict) -> "FrozenQuestion":
        return cls(
            qtype=content["qtype"],
            text=content["text"],
            points=_decimal(content["points"]),
            partial_credit=content["partial_credit"],
            penalty=_decimal(content["penalty"]),
            true_false_answer=content["true_false_answer"],
            numeric_answer=_decimal(content["numeric_answer"]),
            numeric_tolerance=_decimal(content["numeric_tolerance"]) or Decimal("0"),
            numeric_unit=content["numeric_unit"],
            model_answer=content["model_answer"],
            feedback=content["feedback"],
            indicator_ids=tuple(content["indicator_ids"]),
            competency_item_ids=tuple(content["competency_item_ids"]),
            options=tuple(
                FrozenOption(
                    pk=option["id"],
                    text=option["text"],
                    is_correct=option["is_correct"],
                    match_text=option["match_text"],
                    feedback=option["feedback"],
                    sort_order=position,
                )
                for position, option in enumerate(content["options"])
            ),
            rubric=tuple(
                FrozenCriterion(
                    pk=criterion["id"],
                    text=criterion["text"],
                    points=_decimal(criterion["points"]),
                )
                for criterion in content.get("rubric", ())
            ),
        )

    @cached_property
    def options_by_id(self) -> dict[int, FrozenOption]:
        return {option.pk: option for option in self.options}

    @property
    def is_manually_marked(self) -> bool:
        return self.qtype == "written"
