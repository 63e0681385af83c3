"""View guards for the roles. Anonymous users are sent to log in; signed-in users without
the role get 403, so a wrong role never looks like a missing page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from people import roles


def role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


trainee_required = role_required(roles.is_trainee)
trainer_required = role_required(roles.is_trainer)
assessor_required = role_required(roles.is_assessor)
admin_required = role_required(roles.is_admin)
decider_required = role_required(roles.may_decide)
