"""Django's model backend, fetching the signed-in user's profile (their printed name, store
and notification choices, shown on every page) in the same query as the user.

That query runs on every request, so its SQL is written once, here, rather than compiled by
the ORM each time (compiling it cost more than SQLite or PostgreSQL took to answer it). The
rows become model instances by Django's own `Model.from_db`, as a queryset's would."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from people.models import Profile, User


def _columns(model, alias: str) -> list[str]:
    quote = connection.ops.quote_name
    return [f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields]


@cache
def _user_sql() -> str:
    quote = connection.ops.quote_name
    user_pk = quote(User._meta.pk.column)
    profile_user = quote(Profile._meta.get_field("user").column)
    # Table and column names from the models, quoted; the user's id is a parameter.
    return (
        f"SELECT {', '.join(_columns(User, 'u') + _columns(Profile, 'p'))} "  # noqa: S608
        f"FROM {quote(User._meta.db_table)} u LEFT OUTER JOIN {quote(Profile._meta.db_table)} p "
        f"ON p.{profile_user} = u.{user_pk} WHERE u.{user_pk} = %s"
    )


def user_with_profile(user_id) -> User | None:
    """The user and their profile (None when there is no such user); one query."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a session from elsewhere: nobody
        return None
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user_fields = [field.attname for field in User._meta.concrete_fields]
    profile_fields = [field.attname for field in Profile._meta.concrete_fields]
    n = len(user_fields)
    user = User.from_db(connection.alias, user_fields, _converted(User, row[:n]))
    related = User.profile.related
    if row[n] is None:  # no profile: reading user.profile raises, as after select_related
        related.set_cached_value(user, None)
    else:
        profile = Profile.from_db(connection.alias, profile_fields, _converted(Profile, row[n:]))
        related.set_cached_value(user, profile)
        Profile.user.field.set_cached_value(profile, user)
    return user


def _converted(model, values) -> list:
    """The database's values as the fields hold them, by the converters a queryset applies
    (SQLite returns booleans as integers and dates as text)."""
    out = []
    for field, value in zip(model._meta.concrete_fields, values, strict=True):
        column, converters = _converters(model._meta.label, field.attname)
        for convert in converters:
            value = convert(value, column, connection)
        out.append(value)
    return out


@cache
def _converters(model_label: str, attname: str) -> tuple:
    from django.apps import apps

    model = apps.get_model(model_label)
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    column = field.get_col(model._meta.db_table)
    return column, tuple(
        connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    )


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_profile(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
