"""Wagtail admin, for admins: a preview of the certificate design with sample data (the design
itself is a Wagtail setting, Settings -> Certificate design). The certificate list and bulk
issue are our own views, linked from the menu in assessments/wagtail_hooks.py.

The preview is never a certificate: it is rendered on each request and stored nowhere, it
prints 「樣本 SAMPLE」 across the page, a number no certificate can have and the verify page's
address without any code (its QR code finds nothing)."""

from types import SimpleNamespace

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from assessments import pdf
from assessments.models.certificates import CertificateDesign, CertificateLayout
from assessments.selectors.certificates import _qr_data_uri, design_load, sample_print_context
from assessments.services.certificates import _expires_on
from core.admin_roles import RoleRequiredMixin, RoleViewSet
from people import roles

SAMPLE_NUMBER = "LA-SAMPLE"
SAMPLE_VALID_MONTHS = 24


def preview_context(design: CertificateDesign, layout: str | None = None) -> dict:
    """Sample data in `design` (in `layout` when one of the layouts, else the design's own),
    with the watermark, a sample validity date and nothing that verifies."""
    verify_page = settings.SITE_BASE_URL.rstrip("/") + "/verify/"
    context = {
        **sample_print_context(design),
        **pdf.certificate_design_context(design),
        "number": SAMPLE_NUMBER,
        "verify_url": verify_page,
        "qr_uri": _qr_data_uri(verify_page),
        "sample": True,
    }
    sample_course = SimpleNamespace(certificate_valid_months=SAMPLE_VALID_MONTHS)
    context["expires_on"] = _expires_on(sample_course, timezone.localdate())
    if layout in CertificateLayout.values:
        context["layout"] = layout
    return context


class CertificatePreviewView(RoleRequiredMixin, View):
    """The certificate as it prints now, shown inline in the browser (`?layout=modern` shows
    another layout before choosing it)."""

    http_method_names = ["get"]

    def get(self, request):
        context = preview_context(design_load(), request.GET.get("layout"))
        content = pdf.render_pdf(pdf.CERTIFICATE_TEMPLATE, context)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="certificate-preview-{context["layout"]}.pdf"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
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
