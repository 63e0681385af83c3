"""CSV and XLSX exports of a mapping matrix (the PDF is in `content/mapping_pdf.py`)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from content.selectors.mapping import MappingMatrix

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def matrix_table(matrix: MappingMatrix) -> list[list[str]]:
    """Header + one row per indicator / K / S item: code, kind, text, one column per method
    (the items covering it, one per line), gaps."""
    header = [
        pgettext("mapping matrix column", "Code"),
        _("Kind"),
        _("Text"),
        *[label for _v, label in matrix.methods],
        _("Gaps"),
    ]
    table = [header]
    for row in matrix.rows:
        table.append(
            [
                row.code,
                row.kind_label,
                row.text,
                *["\n".join(e.label for e in cell) for cell in row.cell_list(matrix.methods)],
                " ".join(row.gaps),
            ]
        )
    return table


def matrix_title(matrix: MappingMatrix) -> str:
    title = _("Mapping matrix: %(unit)s") % {"unit": matrix.unit}
    if matrix.course is not None:
        title += " · " + matrix.course.title
    return title


def matrix_csv(matrix: MappingMatrix) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in matrix_table(matrix):
        writer.writerow([neutralise(str(cell)) for cell in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def matrix_xlsx(matrix: MappingMatrix) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Mapping")[:31]
    sheet.append([matrix_title(matrix)])
    sheet["A1"].font = Font(bold=True, size=13)
    gap_fill = PatternFill("solid", fgColor="F8D7DA")
    for line in matrix_table(matrix):
        sheet.append([str(cell) for cell in line])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for offset, row in enumerate(matrix.rows, start=3):
        if row.has_gap:
            for cell in sheet[offset]:
                cell.fill = gap_fill
    widths = [8, 10, 40] + [24] * len(matrix.methods) + [40]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    sheet.freeze_panes = "D3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
