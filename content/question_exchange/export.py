"""The bank's questions as exchange data, and as a Moodle XML file. What is exported is the
question as quizzes draw it (the row: the live version, or a never-approved question's
first draft), not a later draft waiting in a revision."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from content.models.questions import Question
from content.question_exchange import moodle_xml
from content.question_exchange.moodle_xml import CriterionData, OptionData, QuestionData


def questions_for_export(queryset: QuerySet[Question]) -> QuerySet[Question]:
    """`queryset` with everything the export reads, in a fixed number of queries."""
    return queryset.prefetch_related(
        "options", "rubric_criteria", "indicators", "competency_items", "tags"
    ).order_by("code")


def question_data(question: Question) -> QuestionData:
    return QuestionData(
        code=question.code,
        qtype=question.qtype,
        text=question.text,
        difficulty=question.difficulty,
        points=question.points,
        partial_credit=question.partial_credit,
        penalty=question.penalty,
        true_false_answer=question.true_false_answer,
        numeric_answer=question.numeric_answer,
        numeric_tolerance=question.numeric_tolerance,
        numeric_unit=question.numeric_unit,
        model_answer=question.model_answer,
        feedback=question.feedback,
        options=[
            OptionData(
                text=option.text,
                is_correct=option.is_correct,
                match_text=option.match_text,
                feedback=option.feedback,
            )
            for option in question.options.all()
        ],
        rubric=[
            CriterionData(text=criterion.text, points=criterion.points)
            for criterion in question.rubric_criteria.all()
        ],
        indicator_codes=sorted(indicator.code for indicator in question.indicators.all()),
        item_codes=sorted(item.code for item in question.competency_items.all()),
        tags=sorted(tag.name for tag in question.tags.all()),
    )


def questions_moodle_xml(questions: Iterable[Question]) -> bytes:
    return moodle_xml.build(question_data(question) for question in questions)
