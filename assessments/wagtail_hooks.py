"""Everything the assessments app adds to the Wagtail admin, for admins: the certificate
design preview (assessments/admin_views/) and a link to our own certificate list."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from assessments.admin_views.certificates import certificate_preview_viewset
from core.menu import RoleMenuItem
from people import roles


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [certificate_preview_viewset]


@hooks.register("register_admin_menu_item")
def certificate_list_menu_item():
    """Issuing, revoking and reissuing happen in our own views under /assess/certificates/."""
    return RoleMenuItem(
        _("Certificates"),
        reverse("assessments:certificate_list"),
        shown_to=roles.is_admin,
        icon_name="doc-full",
        order=850,
    )
