"""Searchable choosers for behaviour indicators and knowledge / skill items: the default
widget of every ForeignKey to them in admin forms (e.g. an observation item's indicator).
Items with no text (K5.1 of the seed) are not mapping targets and are not offered.

The question chooser (the quiz page's fixed questions; several at once with Wagtail's
MultipleChooserPanel) filters by text, indicator, type and difficulty and shows each
question's indicator codes, in a fixed number of queries."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.views.chooser import ChooseResultsView as SnippetChooseResultsView
from wagtail.snippets.views.chooser import ChooseView as SnippetChooseView
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from content.models.framework import CompetencyItem, Indicator
from content.models.mapping import MAPPABLE_ITEMS
from content.models.questions import Difficulty, Question, QuestionType
from core.numbers import bounded_int


def _chooser_views(model, label_fields, *, only=None):
    class SearchForm(BaseFilterForm):
        q = forms.CharField(
            label=gettext_lazy("Search term"),
            widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")}),
            required=False,
        )

        def filter(self, objects):
            query = (self.cleaned_data.get("q") or "").strip()
            if query:
                self.is_searching, self.search_query = True, query
                condition = Q()
                for name in label_fields:
                    condition |= Q(**{f"{name}__icontains": query})
                objects = objects.filter(condition)
            return objects

    class SearchMixin:
        filter_form_class = SearchForm

        def get_object_list(self):
            objects = model.objects.all() if only is None else model.objects.filter(only)
            return objects.order_by("unit__base_code", "unit__version", "sort_order", "pk")

    class Choose(SearchMixin, ChooseView):
        pass

    class ChooseResults(SearchMixin, ChooseResultsView):
        pass

    return Choose, ChooseResults


_IndicatorChoose, _IndicatorResults = _chooser_views(Indicator, ["code", "text", "unit__code"])
_ItemChoose, _ItemResults = _chooser_views(
    CompetencyItem, ["code", "text", "unit__code"], only=MAPPABLE_ITEMS
)


class IndicatorChooserViewSet(ChooserViewSet):
    """A searchable chooser for behaviour indicators: the default widget of every ForeignKey
    to Indicator in admin forms (e.g. an observation item's indicator)."""

    model = Indicator
    icon = "tick-inverse"
    choose_one_text = gettext_lazy("Choose a behaviour indicator")
    choose_another_text = gettext_lazy("Choose another behaviour indicator")
    choose_view_class = _IndicatorChoose
    choose_results_view_class = _IndicatorResults
    url_filter_parameters = ["unit"]
    per_page = 30


class CompetencyItemChooserViewSet(ChooserViewSet):
    model = CompetencyItem
    icon = "list-ul"
    choose_one_text = gettext_lazy("Choose a knowledge or skill item")
    choose_another_text = gettext_lazy("Choose another knowledge or skill item")
    choose_view_class = _ItemChoose
    choose_results_view_class = _ItemResults
    url_filter_parameters = ["unit", "kind"]
    per_page = 30


indicator_chooser_viewset = IndicatorChooserViewSet(
    "indicator_chooser", url_prefix="content/indicator-chooser"
)
competency_item_chooser_viewset = CompetencyItemChooserViewSet(
    "competency_item_chooser", url_prefix="content/competency-item-chooser"
)


# --- the question chooser


def indicator_codes(question) -> str:
    """The question's indicator codes, from the prefetched `indicators` (no query per row)."""
    return ", ".join(sorted(indicator.code for indicator in question.indicators.all()))


def _filter_select(label, choices):
    return forms.ChoiceField(
        label=label,
        choices=[("", pgettext_lazy("question filter", "All"))] + list(choices),
        required=False,
        # Wagtail's chooser script reloads the results when such a field changes.
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )


class QuestionChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")}),
        required=False,
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Behaviour indicator"),
        queryset=Indicator.objects.select_related("unit").order_by(
            "unit__code", "sort_order", "code"
        ),
        required=False,
        empty_label=pgettext_lazy("question filter", "All"),
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    qtype = _filter_select(gettext_lazy("Question type"), QuestionType.choices)
    difficulty = _filter_select(gettext_lazy("Difficulty"), Difficulty.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].label_from_instance = lambda i: f"{i.unit.code} {i.code}"

    def filter(self, objects):
        data = self.cleaned_data
        query = (data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(Q(text__icontains=query) | Q(code__icontains=query))
        if data.get("indicator") is not None:
            self.is_searching = True
            objects = objects.filter(indicators=data["indicator"])
        for name in ("qtype", "difficulty"):
            if data.get(name):
                self.is_searching = True
                objects = objects.filter(**{name: data[name]})
        return objects


class QuestionChooseMixin:
    filter_form_class = QuestionChooserFilterForm

    def get_object_list(self):
        from content.admin_views.questions import with_review_states

        return with_review_states(Question.objects.prefetch_related("indicators").order_by("code"))

    @property
    def columns(self):
        columns = super().columns
        extra = [
            Column("indicators", label=gettext_lazy("Indicators"), accessor=indicator_codes),
            Column("qtype", label=gettext_lazy("Question type"), accessor="get_qtype_display"),
            Column(
                "difficulty", label=gettext_lazy("Difficulty"), accessor="get_difficulty_display"
            ),
        ]
        return [columns[0], *extra, *columns[1:]]


class QuestionChooseView(QuestionChooseMixin, SnippetChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseMixin, SnippetChooseResultsView):
    pass


class QuestionChosenView(SnippetChosenView):
    def get_object(self, pk):
        number = bounded_int(pk)
        if number is None:
            raise Question.DoesNotExist
        return Question.objects.get(pk=number)


class QuestionChosenMultipleView(SnippetChosenMultipleView):
    """Wagtail runs `pk__in` on the posted ids; ids no database holds are dropped (a 30-digit
    id made SQLite raise OverflowError)."""

    def get_objects(self, pks):
        ids = [number for number in map(bounded_int, pks) if number is not None]
        return Question.objects.filter(pk__in=ids).order_by("code")


class QuestionChooserViewSet(SnippetChooserViewSet):
    """The question bank's chooser (QuestionViewSet.chooser_viewset_class)."""

    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = QuestionChosenMultipleView
