"""Values are data, never template markup: a file name with a newline or U+2028 cannot add
headings or links to the workbook's Information sheet, nor cut it short."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.io.templating import one_line

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "svar_2017.csv"


def information(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path, read_only=True)["Information"]
    return [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]


def test_a_file_name_with_line_breaks_stays_one_value(tmp_path):
    plain, tricky = tmp_path / "svar.csv", tmp_path / "svar\n## Injicerad rubrik\u2028> Län och riket | länk\r.csv"
    shutil.copy(SAMPLE, plain)
    shutil.copy(SAMPLE, tricky)
    for name, src in (("a.xlsx", plain), ("b.xlsx", tricky)):
        result = CliRunner().invoke(main, ["build", str(src), "--year", "2017", "--out", str(tmp_path / name), "-q"])
        assert result.exit_code == 0, result.output
    a, b = information(tmp_path / "a.xlsx"), information(tmp_path / "b.xlsx")
    assert len(a) == len(b)
    differing = [(x, y) for x, y in zip(a, b) if x != y]
    assert differing == [(("Indatafil", "svar.csv"),
                          ("Indatafil", "svar\\n## Injicerad rubrik\\u2028> Län och riket | länk\\r.csv"))]


def test_one_line_escapes_only_what_breaks_lines():
    assert one_line("Upplands Väsby (0114) – 12 %") == "Upplands Väsby (0114) – 12 %"
    assert one_line("a\nb\u2029c\x85d") == "a\\nb\\u2029c\\x85d"
    assert one_line(2017) == 2017
