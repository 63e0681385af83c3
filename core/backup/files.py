"""The files of Django's storages, walked through the storage API (filesystem or S3)."""

import hashlib
from collections.abc import Iterator

from django.core.files.storage import Storage, storages

# Private: evidence, attachments, certificate PDFs. Default: Wagtail images and documents.
BACKED_UP_STORAGES = ("private", "default")
CHUNK = 1024 * 1024


def storage_names(storage: Storage, path: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(dirs):
        yield from storage_names(storage, f"{path}/{directory}" if path else directory)


def storage_for(alias: str) -> Storage:
    return storages[alias]


def file_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
