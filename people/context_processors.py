from django.utils.translation import get_language_from_path

from people import roles as role_checks


def roles(request):
    user = request.user
    return {
        "role": {
            "trainee": role_checks.is_trainee(user),
            "trainer": role_checks.is_trainer(user),
            "assessor": role_checks.is_assessor(user),
            "admin": role_checks.is_admin(user),
        },
        "unprefixed_path": _unprefixed_path(request),
    }


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
