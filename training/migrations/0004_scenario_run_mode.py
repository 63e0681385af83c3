# Scenario validity: a run is played in practice or assessment mode (existing runs were
# played with going back and immediate feedback allowed, so they become practice), and each
# answered step remembers the kind of step it was, so narration prints as narration.

from django.db import migrations, models


def copy_step_kinds(apps, schema_editor):
    RunStep = apps.get_model("training", "ScenarioRunStep")
    Step = apps.get_model("content", "ScenarioStep")
    narration = set(Step.objects.filter(kind="narration").values_list("pk", flat=True))
    if narration:
        RunStep.objects.filter(step_id__in=narration).update(step_kind="narration")


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_question_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="scenariorun",
            name="mode",
            field=models.CharField(
                choices=[("practice", "Practice"), ("assessment", "Assessment")],
                default="practice",
                max_length=12,
                verbose_name="mode",
            ),
        ),
        migrations.AddField(
            model_name="scenariorunstep",
            name="step_kind",
            field=models.CharField(default="line", max_length=12, verbose_name="kind of step"),
        ),
        migrations.RunPython(copy_step_kinds, migrations.RunPython.noop),
    ]
