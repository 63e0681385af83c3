"""Import every module of a package: used by apps whose models, admin hooks and url modules
are split into one file per feature."""

import importlib
import pkgutil


def import_submodules(package: str) -> list:
    module = importlib.import_module(package)
    return [
        importlib.import_module(f"{package}.{info.name}")
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name)
    ]
