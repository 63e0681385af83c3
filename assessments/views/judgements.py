"""Judging evidence an assessor did not record (uploads, third-party reports): gathered
with an instrument, it is judged criterion by criterion (a third-party report starts from
what the supervisor said); otherwise against the indicators it supports."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import (
    JUDGE_RESULTS,
    CriterionResultsForm,
    JudgementForm,
    criterion_key,
)
from assessments.models.evidence import EvidenceKind
from assessments.selectors.scope import may_assess
from assessments.services.judgements import CriterionJudgement, evidence_judge
from assessments.views.evidence import evidence_or_404, instrument_state, judge_refusal
from content.selectors.instruments import instrument_criteria
from core.views import REFUSALS_AND_DENIALS, run_service
from people.permissions import decider_required


def _supervisor_answers(record) -> dict[int, object]:
    """criterion id -> the supervisor's line for it (a third-party report with prompts)."""
    return {line.criterion_id: line for line in record.lines.all() if line.criterion_id is not None}


def _criterion_form(record, data=None) -> CriterionResultsForm:
    criteria = instrument_criteria(record.instrument)
    answers = _supervisor_answers(record)
    return CriterionResultsForm(
        data,
        criteria=criteria,
        # A third-party report starts from what the supervisor said; the assessor decides.
        initial={
            f"r_{criterion_key(c.pk)}": answers[c.pk].result for c in criteria if c.pk in answers
        },
    )


def _criterion_rows(record, criteria_form: CriterionResultsForm) -> list[dict]:
    answers = _supervisor_answers(record)
    return [{**row, "answer": answers.get(row["criterion"].pk)} for row in criteria_form.rows()]


@never_cache
@decider_required
def evidence_judge_view(request, evidence_id: int):
    record = evidence_or_404(request.user, evidence_id)
    if not may_assess(request.user, record.trainee_id):
        raise Http404
    refusal = judge_refusal(request.user, record)
    by_criteria = bool(record.instrument_id)
    form = JudgementForm(request.POST or None, unit=record.unit, by_criteria=by_criteria)
    criteria_form = _criterion_form(record, request.POST or None) if by_criteria else None
    judged = None
    if not refusal:
        judged = run_service(
            form,
            lambda data: evidence_judge(
                assessor=request.user,
                evidence=record,
                result=data["result"],
                indicators=list(data.get("indicators") or []),
                verification=data["verification"],
                notes=data["notes"],
                criteria=[CriterionJudgement(*row) for row in criteria_form.judged()]
                if criteria_form is not None
                else (),
            ),
            refusals=REFUSALS_AND_DENIALS,
        )
    if judged is not None:
        messages.success(request, _("Judgement recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/judge.html",
        {
            "form": form,
            "record": record,
            "trainee": record.trainee,
            "instrument_state": instrument_state(record),
            "rows": _criterion_rows(record, criteria_form) if criteria_form else [],
            "results": JUDGE_RESULTS,
            "is_third_party": record.kind == EvidenceKind.THIRD_PARTY,
            "refusal": refusal,
            "title": _("Judge evidence: %(record)s") % {"record": record},
        },
    )
