"""Wagtail's user admin with two changes: the groups field refuses ids no database can hold,
and role changes are audited.

Wagtail's own user forms build `groups` with Django's ModelMultipleChoiceField, which runs
`pk__in` on whatever was posted; a 20-digit id then raised OverflowError on SQLite (a 500).
Wagtail 8 lets a project swap the user viewset only through the users app config
(`people.users_app.PeopleUsersConfig`, listed in INSTALLED_APPS in place of "wagtail.users").

The create and edit forms also record role changes (groups, administrator, active) in the
audit log through people.services.user_roles_audit, in the transaction of the save; the user
list's bulk actions do the same through the hooks at the end of this module (registered in
people/wagtail_hooks.py).

Names: the project keeps one printed name (people.Profile.full_name; Chinese names have no
first/last split), so Wagtail's first and last name fields are optional here and in the
account settings (`/admin/account/`, whose "Name" panel otherwise refused every save while
they were empty: `account_name_form_install`, run when this module loads with the admin's
hooks), and the user list shows the printed name. Role groups are shown by their
translated labels (people.roles.ROLE_LABELS): their stored names are the identifiers role
checks use, so they are never renamed."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views import account as wagtail_account
from wagtail.log_actions import get_active_log_context
from wagtail.users import forms as wagtail_forms
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from core.forms import BoundedModelMultipleChoiceField
from people.models import User
from people.roles import ROLE_LABELS
from people.services import user_roles_audit, user_roles_of

NAME_HELP = gettext_lazy(
    "Optional. Certificates print the full name of the person's profile, which an "
    "administrator keeps."
)


def _optional_name(label) -> forms.CharField:
    return forms.CharField(required=False, label=label, help_text=NAME_HELP)


def role_label(group: Group) -> str:
    """A group's name as people read it: the translated role label for our roles."""
    return str(ROLE_LABELS.get(group.name, group.name))


class RoleGroupsField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj)


def _groups_field(required: bool = False) -> BoundedModelMultipleChoiceField:
    return RoleGroupsField(
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
    first_name = _optional_name(gettext_lazy("First Name"))
    last_name = _optional_name(gettext_lazy("Last Name"))


class UserEditForm(RolesAuditedSave, wagtail_forms.UserEditForm):
    groups = _groups_field()
    first_name = _optional_name(gettext_lazy("First Name"))
    last_name = _optional_name(gettext_lazy("Last Name"))


class AccountNameEmailForm(NameEmailForm):
    """Wagtail's account "Name" panel with the names optional (Wagtail requires both)."""

    first_name = _optional_name(gettext_lazy("First Name"))
    last_name = _optional_name(gettext_lazy("Last Name"))


def account_name_form_install() -> None:
    """Wagtail 8 builds the account page's "Name" panel from
    `NameEmailSettingsPanel.form_class` and offers no setting or hook to replace that panel
    (`register_account_settings_panel` only adds panels), so the class attribute is set to
    the form above."""
    wagtail_account.NameEmailSettingsPanel.form_class = AccountNameEmailForm


account_name_form_install()


class UserIndexView(WagtailUserIndexView):
    """The user list names people by their printed name (one query: the profile is
    joined)."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("profile")

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            sign = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{sign}profile__full_name", f"{sign}username")
        return super().order_queryset(queryset)

    @cached_property
    def columns(self):
        columns = list(super().columns)
        for column in columns:
            if column.name == "name":
                column.accessor = lambda user: user.printed_name
        return columns


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView

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
