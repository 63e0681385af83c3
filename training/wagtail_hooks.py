"""Wagtail admin hooks of the training app: one module per feature in `training/admin_views/`."""

from config.autoload import import_submodules

import_submodules("training.admin_views")
