"""Item analysis in the Wagtail admin (Reports), for trainers: the quizzes, then per question
version of one quiz (e.g. "retention-01 v2") how many answered, facility, discrimination, option frequencies and flags, with
CSV and XLSX downloads (core.spreadsheets)."""

from dataclasses import dataclass
from functools import cached_property

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.reports import ReportView

from content.models.questions import QuestionType
from content.pages.quiz import QuizPage
from core.admin_roles import ReportDetailMixin, RoleReportViewSet, RoleRequiredMixin
from core.spreadsheets import NeutralisedExportMixin
from people import roles
from training import item_analysis
from training.selectors.quizzes import quiz_item_analysis

FLAG_LABELS = {
    item_analysis.FLAG_FEW: gettext_lazy("Too few responses to judge"),
    item_analysis.FLAG_HARD: gettext_lazy("Very hard (facility below 0.2)"),
    item_analysis.FLAG_EASY: gettext_lazy("Very easy (facility above 0.95)"),
    item_analysis.FLAG_NEGATIVE: gettext_lazy("Negative discrimination"),
    item_analysis.FLAG_UNUSED_DISTRACTOR: gettext_lazy("A wrong option is never chosen"),
}
TITLE = gettext_lazy("Item analysis")


def _option_label(option) -> str:
    if option.key in ("true", "false"):
        return _("True") if option.key == "true" else _("False")
    return option.label


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class ItemLine:
    """One question version's figures, as the report shows and exports them."""

    question: object
    stats: item_analysis.ItemStats
    text: str = ""  # as the version answered reads
    qtype_value: str = ""

    code = property(lambda self: self.question.code)
    qtype = property(lambda self: QuestionType(self.qtype_value).label)

    @property
    def version(self) -> str:
        """e.g. "v2"; empty for a fixed question nobody has drawn yet."""
        return f"v{self.stats.version}" if self.stats.version else ""

    @property
    def item(self) -> str:
        """The question and the version answered, e.g. "retention-01 v2"."""
        return f"{self.code} {self.version}".strip()

    answered = property(lambda self: self.stats.answered)
    seen = property(lambda self: self.stats.seen)
    facility = property(lambda self: _figure(self.stats.facility))
    discrimination = property(lambda self: _figure(self.stats.discrimination))
    point_biserial = property(lambda self: _figure(self.stats.point_biserial))

    @property
    def options(self) -> list[tuple[str, bool, int]]:
        return [(_option_label(o), o.is_correct, n) for o, n in self.stats.option_counts]

    @property
    def options_text(self) -> str:
        return "; ".join(
            f"{label}{' ✓' if correct else ''}: {count}" for label, correct, count in self.options
        )

    @property
    def flags(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.stats.flags]

    @property
    def flags_text(self) -> str:
        return "; ".join(self.flags)


class QuizListView(RoleRequiredMixin, ReportView):
    page_title = TITLE
    header_icon = "table"
    results_template_name = "training/admin/quiz_list_results.html"
    detail_url_name = None

    @cached_property
    def columns(self):
        return [TitleColumn("title", label=_("Quiz"), url_name=self.detail_url_name)]

    def get_base_queryset(self):
        return QuizPage.objects.order_by("path")

    @cached_property
    def no_results_message(self):
        return _("No quizzes yet.")


class ItemAnalysisView(RoleRequiredMixin, ReportDetailMixin, NeutralisedExportMixin, ReportView):
    """One quiz. `export` in the URL's kwargs (the /csv/ address) downloads straight away."""

    page_title = TITLE
    header_icon = "table"
    results_template_name = "training/admin/item_analysis_results.html"
    paginate_by = None
    list_export = [
        "item",
        "text",
        "qtype",
        "answered",
        "seen",
        "facility",
        "discrimination",
        "point_biserial",
        "options_text",
        "flags_text",
    ]
    export_headings = {
        "item": gettext_lazy("Question version"),
        "text": gettext_lazy("Question"),
        "qtype": pgettext_lazy("question", "Type"),
        "answered": gettext_lazy("Answered"),
        "seen": gettext_lazy("Drawn"),
        "facility": gettext_lazy("Facility"),
        "discrimination": gettext_lazy("Discrimination"),
        "point_biserial": gettext_lazy("Point-biserial"),
        "options_text": gettext_lazy("Option frequencies"),
        "flags_text": gettext_lazy("Flags"),
    }

    @cached_property
    def quiz(self) -> QuizPage:
        quiz = QuizPage.objects.filter(pk=self.kwargs["quiz_id"]).first()
        if quiz is None:
            raise Http404
        return quiz

    def get_page_subtitle(self):
        return self.quiz.title

    def get_queryset(self):
        return [
            ItemLine(row.question, row.stats, text=row.text, qtype_value=row.qtype)
            for row in quiz_item_analysis(self.quiz)
        ]

    def get_filename(self):
        return f"item-analysis-{self.quiz.pk}"

    def render_to_response(self, context, **response_kwargs):
        if self.kwargs.get("export"):
            return self.as_spreadsheet(context["object_list"], self.kwargs["export"])
        return super().render_to_response(context, **response_kwargs)


class ItemAnalysisViewSet(RoleReportViewSet):
    user_check = staticmethod(roles.is_trainer)
    icon = "table"
    menu_label = TITLE
    menu_name = "item-analysis"
    menu_order = 260
    index_view_class = QuizListView
    detail_view_class = ItemAnalysisView
    detail_kwarg = "quiz_id"

    def get_urlpatterns(self):
        csv = path("<id:quiz_id>/csv/", self.detail_view, {"export": "csv"}, name="csv")
        return [*super().get_urlpatterns(), csv]


item_analysis_viewset = ItemAnalysisViewSet("item_analysis", url_prefix="item-analysis")
