"""The diff's reports: text (grouped by unit, for a terminal), markdown (for a review comment), json."""
from __future__ import annotations

from ..io.diff_report import (
    Document,
    Line,
    Section,
    render_json_document,
)
from ..io.diff_report import render_markdown as shared_markdown
from ..io.diff_report import render_text as shared_text
from ..population import NIVA_ENHET
from ..problems import printable
from ..styles import BAD, GOOD, NEUTRAL, share_text, unit_text
from .diff import COUNT_NAMES, KIND_COUNTS, KIND_FILL, KIND_VALUE, Change, DiffReport

FILL_NAMES = {c.fill: c.name for c in (GOOD, NEUTRAL, BAD)}


def _shown(value: str | None, niva: str) -> str:
    """What the workbook shows: a unit value or a share, with the workbook's symbols."""
    if niva == NIVA_ENHET:
        return unit_text(value)
    return share_text(None if value is None else int(value))


def _fill(fill: str | None) -> str:
    if fill is None:
        return "no fill"
    return f"{FILL_NAMES[fill]} ({fill})" if fill in FILL_NAMES else fill


def _denominator(counts: tuple[int, ...]) -> int:
    c = dict(zip(COUNT_NAMES, counts))
    return c["enheter"] - c["ej_aktuellt"] - c["bortfall"]


def _counts_text(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> str:
    if a is None or b is None:
        return ""
    parts = [f"ja {a[0]} → {b[0]}" if a[0] != b[0] else f"ja {a[0]}"]
    da, db = _denominator(a), _denominator(b)
    parts.append(f"nämnare {da} → {db}" if da != db else f"nämnare {da}")
    for i, name in enumerate(COUNT_NAMES[1:], start=1):
        if name not in ("ja",) and a[i] != b[i]:
            parts.append(f"{name} {a[i]} → {b[i]}")
    return ", ".join(parts)


def describe(c: Change) -> tuple[str, str, str]:
    """(old, new, detail) as shown to a reviewer."""
    if c.kind == KIND_VALUE:
        return _shown(c.old, c.niva), _shown(c.new, c.niva), _counts_text(c.old_counts, c.new_counts)
    if c.kind == KIND_FILL:
        return _fill(c.old_fill), _fill(c.new_fill), f"fill only; value {_shown(c.new, c.niva)} unchanged"
    return (
        " ".join(map(str, c.old_counts)),
        " ".join(map(str, c.new_counts)),
        f"counts ({' '.join(COUNT_NAMES)}): " + _counts_text(c.old_counts, c.new_counts),
    )


def _title(niva: str, kod: str, name: str) -> str:
    label = niva if not kod else f"{niva} {kod}"
    return label if not name or name.casefold() == niva.casefold() else f"{label} {name}"


def _sections(report: DiffReport) -> list[dict]:
    names = report.old.names | report.new.names
    sections: list[dict] = []
    for c in report.changes:
        row = (c.niva, c.kod)
        if not sections or sections[-1]["row"] != row:
            sections.append({"row": row, "title": _title(c.niva, c.kod, names.get(row, "")), "changes": []})
        old, new, detail = describe(c)
        sections[-1]["changes"].append(
            {"indikator": c.indikator, "kind": c.kind, "old": old, "new": new, "detail": detail}
        )
    return sections


def _entries(entries) -> list[str]:
    out = []
    for e in entries:
        if e.what == "indikator":
            out.append(f"indikator {e.indikator}")
        elif e.what == "blad":
            out.append(f"blad {e.name!r}")
        else:
            out.append(_title(e.niva, e.kod, e.name))
    return out


def document(report: DiffReport) -> Document:
    """The report laid out for the shared renderers (`io/diff_report.py`)."""
    s = report.summary()
    counts = f", {s['counts']} count change(s)" if s["counts"] else ""
    counts_md = f", **{s['counts']}** count change(s)" if s["counts"] else ""
    fills = "" if report.fills_compared else "; fills not compared"
    sections = tuple(
        Section(sec["title"], tuple(
            Line(c["indikator"], c["old"], c["new"], c["detail"],
                 ((c["indikator"], True), (c["kind"], False), (c["old"], False), (c["new"], False), (c["detail"], False)))
            for c in sec["changes"]))
        for sec in _sections(report)
    )
    return Document(
        old_path=report.old.path, old_kind=report.old.kind, new_path=report.new.path, new_kind=report.new.kind,
        identical=report.identical,
        compared=f"{s['compared_cells']} cells compared{fills}",
        sections=sections,
        added=tuple(_entries(report.added)),
        removed=tuple(_entries(report.removed)),
        summary_text=(
            f"{s['unit_values']} unit value(s) in {s['units_changed']} unit(s), {s['aggregate_shares']} aggregate "
            f"share(s), {s['fills']} fill(s){counts}; {s['added']} added, {s['removed']} removed; "
            f"{s['compared_cells']} cells compared{'' if report.fills_compared else ', fills not compared'}."
        ),
        summary_markdown=(
            f"**{s['unit_values']}** unit value(s) in **{s['units_changed']}** unit(s), **{s['aggregate_shares']}** "
            f"aggregate share(s), **{s['fills']}** fill(s){counts_md}; {s['added']} added, {s['removed']} removed."
        ),
        header=("indikator", "kind", "old", "new", "detail"),
        label_width=40,
    )


def render_text(report: DiffReport) -> str:
    return shared_text(document(report))


def render_markdown(report: DiffReport) -> str:
    return shared_markdown(document(report))


def _json_value(value: str | None, niva: str):
    if value is None:
        return None
    return int(value) if niva != NIVA_ENHET and value.isdigit() else value


def render_json(report: DiffReport) -> str:
    changes = []
    for c in report.changes:
        if c.kind == KIND_VALUE:
            old, new = _json_value(c.old, c.niva), _json_value(c.new, c.niva)
        elif c.kind == KIND_FILL:
            old, new = c.old_fill, c.new_fill
        else:
            assert c.kind == KIND_COUNTS
            old, new = dict(zip(COUNT_NAMES, c.old_counts)), dict(zip(COUNT_NAMES, c.new_counts))
        changes.append({"niva": c.niva, "kod": c.kod, "indikator": c.indikator, "old": old, "new": new, "kind": c.kind})

    def entries(items):
        return [{"what": e.what, "niva": e.niva, "kod": e.kod, "indikator": e.indikator, "name": e.name} for e in items]

    doc = {
        "old": report.old.path,
        "new": report.new.path,
        "changes": changes,
        "added": entries(report.added),
        "removed": entries(report.removed),
        "summary": report.summary(),
    }
    return render_json_document(doc)


FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def render_dump(side) -> str:
    """A canonical line per cell, sorted by key: for `git diff` via textconv (re-sorting is invisible)."""
    from .diff import indicator_order, row_order

    lines = []
    for key in sorted(side.cells, key=lambda k: (*row_order((k[0], k[1])), indicator_order(k[2]))):
        cell = side.cells[key]
        niva, kod, ind = key
        parts = [niva, kod or "-", ind, _shown(cell.value or None, niva)]
        if cell.fill is not None:
            parts.append(f"fill={cell.fill}")
        if cell.counts is not None:
            parts.append(" ".join(f"{n}={v}" for n, v in zip(COUNT_NAMES, cell.counts)))
        lines.append(printable(" ".join(parts)))
    sheets = [printable(f"# sheet {s}") for s in side.sheets]
    return "\n".join(sheets + lines) + "\n"
