"""The printed certificate: fonts embedded, text present, page not blank, fast, small, safe."""

import re
import subprocess
import time
import unicodedata

import pytest
from PIL import Image

from assessments.models.certificates import CertificateDesign
from assessments.pdf import render_pdf
from assessments.selectors.certificates import sample_print_context
from core.pdf import BASE_URL, SafeURLFetcher

TEMPLATE = "assessments/pdf/certificate.html"


def _run(*args: str, stdin: bytes | None = None) -> str:
    return subprocess.run(args, input=stdin, capture_output=True, check=True).stdout.decode()


def _sample(**overrides) -> bytes:
    context = sample_print_context(CertificateDesign())
    context.update(overrides)
    return render_pdf(TEMPLATE, context)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> tuple[bytes, str]:
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    content = _sample(holder_name="陳大文")
    path.write_bytes(content)
    return content, str(path)


def test_cjk_font_is_embedded(sample_pdf):
    _, path = sample_pdf
    fonts = _run("pdffonts", path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    for line in cjk:
        assert "Noto-Sans-CJK-TC" in line
        assert " yes yes yes " in line  # emb sub uni


def test_text_layer_has_name_unit_number_and_disclaimer(sample_pdf):
    _, path = sample_pdf
    text = _run("pdftotext", "-layout", path, "-")
    assert "陳大文" in text
    assert "KPS5R0821v2" in text
    assert "LA-2026-000123" in text
    assert "T4" in text and "查看客戶響應忠誠度方案" in text
    assert "not a government certification" in text
    for banned in ("認證", "證明", "證照", "能力鑑定"):
        assert banned not in text


def test_page_is_a4_landscape_and_not_blank(sample_pdf, tmp_path):
    _, path = sample_pdf
    info = _run("pdfinfo", path)
    assert re.search(r"Pages:\s+1\n", info)
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d* pts", info)  # A4 landscape
    _run("pdftoppm", "-r", "30", "-png", "-singlefile", path, str(tmp_path / "page"))
    image = Image.open(tmp_path / "page.png").convert("L")
    histogram = image.histogram()  # 256 buckets of grey levels
    dark = sum(histogram[:200])
    assert dark / sum(histogram) > 0.02, "the rendered page is (nearly) blank"


def test_render_is_fast_and_small(sample_pdf):
    _sample()  # warm fonts
    started = time.perf_counter()
    content = _sample(holder_name="林小美")
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0
    assert len(content) < 200 * 1024, len(content)


@pytest.mark.parametrize(
    "name",
    ["𠮷野家", unicodedata.normalize("NFD", "José Chén"), "王小明😀"],
)
def test_unusual_names_render(name, tmp_path):
    path = tmp_path / "n.pdf"
    path.write_bytes(_sample(holder_name=unicodedata.normalize("NFC", name)))
    text = unicodedata.normalize("NFC", _run("pdftotext", str(path), "-"))
    assert unicodedata.normalize("NFC", name).replace("😀", "") in text


def test_user_text_is_escaped_and_cannot_fetch(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hostile = f'<b>粗體</b><img src="file://{secret}"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    path = tmp_path / "h.pdf"
    path.write_bytes(_sample(holder_name=hostile[:100]))
    text = _run("pdftotext", str(path), "-")
    assert "<b>粗體</b>" in text  # printed as text, not markup
    assert "TOP-SECRET" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://certificate.invalid/media/../../etc/passwd",
        "https://certificate.invalid/etc/passwd",
        "https://evil.example/static/css/site.css",
    ],
)
def test_fetcher_refuses_everything_but_data_and_our_files(url):
    with pytest.raises(ValueError):
        SafeURLFetcher().fetch(url)


def test_fetcher_serves_data_uris_and_our_static_files():
    fetcher = SafeURLFetcher()
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"
    response = fetcher.fetch(BASE_URL + "static/css/site.css")
    assert b"--la-brand" in response.read()


def test_longest_inputs_stay_on_one_page(tmp_path):
    import datetime
    from types import SimpleNamespace

    from assessments.selectors.certificates import PrintTask, print_context

    design = CertificateDesign(
        organisation_name_zh="機" * 40,
        organisation_name_en="O" * 80,
        footer_text_zh="長" * 100,
        footer_text_en="L" * 160,
    )
    unit = SimpleNamespace(code="KPS5R0821v2", title="職" * 200, title_en="title " * 40, level=4)
    today = datetime.date(2026, 11, 23)
    context = print_context(
        design=design,
        holder_name="陳" * 100,
        unit=unit,
        tasks=[PrintTask(f"T{i}", "任" * 300) for i in range(8)],
        assessed_on=today,
        issued_on=today,
        expires_on=today,
        assessor_name="評" * 100,
        signature_image=None,
        number="LA-2026-000001",
        verification_url="https://academy.example/verify/" + "a" * 32 + "/",
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(TEMPLATE, context))
    assert re.search(r"Pages:\s+1\n", _run("pdfinfo", str(path)))
    assert "LA-2026-000001" in _run("pdftotext", str(path), "-")
