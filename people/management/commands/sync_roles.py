from django.core.management.base import BaseCommand

from people.services import roles_sync


class Command(BaseCommand):
    help = (
        "Create the Trainee, Trainer, Assessor and Training manager groups and grant their "
        "permissions."
    )

    def handle(self, *args, **options):
        groups = roles_sync()
        self.stdout.write(f"Roles up to date: {', '.join(sorted(groups))}")
