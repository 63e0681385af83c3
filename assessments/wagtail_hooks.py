"""Wagtail admin hooks of the assessments app: one module per feature in `assessments/admin_views/`."""

from config.autoload import import_submodules

import_submodules("assessments.admin_views")
