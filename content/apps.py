from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"

    def ready(self) -> None:
        # The one signal we listen to: Wagtail's page_published is the only event every way
        # of publishing sends (editor, workflow approval, scheduled publishing, loaders).
        from wagtail.signals import page_published

        from content.pages.scenario import ScenarioPage
        from content.services.scenarios import scenario_published

        page_published.connect(
            scenario_published, sender=ScenarioPage, dispatch_uid="scenario_choices_map"
        )
