"""Wagtail admin for the competency framework: units as snippets (trainers view, admins edit,
import and delete), observation checklist items, indicator / K-S item choosers, the unit
import with preview, the mapping matrix with its exports, and the course publish check."""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.admin import messages as wagtail_messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView as SnippetInspectView
from wagtail.snippets.views.snippets import SnippetViewSet

from content.mapping_exports import matrix_csv, matrix_title, matrix_xlsx
from content.models.framework import CompetencyItem, CompetencyUnit, Indicator, WorkTask
from content.models.observation import ObservationItem
from content.pages.course import CoursePage
from content.selectors.mapping import course_mapping_gaps, mapping_matrix
from content.services.units import (
    ParseError,
    unit_deletion_blockers,
    unit_import,
    unit_import_plan,
)
from content.unit_import import MAX_BYTES
from people.roles import TRAINER, is_admin, is_trainer

CONFIRM_GAPS_PARAM = "confirm_mapping_gaps"
IMPORT_SALT = "content.unit-import"


# --------------------------------------------------------------------------- permissions


class UnitPermissionPolicy(ModelPermissionPolicy):
    """Units are the official reference: trainers view them (and map content to them); only
    admins create, edit, import or delete."""

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        return action == "view" and is_trainer(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        from people.models import User

        if set(actions) & {"add", "change", "delete"}:
            return User.objects.filter(is_active=True, is_superuser=True)
        return User.objects.filter(
            Q(is_superuser=True) | Q(groups__name=TRAINER), is_active=True
        ).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def _limit_choices(formset, field_name: str, objects: list) -> None:
    """Restrict a FK select in every form of an inline formset (the empty form too) to
    `objects`, built once: no query per form, no choices from other units."""
    if formset is None:
        return
    model = formset.form._meta.model._meta.get_field(field_name).related_model
    pks = [o.pk for o in objects]
    choices = [("", "---------"), *[(o.pk, str(o)) for o in objects]]

    def restrict(form):
        if field_name in form.fields:
            form.fields[field_name].queryset = model.objects.filter(pk__in=pks)
            form.fields[field_name].widget.choices = choices
        return form

    class LimitedFormSet(formset.__class__):
        def _construct_form(self, i, **kwargs):
            return restrict(super()._construct_form(i, **kwargs))

        @property
        def empty_form(self):
            return restrict(super().empty_form)

    formset.__class__ = LimitedFormSet
    formset.__dict__.pop("forms", None)


class CompetencyUnitForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance
        tasks = (
            list(WorkTask.objects.filter(unit=unit).order_by("sort_order", "pk")) if unit.pk else []
        )
        parents = (
            list(CompetencyItem.objects.filter(unit=unit, parent=None).order_by("sort_order", "pk"))
            if unit.pk
            else []
        )
        _limit_choices(self.formsets.get("indicators"), "task", tasks)
        _limit_choices(self.formsets.get("items"), "parent", parents)
        others = (
            CompetencyUnit.objects.exclude(pk=unit.pk) if unit.pk else CompetencyUnit.objects.all()
        )
        for name in ("supersedes", "derived_from"):
            if name in self.fields:
                units = list(others.only("pk", "code", "title"))
                self.fields[name].queryset = others
                self.fields[name].widget.choices = [
                    ("", "---------"),
                    *[(u.pk, str(u)) for u in units],
                ]


# --------------------------------------------------------------------------- snippet viewsets


class UnitInspectView(SnippetInspectView):
    """What trainers read: the unit with its tasks, indicators, K/S items, guidance and notes
    (a fixed number of queries)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        indicators = list(unit.indicators.order_by("sort_order", "pk"))
        tasks = list(unit.tasks.order_by("sort_order", "pk"))
        by_task = {task.pk: [] for task in tasks}
        for indicator in indicators:
            by_task.setdefault(indicator.task_id, []).append(indicator)
        context.update(
            unit_tasks=[(task, by_task.get(task.pk, [])) for task in tasks],
            unit_items=list(unit.items.order_by("sort_order", "pk")),
            unit_guidance=list(unit.guidance.order_by("sort_order", "pk")),
            unit_notes=list(unit.notes.order_by("sort_order", "pk")),
            matrix_url=reverse("content_framework:unit_matrix", args=[unit.pk]),
        )
        return context


class CompetencyUnitViewSet(SnippetViewSet):
    model = CompetencyUnit
    icon = "list-ul"
    menu_label = gettext_lazy("Competency units")
    menu_name = "competency-units"
    menu_order = 250
    add_to_admin_menu = True
    base_form_class = CompetencyUnitForm
    inspect_view_enabled = True
    inspect_view_class = UnitInspectView
    inspect_template_name = "content/framework/admin/unit_inspect.html"
    copy_view_enabled = False
    search_backend_name = None  # plain database search on search_fields
    search_fields = ["code", "title", "title_en", "domain"]
    list_filter = ["status", "level"]
    list_per_page = 50
    ordering = ["base_code", "version"]

    @property
    def list_display(self):
        return [
            "code",
            "title",
            "level",
            "status",
            Column("framework_name", label=gettext_lazy("framework")),
            Column(
                "matrix",
                label=gettext_lazy("Mapping"),
                accessor=lambda unit: format_html(
                    '<a href="{}">{}</a>',
                    reverse("content_framework:unit_matrix", args=[unit.pk]),
                    _("Mapping matrix"),
                ),
            ),
        ]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel(
                        [FieldPanel("code"), FieldPanel("base_code"), FieldPanel("version")]
                    ),
                    FieldPanel("title"),
                    FieldPanel("title_en"),
                    FieldRowPanel(
                        [FieldPanel("domain"), FieldPanel("level"), FieldPanel("status")]
                    ),
                    FieldRowPanel([FieldPanel("supersedes"), FieldPanel("derived_from")]),
                    MultiFieldPanel(
                        [
                            FieldPanel("framework_name"),
                            FieldPanel("source_url"),
                            FieldPanel("imported_at", read_only=True),
                            FieldPanel("source_sha256", read_only=True),
                        ],
                        heading=gettext_lazy("Source"),
                    ),
                ],
                heading=gettext_lazy("Unit"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "tasks",
                        panels=[FieldPanel("number"), FieldPanel("code"), FieldPanel("title")],
                        heading=gettext_lazy("Work tasks"),
                    )
                ],
                heading=gettext_lazy("Work tasks"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "indicators",
                        panels=[FieldPanel("task"), FieldPanel("code"), FieldPanel("text")],
                        heading=gettext_lazy("Behaviour indicators"),
                    )
                ],
                heading=gettext_lazy("Indicators"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "items",
                        panels=[
                            FieldPanel("kind"),
                            FieldPanel("code"),
                            FieldPanel("text"),
                            FieldPanel("parent"),
                        ],
                        heading=gettext_lazy("Knowledge and skill items"),
                    )
                ],
                heading=gettext_lazy("Knowledge and skills"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "guidance",
                        panels=[
                            FieldPanel("section"),
                            FieldPanel("code"),
                            FieldPanel("text"),
                            FieldPanel("method"),
                        ],
                        heading=gettext_lazy("Assessment guidance"),
                    )
                ],
                heading=gettext_lazy("Assessment guidance"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "notes",
                        panels=[FieldPanel("label"), FieldPanel("heading"), FieldPanel("items")],
                        heading=gettext_lazy("Notes"),
                    )
                ],
                heading=gettext_lazy("Notes"),
            ),
        ],
        base_form_class=CompetencyUnitForm,
    )


class ObservationItemViewSet(SnippetViewSet):
    model = ObservationItem
    icon = "view"
    menu_label = gettext_lazy("Observation checklist")
    menu_name = "observation-items"
    menu_order = 260
    add_to_admin_menu = True
    search_backend_name = None
    search_fields = ["text"]
    list_filter = {
        "indicator__unit": ["exact"],
        "indicator": ["exact"],
        "assessment_method": ["exact"],
    }
    list_per_page = 50
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            Column(
                "indicator",
                label=gettext_lazy("behaviour indicator"),
                accessor=lambda o: o.indicator.code,
            ),
            "text",
            "assessment_method",
            Column(
                "unit",
                label=gettext_lazy("competency unit"),
                accessor=lambda o: o.indicator.unit.code,
            ),
        ]

    def get_queryset(self, request):
        return ObservationItem.objects.select_related("indicator__unit").order_by(
            "indicator__unit__code", "indicator__sort_order", "sort_order", "pk"
        )


# --------------------------------------------------------------------------- choosers


def _chooser_views(model, label_fields):
    class SearchForm(BaseFilterForm):
        q = forms.CharField(
            label=gettext_lazy("Search term"),
            widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")}),
            required=False,
        )

        def filter(self, objects):
            query = (self.cleaned_data.get("q") or "").strip()
            if query:
                self.is_searching, self.search_query = True, query
                condition = Q()
                for name in label_fields:
                    condition |= Q(**{f"{name}__icontains": query})
                objects = objects.filter(condition)
            return objects

    class SearchMixin:
        filter_form_class = SearchForm

        def get_object_list(self):
            return model.objects.order_by("unit__base_code", "unit__version", "sort_order", "pk")

    class Choose(SearchMixin, ChooseView):
        pass

    class ChooseResults(SearchMixin, ChooseResultsView):
        pass

    return Choose, ChooseResults


_IndicatorChoose, _IndicatorResults = _chooser_views(Indicator, ["code", "text", "unit__code"])
_ItemChoose, _ItemResults = _chooser_views(CompetencyItem, ["code", "text", "unit__code"])


class IndicatorChooserViewSet(ChooserViewSet):
    """A searchable chooser for behaviour indicators: the default widget of every ForeignKey
    to Indicator in admin forms (e.g. an observation item's indicator)."""

    model = Indicator
    icon = "tick-inverse"
    choose_one_text = gettext_lazy("Choose a behaviour indicator")
    choose_another_text = gettext_lazy("Choose another behaviour indicator")
    choose_view_class = _IndicatorChoose
    choose_results_view_class = _IndicatorResults
    url_filter_parameters = ["unit"]
    per_page = 30


class CompetencyItemChooserViewSet(ChooserViewSet):
    model = CompetencyItem
    icon = "list-ul"
    choose_one_text = gettext_lazy("Choose a knowledge or skill item")
    choose_another_text = gettext_lazy("Choose another knowledge or skill item")
    choose_view_class = _ItemChoose
    choose_results_view_class = _ItemResults
    url_filter_parameters = ["unit", "kind"]
    per_page = 30


indicator_chooser_viewset = IndicatorChooserViewSet(
    "indicator_chooser", url_prefix="content/indicator-chooser"
)
competency_item_chooser_viewset = CompetencyItemChooserViewSet(
    "competency_item_chooser", url_prefix="content/competency-item-chooser"
)
IndicatorChooserWidget = indicator_chooser_viewset.widget_class
CompetencyItemChooserWidget = competency_item_chooser_viewset.widget_class


@hooks.register("register_admin_viewset")
def register_choosers():
    return [indicator_chooser_viewset, competency_item_chooser_viewset]


register_permission_policy(CompetencyUnit, UnitPermissionPolicy(CompetencyUnit))
register_snippet(CompetencyUnitViewSet)
register_snippet(ObservationItemViewSet)


# --------------------------------------------------------------------------- import


class UnitUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Unit file"),
        help_text=gettext_lazy("iCAP unit export (.txt) or our YAML/JSON format (.yaml, .json)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is too large for a unit (over 2 MB)."))
        return upload


def _require(check, request):
    if not check(request.user):
        raise PermissionDenied


@never_cache
@require_http_methods(["GET", "POST"])
def unit_import_view(request):
    """Upload -> preview (nothing written) -> confirm (imports). Admins only."""
    _require(is_admin, request)
    context = {"page_title": _("Import a unit"), "header_icon": "upload"}
    if request.method == "POST" and "token" in request.POST:
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
            data = base64.b64decode(payload["data"])
        except (signing.BadSignature, KeyError, ValueError):
            messages.error(request, _("The upload expired or was altered; upload the file again."))
            return redirect("content_framework:unit_import")
        try:
            result = unit_import(data=data, filename=payload["name"], user=request.user)
        except ParseError as exc:
            context.update(form=UnitUploadForm(), errors=exc.errors)
            return TemplateResponse(
                request, "content/framework/admin/import.html", context, status=400
            )
        except ValidationError as exc:
            context.update(form=UnitUploadForm(), rejection=" ".join(exc.messages))
            return TemplateResponse(
                request, "content/framework/admin/import.html", context, status=400
            )
        (messages.success if result.changed else messages.info)(request, result.message)
        return redirect(
            CompetencyUnitViewSet.model.snippet_viewset.get_url_name("inspect"), result.unit.pk
        )

    form = UnitUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = unit_import_plan(data=data, filename=upload.name)
        except ParseError as exc:
            context.update(form=form, errors=exc.errors)
            return TemplateResponse(
                request, "content/framework/admin/import.html", context, status=400
            )
        except ValidationError as exc:
            context.update(form=form, rejection=" ".join(exc.messages))
            return TemplateResponse(
                request, "content/framework/admin/import.html", context, status=400
            )
        token = signing.dumps(
            {"name": upload.name[:200], "data": base64.b64encode(data).decode("ascii")},
            salt=IMPORT_SALT,
            compress=True,
        )
        context.update(
            plan=plan, token=token, filename=upload.name, sha=hashlib.sha256(data).hexdigest()
        )
        return TemplateResponse(request, "content/framework/admin/import_preview.html", context)
    status = 400 if request.method == "POST" else 200
    context["form"] = form
    return TemplateResponse(request, "content/framework/admin/import.html", context, status=status)


# --------------------------------------------------------------------------- mapping matrix


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", matrix_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", matrix_xlsx),
}


