"""Photos and short audio clips on the items of an observation draft, and the submit that
carries them to the evidence.

The checks read the content, never the name: a photo must open in Pillow as JPEG, PNG or
WebP and is stored re-encoded without its EXIF block (no GPS position, no camera serial),
turned upright first; an audio clip must start with the magic bytes of M4A/MP4, MP3, WebM,
Ogg or WAV. Photos up to 10 MB, audio up to 5 MB and, where the container says how long it
is (WAV, M4A), two minutes."""

import hashlib
import io
import struct
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments.models.attachments import (
    AttachmentKind,
    EvidenceAttachment,
    ObservationAttachment,
)
from assessments.models.evidence import EvidenceRecord, ObservationDraft
from assessments.selectors.checklist import observation_checklist
from assessments.services.evidence import ItemJudgement, observation_submit
from core.audit import audit_record
from people.models import User

PHOTO_MAX_BYTES = 10 * 1024 * 1024
AUDIO_MAX_BYTES = 5 * 1024 * 1024
AUDIO_MAX_SECONDS = 120
PHOTO_MAX_PIXELS = 50_000_000  # decoded size: refuse decompression bombs
PHOTO_MAX_SIDE = 2560  # stored at most this wide or high
MAX_PER_ITEM = 5
MAX_PER_DRAFT = 40

MP4_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso5", b"iso6", b"dash"}


@dataclass(frozen=True)
class CheckedAttachment:
    kind: str
    content: bytes
    content_type: str
    extension: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _read(uploaded, limit: int) -> bytes:
    too_large = ValidationError(
        _("The file is too large (limit %(limit)s).") % {"limit": filesizeformat(limit)},
        code="size",
    )
    if uploaded.size is not None and uploaded.size > limit:
        raise too_large
    content = b"".join(uploaded.chunks())
    if len(content) > limit:
        raise too_large
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    return content


def _name(uploaded) -> str:
    return (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def check_photo(uploaded) -> CheckedAttachment:
    """Open the photo, turn it upright, shrink it to PHOTO_MAX_SIDE and store it again
    without metadata (EXIF, GPS, XMP, comments)."""
    content = _read(uploaded, PHOTO_MAX_BYTES)
    not_a_photo = ValidationError(
        _("This file is not a photo we can read. Take a JPEG, PNG or WebP photo."),
        code="content",
    )
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP"):
                raise not_a_photo
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="pixels")
            image = ImageOps.exif_transpose(probe)
            image.load()
            source_format = probe.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_photo from None
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    image.info = {}  # nothing of the original's metadata is written back
    out = io.BytesIO()
    if source_format == "PNG":
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return CheckedAttachment(
        AttachmentKind.PHOTO, out.getvalue(), content_type, extension, _name(uploaded)
    )


def _wav_seconds(content: bytes) -> float | None:
    offset, byte_rate = 12, None
    while offset + 8 <= len(content):
        chunk, size = (
            content[offset : offset + 4],
            struct.unpack("<I", content[offset + 4 : offset + 8])[0],
        )
        if chunk == b"fmt " and size >= 16:
            byte_rate = struct.unpack("<I", content[offset + 16 : offset + 20])[0]
        elif chunk == b"data":
            return size / byte_rate if byte_rate else None
        offset += 8 + size + (size % 2)
    return None


def _mp4_seconds(content: bytes) -> float | None:
    at = content.find(b"mvhd")
    if at < 4 or at + 28 > len(content):
        return None
    version = content[at + 4]
    if version == 1:
        if at + 40 > len(content):
            return None
        timescale, duration = struct.unpack(">IQ", content[at + 24 : at + 36])
    else:
        timescale, duration = struct.unpack(">II", content[at + 16 : at + 24])
    return duration / timescale if timescale else None


