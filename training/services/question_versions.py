"""Writes of question versions: the version of a bank question as its row reads now, made
the first time a quiz draws that content and reused every time after (a digest of the
content finds it). Versions are never changed or deleted here."""

from collections import defaultdict

from django.db import transaction

from content.models.questions import Question, QuestionOption, QuestionRubricCriterion, QuestionType
from training.models.question_versions import QuestionVersion
from training.question_snapshots import content_digest, snapshot_content

RETRIES = 3  # another draw of an edited question may take the next number first


# No savepoint of their own: the draw of an attempt calls these inside its transaction, and
# the fixed query count of starting an attempt counts every statement.
@transaction.atomic(savepoint=False)
def question_version_current(*, question: Question) -> QuestionVersion:
    """The version whose content is the question row's now, created if it is new. One
    query when it exists and the question's options, indicators and competency items are
    prefetched (else three more, four for a written question: its rubric); two more when it
    is new."""
    options = sorted(
        question.options.all(),
        key=lambda o: (o.sort_order if o.sort_order is not None else 0, o.pk),
    )
    content = snapshot_content(
        question,
        options,
        indicator_ids=[indicator.pk for indicator in question.indicators.all()],
        competency_item_ids=[item.pk for item in question.competency_items.all()],
        rubric_criteria=_criteria_of(question),
    )
    return _versions_for({question.pk: content})[question.pk]


@transaction.atomic(savepoint=False)
def question_versions_current(*, question_ids) -> dict[int, QuestionVersion]:
    """{question id: current version} for many questions at once, in a fixed number of
    queries whatever their number: four reads of the rows (five when some are written: their
    rubric criteria) and one of their versions; when some content is new, an insert and
    that read again."""
    question_ids = list(dict.fromkeys(question_ids))
    questions = list(Question.objects.filter(pk__in=question_ids))
    if not questions:
        return {}
    options: dict[int, list] = defaultdict(list)
    for option in QuestionOption.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "sort_order", "pk"
    ):
        options[option.question_id].append(option)
    criteria = _criteria_for(
        [question.pk for question in questions if question.qtype == QuestionType.WRITTEN]
    )
    indicators = _mapping(Question.indicators.through, "indicator_id", question_ids)
    items = _mapping(Question.competency_items.through, "competencyitem_id", question_ids)
    contents = {
        question.pk: snapshot_content(
            question,
            options.get(question.pk, []),
            indicator_ids=indicators.get(question.pk, []),
            competency_item_ids=items.get(question.pk, []),
            rubric_criteria=criteria.get(question.pk, []),
        )
        for question in questions
    }
    return _versions_for(contents)


def _criteria_of(question: Question) -> list:
    """A written question's rubric criteria in order (a query for written questions only)."""
    if question.qtype != QuestionType.WRITTEN:
        return []
    return sorted(
        question.rubric_criteria.all(),
        key=lambda c: (c.sort_order if c.sort_order is not None else 0, c.pk),
    )


def _criteria_for(question_ids: list[int]) -> dict[int, list]:
    """{question id: rubric criteria in order}: one query, none when no question is written."""
    criteria: dict[int, list] = defaultdict(list)
    if not question_ids:
        return criteria
    for criterion in QuestionRubricCriterion.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "sort_order", "pk"
    ):
        criteria[criterion.question_id].append(criterion)
    return criteria


def _mapping(through, column: str, question_ids: list[int]) -> dict[int, list[int]]:
    mapped: dict[int, list[int]] = defaultdict(list)
    for question_id, target_id in through.objects.filter(question_id__in=question_ids).values_list(
        "question_id", column
    ):
        mapped[question_id].append(target_id)
    return mapped


def _versions_for(contents: dict[int, dict]) -> dict[int, QuestionVersion]:
    """The versions with these contents, created where new. The versions of the questions
    are read without their content, in one query that also gives the next numbers: a found
    version is given the content just computed, which its digest says is the stored one."""
    digests = {question_id: content_digest(content) for question_id, content in contents.items()}
    found: dict[int, QuestionVersion] = {}
    pending = dict(digests)
    for _round in range(RETRIES):
        latest: dict[int, int] = {}
        for version in QuestionVersion.objects.filter(question_id__in=list(pending)).only(
            "id", "question_id", "number", "digest"
        ):
            latest[version.question_id] = max(version.number, latest.get(version.question_id, 0))
            if pending.get(version.question_id) == version.digest:
                version.content = contents[version.question_id]
                found[version.question_id] = version
        pending = {qid: digest for qid, digest in pending.items() if qid not in found}
        if not pending:
            return found
        # A conflict means another request wrote the same content, or took the number,
        # first: nothing is inserted for it and the next round finds or renumbers it.
        QuestionVersion.objects.bulk_create(
            [
                QuestionVersion(
                    question_id=question_id,
                    number=latest.get(question_id, 0) + 1,
                    content=contents[question_id],
                    digest=digest,
                )
                for question_id, digest in pending.items()
            ],
            ignore_conflicts=True,
        )
    raise RuntimeError(f"Could not record versions of questions {sorted(pending)}.")
