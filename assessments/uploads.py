"""Upload checks for evidence files (pure logic, no database): an allowlist of types, a size
limit, and the content checked by its magic bytes against the type its name claims."""

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# extension -> (content type, checker name)
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
}
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    extension: str
    content_type: str
    sha256: str
    size: int
    original_name: str
    storage_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _zip_names(content: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def content_matches(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension in OOXML_PART:
        if not content.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(content)
        return (
            bool(names)
            and "[Content_Types].xml" in names
            and any(n.startswith(OOXML_PART[extension]) for n in names)
        )
    if extension == "odt":
        # ODF puts an uncompressed "mimetype" entry first, so its value sits at offset 38.
        return (
            content.startswith(b"PK\x03\x04")
            and content[30:38] == b"mimetype"
            and content[38:].startswith(ALLOWED["odt"].encode())
        )
    return False


def check_upload(uploaded) -> CheckedUpload:
    """Validate an UploadedFile; raise ValidationError with a translated message."""
    original = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("This type of file is not accepted. Allowed: PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT."),
            code="type",
        )
    limit = max_upload_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("The file is too large (limit %(limit)s).") % {"limit": filesizeformat(limit)},
            code="size",
        )
    content = b"".join(uploaded.chunks())
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large (limit %(limit)s).") % {"limit": filesizeformat(limit)},
            code="size",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if not content_matches(extension, content):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s).") % {"ext": extension},
            code="content",
        )
    return CheckedUpload(
        content=content,
        extension=extension,
        content_type=ALLOWED[extension],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        original_name=original[:200],
        storage_name=f"evidence/{uuid.uuid4().hex}.{extension}",
    )
