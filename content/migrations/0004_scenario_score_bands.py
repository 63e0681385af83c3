# Scenario validity: each ending's score band (empty: the rating's default, so existing
# endings keep working unchanged) and the number of assessment runs a trainee may play.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_retired"),
    ]

    operations = [
        migrations.AddField(
            model_name="scenariopage",
            name="assessment_attempts",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text=(
                    "Only assessment runs (no going back, feedback at the end) count as "
                    "role-play evidence; practice runs are unlimited."
                ),
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(10),
                ],
                verbose_name="assessment runs per trainee",
            ),
        ),
        migrations.AddField(
            model_name="scenariostep",
            name="band_min",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Empty: the rating's default (excellent 80, acceptable 60, poor 0).",
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="lowest score (%) of this ending",
            ),
        ),
        migrations.AddField(
            model_name="scenariostep",
            name="band_max",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Empty: the rating's default (excellent 100, acceptable 79, poor 59).",
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="highest score (%) of this ending",
            ),
        ),
    ]
