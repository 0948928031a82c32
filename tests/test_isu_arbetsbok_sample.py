"""End to end: `ojexcel isu build --utan-brus --minsta-antal 1` on the embedded sample writes a
workbook whose diagram tables show the report's published figures (published_isu.csv) where the
report's diagrams show them — the truth, as §2 says (with the noise they are within ±3)."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import range_boundaries

from ojexcel.cli import main
from ojexcel.isu.chart_catalogue import load_chart_catalogue
from ojexcel.isu.chart_tables import RUBRIK
from ojexcel.isu.model import SAMTLIGA

PUBLISHED = Path(__file__).resolve().parent / "shared" / "spec" / "isu" / "published_isu.csv"


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("isu_sample") / "isu.xlsx"
    result = CliRunner().invoke(main, ["isu", "build", "--out", str(out), "--utan-brus", "--minsta-antal", "1", "-q"])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def test_the_workbook_shows_the_reports_figures(sample_book):
    katalog = load_chart_catalogue()
    found = 0
    with open(PUBLISHED, encoding="utf-8") as fh:
        published = [p for p in csv.DictReader(fh) if p["niva"] == SAMTLIGA and "+" not in p["kategori"]
                     and p["matt"] in ("antal", "bas", "andel", "medel")]
    for p in published:
        grupp = p["delgrupp"]
        for d in katalog.diagram:
            if d.tabell != p["tabell"] or d.rader != "kategorier" or grupp not in d.delgrupper:
                continue
            ws = sample_book[d.blad]
            c1, r1, c2, r2 = range_boundaries(ws.tables[d.excel_name].ref)
            header = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
            rubrik = RUBRIK["medel" if p["matt"] == "medel" else p["matt"]]
            if len(d.delgrupper) > 1:
                rubrik = f"{rubrik} – {katalog.group_name(grupp)}"
            labels = [ws.cell(r, c1).value for r in range(r1 + 1, r2 + 1)]
            label = katalog.category_name(p["kategori"])
            if rubrik not in header or label not in labels:
                continue
            value = ws.cell(r1 + 1 + labels.index(label), c1 + header.index(rubrik)).value
            assert float(p["min"]) <= value <= float(p["max"]), (d.namn, p["kategori"], p["matt"], value, p["kalla"])
            found += 1
    assert found >= 100  # most published figures are read off a diagram table (129 of them)


def test_diagram_captions_carry_the_reports_n(sample_book):
    ws = sample_book["Insatser"]
    c1, r1, _, _ = range_boundaries(ws.tables["Diagram_09"].ref)
    captions = [ws.cell(r, 1).value for r in range(1, r1)]
    assert "Diagram 9: Vilka är de vanligaste insatserna? (N=2\u00a0623)" in captions
    ws = sample_book["Avslut och resultat"]
    captions = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Diagram 14: Varför har ärendet avslutats? (N=2\u00a0421)" in captions
    assert "Diagram 16: Hur många dagar varar kontakten? (N=2\u00a0163)" in captions
