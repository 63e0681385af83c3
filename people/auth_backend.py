"""Django's model backend, fetching the signed-in user's profile (their printed name, store
and notification choices, shown on every page) and the names of their groups (the roles
every view checks) in the same query as the user.

That query runs on every request, so its SQL is written once, here, rather than compiled by
the ORM each time (compiling it cost more than SQLite or PostgreSQL took to answer it). The
rows become model instances by Django's own `Model.from_db`, as a queryset's would."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from people import roles
from people.models import Profile, User


def _columns(model, alias: str) -> list[str]:
    quote = connection.ops.quote_name
    return [f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields]


SEPARATOR = "\x1f"  # the ASCII unit separator: never in a group name an administrator types


def _group_names_column(user_pk: str) -> str:
    """The names of the user's groups (their roles, people/roles.py), joined by SEPARATOR."""
    quote = connection.ops.quote_name
    through = User.groups.through._meta
    group_column = quote(through.get_field("group").column)
    user_column = quote(through.get_field("user").column)
    if connection.vendor == "postgresql":
        join = "string_agg(g.name, chr(31))"
    else:
        join = "group_concat(g.name, char(31))"
    return (
        f"(SELECT {join} FROM {quote(Group._meta.db_table)} g "  # noqa: S608
        f"JOIN {quote(through.db_table)} m ON m.{group_column} = g.id "
        f"WHERE m.{user_column} = u.{user_pk})"
    )


@cache
def _user_sql() -> str:
    quote = connection.ops.quote_name
    user_pk = quote(User._meta.pk.column)
    profile_user = quote(Profile._meta.get_field("user").column)
    columns = [*_columns(User, "u"), *_columns(Profile, "p"), _group_names_column(user_pk)]
    # Table and column names from the models, quoted; the user's id is a parameter.
    return (
        f"SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM {quote(User._meta.db_table)} u LEFT OUTER JOIN {quote(Profile._meta.db_table)} p "
        f"ON p.{profile_user} = u.{user_pk} WHERE u.{user_pk} = %s"
    )


def user_with_profile(user_id) -> User | None:
    """The user with their profile and their groups' names (None when there is no such
    user); one query."""
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
    *row, group_names = row
    user = User.from_db(connection.alias, user_fields, _converted(User, row[:n]))
    roles.remember_role_names(user, group_names.split(SEPARATOR) if group_names else ())
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
