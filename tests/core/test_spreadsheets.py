"""core.spreadsheets: one formula neutraliser behind every CSV and XLSX download."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils.translation import gettext_lazy

from core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_content,
    csv_response,
    neutralise,
    xlsx_content,
    xlsx_response,
)

HOSTILE = ["=1+1", "+886912", "-3", "@SUM(A1)", "\t=cmd", "\r=cmd"]
ROWS = [
    ["代碼", "姓名", "分數", "備註"],
    ["T1.1", "陳大文", 3, '=HYPERLINK("http://evil")'],
    ["T1.2", "𠮷野 家", 0.5, "+SUM(A1:A2)"],
    ["K5.1", "林怡君", None, "正常"],
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_get_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [("正常", "正常"), ("a=b", "a=b"), (None, ""), (0.5, "0.5"), (-1, "'-1"), ("", "")],
)
def test_other_cells_keep_their_text(value, expected):
    assert neutralise(value) == expected


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_neutralises_and_round_trips_cjk():
    rows = _csv_rows(csv_content(ROWS))
    assert rows[0] == ["代碼", "姓名", "分數", "備註"]
    assert rows[1] == ["T1.1", "陳大文", "3", '\'=HYPERLINK("http://evil")']
    assert rows[2][1] == "𠮷野 家" and rows[2][3] == "'+SUM(A1:A2)"
    assert rows[3][2] == ""
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_csv_response_is_an_attachment():
    response = csv_response(ROWS, filename="report.csv")
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _csv_rows(response.content)[1][1] == "陳大文"


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_xlsx_opens_neutralised_with_types_and_cjk():
    when = datetime.date(2026, 11, 1)
    sheet = _sheet(
        xlsx_content([*ROWS, [gettext_lazy("Total"), when, 7, "\t=cmd"]], sheet_title="報表")
    )
    assert sheet.title == "報表"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["代碼", "姓名", "分數", "備註"]
    assert values[1] == ["T1.1", "陳大文", 3, '\'=HYPERLINK("http://evil")']
    assert values[2][1] == "𠮷野 家" and values[2][2] == 0.5
    assert values[3][2] is None
    assert values[4][0] == "Total" and values[4][1].date() == when and values[4][3] == "'\t=cmd"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_verbatim_text_is_still_never_a_formula():
    def decorate(sheet):
        sheet.freeze_panes = "A2"

    sheet = _sheet(
        xlsx_content(ROWS, sheet_title="x" * 40, quote_formulas=False, decorate=decorate)
    )
    assert sheet.title == "x" * 31 and sheet.freeze_panes == "A2"
    cell = sheet["D2"]
    assert cell.value == '=HYPERLINK("http://evil")' and cell.data_type == "s"


def test_xlsx_response_is_an_attachment():
    response = xlsx_response(ROWS, filename="report.xlsx", sheet_title="Report")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="report.xlsx"'
    assert _sheet(response.content)["B3"].value == "𠮷野 家"
