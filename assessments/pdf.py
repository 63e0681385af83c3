"""The one module that imports WeasyPrint.

HTML comes from Django templates (autoescaped). Resources are fetched by `SafeURLFetcher`:
`data:` URIs, and files under our own STATIC_URL / MEDIA_URL resolved on disk; no `file:`
URLs, no network hosts, no paths outside those roots."""

import base64
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in our templates resolve against this fake origin; nothing is ever fetched
# from it over the network, the fetcher maps its paths to local files.
BASE_URL = "https://certificate.invalid/"
_ORIGIN = "https://certificate.invalid"
MAX_RESOURCE_BYTES = 2 * 1024 * 1024


class ResourceRefused(ValueError):
    pass


class SafeURLFetcher(URLFetcher):
    def __init__(self):
        super().__init__(timeout=2, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._local_path(url)
        data = path.read_bytes()
        if len(data) > MAX_RESOURCE_BYTES:
            raise ResourceRefused(f"resource too large: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": content_type})

    @staticmethod
    def _local_path(url: str) -> Path:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != _ORIGIN:
            raise ResourceRefused(f"refused: {url}")
        path = unquote(parts.path)
        if ".." in path.split("/"):
            raise ResourceRefused(f"refused: {url}")
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            if found:
                return Path(found)
        elif path.startswith(settings.MEDIA_URL):
            root = Path(settings.MEDIA_ROOT).resolve()
            candidate = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        raise ResourceRefused(f"refused: {url}")


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread: the fonts are loaded once, not on every render
    (our templates use system fonts only, no @font-face)."""
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
    return document.write_pdf(font_config=_font_config())


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
