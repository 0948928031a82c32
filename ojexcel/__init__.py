"""ojexcel: Öppna jämförelser – Våld i nära relationer, from raw survey responses to the workbook.

The Python API, for notebooks (docs/python-api.md)::

    import ojexcel
    results = ojexcel.build()                      # the embedded 2017 sample; or build("svar.csv", 2017)
    df = results.to_frame()                        # the tidy export as a pandas DataFrame
    ojexcel.write_workbook(results, "vinr_2017.xlsx")
    df = ojexcel.read_tidy("vinr_2017_tidy.csv")   # a tidy export (one year or several) as a DataFrame

    isu = ojexcel.isu.build()                      # ISU: the embedded sample; or build_isu("arenden.csv")
    df = isu.to_frame()                            # hidden and non-existent values told apart
    df = ojexcel.read_isu_tidy("isu_tidy.csv")

Importing the package is cheap: every name is imported on first use (the command line imports
this package too, and `ojexcel build` must never import pandas or numpy).
"""
from __future__ import annotations

__all__ = ["__version__", "build", "load_arsgang", "read_tidy", "write_workbook", "write_tidy", "InputError",
           "build_isu", "read_isu_tidy", "write_isu_workbook", "write_isu_tidy", "isu"]

_API = {"build", "load_arsgang", "read_tidy", "write_workbook", "write_tidy",
        "build_isu", "read_isu_tidy", "write_isu_workbook", "write_isu_tidy"}

from . import _compat  # noqa: E402  (old import paths, one release: docs/python-api.md)

_compat.install()


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ojexcel")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            return "0+unknown"
    if name in _API:
        from . import api

        return getattr(api, name)
    if name == "isu":  # the ISU product's API (`ojexcel.isu.build`, `ojexcel.isu.read_tidy`)
        from importlib import import_module

        return import_module(f"{__name__}.isu")
    if name == "InputError":
        from .problems import InputError

        return InputError
    raise AttributeError(f"module 'ojexcel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
