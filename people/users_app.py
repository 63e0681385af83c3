"""Wagtail's users app with our user viewset (people/admin_users.py). INSTALLED_APPS lists
`people.users_app.PeopleUsersConfig` in place of "wagtail.users": Wagtail 8 lets a project
swap the user viewset only through this app config."""

from wagtail.users.apps import WagtailUsersAppConfig


class PeopleUsersConfig(WagtailUsersAppConfig):
    user_viewset = "people.admin_users.UserViewSet"