def _export(matrix, fmt: str, stem: str) -> HttpResponse:
    if fmt == "pdf":
        from content.mapping_pdf import matrix_pdf  # WeasyPrint loads only when asked

        content_type, body = "application/pdf", matrix_pdf(matrix)
    elif fmt in EXPORTS:
        content_type, render = EXPORTS[fmt]
        body = render(matrix)
    else:
        raise PermissionDenied
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}-mapping.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _matrix_response(request, matrix, export_name: str, export_args: list, fmt: str | None):
    if fmt:
        stem = "".join(
            ch
            for ch in (matrix.unit.code if matrix.course is None else f"course-{matrix.course.pk}")
            if ch.isalnum() or ch in "-_"
        )
        return _export(matrix, fmt, stem)
    context = {
        "page_title": matrix_title(matrix),
        "header_icon": "table",
        "matrix": matrix,
        "exports": [
            (label, reverse(export_name, args=[*export_args, fmt_]))
            for fmt_, label in (("xlsx", "XLSX"), ("csv", "CSV"), ("pdf", "PDF"))
        ],
    }
    return TemplateResponse(request, "content/framework/admin/matrix.html", context)


@never_cache
def mapping_index_view(request):
    _require(is_trainer, request)
    units = CompetencyUnit.objects.order_by("base_code", "version")
    courses = CoursePage.objects.select_related("unit").order_by("path")
    return TemplateResponse(
        request,
        "content/framework/admin/mapping_index.html",
        {
            "page_title": _("Mapping matrix"),
            "header_icon": "table",
            "units": units,
            "courses": courses,
        },
    )


