"""Writing a roster import: every row in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core.audit import audit_record
from people import roles
from people.models import Cohort, Profile, Store
from people.roster.invitation import invitation_queue
from people.roster.validate import ADMIN, CREATE, UPDATE, Plan, roster_plan, slug_code


class RosterInvalid(Exception):
    def __init__(self, plan: Plan):
        super().__init__("roster has errors")
        self.plan = plan


@dataclass
class RosterResult:
    created: int
    updated: int
    unchanged: int
    stores_created: int
    cohorts_created: int
    invited: int = 0


def _get_or_create(model, value: str, prefix: str):
    obj = model.objects.filter(code=value).first() or model.objects.filter(name=value).first()
    if obj is None:
        obj = model.objects.create(code=slug_code(value, prefix), name=value)
    return obj


@transaction.atomic
def roster_import_apply(*, by, rows: list[dict]) -> RosterResult:
    """Create or update one user (with profile, store, cohort and role) per row. The rows are
    planned again here, so a file that became invalid since the preview writes nothing.
    Each account created with an e-mail address is sent an invitation to choose a password
    (accounts that exist are never invited again)."""
    plan = roster_plan(rows, by=by)
    if not plan.valid:
        raise RosterInvalid(plan)
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_NAMES)}
    for name in roles.ROLE_NAMES:
        if name not in groups:
            groups[name] = Group.objects.create(name=name)
    stores = {
        v: _get_or_create(Store, v, "store") for v in {r["store"] for r in rows if r["store"]}
    }
    cohorts = {
        v: _get_or_create(Cohort, v, "cohort") for v in {r["cohort"] for r in rows if r["cohort"]}
    }
    invite = []
    for row in plan.rows:
        if row.action not in (CREATE, UPDATE):
            continue
        v = row.values
        user = User.objects.filter(username=v["username"]).first()
        if user is None:
            user = User(username=v["username"])
            user.set_unusable_password()
            if v["email"]:
                invite.append(user)
        user.email = v["email"]
        user.is_superuser = user.is_staff = row.role == ADMIN
        user.save()
        if row.role == ADMIN:
            user.groups.clear()
        else:
            user.groups.set([groups[row.role]])
        profile, _created = Profile.objects.get_or_create(
            user=user, defaults={"full_name": v["printed_name"]}
        )
        profile.full_name = v["printed_name"]
        profile.employee_number = v["employee_number"]
        if v["store"]:
            profile.store = stores[v["store"]]
        profile.clean()
        profile.save()
        if v["cohort"]:
            profile.cohorts.add(cohorts[v["cohort"]])
    for user in invite:
        invitation_queue(user=user, invited_by=by)
    result = RosterResult(
        created=plan.count(CREATE),
        updated=plan.count(UPDATE),
        unchanged=plan.count("unchanged"),
        stores_created=len(plan.new_stores),
        cohorts_created=len(plan.new_cohorts),
        invited=len(invite),
    )
    audit_record(
        actor=by,
        action="people.roster_import",
        obj=None,
        summary=f"Roster import: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.invited} invited",
        data=result.__dict__,
    )
    return result
