"""Workplace and role-play observations, filled on a phone: the assessor first chooses where
the observation takes place (a role play is always in the role-play context), then judges
the behaviours observable there, grouped under their indicator. "New observation" resumes the
assessor's open draft of the same context and script. The draft autosaves (static JS posting
here, queued on the phone while offline; a save made on an older revision is refused with
409 and both versions are shown), photos and audio clips attach to items
(`observation_attachments`), and submitting, once confirmed, turns it into locked evidence.
A service worker (`/assess/sw.js`) keeps the checklist usable without a connection."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms.evidence import ObservationHeaderForm
from assessments.forms.results import ItemResultsForm, posted_unknown_keys
from assessments.models.evidence import EvidenceKind, ItemResult, ObservationDraft
from assessments.selectors.checklist import ChecklistEntry, observation_checklist
from assessments.selectors.scope import (
    assessment_context,
    trainee_for_assessor_or_404,
    trainees_assessable_by,
)
from assessments.services.evidence import ItemJudgement, observation_draft_autosave
from assessments.services.observation_attachments import (
    AUDIO_MAX_BYTES,
    PHOTO_MAX_BYTES,
    observation_submit_confirmed,
)
from assessments.services.observation_drafts import (
    DraftConflict,
    observation_draft_discard,
    observation_draft_resume_or_start,
    observation_draft_save,
)
from content.models.instruments import InstrumentKind
from content.models.observation import ObservationContext
from content.selectors.instruments import live_instruments, validation_states
from core.numbers import MAX_INT, bounded_int
from core.views import run_service
from people.permissions import decider_required


def _draft_or_404(user, draft_id: int) -> ObservationDraft:
    return get_object_or_404(
        ObservationDraft.objects.select_related("trainee__profile", "unit", "instrument").filter(
            assessor=user, trainee__in=trainees_assessable_by(user).values("pk")
        ),
        pk=draft_id,
    )


@require_POST
@decider_required
def observation_start(request, trainee_id: int, kind: str):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    if kind not in (EvidenceKind.OBSERVATION, EvidenceKind.ROLE_PLAY):
        raise Http404
    unit, _course = assessment_context(trainee)
    if unit is None:
        raise Http404
    context = request.POST.get("context", "")
    if kind == EvidenceKind.OBSERVATION and context not in dict(ObservationContext.workplace()):
        # Not chosen yet: ask where the observation takes place (nothing is written).
        return render(
            request,
            "assessments/workspace/observation_context.html",
            {
                "trainee": trainee,
                "kind": kind,
                "contexts": ObservationContext.workplace(),
                "chosen": context,
            },
        )
    instrument = None
    if kind == EvidenceKind.ROLE_PLAY:
        scripts = list(live_instruments(unit_id=unit.pk, kind=InstrumentKind.ROLE_PLAY))
        chosen = request.POST.get("instrument", "")
        if scripts and chosen not in {"none", *(str(s.pk) for s in scripts)}:
            # Not chosen yet: which script the role play follows (nothing is written).
            states = validation_states(scripts)
            return render(
                request,
                "assessments/workspace/role_play_script.html",
                {
                    "trainee": trainee,
                    "kind": kind,
                    "scripts": [(s, states[s.pk]) for s in scripts],
                },
            )
        instrument = next((s for s in scripts if str(s.pk) == chosen), None)
    try:
        draft, resumed = observation_draft_resume_or_start(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            kind=kind,
            context=context,
            instrument=instrument,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:trainee", trainee_id=trainee.pk)
    if resumed:
        messages.info(
            request,
            _("You already had an open draft of this observation: it is open again below."),
        )
    return redirect("assessments:observation", draft_id=draft.pk)


@never_cache
@decider_required
def observation_edit(request, draft_id: int):
    draft = _draft_or_404(request.user, draft_id)
    if draft.locked:
        messages.info(request, _("This observation has been submitted and is locked."))
        return redirect("assessments:evidence", evidence_id=draft.evidence_id)
    instrument = draft.instrument if draft.instrument_id else None
    checklist = observation_checklist(draft.unit, draft.kind, draft.context, instrument)
    keys = [entry.key for entry in checklist]
    if request.method == "POST":
        form = ObservationHeaderForm(request.POST)
        posted = [
            ChecklistEntry.posted(key) for key in posted_unknown_keys(request.POST, set(keys))
        ]
        results = ItemResultsForm(request.POST, keys=keys + [e.key for e in posted])
        record = run_service(
            form,
            lambda data: observation_submit_confirmed(
                draft=draft,
                assessor=request.user,
                confirmed=request.POST.get("confirm_lock") == "1",
                items=[
                    ItemJudgement(e, results.result(e.key), results.comment(e.key))
                    for e in checklist + posted
                ],
                **data,
            ),
        )
        if record is not None:
            messages.success(request, _("Observation submitted. It is now locked."))
            return redirect(
                f"{reverse('assessments:evidence', args=[record.pk])}?submitted={draft.pk}"
            )
    else:
        saved = draft.data or {}  # the autosaved draft: header and rows as typed
        initial = {
            k: saved.get(k)
            for k in ("occurred_on", "place", "environment", "summary")
            if saved.get(k)
        }
        initial.setdefault("occurred_on", timezone.localdate())
        form = ObservationHeaderForm(initial=initial)
        results = ItemResultsForm(keys=keys, initial=saved)
    attachments: dict[str, list] = {}
    for attachment in draft.attachments.all():
        attachments.setdefault(attachment.item_key, []).append(attachment)
    rows = [
        {"entry": e, "attachments": attachments.get(e.key, []), **results.shown(e.key)}
        for e in checklist
    ]
    return render(
        request,
        "assessments/workspace/observation.html",
        {
            "draft": draft,
            "form": form,
            "rows": rows,
            "results": ItemResult.choices,
            "role_play": draft.kind == EvidenceKind.ROLE_PLAY,
            "instrument": instrument,
            "validation": validation_states([instrument])[instrument.pk] if instrument else None,
            "photo_max": PHOTO_MAX_BYTES,
            "audio_max": AUDIO_MAX_BYTES,
            "confirm_checked": request.method == "POST" and request.POST.get("confirm_lock") == "1",
        },
    )


@require_POST
@decider_required
def observation_autosave(request, draft_id: int):
    draft = _draft_or_404(request.user, draft_id)
    try:
        payload = json.loads(request.body or b"{}")
        data = payload.get("data") or {}
        # ObservationDraft.revision is a PositiveIntegerField: refuse what it cannot hold.
        revision = bounded_int(payload.get("revision", 0), maximum=MAX_INT)
        base = payload.get("base")
        if base is not None:
            base = bounded_int(base, maximum=MAX_INT)
        if not isinstance(data, dict) or revision is None or ("base" in payload and base is None):
            raise ValueError
    except (ValueError, TypeError, AttributeError, RecursionError):
        # RecursionError: JSON nested too deeply for the parser.
        return JsonResponse({"ok": False, "error": _("The draft could not be read.")}, status=400)
    if base is not None:
        # The phone's protocol: the save names the revision it was made on.
        return _save_on_base(request, draft, data, base)
    try:
        draft = observation_draft_autosave(
            draft=draft, assessor=request.user, data=data, revision=revision
        )
    except ValidationError as exc:
        return JsonResponse(
            {"ok": False, "error": " ".join(exc.messages), "code": exc.code}, status=409
        )
    except PermissionDenied:
        raise Http404 from None
    return JsonResponse({"ok": True, "revision": draft.revision})


def _save_on_base(request, draft: ObservationDraft, data: dict, base: int) -> JsonResponse:
    try:
        draft = observation_draft_save(
            draft=draft, assessor=request.user, data=data, base_revision=base
        )
    except DraftConflict as conflict:
        server = conflict.draft
        return JsonResponse(
            {
                "ok": False,
                "code": "stale",
                "error": " ".join(conflict.messages),
                "revision": server.revision,
                "data": server.data or {},
                "saved_at": timezone.localtime(server.updated_at).strftime("%Y-%m-%d %H:%M"),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse(
            {"ok": False, "error": " ".join(exc.messages), "code": exc.code}, status=409
        )
    except PermissionDenied:
        raise Http404 from None
    return JsonResponse({"ok": True, "revision": draft.revision})


@require_POST
@decider_required
def observation_discard(request, draft_id: int):
    """Discard an open draft: the first POST asks to confirm (nothing is deleted), the
    second, with confirm=1, deletes it with its attachments."""
    draft = _draft_or_404(request.user, draft_id)
    if draft.locked:
        messages.info(request, _("This observation has been submitted and is locked."))
        return redirect("assessments:evidence", evidence_id=draft.evidence_id)
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "assessments/workspace/observation_discard.html",
            {"draft": draft, "attachment_count": draft.attachments.count()},
        )
    trainee_id = draft.trainee_id
    try:
        observation_draft_discard(draft=draft, assessor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The draft was discarded."))
    return redirect("assessments:trainee", trainee_id=trainee_id)
