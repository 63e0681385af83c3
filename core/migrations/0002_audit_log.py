"""The audit log moves from assessments to core (the bottom app), so that every app can write
it. The rows stay: in the database the table is renamed (assessments_auditentry becomes
core_auditentry) and, on PostgreSQL, its append-only trigger from assessments/0003 is renamed
to match (the trigger function assessments_refuse_change() stays as it is); in Django's
state the model is created here and deleted from assessments by its 0004."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD, NEW = "assessments_auditentry", "core_auditentry"


def _rename_trigger(schema_editor, table: str, old: str, new: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
            [f"{old}_append_only", table],
        )
        if cursor.fetchone() is None:
            return
    schema_editor.execute(
        f'ALTER TRIGGER "{old}_append_only" ON "{table}" RENAME TO "{new}_append_only";'
    )


def _move_content_type(apps, old_label: str, new_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new_label, model="auditentry").exists():
        ContentType.objects.filter(app_label=old_label, model="auditentry").update(
            app_label=new_label
        )


def forwards(apps, schema_editor):
    _rename_trigger(schema_editor, NEW, OLD, NEW)
    _move_content_type(apps, "assessments", "core")


def backwards(apps, schema_editor):
    # Runs before the table is renamed back (database operations reverse in reverse order).
    _rename_trigger(schema_editor, NEW, NEW, OLD)
    _move_content_type(apps, "core", "assessments")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("assessments", "0003_append_only_triggers"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="time"
                            ),
                        ),
                        ("actor_label", models.CharField(max_length=200, verbose_name="who")),
                        ("action", models.CharField(max_length=60, verbose_name="action")),
                        ("object_type", models.CharField(max_length=60, verbose_name="record")),
                        ("object_id", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("summary", models.TextField(blank=True, verbose_name="summary")),
                        ("data", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "trainee",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit log",
                        "ordering": ["-at", "-pk"],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'ALTER TABLE "{OLD}" RENAME TO "{NEW}";',
                    reverse_sql=f'ALTER TABLE "{NEW}" RENAME TO "{OLD}";',
                ),
                migrations.RunPython(forwards, backwards),
            ],
        ),
    ]
