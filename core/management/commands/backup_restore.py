"""Restore a backup archive into the configured (empty) database and storages."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup.database import BackupError
from core.backup.restore import archive_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and empty storages."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            manifest = archive_restore(archive)
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(
            f"restored the database and {len(manifest['files'])} file(s) "
            f"from {archive} ({manifest['created_at']}); now run backup_verify"
        )
