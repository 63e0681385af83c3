"""The header of customer feedback given on the unit's customer-feedback form (its
criteria are rows of an `ItemResultsForm`, assessments/forms/results.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms.evidence import DATE_WIDGET, UploadField, _not_future


class FeedbackOnFormHeaderForm(forms.Form):
    source = forms.CharField(
        label=_("How it was given (e.g. feedback card, LINE form)"), max_length=200
    )
    occurred_on = forms.DateField(label=_("Date received"), widget=DATE_WIDGET)
    summary = forms.CharField(
        label=_("The customer's words, in short"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = UploadField(label=_("The completed form (optional)"), required=False)

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data["occurred_on"])
