"""Competency units in the Wagtail admin: a snippet viewset that trainers read (list, inspect
with the whole unit) and admins edit, with a permission policy to match; the edit form offers
only the unit's own tasks and parent items."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.snippets.views.snippets import InspectView as SnippetInspectView
from wagtail.snippets.views.snippets import SnippetViewSet

from content.models.framework import CompetencyItem, CompetencyUnit, WorkTask
from people.roles import TRAINER, is_trainer


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
            matrix_url=reverse("mapping_matrix:unit", args=[unit.pk]),
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
                    reverse("mapping_matrix:unit", args=[unit.pk]),
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
