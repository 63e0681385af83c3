"""URLs of the assessments app: one module per feature in `assessments/routes/`, each with `urlpatterns`."""

from config.autoload import import_submodules

app_name = "assessments"
urlpatterns = [p for module in import_submodules("assessments.routes") for p in module.urlpatterns]
