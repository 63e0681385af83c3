"""The mapping matrix in the Wagtail admin, for trainers: for each indicator, K/S item and key
evidence item of a unit (or of one course), the lessons that teach it, the instruments that
assess it by method (questions an assessment quiz can show, observation items, scenarios and
their choices), what is not counted yet, and the gaps; and the matrix as XLSX, CSV
(content/mapping_exports.py) or PDF (content/mapping_pdf.py). One computation
(content.selectors.mapping) feeds all of them, the course publish gate and
`manage.py coverage_report`."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from content.mapping_exports import matrix_csv, matrix_title, matrix_xlsx
from content.mapping_pdf import matrix_pdf
from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from content.selectors.mapping import MappingMatrix, mapping_matrix
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download
from people.roles import is_trainer

FORMATS = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE, "pdf": "application/pdf"}
RENDERERS = {"xlsx": matrix_xlsx, "csv": matrix_csv, "pdf": matrix_pdf}
FORMAT_LABELS = (("xlsx", "XLSX"), ("csv", "CSV"), ("pdf", "PDF"))


def matrix_download(matrix: MappingMatrix, fmt: str):
    """The matrix as `fmt` (xlsx, csv or pdf), named after its unit or course."""
    render = RENDERERS.get(fmt)
    if render is None:
        raise PermissionDenied  # no such download
    body = render(matrix)
    stem = matrix.unit.code if matrix.course is None else f"course-{matrix.course.pk}"
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in "-_")
    return download(body, content_type=FORMATS[fmt], filename=f"{stem}-mapping.{fmt}")


class MappingIndexView(RoleRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every unit and every course, each linked to its matrix."""

    page_title = gettext_lazy("Mapping matrix")
    header_icon = "table"
    template_name = "content/framework/admin/mapping_index.html"
    url_names: dict = {}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            units=CompetencyUnit.objects.order_by("base_code", "version"),
            courses=CoursePage.objects.select_related("unit").order_by("path"),
            unit_url_name=self.url_names["unit"],
            course_url_name=self.url_names["course"],
            **kwargs,
        )


class MatrixView(RoleRequiredMixin, WagtailAdminTemplateMixin, TemplateView, metaclass=ABCMeta):
    """One matrix; with `fmt` in the URL, its download instead. Subclasses say which."""

    header_icon = "table"
    template_name = "content/framework/admin/matrix.html"
    url_names: dict = {}
    export_url_name = ""

    @abstractmethod
    def get_matrix(self) -> MappingMatrix:
        """The matrix this view shows (404 or 403 as the request deserves)."""

    def get(self, request, *args, pk: int, fmt: str | None = None, **kwargs):
        self.matrix = self.get_matrix()
        if fmt:
            return matrix_download(self.matrix, fmt)
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return matrix_title(self.matrix)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.url_names["index"]), "label": MappingIndexView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        pk = self.kwargs["pk"]
        exports = [
            (label, reverse(self.url_names[self.export_url_name], args=[pk, fmt]))
            for fmt, label in FORMAT_LABELS
        ]
        return super().get_context_data(matrix=self.matrix, exports=exports, **kwargs)


class UnitMatrixView(MatrixView):
    export_url_name = "unit_export"

    def get_matrix(self):
        return mapping_matrix(get_object_or_404(CompetencyUnit, pk=self.kwargs["pk"]))


class CourseMatrixView(MatrixView):
    """A course's own matrix: only for those who may edit the course."""

    export_url_name = "course_export"

    def get_matrix(self):
        course = get_object_or_404(CoursePage.objects.select_related("unit"), pk=self.kwargs["pk"])
        if not course.permissions_for_user(self.request.user).can_edit():
            raise PermissionDenied
        return mapping_matrix(course.unit, course=course)


class MappingMatrixViewSet(RoleViewSet):
    user_check = staticmethod(is_trainer)
    icon = "table"
    menu_label = gettext_lazy("Mapping matrix")
    menu_name = "mapping-matrix"
    menu_order = 252
    add_to_admin_menu = True
    url_names = ("index", "unit", "unit_export", "course", "course_export")

    def get_common_view_kwargs(self, **kwargs):
        names = {name: self.get_url_name(name) for name in self.url_names}
        return super().get_common_view_kwargs(url_names=names, **kwargs)

    def get_urlpatterns(self):
        unit = self.construct_view(UnitMatrixView)
        course = self.construct_view(CourseMatrixView)
        return [
            path("", self.construct_view(MappingIndexView), name="index"),
            path("unit/<id:pk>/", unit, name="unit"),
            path("unit/<id:pk>/export/<str:fmt>/", unit, name="unit_export"),
            path("course/<id:pk>/", course, name="course"),
            path("course/<id:pk>/export/<str:fmt>/", course, name="course_export"),
        ]


mapping_matrix_viewset = MappingMatrixViewSet("mapping_matrix", url_prefix="framework/mapping")
