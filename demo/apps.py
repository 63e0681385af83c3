from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds the demo site: accounts, the unit, the course and sample records. It sits above
    the three product apps and only calls their services and demo loaders."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
