"""Write one backup archive: manifest.json, the database dump, then every stored file."""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.utils import timezone

from core.backup.database import database_dump, engine
from core.backup.files import BACKED_UP_STORAGES, CHUNK, storage_for, storage_names

FORMAT = 1
PREFIX = "loyalty-academy-"
DB_MEMBER = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}


def _sha256_path(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_create(*, output_dir: Path, now: datetime.datetime | None = None) -> Path:
    """Write the archive beside its final name and rename it into place when complete."""
    now = now or timezone.now()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = output_dir / f"{PREFIX}{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="la-backup-") as work:
        work = Path(work)
        vendor = engine()
        dump = work / "dump"
        database_dump(dump)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": {
                "engine": vendor,
                "member": DB_MEMBER[vendor],
                "sha256": _sha256_path(dump),
                "size": dump.stat().st_size,
            },
            "files": [],
        }
        partial = output_dir / f".{final.name}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                tar.add(dump, arcname=DB_MEMBER[vendor])
                for alias in BACKED_UP_STORAGES:
                    storage = storage_for(alias)
                    for name in storage_names(storage):
                        with tempfile.TemporaryFile(dir=work) as spool:
                            digest = hashlib.sha256()
                            with storage.open(name, "rb") as handle:
                                for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                                    digest.update(chunk)
                                    spool.write(chunk)
                            size = spool.tell()
                            spool.seek(0)
                            info = tarfile.TarInfo(f"files/{alias}/{name}")
                            info.size = size
                            info.mode = 0o600
                            info.mtime = int(now.timestamp())
                            tar.addfile(info, spool)
                        manifest["files"].append(
                            {
                                "storage": alias,
                                "name": name,
                                "sha256": digest.hexdigest(),
                                "size": size,
                            }
                        )
                body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(body)
                info.mode = 0o600
                info.mtime = int(now.timestamp())
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return final


def archives_prune(*, output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives; returns what was deleted."""
    archives = sorted(output_dir.glob(f"{PREFIX}*.tar"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed
