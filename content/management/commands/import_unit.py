"""`manage.py import_unit PATH`: import a competency unit file (iCAP export, YAML or JSON)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from content.services.units import ParseError, unit_import


class Command(BaseCommand):
    help = "Import a competency unit (iCAP unit export .txt, or our .yaml/.json format)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of the unit file")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = unit_import(data=file.read_bytes(), filename=file.name)
        except ParseError as exc:
            lines = [_("%(path)s is not a valid unit file; nothing was imported:") % {"path": path}]
            lines += [f"  - {error}" for error in exc.errors]
            raise CommandError("\n".join(lines)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        style = self.style.SUCCESS if result.changed else self.style.NOTICE
        self.stdout.write(style(result.message))
