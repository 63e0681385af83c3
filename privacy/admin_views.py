"""The Wagtail admin of personal data, for administrators only: the retention rules (one per
kind of record, edited with the minimums of privacy.record_kinds enforced by the form), the
log of retention runs, and the erasure request page (choose a person; see what can be erased
now and what must be kept until when and why; confirm)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy

from core.admin_roles import RoleRequiredMixin, RoleViewSet
from people.roles import is_admin
from privacy.forms import ErasureConfirmForm, RetentionRuleForm
from privacy.models import RetentionRule, RetentionRun
from privacy.retention import erasure_plan, is_anonymised
from privacy.services import erasure_perform

SEARCH_LIMIT = 30


class AdminOnlyPolicy(BasePermissionPolicy):
    """Active superusers may do `actions` (rules: view and change; nobody adds or deletes
    them, they are seeded one per kind; runs: view only, the job writes them)."""

    def __init__(self, model, actions=("view", "change")):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects
        if not self.actions.intersection(actions):
            return users.none()
        return users.filter(is_active=True, is_superuser=True)


class RetentionRuleViewSet(ModelViewSet):
    model = RetentionRule
    icon = "time"
    menu_label = gettext_lazy("Retention rules")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            HelpPanel(
                content=gettext_lazy(
                    "Minimums: assessment evidence, quiz and scenario records and decisions at "
                    "least 84 months (7 years) after the decision; the certificate register is "
                    "always kept, at least 360 months (30 years)."
                )
            ),
            FieldPanel("months"),
            FieldPanel("action"),
        ],
        base_form_class=RetentionRuleForm,
    )
    list_display = [
        TitleColumn(
            "kind",
            label=gettext_lazy("kind of record"),
            accessor="get_kind_display",
            url_name="retention_rules:edit",
        ),
        Column("months", label=gettext_lazy("keep for (months)")),
        Column("action", label=gettext_lazy("when the period ends"), accessor="get_action_display"),
        DateColumn("updated_at", label=gettext_lazy("changed at")),
    ]
    list_per_page = 50
    search_fields = None

    def get_permissions_to_register(self):
        return Permission.objects.none()


def _local_time(run: RetentionRun) -> str:
    """The run's time in the site's time zone, as the title linking to its details."""
    return date_format(timezone.localtime(run.started_at), "Y-m-d H:i")


class RetentionRunViewSet(ModelViewSet):
    model = RetentionRun
    icon = "list-ul"
    menu_label = gettext_lazy("Retention runs")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "started_at",
        "as_of",
        "dry_run",
        "trigger",
        "actor_label",
        "counts",
        "total",
    ]
    list_display = [
        TitleColumn(
            "started_at",
            label=gettext_lazy("run at"),
            accessor=_local_time,
            url_name="retention_runs:inspect",
        ),
        Column("trigger", label=gettext_lazy("started by"), accessor="get_trigger_display"),
        BooleanColumn("dry_run", label=gettext_lazy("dry run")),
        Column("total", label=gettext_lazy("records changed")),
    ]
    list_filter = ["dry_run", "trigger"]
    list_per_page = 50

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
        ]


class PrivacyViewSetGroup(ModelViewSetGroup):
    items = (
        RetentionRuleViewSet("retention_rules", url_prefix="privacy/retention-rules"),
        RetentionRunViewSet("retention_runs", url_prefix="privacy/retention-runs"),
    )
    menu_label = gettext_lazy("Personal data")
    menu_icon = "lock"
    menu_order = 870


# ---- the erasure request ---------------------------------------------------------------


def _people_matching(query: str):
    users = get_user_model().objects.select_related("profile").order_by("username")
    query = query.strip()[:100]
    if not query:
        return users.none()
    return users.filter(
        Q(username__icontains=query)
        | Q(email__icontains=query)
        | Q(profile__full_name__icontains=query)
        | Q(profile__employee_number__iexact=query)
    )[:SEARCH_LIMIT]


class ErasureIndexView(RoleRequiredMixin, WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Erasure requests")
    header_icon = "bin"
    template_name = "privacy/admin/erasure_index.html"
    detail_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request):
        query = request.GET.get("q", "")
        people = list(_people_matching(query))
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(
                query=query[:100],
                people=[
                    (person, reverse(self.detail_url_name, args=[person.pk])) for person in people
                ],
            ),
        )


class ErasureDetailView(RoleRequiredMixin, WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Erasure request")
    header_icon = "bin"
    template_name = "privacy/admin/erasure_detail.html"
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.person = get_object_or_404(
            get_user_model().objects.select_related("profile"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return f"{self.person.printed_name} ({self.person.username})"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Erasure requests")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def render(self, form, status=200):
        now = timezone.now()
        plan = erasure_plan(self.person, now=now)
        return TemplateResponse(
            self.request,
            self.template_name,
            self.get_context_data(
                person=self.person,
                plan=plan,
                erasable_total=sum(item.erasable for item in plan),
                kept_total=sum(item.kept for item in plan),
                anonymised=is_anonymised(self.person),
                form=form,
                index_url=reverse(self.index_url_name),
            ),
            status=status,
        )

    def get(self, request, pk):
        return self.render(ErasureConfirmForm())

    def post(self, request, pk):
        form = ErasureConfirmForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        if self.person.pk == request.user.pk:
            form.add_error(None, _("You cannot erase your own account here."))
            return self.render(form, status=400)
        run = erasure_perform(user=self.person, actor=request.user)
        messages.success(
            request,
            _("%(count)d records erased or anonymised; the rest is kept as listed.")
            % {"count": run.total},
        )
        return redirect(reverse(self.index_url_name.replace("index", "detail"), args=[pk]))


class ErasureViewSet(RoleViewSet):
    user_check = staticmethod(is_admin)
    icon = "bin"
    menu_label = gettext_lazy("Erasure requests")
    menu_name = "privacy-erasure"
    menu_order = 620
    add_to_settings_menu = True

    def get_urlpatterns(self):
        index = self.construct_view(ErasureIndexView, detail_url_name=self.get_url_name("detail"))
        detail = self.construct_view(ErasureDetailView, index_url_name=self.get_url_name("index"))
        return [path("", index, name="index"), path("<id:pk>/", detail, name="detail")]


erasure_viewset = ErasureViewSet("privacy_erasure", url_prefix="privacy/erasure")
privacy_viewset_group = PrivacyViewSetGroup()
