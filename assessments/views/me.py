"""The trainee's own page: where I stand and the next step (the same card as on /learn/),
my decisions (an appeal form only against a current Not Yet Competent decision; a Competent
one links to its certificate), each indicator as a card in plain words, my evidence, upload,
appeal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms.evidence import AppealForm, UploadForm
from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.selectors.evidence import evidence_for_trainee
from assessments.selectors.learner_status import indicator_cards, learner_status
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import assessment_context
from assessments.services.appeals import appeal_lodge
from assessments.services.judgements import portfolio_upload
from content.models.instruments import InstrumentKind
from content.selectors.instruments import live_instruments
from core.views import run_service
from people.permissions import trainee_required


@never_cache
@trainee_required
def my_assessment(request):
    trainee = request.user
    unit, course = assessment_context(trainee)
    decisions = _my_decisions(trainee)
    profile = competency_profile(trainee=trainee, unit=unit, course=course) if unit else None
    return render(
        request,
        "assessments/workspace/me.html",
        {
            "trainee": trainee,
            "unit": unit,
            "status": learner_status(trainee=trainee, profile=profile) if unit else None,
            "profile": profile,
            "indicator_cards": indicator_cards(profile) if profile else [],
            "evidence": evidence_for_trainee(trainee=trainee, unit=unit) if unit else [],
            "decisions": decisions,
            "upload_form": UploadForm(),
            "appeal_form": AppealForm(),
        },
    )


def _my_decisions(trainee) -> list[Decision]:
    decisions = list(
        Decision.objects.filter(trainee=trainee)
        .select_related("assessor__profile", "unit")
        .prefetch_related(
            "appeals__outcomes",
            "appeals__assignments",
            "corrections",
            "moderations",
            "certificates",
        )
    )
    for d in decisions:
        d.open_appeal = any(not list(a.outcomes.all()) for a in d.appeals.all())
        d.is_current = not list(d.corrections.all())
        d.is_competent = d.outcome == Decision.Outcome.COMPETENT
        # The same rule as appeal_lodge: only a current Not Yet Competent decision.
        d.may_appeal = d.is_current and not d.is_competent and not d.open_appeal
        certificates = list(d.certificates.all())
        issued = [c for c in certificates if c.status == Certificate.Status.ISSUED]
        d.certificate = (issued or certificates or [None])[0]
        for appeal in d.appeals.all():
            outcomes = list(appeal.outcomes.all())
            appeal.outcome = outcomes[0] if outcomes else None
            appeal.under_review = bool(list(appeal.assignments.all()))
    return decisions


@never_cache
@trainee_required
def my_upload(request):
    unit, _course = assessment_context(request.user)
    if unit is None:
        raise Http404
    tasks = list(live_instruments(unit_id=unit.pk, kind=InstrumentKind.PORTFOLIO))
    form = UploadForm(request.POST or None, request.FILES or None, tasks=tasks)
    uploaded = run_service(
        form,
        lambda data: portfolio_upload(
            uploader=request.user,
            trainee=request.user,
            unit=unit,
            upload=data["file"],
            summary=data["summary"],
            instrument=data.get("instrument"),
        ),
    )
    if uploaded is not None:
        messages.success(request, _("File uploaded. An assessor will judge it."))
        return redirect("assessments:me")
    return render(
        request,
        "assessments/workspace/upload.html",
        {
            "form": form,
            "tasks": tasks,
            "title": _("Upload a document for your portfolio"),
        },
    )


@require_POST
@trainee_required
def my_appeal(request, decision_id: int):
    decision = get_object_or_404(Decision.objects.filter(trainee=request.user), pk=decision_id)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeal_lodge(
                trainee=request.user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Your appeal has been lodged. An independent assessor will review it.")
            )
    else:
        messages.error(request, _("Give a reason for the appeal."))
    return redirect("assessments:me")
