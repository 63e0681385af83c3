"""Moodle XML import and export for the question bank, reached from its listing ("Import
questions", "Export to Moodle XML" buttons; "Export" on selected questions).

Import: upload a file and choose the unit whose indicator codes its tags name; the preview
lists every question with its errors (nothing is written); when all are valid, confirming
writes them all in one transaction, as drafts for the two-person review
(content.question_exchange.importer). The confirmation carries the file itself, signed, so
the server keeps nothing between the two steps. Export: the listing's filters, or the
selected questions, as one Moodle XML file."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from content.models.framework import CompetencyUnit
from content.models.questions import Question
from content.question_exchange.export import questions_for_export, questions_moodle_xml
from content.question_exchange.importer import (
    MoodleXMLError,
    question_import_plan,
    questions_import,
)
from content.question_exchange.moodle_xml import MAX_BYTES
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from core.numbers import bounded_int
from people.roles import is_trainer

IMPORT_SALT = "content.question-import"


def _units():
    return CompetencyUnit.objects.order_by("-pk")


class QuestionUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Moodle XML file"),
        help_text=gettext_lazy(
            "A question export from Moodle (Moodle XML format, .xml, at most 2 MB). Tags "
            "indicator:T1.1 map a question to an indicator, difficulty:easy|medium|hard "
            "set its difficulty."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,text/xml,application/xml"}),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Competency unit"),
        queryset=_units(),
        help_text=gettext_lazy("The unit whose indicator codes the file's tags name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["unit"].initial = (
            self.fields["unit"].queryset.values_list("pk", flat=True).first()
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload


class QuestionImportView(RoleRequiredMixin, WagtailAdminTemplateMixin, View):
    """GET: the upload form. POST with a file: the preview. POST with the preview's signed
    token: the import itself."""

    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "content/questions/import.html"
    preview_template_name = "content/questions/import_preview.html"
    index_url_name = None

    def get_breadcrumbs_items(self):
        bank = {
            "url": reverse("wagtailsnippets_content_question:list"),
            "label": capfirst_plural(),
        }
        return [*self.breadcrumbs_items, bank, {"url": "", "label": self.get_page_title()}]

    def render(self, template_name=None, status=200, **context):
        return TemplateResponse(
            self.request,
            template_name or self.template_name,
            self.get_context_data(**context),
            status=status,
        )

    def get(self, request):
        return self.render(form=QuestionUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = QuestionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form, status=400)
        upload, unit = form.cleaned_data["file"], form.cleaned_data["unit"]
        data = upload.read()
        try:
            plan = question_import_plan(data=data, unit=unit, user=request.user)
        except MoodleXMLError as exc:
            return self.render(form=form, rejection=str(exc), status=400)
        token = None
        if plan.valid:
            token = signing.dumps(
                {"unit": unit.pk, "data": base64.b64encode(data).decode("ascii")},
                salt=IMPORT_SALT,
                compress=True,
            )
        return self.render(
            self.preview_template_name,
            plan=plan,
            token=token,
            filename=upload.name,
            form=form,
            status=200 if plan.valid else 400,
        )

    def confirm(self, request):
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
            data = base64.b64decode(payload["data"])
            unit = CompetencyUnit.objects.get(pk=bounded_int(payload["unit"]))
        except (signing.BadSignature, KeyError, ValueError, TypeError, CompetencyUnit.DoesNotExist):
            messages.error(request, _("The upload expired or was altered; upload the file again."))
            return redirect(self.index_url_name)
        try:
            created = questions_import(
                data=data,
                unit=unit,
                user=request.user,
                submit_for_review=bool(request.POST.get("submit_for_review")),
            )
        except (MoodleXMLError, ValidationError):
            # The bank changed since the preview (e.g. a code was taken): show it again.
            messages.error(
                request,
                _("The bank changed since the preview and nothing was imported: upload again."),
            )
            return redirect(self.index_url_name)
        messages.success(
            request,
            ngettext(
                "Imported %(count)s question as a draft: it reaches quizzes once another "
                "trainer approves it.",
                "Imported %(count)s questions as drafts: they reach quizzes once another "
                "trainer approves them.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect("wagtailsnippets_content_question:list")


def capfirst_plural() -> str:
    from django.utils.text import capfirst

    return capfirst(Question._meta.verbose_name_plural)


class QuestionExportView(RoleRequiredMixin, View):
    """GET: a Moodle XML file of the selected questions (`id`, repeated), or of the bank
    as the listing's filters narrow it."""

    def get(self, request):
        from content.admin_views.questions import QuestionFilterSet

        queryset = Question.objects.all()
        ids = request.GET.getlist("id")
        if ids and "all" not in ids:
            queryset = queryset.filter(pk__in=[n for n in map(bounded_int, ids) if n is not None])
        else:
            filters = QuestionFilterSet(request.GET, queryset=queryset, request=request)
            if filters.is_valid():
                queryset = filters.qs
            query = (request.GET.get("q") or "").strip()
            if query:
                from django.db.models import Q

                queryset = queryset.filter(Q(text__icontains=query) | Q(code__icontains=query))
        content = questions_moodle_xml(questions_for_export(queryset.distinct()))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.xml"'
        return response


class QuestionExchangeViewSet(RoleViewSet):
    user_check = staticmethod(is_trainer)
    add_to_admin_menu = False

    def get_urlpatterns(self):
        index = self.construct_view(QuestionImportView, index_url_name=self.get_url_name("index"))
        export = self.construct_view(QuestionExportView)
        return [path("", index, name="index"), path("export/", export, name="export")]


question_exchange_viewset = QuestionExchangeViewSet(
    "question_import", url_prefix="content/questions/exchange"
)


def export_url(params: dict | None = None) -> str:
    url = reverse("question_import:export")
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


class ExportQuestionsBulkAction(SnippetBulkAction):
    """ "Export to Moodle XML" on the questions selected in the bank's listing: straight
    to the file, no confirmation page."""

    display_name = gettext_lazy("Export to Moodle XML")
    aria_label = gettext_lazy("Export the selected questions to Moodle XML")
    action_type = "export_moodle_xml"
    template_name = "content/questions/import.html"  # never rendered: GET answers the file
    action_priority = 90
    models = [Question]

    def check_perm(self, obj):
        return is_trainer(self.request.user)

    def get(self, request, *args, **kwargs):
        return redirect(export_url({"id": request.GET.getlist("id")}))
