"""Searchable choosers for behaviour indicators and knowledge / skill items: the default
widget of every ForeignKey to them in admin forms (e.g. an observation item's indicator).
Items with no text (K5.1 of the seed) are not mapping targets and are not offered."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from content.models.framework import CompetencyItem, Indicator
from content.models.mapping import MAPPABLE_ITEMS


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
