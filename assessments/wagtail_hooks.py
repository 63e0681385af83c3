"""Everything the assessments app adds to Wagtail: for admins, the certificate design preview
(assessments/admin_views/), a link to our own certificate list and, on each trainee of the
user list, their assessment record (audit pack PDF); for trainees, their own
assessment state at the top of /learn/ (training's dashboard-panel hook,
assessments/selectors/learner_status.py), and what it is drawn from in the key of the kept
dashboard (assessments/learner_stamp.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from assessments.admin_views.certificates import certificate_preview_viewset
from assessments.admin_views.progress_report import progress_report_viewset
from assessments.learner_stamp import dashboard_stamp_parts
from assessments.selectors.learner_status import learner_status_panel
from core.menu import RoleMenuItem
from people import roles
from training.dashboard_panels import DASHBOARD_PANELS_HOOK
from training.page_cache import DASHBOARD_STAMP_HOOK

hooks.register(DASHBOARD_PANELS_HOOK, learner_status_panel)
# What that panel is drawn from, in the key of the kept dashboard (assessments/learner_stamp.py).
hooks.register(DASHBOARD_STAMP_HOOK, dashboard_stamp_parts)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [certificate_preview_viewset, progress_report_viewset]


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


@hooks.register("register_user_listing_buttons")
def audit_pack_user_button(user, request_user):
    """ "Assessment record (PDF)" on each trainee of Wagtail's user list, for admins. The
    trainees are looked up once per list, not once per row."""
    if not roles.is_admin(request_user):
        return []
    trainee_ids = getattr(request_user, "_audit_pack_trainee_ids", None)
    if trainee_ids is None:
        trainee_ids = set(
            request_user.__class__.objects.filter(groups__name=roles.TRAINEE).values_list(
                "pk", flat=True
            )
        )
        request_user._audit_pack_trainee_ids = trainee_ids
    if user.pk not in trainee_ids:
        return []
    return [
        Button(
            _("Assessment record (PDF)"),
            reverse("assessments:audit_pack", args=[user.pk]),
            icon_name="download",
            priority=60,
        )
    ]
