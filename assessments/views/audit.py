"""The audit log for admins (core.models.AuditEntry): list, CSV and XLSX export
(core.spreadsheets), each narrowed to one kind of record by the action prefix (?kind=page)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.models import AuditEntry
from core.spreadsheets import csv_response, xlsx_response
from people.permissions import admin_required


def _kinds() -> list[tuple[str, str]]:
    """The action prefixes the filter offers ("certificate" also covers bulk issue jobs)."""
    return [
        ("certificate", _("Certificates")),
        ("decision", _("Decisions")),
        ("evidence", _("Evidence")),
        ("appeal", _("Appeals")),
        ("third_party", _("Third-party reports")),
        ("oral_question", _("Oral questions")),
        ("quiz_response", _("Written-answer marks")),
        ("page", _("Page changes")),
        ("snippet", _("Snippet deletions")),
        ("user", _("Users and roles")),
        ("assignment", _("Assessor assignments")),
        ("audit_pack", _("Audit packs")),
    ]


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in dict(_kinds()) else ""


def _entries(kind: str):
    entries = AuditEntry.objects.select_related("trainee__profile")
    return entries.filter(action__startswith=kind) if kind else entries


@never_cache
@admin_required
def audit_list(request):
    kind = _kind(request)
    page = Paginator(_entries(kind).order_by("-at", "-pk"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/workspace/audit.html",
        {"page": page, "kind": kind, "kinds": _kinds()},
    )


def _rows(kind: str = ""):
    yield [
        _("Time"),
        _("Who"),
        _("Action"),
        _("Record"),
        _("Record id"),
        _("Trainee"),
        _("Summary"),
    ]
    entries = _entries(kind).order_by("at", "pk")
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
    return csv_response(_rows(_kind(request)), filename="audit-log.csv")


@never_cache
@admin_required
def audit_xlsx(request):
    return xlsx_response(
        _rows(_kind(request)), filename="audit-log.xlsx", sheet_title=_("Audit log")
    )
