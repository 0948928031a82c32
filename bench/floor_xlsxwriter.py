"""The physical floor of a build: a bare XlsxWriter script writing the same cells.

    python bench/floor_xlsxwriter.py CELLS.json OUT.xlsx

CELLS.json (made by `bench/run.py` from the workbook ojexcel produced, read once with openpyxl
outside the timing) is {"sheets": [[name, [[row, col, value], ...]], ...]}. This script does
what any program writing that workbook must do — start Python, import xlsxwriter, write every
value — and nothing else: no formats, no reading, no computing. Its wall clock is the floor the
full `ojexcel build` is compared with.
"""
import json
import sys

import xlsxwriter


def main(cells_path: str, out: str) -> None:
    with open(cells_path, encoding="utf-8") as fh:
        sheets = json.load(fh)["sheets"]
    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    for name, cells in sheets:
        ws = wb.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        for r, c, v in cells:
            if isinstance(v, str):
                write_string(r, c, v)
            else:
                write_number(r, c, v)
    wb.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
