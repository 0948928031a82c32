"""The writer of a unit's ISU report by format: `xlsx` or `html`."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .kommun_report import Enhetsrapport

FORMATS = ("xlsx", "html")


def skrivare(fmt: str) -> Callable[[Enhetsrapport, Path], None]:
    if fmt == "xlsx":
        from .kommun_report_xlsx import write_enhetsrapport_xlsx

        return write_enhetsrapport_xlsx
    if fmt == "html":
        from .kommun_report_html import write_enhetsrapport_html

        return write_enhetsrapport_html
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
