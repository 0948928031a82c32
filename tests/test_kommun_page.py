"""The kommun HTML page for its readers (issue 13): unique landmark names, no file names in the
history legend."""
from __future__ import annotations

import re

from click.testing import CliRunner

from ojexcel.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_landmarks_have_unique_names_and_history_names_no_files(tmp_path, tidy_files):
    out = tmp_path / "k.html"
    result = run("kommun", "0114", "--year", 2017, "--out", out, "--history", f"2016={tidy_files[2016]}", "-q")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # Landmarks: <section aria-labelledby> and role="region"; each named by a distinct element.
    regions = re.findall(r'<(?:section[^>]*|[^>]*role="region"[^>]*)aria-labelledby="([^"]+)"', page)
    assert regions and len(regions) == len(set(regions)), regions
    names = [re.search(rf'id="{i}"[^>]*>(.*?)<', page).group(1) for i in regions]
    assert len(names) == len(set(names)), names
    assert "tidy" not in page and str(tidy_files[2016].name) not in page
    assert "2016 enligt det årets resultat i Öppna jämförelser" in page