@never_cache
def unit_matrix_view(request, pk: int, fmt: str | None = None):
    _require(is_trainer, request)
    unit = get_object_or_404(CompetencyUnit, pk=pk)
    return _matrix_response(
        request, mapping_matrix(unit), "content_framework:unit_matrix_export", [pk], fmt
    )


@never_cache
def course_matrix_view(request, pk: int, fmt: str | None = None):
    _require(is_trainer, request)
    course = get_object_or_404(CoursePage.objects.select_related("unit"), pk=pk)
    if not course.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return _matrix_response(
        request,
        mapping_matrix(course.unit, course=course),
        "content_framework:course_matrix_export",
        [pk],
        fmt,
    )


# --------------------------------------------------------------------------- course publish check


@never_cache
@require_POST
def course_publish_confirm_view(request, pk: int):
    """Publish the latest revision of a course whose mapping has gaps, once the user has
    ticked the confirmation naming them."""
    course = get_object_or_404(CoursePage, pk=pk)
    if not course.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    if request.POST.get(CONFIRM_GAPS_PARAM) != "1":
        messages.error(request, _("Tick the box to confirm publishing with mapping gaps."))
        return redirect("wagtailadmin_pages:edit", course.pk)
    revision = course.get_latest_revision()
    if revision is None:
        revision = course.save_revision(user=request.user)
    PublishPageRevisionAction(revision, user=request.user).execute()
    messages.success(
        request,
        _("Course “%(title)s” published despite its mapping gaps.") % {"title": course.title},
    )
    return redirect("wagtailadmin_pages:edit", course.pk)


