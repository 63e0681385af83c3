"""Recording customer feedback, oral questioning and uploads; evidence detail, judgement,
correction and the permission-checked file download."""

from django.contrib import messages
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import (
    CorrectionForm,
    CustomerFeedbackForm,
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
    customer_feedback_record,
    evidence_correct,
    questioning_record,
)
from assessments.services.judgements import evidence_judge, portfolio_upload
from core.views import REFUSALS_AND_DENIALS, run_service
from people import roles
from people.permissions import decider_required


def _unit_or_404(trainee):
    unit, course = assessment_context(trainee)
    if unit is None:
        raise Http404
    return unit, course


@never_cache
@decider_required
def customer_feedback_new(request, trainee_id: int):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    unit, _course = _unit_or_404(trainee)
    form = CustomerFeedbackForm(request.POST or None, request.FILES or None, unit=unit)
    record = run_service(
        form,
        lambda data: customer_feedback_record(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            source=data["source"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            indicators=list(data["indicators"]),
            upload=data.get("attachment"),
        ),
        refusals=REFUSALS_AND_DENIALS,
    )
    if record is not None:
        messages.success(request, _("Customer feedback recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("Record customer feedback"),
            "multipart": True,
        },
    )


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
    form = UploadForm(request.POST or None, request.FILES or None)
    record = run_service(
        form,
        lambda data: portfolio_upload(
            uploader=request.user,
            trainee=trainee,
            unit=unit,
            upload=data["file"],
            summary=data["summary"],
        ),
    )
    if record is not None:
        messages.success(request, _("File uploaded. Another assessor must judge it."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("Upload a portfolio document"),
            "multipart": True,
        },
    )


def _evidence_or_404(user, evidence_id: int):
    return get_object_or_404(evidence_visible_to(user), pk=evidence_id)


@never_cache
def evidence_detail(request, evidence_id: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    record = _evidence_or_404(request.user, evidence_id)
    record = next(
        r
        for r in evidence_for_trainee(trainee=record.trainee, unit=record.unit)
        if r.pk == record.pk
    )
    may_act = may_assess(request.user, record.trainee_id)
    may_judge = (
        may_act
        and record.needs_judgement
        and not record.superseded
        and not (record.kind == EvidenceKind.PORTFOLIO and record.recorded_by_id == request.user.pk)
    )
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
        if may_judge
        else None
    )
    return render(
        request,
        "assessments/workspace/evidence.html",
        {
            "record": record,
            "may_act": may_act,
            "judge_form": judge_form,
            "judgements": list(record.judgements.all()),
            "submitted_draft": request.GET.get("submitted", "")[:12],
            "own_page": request.user.pk == record.trainee_id,
        },
    )


@never_cache
@decider_required
def evidence_judge_view(request, evidence_id: int):
    record = _evidence_or_404(request.user, evidence_id)
    if not may_assess(request.user, record.trainee_id):
        raise Http404
    form = JudgementForm(request.POST or None, unit=record.unit)
    judged = run_service(
        form,
        lambda data: evidence_judge(
            assessor=request.user,
            evidence=record,
            result=data["result"],
            indicators=list(data["indicators"]),
            verification=data["verification"],
            notes=data["notes"],
        ),
        refusals=REFUSALS_AND_DENIALS,
    )
    if judged is not None:
        messages.success(request, _("Judgement recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/form.html",
        {
            "form": form,
            "trainee": record.trainee,
            "title": _("Judge evidence: %(record)s") % {"record": record},
        },
    )


@never_cache
@decider_required
def evidence_correct_view(request, evidence_id: int):
    record = _evidence_or_404(request.user, evidence_id)
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
