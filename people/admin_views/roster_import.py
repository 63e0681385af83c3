"""The staff roster import in the Wagtail admin, for admins and training managers
(`people.roles.may_run_rollout`; what a training manager may not change is refused per cell
by people.roster.validate): upload a CSV/XLSX file, read
the preview of every row (create / update / unchanged, errors per cell), confirm. The
confirmation carries the parsed rows, signed, so the server keeps nothing between steps."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import spreadsheets
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from people.roles import may_run_rollout
from people.roster.parse import COLUMNS, MAX_ROWS, RosterFileError, read_roster
from people.roster.services import RosterInvalid, roster_import_apply
from people.roster.validate import roster_plan

SALT = "people.roster-import"
EXAMPLE_ROW = [
    "chen.dawen",
    "陳大文",
    "E0001",
    "TPE-01",
    "2026-spring",
    "dawen@example.com",
    "trainee",
]


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        help_text=gettext_lazy("CSV (UTF-8 or Big5) or Excel .xlsx, at most 2 MB."),
    )


class RosterImportView(RoleRequiredMixin, WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Import staff roster")
    header_icon = "upload"
    template_name = "people/roster/import.html"
    preview_template_name = "people/roster/preview.html"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, template_name=None, status=200, **context):
        context.setdefault("columns", [str(label) for label in COLUMNS.values()])
        context.setdefault("max_rows", MAX_ROWS)
        return TemplateResponse(
            self.request,
            template_name or self.template_name,
            self.get_context_data(**context),
            status=status,
        )

    def get(self, request):
        kind = request.GET.get("template")
        header = [str(label) for label in COLUMNS.values()]
        if kind == "csv":
            body = spreadsheets.csv_content([header, EXAMPLE_ROW])
            return spreadsheets.download(
                body, content_type=spreadsheets.CSV_CONTENT_TYPE, filename="roster-template.csv"
            )
        if kind == "xlsx":
            import io

            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            sheet.append(header)
            sheet.append(EXAMPLE_ROW)
            out = io.BytesIO()
            book.save(out)
            return spreadsheets.download(
                out.getvalue(),
                content_type=spreadsheets.XLSX_CONTENT_TYPE,
                filename="roster-template.xlsx",
            )
        return self.render(form=RosterUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request.POST["token"])
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form, status=400)
        upload = form.cleaned_data["file"]
        try:
            parsed = read_roster(upload.read(), upload.name)
        except RosterFileError as exc:
            return self.render(form=form, rejection=exc.message, status=400)
        plan = roster_plan(parsed.rows, by=request.user)
        token = signing.dumps(parsed.rows, salt=SALT, compress=True) if plan.valid else ""
        return self.render(
            self.preview_template_name,
            form=RosterUploadForm(),
            plan=plan,
            token=token,
            filename=upload.name,
            encoding=parsed.encoding,
            status=200 if plan.valid else 400,
        )

    def confirm(self, token: str):
        try:
            rows = signing.loads(token, salt=SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(
                self.request, _("The upload expired or was altered; upload the file again.")
            )
            return redirect(self.index_url_name)
        try:
            result = roster_import_apply(by=self.request.user, rows=rows)
        except RosterInvalid as exc:
            return self.render(
                self.preview_template_name,
                form=RosterUploadForm(),
                plan=exc.plan,
                token="",
                status=400,
            )
        messages.success(
            self.request,
            _("Roster imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        if result.invited:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d invitation to choose a password was e-mailed.",
                    "%(count)d invitations to choose a password were e-mailed.",
                    result.invited,
                )
                % {"count": result.invited},
            )
        return redirect(self.index_url_name)


class RosterImportViewSet(RoleViewSet):
    user_check = staticmethod(may_run_rollout)
    icon = "upload"
    menu_label = gettext_lazy("Import staff roster")
    menu_name = "roster-import"
    menu_order = 610
    add_to_settings_menu = True

    def get_urlpatterns(self):
        view = self.construct_view(RosterImportView, index_url_name=self.get_url_name("index"))
        return [path("", view, name="index")]


roster_import_viewset = RosterImportViewSet("roster_import", url_prefix="people/roster-import")
