from people import roles
from people.models import User
from people.services import user_create

_counter = iter(range(1, 10**9))

PASSWORD = "Pass-word-123"


def make_user(
    role: str | None = None, *, superuser: bool = False, name: str | None = None, **kw
) -> User:
    """Create a user through the real service, with a role group and a profile."""
    n = next(_counter)
    return user_create(
        username=kw.pop("username", f"user{n}"),
        password=kw.pop("password", PASSWORD),
        full_name=name or f"測試使用者{n}",
        email=kw.pop("email", f"user{n}@example.test"),
        role=role,
        is_superuser=superuser,
        **kw,
    )


def make_trainee(**kw) -> User:
    return make_user(roles.TRAINEE, **kw)


def make_trainer(**kw) -> User:
    return make_user(roles.TRAINER, **kw)


def make_assessor(**kw) -> User:
    return make_user(roles.ASSESSOR, **kw)


def make_admin(**kw) -> User:
    return make_user(None, superuser=True, **kw)
