"""The diff's reports: text (grouped by unit, for a terminal), markdown (for a review comment), json."""
from __future__ import annotations

import json
import re

from ..population import NIVA_ENHET
from ..problems import is_printable, printable, safe_char
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


def _entries(entries) -> list[dict]:
    out = []
    for e in entries:
        if e.what == "indikator":
            out.append(f"indikator {e.indikator}")
        elif e.what == "blad":
            out.append(f"blad {e.name!r}")
        else:
            out.append(_title(e.niva, e.kod, e.name))
    return out


def _context(report: DiffReport, escape, code=None) -> dict:
    """The template's values, every text from the files passed through `escape` (paths and
    indicator ids through `code` where the template shows them as code): codes, ids, names and
    sheet names are data, never terminal control sequences or markup."""
    context = _escaped({
        "old": {"path": report.old.path, "kind": report.old.kind},
        "new": {"path": report.new.path, "kind": report.new.kind},
        "sections": [s | {"row": None} for s in _sections(report)],
        "added": _entries(report.added),
        "removed": _entries(report.removed),
        "summary": report.summary(),
        "fills_compared": report.fills_compared,
    }, escape)
    if code is not None:
        context["old"]["path"], context["new"]["path"] = code(report.old.path), code(report.new.path)
        for section, raw in zip(context["sections"], _sections(report)):
            for change, raw_change in zip(section["changes"], raw["changes"]):
                change["indikator"] = code(raw_change["indikator"])
    return context


def _escaped(value, escape):
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {k: _escaped(v, escape) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v, escape) for v in value]
    return value


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def markdown_text(text: str) -> str:
    """Text shown literally in markdown (and the HTML it becomes): control characters escaped,
    HTML's &, < and > as entities, markdown's punctuation backslash-escaped."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_code(text: str) -> str:
    """Text for a markdown code span (`…`): no backtick can close it, no | end a table cell."""
    return printable(text).replace("`", "'").replace("|", "\\|")


def render_text(report: DiffReport) -> str:
    from ..io.templating import render

    return render("diff.txt.j2", **_context(report, printable))


def render_markdown(report: DiffReport) -> str:
    from ..io.templating import render

    return render("diff.md.j2", **_context(report, markdown_text, markdown_code))


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
    return _json_printable(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def _json_printable(text: str) -> str:
    """JSON with every non-printable character (C1 controls, U+2028 …) as a \\u escape: valid
    JSON, safe on a terminal."""
    if is_printable(text):
        return text
    return "".join(c if safe_char(c) or c == "\n" else json.dumps(c)[1:-1] for c in text)


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
