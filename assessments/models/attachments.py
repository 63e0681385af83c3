"""Photos and short audio clips attached to one item of an observation checklist. While the
draft is open an attachment can be removed (`ObservationAttachment`); submitting the draft
carries each one to the evidence record as an append-only `EvidenceAttachment` pointing at
the same stored file. Files live in the private storage and are served by permission-checked
views only; photos are stored re-encoded, without EXIF (no GPS position)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel

from .evidence import EvidenceRecord, ObservationDraft


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio clip")


class _AttachmentFile(models.Model):
    item_key = models.CharField(max_length=40)  # the checklist row: "o<item pk>" or "c<pk>"
    kind = models.CharField(_("kind of attachment"), max_length=10, choices=AttachmentKind.choices)
    file_name = models.CharField(max_length=200)  # in the private storage
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name or self.pk}"


class ObservationAttachment(_AttachmentFile):
    """An attachment of an open draft (removable until the draft is submitted)."""

    draft = models.ForeignKey(
        ObservationDraft, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(_AttachmentFile.Meta):
        pass


class EvidenceAttachment(AppendOnlyModel, _AttachmentFile):
    """An attachment of submitted evidence: written once, with the line's label as it was."""

    evidence = models.ForeignKey(
        EvidenceRecord, on_delete=models.PROTECT, related_name="attachments"
    )
    label = models.TextField(_("item"), blank=True)

    class Meta(_AttachmentFile.Meta):
        pass
