"""A competency unit that other records refer to is never deleted in the admin: it is
superseded by a new version instead. Runs before core's general guard for
protected records (core/admin_deletion.py), so the message names what a unit needs."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from content.models.framework import CompetencyUnit
from content.services.units import unit_deletion_blockers


def refuse_protected_unit_delete(request, instances):
    """`before_delete_snippet`."""
    for unit in (obj for obj in instances if isinstance(obj, CompetencyUnit)):
        blockers = unit_deletion_blockers(unit)
        if blockers:
            messages.error(
                request,
                _(
                    "Unit %(code)s cannot be deleted because other records refer to it: %(what)s. "
                    "Supersede it with a new version instead."
                )
                % {"code": unit.code, "what": ", ".join(blockers)},
            )
            return redirect(CompetencyUnit.snippet_viewset.get_url_name("list"))
    return None
