"""core.pdf, the one way to WeasyPrint: what its URL fetcher loads and refuses, one font
configuration per process, and no WeasyPrint import until something is printed."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from PIL import Image

from core import pdf
from core.pdf import BASE_URL, MAX_RESOURCE_BYTES, SafeURLFetcher, data_uri, html_to_pdf


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def test_media_files_are_served_with_their_type(media):
    (media / "images").mkdir()
    (media / "images" / "logo.png").write_bytes(PNG)
    response = SafeURLFetcher().fetch(BASE_URL + "media/images/logo.png")
    assert response.read() == PNG
    assert response.content_type == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "media/missing.png",  # no such file
        "media/",  # a folder, not a file
        "media/%2e%2e/secret.txt",  # traversal, percent-encoded
        "media/link/secret.txt",  # a link out of MEDIA_ROOT
        "static/css/no-such.css",  # not found by the staticfiles finders
        "private/secret.txt",  # neither STATIC_URL nor MEDIA_URL
    ],
)
def test_paths_outside_our_files_are_refused(media, path):
    outside = media.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP-SECRET")
    (media / "link").symlink_to(outside)
    with pytest.raises(pdf.ResourceRefused):
        SafeURLFetcher().fetch(BASE_URL + path)


def test_large_files_are_refused(media):
    (media / "huge.png").write_bytes(PNG + b"\0" * MAX_RESOURCE_BYTES)
    with pytest.raises(pdf.ResourceRefused, match="too large"):
        SafeURLFetcher().fetch(BASE_URL + "media/huge.png")


def test_data_uris_round_trip():
    assert SafeURLFetcher().fetch(data_uri(PNG, "image/png")).read() == PNG


def test_one_font_configuration_for_every_render():
    first = html_to_pdf("<p>一</p>")
    font_config = pdf._font_configuration()
    second = html_to_pdf("<p>二</p>")
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert pdf._font_configuration() is font_config
    assert pdf._font_configuration.cache_info().currsize == 1


def test_relative_urls_resolve_against_base_url_to_our_files(media):
    (media / "dot.png").write_bytes(PNG)
    with_image = html_to_pdf(f'<img src="{settings.MEDIA_URL}dot.png">')
    without = html_to_pdf('<img src="/media/absent.png">')
    assert with_image.count(b"/Subtype /Image") == 1
    assert b"/Subtype /Image" not in without


def test_nothing_on_the_request_path_imports_weasyprint():
    """Importing WeasyPrint costs about a second and logs its stylesheet parsing: no
    process pays that at start-up, only the first render does."""
    code = (
        "import sys, django; django.setup(); "
        "import config.urls, core.pdf, assessments.pdf, content.mapping_pdf, "
        "assessments.services.certificates; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == "False", result.stderr
    assert "Fetching and parsing CSS" not in result.stderr
