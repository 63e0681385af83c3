"""Everything the core app adds to the Wagtail admin, in the order it runs: the outbox of
e-mail deliveries for superusers (core/admin_views.py), and the refusal, with the reason, to
delete what records protect (core/admin_deletion.py)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core import admin_deletion
from core.admin_views import DeliveryPermissionPolicy, delivery_viewset
from core.models import Delivery

register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))


@hooks.register("register_admin_viewset")
def register_delivery_viewset():
    return delivery_viewset


# Deleting what records refer to through on_delete=PROTECT is refused with a message, never
# a ProtectedError (500). Snippets, pages and bulk actions: order=100, after the apps' own,
# more specific guards (e.g. content's for competency units).
hooks.register("before_delete_user", admin_deletion.refuse_protected_user_delete)
hooks.register("before_delete_snippet", admin_deletion.refuse_protected_snippet_delete, order=100)
hooks.register("before_delete_page", admin_deletion.refuse_protected_page_delete, order=100)
hooks.register("before_bulk_action", admin_deletion.refuse_protected_bulk_delete, order=100)
