"""The audit log for admins: list, CSV (formula cells neutralised) and XLSX export."""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.models.audit import AuditEntry
from people.permissions import admin_required

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@never_cache
@admin_required
def audit_list(request):
    entries = AuditEntry.objects.select_related("trainee__profile").order_by("-at", "-pk")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "assessments/workspace/audit.html", {"page": page})


def _table():
    header = [
        _("Time"),
        _("Who"),
        _("Action"),
        _("Record"),
        _("Record id"),
        _("Trainee"),
        _("Summary"),
    ]
    entries = AuditEntry.objects.select_related("trainee__profile").order_by("at", "pk")
    body = (
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id or "",
            e.trainee.printed_name if e.trainee else "",
            e.summary,
        ]
        for e in entries
    )
    return header, body


@never_cache
@admin_required
def audit_csv(request):
    header, body = _table()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in body:
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@never_cache
@admin_required
def audit_xlsx(request):
    from openpyxl import Workbook

    header, body = _table()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Audit log"))[:31])
    sheet.append([str(h) for h in header])
    for row in body:
        # Strings are written as text cells (never formulas): neutralise anyway for copy/paste.
        sheet.append([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
    return response
