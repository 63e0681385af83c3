"""URLs of the content app: one module per feature in `content/routes/`, each with `urlpatterns`."""

from config.autoload import import_submodules

app_name = "content"
urlpatterns = [p for module in import_submodules("content.routes") for p in module.urlpatterns]
