"""On PostgreSQL, refuse UPDATE and DELETE on the append-only assessment records in the
database itself (decisions, evidence, judgements, appeals, audit). No-op on SQLite, where
the model layer alone guards them."""

from django.db import migrations


def install(apps, schema_editor):
    from assessments.db_guards import install_append_only_triggers

    install_append_only_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    from assessments.db_guards import remove_append_only_triggers

    remove_append_only_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_initial")]

    operations = [migrations.RunPython(install, remove)]
