"""Demo data for certificates (idempotent): the signing key, the design setting (classic layout,
a logo and a seal drawn here with Pillow, the academy's signatory), and a certificate for every
current Competent decision that has none yet. Run after the decisions demo loader."""

import io
import math

from django.core.files.images import ImageFile
from django.db.models import Exists, OuterRef
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from assessments.models.certificates import Certificate, CertificateDesign
from assessments.models.decisions import Decision
from assessments.services.certificates import AlreadyIssued, CertificateError, certificate_issue
from assessments.services.signing_keys import certificate_signing_key_create

LOGO_TITLE = "顧客忠誠度學院標誌 (demo)"
SEAL_TITLE = "顧客忠誠度學院印章 (demo)"


def _png(image: PILImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def logo_png() -> bytes:
    """A badge: a green disc with a white ring and a star (no text, so no font is needed)."""
    size = 240
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill="#0b5d4b")
    draw.ellipse((28, 28, size - 28, size - 28), outline="#ffffff", width=10)
    centre, outer, inner = size / 2, 62, 26
    points = [
        (
            centre + (outer if i % 2 == 0 else inner) * math.sin(math.pi * i / 5),
            centre - (outer if i % 2 == 0 else inner) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill="#b4581b")
    return _png(image)


def seal_png() -> bytes:
    """A red round seal with a transparent background: two rings and a square mark."""
    size = 300
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (178, 34, 34, 235)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=16)
    draw.ellipse((46, 46, size - 46, size - 46), outline=red, width=5)
    draw.rectangle((100, 100, size - 100, size - 100), outline=red, width=12)
    draw.line((100, size / 2, size - 100, size / 2), fill=red, width=10)
    draw.line((size / 2, 100, size / 2, size - 100), fill=red, width=10)
    return _png(image)


def _image(title: str, content: bytes, name: str):
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    image = image_model(title=title, file=ImageFile(io.BytesIO(content), name=name))
    # As Wagtail's upload form does: size and hash, which its rendition cache keys include.
    image._set_image_file_metadata()
    image.save()
    return image


def design_load() -> CertificateDesign:
    design = CertificateDesign.load()
    changed = []
    if not design.footer_text_zh:
        design.footer_text_zh = "台北市信義區示範路 1 號"
        design.footer_text_en = "1 Demo Road, Xinyi District, Taipei"
        changed += ["footer_text_zh", "footer_text_en"]
    if design.logo_id is None:
        design.logo = _image(LOGO_TITLE, logo_png(), "demo-logo.png")
        changed.append("logo")
    if design.seal_id is None:
        design.seal = _image(SEAL_TITLE, seal_png(), "demo-seal.png")
        changed.append("seal")
    if not design.signatory_name:
        design.signatory_name = "周明德"
        design.signatory_title = "學院院長 Director"
        changed += ["signatory_name", "signatory_title"]
    if changed:
        design.save(update_fields=changed)
    return design


def load() -> None:
    certificate_signing_key_create()
    design_load()
    pending = (
        Decision.objects.filter(outcome=Decision.Outcome.COMPETENT)
        .exclude(Exists(Certificate.objects.filter(decision=OuterRef("pk"))))
        .exclude(Exists(Decision.objects.filter(corrects=OuterRef("pk"))))
    )
    for decision in pending:
        try:
            certificate_issue(decision=decision, issued_by=None)
        except (AlreadyIssued, CertificateError):
            continue
