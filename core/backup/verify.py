"""Check every stored file whose SHA-256 the database records (a FileField `x` beside a
field `x_sha256`, e.g. certificate PDFs, whose hash the verify page publishes)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from core.backup.files import file_sha256


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing" or "mismatch"
    label: str  # e.g. "assessments.certificate 12"
    name: str  # the file's name in its storage

    def __str__(self) -> str:
        return f"{self.kind}: {self.name} ({self.label})"


def hashed_file_fields() -> Iterator[tuple[type[models.Model], str, str]]:
    for model in apps.get_models():
        names = {field.name for field in model._meta.get_fields()}
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and f"{field.name}_sha256" in names:
                yield model, field.name, f"{field.name}_sha256"


def stored_files_verify() -> tuple[int, list[Problem]]:
    """How many files were checked, and what is missing or altered."""
    checked, problems = 0, []
    for model, file_field, hash_field in hashed_file_fields():
        rows = (
            model._default_manager.exclude(**{file_field: ""})
            .exclude(**{f"{file_field}__isnull": True})
            .order_by("pk")
        )
        for row in rows.iterator():
            fieldfile = getattr(row, file_field)
            expected = getattr(row, hash_field)
            label = f"{model._meta.label_lower} {row.pk}"
            checked += 1
            if not fieldfile.storage.exists(fieldfile.name):
                problems.append(Problem("missing", label, fieldfile.name))
            elif file_sha256(fieldfile.storage, fieldfile.name) != expected:
                problems.append(Problem("mismatch", label, fieldfile.name))
    return checked, problems
