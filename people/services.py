"""Writes about people: the role groups and their permissions, user accounts and their
profiles."""

import unicodedata

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from core.audit import audit_record
from core.models import AuditEntry
from people import roles
from people.models import Cohort, Profile, Store, User

# Trainers get the model permissions of these apps: they author the question bank and the
# observation items as snippets. Competency units keep their own permission policy (read-only
# for trainers). Images and documents are granted on the root collection (Wagtail's media
# permission policies read collection permissions, not model permissions).
TRAINER_SNIPPET_APPS = ("content",)
# ...except these actions, on every model of those apps: what trainers change reaches
# trainees only through the two-person review (no `publish_<model>`), and deleting live
# content is an admin action (no `delete_<model>`).
TRAINER_WITHHELD_ACTIONS = ("publish", "delete")
TRAINER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
# Page permissions trainers may hold, and only on the course index (granted there by
# content.services.review.review_workflow_ensure). Never `publish_page`: in Wagtail it also
# grants unpublish, deleting and moving live pages and copy-and-publish; trainers publish
# through the two-person review workflow instead.
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
# Other apps finish the roles here (content: the review workflow and the page permissions on
# the course index); called with the groups, after the groups and their permissions exist.
ROLES_SYNCED_HOOK = "people_roles_synced"


def _codename_of_actions(actions: tuple[str, ...]) -> Q:
    """Model permission codenames of these actions (`<action>_<model>`)."""
    query = Q()
    for action in actions:
        query |= Q(codename__startswith=f"{action}_")
    return query


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the four role groups and (re)grant their permissions. Idempotent: run after
    every migrate, since later migrations add models trainers must be able to edit."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLE_NAMES}

    trainer = groups[roles.TRAINER]
    perms = list(
        Permission.objects.filter(content_type__app_label__in=TRAINER_SNIPPET_APPS).exclude(
            _codename_of_actions(TRAINER_WITHHELD_ACTIONS)
        )
    )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    perms.append(access_admin)
    trainer.permissions.set(perms)

    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    wanted = []
    for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        wanted.append(
            GroupCollectionPermission.objects.get_or_create(
                group=trainer, collection=collection, permission=permission
            )[0].pk
        )
    GroupCollectionPermission.objects.filter(group=trainer).exclude(pk__in=wanted).delete()

    # Page permissions live on the course index only: drop what earlier versions granted on
    # the root and any page permission outside TRAINER_PAGE_PERMISSIONS (publish_page).
    GroupPagePermission.objects.filter(group=trainer).exclude(
        permission__codename__in=TRAINER_PAGE_PERMISSIONS
    ).delete()
    GroupPagePermission.objects.filter(group=trainer, page__depth__lte=2).delete()
    # Assessors and trainees work in the site's own areas; neither gets the Wagtail admin.
    groups[roles.ASSESSOR].permissions.clear()
    groups[roles.TRAINEE].permissions.clear()
    # Training managers run a roll-out from the Wagtail admin (the roster import and the
    # screens gated by `roles.may_run_rollout`): the admin itself and nothing else, so no
    # page, snippet, image or document rights, and no assessment rights.
    manager = groups[roles.TRAINING_MANAGER]
    manager.permissions.set([access_admin])
    GroupPagePermission.objects.filter(group=manager).delete()
    GroupCollectionPermission.objects.filter(group=manager).delete()
    for fn in hooks.get_hooks(ROLES_SYNCED_HOOK):
        fn(groups)
    return groups


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    full_name: str,
    email: str = "",
    role: str | None = None,
    is_superuser: bool = False,
    store: Store | None = None,
    cohorts: list[Cohort] | tuple[Cohort, ...] = (),
    employee_number: str = "",
    actor: User | None = None,
) -> User:
    """`actor` is the admin creating the account (None for loaders and commands); the
    roles given are recorded in the audit log."""
    user = User(username=username, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(
        user=user,
        full_name=unicodedata.normalize("NFC", full_name.strip()),
        employee_number=employee_number,
        store=store,
    )
    if cohorts:
        user.profile.cohorts.set(cohorts)
    if role:
        user.groups.add(Group.objects.get(name=role))
    user_roles_audit(actor=actor, user=user, before=None)
    return user


# What the audit log compares for `user.roles_changed`: the groups (roles), the superuser flag
# (administrators) and whether the account is active.
NO_ROLES = {"groups": [], "is_superuser": False, "is_active": True}


def user_roles_of(user: User) -> dict:
    """A user's roles as stored, for `user_roles_audit(before=...)`: read this before a
    change is saved."""
    stored = User.objects.get(pk=user.pk)
    return {
        "groups": sorted(stored.groups.values_list("name", flat=True)),
        "is_superuser": stored.is_superuser,
        "is_active": stored.is_active,
    }


@transaction.atomic
def user_roles_audit(*, actor: User | None, user: User, before: dict | None) -> AuditEntry | None:
    """After a user's account was saved (created when `before` is None): if the roles,
    the superuser flag or the active flag changed, record `user.roles_changed` with before
    and after. Called by every place that changes them (user_create, the Wagtail user
    admin's forms and bulk actions)."""
    before = before or NO_ROLES
    after = user_roles_of(user)
    if after == before:
        return None
    changes = []
    added = [g for g in after["groups"] if g not in before["groups"]]
    removed = [g for g in before["groups"] if g not in after["groups"]]
    if added:
        changes.append("+" + ", +".join(added))
    if removed:
        changes.append("-" + ", -".join(removed))
    if after["is_superuser"] != before["is_superuser"]:
        changes.append(("+" if after["is_superuser"] else "-") + _("administrator"))
    if after["is_active"] != before["is_active"]:
        changes.append(_("account reactivated") if after["is_active"] else _("account deactivated"))
    # The row names the user by id and in the summary, not as `trainee`: that reference is
    # protected, and a role change alone must not keep an account from being deleted.
    return audit_record(
        actor=actor,
        action="user.roles_changed",
        obj=user,
        summary=f"{user.printed_name} ({user.username}): {'; '.join(changes)}",
        data={"before": before, "after": after},
    )
