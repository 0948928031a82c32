"""`ojexcel diff` and `ojexcel dump` on ISU workbooks and tidy exports (issue 20): key-aligned cells,
every kind of change, one-sided entries, formats and escaping, filters, exit statuses, the product
read from the file, and the workbook read back to exactly the cells its tidy export says."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import openpyxl
import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.isu.diff import (
    LEVELS,
    MASKED,
    MEDEL_KATEGORI,
    WORKBOOK,
    DiagramLayout,
    load_side,
    workbook_cells,
)

from ojexcel.isu.diff import compare
from ojexcel.isu.diff_report import render_dump, render_json, render_markdown, render_text

from .isu_small import build, read_tidy_text, sample_rows, small_build, write_records, write_tidy_text  # noqa: F401

MEASURES = ("antal", "bas", "andel", "medel")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def base(small_build):
    """(workbook, tidy export) of the two kommuner, built once per session (`isu_small`)."""
    return small_build[1:]


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """One record changed: a Mjölby ärende's hedersrelaterat_vald Nej → Ja."""
    d = tmp_path_factory.mktemp("isu_diff_changed")
    rows = sample_rows()
    row = next(r for r in rows if r["enhetskod"] == "0586" and r["hedersrelaterat_vald"] == "Nej")
    row["hedersrelaterat_vald"] = "Ja"
    return build(write_records(d / "arenden.csv", rows), d / "changed")


@pytest.fixture(scope="module")
def sides(base, changed):
    """The four files read once: (base tidy, base workbook, changed tidy, changed workbook)."""
    return load_side(base[1]), load_side(base[0]), load_side(changed[1]), load_side(changed[0])


def as_json(report) -> dict:
    return json.loads(render_json(report))


def keyed(path):
    return {(r["niva"], r["kod"], r["tabell"], r["delgrupp"], r["kategori"]): r for r in read_tidy_text(path)}


def change_keys(doc):
    return {(c["niva"], c["kod"], c["tabell"], c["delgrupp"], c["kategori"], c["matt"]) for c in doc["changes"]}


# -- identical ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_identical_builds_exit_0_for_tidy_workbook_and_both(base, sides):
    book, tidy = base
    for old, new in ((tidy, tidy), (book, book)):
        result = run("diff", old, new)
        assert result.exit_code == 0, result.output
        assert "No differences" in result.output and "ISU" in result.output
    assert compare(sides[1], sides[0]).identical and compare(sides[0], sides[1]).identical  # a workbook and its tidy


def test_the_workbook_reads_back_to_the_cells_its_tidy_export_says(sides):
    """The workbook reader (by sheet, caption, header and label) and the workbook layout of the
    tidy export (`workbook_cells`, the renderer's own layout code) agree cell for cell."""
    side, results = sides[1], sides[0].results
    expected = workbook_cells(results)
    assert side.kind == WORKBOOK and side.cells == expected
    # Both parts are there: the diagram tables (samtliga, delgrupper) and Per kommun (every unit).
    assert ("samtliga", "", "insatser", "", "Skyddat boende") in side.cells
    assert ("samtliga", "", "valdets_grad", "hrv=Ja", "Grovt") in side.cells
    assert ("samtliga", "", "medel_antal_insatser", "kon=Man", MEDEL_KATEGORI) in side.cells
    units = {k[:2] for k in side.cells}
    assert units == {("samtliga", ""), ("lan", "05"), ("kommun", "0584"), ("kommun", "0586")}
    values = [v for cell in side.cells.values() for v in cell if v is not None]
    assert MASKED in values and any(v.isdigit() for v in values)


