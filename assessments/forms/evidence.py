"""Forms of the assessor workspace. Choices are built from the user's scope (the unit's own
indicators, the unit's questions); nothing is taken from hidden fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.forms.results import ItemResultsForm, posted_unknown_keys
from assessments.models.appeals import AppealOutcome
from assessments.models.decisions import Decision
from assessments.models.evidence import Environment, ItemResult, Judgement
from assessments.uploads import check_upload
from content.models.framework import CompetencyItem, Indicator
from content.models.instruments import AssessmentInstrument
from core.forms import BoundedModelMultipleChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return value


class IndicatorChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.text[:80]}"


class UploadField(forms.FileField):
    """Runs the allowlist, size and magic-byte checks; cleaned value is a CheckedUpload."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        return check_upload(uploaded)


class ObservationHeaderForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200)
    environment = forms.ChoiceField(label=_("Environment"), choices=Environment.choices)
    summary = forms.CharField(
        label=_("What was observed"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data["occurred_on"])


class CustomerFeedbackForm(forms.Form):
    source = forms.CharField(label=_("Source (e.g. customer card, online review)"), max_length=200)
    occurred_on = forms.DateField(label=_("Date received"), widget=DATE_WIDGET)
    summary = forms.CharField(
        label=_("Summary of the feedback"), widget=forms.Textarea(attrs={"rows": 3})
    )
    indicators = IndicatorChoiceField(
        label=_("Indicators it supports"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = UploadField(label=_("Attachment (optional)"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(unit=unit).order_by(
            "sort_order", "pk"
        )

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data["occurred_on"])


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class UploadForm(forms.Form):
    """`tasks`: the unit's live portfolio tasks. When there are any, the file must answer
    one of them (the page shows each task's instructions and criteria); otherwise the
    field is not there and the upload is judged on free indicators, as before tasks."""

    instrument = InstrumentChoiceField(
        label=_("Portfolio task this file answers"),
        queryset=AssessmentInstrument.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the portfolio task this file answers.")},
    )
    file = UploadField(label=_("File (PDF, image or office document)"))
    summary = forms.CharField(label=_("What this document shows"), max_length=500)

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        tasks = list(tasks)
        if tasks:
            self.fields["instrument"].queryset = AssessmentInstrument.objects.filter(
                pk__in=[t.pk for t in tasks]
            )
            if len(tasks) == 1:
                self.fields["instrument"].initial = tasks[0].pk
        else:
            del self.fields["instrument"]


class QuestioningHeaderForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data["occurred_on"])


class JudgementForm(forms.Form):
    result = forms.ChoiceField(label=_("Judgement"), choices=Judgement.Result.choices)
    indicators = IndicatorChoiceField(
        label=_("Indicators it supports"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    verification = forms.ChoiceField(
        label=_("How it was verified"),
        choices=[("", "—"), *Judgement.Verification.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, unit, by_criteria: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_criteria:
            # Evidence gathered with an instrument is judged criterion by criterion
            # (CriterionResultsForm); the indicators follow from the criteria, and the
            # overall result is chosen after them, never preset.
            del self.fields["indicators"]
            self.fields["result"].choices = [("", "—"), *Judgement.Result.choices]
        else:
            self.fields["indicators"].queryset = Indicator.objects.filter(unit=unit).order_by(
                "sort_order", "pk"
            )


# The three results of a criterion, worded for who judges it.
JUDGE_RESULTS = [
    (ItemResult.SATISFACTORY, _("Satisfactory")),
    (ItemResult.NOT_SATISFACTORY, _("Not yet satisfactory")),
    (ItemResult.NOT_OBSERVED, _("Not shown")),
]
SUPERVISOR_RESULTS = [
    (ItemResult.SATISFACTORY, _("Seen, and satisfactory")),
    (ItemResult.NOT_SATISFACTORY, _("Not yet")),
    (ItemResult.NOT_OBSERVED, _("Not seen")),
]


def criterion_key(criterion_id: int) -> str:
    return f"c{criterion_id}"


def criterion_id_of(key: str) -> int | None:
    """The criterion a posted row names ("c<id>"), or None when it names none."""
    digits = key[1:] if key.startswith("c") else ""
    return int(digits) if digits.isdigit() and len(digits) <= 18 else None


class CriterionResultsForm(ItemResultsForm):
    """A result and a comment per criterion of an instrument (rows "c<criterion id>"), plus
    every row the POST names that the instrument does not have (a stale page or a forged
    POST): those are handed to the service, which refuses them, rather than dropped."""

    def __init__(self, data=None, *, criteria, initial: dict | None = None):
        self.criteria = list(criteria)
        known = [criterion_key(c.pk) for c in self.criteria]
        extra = posted_unknown_keys(data, set(known)) if data is not None else []
        self.extra_keys = extra
        super().__init__(data, keys=known + extra, initial=initial)

    def judged(self) -> list[tuple[int | None, str, str]]:
        """(criterion id or None, result, comment) for every row posted or shown."""
        return [(criterion_id_of(key), self.result(key), self.comment(key)) for key in self.keys]

    def rows(self) -> list[dict]:
        return [
            {"criterion": c, "key": criterion_key(c.pk), **self.shown(criterion_key(c.pk))}
            for c in self.criteria
        ]


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this record corrected?"), widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ThirdPartyRequestForm(forms.Form):
    """`instruments`: the unit's live third-party prompts. When there are any, the request
    names the prompts the supervisor answers; otherwise the field is not there and the
    supervisor answers per indicator, as before prompts."""

    supervisor_name = forms.CharField(label=_("Supervisor's name"), max_length=120)
    supervisor_email = forms.EmailField(label=_("Supervisor's e-mail"))
    instrument = InstrumentChoiceField(
        label=_("Report prompts the supervisor answers"),
        queryset=AssessmentInstrument.objects.none(),
        help_text=_(
            "The supervisor sees its instructions and one plain-language row per criterion."
        ),
        error_messages={"required": _("Choose the report prompts the supervisor answers.")},
    )

    def __init__(self, *args, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        instruments = list(instruments)
        if instruments:
            self.fields["instrument"].queryset = AssessmentInstrument.objects.filter(
                pk__in=[i.pk for i in instruments]
            ).order_by("title", "pk")
            if len(instruments) == 1:
                self.fields["instrument"].initial = instruments[0].pk
        else:
            del self.fields["instrument"]


class ThirdPartyHeaderForm(forms.Form):
    supervisor_name = forms.CharField(label=_("Your name"), max_length=120)
    supervisor_role = forms.CharField(label=_("Your position"), max_length=120)
    observed_from = forms.DateField(label=_("Date of your observations"), widget=DATE_WIDGET)
    summary = forms.CharField(
        label=_("How you know the trainee's work"), widget=forms.Textarea(attrs={"rows": 3})
    )
    declaration = forms.BooleanField(
        label=_(
            "I declare that this report is true and based on my own observation of the trainee at work."
        ),
    )

    def clean_observed_from(self):
        return _not_future(self.cleaned_data["observed_from"])


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    assessed_on = forms.DateField(label=_("Assessment date"), widget=DATE_WIDGET)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    feedback = forms.CharField(
        label=_("Feedback to the trainee (Not Yet Competent)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reassessment_on = forms.DateField(
        label=_("Reassessment date"), widget=DATE_WIDGET, required=False
    )
    correction_reason = forms.CharField(
        label=_("If this corrects the current decision: why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean_assessed_on(self):
        return _not_future(self.cleaned_data["assessed_on"])


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you appeal?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class AppealAssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.printed_name


class AppealOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.Outcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class OralQuestionForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Behaviour indicator"), queryset=Indicator.objects.none()
    )
    competency_items = BoundedModelMultipleChoiceField(
        label=_("Knowledge items"),
        queryset=CompetencyItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    model_answer = forms.CharField(
        label=_("Model answer"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(unit=unit).order_by(
            "sort_order", "pk"
        )
        self.fields["competency_items"].queryset = CompetencyItem.objects.filter(
            unit=unit, kind=CompetencyItem.Kind.KNOWLEDGE
        ).order_by("sort_order", "pk")


class AssignmentForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=None)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None, required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=None, required=False)

    def __init__(self, *args, assessors, cohorts, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda u: u.printed_name
        self.fields["cohort"].queryset = cohorts
        self.fields["store"].queryset = stores

    def clean(self):
        data = super().clean()
        if bool(data.get("cohort")) == bool(data.get("store")):
            raise ValidationError(_("Choose a cohort or a store."))
        return data


ITEM_RESULT_CHOICES = ItemResult.choices
