"""Everything the content app adds to the Wagtail admin, in the order it runs. Hooks of one
name run in the order written here (then by their `order`); the screens live in
content/admin_views/, one module per concern.

- Competency framework: units (snippets; trainers read, admins edit), observation checklist
  items, indicator / K-S item choosers, unit import (admins), mapping matrix (trainers).
- Question bank and assessment instruments (snippets); Moodle XML import and export of
  questions (a page and a bulk action).
- Publishing: courses with mapping gaps need a confirmation; trainers publish only through
  the two-person review (no publish permission; a stale submission is flagged); scenarios with an invalid graph are refused; the scenario graph view."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from content import audit_hooks
from content.admin_views import mapping_gaps, review, scenarios, unit_deletion
from content.admin_views.choosers import (
    competency_item_chooser_viewset,
    indicator_chooser_viewset,
)
from content.admin_views.instruments import AssessmentInstrumentViewSet
from content.admin_views.mapping_matrix import mapping_matrix_viewset
from content.admin_views.observation import ObservationItemViewSet
from content.admin_views.question_import import (
    ExportQuestionsBulkAction,
    question_exchange_viewset,
)
from content.admin_views.questions import QuestionViewSet
from content.admin_views.unit_upload import unit_import_viewset
from content.admin_views.units import CompetencyUnitViewSet, UnitPermissionPolicy
from content.models.framework import CompetencyUnit
from content.services.review import review_roles_sync
from people.services import ROLES_SYNCED_HOOK

# --- screens
register_permission_policy(CompetencyUnit, UnitPermissionPolicy(CompetencyUnit))
register_snippet(CompetencyUnitViewSet)
register_snippet(ObservationItemViewSet)
register_snippet(QuestionViewSet)
register_snippet(AssessmentInstrumentViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        indicator_chooser_viewset,
        competency_item_chooser_viewset,
        unit_import_viewset,
        mapping_matrix_viewset,
        mapping_gaps.course_publish_gaps_viewset,
        scenarios.scenario_graph_viewset,
        question_exchange_viewset,
    ]


hooks.register("register_bulk_action", ExportQuestionsBulkAction)


hooks.register("register_page_action_menu_item", scenarios.ScenarioGraphMenuItem)


@hooks.register("insert_global_admin_css")
def admin_css() -> str:
    """Our admin styles, from a static file (no inline styles in our admin templates)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


# --- editing and publishing pages: the first hook that answers wins
hooks.register("before_edit_page", mapping_gaps.warn_course_gaps)
hooks.register("before_edit_page", review.warn_stale_submission)
hooks.register("before_edit_snippet", review.warn_stale_submission)
hooks.register("after_create_page", review.review_new_course_index)
hooks.register("before_publish_page", mapping_gaps.confirm_course_gaps)
hooks.register("before_publish_page", scenarios.refuse_invalid_scenario)
hooks.register("before_bulk_action", mapping_gaps.refuse_bulk_publish_with_gaps)
# --- roles: the review workflow and trainers' page permissions (people.services.roles_sync)
hooks.register(ROLES_SYNCED_HOOK, review_roles_sync)

# --- deleting: before core's general guard for protected records (order=100)
hooks.register("before_delete_snippet", unit_deletion.refuse_protected_unit_delete)

# --- the audit trail of page and snippet changes (content/audit_hooks.py)
hooks.register("after_delete_page", audit_hooks.after_delete_page)
hooks.register("after_move_page", audit_hooks.after_move_page)
hooks.register("after_copy_page", audit_hooks.after_copy_page)
hooks.register("after_delete_snippet", audit_hooks.after_delete_snippet)
hooks.register("after_bulk_action", audit_hooks.after_bulk_action)
