"""Wagtail admin for the outbox. Superusers list deliveries (failed first; filter by status
and kind; search by address or subject), inspect one and resend a failed one. Bodies are never
shown: password-reset and third-party report links are secrets. Nobody else gets in, whatever
group permissions say; nobody adds, edits or deletes deliveries."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from core.models import Delivery
from core.services import DeliveryError, delivery_resend


class DeliveryPermissionPolicy(BasePermissionPolicy):
    """Active superusers may view and resend; no other action exists."""

    actions = frozenset({"view", "resend"})

    @staticmethod
    def _is_admin(user) -> bool:
        return bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser
        )

    def user_has_permission(self, user, action):
        return action in self.actions and self._is_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects
        if not self.actions.intersection(actions):
            return users.none()
        return users.filter(is_active=True, is_superuser=True)


def _resend_button(url_name: str, delivery: Delivery) -> Button:
    return Button(
        _("Resend"),
        url=reverse(url_name, args=[delivery.pk]),
        icon_name="mail",
        priority=5,
        attrs={"data-testid": f"delivery-resend-{delivery.pk}"},
    )


class DeliveryIndexView(IndexView):
    resend_url_name = None

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                status_rank=Case(
                    When(status=Delivery.Status.FAILED, then=Value(0)),
                    When(status=Delivery.Status.QUEUED, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
        )

    def order_queryset(self, queryset):
        if self.is_explicitly_ordered and self.ordering:
            return super().order_queryset(queryset)
        return queryset.order_by("status_rank", "-created_at", "-pk")  # failed first

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == Delivery.Status.FAILED and self.user_has_permission("resend"):
            buttons.append(
                MenuItem(
                    _("Resend"),
                    url=reverse(self.resend_url_name, args=[instance.pk]),
                    icon_name="mail",
                    priority=5,
                )
            )
        return buttons


class DeliveryInspectView(InspectView):
    resend_url_name = None

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value in (None, "") else value

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.status == Delivery.Status.FAILED and self.user_has_permission("resend"):
            buttons.append(_resend_button(self.resend_url_name, self.object))
        return buttons


class DeliveryResendView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST queues the failed delivery again."""

    model = Delivery
    permission_required = "resend"
    template_name = "core/admin/delivery_resend.html"
    page_title = gettext_lazy("Resend e-mail")
    header_icon = "mail"
    index_url_name = None
    resend_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Delivery, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.object.subject

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Delivery._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            delivery=self.object,
            resend_url=reverse(self.resend_url_name, args=[self.object.pk]),
            index_url=reverse(self.index_url_name),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            delivery_resend(delivery=self.object, by=request.user)
        except DeliveryError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("The e-mail to %(recipient)s is queued again.")
                % {"recipient": self.object.recipient},
            )
        return redirect(self.index_url_name)


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "mail"
    menu_label = gettext_lazy("E-mail deliveries")
    menu_order = 860
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    search_backend_name = None
    list_per_page = 50
    # Never the bodies or headers: they may hold password-reset or report links.
    inspect_view_fields = [
        "status",
        "recipient",
        "subject",
        "kind",
        "language",
        "from_email",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]

    @cached_property
    def list_display(self):
        return [
            "subject",
            Column("recipient", label=gettext_lazy("recipient"), sort_key="recipient"),
            StatusTagColumn(
                "get_status_display",
                label=gettext_lazy("status"),
                sort_key="status",
                primary=lambda delivery: delivery.status == Delivery.Status.SENT,
            ),
            Column("kind", label=gettext_lazy("kind"), sort_key="kind"),
            Column("attempts", label=gettext_lazy("attempts"), sort_key="attempts"),
            Column(
                "last_error",
                label=gettext_lazy("last error"),
                accessor=lambda delivery: Truncator(delivery.last_error).chars(120),
            ),
            DateColumn("created_at", label=gettext_lazy("created at"), sort_key="created_at"),
            DateColumn("sent_at", label=gettext_lazy("sent at"), sort_key="sent_at"),
        ]

    def get_permissions_to_register(self):
        return Permission.objects.none()  # group permissions grant nothing here

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(resend_url_name=self.get_url_name("resend"), **kwargs)

    @property
    def resend_view(self):
        return self.construct_view(
            DeliveryResendView,
            index_url_name=self.get_url_name("index"),
            resend_url_name=self.get_url_name("resend"),
        )

    def get_urlpatterns(self):
        # Read-only: no add, edit, copy, delete, history or usage views exist at all.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
            path("resend/<id:pk>/", self.resend_view, name="resend"),
        ]


delivery_viewset = DeliveryViewSet("deliveries", url_prefix="deliveries")
