"""Importing a Moodle XML file into the question bank: every question is checked with the
question editor's own form (the same rules a trainer meets: options per type, the rubric's
points, a unique code), its indicator and K/S codes resolved in the chosen unit; the plan
lists each question with its errors. Nothing is written unless every question is valid;
then all are written in one transaction.

Imported questions are drafts: each row is created not live, with a first revision by the
importer (Wagtail's CreateAction, as the editor's "save draft" does), so no quiz draws it
(quizzes draw live questions only) until the two-person review approves it. Optionally the
import submits each one to the review workflow at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction

from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.models.mapping import MAPPABLE_ITEMS
from content.models.questions import Question, QuestionType
from content.question_exchange import moodle_xml
from content.question_exchange.moodle_xml import MoodleXMLError, ParsedQuestion, QuestionData
from core.audit import audit_record

__all__ = ["ImportPlan", "ImportRow", "MoodleXMLError", "question_import_plan", "questions_import"]


@dataclass
class ImportRow:
    number: int
    name: str
    moodle_type: str
    data: QuestionData | None
    errors: list[str] = field(default_factory=list)
    form: object = None

    @property
    def qtype_label(self) -> str:
        if self.data is None or not self.data.qtype:
            return self.moodle_type
        return str(QuestionType(self.data.qtype).label)


@dataclass
class ImportPlan:
    unit: CompetencyUnit
    rows: list[ImportRow]

    @property
    def valid(self) -> bool:
        return all(not row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def _tag_string(tags: list[str]) -> str:
    """Taggit's edit string: names with commas or spaces quoted."""
    quoted = []
    for name in tags:
        name = name.replace('"', "")
        quoted.append(f'"{name}"' if ("," in name or " " in name) else name)
    return ", ".join(quoted)


def _formset(prefix: str, rows: list[dict]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
        data[f"{prefix}-{index}-ORDER"] = str(index)
        data[f"{prefix}-{index}-DELETE"] = ""
    return data


def _form_data(q: QuestionData, indicator_ids: list[int], item_ids: list[int]):
    from django.utils.datastructures import MultiValueDict

    data = {
        "code": q.code,
        "qtype": q.qtype,
        "text": q.text,
        "difficulty": q.difficulty,
        "points": str(q.points),
        "partial_credit": q.partial_credit,
        "penalty": str(q.penalty),
        "numeric_answer": "" if q.numeric_answer is None else str(q.numeric_answer),
        "numeric_tolerance": str(q.numeric_tolerance),
        "numeric_unit": q.numeric_unit,
        "model_answer": q.model_answer,
        "feedback": q.feedback,
        "tags": _tag_string(q.tags),
        **_formset(
            "options",
            [
                {
                    "text": o.text,
                    "is_correct": "on" if o.is_correct else "",
                    "match_text": o.match_text,
                    "feedback": o.feedback,
                }
                for o in q.options
            ],
        ),
        **_formset(
            "rubric_criteria", [{"text": c.text, "points": str(c.points)} for c in q.rubric]
        ),
    }
    if q.true_false_answer:
        data["true_false_answer"] = "on"
    values = MultiValueDict({key: [value] for key, value in data.items()})
    values.setlist("indicators", [str(pk) for pk in indicator_ids])
    values.setlist("competency_items", [str(pk) for pk in item_ids])
    return values


def _form_errors(form) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{label}: {error}" if label else str(error))
    for formset_name, formset in form.formsets.items():
        for error in formset.non_form_errors():
            messages.append(str(error))
        for index, child in enumerate(formset.forms, start=1):
            for name, errors in child.errors.items():
                label = child.fields[name].label if name in child.fields else ""
                for error in errors:
                    messages.append(f"{formset_name} {index} · {label}: {error}")
    return messages


def _check(parsed: list[ParsedQuestion], unit: CompetencyUnit, user) -> list[ImportRow]:
    indicators = {i.code: i.pk for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i.pk for i in CompetencyItem.objects.filter(MAPPABLE_ITEMS, unit=unit)}
    form_class = Question.snippet_viewset.get_edit_handler().get_form_class()
    seen: dict[str, int] = {}
    rows = []
    for item in parsed:
        row = ImportRow(item.number, item.name, item.moodle_type, item.data, list(item.errors))
        rows.append(row)
        q = item.data
        if q is None:
            continue
        for code in q.indicator_codes:
            if code not in indicators:
                row.errors.append(
                    _("Unknown behaviour indicator “%(code)s” in unit %(unit)s.")
                    % {"code": code, "unit": unit.code}
                )
        for code in q.item_codes:
            if code not in items:
                row.errors.append(
                    _("Unknown knowledge or skill item “%(code)s” in unit %(unit)s.")
                    % {"code": code, "unit": unit.code}
                )
        if q.code in seen:
            row.errors.append(
                _("Question %(other)s of this file already uses the code “%(code)s”.")
                % {"other": seen[q.code], "code": q.code}
            )
        seen.setdefault(q.code, item.number)
        if row.errors:
            continue  # the form would only repeat them
        form = form_class(
            _form_data(
                q,
                [indicators[c] for c in q.indicator_codes],
                [items[c] for c in q.item_codes],
            ),
            instance=Question(),
            for_user=user,
        )
        if form.is_valid():
            row.form = form
        else:
            row.errors.extend(_form_errors(form))
    return rows


def question_import_plan(*, data: bytes, unit: CompetencyUnit, user) -> ImportPlan:
    """What importing `data` would create, each question with its errors; writes nothing.
    Raises MoodleXMLError when the file itself cannot be read."""
    return ImportPlan(unit=unit, rows=_check(moodle_xml.parse(data), unit, user))


@transaction.atomic
def questions_import(
    *, data: bytes, unit: CompetencyUnit, user, submit_for_review: bool = False
) -> list[Question]:
    """Create every question of the file as a draft (not live, first revision by `user`),
    or none: a file with any invalid question raises ValidationError listing them. With
    `submit_for_review`, each draft is also submitted to the two-person review."""
    plan = question_import_plan(data=data, unit=unit, user=user)
    if not plan.valid:
        raise ValidationError(
            [
                _("Question %(number)s: %(error)s") % {"number": row.number, "error": error}
                for row in plan.rows
                for error in row.errors
            ]
        )
    created = []
    for row in plan.rows:
        question = row.form.instance
        CreateAction(question, user=user, form=row.form).execute(skip_permission_checks=True)
        if submit_for_review:
            workflow = question.get_workflow()
            if workflow is not None:
                workflow.start(question, user)
        created.append(question)
    audit_record(
        actor=user,
        action="questions.imported",
        obj=None,
        summary=_("%(count)s questions imported from Moodle XML as drafts")
        % {"count": len(created)},
        data={"unit": unit.code, "codes": [q.code for q in created]},
    )
    return created
