"""Review overrides (--granskning): validation, application, the carried list and its sheet."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ojexcel.cli import main
from ojexcel.survey.granskning import Granskning
from ojexcel.survey.compilation import build_results, sample_path
from ojexcel.problems import InputError

HEADER = "enhetskod,kolumn,nytt_varde,motivering\n"


@pytest.fixture(scope="module")
def plain():
    return build_results(None, 2017)


def overrides(tmp_path: Path, body: str, name: str = "granskning.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def value(results, kod: str, indikator: str):
    return results.unit_values[kod][results.catalogue.ids.index(indikator)]


def raw_answer(kod: str, column: str) -> str:
    import csv

    with open(sample_path(2017), encoding="utf-8", newline="") as fh:
        return next(r for r in csv.DictReader(fh) if r["enhetskod"] == kod)[column]


def test_override_changes_the_unit_value_and_nothing_else(tmp_path, plain):
    before = value(plain, "0114", "socialjour")
    new = "Nej" if before == "Ja" else "Ja"
    path = overrides(tmp_path, f"0114,G1,{new.lower()},Rättat efter kontakt med kommunen\n")
    reviewed = build_results(None, 2017, path)
    assert value(reviewed, "0114", "socialjour") == new
    changed = {
        (kod, i) for kod in plain.unit_values for i, (a, b) in
        enumerate(zip(plain.unit_values[kod], reviewed.unit_values[kod])) if a != b
    }
    assert changed == {("0114", plain.catalogue.ids.index("socialjour"))}
    i = plain.catalogue.ids.index("socialjour")
    delta = 1 if new == "Ja" else -1
    assert reviewed.riket.aggregates[i].ja == plain.riket.aggregates[i].ja + delta
    # The list carries the raw file's value, the new value (canonical label) and the reason.
    (g,) = reviewed.granskning
    assert (g.enhetskod, g.kolumn, g.gammalt, g.nytt, g.motivering, g.rad) == (
        "0114", "G1", raw_answer("0114", "G1"), new, "Rättat efter kontakt med kommunen", 2,
    )
    assert plain.granskning == ()


def test_blank_new_value_removes_the_answer(tmp_path, plain):
    # G7_ekb removed: whether the routine exists is unknown, so the value is bortfall (blank).
    assert raw_answer("0117", "G7_ekb")
    reviewed = build_results(None, 2017, overrides(tmp_path, "0117,G7_ekb,,Svaret drogs tillbaka\n"))
    assert value(reviewed, "0117", "rutin_indikation_ekb") is None
    (g,) = reviewed.granskning
    assert (g.gammalt, g.nytt) == (raw_answer("0117", "G7_ekb"), None)


def test_alias_full_text_and_besvarat_vinr(tmp_path, plain):
    path = overrides(tmp_path, '0114,V2_kvinnor,"Ja, erbjuds med biståndsbeslut",x\n0115,besvarat_vinr,Nej,Ej besvarad\n')
    reviewed = build_results(None, 2017, path)
    assert [g.nytt for g in reviewed.granskning] == ["Ja", "Nej"]
    assert value(reviewed, "0114", "stodsamtal_kvinnor") == "Ja"
    assert value(reviewed, "0115", "stodsamtal_kvinnor") is None  # VINR part now unanswered
    assert reviewed.answered_vinr == plain.answered_vinr - 1


@pytest.mark.parametrize(
    "body, where, message",
    [
        ("9999,G1,Ja,x\n", (2, "9999", "enhetskod", "9999"), "unknown enhetskod"),
        ("0180,G1,Ja,x\n", (2, "0180", "enhetskod", "0180"), "answers per district only"),
        ("0114,G1x,Ja,x\n", (2, "0114", "kolumn", "G1x"), "unknown kolumn: not a codebook column or besvarat_vinr; did you mean 'G1'?"),
        ("0114,enhet,Ja,x\n", (2, "0114", "kolumn", "enhet"), "unknown kolumn"),
        ("0114,G7_ekb,Jaa,x\n", (2, "0114", "nytt_varde", "Jaa"), "not a valid answer for G7_ekb; expected one of: Ja, Nej, Ej aktuellt"),
        ("0114,besvarat_vinr,kanske,x\n", (2, "0114", "nytt_varde", "kanske"), "expected Ja or Nej"),
        ("0114,G1,Ja,  \n", (2, "0114", "motivering", None), "motivering is blank"),
        ("0114,G1,Ja,x\n0114,g1,Nej,y\n", (3, "0114", "kolumn", "G1"), "a second override of G1 for this unit (the first is in row 2)"),
    ],
)
def test_validation_errors(tmp_path, body, where, message):
    with pytest.raises(InputError) as exc:
        build_results(None, 2017, overrides(tmp_path, body))
    (p,) = exc.value.problems
    assert p.file == str(tmp_path / "granskning.csv")
    assert (p.row, p.enhetskod, p.column, p.value) == where
    assert message in p.message


def test_unit_without_a_response_row_is_refused(tmp_path, plain):
    missing = next(u.kod for u in plain.population.units if u.kod not in plain.answered)
    with pytest.raises(InputError) as exc:
        build_results(None, 2017, overrides(tmp_path, f"{missing},G1,Ja,x\n"))
    (p,) = exc.value.problems
    assert (p.row, p.enhetskod) == (2, missing) and "has no row for this unit" in p.message


def test_missing_header_column(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("enhetskod,kolumn,nytt_varde\n0114,G1,Ja\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build_results(None, 2017, path)
    (p,) = exc.value.problems
    assert (p.row, p.column) == (1, "motivering") and "required column missing" in p.message


def test_follow_up_no_longer_asked_warns(tmp_path, plain):
    # A unit of the sample with G7_ekb=Ja and its follow-up G7a_ekb answered.
    kod = next(
        k for k in sorted(plain.answered)
        if raw_answer(k, "G7_ekb").casefold() == "ja" and raw_answer(k, "G7a_ekb")
    )
    reviewed = build_results(None, 2017, overrides(tmp_path, f"{kod},G7_ekb,Nej,x\n"))
    assert any("follow-up G7a_ekb is not asked" in w.message for w in reviewed.warnings)
    assert value(reviewed, kod, "rutin_indikation_ekb") == "Nej"


def test_latin1_overrides_file_keeps_its_letters(tmp_path):
    path = overrides(tmp_path, "0114,G1,Nej,Bedömningen ändrad av handläggaren på länsstyrelsen\n", encoding="cp1252")
    reviewed = build_results(None, 2017, path)
    assert reviewed.granskning[0].motivering == "Bedömningen ändrad av handläggaren på länsstyrelsen"
    assert any("Windows-1252" in w.message for w in reviewed.warnings)


def test_cli_applies_overrides_and_refuses_bad_ones(tmp_path):
    good = overrides(tmp_path, "0114,G1,Nej,x\n", name="good.csv")
    bad = overrides(tmp_path, "0114,G1,Nja,x\n", name="bad.csv")
    out = tmp_path / "out"
    out.mkdir()
    args = ["build", "--year", "2017", "--out", str(out / "b.xlsx"), "--tidy", str(out / "t.csv")]
    result = CliRunner().invoke(main, args + ["--granskning", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 review override(s) applied" in result.stderr
    tidy = (out / "t.csv").read_text(encoding="utf-8")
    assert "enhet,0114,socialjour,Nej," in tidy
    before = (out / "b.xlsx").read_bytes()
    result = CliRunner().invoke(main, args + ["--granskning", str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}, row 2, enhetskod 0114, column nytt_varde, value 'Nja'" in result.stderr
    assert (out / "b.xlsx").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["b.xlsx", "t.csv"]


# -- the Granskning sheet ------------------------------------------------------------------------

def write_book(results, path: Path):
    import xlsxwriter

    from ojexcel.survey.granskning_sheet import write_granskning_sheet

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.add_worksheet("Data")
    ws = write_granskning_sheet(wb, results)
    wb.close()
    return ws


def test_granskning_sheet_lists_old_new_and_reason(tmp_path, plain):
    from openpyxl import load_workbook

    from ojexcel.survey.granskning_sheet import sheet_texts

    body = "0117,G7_ekb,,Svaret drogs tillbaka\n0114,G1,Nej,=SUM(1) är ingen formel\n"
    reviewed = build_results(None, 2017, overrides(tmp_path, body))
    write_book(reviewed, tmp_path / "b.xlsx")
    wb = load_workbook(tmp_path / "b.xlsx")
    texts = sheet_texts()
    assert wb.sheetnames == ["Data", texts.sheet] and texts.sheet == "Granskning"
    ws = wb[texts.sheet]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    assert rows[0] == texts.headings == ("enhetskod", "enhet", "kolumn", "gammalt värde", "nytt värde", "motivering")
    assert ws.cell(1, 1).font.b
    pop = reviewed.population
    assert rows[1:] == [
        ("0117", pop.unit("0117").full_name, "G7_ekb", raw_answer("0117", "G7_ekb"), texts.blank, "Svaret drogs tillbaka"),
        ("0114", pop.unit("0114").full_name, "G1", raw_answer("0114", "G1"), "Nej", "=SUM(1) är ingen formel"),
    ]
    assert ws.cell(3, 6).data_type == "s"  # text, not a formula


def test_no_sheet_without_overrides(tmp_path, plain):
    from openpyxl import load_workbook

    assert write_book(plain, tmp_path / "b.xlsx") is None
    assert load_workbook(tmp_path / "b.xlsx").sheetnames == ["Data"]


def test_granskning_dataclass_is_what_results_carry(tmp_path):
    reviewed = build_results(None, 2017, overrides(tmp_path, "0114,G1,Nej,x\n"))
    assert all(isinstance(g, Granskning) for g in reviewed.granskning)


@pytest.mark.slow
def test_build_workbook_lists_every_override_on_the_granskning_sheet(tmp_path, plain):
    body = "0114,G1,Nej,Rättat efter kontakt med kommunen\n0115,V1_annan_text,,Annan metod uppfyller inte definitionen\n"
    path = overrides(tmp_path, body)
    book = tmp_path / "b.xlsx"
    result = CliRunner().invoke(main, ["build", "--year", "2017", "--out", str(book), "--granskning", str(path), "-q"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    rows = list(wb["Granskning"].iter_rows(values_only=True))
    assert rows[0] == ("enhetskod", "enhet", "kolumn", "gammalt värde", "nytt värde", "motivering")
    assert rows[1][:3] == ("0114", "Upplands Väsby", "G1") and rows[1][4] == "Nej"
    assert rows[1][3] == raw_answer("0114", "G1")
    assert rows[2][0] == "0115" and rows[2][5] == "Annan metod uppfyller inte definitionen"
    cover = [r for r in wb["Information"].iter_rows(values_only=True) if r and r[0] == "Granskning"]
    assert cover and "2 svar" in cover[0][1]
    # Without overrides there is no such sheet, and the cover says so.
    plain_book = tmp_path / "plain.xlsx"
    assert CliRunner().invoke(main, ["build", "--year", "2017", "--out", str(plain_book), "-q"]).exit_code == 0
    wb = load_workbook(plain_book)
    assert "Granskning" not in wb.sheetnames
    assert any(r and r[0] == "Granskning" and "Inga svar" in r[1] for r in wb["Information"].iter_rows(values_only=True))


def test_override_of_a_vinr_answer_for_a_unit_without_the_vinr_part_warns(tmp_path, plain):
    kod = next(k for k in sorted(plain.answered) if k not in plain.answered_vinr_part)
    reviewed = build_results(None, 2017, overrides(tmp_path, f"{kod},V2_kvinnor,Ja,test\n"))
    assert any("has not answered the VINR part" in w.message and w.enhetskod == kod for w in reviewed.warnings)
    assert value(reviewed, kod, "stodsamtal_kvinnor") is None
