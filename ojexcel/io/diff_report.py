"""The reports of `ojexcel diff`, for both products: one skeleton, three formats, one escaping.

A product's diff module lays its comparison out as a `Document` — the two files, sections (one per
unit or group) of change lines, the entries present on one side only, and its summary sentences —
and this module renders it: `render_text` (grouped by unit, for a terminal), `render_markdown` (for
a review comment: one table per section), and `render_json_document` for a product's own JSON
object. Every text that comes from a file goes through one escaping (D62): control characters
escaped on the terminal (`problems.printable`), HTML and markdown punctuation escaped in markdown
(`markdown_text`, `markdown_code` for code spans), every non-printable character as `\\uXXXX` in
JSON (`json_printable`). The templates are `templates/diff.txt.j2` and `templates/diff.md.j2`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..problems import is_printable, printable, safe_char


@dataclass(frozen=True)
class Line:
    """One change: `label` and the old → new texts (and a detail) on the terminal; `cells` the
    markdown row, each (text, as a code span?)."""

    label: str
    old: str
    new: str
    detail: str = ""
    cells: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Document:
    """A diff laid out for the reports. The summary texts hold numbers only (no file data): each
    product words its own (`summary_text`, `summary_markdown`, `compared`)."""

    old_path: str
    old_kind: str
    new_path: str
    new_kind: str
    identical: bool
    compared: str  # "N cells compared; fills not compared": the identical report's parenthesis
    sections: tuple[Section, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    summary_text: str  # the text report's last line, after "Summary: "
    summary_markdown: str  # the markdown report's summary line
    header: tuple[str, ...] = ()  # the markdown tables' column names
    label_width: int = 40  # the text report pads labels to this width


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def markdown_text(text: str) -> str:
    """Text shown literally in markdown (and the HTML it becomes): control characters escaped,
    HTML's &, < and > as entities, markdown's punctuation backslash-escaped."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_code(text: str) -> str:
    """Text for a markdown code span (`…`): no backtick can close it, no | end a table cell."""
    return printable(text).replace("`", "'").replace("|", "\\|")


def json_printable(text: str) -> str:
    """JSON with every non-printable character (C1 controls, U+2028 …) as a \\u escape: valid
    JSON, safe on a terminal."""
    if is_printable(text):
        return text
    return "".join(c if safe_char(c) or c == "\n" else json.dumps(c)[1:-1] for c in text)


def render_json_document(doc: dict) -> str:
    """A product's JSON report: indented, UTF-8, every non-printable character escaped."""
    return json_printable(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def _context(doc: Document, escape, code) -> dict:
    """The templates' values, every text from the files escaped: codes, ids, names and sheet
    names are data, never terminal control sequences or markup."""
    return {
        "old": {"path": code(doc.old_path), "kind": escape(doc.old_kind)},
        "new": {"path": code(doc.new_path), "kind": escape(doc.new_kind)},
        "identical": doc.identical,
        "compared": doc.compared,
        "sections": [
            {"title": escape(s.title), "lines": [
                {"label": escape(line.label), "old": escape(line.old), "new": escape(line.new),
                 "detail": escape(line.detail),
                 "cells": [(f"`{code(text)}`" if is_code else escape(text)) for text, is_code in line.cells]}
                for line in s.lines]}
            for s in doc.sections
        ],
        "added": [escape(e) for e in doc.added],
        "removed": [escape(e) for e in doc.removed],
        "summary_text": doc.summary_text,
        "summary_markdown": doc.summary_markdown,
        "header": list(doc.header),
        "label_format": f"%-{doc.label_width}s",
    }


def render_text(doc: Document) -> str:
    from .templating import render

    return render("diff.txt.j2", **_context(doc, printable, printable))


def render_markdown(doc: Document) -> str:
    from .templating import render

    return render("diff.md.j2", **_context(doc, markdown_text, markdown_code))
