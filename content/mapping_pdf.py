"""The printable mapping matrix for auditors: its template and context, rendered to PDF by
`core.pdf` (fonts come from the system: Noto Sans CJK, embedded as a subset)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from content.mapping_exports import matrix_title
from content.selectors.mapping import MappingMatrix
from core.pdf import html_to_pdf


def matrix_pdf(matrix: MappingMatrix) -> bytes:
    html = render_to_string(
        "content/framework/mapping_pdf.html",
        {"matrix": matrix, "title": matrix_title(matrix), "generated_at": timezone.now()},
    )
    return html_to_pdf(html)
