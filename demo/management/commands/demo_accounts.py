from django.core.management.base import BaseCommand

from demo import accounts


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo accounts (password: {accounts.DEMO_PASSWORD})")
        for account in accounts.ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<10} {account.role_label:<9} {account.full_name}"
            )
