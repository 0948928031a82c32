"""The tidy readers take counts as the exports write them: ASCII digits only, never `-5`, `1_000`,
` 5` or another script's digits (which `int()` accepts), each refused naming row, column and value;
a record of many quoted lines is bounded while it is parsed; and `trend` keeps only the rows it
shows (D172)."""
from __future__ import annotations

import pytest

from ojexcel.isu.row_list import RowListError
from ojexcel.isu.tidy import read_isu_tidy
from ojexcel.problems import InputError
from ojexcel.survey.trend import read_inputs
from ojexcel.survey.tidy import read_tidy

SURVEY_HEADER = "ar,niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n"
ISU_HEADER = "niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel\n"
BAD_COUNTS = ["-5", "1_000", "\u0665", "\u00b2", " 5", "5.0", "+5", "1" * 13]


@pytest.mark.parametrize("bad", BAD_COUNTS)
@pytest.mark.parametrize("column", range(6))
def test_survey_tidy_refuses_a_count_that_is_not_ascii_digits(tmp_path, bad, column):
    counts = ["1", "2", "3", "0", "0", "6"]
    counts[column] = bad
    path = tmp_path / "t.csv"
    path.write_text(SURVEY_HEADER + "2017,riket,,socialjour,33," + ",".join(counts) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_tidy(path, 2017)
    (problem,) = info.value.problems
    assert problem.row == 2 and problem.value == bad
    assert problem.column == ("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter")[column]
    assert "a count must be a whole number written in the digits 0–9" in problem.message


def test_survey_tidy_reads_ascii_counts(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(SURVEY_HEADER + "2017,riket,,socialjour,33,1,2,3,0,0,600000000000\n", encoding="utf-8")
    (row,) = read_tidy(path, 2017)
    assert row.counts == (1, 2, 3, 0, 0, 600_000_000_000)


@pytest.mark.parametrize("bad", BAD_COUNTS)
@pytest.mark.parametrize("column", ["antal", "bas", "andel"])
def test_isu_tidy_refuses_a_count_that_is_not_ascii_digits(tmp_path, bad, column):
    values = {"antal": "3", "bas": "6", "andel": "50"} | {column: bad}
    path = tmp_path / "t.csv"
    path.write_text(ISU_HEADER + f"samtliga,,kon,,Kvinna,{values['antal']},{values['bas']},{values['andel']},\n",
                    encoding="utf-8")
    with pytest.raises(RowListError) as info:
        read_isu_tidy(path)
    problem = info.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, column, bad)


def test_isu_tidy_bounds_a_record_of_quoted_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(ISU_HEADER + '"\n",' * 5000 + "\n", encoding="utf-8")
    with pytest.raises(RowListError) as info:
        read_isu_tidy(path)
    assert "more than 36 fields" in str(info.value)


def test_trend_keeps_only_the_rows_it_shows(tmp_path, tidy_files):
    """A group row of an unknown code, a kommungrupp row: checked, not kept; a unit row of an
    unknown unit is an error, as before."""
    path = tmp_path / "t.csv"
    text = open(tidy_files[2017], encoding="utf-8").read()
    extra = "".join(f"2017,kommungrupp,9{i:03d},socialjour,50,1,1,0,0,0,2\n" for i in range(1000))
    extra += "".join(f"2017,lan,9{i:03d},socialjour,50,1,1,0,0,0,2\n" for i in range(100))
    path.write_text(text + extra, encoding="utf-8")
    (inp,) = read_inputs([(2017, path)])
    assert {niva for niva, _, _ in inp.rows} == {"riket", "lan", "storstad", "enhet"}
    assert not any(kod.startswith("9") and niva == "lan" for niva, kod, _ in inp.rows)
    path.write_text(text + "2017,enhet,9999,socialjour,Ja,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inputs([(2017, path)])
    assert info.value.problems[0].message.startswith("not a unit of the 2017 population")


def test_trend_refuses_a_file_of_more_rows_than_its_year_holds(tmp_path):
    """Twice (units and groups) × indicators: twenty such files once took 2.8 GB and a minute."""
    from ojexcel.survey.arsgang import load_arsgang

    arsgang = load_arsgang(2017)
    pop, ids = arsgang.population, arsgang.catalogue.ids
    most = 2 * (len(pop.units) + len(pop.groups())) * len(ids)
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(SURVEY_HEADER)
        for i in range(most + 10):
            fh.write(f"2017,kommungrupp,{i // len(ids)},{ids[i % len(ids)]},50,1,1,0,0,0,2\n")
    with pytest.raises(InputError) as info:
        read_inputs([(2017, path)])
    assert f"over {most:,} data rows" in str(info.value)
