"""Every model of the assessments app, one module per feature, imported so Django registers them."""

from config.autoload import import_submodules

import_submodules("assessments.models")
