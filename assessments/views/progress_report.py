"""/assess/progress/: the progress report on the trainees in the assessor's scope (admins:
everyone), with every column (evidence and decisions included), the same filters, orderings
and CSV / XLSX downloads as Reports > Progress report (assessments/admin_views/
progress_report.py), which assessors cannot open (they have no Wagtail admin)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.filters.progress_report import ProgressReportFilterSet
from assessments.selectors.progress_report import progress_rows
from assessments.selectors.progress_report_table import (
    FULL,
    chosen_course_activities,
    order_rows,
    report_columns,
    report_rows,
    trainee_page_url,
    valid_sorts,
)
from assessments.selectors.scope import may_see_assessments, trainees_visible_to
from core.numbers import bounded_int
from core.spreadsheets import csv_response, xlsx_response
from people.roles import is_admin

PAGE_SIZE = 50
EXPORTS = ("csv", "xlsx")


@never_cache
@require_GET
def progress_report(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_see_assessments(user):
        raise PermissionDenied
    trainees = trainees_visible_to(user)
    filters = ProgressReportFilterSet(
        request.GET, queryset=progress_rows(trainees=trainees), request=request
    )
    if not is_admin(user):
        filters.offer_only_for(trainees)
    for field in filters.form.fields.values():
        select = hasattr(field, "choices")
        field.widget.attrs["class"] = "form-select" if select else "form-control"
    activities = chosen_course_activities(filters.chosen_course())
    columns = report_columns(audience=FULL, activities=activities)
    ordering = request.GET.get("ordering", "name")
    if ordering not in valid_sorts(FULL):
        ordering = "name"
    queryset = order_rows(filters.qs, ordering, FULL)

    export = request.GET.get("export")
    if export in EXPORTS:
        rows = report_rows(
            queryset, audience=FULL, activities=activities, trainee_url=trainee_page_url
        )
        exported = [c for c in columns if c.in_export]
        lines = [[str(c.label) for c in exported]]
        lines += [[row.values.get(c.key, "") for c in exported] for row in rows]
        if export == "csv":
            return csv_response(lines, filename="progress-report.csv")
        return xlsx_response(
            lines, filename="progress-report.xlsx", sheet_title=_("Progress report")
        )

    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(bounded_int(request.GET.get("p"), minimum=1) or 1)
    rows = report_rows(
        page.object_list, audience=FULL, activities=activities, trainee_url=trainee_page_url
    )
    shown = [c for c in columns if c.in_table]
    query = request.GET.copy()
    for key in ("p", "export", "ordering"):
        query.pop(key, None)
    base = f"?{query.urlencode()}&" if query else "?"
    headers = []
    for column in shown:
        sort = ""
        if column.sort and ordering.lstrip("-") == column.sort:
            sort = "descending" if ordering.startswith("-") else "ascending"
        flip = f"-{column.sort}" if sort == "ascending" else column.sort
        headers.append(
            {
                "label": column.label,
                "href": f"{base}ordering={flip}" if column.sort else "",
                "sort": sort,
                "classname": column.classname,
            }
        )
    return render(
        request,
        "assessments/reports/progress.html",
        {
            "filters": filters,
            "headers": headers,
            "rows": [[(row.cell(c.key), c.classname) for c in shown] for row in rows],
            "page": page,
            "ordering": ordering,
            "page_base": f"{base}ordering={ordering}&",
            "export_base": f"{base}ordering={ordering}&",
            "count": paginator.count,
        },
    )
