"""Photos and audio clips on observation items (assessments.models.attachments). On PostgreSQL
the evidence attachments refuse UPDATE and DELETE in the database itself, with the SQL frozen
here (core/db_guards.py holds the current definition; it names the table too)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "assessments_evidenceattachment"
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION assessments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION_SQL, params=None)  # the SQL has literal % signs
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";')
    schema_editor.execute(
        f'CREATE TRIGGER "{TABLE}_append_only" BEFORE UPDATE OR DELETE ON "{TABLE}" '
        "FOR EACH ROW EXECUTE FUNCTION assessments_refuse_change();"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";')


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_certificate_design_layout"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_key", models.CharField(max_length=40)),
                (
                    "kind",
                    models.CharField(
                        choices=[("photo", "Photo"), ("audio", "Audio clip")],
                        max_length=10,
                        verbose_name="kind of attachment",
                    ),
                ),
                ("file_name", models.CharField(max_length=200)),
                (
                    "original_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                ("content_type", models.CharField(max_length=120)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added at")),
                ("label", models.TextField(blank=True, verbose_name="item")),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="assessments.evidencerecord",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ObservationAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_key", models.CharField(max_length=40)),
                (
                    "kind",
                    models.CharField(
                        choices=[("photo", "Photo"), ("audio", "Audio clip")],
                        max_length=10,
                        verbose_name="kind of attachment",
                    ),
                ),
                ("file_name", models.CharField(max_length=200)),
                (
                    "original_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                ("content_type", models.CharField(max_length=120)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added at")),
                (
                    "draft",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="assessments.observationdraft",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(install, remove),
    ]
