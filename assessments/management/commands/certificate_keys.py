"""Create the organisation's certificate signing key, or rotate it (`--rotate`).
Retired keys stay in the published JWK set so that older credentials still verify."""

from django.core.management.base import BaseCommand

from assessments.services.signing_keys import certificate_signing_key_create


class Command(BaseCommand):
    help = "Create (or with --rotate, replace) the key that signs Open Badges credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate", action="store_true", help="Retire the current key and create a new one."
        )

    def handle(self, *args, rotate: bool = False, **options):
        key = certificate_signing_key_create(rotate=rotate)
        self.stdout.write(f"active signing key: {key.kid} ({key.algorithm})")
