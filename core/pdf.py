"""The one entry point to WeasyPrint: `html_to_pdf` turns HTML (from autoescaped Django
templates) into PDF bytes, for certificates and the auditors' mapping matrix alike.

- Resources are fetched by `SafeURLFetcher`: `data:` URIs, and files under our own
  STATIC_URL / MEDIA_URL resolved on disk; no `file:` URLs, no network hosts, no paths
  outside those roots.
- Fonts: one `FontConfiguration` per process, made on the first render, so the system fonts
  are loaded once (our templates use system fonts only, no @font-face).
- Accessible: every PDF is tagged (structure tree, reading order, alt text), with the
  document language from `<html lang>` and the title from `<title>` shown in the viewer's
  title bar. Tagging, not a PDF/UA claim: `pdfinfo` says "Tagged: yes".
- WeasyPrint is imported on the first render (or the first `SafeURLFetcher()`), never when
  this module or a name from it is imported: importing it takes about a second and logs the
  parsing of its own stylesheets, which every process would otherwise pay at start-up
  (tests/tooling/test_import_time.py).
"""

import base64
import mimetypes
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Relative URLs in our templates resolve against this fake origin; nothing is ever fetched
# from it over the network, the fetcher maps its paths to local files.
BASE_URL = "https://certificate.invalid/"
_ORIGIN = "https://certificate.invalid"
MAX_RESOURCE_BYTES = 2 * 1024 * 1024

# A FontConfiguration wraps a fontconfig/Pango font map, which must not be used by two
# threads at once: renders take turns (production workers have one thread each).
_render_lock = threading.Lock()


class ResourceRefused(ValueError):
    pass


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def local_resource_path(url: str) -> Path:
    """The file on disk that `url` (under BASE_URL) names: a static file found by the
    staticfiles finders, or a file under MEDIA_ROOT. Anything else is refused."""
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


class SafeURLFetcher:
    """`data:` URIs, and our own static and media files (see `local_resource_path`).

    WeasyPrint wants its fetchers to subclass its `URLFetcher`; importing that class imports
    WeasyPrint, so the real subclass (this class and `URLFetcher`) is made when the first
    fetcher is made: `SafeURLFetcher()` returns an instance of it, and importing this name
    (`from core.pdf import SafeURLFetcher`, as tests do) imports nothing heavy."""

    def __new__(cls, *args, **kwargs):
        if cls is SafeURLFetcher:
            cls = _safe_url_fetcher_class()
        return super().__new__(cls)

    def __init__(self):
        super().__init__(timeout=2, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        from weasyprint.urls import URLFetcherResponse

        path = local_resource_path(url)
        data = path.read_bytes()
        if len(data) > MAX_RESOURCE_BYTES:
            raise ResourceRefused(f"resource too large: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": content_type})


@cache
def _safe_url_fetcher_class() -> type:
    """`SafeURLFetcher` joined to WeasyPrint's `URLFetcher` (importing WeasyPrint), once."""
    from weasyprint.urls import URLFetcher

    return type("SafeURLFetcher", (SafeURLFetcher, URLFetcher), {"__module__": __name__})


@cache
def _font_configuration():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str, *, base_url: str = BASE_URL, tagged: bool = True) -> bytes:
    """Render `html` to PDF. Relative URLs resolve against `base_url`; only what
    `SafeURLFetcher` allows is loaded. `tagged`: a tagged (accessible) PDF, the default."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=SafeURLFetcher())
    with _render_lock:
        return document.write_pdf(font_config=_font_configuration(), pdf_tags=tagged)
