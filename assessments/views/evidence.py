"""Recording oral questioning and uploads; evidence detail, correction and the
permission-checked file download (customer feedback: `feedback`; judging: `judgements`)."""

from django.contrib import messages
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import (
    JUDGE_RESULTS,
    CorrectionForm,
    JudgementForm,
    QuestioningHeaderForm,
    UploadForm,
)
from assessments.forms.results import CorrectedResultsForm, OralAnswersForm
from assessments.models.evidence import EvidenceKind, ItemResult
from assessments.models.questions import OralQuestion
from assessments.selectors.evidence import evidence_for_trainee
from assessments.selectors.scope import (
    assessment_context,
    evidence_visible_to,
    may_assess,
    trainee_for_assessor_or_404,
)
from assessments.services.evidence import (
    OralAnswer,
    evidence_correct,
    questioning_record,
)
from assessments.services.judgements import portfolio_upload
from content.models.instruments import InstrumentKind
from content.selectors.instruments import (
    live_instruments,
    validated_revision_ids,
    validation_states,
)
from core.views import run_service
from people import roles
from people.permissions import decider_required


def _unit_or_404(trainee):
    unit, course = assessment_context(trainee)
    if unit is None:
        raise Http404
    return unit, course


@never_cache
@decider_required
def questioning_new(request, trainee_id: int):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    unit, _course = _unit_or_404(trainee)
    questions = list(
        OralQuestion.objects.filter(unit=unit, active=True)
        .select_related("indicator")
        .prefetch_related("competency_items")
    )
    form = QuestioningHeaderForm(
        request.POST or None, initial={"occurred_on": timezone.localdate()}
    )
    results = OralAnswersForm(request.POST or None, keys=[q.pk for q in questions])
    record = run_service(
        form,
        lambda data: questioning_record(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            answers=[
                OralAnswer(q, results.answer(q.pk), results.result(q.pk), results.comment(q.pk))
                for q in questions
            ],
            **data,
        ),
    )
    if record is not None:
        messages.success(request, _("Oral questioning recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/questioning.html",
        {
            "form": form,
            "trainee": trainee,
            "questions": questions,
            "results": ItemResult.choices,
        },
    )


@never_cache
@decider_required
def assessor_upload(request, trainee_id: int):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    unit, _course = _unit_or_404(trainee)
    tasks = list(live_instruments(unit_id=unit.pk, kind=InstrumentKind.PORTFOLIO))
    form = UploadForm(request.POST or None, request.FILES or None, tasks=tasks)
    record = run_service(
        form,
        lambda data: portfolio_upload(
            uploader=request.user,
            trainee=trainee,
            unit=unit,
            upload=data["file"],
            summary=data["summary"],
            instrument=data.get("instrument"),
        ),
    )
    if record is not None:
        messages.success(request, _("File uploaded. Another assessor must judge it."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/upload.html",
        {
            "form": form,
            "trainee": trainee,
            "tasks": tasks,
            "title": _("Upload a portfolio document"),
        },
    )


def evidence_or_404(user, evidence_id: int):
    return get_object_or_404(evidence_visible_to(user), pk=evidence_id)


def _grouped_by_criterion(lines, labels: dict | None = None) -> list[dict]:
    """Lines in their order, those of one criterion (one per indicator it shows) folded
    into one row with the indicators' codes; lines without a criterion stay as they are.
    `labels`: how each result is worded (default: the line's own)."""
    rows: list[dict] = []
    by_criterion: dict[int, dict] = {}
    for line in lines:
        label = (labels or {}).get(line.result) or line.get_result_display()
        if line.criterion_id is None:
            rows.append(
                {
                    "line": line,
                    "result": label,
                    "codes": [line.indicator.code] if line.indicator else [],
                }
            )
            continue
        row = by_criterion.get(line.criterion_id)
        if row is None:
            row = by_criterion[line.criterion_id] = {
                "line": line,
                "result": label,
                "codes": [],
                "criterion": True,
            }
            rows.append(row)
        if line.indicator is not None:
            row["codes"].append(line.indicator.code)
    return rows


def instrument_state(record) -> dict | None:
    """The record's instrument, and whether the revision it was gathered with has been
    validated by a second assessor (by whom and when, when known)."""
    if not record.instrument_id:
        return None
    instrument = record.instrument
    revision_id = record.instrument_revision_id
    state = validation_states([instrument])[instrument.pk]
    validation = next(
        (
            v
            for v in (state.current, state.previous)
            if v is not None and v.revision_id == revision_id
        ),
        None,
    )
    return {
        "instrument": instrument,
        "validated": revision_id in validated_revision_ids([revision_id]),
        "validation": validation,
    }


def judge_refusal(user, record) -> str:
    """Why this user cannot judge this record now ("" when they can): said on the judge
    page instead of a form the service would refuse."""
    if record.kind == EvidenceKind.PORTFOLIO and record.recorded_by_id == user.pk:
        return _("Another assessor must judge a file you uploaded yourself.")
    if not record.needs_judgement:
        return _("This evidence was judged when it was recorded.")
    if record.corrections.exists():
        return _("This record has been corrected; the correction counts instead.")
    return ""


def _may_judge(user, record) -> bool:
    return may_assess(user, record.trainee_id) and not judge_refusal(user, record)


@never_cache
def evidence_detail(request, evidence_id: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    record = evidence_or_404(request.user, evidence_id)
    record = next(
        r
        for r in evidence_for_trainee(trainee=record.trainee, unit=record.unit)
        if r.pk == record.pk
    )
    may_act = may_assess(request.user, record.trainee_id)
    may_judge = _may_judge(request.user, record)
    # Evidence gathered with an instrument is judged criterion by criterion on its own
    # page; other evidence keeps the short form here.
    judge_form = (
        JudgementForm(
            unit=record.unit,
            initial={
                "indicators": [
                    line.indicator_id
                    for line in record.lines.all()
                    if line.result == ItemResult.SATISFACTORY
                ]
            },
        )
        if may_judge and not record.instrument_id
        else None
    )
    latest = record.latest_judgement
    return render(
        request,
        "assessments/workspace/evidence.html",
        {
            "record": record,
            "may_act": may_act,
            "may_judge": may_judge,
            "judge_form": judge_form,
            "judgements": list(record.judgements.all()),
            "attachments": list(record.attachments.all()),
            "line_rows": _grouped_by_criterion(record.lines.all()),
            "instrument_state": instrument_state(record),
            "judgement_rows": _grouped_by_criterion(
                latest.lines.select_related("indicator") if latest else [],
                labels=dict(JUDGE_RESULTS),
            ),
            "submitted_draft": request.GET.get("submitted", "")[:12],
            "own_page": request.user.pk == record.trainee_id,
        },
    )


@never_cache
@decider_required
def evidence_correct_view(request, evidence_id: int):
    record = evidence_or_404(request.user, evidence_id)
    if not may_assess(request.user, record.trainee_id):
        raise Http404
    lines = list(record.lines.select_related("indicator"))
    form = CorrectionForm(request.POST or None, initial={"summary": record.summary})
    results = CorrectedResultsForm(request.POST or None, keys=[line.pk for line in lines])
    new = run_service(
        form,
        lambda data: evidence_correct(
            assessor=request.user,
            original=record,
            reason=data["reason"],
            summary=data["summary"],
            line_results={
                line.pk: results.result(line.pk)
                for line in lines
                if results.result(line.pk) is not None
            },
        ),
    )
    if new is not None:
        messages.success(request, _("Correction recorded; the original is kept."))
        return redirect("assessments:evidence", evidence_id=new.pk)
    return render(
        request,
        "assessments/workspace/correct.html",
        {
            "form": form,
            "record": record,
            "lines": lines,
            "results": ItemResult.choices,
        },
    )


@never_cache
def evidence_file(request, evidence_id: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    # Files: the trainee themself, assessors (in scope or reviewing an appeal) and admins;
    # trainers see progress, not documents.
    user = request.user
    records = evidence_visible_to(user)
    if not roles.is_assessor(user):
        records = records.filter(trainee=user)
    record = get_object_or_404(records, pk=evidence_id)
    if not record.file_name:
        raise Http404
    storage = storages["private"]
    try:
        handle = storage.open(record.file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=record.file_original_name or "evidence",
        content_type=record.file_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