def test_every_diagram_tables_headers_and_labels_read_back_one_way():
    """The inverted layout has one meaning per header text and row label (a clash raises), and a
    label for every category of the table."""
    from ojexcel.isu.chart_catalogue import load_chart_catalogue
    from ojexcel.isu.table_plan import load_plan

    katalog, plan = load_chart_catalogue(), load_plan()
    for d in katalog.diagram:
        layout = DiagramLayout(d, katalog, plan)
        if d.rader == "kategorier":
            assert sorted(layout.rows.values()) == sorted(plan.tabeller[plan.table_index(d.tabell)].kategorier), d.namn
        else:
            assert set(layout.rows.values()) == {"", *plan.delgrupper}, d.namn
    with pytest.raises(ValueError, match="names both"):
        DiagramLayout._add({"Män": "kon=Man"}, "Män", "kon=Kvinna", katalog.diagram[0])


def test_constants_mirror_the_model():
    from ojexcel.isu.model import NIVAER
    from ojexcel.isu.table_plan import MEDEL_KATEGORI as PLAN_MEDEL
    from ojexcel.isu.workbook_layout import NIVA_NAMN

    assert LEVELS == NIVAER and tuple(NIVA_NAMN) == NIVAER and MEDEL_KATEGORI == PLAN_MEDEL


# -- a changed record ---------------------------------------------------------------------------

def test_a_changed_record_names_exactly_the_changed_cells(base, changed, sides):
    doc = as_json(compare(sides[0], sides[2]))  # the command line's report: test_workbooks_name_…
    old, new = keyed(base[1]), keyed(changed[1])
    # Independently, from the text: every measure whose text differs on a row of both files.
    texts = {(*k, m) for k in old.keys() & new.keys() for m in MEASURES if old[k][m] != new[k][m]}
    got = change_keys(doc)
    assert texts <= got
    for c in doc["changes"]:
        key = (c["niva"], c["kod"], c["tabell"], c["delgrupp"], c["kategori"])
        if (*key, c["matt"]) not in texts:  # the same empty text, one hidden and one not existing
            assert old[key][c["matt"]] == new[key][c["matt"]] == "" and c["kind"] == "masked"
        elif c["old_status"] == c["new_status"] == "shown":
            assert (c["old"], c["new"]) == (int(old[key][c["matt"]]) if c["matt"] != "medel" else float(old[key]["medel"]),
                                            int(new[key][c["matt"]]) if c["matt"] != "medel" else float(new[key]["medel"]))
    assert {c["kod"] for c in doc["changes"]} == {"", "05", "0586"}  # Vadstena is untouched
    hrv = next(c for c in doc["changes"] if c["kod"] == "" and c["tabell"] == "hedersrelaterat_vald"
               and c["delgrupp"] == "" and c["kategori"] == "Nej" and c["matt"] == "antal")
    hrv_key = ("samtliga", "", "hedersrelaterat_vald", "", "Nej")  # 77 ärenden, 76 after the change
    published = (int(old[hrv_key]["antal"]), int(new[hrv_key]["antal"]))  # each ±3 of the truth (§2)
    assert (hrv["old"], hrv["new"], hrv["kind"]) == (*published, "value") and abs(published[0] - 77) <= 3
    assert {c["kind"] for c in doc["changes"]} <= {"value", "masked", "missing"}
    assert doc["summary"]["values"] + doc["summary"]["masked"] + doc["summary"]["missing"] == len(doc["changes"])
    # Rows on one side only (a table written now that a delgrupp grew) are entries, not changes.
    one_sided = old.keys() ^ new.keys()
    assert all(k not in one_sided for k in (tuple(c[f] for f in ("niva", "kod", "tabell", "delgrupp", "kategori"))
                                              for c in doc["changes"]))
    assert doc["added"] and all(e["what"] in ("tabell", "rad", "delgrupp", "enhet") for e in doc["added"])


def test_workbooks_name_the_changed_cells_text_and_markdown(base, changed):
    hrv_key = ("samtliga", "", "hedersrelaterat_vald", "", "Nej")
    was, now = keyed(base[1])[hrv_key]["antal"], keyed(changed[1])[hrv_key]["antal"]  # published (§2)
    result = run("diff", base[0], changed[0])
    assert result.exit_code == 1
    assert "samtliga\n" in result.output
    assert "hedersrelaterat_vald · Nej · antal" in result.output and f"{was} → {now}" in result.output
    assert "(the workbook's cells)" in result.output
    md = run("diff", base[0], changed[0], "--format", "markdown").output
    assert md.startswith("### ojexcel diff") and "| tabell | delgrupp | kategori | mått | old | new |" in md
    assert f"| `hedersrelaterat_vald` | `` | Nej | antal | {was} | {now} |" in md


