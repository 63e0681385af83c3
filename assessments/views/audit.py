"""The audit log for admins: list, CSV and XLSX export (core.spreadsheets)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.models.audit import AuditEntry
from core.spreadsheets import csv_response, xlsx_response
from people.permissions import admin_required


@never_cache
@admin_required
def audit_list(request):
    entries = AuditEntry.objects.select_related("trainee__profile").order_by("-at", "-pk")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "assessments/workspace/audit.html", {"page": page})


def _rows():
    yield [
        _("Time"),
        _("Who"),
        _("Action"),
        _("Record"),
        _("Record id"),
        _("Trainee"),
        _("Summary"),
    ]
    entries = AuditEntry.objects.select_related("trainee__profile").order_by("at", "pk")
    for e in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id or "",
            e.trainee.printed_name if e.trainee else "",
            e.summary,
        ]


@never_cache
@admin_required
def audit_csv(request):
    return csv_response(_rows(), filename="audit-log.csv")


@never_cache
@admin_required
def audit_xlsx(request):
    return xlsx_response(_rows(), filename="audit-log.xlsx", sheet_title=_("Audit log"))
