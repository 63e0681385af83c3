"""Forms of the certificate pages (validation only; the services do the work)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.selectors.certificates import normalise_name
from content.models.framework import CompetencyUnit
from people.models import Cohort


class CertificateNumberForm(forms.Form):
    """Look-up by number needs the holder's name as printed too: numbers are sequential, so
    the number alone would let anyone walk the register."""

    number = forms.CharField(
        label=_("Certificate number"),
        max_length=20,
        help_text=_("As printed on the certificate, e.g. LA-2026-000123."),
    )
    name = forms.CharField(
        label=_("Holder's name"),
        max_length=100,
        help_text=_("Exactly as printed on the certificate."),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data["name"])


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    show_reason_publicly = forms.BooleanField(
        label=_("Show the reason on the public verify page"), required=False
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkScopeForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=CompetencyUnit.objects.all())
