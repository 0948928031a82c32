"""The ISU diff's reports (the twin of `survey/diff_report.py`): text, markdown and json through
the shared skeleton `io/diff_report.py`, and `dump`'s canonical lines.

A change is one measure of one row. Text and markdown group the changes by unit (niva, kod) and
show each as `tabell [delgrupp] · kategori · mått  old → new`, with `x` for a hidden value and `–`
for a value that does not exist (the workbook's symbols). JSON gives each value as a number (or
null) with its status, `shown`, `masked` or `missing`, so a hidden value and one that does not
exist stay apart (D129).
"""
from __future__ import annotations

from ..io.diff_report import Document, Line, Section, render_json_document
from ..io.diff_report import render_markdown as shared_markdown
from ..io.diff_report import render_text as shared_text
from ..problems import printable
from ..styles import FINNS_INTE
from .diff import (
    MASKED,
    MEASURES,
    MEDEL_KATEGORI,
    MISSING,
    WORKBOOK,
    Change,
    DiffReport,
    Side,
    cell_order,
    status,
    values,
)


def shown(value: str | None) -> str:
    """A value as a reviewer reads it: the number, `x` (hidden) or `–` (does not exist)."""
    if value is None or value == MISSING:
        return FINNS_INTE
    return value


def _title(niva: str, kod: str, name: str) -> str:
    label = niva if not kod else f"{niva} {kod}"
    return label if not name or name.casefold() == niva.casefold() else f"{label} {name}"


def _label(c: Change) -> str:
    group = f" [{c.delgrupp}]" if c.delgrupp else ""
    return f"{c.tabell}{group} · {c.kategori} · {c.matt}"


def _entry(e) -> str:
    if e.what == "blad":
        return f"blad {e.name!r}"
    if e.what == "delgrupp":
        return f"delgrupp {e.delgrupp}"
    if e.what == "tabell" and not e.niva:
        return f"tabell {e.tabell}"
    title = _title(e.niva, e.kod, e.name)
    if e.what == "enhet":
        return title
    group = f" [{e.delgrupp}]" if e.delgrupp else ""
    if e.what == "tabell":
        return f"{title}: tabell {e.tabell}{group}"
    return f"{title}: {e.tabell}{group} · {e.kategori}"


def document(report: DiffReport) -> Document:
    """The report laid out for the shared renderers."""
    s = report.summary()
    names = report.old.names | report.new.names
    sections: list[Section] = []
    current: tuple | None = None
    lines: list[Line] = []
    for c in report.changes:
        if (c.niva, c.kod) != current:
            if current is not None:
                sections.append(Section(_title(*current, names.get(current, "")), tuple(lines)))
            current, lines = (c.niva, c.kod), []
        old, new = shown(c.old), shown(c.new)
        lines.append(Line(_label(c), old, new, "", (
            (c.tabell, True), (c.delgrupp, True), (c.kategori, False), (c.matt, False), (old, False), (new, False))))
    if current is not None:
        sections.append(Section(_title(*current, names.get(current, "")), tuple(lines)))
    scope = "the workbook's cells" if report.view == WORKBOOK else "every row"
    counts = (f"{s['values']} value(s), {s['masked']} masked, {s['missing']} missing in {s['tables_changed']} "
              f"table(s) of {s['units_changed']} unit(s)")
    counts_md = (f"**{s['values']}** value(s), **{s['masked']}** masked, **{s['missing']}** missing in "
                 f"**{s['tables_changed']}** table(s) of **{s['units_changed']}** unit(s)")
    return Document(
        old_path=report.old.path, old_kind=f"ISU {report.old.kind}",
        new_path=report.new.path, new_kind=f"ISU {report.new.kind}",
        identical=report.identical,
        compared=f"{s['compared_cells']} cells compared: {scope}",
        sections=tuple(sections),
        added=tuple(_entry(e) for e in report.added),
        removed=tuple(_entry(e) for e in report.removed),
        summary_text=(f"{counts}; {s['added']} added, {s['removed']} removed; "
                      f"{s['compared_cells']} cells compared ({scope})."),
        summary_markdown=f"{counts_md}; {s['added']} added, {s['removed']} removed.",
        header=("tabell", "delgrupp", "kategori", "mått", "old", "new"),
        label_width=56,
    )


def render_text(report: DiffReport) -> str:
    return shared_text(document(report))


def render_markdown(report: DiffReport) -> str:
    return shared_markdown(document(report))


def json_value(value: str | None):
    """A value for JSON: a whole number, a mean as a number (2.4), null when hidden or missing;
    an edited text as it is."""
    if value is None or value in (MASKED, MISSING):
        return None
    if value.isdigit():
        return int(value)
    try:
        return float(value)
    except ValueError:
        return value


def render_json(report: DiffReport) -> str:
    changes = [
        {"niva": c.niva, "kod": c.kod, "tabell": c.tabell, "delgrupp": c.delgrupp, "kategori": c.kategori,
         "matt": c.matt, "old": json_value(c.old), "new": json_value(c.new),
         "old_status": status(c.old), "new_status": status(c.new), "kind": c.kind}
        for c in report.changes
    ]

    def entries(items):
        return [{"what": e.what, "niva": e.niva, "kod": e.kod, "tabell": e.tabell, "delgrupp": e.delgrupp,
                 "kategori": e.kategori, "name": e.name} for e in items]

    return render_json_document({
        "product": "isu",
        "old": report.old.path,
        "new": report.new.path,
        "changes": changes,
        "added": entries(report.added),
        "removed": entries(report.removed),
        "summary": report.summary(),
    })


FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def render_dump(side: Side) -> str:
    """A canonical line per row, sorted by key: for `git diff` via textconv (re-sorting is
    invisible). `niva kod | tabell | delgrupp | kategori | antal=… bas=… andel=… medel=…`, with
    `-` for an empty kod or delgrupp, `x` hidden, `–` does not exist; a workbook gives the measures
    it shows only, and its sheets first."""
    lines = []
    for key in sorted(side.cells, key=lambda k: cell_order(k, "")):
        niva, kod, tabell, delgrupp, kategori = key
        never = "andel" if kategori == MEDEL_KATEGORI else "medel"  # a measure this kind of row never has
        texts = " ".join(f"{m}={shown(v)}" for m, v in zip(MEASURES, values(side.cells[key]))
                         if v is not None and not (m == never and v == MISSING))
        lines.append(printable(f"{niva} {kod or '-'} | {tabell} | {delgrupp or '-'} | {kategori} | {texts}"))
    sheets = [printable(f"# sheet {s}") for s in side.sheets]
    return "\n".join(sheets + lines) + "\n"
