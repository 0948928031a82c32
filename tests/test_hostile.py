"""The hostile corpus (tests/hostile/make_corpus.py), every file through the command that reads
it, in one child process under a 1 GiB address-space limit (resource.setrlimit): each ends
cleanly — exit 1 (input) or 2 (diff/dump trouble), its cause named, no traceback, no terminal
control sequence and no huge value echoed, nothing written — and none takes the machine with it.
Timing targets are measured by bench/bench_hostile.py, not here."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ojexcel.io.resources import isu_demo_key

from .once import shared_folder

pytestmark = pytest.mark.slow  # the whole module: the inner loop (`-m "not slow"`) leaves it out

HERE = Path(__file__).parent
ROOT = HERE.parent
MEMORY_LIMIT = 2**30
TIDY_SAMPLE = "TIDY"  # replaced by a real tidy export of the sample

BUILD = ["build", "{file}", "--year", "2017", "--out", "{out}/bok.xlsx", "--tidy", "{out}/tidy.csv"]
GRANSKNING = ["build", "--year", "2017", "--granskning", "{file}", "--out", "{out}/bok.xlsx"]
DIFF = ["diff", "{file}", TIDY_SAMPLE]
DIFF_B = ["diff", "{file}", "{folder}/tidy_control_b.csv"]
DUMP = ["dump", "{file}"]
TREND = ["trend", "2016={file}", f"2017={TIDY_SAMPLE}", "--out", "{out}/trend.xlsx"]
KOLADA = ["kolada", "{file}", "--year", "2017", "--out", "{out}/kolada.csv"]
ISU = ["isu", "build", "{file}", "--out", "{out}/isu.xlsx", "--nyckelfil", str(isu_demo_key())]  # a key given (§2): the file is what is wrong
SITE = ["site", "{file}", "--year", "2017"]
VUXNA = ["isu", "kolada", "--ar", "2022", "--vuxna", "{file}", "--out", "{out}/kolada.csv"]
NOT_A_NUMBER = "not a number a spreadsheet holds"

# file, command, exit status, a fragment of the message
CASES = [
    ("row_99999999.xlsx", BUILD, 1, "row number 99,999,999 is outside Excel's rows 1 … 1,048,576"),
    ("row_1048576.xlsx", BUILD, 1, "row 1048576"),  # Excel's last row: read, then validated
    ("column_zzzzzz.xlsx", BUILD, 1, "beyond Excel's last column XFD"),
    ("sparse_xfd.xlsx", BUILD, 1, "lies far beyond the row's other cells"),
    ("wide_row.xlsx", BUILD, 1, "beyond the 2,000 columns this input may have"),
    ("inflating_sheet.xlsx", BUILD, 1, "inflates to 1,611,661,011 bytes, over the limit"),
    ("inflating_sheet_lying.xlsx", BUILD, 1, "damaged or cut short"),
    ("inflating_cells.xlsx", BUILD, 1, "over 100,000 data rows"),
    ("inflating_strings.xlsx", BUILD, 0, "316 units, 3 answered"),  # no cell uses them: never read
    ("inflating_strings_used.xlsx", BUILD, 1, "xl/sharedStrings.xml inflates to"),
    ("whitespace_row.xlsx", BUILD, 1, "a row of over 16,777,216 characters of XML"),
    ("entity_expansion.xlsx", BUILD, 1, "declares a DOCTYPE or entities"),
    ("external_entity.xlsx", BUILD, 1, "declares a DOCTYPE or entities"),
    ("sheet_outside_package.xlsx", BUILD, 1, "links to it, outside the package"),
    ("bad_character_reference.xlsx", BUILD, 1, "&#xFFFFFFFF; is not an XML character"),
    ("nul_character_reference.xlsx", BUILD, 1, "&#0; is not an XML character"),
    ("text_over_cell_limit.xlsx", BUILD, 1, "a text of 40,000 characters, over Excel's cell limit of 32,767"),
    ("truncated_sheet.xlsx", BUILD, 1, "<sheetData> is not closed (the sheet is cut short)"),
    ("rows_out_of_order.xlsx", BUILD, 1, "rows out of order"),
    ("wide_line.csv", BUILD, 1, "line 2 is over 16,777,216 characters long"),
    ("unclosed_quote.csv", BUILD, 1, "a cell of over 32,767 characters (Excel's cell limit)"),
    ("first_line_over_field_limit.csv", BUILD, 1, "a cell of over 32,767 characters"),
    ("many_rows.csv", BUILD, 1, "over 100,000 data rows"),
    ("many_errors.csv", BUILD, 1, "more with the same problem"),
    ("nul_later.csv", BUILD, 1, "a NUL byte (binary data) on line 7"),
    ("utf16_without_bom.csv", BUILD, 1, "UTF-16 without a byte order mark"),
    ("utf32.csv", BUILD, 1, "UTF-32 text is not supported"),
    ("cr_only_mixed_encodings.csv", BUILD, 1, "the file mixes encodings: line 2 is UTF-8 but line 5 is not"),
    ("control_characters.csv", BUILD, 1, "\\x1b]0;pwned\\x07"),
    ("huge_value_in_message.csv", BUILD, 1, "(30,002 characters)"),
    ("/dev/zero", BUILD, 1, "binary data"),
    ("overrides_long_cell.csv", GRANSKNING, 1, "a cell of over 32,767 characters (Excel's cell limit)"),
    ("overrides_control.csv", GRANSKNING, 1, "unknown kolumn"),
    ("row_99999999.xlsx", GRANSKNING, 1, "required column missing"),
    ("tidy_many_rows.csv", DIFF, 2, "over 250,000 data rows"),
    ("tidy_wide_line.csv", DIFF, 2, "over 1,048,576 characters long"),
    ("tidy_nul.csv", DIFF, 2, "a NUL byte"),
    ("tidy_control.csv", DIFF_B, 1, "\\x1b]0;pwned\\x07"),  # valid tidy files: a difference, escaped
    ("tidy_control.csv", DIFF_B + ["--format", "markdown"], 1, "\\u2028&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("tidy_control.csv", DIFF_B + ["--format", "json"], 1, '"kod": "\\u001b]0;pwned\\u0007'),
    ("tidy_control.csv", DUMP, 0, "\\x9b31m\\u2028<script>alert(1)</script> **x** Ja"),
    ("tidy_wide_line.csv", TREND, 1, "over 1,048,576 characters long"),
    ("tidy_nul.csv", KOLADA, 1, "a NUL byte"),
    ("workbook_bad_reference.xlsx", DIFF, 2, "&#xFFFFFFFF; is not an XML character"),
    ("workbook_bad_reference.xlsx", DUMP, 2, "&#xFFFFFFFF; is not an XML character"),
    ("workbook_row_99999999.xlsx", DIFF, 2, "row number 99,999,999 is outside Excel's rows"),
    ("workbook_sparse.xlsx", DIFF, 2, "cells far apart"),
    ("workbook_inflating.xlsx", DIFF, 2, "xl/worksheets/sheet1.xml inflates to 1,611,655,314 bytes, over the limit"),
    ("/dev/zero", DIFF, 2, "binary data"),
    # issue 17: values no spreadsheet writes, named by cell (never exit 3)
    ("number_superscript.xlsx", BUILD, 1, "row 9, column D, value '²': unreadable: xl/worksheets/sheet1.xml, cell D9: "
     + NOT_A_NUMBER),
    ("number_other_digits.xlsx", BUILD, 1, "cell D9: " + NOT_A_NUMBER),
    ("number_5000_digits.xlsx", BUILD, 1, "(5,000 characters): unreadable: xl/worksheets/sheet1.xml, cell D9"),
    ("number_400_digits.xlsx", BUILD, 1, "(400 characters): unreadable: xl/worksheets/sheet1.xml, cell D9"),
    ("number_overflow.xlsx", BUILD, 1, "cell D9: a number beyond the range of a spreadsheet's numbers: '1E999'"),
    ("shared_string_minus_one.xlsx", BUILD, 1, "cell A9: shared string '-1' does not exist"),
    ("row_number_superscript.xlsx", BUILD, 1, "row number '²'"),
    ("numfmt_id_superscript.xlsx", BUILD, 1, "part xl/styles.xml: numFmt numFmtId '²' is not a number"),
    ("xf_numfmt_superscript.xlsx", BUILD, 1, "part xl/styles.xml: cellXfs xf 0 numFmtId '²' is not a number"),
    ("encoding_bogus.xlsx", BUILD, 1, "part xl/styles.xml declares the encoding 'bogus', not UTF-8"),
    ("encoding_bogus_sheet.xlsx", BUILD, 1, "part xl/worksheets/sheet1.xml declares the encoding 'UTF-7'"),
    ("zip_version_99.xlsx", BUILD, 1, "a zip member needs a newer zip reader: zip file version 9.9"),
    # … parts bounded by what a workbook holds (quadratic or inflating within the old limits)
    ("format_code_long.xlsx", BUILD, 1, "has a code of 100,000 characters, over Excel's 255"),
    ("format_code_255_many_styles.xlsx", BUILD, 0, "316 units, 3 answered"),  # each code classified once
    ("styles_too_many.xlsx", BUILD, 1, "70,000 cell styles, over Excel's 65,536"),
    ("styles_elements.xlsx", BUILD, 1, "holds over 500,000 XML elements"),
    ("zip_members_many.xlsx", BUILD, 1, "its zip directory lists 20,005 members"),
    ("merged_ranges_many.xlsx", BUILD, 1, "742,630 more merged ranges"),
    ("shared_strings_many.xlsx", BUILD, 1, "holds over 1,000,000 strings"),
    ("cells_in_one_column.xlsx", BUILD, 1, "row 9 holds 20,000 cells, more than Excel's 16,384 columns"),
    ("overrides_superscript.xlsx", GRANSKNING, 1, "cell A2: " + NOT_A_NUMBER),
    # … CSV records counted while parsed
    ("quoted_newlines_fields.csv", BUILD, 1, "the record starting on line 2 has more than 2,000 fields"),
    ("quoted_newlines_chars.csv", BUILD, 1, "the record starting on line 2 has over 16,777,216 characters"),
    ("quoted_newlines_lines.csv", BUILD, 1, "the record starting on line 2 has over 100,000 lines"),
    ("blank_lines.csv", BUILD, 1, "over 1,048,576 records (blank lines included)"),
    # … ISU ärenden and --vuxna: the same bounds, the survey reader's rules
    ("isu_bom_row.csv", ISU, 1, "row 5, column arende_id, value '\\ufeffAR-SYN-0120-0004': a stray byte order mark"),
    ("isu_numeric_codes.xlsx", ISU, 0, "enhetskod is a number, not text, in 300 row(s) (rows 2–301)"),
    ("isu_number_superscript.xlsx", ISU, 1, "cell H3: " + NOT_A_NUMBER),
    ("isu_quoted_newlines.csv", ISU, 1, "has more than 500 fields"),
    ("isu_many_parts.csv", ISU, 1, "2000 answers in one cell, more than the 19 the variable has"),
    ("vuxna_superscript.xlsx", VUXNA, 1, "cell C2: " + NOT_A_NUMBER),
    ("vuxna_quoted_newlines.csv", VUXNA, 1, "has more than 2,000 fields"),
    # … tidy exports and workbooks for diff, dump, trend (their trouble: exit 2)
    ("tidy_bad_counts.csv", DIFF, 2, "row 2, column ja, value '-5': a count must be a whole number written in the digits 0–9"),
    ("tidy_bad_counts.csv", TREND, 1, "row 4, column nej, value '\u0665'"),
    ("tidy_quoted_newlines.csv", DUMP, 2, "has more than 64 fields"),
    ("workbook_number_superscript.xlsx", DIFF, 2, "xl/worksheets/sheet1.xml, cell A1: " + NOT_A_NUMBER),
    ("workbook_shared_string_minus_one.xlsx", DUMP, 2, "cell A1: shared string '-1' does not exist"),
    ("workbook_zip_version_99.xlsx", DIFF, 2, "zip file version 9.9"),
    ("workbook_encoding_bogus.xlsx", DUMP, 2, "declares the encoding 'bogus'"),
    ("workbook_members_many.xlsx", DIFF, 2, "its zip directory lists 20,005 members"),
    # issue 17, review: zip members the packaging forbids (D182), bounded ISU tidy and site reads
    ("zip_method_lzma.xlsx", BUILD, 1, "the zip member 'xl/worksheets/sheet1.xml' is compressed with method 14"),
    ("zip_method_bzip2.xlsx", ISU, 1, "is compressed with method 12; a workbook's members are stored or deflated"),
    ("zip_encrypted_member.xlsx", GRANSKNING, 1, "the zip member 'xl/worksheets/sheet1.xml' is encrypted"),
    ("zip_duplicate_member.xlsx", BUILD, 1, "two zip members are named 'xl/worksheets/sheet1.xml'"),
    ("password_protected.xlsx", ISU, 1, "a password-protected (encrypted) workbook or an old .xls file"),
    ("password_protected.xlsx", VUXNA, 1, "save it as .xlsx without a password"),
    ("workbook_method_lzma.xlsx", DUMP, 2, "is compressed with method 14"),
    ("isu_tidy_many_problems.csv", DUMP, 2, "(and 100002 more problems)"),
    ("site_manifest_huge", SITE, 1, "the folder is not empty and was not written by ojexcel site"),
]

CHILD = r"""
import json, resource, sys, time, traceback
resource.setrlimit(resource.RLIMIT_AS, (MEMLIMIT, MEMLIMIT))
from click.testing import CliRunner
from ojexcel.cli import main
for args in json.loads(sys.stdin.read()):
    t = time.monotonic()
    try:
        result = CliRunner().invoke(main, args)
        out, code, exc = result.output, result.exit_code, type(result.exception).__name__
    except BaseException as e:  # the runner itself failed: report it as a crash
        out, code, exc = traceback.format_exc(), -1, type(e).__name__
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"code": code, "exc": exc, "out": out[:20000], "len": len(out),
                      "seconds": time.monotonic() - t, "rss": rss}), flush=True)
