"""The staff roster import at 500 rows (issue 17): the preview through the admin, the
import, a re-import that updates, one bad row that refuses the whole file, and a query count
that does not grow with the rows."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from core.models import AuditEntry, Delivery
from people import roles
from people.models import Cohort, Profile, Store, User
from people.roster.invitation import KIND
from people.roster.parse import read_roster
from people.roster.services import roster_import_apply
from people.roster.validate import slug_code
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db

SIZE = 500
HEADER = ["username", "printed name", "employee number", "store", "cohort", "e-mail", "role"]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN_NAMES = "志明淑芬雅婷家豪怡君冠宇宗翰佳穎俊傑美玲建宏惠君承恩詩涵柏翰筱涵睿哲欣怡彥廷思妤品睿郁婷子軒宜蓁國華"
GIVEN = [GIVEN_NAMES[i : i + 2] for i in range(0, len(GIVEN_NAMES), 2)]  # 25 two-character names
# Stores by code or by name (a name is given a generated code), cohorts likewise.
STORES = ["TPE-01", "台中門市", "KHH-03", "新竹巨城店"]
COHORTS = ["2026-spring", "2026-summer", "2026 秋季梯次"]
# (as written in the file, the group it gives): English and zh-Hant, as staff write them
ROLES = [
    ("學員", roles.TRAINEE),
    ("trainee", roles.TRAINEE),
    ("學員", roles.TRAINEE),
    ("Trainee", roles.TRAINEE),
    ("學員", roles.TRAINEE),
    ("trainee", roles.TRAINEE),
    ("學員", roles.TRAINEE),
    ("講師", roles.TRAINER),
    ("評量人員", roles.ASSESSOR),
    ("training manager", roles.TRAINING_MANAGER),
]


def person(i: int) -> list[str]:
    """Row i of a roster: a unique printed name (20 surnames x 25 given names), username
    and employee number; every tenth person has no e-mail address (so no invitation)."""
    username = f"staff{i:04d}"
    return [
        username,
        SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)],
        f"E{260001 + i}",
        STORES[i % len(STORES)],
        COHORTS[i % len(COHORTS)],
        "" if i % 10 == 9 else f"{username}@loyalty.example.com.tw",
        ROLES[i % len(ROLES)][0],
    ]


def roster(size: int = SIZE, changes: dict | None = None) -> list[list]:
    """The header and `size` people; `changes` maps a row index to {column: new value}."""
    rows = [person(i) for i in range(size)]
    for i, changed in (changes or {}).items():
        for column, value in changed.items():
            rows[i][HEADER.index(column)] = value
    return [HEADER, *rows]


def csv_bytes(table: list[list]) -> bytes:
    return "".join(",".join(row) + "\n" for row in table).encode()


def csv_file(table: list[list]) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", csv_bytes(table))


def xlsx_file(table: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    for row in table:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


FILES = {"csv": csv_file, "xlsx": xlsx_file}


def url():
    with translation.override("zh-hant"):
        return reverse("roster_import:index")


def preview(client, upload, status=200):
    response = client.post(url(), {"file": upload})
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def confirm(client, response):
    done = client.post(url(), {"token": response.context["token"]})
    assert done.status_code == 302, done.content.decode()[:2000]
    return done


def imported():
    return User.objects.filter(username__startswith="staff")


def written() -> dict[str, int]:
    """What an import writes, counted."""
    return {
        "users": imported().count(),
        "profiles": Profile.objects.filter(user__username__startswith="staff").count(),
        "stores": Store.objects.count(),
        "cohorts": Cohort.objects.count(),
        "invitations": Delivery.objects.filter(kind=KIND).count(),
        "audit": AuditEntry.objects.filter(action="people.roster_import").count(),
    }


NOTHING = {"users": 0, "profiles": 0, "stores": 0, "cohorts": 0, "invitations": 0, "audit": 0}


def store_of(value: str) -> Store:
    return Store.objects.get(code=slug_code(value, "store"))


def cohort_of(value: str) -> Cohort:
    return Cohort.objects.get(code=slug_code(value, "cohort"))


def assert_row(i: int, row: list[str]) -> None:
    """The account of file row `row` (person i) holds what the row says."""
    username, name, number, store, cohort, email, _role = row
    user = User.objects.select_related("profile__store").get(username=username)
    assert user.printed_name == name
    assert user.profile.employee_number == number
    assert user.profile.store == store_of(store)
    assert cohort_of(cohort) in user.profile.cohorts.all()
    assert user.email == email
    assert [g.name for g in user.groups.all()] == [ROLES[i % len(ROLES)][1]]
    assert not user.is_superuser and not user.is_staff
    assert not user.has_usable_password()


SAMPLE = (0, 1, 7, 8, 9, SIZE // 2, SIZE - 1)  # first, each role, no e-mail, middle, last


# --- 500 rows, end to end -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_then_import_500(admin_client_, kind):
    table = roster()
    assert len({row[1] for row in table[1:]}) == SIZE  # 500 different printed names
    response = preview(admin_client_, FILES[kind](table))
    plan = response.context["plan"]
    assert plan.valid and len(plan.rows) == SIZE
    assert plan.counts == {"create": SIZE, "update": 0, "unchanged": 0}
    assert plan.invitations == SIZE - SIZE // 10
    assert plan.new_stores == sorted(STORES) and plan.new_cohorts == sorted(COHORTS)
    assert response.context["encoding"] == ("XLSX" if kind == "xlsx" else "UTF-8")
    html = response.content.decode()
    assert html.count('class="roster-row"') == SIZE and "roster-cell-error" not in html
    assert f"將新增 {SIZE} 人，更新 0 人，0 人未變更。" in html and "roster-confirm" in html
    assert written() == NOTHING  # nothing until confirmed

    shown = admin_client_.get(confirm(admin_client_, response)["Location"]).content.decode()
    assert f"名冊已匯入：新增 {SIZE} 人，更新 0 人，0 人未變更。" in shown
    assert written() == {
        "users": SIZE,
        "profiles": SIZE,
        "stores": len(STORES),
        "cohorts": len(COHORTS),
        "invitations": SIZE - SIZE // 10,
        "audit": 1,
    }
    for i in SAMPLE:
        assert_row(i, table[i + 1])
    for name in roles.ROLE_NAMES:
        expected = sum(1 for i in range(SIZE) if ROLES[i % len(ROLES)][1] == name)
        assert (
            Group.objects.get(name=name).user_set.filter(username__startswith="staff").count()
            == expected
        )
    assert Store.objects.get(code="TPE-01").profiles.count() == SIZE // len(STORES)
    assert store_of("台中門市").name == "台中門市"
    assert cohort_of("2026 秋季梯次").members.count() == sum(
        1 for i in range(SIZE) if i % len(COHORTS) == 2
    )
    entry = AuditEntry.objects.get(action="people.roster_import")
    assert entry.data["created"] == SIZE and entry.data["invited"] == SIZE - SIZE // 10


def test_reimport_updates_and_does_not_duplicate(admin_client_):
    table = roster()
    confirm(admin_client_, preview(admin_client_, csv_file(table)))
    before = written()
    same = preview(admin_client_, xlsx_file(table))  # the same people, as XLSX this time
    assert same.context["plan"].counts == {"create": 0, "update": 0, "unchanged": SIZE}
    confirm(admin_client_, same)
    assert written() == {**before, "audit": 2}

    middle, last = SIZE // 2, SIZE - 1
    changes = {
        0: {"store": "KHH-03"},  # was TPE-01
        middle: {"printed name": "歐陽娜娜"},
        last: {"printed name": "范姜宇軒", "store": "台中門市"},
        3: {"role": "講師"},  # a trainee becomes a trainer
    }
    changed = roster(changes=changes)
    response = preview(admin_client_, csv_file(changed))
    plan = response.context["plan"]
    assert plan.counts == {"create": 0, "update": len(changes), "unchanged": SIZE - len(changes)}
    assert sorted(row.line - 2 for row in plan.rows if row.action == "update") == sorted(changes)
    assert not plan.new_stores and not plan.new_cohorts
    confirm(admin_client_, response)

    assert written() == {**before, "audit": 3}  # no one new, no store new, no second invitation
    assert User.objects.count() == SIZE + 1  # and the admin
    first = User.objects.select_related("profile__store").get(username="staff0000")
    assert first.profile.store.code == "KHH-03"
    assert User.objects.get(username=f"staff{middle:04d}").printed_name == "歐陽娜娜"
    newest = User.objects.select_related("profile__store").get(username=f"staff{last:04d}")
    assert newest.printed_name == "范姜宇軒" and newest.profile.store == store_of("台中門市")
    assert [g.name for g in User.objects.get(username="staff0003").groups.all()] == [roles.TRAINER]
    for i in (1, 2, middle - 1, middle + 1, last - 1):  # their neighbours are as they were
        assert_row(i, table[i + 1])
    entry = AuditEntry.objects.filter(action="people.roster_import").latest("pk")
    assert (entry.data["created"], entry.data["updated"], entry.data["unchanged"]) == (
        0,
        len(changes),
        SIZE - len(changes),
    )


def test_accounts_made_elsewhere_are_brought_in_line_with_the_file(admin_user):
    """Accounts that exist before the file (made in the admin) and are on it: the row's role
    replaces every other group, an administrator's row leaves none, a missing profile is
    made, a cohort is added to those held; only the new accounts are invited."""
    shop_managers = Group.objects.create(name="門市店長")
    winter = Cohort.objects.create(code="2025-winter", name="2025 冬季梯次")
    trainer = make_trainee(username="staff0007", name="舊名字")  # the file: 講師
    trainer.groups.add(shop_managers)
    trainer.profile.cohorts.add(winter)
    no_profile = User.objects.create_user(username="staff0001")  # the file: trainee
    assert not Profile.objects.filter(user=no_profile).exists()
    admin = make_trainer(username="staff0005")  # the file: 管理員
    table = roster(changes={5: {"role": "管理員"}})
    result = roster_import_apply(by=admin_user, rows=read_roster(csv_bytes(table), "r.csv").rows)

    assert (result.created, result.updated, result.unchanged) == (SIZE - 3, 3, 0)
    assert result.invited == sum(1 for i in range(SIZE) if i not in (1, 5, 7) and i % 10 != 9)
    assert (
        imported().count() == SIZE and Profile.objects.filter(user__in=imported()).count() == SIZE
    )
    trainer = User.objects.get(pk=trainer.pk)
    assert [g.name for g in trainer.groups.all()] == [roles.TRAINER]
    assert set(trainer.profile.cohorts.all()) == {winter, cohort_of(COHORTS[7 % len(COHORTS)])}
    assert trainer.printed_name == table[8][1] and trainer.email == table[8][5]
    assert_row(1, table[2])
    admin = User.objects.get(pk=admin.pk)
    assert admin.is_superuser and admin.is_staff and not admin.groups.exists()
    assert admin.profile.store == store_of(STORES[5 % len(STORES)])
    assert Delivery.objects.filter(kind=KIND, recipient=table[8][5]).count() == 0


BAD_LINE = 318  # the file's line: person 316


@pytest.mark.parametrize(
    ("kind", "column", "value", "words"),
    [
        # Unknown stores are created (they are new branches), so a bad store is a bad name.
        ("csv", "store", "台北信義旗艦門市" * 16, "此名稱超過 120 個字元。"),
        ("xlsx", "role", "店長", "未知的角色"),
    ],
    ids=["csv-store", "xlsx-role"],
)
def test_one_bad_row_refuses_the_whole_file(admin_client_, kind, column, value, words):
    table = roster(changes={BAD_LINE - 2: {column: value}})
    response = admin_client_.post(url(), {"file": FILES[kind](table)})
    assert response.status_code == 400
    plan = response.context["plan"]
    assert not plan.valid and len(plan.rows) == SIZE
    [bad] = [row for row in plan.rows if row.errors]
    assert bad.line == BAD_LINE and list(bad.errors) == [column]
    assert words in bad.errors[column]
    html = response.content.decode()
    assert html.count("roster-cell-error") == 1 and words in html
    assert 'id="roster-errors"' in html
    assert "roster-confirm" not in html and not response.context["token"]
    assert written() == NOTHING


def test_a_file_that_became_invalid_after_the_preview_writes_nothing(admin_client_):
    """The import plans again: an employee number taken between preview and confirm
    refuses all 500 rows, not just the one."""
    table = roster()
    response = preview(admin_client_, csv_file(table))
    taken = person(399)[HEADER.index("employee number")]  # on line 401
    other = User.objects.create(username="someone-else")
    Profile.objects.create(user=other, full_name="外部人員", employee_number=taken)
    refused = admin_client_.post(url(), {"token": response.context["token"]})
    assert refused.status_code == 400
    [bad] = [row for row in refused.context["plan"].rows if row.errors]
    assert (
        bad.line == 401
        and "此員工編號屬於另一位使用者（someone-else）" in bad.errors["employee_number"]
    )
    assert "roster-confirm" not in refused.content.decode()
    assert written() == NOTHING


# --- queries: flat in the number of rows --------------------------------------------------

# Each imported row costs a fixed number of writes and no reads (what the rows need is read
# up front, in bulk): INSERT user, user's role group, profile, profile's cohort (4), and the
# profile's entry in Wagtail's reference index (profile -> store), which Wagtail writes on
# every profile save through its update_reference_index task, run at once by the test
# suite's task backend: SELECT the profile, SELECT its references, INSERT the reference,
# SAVEPOINT, RELEASE (5).
QUERIES_PER_ROW = 9
# Each invitation (a new account with an e-mail address, nine rows in ten here): SELECT the
# person's language, INSERT the delivery, and the savepoints of invitation_queue and
# delivery_queue (4).
QUERIES_PER_INVITATION = 6


class _Measured(Exception):
    pass


def _queries(client, data) -> tuple[int, object]:
    """The queries of one POST to the import, and its response."""
    reset_queries()  # CaptureQueriesContext reads connection.queries, which keeps 9000
    with CaptureQueriesContext(connection) as context:
        response = client.post(url(), data)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    return len(context), response


def _measure(client, size: int) -> dict[str, int]:
    """The queries of the preview and the import of a `size`-row file, then of the preview
    and the import of the same file with three rows changed; all rolled back after."""
    changes = {0: {"store": "KHH-03"}, size // 2: {"printed name": "歐陽娜娜"}, 3: {"role": "講師"}}
    files = {"": roster(size), "re-": roster(size, changes=changes)}
    counts = {}
    try:
        with transaction.atomic():
            for name, table in files.items():
                counts[f"{name}preview"], response = _queries(client, {"file": csv_file(table)})
                counts[f"{name}import"], _ = _queries(client, {"token": response.context["token"]})
            assert imported().count() == size
            raise _Measured
    except _Measured:
        pass
    assert imported().count() == 0
    return counts


def test_query_count_does_not_grow_with_the_rows(admin_client_):
    _measure(admin_client_, 5)  # warm what is read once per process (content types, ...)
    small = _measure(admin_client_, 50)
    large = _measure(admin_client_, SIZE)
    print(f"\nroster import queries, 50 rows: {small}; {SIZE} rows: {large}")
    assert large["preview"] == small["preview"]
    assert large["re-preview"] == small["re-preview"]
    assert large["re-import"] == small["re-import"]  # three rows updated, whatever the size
    invitations = (SIZE - SIZE // 10) - (50 - 50 // 10)
    assert large["import"] - small["import"] == (
        (SIZE - 50) * QUERIES_PER_ROW + invitations * QUERIES_PER_INVITATION
    ), (small, large)
