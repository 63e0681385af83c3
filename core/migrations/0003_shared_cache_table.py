"""The table of the shared database cache (settings.CACHES), created wherever migrations
run, so no deployment step can forget it. Idempotent: createcachetable skips a table that
exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_log")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
