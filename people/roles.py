"""The four roles are Django groups; admins are superusers. Helpers here are the one
place that answers "what is this user?" for views, templates and tests."""

from functools import cache

from django.db import connection
from django.utils.translation import gettext_lazy as _

TRAINEE = "Trainee"
TRAINER = "Trainer"
ASSESSOR = "Assessor"
TRAINING_MANAGER = "Training manager"
ROLE_NAMES = (TRAINEE, TRAINER, ASSESSOR, TRAINING_MANAGER)
ROLE_LABELS = {
    TRAINEE: _("Trainee"),
    TRAINER: _("Trainer"),
    ASSESSOR: _("Assessor"),
    TRAINING_MANAGER: _("Training manager"),
}


@cache
def _group_names_sql() -> str:
    """The one query every role check rests on, written once: as a queryset, Django compiled
    it anew on each request, which cost several times what SQLite took to run it."""
    from django.contrib.auth.models import Group

    from people.models import User

    through = User.groups.through._meta
    quote = connection.ops.quote_name
    group, member = quote(Group._meta.db_table), quote(through.db_table)
    # Table and column names from the models, quoted; the user's id is a parameter.
    return (
        f"SELECT {group}.{quote('name')} FROM {group} INNER JOIN {member} "  # noqa: S608
        f"ON {member}.{quote(through.get_field('group').column)} = {group}.{quote('id')} "
        f"WHERE {member}.{quote(through.get_field('user').column)} = %s"
    )


def _group_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_group_names_sql(), [user.pk])
            cached = frozenset(name for (name,) in cursor.fetchall())
        user._role_names = cached
    return cached


def role_names(user) -> frozenset[str]:
    """The names of the groups this user is in (read once per request)."""
    return _group_names(user)


def remember_role_names(user, names) -> None:
    """Group names just read with something else (training/page_cache.py), used for the
    rest of this request (the user object lives for one request)."""
    user._role_names = frozenset(names)


def is_trainee(user) -> bool:
    return TRAINEE in _group_names(user)


def is_trainer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or TRAINER in _group_names(user))


def is_assessor(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ASSESSOR in _group_names(user))


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


def is_training_manager(user) -> bool:
    """Runs a roll-out (roster, progress): never judges, never sees evidence."""
    return user.is_authenticated and TRAINING_MANAGER in _group_names(user)


def may_run_rollout(user) -> bool:
    """Admins and training managers import the roster and read the progress report."""
    return is_admin(user) or is_training_manager(user)


def may_decide(user) -> bool:
    """Only members of the Assessor group judge and decide; being a superuser is not enough
    (an administrator who also assesses is put in the Assessor group explicitly)."""
    return user.is_authenticated and ASSESSOR in _group_names(user)
