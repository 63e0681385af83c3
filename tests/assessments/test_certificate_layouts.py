"""Certificate layouts (classic landscape, modern portrait), the seal and the signatory, the
validity date, the tagged PDF, and the admin's preview: watermarked, stored nowhere, never
verifiable. An issued certificate keeps the design it was issued with."""

import hashlib
import io
import re
import subprocess

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images import get_image_model

from assessments import pdf
from assessments.models.certificates import Certificate, CertificateDesign, CertificateLayout
from assessments.selectors.certificates import sample_print_context
from assessments.services import certificates as services
from tests.factories.certificates import make_course, make_decision, make_unit

LAYOUT_SIZES = {
    CertificateLayout.CLASSIC: r"841\.89 x 595\.2\d* pts",  # A4 landscape
    CertificateLayout.MODERN: r"595\.2\d* x 841\.89 pts",  # A4 portrait
}


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True).stdout.decode()


def _write(tmp_path, content: bytes, name: str = "c.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _pdf_objects(content: bytes) -> bytes:
    """The PDF's objects, with its compressed streams (object streams too) inflated."""
    import zlib

    out = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def _render(design: CertificateDesign, **overrides) -> bytes:
    context = {**sample_print_context(design), **pdf.certificate_design_context(design)}
    context.update(overrides)
    return pdf.render_pdf(pdf.CERTIFICATE_TEMPLATE, context)


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGBA", (60, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("layout", CertificateLayout.values)
def test_each_layout_prints_one_tagged_page_with_cjk_fonts_embedded(tmp_path, layout):
    content = _render(CertificateDesign(layout=layout), holder_name="陳大文")
    assert b"/Lang (zh-Hant)" in _pdf_objects(content)
    path = _write(tmp_path, content)
    info = _run("pdfinfo", path)
    assert re.search(r"Pages:\s+1\n", info)
    assert re.search(r"Page size:\s+" + LAYOUT_SIZES[layout], info), info
    assert re.search(r"Tagged:\s+yes", info), info
    assert re.search(r"Title:\s+職能評量結果證書 LA-2026-000123", info), info
    fonts = _run("pdffonts", path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all("Noto-Sans-CJK-TC" in line and " yes yes yes " in line for line in cjk)
    text = _run("pdftotext", "-layout", path, "-")
    for expected in ("陳大文", "KPS5R0821v2", "LA-2026-000123", "查看客戶響應忠誠度方案"):
        assert expected in text
    raw = "".join(_run("pdftotext", "-raw", path, "-").split())
    assert "樣本" not in raw and "SAMPLE" not in raw.replace("SAMPLE-not-a-real-code", "")


@pytest.mark.parametrize("layout", CertificateLayout.values)
def test_validity_date_printed_only_when_set(tmp_path, layout):
    import datetime

    design = CertificateDesign(layout=layout)
    with_expiry = _run(
        "pdftotext",
        _write(tmp_path, _render(design, expires_on=datetime.date(2028, 11, 20)), "a.pdf"),
        "-",
    )
    assert "有效期限" in with_expiry and "Valid until" in with_expiry
    assert "2028-11-20" in with_expiry
    without = _run("pdftotext", _write(tmp_path, _render(design, expires_on=None), "b.pdf"), "-")
    assert "有效期限" not in without and "Valid until" not in without


@pytest.mark.parametrize("layout", CertificateLayout.values)
def test_longest_inputs_stay_on_one_page_in_each_layout(tmp_path, layout):
    design = CertificateDesign(
        layout=layout,
        organisation_name_zh="機" * 40,
        organisation_name_en="O" * 80,
        footer_text_zh="長" * 100,
        footer_text_en="L" * 160,
        signatory_name="簽" * 40,
        signatory_title="職" * 60,
    )
    import datetime

    from assessments.selectors.certificates import PrintTask

    content = _render(
        design,
        holder_name="陳" * 100,
        holder_size="s",
        tasks=[PrintTask(f"T{i}", "任" * 60) for i in range(6)],
        unit_title="職" * 80,
        expires_on=datetime.date(2028, 1, 1),
    )
    path = _write(tmp_path, content)
    assert re.search(r"Pages:\s+1\n", _run("pdfinfo", path))
    assert "LA-2026-000123" in _run("pdftotext", path, "-")


@pytest.fixture
def fresh_renditions():
    """Wagtail caches renditions by image id; ids come back after a test's rollback, with
    their files in an earlier test's media folder."""
    from django.core.cache import cache

    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("layout", CertificateLayout.values)
def test_seal_and_signatory_are_printed(tmp_path, layout, fresh_renditions):
    seal = get_image_model().objects.create(
        title="seal", file=ImageFile(io.BytesIO(_png("#b22222")), name="seal.png")
    )
    design = CertificateDesign(
        layout=layout, seal=seal, signatory_name="周明德", signatory_title="學院院長 Director"
    )
    content = _render(design)
    text = _run("pdftotext", _write(tmp_path, content), "-")
    assert "周明德" in text and "學院院長" in text
    assert content.count(b"/Subtype /Image") >= 1  # the seal (the QR code is vector)
    plain = _render(CertificateDesign(layout=layout))
    assert b"/Subtype /Image" not in plain
    assert "周明德" not in _run("pdftotext", _write(tmp_path, plain, "p.pdf"), "-")


# --- the admin's preview ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("layout", CertificateLayout.values)
def test_preview_is_watermarked_stored_nowhere_and_never_verifiable(
    client_as, tmp_path, settings, layout
):
    client, _ = client_as("admin")
    response = client.get(reverse("certificate_preview:preview"), {"layout": layout})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    path = _write(tmp_path, response.content)
    assert re.search(r"Page size:\s+" + LAYOUT_SIZES[layout], _run("pdfinfo", path))
    text = _run("pdftotext", path, "-")
    # The watermark is set diagonally: in content order, its characters follow each other.
    assert "樣本SAMPLE" in "".join(_run("pdftotext", "-raw", path, "-").split())
    assert "LA-SAMPLE" in text
    assert "有效期限" in text  # the preview shows where a validity date goes
    assert not re.search(r"LA-\d{4}-\d{6}", text)  # no number a certificate could have
    assert re.search(r"/verify/\s", text + " ")  # the verify page, with no code
    # Nothing stored: no certificate row, no file in the private storage.
    assert not Certificate.objects.exists()
    private = settings.PRIVATE_MEDIA_ROOT
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))
    # What it prints finds nothing on the verify page.
    found = client.get(reverse("verify:index"), {"number": "LA-SAMPLE", "name": "陳大文"})
    assert found.status_code == 404
    assert 'data-state="valid"' not in found.content.decode()


