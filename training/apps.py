from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"

    def ready(self) -> None:
        # Wagtail's page_published is sent by every way of publishing (editor, workflow
        # approval, scheduled publishing): a retired activity going live may complete courses.
        from wagtail.signals import page_published

        from content.pages.lesson import LessonPage
        from content.pages.quiz import QuizPage
        from content.pages.scenario import ScenarioPage
        from training.services.progress import activity_retirement_published

        # The cached course outline belongs to a version of the page tree, which content
        # bumps on every publish, unpublish, move and delete (content/tree_cache.py).
        for model in (LessonPage, QuizPage, ScenarioPage):
            page_published.connect(
                activity_retirement_published,
                sender=model,
                dispatch_uid=f"activity_retirement_published_{model.__name__}",
            )
