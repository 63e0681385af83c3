"""Every response now has its question version (0003 pinned the existing ones): the column
becomes required. A migration of its own, so that PostgreSQL never alters the table in the
transaction that just updated its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_scenario_run_mode"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quizresponse",
            name="question_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="training.questionversion",
            ),
        ),
    ]
