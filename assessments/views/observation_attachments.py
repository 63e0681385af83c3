"""Photos and audio clips on observation items: add (a fetch from the checklist page, or the
whole form posted without JavaScript), remove while the draft is open, and the
permission-checked downloads; plus the service worker that keeps the checklist usable
offline, served under /assess/ so that its scope is the assessor area."""

import contextlib
import hashlib
from functools import lru_cache

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments.models.attachments import AttachmentKind, EvidenceAttachment, ObservationAttachment
from assessments.models.evidence import ObservationDraft
from assessments.selectors.scope import evidence_visible_to, trainees_assessable_by
from assessments.services.observation_attachments import (
    observation_attachment_add,
    observation_attachment_remove,
)
from assessments.services.observation_drafts import observation_draft_save
from people import roles
from people.permissions import decider_required

NOT_DATA = {"csrfmiddlewaretoken", "attach", "confirm_lock", "item", "kind"}


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _draft_or_404(user, draft_id: int) -> ObservationDraft:
    return get_object_or_404(
        ObservationDraft.objects.select_related("unit", "instrument", "trainee").filter(
            assessor=user, trainee__in=trainees_assessable_by(user).values("pk")
        ),
        pk=draft_id,
    )


def attachment_json(attachment: ObservationAttachment) -> dict:
    return {
        "id": attachment.pk,
        "item": attachment.item_key,
        "kind": attachment.kind,
        "kind_label": attachment.get_kind_display(),
        "name": attachment.original_name,
        "url": reverse("assessments:observation_attachment", args=[attachment.pk]),
        "remove_url": reverse("assessments:observation_attachment_remove", args=[attachment.pk]),
    }


@require_POST
@decider_required
def observation_attachment_new(request, draft_id: int):
    draft = _draft_or_404(request.user, draft_id)
    back = reverse("assessments:observation", args=[draft.pk])
    if draft.locked:
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "error": _("This observation has been submitted and is locked.")},
                status=409,
            )
        return redirect("assessments:evidence", evidence_id=draft.evidence_id)
    item = str(request.POST.get("attach") or request.POST.get("item") or "")[:40]
    if _wants_json(request):
        files = [(request.POST.get("kind", ""), request.FILES.get("file"))]
    else:
        # Without JavaScript the whole checklist was posted: keep what was typed, then
        # attach the files chosen on that item.
        data = {k: v for k, v in request.POST.items() if k not in NOT_DATA}
        with contextlib.suppress(ValidationError):  # locked or changed meanwhile: attach only
            observation_draft_save(
                draft=draft, assessor=request.user, data=data, base_revision=draft.revision
            )
        files = [
            (kind, request.FILES.get(f"{kind}_{item}"))
            for kind in (AttachmentKind.PHOTO, AttachmentKind.AUDIO)
            if request.FILES.get(f"{kind}_{item}")
        ] or [(AttachmentKind.PHOTO, None)]
    added = []
    try:
        for kind, uploaded in files:
            added.append(
                observation_attachment_add(
                    draft=draft, assessor=request.user, item_key=item, kind=kind, uploaded=uploaded
                )
            )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{back}#item-{item}")
    except PermissionDenied:
        raise Http404 from None
    if _wants_json(request):
        return JsonResponse({"ok": True, "attachment": attachment_json(added[0])})
    messages.success(request, _("Attached to the item."))
    return redirect(f"{back}#item-{item}")


@require_POST
@decider_required
def observation_attachment_remove_view(request, attachment_id: int):
    attachment = get_object_or_404(
        ObservationAttachment.objects.select_related("draft"),
        pk=attachment_id,
        draft__in=ObservationDraft.objects.filter(
            assessor=request.user, trainee__in=trainees_assessable_by(request.user).values("pk")
        ),
    )
    back = reverse("assessments:observation", args=[attachment.draft_id])
    item = attachment.item_key
    try:
        observation_attachment_remove(attachment=attachment, assessor=request.user)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    messages.success(request, _("The attachment was removed."))
    return redirect(f"{back}#item-{item}")


def _serve(file_name: str, original_name: str, content_type: str):
    try:
        handle = storages["private"].open(file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    # Photos and audio play in the page (inline); the type is the one checked on upload.
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=original_name or "attachment",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@never_cache
@decider_required
def observation_attachment_file(request, attachment_id: int):
    """An open draft's attachment: only its assessor (drafts are theirs alone)."""
    attachment = get_object_or_404(
        ObservationAttachment,
        pk=attachment_id,
        draft__in=ObservationDraft.objects.filter(
            assessor=request.user, trainee__in=trainees_assessable_by(request.user).values("pk")
        ),
    )
    return _serve(attachment.file_name, attachment.original_name, attachment.content_type)


@never_cache
def evidence_attachment_file(request, evidence_id: int, attachment_id: int):
    """The rule of `evidence_file`: the trainee themself, assessors (in scope or reviewing
    an appeal) and admins; trainers see progress, not files."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    records = evidence_visible_to(request.user)
    if not roles.is_assessor(request.user):
        records = records.filter(trainee=request.user)
    record = get_object_or_404(records, pk=evidence_id)
    attachment = get_object_or_404(EvidenceAttachment, pk=attachment_id, evidence=record)
    return _serve(attachment.file_name, attachment.original_name, attachment.content_type)


@lru_cache(maxsize=4)
def _worker_source(static_prefix: str) -> tuple[str, str]:
    path = finders.find("js/assessor_sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        body = handle.read()
    version = hashlib.sha256((static_prefix + body).encode()).hexdigest()[:12]
    head = f'self.LA_SW = {{ version: "{version}", staticPrefix: "{static_prefix}" }};\n'
    return head + body, version


@require_GET
def service_worker(request):
    """The offline worker for the assessor area: its scope is this URL's folder
    (/assess/ or /en/assess/)."""
    body, _version = _worker_source(static(""))
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response