def test_a_workbook_compared_with_the_other_runs_tidy_export(sides):
    base_tidy, base_book, changed_tidy, changed_book = sides
    mixed = compare(base_book, changed_tidy)
    both = compare(base_book, changed_book)
    assert mixed.view == both.view == WORKBOOK and mixed.changes == both.changes and mixed.changes
    assert compare(base_tidy, changed_book).changes == both.changes


def test_filters_only_and_tabell(base, changed, sides):
    doc = json.loads(run("diff", base[0], changed[0], "--only", "samtliga", "--tabell", "hedersrelaterat_vald,kon",
                         "--format", "json").output)
    assert doc["changes"] and {(c["kod"], c["tabell"]) for c in doc["changes"]} == {("", "hedersrelaterat_vald")}
    a, b = sides[0], sides[2]
    only = compare(a, b, only=frozenset({"0586"}), tabeller=frozenset({"hedersrelaterat_vald"})).changes
    assert only and {(c.kod, c.tabell) for c in only} == {("0586", "hedersrelaterat_vald")}
    assert compare(a, b, only=frozenset({"0584"})).identical
    assert {c.kod for c in compare(a, b, only=frozenset({""})).changes} == {""}
    result = run("diff", base[0], changed[0], "--only", "Vadstna")
    assert result.exit_code == 2 and "did you mean Vadstena (0584)" in result.output
    assert run("diff", base[0], changed[0], "--only", "Vadstena").exit_code == 0
    for bad in (("--tabell", "hedersrelaterat"), ("--counts",), ("--indicator", "x"), ("--ignore-fills",)):
        result = run("diff", base[0], changed[0], *bad)
        assert result.exit_code == 2, bad
    assert "only for survey files" in run("diff", base[0], changed[0], "--counts").output


# -- re-sorted, edited, one-sided ---------------------------------------------------------------

def _reverse_rows(ws, first: int, last: int) -> None:
    rows = [[(c.value, c._style) for c in ws[r]] for r in range(first, last + 1)]
    for r, row in zip(range(first, last + 1), reversed(rows)):
        for c, (value, style) in enumerate(row, start=1):
            ws.cell(row=r, column=c).value = value
            ws.cell(row=r, column=c)._style = style


def test_a_workbook_resorted_in_openpyxl_is_identical(base, tmp_path):
    book, tidy = base
    wb = openpyxl.load_workbook(book)
    ws = wb["Per kommun"]
    head = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Nivå")
    _reverse_rows(ws, head + 1, ws.max_row)  # units in another order
    ws = wb["Insatser"]
    caption = next(r for r in range(1, ws.max_row) if str(ws.cell(r, 1).value).startswith("Diagram 9: "))
    header = next(r for r in range(caption, caption + 20) if ws.cell(r, 1).value == "Insats")
    last = next(r for r in range(header + 1, ws.max_row + 2) if ws.cell(r, 1).value is None) - 1
    _reverse_rows(ws, header + 1, last)  # a diagram table sorted another way
    resorted = tmp_path / "resorted.xlsx"
    wb.save(resorted)
    assert ws.cell(header + 1, 1).value == "Uppgift saknas"  # the sort did happen
    for other in (book, tidy):
        result = run("diff", other, resorted)
        assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_a_resorted_tidy_export_is_identical_and_dumps_the_same(base, sides, tmp_path):
    _, tidy = base
    rows = read_tidy_text(tidy)
    rows.reverse()
    resorted = load_side(write_tidy_text(tmp_path / "resorted.csv", rows))
    assert compare(sides[0], resorted).identical
    a = run("dump", tidy)
    assert a.exit_code == 0 and a.output == render_dump(resorted)
    lines = a.output.splitlines()
    assert len(lines) == len(rows)
    assert lines[0].startswith("samtliga - | verksamhet | - | ")
    man = next(r for r in rows if (r["niva"], r["kod"], r["tabell"], r["delgrupp"], r["kategori"]) == ("kommun", "0584", "kon", "", "Man"))
    assert f"kommun 0584 | kon | - | Man | antal={man['antal']} bas={man['bas']} andel={man['andel'] or '..'}" in lines
    # Both withheld symbols (§2): a hidden row (item 4) and a share on a published base under 20 (item 5).
    assert "samtliga - | verksamhet | kon=Man | Myndighet | antal=x bas=x andel=x" in lines
    assert any(line.endswith("andel=..") and "antal=x" not in line for line in lines)
    assert all("medel=" not in line for line in lines if "| medel | " not in line)
    book = run("dump", base[0]).output.splitlines()
    assert book[0] == "# sheet Information" and "# sheet Per kommun" in book


