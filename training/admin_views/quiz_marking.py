"""A Wagtail admin menu link to the marking queue of written quiz answers (the queue itself
is our own view under /learn/marking/, open to trainers and assessors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from people import roles


class MarkingMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_trainer(request.user) or roles.is_assessor(request.user)


@hooks.register("register_admin_menu_item")
def register_marking_menu_item():
    return MarkingMenuItem(
        _("Marking queue"), reverse("training:marking_queue"), icon_name="edit", order=270
    )
