"""A mapping matrix as a table, and that table as CSV and XLSX (through core.spreadsheets):
the same rows and columns as the screen, the not-counted items in their own labelled
column. The PDF is in content/mapping_pdf.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Font, PatternFill

from content.selectors.mapping import HELD_LABEL, TAUGHT_LABEL, MappingMatrix
from core.spreadsheets import csv_content, xlsx_content


def matrix_table(matrix: MappingMatrix) -> list[list[str]]:
    """Header + one row per indicator / K / S / key evidence item: code, kind, text, what
    teaches it (never evidence), one column per method (the instruments assessing it, one
    per line), what is not counted (not yet published / in review, practice, ...), gaps."""
    header = [
        pgettext("mapping matrix column", "Code"),
        _("Kind"),
        _("Text"),
        str(TAUGHT_LABEL),
        *[label for _v, label in matrix.methods],
        str(HELD_LABEL),
        _("Gaps"),
    ]
    table = [header]
    for row in matrix.rows:
        table.append(
            [
                row.code,
                row.kind_label,
                row.text,
                "\n".join(e.display for e in row.taught),
                *["\n".join(e.label for e in cell) for cell in row.cell_list(matrix.methods)],
                "\n".join(e.display for e in row.held),
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
    return csv_content(matrix_table(matrix))


def _styler(matrix: MappingMatrix):
    def style(sheet) -> None:
        sheet["A1"].font = Font(bold=True, size=13)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        gap_fill = PatternFill("solid", fgColor="F8D7DA")
        for offset, row in enumerate(matrix.rows, start=3):
            if row.has_gap:
                for cell in sheet[offset]:
                    cell.fill = gap_fill
        widths = [8, 10, 40, 28] + [24] * len(matrix.methods) + [28, 40]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
        sheet.freeze_panes = "D3"

    return style


def matrix_xlsx(matrix: MappingMatrix) -> bytes:
    """Title row, header, one row per item; gap rows filled red. The unit's text is quoted
    verbatim (in text cells, never formulas)."""
    return xlsx_content(
        [[matrix_title(matrix)], *matrix_table(matrix)],
        sheet_title=_("Mapping"),
        quote_formulas=False,
        decorate=_styler(matrix),
    )
