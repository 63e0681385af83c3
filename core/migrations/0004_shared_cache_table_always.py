"""The shared database cache's table `la_cache`, whatever CACHES said when `migrate` ran:
0003 created only the tables of the configured cache, so a database migrated with the
default (each process's memory) failed later under DJANGO_CACHE=database. Idempotent."""

from django.core.management.commands.createcachetable import Command
from django.db import migrations

TABLE = "la_cache"  # config.settings.base.DATABASE_CACHE (migrations import no settings code)


def create_cache_table(apps, schema_editor):
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_shared_cache_table")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
