"""Forms of the training app: trainers enrol a cohort, or chosen trainees, on a course."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedModelMultipleChoiceField
from people import roles
from people.models import Cohort


class TraineeChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        profile = getattr(obj, "profile", None)
        store = profile.store.name if profile and profile.store else ""
        return f"{obj.printed_name} ({obj.username}{' · ' + store if store else ''})"


class CohortEnrolForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.all(),
        empty_label=_("Choose a cohort"),
        error_messages={
            "required": _("Choose a cohort."),
            "invalid_choice": _("Choose a cohort from the list."),
        },
    )


class TraineesEnrolForm(forms.Form):
    trainees = TraineeChoiceField(
        label=_("Trainees to enrol"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one trainee."),
            "invalid_choice": _("Choose trainees from the list."),
            "invalid_pk_value": _("Choose trainees from the list."),
        },
    )

    def __init__(self, *args, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.TRAINEE, is_active=True)
            .select_related("profile__store")
            .order_by("profile__full_name", "username")
            .distinct()
        )
        if course is not None:
            queryset = queryset.exclude(enrolments__course=course)
        self.fields["trainees"].queryset = queryset
