"""Wagtail admin hooks of the content app: one module per feature in `content/admin_views/`."""

from config.autoload import import_submodules

import_submodules("content.admin_views")
