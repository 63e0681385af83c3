"""Observation items name the contexts where they can be observed. Existing items get a
context derived from their indicator's work task: tasks 1-3 (serving customers) the till and
the service desk, task 4 and later (reviewing and improving the programme) the back office
and the team meeting; an item mapped to the role-play method gets the role play."""

from django.db import migrations, models

CUSTOMER_FACING = ["till", "service_desk"]
PROGRAMME_REVIEW = ["back_office", "team_meeting"]


def derive_contexts(apps, schema_editor):
    ObservationItem = apps.get_model("content", "ObservationItem")
    for item in ObservationItem.objects.select_related("indicator__task"):
        if item.assessment_method == "role_play":
            contexts = ["role_play"]
        elif (item.indicator.task.number if item.indicator.task else 0) >= 4 or (
            item.indicator.code.startswith("T4")
        ):
            contexts = PROGRAMME_REVIEW
        else:
            contexts = CUSTOMER_FACING
        ObservationItem.objects.filter(pk=item.pk).update(contexts=contexts)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0008_written_rubrics"),
    ]

    operations = [
        migrations.AddField(
            model_name="observationitem",
            name="contexts",
            field=models.JSONField(
                default=list,
                help_text="The places or situations where an assessor can see this behaviour.",
                verbose_name="where it can be observed",
            ),
        ),
        migrations.RunPython(derive_contexts, migrations.RunPython.noop),
    ]
