"""Writing a roster import: every row in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

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


def _by_code_or_name(model, values: set[str], prefix: str) -> dict:
    """The store (or cohort) each value names, by code or else by name, those not found
    created: one query to find them and one to create the missing, whatever the number."""
    if not values:
        return {}
    existing = list(model.objects.filter(Q(code__in=values) | Q(name__in=values)))
    by_code = {obj.code: obj for obj in existing}
    by_name: dict[str, object] = {}
    for obj in existing:  # in the model's order (by code), as .first() took them
        by_name.setdefault(obj.name, obj)
    found = {v: by_code.get(v) or by_name.get(v) for v in values}
    missing = sorted(v for v, obj in found.items() if obj is None)
    created = model.objects.bulk_create([model(code=slug_code(v, prefix), name=v) for v in missing])
    found.update(zip(missing, created, strict=True))
    return found


@transaction.atomic
def roster_import_apply(*, by, rows: list[dict]) -> RosterResult:
    """Create or update one user (with profile, store, cohort and role) per row. The rows are
    planned again here, so a file that became invalid since the preview writes nothing.
    Each account created with an e-mail address is sent an invitation to choose a password
    (accounts that exist are never invited again).

    What the rows need is read up front in a fixed number of queries (the accounts to update
    with their profiles, groups and cohorts; the stores, cohorts and role groups), so this
    reads nothing per row and writes a bounded number of rows per row: the account, its role
    group, its profile (whose save also has Wagtail update its reference index, profile ->
    store), its cohort, and the invitation (invitation_queue) of a new account."""
    plan = roster_plan(rows, by=by)
    if not plan.valid:
        raise RosterInvalid(plan)
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_NAMES)}
    for name in roles.ROLE_NAMES:
        if name not in groups:
            groups[name] = Group.objects.create(name=name)
    stores = _by_code_or_name(Store, {r["store"] for r in rows if r["store"]}, "store")
    cohorts = _by_code_or_name(Cohort, {r["cohort"] for r in rows if r["cohort"]}, "cohort")
    written = [row for row in plan.rows if row.action in (CREATE, UPDATE)]
    existing = {
        user.username: user
        for user in User.objects.filter(
            username__in=[row.values["username"] for row in written if row.action == UPDATE]
        )
        .select_related("profile")
        .prefetch_related("groups", "profile__cohorts")
    }
    invite = []
    for row in written:
        v = row.values
        user = existing.get(v["username"])
        is_new = user is None
        if is_new:
            user = User(username=v["username"])
            user.set_unusable_password()
            if v["email"]:
                invite.append(user)
        user.email = v["email"]
        user.is_superuser = user.is_staff = row.role == ADMIN
        user.save()
        # What user.groups.set() would do, from the groups read up front.
        current = set() if is_new else {g.pk for g in user.groups.all()}
        wanted = set() if row.role == ADMIN else {groups[row.role].pk}
        if current - wanted:
            user.groups.remove(*(current - wanted))
        if wanted - current:
            user.groups.add(*(wanted - current))
        profile = None if is_new else getattr(user, "profile", None)
        if profile is None:
            profile = Profile(user=user)
            member_of = set()
        else:
            member_of = {c.pk for c in profile.cohorts.all()}
        profile.full_name = v["printed_name"]
        profile.employee_number = v["employee_number"]
        if v["store"]:
            profile.store = stores[v["store"]]
        profile.clean()
        profile.save()
        if v["cohort"] and cohorts[v["cohort"]].pk not in member_of:
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
