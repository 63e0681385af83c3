"""The printable mapping matrix for auditors, rendered with WeasyPrint. HTML comes from an
autoescaped template; the only resources the renderer may load are `data:` URIs (fonts come
from the system: Noto Sans CJK, embedded as a subset)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from content.mapping_exports import matrix_title
from content.selectors.mapping import MappingMatrix


class DataOnlyURLFetcher(URLFetcher):
    """Refuses every URL except `data:` URIs (no files, no network)."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if not url.startswith("data:"):
            raise ValueError(f"refused: {url[:80]}")
        return super().fetch(url, headers)


def matrix_pdf(matrix: MappingMatrix) -> bytes:
    html = render_to_string(
        "content/framework/mapping_pdf.html",
        {"matrix": matrix, "title": matrix_title(matrix), "generated_at": timezone.now()},
    )
    return HTML(string=html, url_fetcher=DataOnlyURLFetcher()).write_pdf()
