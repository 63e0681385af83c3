"""Writes about people: the role groups and their permissions, user accounts and their
profiles."""

import unicodedata

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from people import roles
from people.models import Cohort, Profile, Store, User

# Trainers get every model permission of these apps: they author the question bank and the
# observation items as snippets. Competency units keep their own permission policy (read-only
# for trainers); pages are granted on the page tree below.
TRAINER_SNIPPET_APPS = ("content",)
TRAINER_MEDIA_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the three role groups and (re)grant their permissions. Idempotent: run after
    every migrate, since later migrations add models trainers must be able to edit."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLE_NAMES}

    trainer = groups[roles.TRAINER]
    perms = list(Permission.objects.filter(content_type__app_label__in=TRAINER_SNIPPET_APPS))
    perms.append(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for app_label, codename in TRAINER_MEDIA_PERMISSIONS:
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    trainer.permissions.set(perms)

    root = Page.get_first_root_node()
    if root is not None:
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=trainer, page=root, permission=permission
            )
    # Assessors and trainees work in the site's own areas; neither gets the Wagtail admin.
    groups[roles.ASSESSOR].permissions.clear()
    groups[roles.TRAINEE].permissions.clear()
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
) -> User:
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
    return user
