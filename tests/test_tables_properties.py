"""Invariants of the shared reader and of problem printing (hypothesis)."""
from __future__ import annotations

import unicodedata

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ojexcel.problems import Problem, Report, format_problems, printable
from ojexcel.io.tables import SURVEY_LIMITS, open_table

# NUL and BOM are refused, 'Ã' + a Latin-1 continuation is refused as double-encoded text (tested
# in the bad-input corpus): left out here.
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeffÃ"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.text(alphabet="abcdefgh_", min_size=1, max_size=6), min_size=2, max_size=5),  # 2+: a delimiter to detect
    rows=st.lists(st.lists(cell, min_size=1, max_size=5), max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_a_csv_reads_back_as_written(header, rows, delimiter, encoding, newline):
    """Whatever the cells (quotes, delimiters, line breaks, any Unicode), the streamed records are
    the written ones, blank records left out, numbered by record."""
    out = io.StringIO()
    # every cell quoted: the csv module leaves a lone "\r" unquoted when lines end in "\n" (ambiguous)
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        report = Report(file=str(path))
        with open_table(path, report, SURVEY_LIMITS) as table:
            got = list(table.rows())
            assert table.header == header and not table.xlsx
    expected = [(n, r) for n, r in enumerate(rows, start=2) if any(c.strip() for c in r)]
    assert got == expected


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=500), st.integers()))
def test_printed_problems_are_printable_and_short(message, value):
    p = Problem(message, file="f\n.csv", row=1, column="\x1bx", value=value)
    for line in format_problems([p]) + [str(p), printable(message)]:
        # printable, or a Unicode space (U+00A0 …); never a control, separator or format character
        assert all(ch.isprintable() or unicodedata.category(ch) == "Zs" for ch in line)
        assert len(line) <= len(printable(message)) + 200
