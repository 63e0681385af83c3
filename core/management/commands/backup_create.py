"""Write one backup archive (database dump, private and public files, SHA-256 manifest)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup.archive import archive_create, archives_prune
from core.backup.database import BackupError


class Command(BaseCommand):
    help = "Back up the database and the stored files into one tar archive."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", required=True, type=Path)
        parser.add_argument(
            "--keep", type=int, default=0, help="Keep only the newest N archives (0: keep all)."
        )

    def handle(self, *args, output_dir: Path, keep: int, **options):
        try:
            path = archive_create(output_dir=output_dir)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(f"wrote {path}")
        for old in archives_prune(output_dir=output_dir, keep=keep):
            self.stdout.write(f"deleted {old}")
