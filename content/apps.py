from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"

    def ready(self) -> None:
        # Wagtail's page_published is the only event every way of publishing sends (editor,
        # workflow approval, scheduled publishing, loaders); page_unpublished likewise.
        from wagtail.signals import page_published, page_unpublished

        from content import audit_hooks
        from content.pages.scenario import ScenarioPage
        from content.services.scenarios import scenario_published

        page_published.connect(
            scenario_published, sender=ScenarioPage, dispatch_uid="scenario_choices_map"
        )
        # The audit trail: retiring through a publish, and unpublishing (content/audit_hooks.py)
        page_published.connect(audit_hooks.page_published, dispatch_uid="audit_page_published")
        page_unpublished.connect(audit_hooks.page_unpublished, dispatch_uid="audit_unpublished")
