"""Importing a Moodle XML file into the question bank: every question is checked with the
question editor's own form (the same rules a trainer meets: options per type, the rubric's
points, a unique code), its indicator and K/S codes resolved in the chosen unit; the plan
lists each question with its errors. Nothing is written unless every question is valid;
then all are written in one transaction.

Imported questions are drafts: each row is created not live, with a first revision by the
importer (Wagtail's CreateAction, as the editor's "save draft" does), so no quiz draws it
(quizzes draw live questions only) until the two-person review approves it. Optionally the
import submits each one to the review workflow at once.

What the questions refer to is read once for the whole file, not once per question: the
unit's indicators and K/S items, the bank's codes the file uses (the form checks against
these instead of a query each), the file's tags and the review workflow. So checking a file
costs the same queries whatever the number of questions, and writing a fixed number per
question (tests/content/test_question_exchange_scale.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction

from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.models.mapping import MAPPABLE_ITEMS
from content.models.questions import Question, QuestionTag, QuestionType
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


class _ChoicesReadOnce(forms.ModelMultipleChoiceField):
    """The editor's own indicator (or K/S item) field, answering from the unit's objects the
    import read once for the file instead of a query per question: the same value (the
    chosen objects, in the field's order). Anything else posted is checked by the field
    itself, with its own query and errors."""

    def __init__(self, field: forms.ModelMultipleChoiceField, known: list[Model]):
        self.__dict__.update(field.__dict__)  # label, queryset, widget, required, as given
        self.field = field
        self.known = {str(obj.pk): obj for obj in known}  # in the field queryset's order

    def _check_values(self, value):
        chosen = {str(pk) for pk in value}
        if not chosen <= self.known.keys():
            return self.field._check_values(value)
        return [obj for key, obj in self.known.items() if key in chosen]


def _import_form_class(
    indicators: list[Indicator], items: list[CompetencyItem], codes: set[str], taken: set[str]
):
    """The question editor's form, checking against what the import read once for the
    file: the unit's indicators and items, and which of the file's `codes` the bank already
    `taken` (the form's unique check on the code, the same error, without its query)."""
    base = Question.snippet_viewset.get_edit_handler().get_form_class()

    class QuestionImportForm(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, known in (("indicators", indicators), ("competency_items", items)):
                if name in self.fields:
                    self.fields[name] = _ChoicesReadOnce(self.fields[name], known)

        def validate_unique(self):
            code = self.instance.code
            exclude = self._get_validation_exclusions()
            if "code" in exclude or self.instance.pk is not None or code not in codes:
                return super().validate_unique()
            if code in taken:
                message = self.instance.unique_error_message(Question, ("code",))
                self._update_errors(ValidationError({"code": [message]}))
            try:
                self.instance.validate_unique(exclude={*exclude, "code"})
            except ValidationError as error:
                self._update_errors(error)

    return QuestionImportForm


def _check(parsed: list[ParsedQuestion], unit: CompetencyUnit, user) -> list[ImportRow]:
    unit_indicators = list(Indicator.objects.filter(unit=unit))
    unit_items = list(CompetencyItem.objects.filter(MAPPABLE_ITEMS, unit=unit))
    indicators = {i.code: i.pk for i in unit_indicators}
    items = {i.code: i.pk for i in unit_items}
    codes = {item.data.code for item in parsed if item.data is not None}
    taken = set(Question.objects.filter(code__in=codes).values_list("code", flat=True))
    form_class = _import_form_class(unit_indicators, unit_items, codes, taken)
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


def _tags_read_once(question_forms: list) -> None:
    """The file's tags as tag objects, read in one query (those new to the bank created
    once each, as taggit creates them), so that saving each question does not look its
    tag names up again."""
    if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
        return  # taggit matches names its own way then: let it look each one up
    tag_model = QuestionTag.tag_model()
    names = [  # in the file's order, each once
        *dict.fromkeys(
            name
            for form in question_forms
            for name in form.cleaned_data.get("tags") or []
            if isinstance(name, str)
        )
    ]
    tags = {tag.name: tag for tag in tag_model.objects.filter(name__in=names)}
    for name in names:
        if name not in tags:
            tags[name], _created = tag_model.objects.get_or_create(
                name=name, defaults={"name": name}
            )
    for form in question_forms:
        form.cleaned_data["tags"] = [
            tags.get(name, name) if isinstance(name, str) else name
            for name in form.cleaned_data.get("tags") or []
        ]


def question_import_plan(*, data: bytes, unit: CompetencyUnit, user) -> ImportPlan:
    """What importing `data` would create, each question with its errors; writes nothing.
    Raises MoodleXMLError when the file itself cannot be read."""
    return ImportPlan(unit=unit, rows=_check(moodle_xml.parse(data), unit, user))


_UNREAD = object()


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
    _tags_read_once([row.form for row in plan.rows])
    created = []
    workflow = _UNREAD
    for row in plan.rows:
        question = row.form.instance
        CreateAction(question, user=user, form=row.form).execute(skip_permission_checks=True)
        if submit_for_review:
            if workflow is _UNREAD:
                # A snippet's workflow is its model's (Wagtail assigns it to the content
                # type), the same for every question: read once, for the first.
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
