"""The mapping matrix: rows, cells, gaps under the course rule, course scoping, a fixed number
of queries, and its CSV / XLSX / PDF exports. (What counts as evidence and what does not:
tests/content/test_coverage_truth.py.)"""

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from content.mapping_exports import matrix_csv, matrix_xlsx
from content.mapping_pdf import matrix_pdf
from content.models.framework import AssessmentMethod, Indicator
from content.selectors.mapping import course_mapping_gaps, mapping_matrix
from core.pdf import SafeURLFetcher
from core.spreadsheets import neutralise
from tests.factories.framework import (
    import_seed,
    make_course,
    make_framework_unit,
    make_lesson,
    make_observation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return import_seed()


def _row(matrix, code):
    return next(r for r in matrix.rows if r.code == code)


def test_rows_and_columns_of_the_seed(unit):
    matrix = mapping_matrix(unit)
    codes = [r.code for r in matrix.rows]
    assert codes[:13] == list(unit.indicators.order_by("sort_order").values_list("code", flat=True))
    # K5.1 is blank in the unit: kept there, but not a row. Key evidence items E1..E5 are.
    assert codes[13:] == [
        "K1", "K2", "K3", "K4", "K5", "S1", "S2", "S3", "S4", "E1", "E2", "E3", "E4", "E5",
    ]  # fmt: skip
    assert [v for v, _l in matrix.methods] == [
        "observation", "role_play", "customer_feedback", "questioning", "portfolio",
    ]  # fmt: skip
    # Nothing mapped yet: every indicator lacks both a knowledge check and a performance
    # method, and every K, S and key evidence item lacks an instrument.
    assert len(matrix.gaps) == 26 + 5 + 4 + 5
    assert all(r.has_gap for r in matrix.rows)


def test_cells_list_covering_items_and_gaps_close(unit):
    t11 = unit.indicators.get(code="T1.1")
    k1 = unit.items.get(code="K1")
    make_observation(t11, method=AssessmentMethod.OBSERVATION, text="說明方案資格", items=[k1])
    make_observation(t11, method=AssessmentMethod.QUESTIONING, text="口頭問答：方案條件")
    matrix = mapping_matrix(unit)
    row = _row(matrix, "T1.1")
    assert [e.label for e in row.cells["observation"]] == ["T1.1 說明方案資格"]
    assert [e.label for e in row.cells["questioning"]] == ["T1.1 口頭問答：方案條件"]
    assert row.cells["observation"][0].url  # links to the snippet's edit page
    assert not row.has_gap
    assert _row(matrix, "K1").covered and not _row(matrix, "K2").covered
    assert _row(matrix, "T1.2").has_gap
    assert not _row(matrix, "K1").gaps and _row(matrix, "K2").gaps
    assert len(matrix.gaps) == 40 - 2 - 1


def test_role_play_counts_as_performance_and_feedback_does_not(unit):
    t12 = unit.indicators.get(code="T1.2")
    make_observation(t12, method=AssessmentMethod.CUSTOMER_FEEDBACK)
    make_observation(t12, method=AssessmentMethod.QUESTIONING)
    assert any("實作評量方法" in g for g in _row(mapping_matrix(unit), "T1.2").gaps)
    make_observation(t12, method=AssessmentMethod.ROLE_PLAY)
    assert not _row(mapping_matrix(unit), "T1.2").gaps


def test_course_rule_and_scope(unit):
    course_a, module_a = make_course(unit)
    course_b, _module_b = make_course(unit, require_knowledge_check=False)
    t11 = unit.indicators.get(code="T1.1")
    make_lesson(module_a, indicators=[t11], title="方案條件說明")
    make_observation(t11, method=AssessmentMethod.OBSERVATION)

    matrix_a = mapping_matrix(unit, course=course_a)
    row = _row(matrix_a, "T1.1")
    assert [e.label for e in row.taught] == ["課堂：方案條件說明"]
    assert not row.cells.get("questioning")  # a lesson is never a knowledge check
    assert row.gaps == ["T1.1 沒有知識檢核（提問）。"]
    # Course B: the lesson lives in course A, so it is not listed; the rule has no
    # knowledge check, so only the performance gaps of the other indicators remain, with
    # the K, S and key evidence items nothing assesses.
    matrix_b = mapping_matrix(unit, course=course_b)
    assert not _row(matrix_b, "T1.1").taught
    assert not _row(matrix_b, "T1.1").gaps
    assert len(matrix_b.gaps) == 12 + 5 + 4 + 5
    gaps = course_mapping_gaps(course_a)
    assert len(gaps) == 1 + 24 + 14 and any("T1.2" in g for g in gaps)


def _populate(unit, modules, n):
    indicators = list(unit.indicators.all())
    items = list(unit.items.all())
    methods = list(AssessmentMethod.values)
    for i in range(n):
        ind = indicators[i % len(indicators)]
        make_observation(ind, method=methods[i % len(methods)], items=[items[i % len(items)]])
    for module in modules:
        for i in range(n // 3):
            make_lesson(module, indicators=indicators[i : i + 2], items=items[:2])


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow():
    counts = []
    for size in (6, 30):  # both sizes have every kind of item (no skipped query)
        unit = make_framework_unit(
            tasks=2 + size // 5, indicators_per_task=3, knowledge=2 + size // 10
        )
        course, module = make_course(unit)
        _populate(unit, [module], size)
        assert mapping_matrix(unit).item_count >= size
        counts.append(
            (
                _queries(lambda u=unit: mapping_matrix(u)),
                _queries(lambda c=course: course_mapping_gaps(c)),
            )
        )
    assert counts[0] == counts[1]


def test_csv_export_neutralises_formulas(unit):
    Indicator.objects.filter(unit=unit, code="T1.1").update(text='=HYPERLINK("http://evil")')
    make_observation(unit.indicators.get(code="T1.2"), text="+SUM(A1:A2)")
    with translation.override("en"):
        rows = list(csv.reader(io.StringIO(matrix_csv(mapping_matrix(unit)).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Kind", "Text"]
    t11 = next(r for r in rows if r[0] == "T1.1")
    assert t11[2] == '\'=HYPERLINK("http://evil")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert (
        neutralise("@cmd") == "'@cmd" and neutralise("-1") == "'-1" and neutralise("安全") == "安全"
    )


def test_xlsx_export_opens(unit):
    Indicator.objects.filter(unit=unit, code="T1.1").update(text="=1+1")
    make_observation(
        unit.indicators.get(code="T2.3"), method=AssessmentMethod.ROLE_PLAY, text="協助填寫入會表"
    )
    book = openpyxl.load_workbook(io.BytesIO(matrix_xlsx(mapping_matrix(unit))))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "KPS5R0821v2" in values[0][0]
    t11 = next(r for r in values if r[0] == "T1.1")
    assert t11[2] == "=1+1" and sheet.cell(row=values.index(t11) + 1, column=3).data_type == "s"
    t23 = next(r for r in values if r[0] == "T2.3")
    assert "T2.3 協助填寫入會表" in t23
    assert len(values) == 2 + 13 + 9 + 5  # indicators, K/S items (not blank K5.1), E1..E5


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils missing")
def test_pdf_embeds_cjk_font_and_text(unit, tmp_path):
    Indicator.objects.filter(unit=unit, code="T1.2").update(text="說明方案資格 𠮷野家")
    pdf = matrix_pdf(mapping_matrix(unit))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "matrix.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded (emb column)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "KPS5R0821v2" in text
    flat = "".join(text.split())  # table cells wrap
    assert "確定和審查關於組織的客戶忠誠度方案" in flat
    assert "說明方案資格𠮷野家" in flat


def test_pdf_fetcher_refuses_everything_but_data():
    fetcher = SafeURLFetcher()
    for url in ("file:///etc/passwd", "http://169.254.169.254/", "https://example.org/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
