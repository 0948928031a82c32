"""The XLSX part of the bad-input corpus, generated (binary files are awkward to review).

`python tests/bad_inputs/make_xlsx.py FOLDER` writes them; the tests call `make_all(folder)`.
Written with XlsxWriter and a fixed creation date, so every file is byte-identical on every run.
The cells come from the first rows of the embedded sample, so the files track the codebook.
"""
from __future__ import annotations

import csv
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXED = datetime.datetime(2000, 1, 1)


def _sample_rows(n: int = 3) -> tuple[list[str], list[list[str]]]:
    with open(ROOT / "samples" / "svar_2017.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1 : 1 + n]


def _book(path: Path, sheets: dict[str, list[list[object]]], edit=None) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"created": FIXED})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
        if edit is not None and name == next(iter(sheets)):
            edit(ws, wb.add_format({"align": "center"}))
    wb.close()
    return path


def make_all(folder: Path) -> list[Path]:
    folder = Path(folder)
    header, (r1, r2, r3) = _sample_rows()
    col = header.index
    out = []

    def book(name, sheets, edit=None):
        out.append(_book(folder / name, sheets, edit))
        return out[-1]

    good = book("ok_extra_sheets.xlsx", {"Svar": [header, r1, r2], "Anteckningar": [["Inskickat 2017-03-01"]]})
    data = good.read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    out.append(folder / "truncated.xlsx")

    numbers = [header, list(r1), list(r2)]
    numbers[1][col("enhetskod")] = 9  # a number that is no kommunkod even with its zeros (114 is read as 0114)
    numbers[2][col("G1")] = 1
    book("numbers.xlsx", {"Svar": numbers})

    book("formula.xlsx", {"Svar": [header, r1, r2]},
         lambda ws, fmt: ws.write_formula(2, col("G1"), '=IF(1=1,"Ja","Nej")', None, "Ja"))

    def blanked(rows, cells):
        rows = [list(r) for r in rows]
        for r, c in cells:
            rows[r][c] = None
        return rows

    g1 = col("G1")
    # G1's name spread over the cells of G1 and G3_vinr_primarvard, which has no name of its own.
    book("merged_header.xlsx", {"Svar": blanked([header, r1, r2], [(0, g1), (0, g1 + 1)])},
         lambda ws, fmt: ws.merge_range(0, g1, 0, g1 + 1, "G1", fmt))
    # One 'Ja' merged over three units' G1 cells: only the first cell holds it.
    book("merged_answer_cells.xlsx", {"Svar": blanked([header, r1, r2, r3], [(1, g1), (2, g1), (3, g1)])},
         lambda ws, fmt: ws.merge_range(1, g1, 3, g1, "Ja", fmt))
    book("data_on_second_sheet.xlsx", {"Instruktioner": [["Fyll i svaren på bladet Svar"]], "Svar": [header, r1, r2]})
    book("header_only.xlsx", {"Svar": [header]})
    book("empty.xlsx", {"Svar": []})
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for p in make_all(target):
        print(p)
