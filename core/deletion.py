"""What keeps rows from being deleted.

Foreign keys with on_delete=PROTECT (or RESTRICT) make `Model.delete()` raise ProtectedError
(RestrictedError), and an admin screen that does not expect it answers 500. Asking first,
with the same collector `delete()` runs, gives the answer without deleting anything.
"""

from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def deletion_blockers(objects) -> list[tuple[str, int]]:
    """(verbose name plural, count) of the rows that refer to `objects` through PROTECT or
    RESTRICT foreign keys, directly or through rows the deletion would cascade to, sorted
    by name; empty when `objects` may be deleted. Reads only."""
    objects = list(objects)
    if not objects:
        return []
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except ProtectedError as exc:
        blocking = exc.protected_objects
    except RestrictedError as exc:
        blocking = exc.restricted_objects
    else:
        return []
    rows: dict[str, set] = {}
    for obj in blocking:
        rows.setdefault(capfirst(str(obj._meta.verbose_name_plural)), set()).add(
            (obj._meta.label, obj.pk)
        )
    return sorted((name, len(keys)) for name, keys in rows.items())


def blockers_text(blockers: list[tuple[str, int]]) -> str:
    """The blockers as one line, e.g. "Decisions (3), Audit log (12)"."""
    return pgettext("list separator", ", ").join(
        _("%(records)s (%(count)d)") % {"records": name, "count": count} for name, count in blockers
    )
