"""Django's database sessions, read with SQL written once (SESSION_ENGINE). Every request
of a signed-in person reads their session first; compiled by the ORM each time, that read
cost several times what the database took to answer it. Writing, expiry and clearing are
Django's own."""

from functools import cache

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone


@cache
def _load_sql() -> str:
    quote = connection.ops.quote_name
    meta = Session._meta
    key, data, expiry = (
        quote(meta.get_field(name).column)
        for name in ("session_key", "session_data", "expire_date")
    )
    # Table and column names from the model, quoted; the key and the time are parameters.
    return f"SELECT {data} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608


class SessionStore(db.SessionStore):
    def load(self):
        if not self.session_key:
            return {}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # none, or expired: as Django's, a new session from here on
            self._session_key = None
            return {}
        return self.decode(row[0])
