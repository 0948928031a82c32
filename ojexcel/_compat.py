"""Old import paths, kept for one release after the move into `io/`, `survey/`, `isu/` (issue 16).

`import ojexcel.xlsx_cells` and the other paths the README showed before 0.2 still work: each is
an alias of the module at its new place (the same module object), with a DeprecationWarning that
names the new path. docs/python-api.md lists them; drop this module in the release after.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

MOVED = {
    "ojexcel.xlsx_cells": "ojexcel.io.xlsx_cells",
    "ojexcel.tables": "ojexcel.io.tables",
    "ojexcel.trend": "ojexcel.survey.trend",
    "ojexcel.workbook_read": "ojexcel.survey.workbook_read",
    "ojexcel.isu.tabeller": "ojexcel.isu.compilation",
    "ojexcel.isu.radlista": "ojexcel.isu.row_list",
    "ojexcel.isu.arenden": "ojexcel.isu.reader",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:  # the target module is already executed
        pass


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds an old path of `MOVED` and hands out the module at its new place."""

    def find_spec(self, fullname, path=None, target=None):
        new = MOVED.get(fullname)
        if new is None:
            return None
        warnings.warn(f"{fullname} has moved to {new}; the old path goes in the next release",
                      DeprecationWarning, stacklevel=3)
        return importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())
