"""Filters of the progress report: course, cohort, store, decision and a name /
employee-number search. Training managers get the same without the decision filter (a
filter on Not Yet Competent would show them assessment records)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from assessments.models.decisions import Decision
from assessments.selectors.progress_report import search_rows
from content.models import CoursePage
from people.models import Cohort, Store, User
from training.models.enrolment import Enrolment

NO_DECISION = "none"


class RolloutProgressFilterSet(WagtailFilterSet):
    q = django_filters.CharFilter(label=_("Name or employee number"), method="filter_q")
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("path"), empty_label=_("All")
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"),
        queryset=Cohort.objects.order_by("code"),
        empty_label=_("All"),
        method="filter_cohort",
    )
    store = django_filters.ModelChoiceFilter(
        label=_("Store"),
        field_name="trainee__profile__store",
        queryset=Store.objects.order_by("code"),
        empty_label=_("All"),
    )

    class Meta:
        model = Enrolment
        fields = ["q", "course", "cohort", "store"]

    def filter_q(self, queryset, name, value):
        return search_rows(queryset, value.strip()) if value.strip() else queryset

    def filter_cohort(self, queryset, name, value):
        """Enrolled with the cohort, or a member of it (enrolled one by one)."""
        members = User.objects.filter(profile__cohorts=value).values("pk")
        return queryset.filter(Q(cohort=value) | Q(trainee__in=members))

    def offer_only_for(self, trainees) -> None:
        """Offer only the courses, cohorts and stores of these trainees (an assessor's scope),
        so the lists name nothing outside it. Call before the form is first read."""
        self.filters["course"].queryset = (
            CoursePage.objects.filter(enrolments__trainee__in=trainees).distinct().order_by("path")
        )
        self.filters["cohort"].queryset = (
            Cohort.objects.filter(
                Q(members__user__in=trainees) | Q(enrolments__trainee__in=trainees)
            )
            .distinct()
            .order_by("code")
        )
        self.filters["store"].queryset = (
            Store.objects.filter(profiles__user__in=trainees).distinct().order_by("code")
        )

    def chosen_course(self):
        """The course filtered on, when the filters are valid and one is chosen."""
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("course")
        return None


class ProgressReportFilterSet(RolloutProgressFilterSet):
    decision = django_filters.ChoiceFilter(
        label=_("Decision"),
        choices=[*Decision.Outcome.choices, (NO_DECISION, _("No decision yet"))],
        method="filter_decision",
        empty_label=_("All"),
    )

    class Meta:
        model = Enrolment
        fields = ["q", "course", "cohort", "store", "decision"]

    def filter_decision(self, queryset, name, value):
        if value == NO_DECISION:
            return queryset.filter(decision_outcome__isnull=True)
        return queryset.filter(decision_outcome=value)
