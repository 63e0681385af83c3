"""Printing certificates and audit packs: print templates and their context, rendered to PDF by
`core.pdf` (the one module that imports WeasyPrint; every PDF is tagged).

The certificate template picks its layout (`CertificateDesign.layout`; classic when the
context names none) and prints the seal and the organisation's signatory:
`certificate_design_context` gives those keys of the print context
(`assessments.selectors.certificates.print_context`), read from the design when the
certificate is printed, that is once, when it is issued (the PDF is stored with its hash and
never printed again). `sample=True` prints the diagonal 「樣本 SAMPLE」 watermark of the preview.
Nothing here reads the database: the design is passed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from core.pdf import html_to_pdf

if TYPE_CHECKING:
    from assessments.models.certificates import CertificateDesign

CERTIFICATE_TEMPLATE = "assessments/pdf/certificate.html"
AUDIT_PACK_TEMPLATE = "assessments/pdf/audit_pack.html"


def certificate_design_context(design: CertificateDesign) -> dict:
    """The layout, the seal and the signatory of `design`, as the print templates use them."""
    from assessments.models.certificates import CertificateLayout
    from assessments.selectors.certificates import _image_data_uri, _truncate

    layout = design.layout if design.layout in CertificateLayout.values else "classic"
    return {
        "layout": layout,
        "seal_uri": _image_data_uri(design.seal, "max-300x300") if design.seal_id else "",
        "signatory_name": _truncate(design.signatory_name, 40),
        "signatory_title": _truncate(design.signatory_title, 60),
        "sample": False,
    }


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
