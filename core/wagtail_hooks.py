"""Wagtail admin registration for the core app (Wagtail imports this module itself)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.admin_views import DeliveryPermissionPolicy, delivery_viewset
from core.models import Delivery

register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))


@hooks.register("register_admin_viewset")
def register_delivery_viewset():
    return delivery_viewset
