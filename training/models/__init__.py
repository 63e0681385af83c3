"""Every model of the training app, one module per feature, imported so Django registers them."""

from config.autoload import import_submodules

import_submodules("training.models")
