"""Wagtail's user admin with two changes: the groups field refuses ids no database can hold,
and role changes are audited.

Wagtail's own user forms build `groups` with Django's ModelMultipleChoiceField, which runs
`pk__in` on whatever was posted; a 20-digit id then raised OverflowError on SQLite (a 500).
Wagtail 8 lets a project swap the user viewset only through the users app config
(`people.users_app.PeopleUsersConfig`, listed in INSTALLED_APPS in place of "wagtail.users").

The create and edit forms also record role changes (groups, administrator, active) in the
audit log through people.services.user_roles_audit, in the transaction of the save; the user
list's bulk actions do the same through the hooks at the end of this module (registered in
people/wagtail_hooks.py)."""

from django.contrib.auth.models import Group
from django.utils.text import capfirst
from wagtail.log_actions import get_active_log_context
from wagtail.users import forms as wagtail_forms
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from core.forms import BoundedModelMultipleChoiceField
from people.models import User
from people.services import user_roles_audit, user_roles_of


def _groups_field(required: bool = False) -> BoundedModelMultipleChoiceField:
    return BoundedModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=required,
        widget=wagtail_forms.forms.CheckboxSelectMultiple,
        # Django's own translated field name, as Wagtail's form shows it.
        label=capfirst(User._meta.get_field("groups").verbose_name),
    )


def _admin_user():
    """Who is saving: Wagtail runs every admin view in a LogContext naming the user."""
    return get_active_log_context().user


class RolesAuditedSave:
    """Record the roles' change with the save (Wagtail saves the form in a transaction)."""

    def save(self, commit=True):
        before = user_roles_of(self.instance) if self.instance.pk else None
        user = super().save(commit=commit)
        if commit:
            user_roles_audit(actor=_admin_user(), user=user, before=before)
        return user


class UserCreationForm(RolesAuditedSave, wagtail_forms.UserCreationForm):
    groups = _groups_field()


class UserEditForm(RolesAuditedSave, wagtail_forms.UserEditForm):
    groups = _groups_field()


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return UserEditForm if for_update else UserCreationForm


# The user list's bulk actions (assign role, set active state) change roles without the
# forms above: the roles of each selected user are read before and recorded after.
_USER_ROLE_ACTIONS = ("assign_role", "set_active_state")


def _is_user_role_action(action_type: str, action) -> bool:
    return action_type in _USER_ROLE_ACTIONS and User in action.models


def before_user_bulk_action(request, action_type, objects, action) -> None:
    if _is_user_role_action(action_type, action):
        action.roles_before = {user.pk: user_roles_of(user) for user in objects}


def after_user_bulk_action(request, action_type, objects, action) -> None:
    if _is_user_role_action(action_type, action):
        for user in objects:
            before = getattr(action, "roles_before", {}).get(user.pk)
            user_roles_audit(actor=request.user, user=user, before=before)
