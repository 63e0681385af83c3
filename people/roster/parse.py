"""Reading an uploaded roster file (CSV or XLSX) into rows of text keyed by column key.
Every problem with the file as a whole is a RosterFileError with a translated message."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000

# column key -> header as written in the template; zh-Hant headers are accepted too
COLUMNS = {
    "username": gettext_lazy("username"),
    "printed_name": gettext_lazy("printed name"),
    "employee_number": gettext_lazy("employee number"),
    "store": gettext_lazy("store"),
    "cohort": gettext_lazy("cohort"),
    "email": gettext_lazy("e-mail"),
    "role": gettext_lazy("role"),
}
HEADER_ALIASES = {
    "username": "username",
    "帳號": "username",
    "printed name": "printed_name",
    "printed_name": "printed_name",
    "姓名": "printed_name",
    "employee number": "employee_number",
    "employee_number": "employee_number",
    "員工編號": "employee_number",
    "store": "store",
    "門市": "store",
    "cohort": "cohort",
    "梯次": "cohort",
    "e-mail": "email",
    "email": "email",
    "電子郵件": "email",
    "role": "role",
    "角色": "role",
}
REQUIRED = ("username", "printed_name", "role")


class RosterFileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFile:
    rows: list[dict]  # each with "line" (spreadsheet line number) and the column keys
    encoding: str  # what was read: "UTF-8", "UTF-8 (BOM)", "Big5 (cp950)", "XLSX"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp950"), "Big5 (cp950)"
    except UnicodeDecodeError:
        raise RosterFileError(
            _(
                "The file is neither UTF-8 nor Big5 (cp950) text; save it as CSV UTF-8 and try again."
            )
        ) from None


def _csv_table(data: bytes) -> tuple[list[list[str]], str]:
    text, encoding = _decode(data)
    try:
        return list(csv.reader(io.StringIO(text))), encoding
    except csv.Error:
        raise RosterFileError(_("The CSV file could not be read.")) from None


def _xlsx_table(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise RosterFileError(_("The file is not an Excel spreadsheet (.xlsx).")) from None
    sheet = book.worksheets[0]
    table = []
    for row in sheet.iter_rows(values_only=True):
        if len(table) > MAX_ROWS + 1:
            break
        table.append(["" if v is None else str(v) for v in row])
    book.close()
    return table


def _aliases() -> dict[str, str]:
    """The fixed aliases plus the template's headers in English and zh-Hant."""
    aliases = dict(HEADER_ALIASES)
    for language in ("en", "zh-hant"):
        with translation.override(language):
            aliases.update({str(label).lower(): key for key, label in COLUMNS.items()})
    return aliases


def read_roster(data: bytes, filename: str) -> ParsedFile:
    if not data:
        raise RosterFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("The file is too large (over 2 MB)."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        table, encoding = _xlsx_table(data), "XLSX"
    elif name.endswith(".csv"):
        table, encoding = _csv_table(data)
    else:
        raise RosterFileError(_("Upload a .csv or .xlsx file."))
    table = [[cell.strip() for cell in row] for row in table]
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise RosterFileError(_("The file is empty."))
    aliases = _aliases()
    header = [aliases.get(cell.lower()) for cell in table[0]]
    missing = [str(COLUMNS[key]) for key in REQUIRED if key not in header]
    if missing:
        raise RosterFileError(
            _("The header row is missing these columns: %(columns)s. Download the template.")
            % {"columns": ", ".join(missing)}
        )
    body = table[1:]
    if not body:
        raise RosterFileError(_("The file has a header row but no people."))
    if len(body) > MAX_ROWS:
        raise RosterFileError(
            _("The file has more than %(max)d rows; split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    rows = []
    for number, cells in enumerate(body, start=2):
        if not any(cells):
            continue
        row = dict.fromkeys(COLUMNS, "")
        for key, cell in zip(header, cells, strict=False):
            if key:
                row[key] = cell
        row["line"] = number
        rows.append(row)
    return ParsedFile(rows=rows, encoding=encoding)
