"""Checking roster rows against the database and planning what each row does: create,
update or unchanged, with per-cell errors in plain words. Nothing is written here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from people import roles
from people.models import Cohort, Profile, Store

ADMIN = "admin"
ROLE_ALIASES = {
    "trainee": roles.TRAINEE,
    "學員": roles.TRAINEE,
    "trainer": roles.TRAINER,
    "講師": roles.TRAINER,
    "assessor": roles.ASSESSOR,
    "評量人員": roles.ASSESSOR,
    "training manager": roles.TRAINING_MANAGER,
    "training_manager": roles.TRAINING_MANAGER,
    "培訓主管": roles.TRAINING_MANAGER,
    "admin": ADMIN,
    "administrator": ADMIN,
    "管理員": ADMIN,
}
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


@dataclass
class PlannedRow:
    line: int
    values: dict
    role: str = ""
    action: str = ""
    errors: dict = field(default_factory=dict)  # column key -> message


@dataclass
class Plan:
    rows: list[PlannedRow]
    new_stores: list[str]
    new_cohorts: list[str]

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED)}

    @property
    def invitations(self) -> int:
        """Accounts to create with an e-mail address: each is e-mailed an invitation."""
        return sum(1 for row in self.rows if row.action == CREATE and row.values["email"])

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def slug_code(value: str, prefix: str) -> str:
    """The code of a store or cohort created from a name in the file."""
    if re.fullmatch(r"[-a-zA-Z0-9_]{1,32}", value):
        return value
    return f"{prefix}-{hashlib.sha1(value.encode()).hexdigest()[:8]}"


def _lookup(model, values: set[str]) -> dict[str, object]:
    found = {}
    for obj in model.objects.all():
        found[obj.code] = obj
        found.setdefault(obj.name, obj)
    return {v: found[v] for v in values if v in found}


def _current(user, profile) -> dict:
    group = {g.name for g in user.groups.all()}
    role = ADMIN if user.is_superuser else next((r for r in roles.ROLE_NAMES if r in group), "")
    return {
        "printed_name": profile.full_name if profile else "",
        "employee_number": profile.employee_number if profile else "",
        "store": profile.store.code if profile and profile.store else "",
        "cohorts": {c.code for c in profile.cohorts.all()} if profile else set(),
        "email": user.email,
        "role": role,
        "groups": group,
    }


def roster_plan(rows: list[dict], *, by=None) -> Plan:
    """`by` is who imports: an administrator (or None, for commands) may plan anything; a
    training manager may not give the administrator role, touch an administrator's account
    or change the e-mail address of an existing account (the address a password reset
    goes to)."""
    restricted = by is not None and not roles.is_admin(by)
    User = get_user_model()
    usernames = [r["username"] for r in rows]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames)
        .prefetch_related("groups", "profile__cohorts")
        .select_related("profile__store")
    }
    numbers = {r["employee_number"] for r in rows if r["employee_number"]}
    owners = dict(
        Profile.objects.filter(employee_number__in=numbers).values_list(
            "employee_number", "user__username"
        )
    )
    stores = _lookup(Store, {r["store"] for r in rows if r["store"]})
    cohorts = _lookup(Cohort, {r["cohort"] for r in rows if r["cohort"]})
    seen_users: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    planned = []
    for raw in rows:
        row = PlannedRow(line=raw["line"], values=raw)
        err = row.errors
        username = raw["username"]
        if not username:
            err["username"] = _("The username is missing.")
        elif not USERNAME_RE.match(username):
            err["username"] = _("A username may hold only letters, digits and @ . + - _.")
        elif username in seen_users:
            err["username"] = _("This username is already on line %(line)d.") % {
                "line": seen_users[username]
            }
        else:
            seen_users[username] = row.line
        if not raw["printed_name"]:
            err["printed_name"] = _("The printed name is missing.")
        elif len(raw["printed_name"]) > 100:
            err["printed_name"] = _("The printed name is longer than 100 characters.")
        number = raw["employee_number"]
        if number:
            if len(number) > 32:
                err["employee_number"] = _("The employee number is longer than 32 characters.")
            elif owners.get(number, username) != username:
                err["employee_number"] = _(
                    "This employee number belongs to another user (%(username)s)."
                ) % {"username": owners[number]}
            elif number in seen_numbers:
                err["employee_number"] = _("This employee number is already on line %(line)d.") % {
                    "line": seen_numbers[number]
                }
            else:
                seen_numbers[number] = row.line
        if raw["email"]:
            try:
                validate_email(raw["email"])
            except ValidationError:
                err["email"] = _("This is not an e-mail address.")
        role = ROLE_ALIASES.get(raw["role"].strip().lower())
        if not raw["role"]:
            err["role"] = _("The role is missing.")
        elif role is None:
            err["role"] = _(
                "Unknown role; use trainee, trainer, assessor, training manager or admin "
                "(學員、講師、評量人員、培訓主管、管理員)."
            )
        elif role == ADMIN and restricted:
            err["role"] = _("Only an administrator can give the administrator role.")
        else:
            row.role = role
        for key, limit in (("store", 120), ("cohort", 120)):
            if len(raw[key]) > limit:
                err[key] = _("This name is longer than 120 characters.")
        user = users.get(username)
        if user is not None and restricted:
            if user.is_superuser:
                err["username"] = _(
                    "This is an administrator's account; only an administrator can change it."
                )
            elif user.email != raw["email"]:
                err["email"] = _(
                    "Only an administrator can change the e-mail address of an existing account."
                )
        if user is None:
            row.action = CREATE
        else:
            current = _current(user, getattr(user, "profile", None))
            store = stores.get(raw["store"])
            cohort = cohorts.get(raw["cohort"])
            same = (
                current["printed_name"] == raw["printed_name"]
                and current["employee_number"] == number
                and current["email"] == raw["email"]
                and current["role"] == role
                and (role == ADMIN or current["groups"] == {role})
                and (not raw["store"] or (store is not None and current["store"] == store.code))
                and (
                    not raw["cohort"] or (cohort is not None and cohort.code in current["cohorts"])
                )
            )
            row.action = UNCHANGED if same else UPDATE
        planned.append(row)
    new_stores = sorted({r["store"] for r in rows if r["store"] and r["store"] not in stores})
    new_cohorts = sorted({r["cohort"] for r in rows if r["cohort"] and r["cohort"] not in cohorts})
    return Plan(rows=planned, new_stores=new_stores, new_cohorts=new_cohorts)