def test_one_sided_units_tables_and_rows_are_entries(base, sides, tmp_path):
    tidy = base[1]
    rows = read_tidy_text(tidy)
    fewer = [r for r in rows if r["kod"] != "0584"  # a unit
             and not (r["kod"] == "0586" and r["tabell"] == "insatser" and r["delgrupp"] == "kon=Kvinna")  # a table
             and not (r["kod"] == "05" and r["tabell"] == "kon" and not r["delgrupp"] and r["kategori"] == "Man")]  # a row
    report = compare(sides[0], load_side(write_tidy_text(tmp_path / "fewer.csv", fewer)))
    doc = as_json(report)
    assert doc["changes"] == [] and doc["added"] == []
    removed = [(e["what"], e["niva"], e["kod"], e["tabell"], e["delgrupp"], e["kategori"]) for e in doc["removed"]]
    # Largest first: the unit, then the table, then the row.
    assert removed == [("enhet", "kommun", "0584", "", "", ""),
                       ("tabell", "kommun", "0586", "insatser", "kon=Kvinna", ""),
                       ("rad", "lan", "05", "kon", "", "Man")]
    assert doc["removed"][0]["name"] == "Vadstena"
    text = render_text(report)
    assert "  - kommun 0584 Vadstena" in text and "  - kommun 0586 Mjölby: tabell insatser [kon=Kvinna]" in text


def test_an_edited_value_and_a_hidden_value_are_changes_of_their_kind(base, sides, tmp_path):
    _, tidy = base
    rows = read_tidy_text(tidy)
    shown = next(r for r in rows if r["kod"] == "0586" and r["tabell"] == "faser" and r["kategori"] == "avslutade"
                 and not r["delgrupp"])
    assert shown["antal"].isdigit()
    shown["antal"], shown["andel"] = "", ""  # now hidden
    zero = next(r for r in rows if r["bas"] == "0" and r["andel"] == "")
    zero["bas"] = ""  # a share that did not exist is now hidden behind a hidden base
    doc = as_json(compare(sides[0], load_side(write_tidy_text(tmp_path / "edited.csv", rows))))
    kinds = {(c["kod"], c["tabell"], c["kategori"], c["matt"]): (c["kind"], c["old_status"], c["new_status"]) for c in doc["changes"]}
    assert kinds[("0586", "faser", "avslutade", "antal")] == ("masked", "shown", "masked")
    assert kinds[(zero["kod"], zero["tabell"], zero["kategori"], "bas")] == ("masked", "shown", "masked")
    assert kinds[(zero["kod"], zero["tabell"], zero["kategori"], "andel")] == ("masked", "missing", "masked")
    hidden = next(c for c in doc["changes"] if c["kod"] == "0586" and c["matt"] == "antal")
    assert hidden["new"] is None and isinstance(hidden["old"], int)


