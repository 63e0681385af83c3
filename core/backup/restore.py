"""Restore an archive into an empty database and empty storages. The archive is checked
against its manifest first, so a damaged archive writes nothing."""

import hashlib
import json
import tarfile
import tempfile
from pathlib import Path

from core.backup.database import BackupError, database_is_empty, database_load, engine
from core.backup.files import BACKED_UP_STORAGES, CHUNK, storage_for, storage_names


def archive_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember("manifest.json")
    except KeyError:
        raise BackupError("not a backup archive: no manifest.json") from None
    return json.loads(tar.extractfile(member).read())


def _member_sha256(tar: tarfile.TarFile, name: str) -> str:
    try:
        handle = tar.extractfile(name)
    except KeyError:
        raise BackupError(f"archive lacks {name}") from None
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def archive_check(path: Path) -> dict:
    """The manifest, once every member matches its SHA-256; else BackupError naming it."""
    try:
        tar = tarfile.open(path, mode="r")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None
    with tar:
        manifest = archive_manifest(tar)
        database = manifest["database"]
        if _member_sha256(tar, database["member"]) != database["sha256"]:
            raise BackupError(f"archive member {database['member']} does not match its SHA-256")
        for entry in manifest["files"]:
            member = f"files/{entry['storage']}/{entry['name']}"
            if _member_sha256(tar, member) != entry["sha256"]:
                raise BackupError(f"archive member {member} does not match its SHA-256")
    return manifest


def archive_restore(path: Path) -> dict:
    """Load the database and write every file; refuses a non-empty target."""
    manifest = archive_check(path)
    if manifest["database"]["engine"] != engine():
        raise BackupError(
            f"the archive holds a {manifest['database']['engine']} database; "
            f"the configured one is {engine()}"
        )
    if not database_is_empty():
        raise BackupError("the database is not empty: restore only into an empty database")
    for alias in BACKED_UP_STORAGES:
        if next(storage_names(storage_for(alias)), None) is not None:
            raise BackupError(
                f"the storage {alias!r} is not empty: restore only into empty storage"
            )
    with tarfile.open(path, mode="r") as tar, tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "dump"
        with tar.extractfile(manifest["database"]["member"]) as src, dump.open("wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                dst.write(chunk)
        database_load(dump)
        for entry in manifest["files"]:
            storage = storage_for(entry["storage"])
            with tar.extractfile(f"files/{entry['storage']}/{entry['name']}") as src:
                saved = storage.save(entry["name"], src)
            if saved != entry["name"]:
                raise BackupError(
                    f"storage {entry['storage']!r} renamed {entry['name']} to {saved}"
                )
    return manifest
