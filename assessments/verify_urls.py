"""Public certificate verification (no login): `/verify/...`, modules in `assessments/verify_routes/`."""

from config.autoload import import_submodules

app_name = "verify"
urlpatterns = [
    p for module in import_submodules("assessments.verify_routes") for p in module.urlpatterns
]
