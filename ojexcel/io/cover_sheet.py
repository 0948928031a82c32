"""The cover sheet ("Information") the project's workbooks share, and their templates' sections.

A workbook's texts live in one template rendered to lines, cut into sections by `=== name ===`
lines (`template_sections`). The cover section uses a small line markup that `write_information`
lays out in two columns:

- `# title`, `## heading`, `### subtitle`;
- `label | text` (a bold label beside its paragraph), `> sheet | text` (a link to a sheet);
- `[symbol] text` (a sample cell in the symbol's own format, when the styles have one);
- any other text a paragraph in the second column; an empty line an empty row.

Used by the survey workbook (`survey/workbook.py`) and the ISU workbook (`isu/workbook.py`).
"""
from __future__ import annotations

import re

from .xlsx_writer import LINE_HEIGHT, print_setup, wrapped_lines

SECTION = re.compile(r"=== (.+) ===")
SAMPLE_CELL = re.compile(r"\[(.+?)\] (.*)")

INFO_LABEL_WIDTH = 42
INFO_TEXT_WIDTH = 110


def package_version() -> str:
    """ojexcel's installed version, as the cover sheets state it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ojexcel")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "okänd version"


def template_sections(text: str) -> dict[str, list[str]]:
    """A rendered template's lines per `=== name ===` section (lines before the first are dropped;
    trailing spaces stripped)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = SECTION.fullmatch(line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line.rstrip())
    return sections


def fit_row_height(ws, r: int, line: str) -> None:
    """Give a wrapped cover-sheet row the height of its text. Excel and LibreOffice do not grow a
    row for wrapped text written by XlsxWriter, so long paragraphs would overlap the next row."""
    label, sep, text = line.partition(" | ")
    if not sep:
        label, text = "", line
    lines = max(wrapped_lines(text, INFO_TEXT_WIDTH - 16), wrapped_lines(label, INFO_LABEL_WIDTH - 10))
    if lines > 1:
        ws.set_row(r, LINE_HEIGHT * lines)


class CoverStyles:
    """The formats a cover sheet uses (XlsxWriter formats belong to one workbook). `sample` maps a
    symbol to the format of its sample cell (`[symbol] text` lines); a workbook adds its own."""

    def __init__(self, wb) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"font_size": 12})
        self.heading = wb.add_format({"bold": True, "font_size": 12})
        self.note = wb.add_format({})
        self.label = wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.paragraph = wb.add_format({"text_wrap": True, "valign": "top"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.sample: dict = {}


def write_information(ws, st: CoverStyles, lines: list[str], title: str | None = None) -> None:
    """The cover sheet from its template lines. `st` holds the formats (`title`, `subtitle`,
    `heading`, `label`, `paragraph`, `link`, and `sample`: symbol → format). `title` (the survey
    workbook's) goes into the printed footer; without it (the ISU workbook, which sets its own
    footer) the page is only set up: A4, one page wide."""
    ws.hide_gridlines(2)
    ws.set_column(0, 0, INFO_LABEL_WIDTH)
    ws.set_column(1, 1, INFO_TEXT_WIDTH)
    # Drop leading and doubled empty lines.
    rows: list[str] = []
    for line in lines:
        if line.strip() or (rows and rows[-1].strip()):
            rows.append(line)
    for r, line in enumerate(rows):
        if not line.strip():
            continue
        fit_row_height(ws, r, line)
        if line.startswith("## "):
            ws.write_string(r, 0, line[3:], st.heading)
        elif line.startswith("### "):
            ws.write_string(r, 0, line[4:], st.subtitle)
        elif line.startswith("# "):
            ws.write_string(r, 0, line[2:], st.title)
        elif line.startswith("> "):
            sheet, _, text = line[2:].partition(" | ")
            ws.write_url(r, 0, f"internal:'{sheet}'!A1", st.link, sheet)
            ws.write_string(r, 1, text, st.paragraph)
        elif (m := SAMPLE_CELL.fullmatch(line)) and m.group(1) in st.sample:
            ws.write_string(r, 0, m.group(1), st.sample[m.group(1)])
            ws.write_string(r, 1, m.group(2), st.paragraph)
        elif " | " in line:
            label, _, text = line.partition(" | ")
            ws.write_string(r, 0, label, st.label)
            ws.write_string(r, 1, text, st.paragraph)
        else:
            ws.write_string(r, 1, line, st.paragraph)
    if title is None:
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
    else:
        print_setup(ws, title=title, width=INFO_LABEL_WIDTH + INFO_TEXT_WIDTH)
    ws.activate()
