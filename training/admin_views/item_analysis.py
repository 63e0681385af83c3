"""Item analysis in the Wagtail admin, for trainers: per question of a quiz, how many
answered, facility, discrimination, option frequencies and flags; CSV export."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from content.pages.quiz import QuizPage
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


def _require_trainer(request) -> None:
    if not roles.is_trainer(request.user):
        raise PermissionDenied


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas: cells starting with = + - @ (or tab/CR) get a quote."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _option_label(option) -> str:
    if option.key in ("true", "false"):
        return _("True") if option.key == "true" else _("False")
    return option.label


@never_cache
def index(request):
    _require_trainer(request)
    quizzes = QuizPage.objects.all().order_by("path")
    return render(
        request,
        "training/admin/item_analysis_index.html",
        {"quizzes": quizzes, "page_title": _("Item analysis"), "header_icon": "table"},
    )


@never_cache
def detail(request, quiz_id: int):
    _require_trainer(request)
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        raise Http404
    rows = quiz_item_analysis(quiz)
    return render(
        request,
        "training/admin/item_analysis_detail.html",
        {
            "quiz": quiz,
            "rows": [
                {
                    "question": row.question,
                    "stats": row.stats,
                    "options": [
                        (_option_label(o), o.is_correct, n) for o, n in row.stats.option_counts
                    ],
                    "flags": [FLAG_LABELS[flag] for flag in row.stats.flags],
                }
                for row in rows
            ],
            "page_title": _("Item analysis"),
            "page_subtitle": quiz.title,
            "header_icon": "table",
        },
    )


@never_cache
def export_csv(request, quiz_id: int):
    _require_trainer(request)
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="item-analysis-{quiz.pk}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (Chinese text) correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Code"),
            _("Question"),
            _("Type"),
            _("Answered"),
            _("Drawn"),
            _("Facility"),
            _("Discrimination"),
            _("Point-biserial"),
            _("Option frequencies"),
            _("Flags"),
        ]
    )
    for row in quiz_item_analysis(quiz):
        stats = row.stats
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    row.question.code,
                    row.question.text,
                    row.question.get_qtype_display(),
                    stats.answered,
                    stats.seen,
                    "" if stats.facility is None else f"{stats.facility:.2f}",
                    "" if stats.discrimination is None else f"{stats.discrimination:.2f}",
                    "" if stats.point_biserial is None else f"{stats.point_biserial:.2f}",
                    "; ".join(
                        f"{_option_label(option)}{' ✓' if option.is_correct else ''}: {count}"
                        for option, count in stats.option_counts
                    ),
                    "; ".join(str(FLAG_LABELS[flag]) for flag in stats.flags),
                )
            ]
        )
    return response


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("item-analysis/", index, name="quiz_item_analysis"),
        path("item-analysis/<id:quiz_id>/", detail, name="quiz_item_analysis_detail"),
        path("item-analysis/<id:quiz_id>/csv/", export_csv, name="quiz_item_analysis_csv"),
    ]


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return TrainerMenuItem(
        gettext_lazy("Item analysis"),
        reverse("quiz_item_analysis"),
        icon_name="table",
        order=260,
    )
