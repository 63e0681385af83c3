from django.utils.translation import get_language_from_path

from people import roles as role_checks
from people.notifications import unread_count

# The header's sections (the links' data-nav names) by URL name, first match wins: the
# current section's link carries aria-current="page".
_SECTIONS = (
    ("training:manage_", "enrolments"),
    ("training:marking", "marking"),
    ("training:", "learning"),
    ("wagtail_serve", "learning"),  # lessons, quizzes and scenarios are course pages
    ("assessments:me", "my-evidence"),
    ("assessments:my_", "my-evidence"),
    ("assessments:certificate", "certificates"),
    ("assessments:marking", "marking"),
    ("assessments:moderation", "moderation"),
    ("assessments:todo", "todo"),
    ("assessments:", "assessing"),
    ("notification", "notifications"),
    ("profile", "profile"),
)


def roles(request):
    user = request.user
    return {
        "role": {
            "trainee": role_checks.is_trainee(user),
            "trainer": role_checks.is_trainer(user),
            "assessor": role_checks.is_assessor(user),
            "admin": role_checks.is_admin(user),
            "training_manager": role_checks.is_training_manager(user),
            # The roster import (and the roll-out screens): admins and training managers.
            "rollout": role_checks.may_run_rollout(user),
        },
        "unprefixed_path": _unprefixed_path(request),
        "nav_section": nav_section(request),
        # Called by the template only where it shows the count: one query, none for visitors.
        "unread_notifications": _UnreadCount(user),
    }


class _UnreadCount:
    """The signed-in person's unread notifications, counted once, when first shown."""

    def __init__(self, user):
        self.user = user
        self.value = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = unread_count(self.user)
        return self.value


def nav_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "view_name", "") or ""
    for prefix, section in _SECTIONS:
        if name.startswith(prefix):
            return section
    return ""


def _unprefixed_path(request) -> str:
    """The current URL in the default language: `set_language` resolves `next` with the
    default language active, then translates it to the chosen one."""
    path = request.get_full_path()
    language = get_language_from_path(request.path_info)
    if language:
        prefix = f"/{language}/"
        if path.startswith(prefix):
            return "/" + path[len(prefix) :]
    return path
