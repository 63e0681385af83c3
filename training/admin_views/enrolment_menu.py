"""A link from the Wagtail admin to our own enrolment pages (/learn/manage/), for trainers
and admins. Enrolment never goes through Wagtail's user management."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from people import roles


class EnrolmentMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def enrolment_menu_item():
    return EnrolmentMenuItem(
        _("Enrolments"), reverse("training:manage_courses"), icon_name="group", order=250
    )
