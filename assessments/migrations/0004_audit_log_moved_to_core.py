"""The audit log moved to core (core/0002 renamed its table and trigger and took over the
model): remove the model from this app's state only; the rows stay in core_auditentry."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_append_only_triggers"),
        ("core", "0002_audit_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