@hooks.register("before_edit_page")
def warn_course_gaps(request, page):
    if request.method != "GET" or not isinstance(page.specific_deferred, CoursePage):
        return None
    course = page.specific
    gaps = course_mapping_gaps(course)
    if gaps:
        wagtail_messages.warning(
            request,
            _("This course's mapping has %(count)s gap(s): %(gaps)s")
            % {"count": len(gaps), "gaps": " ".join(gaps)},
            buttons=[
                wagtail_messages.button(
                    reverse("content_framework:course_matrix", args=[course.pk]),
                    _("Mapping matrix"),
                )
            ],
        )
    return None


@hooks.register("before_publish_page")
def confirm_course_gaps(request, page):
    if not isinstance(page, CoursePage):
        return None
    if request.POST.get(CONFIRM_GAPS_PARAM) == "1":
        return None
    gaps = course_mapping_gaps(page)
    if not gaps:
        return None
    return TemplateResponse(
        request,
        "content/framework/admin/publish_confirm.html",
        {
            "page_title": _("Publish with mapping gaps?"),
            "header_icon": "warning",
            "course": page,
            "gaps": gaps,
            "confirm_param": CONFIRM_GAPS_PARAM,
            "matrix_url": reverse("content_framework:course_matrix", args=[page.pk])
            if page.pk
            else None,
        },
    )


