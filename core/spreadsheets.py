"""Every CSV and XLSX download (mapping matrix, item analysis, audit log) is built here, with
one formula neutraliser.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return, which Excel
strips first) as a formula: such text gets a leading apostrophe (../shared/docs/security-
checklist.md). CSV files start with a byte-order mark so Excel reads them as UTF-8 (Chinese
text). XLSX cells holding text are always text cells, never formulas."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = Iterable[Sequence]
_TYPED = (str, int, float, datetime.date, datetime.time)  # kept as typed XLSX cells


def neutralise(value) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def download(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """An attachment the browser saves and never sniffs into something else."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_content(rows: Rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cells(sheet, row: Sequence, quote_formulas: bool):
    for value in row:
        if value is not None and not isinstance(value, _TYPED):
            value = str(value)  # lazy translations, Decimal, ...: their text
        if isinstance(value, str) and quote_formulas:
            value = neutralise(value)
        cell = WriteOnlyCell(sheet, value)
        if cell.data_type == "f":
            cell.data_type = "s"  # text, never a formula
        yield cell


def xlsx_content(
    rows: Rows,
    *,
    sheet_title: str,
    quote_formulas: bool = True,
    decorate: Callable | None = None,
) -> bytes:
    """One sheet of `rows`. `decorate(sheet)` may style it afterwards (fonts, widths, frozen
    panes); without it the workbook is written as a stream, whatever its size.
    `quote_formulas=False` keeps text verbatim (still a text cell), for exports that must
    reproduce what they quote."""
    workbook = Workbook(write_only=decorate is None)
    if decorate is None:
        sheet = workbook.create_sheet(str(sheet_title)[:31])
    else:
        sheet = workbook.active
        sheet.title = str(sheet_title)[:31]
    for row in rows:
        sheet.append(list(_xlsx_cells(sheet, row, quote_formulas)))
    if decorate is not None:
        decorate(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_response(rows: Rows, *, filename: str) -> HttpResponse:
    return download(csv_content(rows), content_type=CSV_CONTENT_TYPE, filename=filename)


def xlsx_response(rows: Rows, *, filename: str, **options) -> HttpResponse:
    """`options` as for `xlsx_content` (sheet_title, quote_formulas, decorate)."""
    return download(
        xlsx_content(rows, **options), content_type=XLSX_CONTENT_TYPE, filename=filename
    )


class NeutralisedExportMixin:
    """For Wagtail listing views with `list_export` (ReportView, IndexView): their "Download
    CSV / XLSX" buttons answer through this module instead of Wagtail's own writers (no BOM,
    no formula neutralising in its CSV). Put it before the Wagtail view in the bases."""

    export_sheet_title = ""

    def export_rows(self, queryset, export_format: str):
        yield [self.get_heading(queryset, field) for field in self.list_export]
        for item in queryset:
            yield [
                self.preprocess_field_value(field, value, export_format)
                for field, value in self.to_row_dict(item).items()
            ]

    def write_csv_response(self, queryset):
        rows = self.export_rows(queryset, self.FORMAT_CSV)
        return csv_response(rows, filename=f"{self.get_filename()}.csv")

    def write_xlsx_response(self, queryset):
        return xlsx_response(
            self.export_rows(queryset, self.FORMAT_XLSX),
            filename=f"{self.get_filename()}.xlsx",
            sheet_title=self.export_sheet_title or self.get_page_title(),
        )
