"""A unit's ISU report passes axe-core in a real headless browser (skipped without one).

Needs Chromium and axe-core (see tests/browser.py). The page is written with axe and a runner
appended (the report itself has no script), Chromium dumps the DOM after axe has run, and the
violations are read from it.
"""
from __future__ import annotations

import pytest

from ojexcel.isu.kommun_report import build_kommun_report
from ojexcel.isu.kommun_report_html import render_kommun_report_html
from ojexcel.population import load_population

from .browser import axe_violations
from .test_isu_enhetsrapport import resultat


@pytest.mark.parametrize("niva,kod", [("stadsdel", "0180-01"), ("kommun", "0115")])
def test_report_has_no_axe_violations(niva, kod):
    page = render_kommun_report_html(build_kommun_report(resultat(), load_population(), niva, kod))
    assert axe_violations(page) == []
