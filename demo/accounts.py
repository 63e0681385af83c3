"""Demo accounts: one admin, one training manager, two trainers, two assessors, three trainees
in two stores."""

from dataclasses import dataclass

from django.db import transaction

from people import roles
from people.models import Cohort, Store, User
from people.services import roles_sync, user_create
from privacy.services import acknowledgement_record

DEMO_PASSWORD = "LoyaltyDemo!2026"  # noqa: S105 - printed by `make demo`, documented in README

STORES = {"taipei-xinyi": "台北信義店", "taichung": "台中公益店"}
COHORT = ("2026-q4", "2026 第四季門市培訓梯次")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    store: str | None = None
    employee_number: str = ""
    superuser: bool = False

    @property
    def role_label(self) -> str:
        if self.superuser:
            return "Admin"
        return str(self.role)


ACCOUNTS = (
    DemoAccount("admin", "周管理", None, superuser=True),
    # Runs the roll-out (roster import, progress), never sees evidence or edits content.
    DemoAccount("manager", "趙美玲", roles.TRAINING_MANAGER, employee_number="M-0001"),
    DemoAccount("trainer", "張雅婷", roles.TRAINER, employee_number="T-0001"),
    DemoAccount("trainer2", "李志明", roles.TRAINER, employee_number="T-0002"),
    DemoAccount("assessor", "陳建宏", roles.ASSESSOR, employee_number="A-0001"),
    # The second assessor moderates the first one's Competent decisions.
    DemoAccount("assessor2", "王淑芬", roles.ASSESSOR, employee_number="A-0002"),
    DemoAccount("trainee1", "林怡君", roles.TRAINEE, "taipei-xinyi", "E-1001"),
    DemoAccount("trainee2", "黃冠宇", roles.TRAINEE, "taipei-xinyi", "E-1002"),
    DemoAccount("trainee3", "吳佩珊", roles.TRAINEE, "taichung", "E-2001"),
)

USERNAMES = [account.username for account in ACCOUNTS]


@transaction.atomic
def load() -> list[DemoAccount]:
    roles_sync()
    stores = {
        code: Store.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in STORES.items()
    }
    cohort, _ = Cohort.objects.get_or_create(code=COHORT[0], defaults={"name": COHORT[1]})
    for account in ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        user_create(
            username=account.username,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            email=f"{account.username}@example.test",
            role=account.role,
            is_superuser=account.superuser,
            store=stores.get(account.store) if account.store else None,
            cohorts=[cohort] if account.role == roles.TRAINEE else (),
            employee_number=account.employee_number,
        )
    for user in User.objects.filter(groups__name=roles.TRAINEE, username__in=USERNAMES):
        acknowledgement_record(user=user)  # demo trainees have read the privacy notice
    return list(ACCOUNTS)
