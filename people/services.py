"""Writes about people: the role groups and their permissions, user accounts and their
profiles."""

import unicodedata

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail import hooks
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from people import roles
from people.models import Cohort, Profile, Store, User

# Trainers get every model permission of these apps: they author the question bank and the
# observation items as snippets. Competency units keep their own permission policy (read-only
# for trainers). Images and documents are granted on the root collection (Wagtail's media
# permission policies read collection permissions, not model permissions).
TRAINER_SNIPPET_APPS = ("content",)
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