def test_markdown_and_text_escape_what_the_files_hold(base, sides, tmp_path):
    _, tidy = base
    rows = read_tidy_text(tidy)
    for r in rows:
        if r["kod"] == "0586" and r["tabell"] == "kon" and r["kategori"] == "Man":
            r["kategori"] = "<b>Man</b> | *x* `y`"
    report = compare(sides[0], load_side(write_tidy_text(tmp_path / "markup.csv", rows)))
    md = render_markdown(report)
    assert "<b>" not in md and "&lt;b&gt;Man&lt;/b&gt; \\| \\*x\\* \\`y\\`" in md
    doc = as_json(report)
    assert any(e["kategori"] == "<b>Man</b> | *x* `y`" for e in doc["added"])


# -- trouble ------------------------------------------------------------------------------------

def test_a_survey_file_and_an_isu_file_are_trouble_in_one_line(base, tmp_path):
    survey_tidy = tmp_path / "vinr_tidy.csv"
    survey_tidy.write_text("ar,niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n", encoding="utf-8")
    survey_book = tmp_path / "vinr.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Kommuner och stadsdelar"
    wb.save(survey_book)
    for old, new in ((survey_tidy, base[1]), (base[0], survey_tidy), (survey_book, base[0])):
        for command in (("diff", old, new), ("dump", old) if old == survey_book else ("diff", new, old)):
            result = run(*command)
            assert result.exit_code == 2, (command, result.output)
            if command[0] == "dump":
                continue
            assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert "compares two files of one product" in result.stderr
            assert "an ISU" in result.stderr and "a survey" in result.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda rows: rows[5].update(antal="12a"), "row 7"),
    (lambda rows: rows[5].update(niva="land"), "niva"),
])
def test_a_broken_tidy_export_is_trouble_naming_the_row(base, tmp_path, edit, message):
    rows = read_tidy_text(base[1])[:20]
    edit(rows)
    result = run("diff", write_tidy_text(tmp_path / "broken.csv", rows), base[1])  # fails at the first file
    assert result.exit_code == 2 and "not a readable ISU tidy export" in result.output and message in result.output
    assert run("dump", tmp_path / "broken.csv").exit_code == 2


def test_an_edited_or_cut_workbook_is_trouble_naming_why(base, tmp_path):
    wb = openpyxl.load_workbook(base[0])
    ws = wb["Per kommun"]
    head = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Nivå")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(head, c).value == "Ärenden")
    ws.cell(head + 1, col).value = ws.cell(head + 1, col).value + 1  # samtliga's ärenden, also in Diagram 1
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = run("diff", base[0], edited)
    assert result.exit_code == 2
    assert "contradicts itself" in result.output and "Per kommun!" in result.output and "Målgruppen!" in result.output
    del wb["Per kommun"]  # still an ISU workbook by its chapter sheets, and told so
    cut = tmp_path / "cut.xlsx"
    wb.save(cut)
    result = run("diff", base[0], cut)
    assert result.exit_code == 2 and "not an ojexcel ISU workbook: no sheet 'Per kommun'" in result.output


def test_a_pipe_is_read_once(base, tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    data = base[0].read_bytes()

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    result = run("diff", base[0], fifo)
    writer.join(timeout=10)
    assert result.exit_code == 0, result.output


def test_an_isu_diff_imports_no_pandas_and_a_survey_diff_no_numpy(base, tmp_path):
    survey = tmp_path / "vinr_tidy.csv"
    survey.write_text("ar,niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n"
                      "2017,enhet,0114,socialjour,Ja,,,,,,\n", encoding="utf-8")
    probe = ("import sys, json\nfrom ojexcel.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print(json.dumps([code, sorted(m for m in ('numpy', 'pandas') if m in sys.modules)]), file=sys.stderr)")

    def loaded(*args):
        out = subprocess.run([sys.executable, "-c", probe, *map(str, args)], capture_output=True, text=True)
        return json.loads(out.stderr.strip().splitlines()[-1])

    assert loaded("diff", base[0], base[0]) == [0, ["numpy"]]
    assert loaded("diff", survey, survey) == [0, []]
