"""URLs of the training app: one module per feature in `training/routes/`, each with `urlpatterns`."""

from config.autoload import import_submodules

app_name = "training"
urlpatterns = [p for module in import_submodules("training.routes") for p in module.urlpatterns]
