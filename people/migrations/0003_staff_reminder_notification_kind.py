"""The staff notification kind (the assessors' daily digest, sent as "reassessment" until
now). An assessor who had switched "reassessment" e-mails off keeps the digest off by e-mail."""

from django.db import migrations, models


def carry_over_choice(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    profiles = Profile.objects.filter(user__groups__name="Assessor").distinct()
    for profile in profiles.iterator():
        off = list(profile.notification_email_off or [])
        if "reassessment" in off and "staff_reminder" not in off:
            profile.notification_email_off = [*off, "staff_reminder"]
            profile.save(update_fields=["notification_email_off"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("decision", "Assessment decisions"),
                    ("reassessment", "Reassessment bookings"),
                    ("marking", "Marked written answers"),
                    ("appeal", "Appeal outcomes"),
                    ("certificate", "Certificates issued, reissued or revoked"),
                    ("staff_reminder", "Reminders of assessment work"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(carry_over_choice, migrations.RunPython.noop),
    ]
