"""The four roles are Django groups; admins are superusers. Helpers here are the one
place that answers "what is this user?" for views, templates and tests."""

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


def _group_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def role_names(user) -> frozenset[str]:
    """The names of the groups this user is in (read once per request)."""
    return _group_names(user)


def remember_role_names(user, names) -> None:
    """Group names just read with something else (the user, people/auth_backend.py), used for the
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
