"""Wagtail admin, for admins: a preview of the certificate design with sample data (the design
itself is a Wagtail setting, Settings -> Certificate design). The certificate list and bulk
issue are our own views, linked from the menu in assessments/wagtail_hooks.py."""

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from assessments import pdf
from assessments.selectors.certificates import sample_print_context
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from people import roles


class CertificatePreviewView(RoleRequiredMixin, View):
    """The certificate as it prints now, shown inline in the browser."""

    http_method_names = ["get"]

    def get(self, request):
        content = pdf.render_pdf(pdf.CERTIFICATE_TEMPLATE, sample_print_context())
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CertificatePreviewViewSet(RoleViewSet):
    user_check = staticmethod(roles.is_admin)
    icon = "view"
    menu_label = _("Certificate preview")
    menu_name = "certificate-preview"
    menu_order = 851
    add_to_admin_menu = True

    def get_urlpatterns(self):
        view = self.construct_view(CertificatePreviewView)
        return [path("preview.pdf", view, name="preview")]


certificate_preview_viewset = CertificatePreviewViewSet(
    "certificate_preview", url_prefix="certificates"
)
