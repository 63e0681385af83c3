"""Backup, restore into a fresh database and empty storage, verify certificate hashes."""

import hashlib
import json
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

from assessments.services.certificates import certificate_issue
from tests.deploy.support import database_url, manage, unit_env
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_trainee


@pytest.fixture
def fresh_database(tmp_path):
    """A database URL naming a new, empty database: a new SQLite file, or on PostgreSQL a
    database created here and dropped afterwards."""
    if connection.vendor == "sqlite":
        yield database_url(str(tmp_path / "restored.sqlite3"))
        return
    name = f"la_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def issued(assessor, monkeypatch):
    from assessments.models.certificates import Certificate

    # The FileField resolved its storage when the model loaded; the suite's per-test private
    # storage (tests/conftest.py) is what the backup reads: make the field use it too.
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    unit = make_unit()
    certificates = [
        certificate_issue(
            decision=make_decision(trainee=make_trainee(), assessor=assessor, unit=unit),
            issued_by=assessor,
        )
        for _ in range(2)
    ]
    storages["private"].save("evidence/2026/note.txt", ContentFile(b"evidence bytes"))
    storages["default"].save("images/logo.png", ContentFile(b"\x89PNG public image"))
    return certificates


@pytest.mark.django_db(transaction=True)
def test_backup_restore_verify_and_tamper(issued, tmp_path, fresh_database):
    out = tmp_path / "backups"
    call_command("backup_create", "--output-dir", str(out))
    (archive,) = out.glob("loyalty-academy-*.tar")
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["database"]["member"] in names
    stored = {(f["storage"], f["name"]): f["sha256"] for f in manifest["files"]}
    for certificate in issued:
        assert stored[("private", certificate.pdf.name)] == certificate.pdf_sha256
    assert ("private", "evidence/2026/note.txt") in stored
    assert ("default", "images/logo.png") in stored

    private, media = tmp_path / "restored-private", tmp_path / "restored-media"
    env = unit_env(db_url=fresh_database, private=private, media=media)
    restored = manage(["backup_restore", str(archive)], env)
    assert restored.returncode == 0, restored.stderr
    assert "restored the database and 4 file(s)" in restored.stdout
    for certificate in issued:
        data = (private / certificate.pdf.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert (private / "evidence/2026/note.txt").read_bytes() == b"evidence bytes"
    assert (media / "images/logo.png").read_bytes() == b"\x89PNG public image"

    verified = manage(["backup_verify", "--archive", str(archive)], env)
    assert verified.returncode == 0, verified.stderr
    assert "verified 2 stored file(s)" in verified.stdout
    assert "archive ok" in verified.stdout

    # The restored database is the backed-up one: its certificates are there.
    numbers = manage(
        [
            "shell",
            "--no-imports",
            "-c",
            "from assessments.models.certificates import Certificate as C;"
            "print(sorted(C.objects.values_list('number', flat=True)))",
        ],
        env,
    )
    assert numbers.returncode == 0, numbers.stderr
    assert numbers.stdout.strip() == str(sorted(c.number for c in issued))

    # A restore never writes over a database that has data.
    again = manage(["backup_restore", str(archive)], env)
    assert again.returncode == 1
    assert "not empty" in again.stderr

    # One byte changed in a restored PDF: verify fails and names it.
    victim = private / issued[1].pdf.name
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    (private / issued[0].pdf.name).unlink()
    tampered = manage(["backup_verify"], env)
    assert tampered.returncode == 1
    assert f"mismatch: {issued[1].pdf.name}" in tampered.stderr
    assert f"missing: {issued[0].pdf.name}" in tampered.stderr
    assert "2 of 2 stored file(s) failed verification" in tampered.stderr


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_restores_nothing(issued, tmp_path, fresh_database):
    out = tmp_path / "backups"
    call_command("backup_create", "--output-dir", str(out))
    (archive,) = out.glob("*.tar")
    # Flip a byte inside the first certificate PDF's member.
    with tarfile.open(archive) as tar:
        member = tar.getmember(f"files/private/{issued[0].pdf.name}")
    raw = bytearray(archive.read_bytes())
    raw[member.offset_data + 10] ^= 0xFF
    archive.write_bytes(bytes(raw))

    private, media = tmp_path / "p", tmp_path / "m"
    env = unit_env(db_url=fresh_database, private=private, media=media)
    result = manage(["backup_restore", str(archive)], env)
    assert result.returncode == 1
    assert f"files/private/{issued[0].pdf.name} does not match its SHA-256" in result.stderr
    assert not private.exists() or not any(private.rglob("*"))
    empty = manage(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection as c;print(len(c.introspection.table_names()))",
        ],
        env,
    )
    assert empty.stdout.strip() == "0", empty.stderr


@pytest.mark.django_db(transaction=True)
def test_keep_prunes_old_archives(tmp_path):
    out = tmp_path / "b"
    for _ in range(3):
        call_command("backup_create", "--output-dir", str(out), "--keep", "2")
    assert len(list(out.glob("loyalty-academy-*.tar"))) == 2
    assert not list(out.glob(".*partial"))


@pytest.mark.django_db
def test_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    from django.core.management.base import CommandError

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite's backup API cannot read from a writing connection")
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup_create", "--output-dir", str(tmp_path))
