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


@pytest.mark.slow
def test_libreoffice_prints_each_diagram_whole_and_headers_unbroken(tmp_path):
    """LibreOffice prints the sample's workbook: every page begins with a chapter's title, a
    diagram's caption or the Per kommun heading — no block spills onto a page of its own, none is
    cut across pages sideways — and every column header word appears whole (D181)."""
    from .libreoffice import first_line, pdf_pages

    book = tmp_path / "isu.xlsx"
    result = CliRunner().invoke(main, ["isu", "build", "--out", str(book), "-q"])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(book, tmp_path)
    text = "\n".join(pages)
    katalog = load_chart_catalogue()
    chapters = {f"{b.namn}:" for b in katalog.blad}
    starts = [first_line(p) for p in pages]
    cover = 2  # Information runs over two pages
    for n, first in enumerate(starts[cover:], start=cover + 1):
        assert (first.split(" ")[0] in {"Diagram", "Tabell", "Nyckeltal"} or any(first.startswith(c) for c in chapters)), (n, first)
    words = set(text.split())
    wb = openpyxl.load_workbook(book)
    checked = 0
    for ws in wb.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, _ = range_boundaries(table.ref)
            for c in range(min_col, max_col + 1):
                header = str(ws.cell(min_row, c).value)
                broken = [w for w in header.split() if w not in words]
                assert not broken, (ws.title, table.name, header, broken)
                checked += 1
    assert checked > 250  # every diagram table's and Per kommun's headers
    assert "Hedersrelatera" not in words  # the header word once broken as "Hedersrelatera|t"
