"""Everything the content app adds to the Wagtail admin, in the order it runs. Hooks of one
name run in the order written here (then by their `order`); the screens live in
content/admin_views/, one module per concern.

- Competency framework: units (snippets; trainers read, admins edit), observation checklist
  items, indicator / K-S item choosers, unit import (admins), mapping matrix (trainers).
- Question bank (snippets).
- Publishing: courses with mapping gaps need a confirmation; pages under a workflow go
  through review; scenarios with an invalid graph are refused; the scenario graph view."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from content.admin_views import mapping_gaps, review, scenarios, unit_deletion
from content.admin_views.choosers import (
    competency_item_chooser_viewset,
    indicator_chooser_viewset,
)
from content.admin_views.mapping_matrix import mapping_matrix_viewset
from content.admin_views.observation import ObservationItemViewSet
from content.admin_views.questions import QuestionViewSet
from content.admin_views.unit_upload import unit_import_viewset
from content.admin_views.units import CompetencyUnitViewSet, UnitPermissionPolicy
from content.models.framework import CompetencyUnit

# --- screens
register_permission_policy(CompetencyUnit, UnitPermissionPolicy(CompetencyUnit))
register_snippet(CompetencyUnitViewSet)
register_snippet(ObservationItemViewSet)
register_snippet(QuestionViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        indicator_chooser_viewset,
        competency_item_chooser_viewset,
        unit_import_viewset,
        mapping_matrix_viewset,
        mapping_gaps.course_publish_gaps_viewset,
        scenarios.scenario_graph_viewset,
    ]


hooks.register("register_page_action_menu_item", scenarios.ScenarioGraphMenuItem)

# --- editing and publishing pages: the first hook that answers wins
hooks.register("before_edit_page", mapping_gaps.warn_course_gaps)
hooks.register("before_publish_page", mapping_gaps.confirm_course_gaps)
hooks.register("before_publish_page", review.refuse_direct_publish)
hooks.register("before_publish_page", scenarios.refuse_invalid_scenario)
hooks.register("construct_page_action_menu", review.hide_publish_button)
hooks.register("before_bulk_action", mapping_gaps.refuse_bulk_publish_with_gaps)
hooks.register("before_bulk_action", review.refuse_bulk_publish)

# --- deleting: before core's general guard for protected records (order=100)
hooks.register("before_delete_snippet", unit_deletion.refuse_protected_unit_delete)
