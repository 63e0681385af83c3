"""Admins manage stores, cohorts and people's profiles in the Wagtail admin. Trainers have
no permissions on these models (see people.services.roles_sync)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from people import admin_users
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

# The audit log of role changes made by the user list's bulk actions (people/admin_users.py)
hooks.register("before_bulk_action", admin_users.before_user_bulk_action)
hooks.register("after_bulk_action", admin_users.after_user_bulk_action)


# The staff roster import (people/admin_views/roster_import.py), under Settings, admins only
@hooks.register("register_admin_viewset")
def register_roster_import_viewset():
    from people.admin_views.roster_import import roster_import_viewset

    return roster_import_viewset
