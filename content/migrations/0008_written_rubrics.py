"""Written questions' marking rubric (QuestionRubricCriterion) and the partial-credit help
text per question type."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0007_coverage_targets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="partial_credit",
            field=models.CharField(
                choices=[
                    ("all_or_nothing", "All or nothing"),
                    ("proportional", "Proportional, with a penalty for wrong selections"),
                ],
                default="all_or_nothing",
                help_text="For multiple response, matching and ordering questions; shown to the trainee. All or nothing: only a fully correct answer scores. Proportional: multiple response earns a share for each correct selection, less the penalty for each wrong one; matching earns a share for each correct pair; ordering earns a share for each item in its correct position.",
                max_length=20,
                verbose_name="partial credit",
            ),
        ),
        migrations.CreateModel(
            name="QuestionRubricCriterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("text", models.CharField(max_length=500, verbose_name="criterion")),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="points",
                    ),
                ),
                (
                    "question",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rubric_criteria",
                        to="content.question",
                    ),
                ),
            ],
            options={
                "verbose_name": "rubric criterion",
                "verbose_name_plural": "rubric criteria",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
    ]
