"""The writer of a unit's ISU report by format: `xlsx` or `html`."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .kommun_report import KommunReport

FORMATS = ("xlsx", "html")


def writer(fmt: str) -> Callable[[KommunReport, Path], None]:
    if fmt == "xlsx":
        from .kommun_report_xlsx import write_kommun_report_xlsx

        return write_kommun_report_xlsx
    if fmt == "html":
        from .kommun_report_html import write_kommun_report_html

        return write_kommun_report_html
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
