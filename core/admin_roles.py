"""Bespoke admin screens open to one role: a `ViewSet` whose views refuse everyone its
`user_check` rejects and whose sidebar item (a `RoleMenuItem`) only they see;
`RoleReportViewSet` is one under Reports, made of an index and one report per object.

`user_check` is a predicate on the user from the registering app (`people.roles.is_trainer`,
`is_admin`, ...), declared as `staticmethod(...)` on the class. A refused user gets
`PermissionDenied`, which Wagtail's admin turns into its own "permission denied" redirect."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from wagtail.admin.viewsets.base import ViewSet

from core.menu import RoleMenuItem


class RoleRequiredMixin:
    """For admin views: deny unless `user_check(user)` (nobody passes when it is unset)."""

    user_check = None

    def dispatch(self, request, *args, **kwargs):
        if self.user_check is None or not self.user_check(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RoleViewSet(ViewSet):
    user_check = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(user_check=self.user_check, **kwargs)

    def get_menu_item(self, order=None):
        return RoleMenuItem(
            self.menu_label,
            self.menu_url,
            shown_to=self.user_check,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )


class ReportDetailMixin:
    """For the detail view of a `RoleReportViewSet`: titled "report: object" (the object's
    name is `get_page_subtitle()`), with breadcrumbs Home > report > object."""

    index_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.get_page_title()},
            {"url": "", "label": self.get_page_subtitle()},
        ]


class RoleReportViewSet(RoleViewSet):
    """Under Reports: `index_view_class` lists the objects (it receives `detail_url_name`),
    `detail_view_class` reports on one, at `<id:{detail_kwarg}>/` (it receives
    `index_url_name`, for its breadcrumbs)."""

    menu_hook = "register_reports_menu_item"
    index_view_class = None
    detail_view_class = None
    detail_kwarg = "pk"

    @property
    def index_view(self):
        detail_url_name = self.get_url_name("detail")
        return self.construct_view(self.index_view_class, detail_url_name=detail_url_name)

    @property
    def detail_view(self):
        index_url_name = self.get_url_name("index")
        return self.construct_view(self.detail_view_class, index_url_name=index_url_name)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path(f"<id:{self.detail_kwarg}>/", self.detail_view, name="detail"),
        ]
