"""Certificate pages for signed-in users (/assess/certificates/...) and the public
verification pages (/verify/...). Views validate and orchestrate; services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments import badges
from assessments.forms.certificates import (
    BulkScopeForm,
    CertificateNumberForm,
    ReissueForm,
    RevokeForm,
)
from assessments.models.certificates import BulkIssueJob, Certificate
from assessments.selectors import certificates as selectors
from assessments.services import certificate_bulk
from assessments.services import certificates as services
from assessments.services.signing_keys import certificate_signing_key_create
from assessments.services.verify_throttle import verify_rate_hit
from content.models.framework import CompetencyUnit
from core.numbers import bounded_int
from people import roles
from people.permissions import admin_required

# --- signed-in pages -------------------------------------------------------------------


def _attachment_headers(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def certificate_list(request):
    certificates = selectors.certificates_visible_to(request.user).order_by("-issued_at", "-pk")[
        :200
    ]
    return render(
        request,
        "assessments/certificates/list.html",
        {
            "certificates": certificates,
            "awaiting": selectors.decisions_awaiting_certificate(request.user)[:100],
            "is_admin": roles.is_admin(request.user),
        },
    )


def _may_reissue_revoked(user, certificate: Certificate) -> bool:
    """Offer the reissue form on a revoked certificate not yet replaced, to admins and the
    deciding assessor (the service re-checks the decision is current and Competent)."""
    if certificate.status != Certificate.Status.REVOKED:
        return False
    if not (
        roles.is_admin(user)
        or (roles.is_assessor(user) and certificate.decision.assessor_id == user.pk)
    ):
        return False
    return selectors.certificate_replacement(certificate) is None


@never_cache
@login_required
def certificate_detail(request, pk: int):
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
    return render(
        request,
        "assessments/certificates/detail.html",
        {
            "certificate": certificate,
            "state": selectors.certificate_state(certificate),
            "replacement": selectors.certificate_replacement(certificate),
            "verify_url": selectors.verify_url(certificate),
            "is_admin": roles.is_admin(request.user),
            "may_reissue_revoked": _may_reissue_revoked(request.user, certificate),
            "revoke_form": RevokeForm(),
            "reissue_form": ReissueForm(),
        },
    )


@never_cache
@login_required
@require_GET
def certificate_download(request, pk: int):
    """The stored file, never re-rendered, to those who may see the certificate; 404 otherwise."""
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
    if not certificate.pdf:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="application/pdf")
    return _attachment_headers(response, f"{certificate.number}.pdf")


@never_cache
@login_required
@require_GET
def certificate_credential_download(request, pk: int):
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
    return _credential_response(certificate)


def _credential_refused(certificate: Certificate, state: str) -> JsonResponse:
    """410 Gone: no new signed credential for a revoked or superseded certificate; the
    status (and the replacement, if any) as the status endpoint gives it."""
    if state == selectors.VerifyState.REVOKED:
        message = _(
            "This certificate was revoked: no signed credential is issued for it any more. "
            "Credentials issued before are revoked too; the status link says so."
        )
    else:
        message = _(
            "This certificate was replaced by a reissued one: no signed credential is issued "
            "for it any more. Credentials issued before show it as superseded."
        )
    return JsonResponse(
        {"error": message, **badges.credential_status(certificate)},
        status=410,
        json_dumps_params={"ensure_ascii": False},
    )


def _credential_response(certificate: Certificate) -> HttpResponse:
    key = certificate_signing_key_create()
    try:
        token = badges.credential_sign(certificate, key)
    except badges.CredentialRefused as refused:
        return _credential_refused(certificate, refused.state)
    response = HttpResponse(token, content_type="application/vc+jwt")
    return _attachment_headers(response, f"{certificate.number}.jwt")


@never_cache
@login_required
@require_POST
def certificate_issue(request, decision_pk: int):
    if not roles.is_assessor(request.user):
        raise PermissionDenied
    decision = get_object_or_404(selectors.decisions_issuable_by(request.user), pk=decision_pk)
    try:
        certificate = services.certificate_issue(decision=decision, issued_by=request.user)
    except services.AlreadyIssued as already:
        messages.info(request, _("A certificate was already issued for this decision."))
        return redirect("assessments:certificate_detail", pk=already.certificate.pk)
    except services.CertificateError as error:
        messages.error(request, str(error))
        return redirect("assessments:certificate_list")
    messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
    return redirect("assessments:certificate_detail", pk=certificate.pk)


@never_cache
@admin_required
@require_POST
def certificate_revoke(request, pk: int):
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for revoking the certificate."))
        return redirect("assessments:certificate_detail", pk=pk)
    try:
        services.certificate_revoke(
            certificate=certificate,
            by=request.user,
            reason=form.cleaned_data["reason"],
            show_reason_publicly=form.cleaned_data["show_reason_publicly"],
        )
    except services.CertificateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Certificate %(number)s revoked.") % {"number": certificate.number}
        )
    return redirect("assessments:certificate_detail", pk=pk)


@never_cache
@login_required
@require_POST
def certificate_reissue(request, pk: int):
    """Admins reissue a valid certificate; admins and the deciding assessor reissue a revoked
    one while its decision is still current and Competent."""
    user = request.user
    if not (roles.is_admin(user) or roles.is_assessor(user)):
        raise PermissionDenied
    certificate = get_object_or_404(selectors.certificates_visible_to(user), pk=pk)
    revoked = certificate.status == Certificate.Status.REVOKED
    if not revoked and not roles.is_admin(user):
        raise PermissionDenied
    form = ReissueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for reissuing the certificate."))
        return redirect("assessments:certificate_detail", pk=pk)
    service = services.certificate_reissue_revoked if revoked else services.certificate_reissue
    try:
        new = service(certificate=certificate, by=user, reason=form.cleaned_data["reason"])
    except services.CertificateError as error:
        messages.error(request, str(error))
        return redirect("assessments:certificate_detail", pk=pk)
    messages.success(
        request,
        _("Certificate %(old)s replaced by %(new)s.")
        % {"old": certificate.number, "new": new.number},
    )
    return redirect("assessments:certificate_detail", pk=new.pk)


# --- bulk issue (admins) -----------------------------------------------------------------


@never_cache
@admin_required
def bulk_issue(request):
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = BulkScopeForm(data)
    candidates = []
    if form.is_bound and form.is_valid():
        candidates = list(selectors.bulk_issue_candidates(**form.cleaned_data)[:500])
        if request.method == "POST":
            ids = [bounded_int(v) for v in request.POST.getlist("decisions")]
            if None in ids:
                ids = []  # refused below: "Choose at least one decision."
            try:
                job = certificate_bulk.bulk_issue_job_create(
                    by=request.user, decision_ids=ids, **form.cleaned_data
                )
            except services.CertificateError as error:
                messages.error(request, str(error))
            else:
                return redirect("assessments:certificate_bulk_job", pk=job.pk)
    jobs = BulkIssueJob.objects.select_related("cohort", "unit").order_by("-pk")[:10]
    return render(
        request,
        "assessments/certificates/bulk.html",
        {"form": form, "candidates": candidates, "jobs": jobs},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@admin_required
def bulk_job(request, pk: int):
    job = get_object_or_404(BulkIssueJob.objects.select_related("cohort", "unit"), pk=pk)
    failures = job.items.filter(status="failed").select_related("decision__trainee__profile")[:200]
    counts = certificate_bulk.bulk_issue_job_counts(job)
    counts["done"] = counts["total"] - counts["pending"]
    return render(
        request,
        "assessments/certificates/bulk_job.html",
        {"job": job, "counts": counts, "failures": failures},
    )


@never_cache
@admin_required
def bulk_job_progress(request, pk: int):
    job = get_object_or_404(BulkIssueJob, pk=pk)
    counts = certificate_bulk.bulk_issue_job_counts(job)
    done = counts["total"] - counts["pending"]
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            **counts,
            "done": done,
            "percent": round(100 * done / counts["total"]) if counts["total"] else 100,
        }
    )


@never_cache
@admin_required
@require_POST
def bulk_job_retry(request, pk: int):
    job = get_object_or_404(BulkIssueJob, pk=pk)
    count = certificate_bulk.bulk_issue_job_retry(job=job, by=request.user)
    messages.info(request, _("%(count)d failed items queued again.") % {"count": count})
    return redirect("assessments:certificate_bulk_job", pk=pk)


# --- public verification -----------------------------------------------------------------


def _client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "")


def _too_many(request):
    response = render(request, "assessments/certificates/verify_rate_limited.html", status=429)
    response["Retry-After"] = "600"
    return response


def _verify_context(certificate: Certificate | None, *, by_code: bool) -> dict:
    if certificate is None:
        return {"certificate": None}
    replacement = selectors.certificate_replacement(certificate)
    return {
        "certificate": certificate,
        "state": selectors.certificate_state(certificate),
        "masked_name": selectors.mask_name(certificate.holder_name),
        "replacement": replacement,
        "by_code": by_code,
        "design": selectors.design_load(),
    }


@never_cache
@require_GET
def verify_index(request):
    """Look-up by number AND the holder's name as printed. Number alone, a wrong name or an
    unknown number all give the same "not found": nothing about the register leaks."""
    searched = "number" in request.GET or "name" in request.GET
    form = CertificateNumberForm(request.GET if searched else None)
    context = {"form": form, "searched": False}
    if form.is_bound:
        if not verify_rate_hit(client_address=_client_address(request)):
            return _too_many(request)
        context["searched"] = True
        if form.is_valid():
            certificate = selectors.certificate_by_number_and_name(
                form.cleaned_data["number"], form.cleaned_data["name"]
            )
            context.update(_verify_context(certificate, by_code=False))
    return render(
        request,
        "assessments/certificates/verify.html",
        context,
        status=404 if context["searched"] and not context.get("certificate") else 200,
    )


@never_cache
@require_GET
def verify_certificate(request, code: str):
    if not verify_rate_hit(client_address=_client_address(request)):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code)
    context = {
        "form": CertificateNumberForm(),
        "searched": True,
        **_verify_context(certificate, by_code=True),
    }
    return render(
        request,
        "assessments/certificates/verify.html",
        context,
        status=200 if certificate else 404,
    )


@never_cache
@require_GET
def verify_credential(request, code: str):
    if not verify_rate_hit(client_address=_client_address(request)):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    return _credential_response(certificate)


@never_cache
@require_GET
def verify_status(request, code: str):
    if not verify_rate_hit(client_address=_client_address(request)):
        return JsonResponse({"error": _("Too many lookups. Please try again later.")}, status=429)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return JsonResponse({"error": _("No certificate with this code.")}, status=404)
    return JsonResponse(badges.credential_status(certificate))


@require_GET
def verify_keys(request):
    response = JsonResponse(badges.public_key_set())
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def verify_issuer(request):
    response = JsonResponse(badges.issuer_profile(), content_type="application/ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def verify_achievement(request, unit_code: str):
    unit = get_object_or_404(CompetencyUnit, code=unit_code)
    return JsonResponse(
        {
            "@context": [badges.VC_CONTEXT, badges.OB_CONTEXT],
            "id": selectors.absolute_url("verify:achievement", unit_code=unit.code),
            "type": ["Achievement"],
            "name": f"{unit.code} {unit.title}",
            "level": unit.level,
            "criteria": {"narrative": "; ".join(f"{t.code} {t.title}" for t in unit.tasks.all())},
        },
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )
