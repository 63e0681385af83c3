"""What the trainee's assessment panel on /learn/ is drawn from, as parts of the kept
dashboard's stamp (training/page_cache.py, DASHBOARD_STAMP_HOOK, registered in
assessments/wagtail_hooks.py). Each part is an SQL scalar subquery on the trainee's id.

Decisions, moderation, appeals (their assignments and outcomes), evidence records and
judgements are append-only (core/append_only.py): a change to any of them is a new row, so
each table's count and highest id for the trainee is exact. Evidence lines and judgement
lines are written with their record or judgement in one transaction, so those counts cover
them. Certificates change in place (revoked, reissued): their rows are read whole. Written
answers waiting for a mark are counted (marking changes a response, not always its
attempt)."""

from django.db import connection

from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceRecord, Judgement
from assessments.models.moderation import Moderation
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.page_cache import rows_as_text


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _appended(model, vendor: str, *, via: str | None = None, parent=None) -> str:
    """Count and highest id of the trainee's rows of an append-only `model` (through its
    `via` foreign key to `parent` when the trainee is on the parent)."""
    if parent is None:
        source = f"{_table(model)} c WHERE c.trainee_id = %s"
    else:
        column = connection.ops.quote_name(model._meta.get_field(via).column)
        source = f"{_table(model)} c JOIN {_table(parent)} p ON c.{column} = p.id WHERE p.trainee_id = %s"  # noqa: E501
    if vendor == "postgresql":
        counted = "COUNT(*)::text || ':' || COALESCE(MAX(c.id)::text, '')"
    else:
        counted = "COUNT(*) || ':' || IFNULL(MAX(c.id), '')"
    # Table and column names from the models, quoted; the trainee's id is a parameter.
    return f"(SELECT {counted} FROM {source})"  # noqa: S608


def _awaiting_marking() -> str:
    responses, attempts = _table(QuizResponse), _table(QuizAttempt)
    return (
        f"(SELECT COUNT(*) FROM {responses} r JOIN {attempts} a ON r.attempt_id = a.id "  # noqa: S608
        f"WHERE a.trainee_id = %s AND r.status = '{QuizResponse.Status.NEEDS_MARKING}')"
    )


def dashboard_stamp_parts(vendor: str) -> list[str]:
    return [
        _appended(Decision, vendor),
        _appended(Moderation, vendor, via="decision", parent=Decision),
        _appended(Appeal, vendor),
        _appended(AppealAssignment, vendor, via="appeal", parent=Appeal),
        _appended(AppealOutcome, vendor, via="appeal", parent=Appeal),
        _appended(EvidenceRecord, vendor),
        _appended(Judgement, vendor, via="evidence", parent=EvidenceRecord),
        rows_as_text(Certificate, vendor),
        _awaiting_marking(),
    ]
