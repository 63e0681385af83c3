from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"

    def ready(self) -> None:
        # Wagtail's page_published is the only event every way of publishing sends (editor,
        # workflow approval, scheduled publishing, loaders); page_unpublished likewise.
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from content import audit_hooks
        from content.pages.scenario import ScenarioPage
        from content.services.scenarios import scenario_published
        from content.tree_cache import tree_changed, tree_page_saved

        page_published.connect(
            scenario_published, sender=ScenarioPage, dispatch_uid="scenario_choices_map"
        )
        # The audit trail: retiring through a publish, and unpublishing (content/audit_hooks.py)
        page_published.connect(audit_hooks.page_published, dispatch_uid="audit_page_published")
        page_unpublished.connect(audit_hooks.page_unpublished, dispatch_uid="audit_unpublished")
        # What is cached about the live tree (routes, course outlines) belongs to one version
        # of it (content/tree_cache.py): these are the changes that make a new version.
        for signal, name in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
        ):
            signal.connect(tree_changed, dispatch_uid=f"tree_changed_{name}")
        post_delete.connect(tree_changed, sender=Page, dispatch_uid="tree_changed_deleted")
        # Pages created or saved in code (loaders, `add_child`) send no publishing signal.
        post_save.connect(tree_page_saved, dispatch_uid="tree_changed_page_saved")
        for model in (PageViewRestriction, Site):
            for signal in (post_save, post_delete):
                signal.connect(
                    tree_changed,
                    sender=model,
                    dispatch_uid=f"tree_changed_{model.__name__}_{signal is post_save}",
                )
