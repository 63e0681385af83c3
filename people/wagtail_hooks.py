"""Admins manage stores, cohorts and people's profiles in the Wagtail admin. Trainers have
no permissions on these models (see people.services.roles_sync)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core import admin_deletion
from people.models import Cohort, Profile, Store


class StoreViewSet(SnippetViewSet):
    model = Store
    icon = "home"
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    panels = [FieldPanel("code"), FieldPanel("name")]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["code", "name", "starts_on"]
    search_fields = ["code", "name"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("starts_on")]


class ProfileViewSet(SnippetViewSet):
    model = Profile
    icon = "user"
    list_display = ["full_name", "user", "employee_number", "store"]
    list_filter = ["store", "cohorts"]
    search_fields = ["full_name", "employee_number", "user__username"]
    panels = [
        FieldPanel("user", read_only=True),
        FieldPanel("full_name"),
        FieldPanel("employee_number"),
        FieldPanel("store"),
        FieldPanel("cohorts"),
    ]

    def get_queryset(self, request):
        return Profile.objects.select_related("user", "store")


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (StoreViewSet, CohortViewSet, ProfileViewSet)
    menu_icon = "group"
    menu_label = _("People")
    menu_name = "people"


register_snippet(PeopleViewSetGroup)


# Deleting what records refer to through on_delete=PROTECT is refused with a message, never
# a ProtectedError (500). Snippets: after the apps' own, more specific guards (order).
hooks.register("before_delete_user", admin_deletion.refuse_protected_user_delete)
hooks.register("before_delete_snippet", admin_deletion.refuse_protected_snippet_delete, order=100)
hooks.register("before_delete_page", admin_deletion.refuse_protected_page_delete, order=100)
hooks.register("before_bulk_action", admin_deletion.refuse_protected_bulk_delete, order=100)
