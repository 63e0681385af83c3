"""Wagtail admin: certificate design preview with sample data, and menu links for admins
to the certificate list and bulk issue. The design itself is a Wagtail setting
(Settings -> Certificate design)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from assessments.pdf import render_pdf
from assessments.selectors.certificates import sample_print_context
from people import roles


@never_cache
def certificate_preview(request):
    if not roles.is_admin(request.user):
        raise PermissionDenied
    content = render_pdf("assessments/pdf/certificate.html", sample_print_context())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [path("certificates/preview.pdf", certificate_preview, name="certificate_preview")]


class AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_admin(request.user)


@hooks.register("register_admin_menu_item")
def certificate_menu_item():
    return AdminOnlyMenuItem(
        _("Certificates"), reverse("assessments:certificate_list"), icon_name="doc-full", order=850
    )


@hooks.register("register_admin_menu_item")
def certificate_preview_menu_item():
    return AdminOnlyMenuItem(
        _("Certificate preview"), reverse("certificate_preview"), icon_name="view", order=851
    )
