"""Check every stored file whose SHA-256 is recorded (certificate PDFs) and, given an
archive, the archive against its manifest. Exit 1 naming each missing or altered file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup.database import BackupError
from core.backup.restore import archive_check
from core.backup.verify import stored_files_verify


class Command(BaseCommand):
    help = "Verify stored certificate PDFs against their published SHA-256 (and an archive)."

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="Also check this archive's manifest.")

    def handle(self, *args, archive: Path | None = None, **options):
        if archive is not None:
            try:
                manifest = archive_check(archive)
            except (BackupError, OSError) as exc:
                raise CommandError(f"archive check failed: {exc}") from exc
            self.stdout.write(f"archive ok: {archive} ({len(manifest['files'])} file(s))")
        checked, problems = stored_files_verify()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} of {checked} stored file(s) failed verification")
        self.stdout.write(f"verified {checked} stored file(s): all match their SHA-256")
