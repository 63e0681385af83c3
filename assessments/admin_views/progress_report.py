"""Reports > Progress report: one row per trainee per course (lessons, quiz grades, scenario
scores, evidence, decision, certificate), filterable, sortable, exportable as CSV / XLSX
through Wagtail's ReportView. Admins see every column; training managers everything but
evidence and decisions (`progress_report_table.ROLLOUT`). Assessors read the same report on
their own trainees at /assess/progress/ (assessments/views/progress_report.py)."""

from collections import OrderedDict

from django.urls import path
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from assessments.filters.progress_report import ProgressReportFilterSet, RolloutProgressFilterSet
from assessments.selectors.progress_report import progress_rows
from assessments.selectors.progress_report_table import (
    FULL,
    ROLLOUT,
    chosen_course_activities,
    order_rows,
    report_columns,
    report_rows,
    trainee_page_url,
    valid_sorts,
)
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from core.spreadsheets import NeutralisedExportMixin
from people import roles

TITLE = _("Progress report")


class ProgressColumn(Column):
    """A cell of a `ProgressRow`: its text, as a status tag when it has a tone, a note
    below and a link when it has one. Rendered here rather than by a template per cell: a
    page of 50 rows with a column per quiz and scenario is several hundred cells."""

    class Media:
        css = {"all": ["css/progress_report.css"]}

    def render_cell_html(self, instance, parent_context):
        cell = instance.cell(self.name)
        classes = "progress-report__cell" + (f" {self.classname}" if self.classname else "")
        if cell.url:
            content = format_html('<a href="{}">{}</a>', cell.url, cell.text)
        elif cell.tone:
            hidden = (
                format_html('<span class="w-sr-only"> ({})</span>', cell.tone_text)
                if cell.tone_text
                else ""
            )
            content = format_html(
                '<span class="progress-tag progress-tag--{}">{}{}</span>',
                cell.tone,
                cell.text,
                hidden,
            )
        else:
            content = conditional_escape(cell.text)
        note = (
            format_html('<span class="progress-report__note">{}</span>', cell.note)
            if cell.note
            else ""
        )
        return format_html('<td class="{}">{}{}</td>', classes, content, note)


def audience_of(user) -> str:
    return FULL if roles.is_admin(user) else ROLLOUT


class ProgressReportView(RoleRequiredMixin, NeutralisedExportMixin, ReportView):
    page_title = TITLE
    header_icon = "table"
    paginate_by = 50
    index_url_name = "progress_report:index"
    index_results_url_name = "progress_report:results"
    default_ordering = "name"
    results_template_name = "assessments/reports/progress_results.html"

    @cached_property
    def audience(self) -> str:
        return audience_of(self.request.user)

    @property
    def filterset_class(self):
        return ProgressReportFilterSet if self.audience == FULL else RolloutProgressFilterSet

    @cached_property
    def activities(self):
        return chosen_course_activities(self.filters.chosen_course() if self.filters else None)

    @cached_property
    def report_columns(self):
        return report_columns(audience=self.audience, activities=self.activities)

    @property
    def list_export(self):
        return [col.key for col in self.report_columns if col.in_export]

    @property
    def export_headings(self):
        return {col.key: col.label for col in self.report_columns}

    @property
    def columns(self):
        return [
            ProgressColumn(
                col.key,
                label=col.label,
                sort_key=col.sort,
                classname=col.classname or None,
            )
            for col in self.report_columns
            if col.in_table
        ]

    def get_base_queryset(self):
        return progress_rows()

    def order_queryset(self, queryset):
        return order_rows(queryset, self.ordering or "name", self.audience)

    def get_valid_orderings(self):
        return valid_sorts(self.audience)

    def _rows(self, object_list):
        return report_rows(
            object_list,
            audience=self.audience,
            activities=self.activities,
            trainee_url=trainee_page_url,
        )

    def get_table(self, object_list):
        # An export is written from `decorate_paginated_queryset`; its table is never shown.
        return super().get_table([] if self.is_export else self._rows(object_list))

    def decorate_paginated_queryset(self, object_list):
        return self._rows(object_list) if self.is_export else object_list

    def to_row_dict(self, item):
        return OrderedDict((key, item.values.get(key, "")) for key in self.list_export)

    def get_filename(self):
        return "progress-report"


class ProgressReportViewSet(RoleViewSet):
    user_check = staticmethod(roles.may_run_rollout)
    menu_hook = "register_reports_menu_item"
    add_to_admin_menu = True
    icon = "table"
    menu_label = TITLE
    menu_name = "progress-report"
    menu_order = 270

    def get_urlpatterns(self):
        view = ProgressReportView.as_view(user_check=self.user_check)
        results = ProgressReportView.as_view(user_check=self.user_check, results_only=True)
        return [
            path("", view, name="index"),
            path("results/", results, name="results"),
        ]


progress_report_viewset = ProgressReportViewSet("progress_report", url_prefix="progress-report")