"""


def run_corpus(folder: Path) -> None:
    """Make the corpus in `folder`, run every case in one child process, keep its lines."""
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "hostile" / "make_corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    corpus.make_all(folder)
    tidy = folder / "tidy_2017.csv"
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.tidy import write_tidy_file

    write_tidy_file(build_results(None, 2017), tidy)
    runs = []
    for i, (name, command, _, _) in enumerate(CASES):
        out = folder / f"out{i}"
        out.mkdir()
        file = name if name.startswith("/") else str(folder / name)
        runs.append([a.replace("{file}", file).replace("{out}", str(out)).replace(TIDY_SAMPLE, str(tidy))
                     .replace("{folder}", str(folder)) for a in command])
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.replace("MEMLIMIT", str(MEMORY_LIMIT))],
        input=json.dumps(runs), capture_output=True, text=True, timeout=600,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == len(CASES), f"the child died at case {len(lines)} {CASES[len(lines)][:2]}: {proc.stderr[-2000:]}"
    if os.environ.get("OJEXCEL_HOSTILE_TIMES"):  # which cases cost the time
        for (name, command, _, _), r in sorted(zip(CASES, lines), key=lambda t: -t[1]["seconds"])[:15]:
            print(f"{r['seconds']:6.2f} s {r['rss'] / 2**20:6.0f} MB  {name} {command[0]}", file=sys.stderr)
    (folder / "results.json").write_text(json.dumps(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The corpus run once for the session, whichever xdist worker gets its cases."""
    folder = shared_folder(tmp_path_factory, "hostile", run_corpus)
    return folder, json.loads((folder / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("i", range(len(CASES)), ids=[f"{c[0].rsplit('/', 1)[-1]}-{c[1][0]}" for c in CASES])
def test_hostile_file_ends_cleanly(results, i):
    folder, lines = results
    name, command, status, fragment = CASES[i]
    r = lines[i]
    assert (r["code"], r["exc"]) == (status, "SystemExit" if status else "NoneType"), r["out"][-3000:]
    assert fragment in r["out"], r["out"][-3000:]
    assert "Traceback" not in r["out"] and "internal error" not in r["out"]
    assert not any(c in r["out"] for c in "\x1b\x07\x9b\u2028\x00"), "a control character reached the terminal"
    assert r["len"] < 20_000, "the output echoes too much"
    assert r["rss"] < MEMORY_LIMIT
    if status:
        assert list((folder / f"out{i}").iterdir()) == [], "nothing is written"