def audio_type(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the magic bytes, or None."""
    if content[4:8] == b"ftyp" and content[8:12] in MP4_BRANDS:
        return "audio/mp4", "m4a"
    if content.startswith(b"ID3") or (
        len(content) > 1 and content[0] == 0xFF and content[1] & 0xE0 == 0xE0
    ):
        return "audio/mpeg", "mp3"
    if content.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in content[:64]:
        return "audio/webm", "webm"
    if content.startswith(b"OggS"):
        return "audio/ogg", "ogg"
    if content.startswith(b"RIFF") and content[8:12] == b"WAVE":
        return "audio/wav", "wav"
    return None


def check_audio(uploaded) -> CheckedAttachment:
    content = _read(uploaded, AUDIO_MAX_BYTES)
    found = audio_type(content)
    if found is None:
        raise ValidationError(
            _("This file is not an audio clip we accept (M4A, MP3, WebM, Ogg or WAV)."),
            code="content",
        )
    content_type, extension = found
    seconds = (
        _wav_seconds(content)
        if extension == "wav"
        else _mp4_seconds(content)
        if extension == "m4a"
        else None
    )
    if seconds is not None and seconds > AUDIO_MAX_SECONDS:
        raise ValidationError(
            _("The audio clip is longer than %(minutes)s minutes.")
            % {"minutes": AUDIO_MAX_SECONDS // 60},
            code="duration",
        )
    return CheckedAttachment(
        AttachmentKind.AUDIO, content, content_type, extension, _name(uploaded)
    )


CHECKS = {AttachmentKind.PHOTO: check_photo, AttachmentKind.AUDIO: check_audio}


def _checklist_labels(draft: ObservationDraft) -> dict[str, str]:
    instrument = draft.instrument if draft.instrument_id else None
    return {
        e.key: e.label
        for e in observation_checklist(draft.unit, draft.kind, draft.context, instrument)
    }


def _open_draft_of(draft: ObservationDraft, assessor: User) -> ObservationDraft:
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(
            _("This observation has been submitted and is locked."), code="locked"
        )
    return draft


@transaction.atomic
def observation_attachment_add(
    *, draft: ObservationDraft, assessor: User, item_key: str, kind: str, uploaded
) -> ObservationAttachment:
    """Check the file by its content and store it (private storage) on one checklist item."""
    draft = _open_draft_of(draft, assessor)
    if kind not in CHECKS:
        raise ValidationError(_("Attach a photo or an audio clip."), code="kind")
    if item_key not in _checklist_labels(draft):
        raise ValidationError(
            _("This item is not on the checklist of this observation."), code="item"
        )
    if uploaded is None:
        raise ValidationError(_("Choose a file to attach."), code="empty")
    if draft.attachments.filter(item_key=item_key).count() >= MAX_PER_ITEM:
        raise ValidationError(
            _("An item can have at most %(n)s attachments.") % {"n": MAX_PER_ITEM}, code="count"
        )
    if draft.attachments.count() >= MAX_PER_DRAFT:
        raise ValidationError(
            _("An observation can have at most %(n)s attachments.") % {"n": MAX_PER_DRAFT},
            code="count",
        )
    checked = CHECKS[kind](uploaded)
    storage = storages["private"]
    name = storage.save(
        f"observations/{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.content)
    )
    # The file is written before its row: if the insert fails, remove the file again.
    try:
        return ObservationAttachment.objects.create(
            draft=draft,
            item_key=item_key,
            kind=checked.kind,
            file_name=name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            uploaded_by=assessor,
        )
    except Exception:
        storage.delete(name)
        raise


@transaction.atomic
def observation_attachment_remove(*, attachment: ObservationAttachment, assessor: User) -> None:
    """Remove an attachment of an open draft (its file once the transaction commits)."""
    _open_draft_of(attachment.draft, assessor)
    name = attachment.file_name
    attachment.delete()
    storage = storages["private"]
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def observation_submit_confirmed(
    *,
    draft: ObservationDraft,
    assessor: User,
    confirmed: bool,
    occurred_on: date,
    place: str,
    environment: str,
    summary: str,
    items: list[ItemJudgement],
) -> EvidenceRecord:
    """Submit and lock, only once the assessor has confirmed that locking is final; the
    draft's attachments become append-only attachments of the evidence."""
    if not confirmed:
        raise ValidationError(
            _(
                "Confirm that you want to lock this observation: once submitted it cannot "
                "be changed, only corrected by a new record."
            ),
            code="confirm",
        )
    record = observation_submit(
        draft=draft,
        assessor=assessor,
        occurred_on=occurred_on,
        place=place,
        environment=environment,
        summary=summary,
        items=items,
    )
    attachments = list(ObservationAttachment.objects.filter(draft_id=draft.pk))
    if attachments:
        labels = _checklist_labels(draft)
        EvidenceAttachment.objects.bulk_create(
            EvidenceAttachment(
                evidence=record,
                label=labels.get(a.item_key, ""),
                item_key=a.item_key,
                kind=a.kind,
                file_name=a.file_name,
                original_name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                uploaded_by=a.uploaded_by,
            )
            for a in attachments
        )
        ObservationAttachment.objects.filter(draft_id=draft.pk).delete()
        audit_record(
            actor=assessor,
            action="evidence.attachments_recorded",
            obj=record,
            trainee=record.trainee,
            summary=f"{record.get_kind_display()} {record.occurred_on}",
            data={"attachments": [{"item": a.item_key, "sha256": a.sha256} for a in attachments]},
        )
    return record
