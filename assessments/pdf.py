"""Printing certificates: a print template and its context, rendered to PDF by `core.pdf`
(the one module that imports WeasyPrint)."""

from django.template.loader import render_to_string

from core.pdf import html_to_pdf

CERTIFICATE_TEMPLATE = "assessments/pdf/certificate.html"


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