@pytest.mark.django_db
def test_preview_follows_the_saved_layout_and_ignores_unknown_ones(client_as, tmp_path):
    design = CertificateDesign.load()
    design.layout = CertificateLayout.MODERN
    design.save()
    client, _ = client_as("admin")
    for query in ({}, {"layout": "<script>"}):
        response = client.get(reverse("certificate_preview:preview"), query)
        assert response.status_code == 200
        info = _run("pdfinfo", _write(tmp_path, response.content))
        assert re.search(r"Page size:\s+" + LAYOUT_SIZES[CertificateLayout.MODERN], info)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer", "assessor"])
def test_preview_refused_to_everyone_but_admins(client_as, role):
    client, _ = client_as(role)
    response = client.get(reverse("certificate_preview:preview"), {"layout": "modern"})
    assert response.status_code != 200 or not response.content.startswith(b"%PDF")


# --- issued certificates -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_issued_certificate_keeps_its_design_and_hash(client_as, trainee, assessor, tmp_path):
    unit = make_unit()
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    stored = certificate.pdf.open("rb").read()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256

    design = CertificateDesign.load()
    design.layout = CertificateLayout.MODERN
    design.signatory_name = "周明德"
    design.save()

    client, _ = client_as("trainee")
    with translation.override("zh-hant"):
        url = reverse("assessments:certificate_download", args=[certificate.pk])
    response = client.get(url)
    assert response.status_code == 200
    served = b"".join(response.streaming_content) if response.streaming else response.content
    assert served == stored
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == hashlib.sha256(served).hexdigest()
    info = _run("pdfinfo", _write(tmp_path, served))
    assert re.search(r"Page size:\s+" + LAYOUT_SIZES[CertificateLayout.CLASSIC], info)
    assert re.search(r"Tagged:\s+yes", info)


@pytest.mark.django_db
def test_a_new_certificate_is_printed_in_the_chosen_layout_with_its_expiry(
    trainee, assessor, tmp_path
):
    design = CertificateDesign.load()
    design.layout = CertificateLayout.MODERN
    design.signatory_name = "周明德"
    design.save()
    unit = make_unit()
    course = make_course(unit, valid_months=24)
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit, course=course)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    path = _write(tmp_path, certificate.pdf.open("rb").read())
    info = _run("pdfinfo", path)
    assert re.search(r"Page size:\s+" + LAYOUT_SIZES[CertificateLayout.MODERN], info), info
    text = _run("pdftotext", path, "-")
    assert "周明德" in text
    assert "有效期限" in text and certificate.expires_on.isoformat() in text


@pytest.mark.django_db
def test_admin_chooses_the_layout_and_signatory_in_the_settings(client_as):
    client, _ = client_as("admin")
    with translation.override("zh-hant"):
        url = client.get(
            reverse("wagtailsettings:edit", args=["assessments", "certificatedesign"])
        )["Location"]
    page = client.get(url).content.decode()
    radios = re.findall(r'<input type="radio" name="layout" value="([^"]*)"', page)
    assert radios == ["classic", "modern"]  # no blank choice
    assert "現代：A4 直式" in page
    data = {
        "organisation_name_zh": "忠誠學院",
        "organisation_name_en": "Academy",
        "layout": "modern",
        "signatory_name": "周明德",
        "signatory_title": "學院院長",
        "primary_colour": "#1f3a5f",
        "accent_colour": "#123456",
        "reminder_days_before_expiry": "30",
        "signatures-TOTAL_FORMS": "0",
        "signatures-INITIAL_FORMS": "0",
        "signatures-MIN_NUM_FORMS": "0",
        "signatures-MAX_NUM_FORMS": "1000",
    }
    client.post(url, data)
    design = CertificateDesign.load()
    assert (design.layout, design.signatory_name) == ("modern", "周明德")
    client.post(url, {**data, "layout": "sideways"})  # not a layout: refused, nothing saved
    assert CertificateDesign.load().layout == "modern"
