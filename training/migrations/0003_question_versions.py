"""Question versions: the table, each response's pinned version, and version 1 of every
question already answered, made from the question row as it is now (the attempts before
versioning kept no copy). The snapshot and digest code is a frozen copy of
training/question_snapshots.py: migrations never import application code."""

import hashlib
import json
from decimal import Decimal

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def _number(value):
    if value is None:
        return None
    return f"{Decimal(value).normalize():f}"


def _content(question, options, indicator_ids, item_ids):
    return {
        "qtype": question.qtype,
        "text": question.text,
        "points": _number(question.points),
        "partial_credit": question.partial_credit,
        "penalty": _number(question.penalty),
        "true_false_answer": bool(question.true_false_answer),
        "numeric_answer": _number(question.numeric_answer),
        "numeric_tolerance": _number(question.numeric_tolerance),
        "numeric_unit": question.numeric_unit,
        "model_answer": question.model_answer,
        "feedback": question.feedback,
        "indicator_ids": sorted(indicator_ids),
        "competency_item_ids": sorted(item_ids),
        "options": [
            {
                "id": option.pk,
                "text": option.text,
                "is_correct": bool(option.is_correct),
                "match_text": option.match_text,
                "feedback": option.feedback,
            }
            for option in options
        ],
    }


def _digest(content):
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def pin_existing_responses(apps, schema_editor):
    Question = apps.get_model("content", "Question")
    QuestionOption = apps.get_model("content", "QuestionOption")
    QuestionVersion = apps.get_model("training", "QuestionVersion")
    QuizResponse = apps.get_model("training", "QuizResponse")
    question_ids = sorted(
        set(
            QuizResponse.objects.filter(question_version__isnull=True).values_list(
                "question_id", flat=True
            )
        )
    )
    for question_id in question_ids:
        question = Question.objects.get(pk=question_id)
        options = list(
            QuestionOption.objects.filter(question_id=question_id).order_by("sort_order", "pk")
        )
        indicator_ids = Question.indicators.through.objects.filter(
            question_id=question_id
        ).values_list("indicator_id", flat=True)
        item_ids = Question.competency_items.through.objects.filter(
            question_id=question_id
        ).values_list("competencyitem_id", flat=True)
        content = _content(question, options, list(indicator_ids), list(item_ids))
        version = QuestionVersion.objects.create(
            question_id=question_id, number=1, content=content, digest=_digest(content)
        )
        QuizResponse.objects.filter(question_id=question_id, question_version__isnull=True).update(
            question_version=version
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_retired"),
        ("training", "0002_protect_learner_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                ("content", models.JSONField(verbose_name="content")),
                ("digest", models.CharField(max_length=64)),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="content.question",
                    ),
                ),
            ],
            options={
                "verbose_name": "question version",
                "verbose_name_plural": "question versions",
                "ordering": ["question_id", "number"],
            },
        ),
        migrations.AddField(
            model_name="quizresponse",
            name="question_version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="training.questionversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="questionversion",
            constraint=models.UniqueConstraint(
                fields=("question", "number"), name="questionversion_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="questionversion",
            constraint=models.UniqueConstraint(
                fields=("question", "digest"), name="questionversion_unique_digest"
            ),
        ),
        migrations.RunPython(pin_existing_responses, migrations.RunPython.noop),
    ]