@hooks.register("before_bulk_action")
def refuse_bulk_publish_with_gaps(request, action_type, objects, action_class_instance):
    """Bulk publishing cannot ask for the confirmation: courses with gaps go one by one."""
    if action_type != "publish":
        return None
    for obj in objects:
        course = obj.specific_deferred if isinstance(obj, Page) else obj
        if isinstance(course, CoursePage) and course_mapping_gaps(course):
            messages.error(
                request,
                _(
                    "Course “%(title)s” has mapping gaps; publish it from its edit page, where "
                    "you can confirm them."
                )
                % {"title": course.title},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
    return None


# --------------------------------------------------------------------------- deletion guard


@hooks.register("before_delete_snippet")
def refuse_protected_unit_delete(request, instances):
    units = [obj for obj in instances if isinstance(obj, CompetencyUnit)]
    for unit in units:
        blockers = unit_deletion_blockers(unit)
        if blockers:
            messages.error(
                request,
                _(
                    "Unit %(code)s cannot be deleted because other records refer to it: %(what)s. "
                    "Supersede it with a new version instead."
                )
                % {"code": unit.code, "what": ", ".join(blockers)},
            )
            return redirect(CompetencyUnit.snippet_viewset.get_url_name("list"))
    return None


# --------------------------------------------------------------------------- urls and menu


@hooks.register("register_admin_urls")
def framework_admin_urls():
    from django.urls import include

    urls = [
        path("import/", unit_import_view, name="unit_import"),
        path("mapping/", mapping_index_view, name="mapping_index"),
        path("mapping/unit/<id:pk>/", unit_matrix_view, name="unit_matrix"),
        path("mapping/unit/<id:pk>/export/<str:fmt>/", unit_matrix_view, name="unit_matrix_export"),
        path("mapping/course/<id:pk>/", course_matrix_view, name="course_matrix"),
        path(
            "mapping/course/<id:pk>/export/<str:fmt>/",
            course_matrix_view,
            name="course_matrix_export",
        ),
        path(
            "course/<id:pk>/publish-with-gaps/",
            course_publish_confirm_view,
            name="course_publish_confirm",
        ),
    ]
    return [path("framework/", include((urls, "content_framework"), namespace="content_framework"))]


class _AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return is_admin(request.user)


class _TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return _AdminOnlyMenuItem(
        gettext_lazy("Import a unit"),
        reverse("content_framework:unit_import"),
        icon_name="upload",
        order=251,
    )


@hooks.register("register_admin_menu_item")
def mapping_menu_item():
    return _TrainerMenuItem(
        gettext_lazy("Mapping matrix"),
        reverse("content_framework:mapping_index"),
        icon_name="table",
        order=252,
    )


__all__ = ["CompetencyItemChooserWidget", "IndicatorChooserWidget", "course_mapping_gaps"]
