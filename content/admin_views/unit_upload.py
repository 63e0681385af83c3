"""Importing a competency unit in the Wagtail admin, for admins: upload a file, read the
preview of what it would create (nothing is written yet), confirm. The confirmation carries
the file itself, signed, so the server keeps nothing between the two steps."""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from content.models.framework import CompetencyUnit
from content.services.units import ParseError, unit_import, unit_import_plan
from content.unit_import import MAX_BYTES
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from people.roles import is_admin

IMPORT_SALT = "content.unit-import"


class UnitUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Unit file"),
        help_text=gettext_lazy("iCAP unit export (.txt) or our YAML/JSON format (.yaml, .json)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is too large for a unit (over 2 MB)."))
        return upload


class UnitImportView(RoleRequiredMixin, WagtailAdminTemplateMixin, View):
    """GET: the upload form. POST with a file: the preview. POST with the preview's signed
    token: the import itself."""

    page_title = gettext_lazy("Import a unit")
    header_icon = "upload"
    template_name = "content/framework/admin/import.html"
    preview_template_name = "content/framework/admin/import_preview.html"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, template_name=None, status=200, **context):
        return TemplateResponse(
            self.request,
            template_name or self.template_name,
            self.get_context_data(**context),
            status=status,
        )

    def refused(self, form, exc):
        if isinstance(exc, ParseError):
            return self.render(form=form, errors=exc.errors, status=400)
        return self.render(form=form, rejection=" ".join(exc.messages), status=400)

    def get(self, request):
        return self.render(form=UnitUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request.POST["token"])
        form = UnitUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form, status=400)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = unit_import_plan(data=data, filename=upload.name)
        except (ParseError, ValidationError) as exc:
            return self.refused(form, exc)
        token = signing.dumps(
            {"name": upload.name[:200], "data": base64.b64encode(data).decode("ascii")},
            salt=IMPORT_SALT,
            compress=True,
        )
        return self.render(
            self.preview_template_name,
            plan=plan,
            token=token,
            filename=upload.name,
            sha=hashlib.sha256(data).hexdigest(),
        )

    def confirm(self, token: str):
        try:
            payload = signing.loads(token, salt=IMPORT_SALT, max_age=3600)
            data = base64.b64decode(payload["data"])
        except (signing.BadSignature, KeyError, ValueError):
            messages.error(
                self.request, _("The upload expired or was altered; upload the file again.")
            )
            return redirect(self.index_url_name)
        try:
            result = unit_import(data=data, filename=payload["name"], user=self.request.user)
        except (ParseError, ValidationError) as exc:
            return self.refused(UnitUploadForm(), exc)
        (messages.success if result.changed else messages.info)(self.request, result.message)
        return redirect(CompetencyUnit.snippet_viewset.get_url_name("inspect"), result.unit.pk)


class UnitImportViewSet(RoleViewSet):
    user_check = staticmethod(is_admin)
    icon = "upload"
    menu_label = gettext_lazy("Import a unit")
    menu_name = "unit-import"
    menu_order = 251
    add_to_admin_menu = True

    def get_urlpatterns(self):
        view = self.construct_view(UnitImportView, index_url_name=self.get_url_name("index"))
        return [path("", view, name="index")]


unit_import_viewset = UnitImportViewSet("unit_import", url_prefix="framework/import")
