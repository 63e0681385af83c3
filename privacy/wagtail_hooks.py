"""The privacy app's admin screens (privacy/admin_views.py), administrators only: the
retention rules and runs under "Personal data", the erasure requests under Settings."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from privacy.admin_views import AdminOnlyPolicy, erasure_viewset, privacy_viewset_group
from privacy.models import RetentionRule, RetentionRun

register_permission_policy(RetentionRule, AdminOnlyPolicy(RetentionRule))
register_permission_policy(RetentionRun, AdminOnlyPolicy(RetentionRun, actions=("view",)))


@hooks.register("register_admin_viewset")
def register_privacy_viewsets():
    return [privacy_viewset_group, erasure_viewset]
