"""Importing units into the database: atomic, idempotent, versioned, protected."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import translation

from content.models.framework import (
    CompetencyItem,
    CompetencyUnit,
    Indicator,
    UnitGuidance,
    UnitNote,
    WorkTask,
)
from content.services.units import (
    CREATED,
    NEW_VERSION,
    UNCHANGED,
    ParseError,
    UnitImportRejected,
    UnitProtected,
    unit_delete,
    unit_deletion_blockers,
    unit_import,
    unit_import_plan,
    unit_supersede,
)
from tests.content.test_unit_import import BAD_FILES, FIXTURES
from tests.factories.framework import SEED, import_seed

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (CompetencyUnit, WorkTask, Indicator, CompetencyItem, UnitGuidance, UnitNote)
    )


def test_seed_imports_whole():
    result = unit_import(data=SEED.read_bytes(), filename=SEED.name)
    unit = result.unit
    assert result.status == CREATED
    assert unit.code == "KPS5R0821v2" and (unit.base_code, unit.version) == ("KPS5R0821", "v2")
    assert unit.level == 4 and unit.framework_name == "iCAP"
    assert unit.status == CompetencyUnit.Status.CURRENT
    assert unit.source_sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert unit.imported_at is not None
    assert unit.tasks.count() == 4
    assert list(unit.indicators.order_by("sort_order").values_list("code", flat=True)) == [
        "T1.1", "T1.2", "T1.3", "T2.1", "T2.2", "T2.3", "T2.4",
        "T3.1", "T3.2", "T3.3", "T4.1", "T4.2", "T4.3",
    ]  # fmt: skip
    t23 = unit.indicators.get(code="T2.3")
    assert t23.task.code == "T2" and t23.text == "協助客戶參與忠誠度方案"
    top_k = unit.items.filter(kind="knowledge", parent=None)
    assert list(top_k.values_list("code", flat=True)) == ["K1", "K2", "K3", "K4", "K5"]
    assert unit.items.filter(kind="skill").count() == 4
    k5 = unit.items.get(code="K5")
    assert [(c.code, c.text) for c in k5.children.all()] == [("K5.1", "")]
    assert unit.items.get(code="K4").text.endswith("包括工作健康與安全 ( 工作場域衛生與安全 )")
    evidence = unit.items.filter(kind="evidence").order_by("sort_order")
    assert [(e.code, e.text) for e in evidence][:2] == [
        ("E1", "客戶資格、優惠、期限和不同客戶忠誠度方案的條件"),
        ("E2", "解釋忠誠度方案予符合資格的客戶"),
    ]
    assert [e.code for e in evidence] == ["E1", "E2", "E3", "E4", "E5"]
    assert unit.guidance.filter(section="key_evidence").count() == 5  # kept as guidance too
    notes = list(unit.notes.order_by("sort_order"))
    assert [n.label for n in notes] == ["註1", "註2", "註3"]
    assert notes[0].items[-1] == "憑證" and len(notes[0].items) == 6
    methods = list(
        unit.guidance.filter(section="methods").exclude(method="").values_list("method", flat=True)
    )
    assert methods == ["observation", "role_play", "customer_feedback", "questioning", "portfolio"]


def test_reimport_is_a_noop():
    first = unit_import(data=SEED.read_bytes(), filename=SEED.name)
    before = _counts()
    again = unit_import(data=SEED.read_bytes(), filename=SEED.name)
    assert again.status == UNCHANGED and not again.changed
    assert again.unit.pk == first.unit.pk
    assert _counts() == before
    with translation.override("en"):
        assert "nothing was changed" in again.message


def test_same_content_in_other_bytes_is_a_noop():
    import_seed()
    before = _counts()
    crlf = SEED.read_bytes().replace(b"\n", b"\r\n")
    assert unit_import(data=b"\xef\xbb\xbf" + crlf, filename="copy.txt").status == UNCHANGED
    assert _counts() == before


def test_changed_file_with_same_code_is_rejected_and_writes_nothing():
    unit = import_seed()
    before = _counts()
    changed = SEED.read_bytes().replace("溝通技能".encode(), "溝通與協調技能".encode())
    with translation.override("en"), pytest.raises(UnitImportRejected) as caught:
        unit_import(data=changed, filename="changed.txt")
    assert "new version" in caught.value.messages[0] and "KPS5R0821v3" in caught.value.messages[0]
    assert _counts() == before
    assert unit.items.get(code="S1").text == "溝通技能"


def test_new_version_supersedes_and_keeps_old_rows():
    old = import_seed()
    old_indicator_ids = set(old.indicators.values_list("pk", flat=True))
    v3 = (
        SEED.read_bytes()
        .replace(b"KPS5R0821v2", b"KPS5R0821v3")
        .replace("溝通技能".encode(), "溝通與協調技能".encode())
    )
    result = unit_import(data=v3, filename="KPS5R0821v3.txt")
    assert result.status == NEW_VERSION and result.superseded.pk == old.pk
    new = result.unit
    old.refresh_from_db()
    assert old.status == CompetencyUnit.Status.SUPERSEDED
    assert new.status == CompetencyUnit.Status.CURRENT and new.supersedes_id == old.pk
    assert set(old.indicators.values_list("pk", flat=True)) == old_indicator_ids
    assert new.indicators.count() == 13 and new.items.get(code="S1").text == "溝通與協調技能"
    # An older version after a newer one is refused.
    with pytest.raises(UnitImportRejected):
        unit_import(
            data=SEED.read_bytes().replace(b"KPS5R0821v2", b"KPS5R0821v1"), filename="v1.txt"
        )


@pytest.mark.parametrize(("name", "field", "line", "message"), BAD_FILES)
def test_bad_files_write_nothing(name, field, line, message):
    before = _counts()
    with translation.override("en"), pytest.raises(ParseError) as caught:
        unit_import(data=(FIXTURES / name).read_bytes(), filename=name)
    assert caught.value.errors[0].line == line
    assert _counts() == before


def test_import_is_atomic(monkeypatch):
    """A failure half-way (here: a database error on the notes) leaves no unit behind."""
    from content.services import units

    def boom(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(units.UnitNote.objects, "bulk_create", boom)
    with pytest.raises(IntegrityError):
        unit_import(data=SEED.read_bytes(), filename=SEED.name)
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_plan_writes_nothing():
    plan = unit_import_plan(data=SEED.read_bytes(), filename=SEED.name)
    assert plan.status == CREATED
    assert plan.counts == {
        "tasks": 4, "indicators": 13, "knowledge": 6, "skills": 4, "attitudes": 0,
        "guidance": 20, "notes": 3,
    }  # fmt: skip
    assert CompetencyUnit.objects.count() == 0


def test_supersede_service():
    old = import_seed()
    other = CompetencyUnit.objects.create(
        code="SIRXCEG003", base_code="SIRXCEG003", title="建立顧客關係"
    )
    unit_supersede(unit=old, by=other)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.status == "superseded" and other.supersedes_id == old.pk
    with pytest.raises(Exception):  # noqa: B017 - ValidationError
        unit_supersede(unit=old, by=old)


def test_delete_free_unit_and_refuse_protected_one(trainee, assessor):
    from assessments.models.decisions import Decision

    free = import_seed()
    unit_delete(unit=free)
    assert not CompetencyUnit.objects.filter(code="KPS5R0821v2").exists()

    unit = import_seed()
    Decision.objects.create(
        trainee=trainee,
        unit=unit,
        assessor=assessor,
        outcome="competent",
        reasons="全部符合",
        assessed_on="2026-11-01",
    )
    assert unit_deletion_blockers(unit)
    with translation.override("en"), pytest.raises(UnitProtected) as caught:
        unit_delete(unit=unit)
    assert "Supersede" in caught.value.messages[0]
    assert CompetencyUnit.objects.filter(pk=unit.pk).exists()
    assert unit.indicators.count() == 13


def test_management_command(capsys):
    call_command("import_unit", str(SEED))
    assert CompetencyUnit.objects.filter(code="KPS5R0821v2").exists()
    call_command("import_unit", str(SEED))
    assert CompetencyUnit.objects.count() == 1


def test_management_command_bad_input():
    with translation.override("en"):
        with pytest.raises(CommandError, match="No such file"):
            call_command("import_unit", "/nonexistent/unit.txt")
        with pytest.raises(CommandError, match="Line 7.*Task T2 has no behaviour indicators"):
            call_command("import_unit", str(FIXTURES / "task-no-indicators.txt"))
    assert CompetencyUnit.objects.count() == 0


def test_management_command_exit_code(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_unit",
            str(FIXTURES / "empty.txt"),
            "--settings=config.settings.test",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "LANG": "C.UTF-8",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        },
    )
    assert proc.returncode != 0
    assert "empty" in proc.stderr or "空" in proc.stderr


def test_demo_loader_is_idempotent():
    from content.demo import unit as demo_unit

    demo_unit.load()
    before = _counts()
    demo_unit.load()
    assert _counts() == before
    assert CompetencyUnit.objects.get(code="KPS5R0821v2").indicators.count() == 13


def test_example_yaml_imports():
    from tests.content.test_unit_import import EXAMPLE

    result = unit_import(data=EXAMPLE.read_bytes(), filename=EXAMPLE.name)
    assert result.unit.title_en == "Maintain member relationships"
    assert result.unit.indicators.count() == 4
