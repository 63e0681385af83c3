"""Wagtail's user admin with one change: the groups field refuses ids no database can hold.

Wagtail's own user forms build `groups` with Django's ModelMultipleChoiceField, which runs
`pk__in` on whatever was posted; a 20-digit id then raised OverflowError on SQLite (a 500).
Wagtail 8 lets a project swap the user viewset only through the users app config
(`people.users_app.PeopleUsersConfig`, listed in INSTALLED_APPS in place of "wagtail.users")."""

from django.contrib.auth.models import Group
from django.utils.text import capfirst
from wagtail.users import forms as wagtail_forms
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from core.forms import BoundedModelMultipleChoiceField
from people.models import User


def _groups_field(required: bool = False) -> BoundedModelMultipleChoiceField:
    return BoundedModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=required,
        widget=wagtail_forms.forms.CheckboxSelectMultiple,
        # Django's own translated field name, as Wagtail's form shows it.
        label=capfirst(User._meta.get_field("groups").verbose_name),
    )


class UserCreationForm(wagtail_forms.UserCreationForm):
    groups = _groups_field()


class UserEditForm(wagtail_forms.UserEditForm):
    groups = _groups_field()


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return UserEditForm if for_update else UserCreationForm
