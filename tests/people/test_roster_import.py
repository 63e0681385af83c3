import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry
from people import roles
from people.models import Cohort, Profile, Store
from people.roster.parse import RosterFileError, read_roster
from people.roster.services import RosterInvalid, roster_import_apply
from people.roster.validate import roster_plan

HEADER = "username,printed name,employee number,store,cohort,e-mail,role\n"
GOOD = HEADER + (
    "chen,陳大文,E1,TPE-01,2026-spring,chen@example.com,trainee\n"
    "lin,林小美,E2,台中門市,2026-spring,,評量人員\n"
)


def url():
    with translation.override("zh-hant"):
        return reverse("roster_import:index")


def upload(name, data):
    return SimpleUploadedFile(name, data)


# --- parsing


def test_reads_utf8_with_and_without_bom_and_big5():
    assert read_roster(GOOD.encode(), "a.csv").encoding == "UTF-8"
    assert read_roster(b"\xef\xbb\xbf" + GOOD.encode(), "a.csv").encoding == "UTF-8 (BOM)"
    parsed = read_roster(GOOD.encode("cp950"), "a.csv")
    assert parsed.encoding == "Big5 (cp950)"
    assert parsed.rows[1]["printed_name"] == "林小美"
    assert parsed.rows[1]["line"] == 3


def test_zh_headers_accepted():
    data = "帳號,姓名,員工編號,門市,梯次,電子郵件,角色\nchen,陳大文,E1,,,,學員\n".encode()
    assert read_roster(data, "a.csv").rows[0]["username"] == "chen"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.csv", "empty"),
        (b"name,foo\nx,y\n", "a.csv", "missing"),
        (HEADER.encode(), "a.csv", "no people"),
        (b"not a zip", "a.xlsx", "not an Excel"),
        (b"\xff\xfe\x00\x81\x00", "a.csv", "neither UTF-8"),
        (GOOD.encode(), "a.txt", ".csv or .xlsx"),
        (HEADER.encode() + b"a,b,,,,,trainee\n" * 2001, "a.csv", "more than"),
    ],
)
def test_file_errors(data, name, words):
    with translation.override("en"), pytest.raises(RosterFileError) as exc:
        read_roster(data, name)
    assert words in exc.value.message


def test_reads_xlsx():
    book = Workbook()
    book.active.append(["username", "printed name", "role"])
    book.active.append(["chen", "陳大文", "trainer"])
    out = io.BytesIO()
    book.save(out)
    parsed = read_roster(out.getvalue(), "r.xlsx")
    assert parsed.encoding == "XLSX"
    assert parsed.rows[0]["role"] == "trainer"


# --- validation and service


@pytest.mark.django_db
def test_plan_errors_per_cell(role_groups, trainee):
    Profile.objects.update_or_create(
        user=trainee, defaults={"employee_number": "E9", "full_name": "x"}
    )
    rows = read_roster(
        (HEADER + "chen,,E9,,,bad,chef\nchen,陳,,,,,trainee\n").encode(), "a.csv"
    ).rows
    with translation.override("en"):
        plan = roster_plan(rows)
    assert not plan.valid
    first, second = plan.rows
    assert set(first.errors) == {"printed_name", "employee_number", "email", "role"}
    assert "another user" in first.errors["employee_number"]
    assert "line 2" in second.errors["username"]


@pytest.mark.django_db
def test_apply_creates_then_reimport_updates(role_groups, admin_user):
    rows = read_roster(GOOD.encode(), "a.csv").rows
    result = roster_import_apply(by=admin_user, rows=rows)
    assert (result.created, result.updated, result.stores_created, result.cohorts_created) == (
        2,
        0,
        2,
        1,
    )
    chen = get_user_model().objects.get(username="chen")
    assert not chen.has_usable_password()
    assert chen.get_full_name() == "陳大文"
    assert roles.is_trainee(chen)
    assert chen.profile.store.code == "TPE-01"
    assert chen.profile.cohorts.get().code == "2026-spring"
    assert Store.objects.get(name="台中門市").code.startswith("store-")
    lin = get_user_model().objects.get(username="lin")
    assert lin.groups.get().name == roles.ASSESSOR
    entry = AuditEntry.objects.get(action="people.roster_import")
    assert entry.data["created"] == 2

    again = roster_import_apply(by=admin_user, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert get_user_model().objects.filter(username__in=["chen", "lin"]).count() == 2
    assert Store.objects.count() == 2 and Cohort.objects.count() == 1

    changed = read_roster(GOOD.replace("陳大文", "陳大明").encode(), "a.csv").rows
    third = roster_import_apply(by=admin_user, rows=changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert get_user_model().objects.get(username="chen").printed_name == "陳大明"


@pytest.mark.django_db
def test_apply_invalid_writes_nothing(role_groups, admin_user):
    rows = read_roster((GOOD + "x,,,,,,trainee\n").encode(), "a.csv").rows
    with pytest.raises(RosterInvalid):
        roster_import_apply(by=admin_user, rows=rows)
    assert not get_user_model().objects.filter(username="chen").exists()
    assert not Store.objects.exists()


# --- HTTP


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor"])
def test_refused_to_non_admins(client_as, role):
    client, _user = client_as(role)
    response = client.get(url())
    assert response.status_code in (302, 403)
    assert b"roster-upload" not in response.content
    post = client.post(url(), {"file": upload("a.csv", GOOD.encode())})
    assert post.status_code in (302, 403)
    assert not get_user_model().objects.filter(username="chen").exists()


@pytest.mark.django_db
def test_refused_to_anonymous(client):
    response = client.get(url())
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_admin_preview_confirm(admin_client_):
    page = admin_client_.get(url())
    assert page.status_code == 200
    assert "roster-template-csv" in page.content.decode()
    preview = admin_client_.post(url(), {"file": upload("a.csv", GOOD.encode("cp950"))})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Big5 (cp950)" in body and "台中門市" in body and "roster-confirm" in body
    assert not get_user_model().objects.filter(username="chen").exists()
    token = preview.context["token"]
    done = admin_client_.post(url(), {"token": token})
    assert done.status_code == 302
    assert get_user_model().objects.filter(username__in=["chen", "lin"]).count() == 2


@pytest.mark.django_db
def test_admin_preview_shows_errors_and_no_confirm(admin_client_):
    response = admin_client_.post(
        url(), {"file": upload("a.csv", (HEADER + "chen,,,,,,chef\n").encode())}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "roster-cell-error" in body and "roster-confirm" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,name", [(b"", "a.csv"), (b"junk", "a.xlsx"), (b"a,b\n1,2\n", "a.csv")]
)
def test_admin_bad_files_are_clear_400(admin_client_, data, name):
    response = admin_client_.post(url(), {"file": upload(name, data)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_tampered_token_refused(admin_client_):
    response = admin_client_.post(url(), {"token": "nope"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="chen").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_templates_download(admin_client_, kind):
    response = admin_client_.get(url() + f"?template={kind}")
    assert response.status_code == 200
    data = response.content
    parsed = read_roster(data, f"t.{kind}")
    assert parsed.rows[0]["username"] == "chen.dawen"
    if kind == "xlsx":
        assert load_workbook(io.BytesIO(data)).active.max_row == 2
