"""The pandas examples of docs/python-api.md, run as written, give clean frames of every sheet (issue 13)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")

from ojexcel.survey import workbook_layout as L  # noqa: E402
from ojexcel.survey.compilation import build_results  # noqa: E402
from ojexcel.survey.workbook import write_workbook  # noqa: E402

README = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"  # the README's pandas examples moved there (issue 16)


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"<!-- pandas-example[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert m, "the pandas example of docs/python-api.md is missing"
    return m.group(1)


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    results = build_results(None, 2017)
    path = tmp_path_factory.mktemp("pandas") / "vinr_2017.xlsx"
    write_workbook(results, path)
    scope: dict = {}
    exec(_example().replace('"vinr_2017.xlsx"', repr(str(path))), scope)  # noqa: S102
    return results, scope


@pytest.mark.slow
def test_unit_sheet(frames):
    results, f = frames
    enheter = f["enheter"]
    assert len(enheter) == 316 + 3
    assert list(enheter.columns[: len(L.UNIT_FROZEN_COLUMNS)]) == list(L.UNIT_FROZEN_COLUMNS)
    ids = list(results.catalogue.ids)
    assert [c for c in enheter.columns if c in ids] == ids  # renamed to ids through Indikatorer
    assert enheter["Kod"].iloc[0] == "0114" and enheter["Länskod"].iloc[0] == "01"
    assert not enheter[list(L.UNIT_KEY_COLUMNS)].isna().any().any()
    units = enheter[enheter["Nivå"] != "Storstad"].set_index("Kod")
    for kod in ("0114", "0180-01", "2583"):
        for ind, value in zip(ids, results.unit_values[kod]):
            got = units.loc[kod, ind]
            assert (pd.isna(got) and value is None) or got == value, (kod, ind)
    cities = enheter[enheter["Nivå"] == "Storstad"].set_index("Kod")
    for gr in results.groups_at("storstad"):
        for ind, agg in zip(ids, gr.aggregates):
            got = cities.loc[gr.group.kod, ind]
            assert (pd.isna(got) and agg.andel is None) or got == agg.andel


def test_aggregate_sheets(frames):
    results, f = frames
    lan, grupper = f["lan"], f["grupper"]
    assert len(lan) == (1 + 21 + 3) * 55 and len(grupper) == (5 + 9) * 55
    for frame in (lan, grupper):
        assert str(frame["Andel Ja (%)"].dtype) == "float64"
        for col in L.COUNT_COLUMNS:
            assert str(frame[col].dtype) == "int64", col
    riket = lan[lan["Nivå"] == "Riket"].set_index("Indikator-id")
    assert set(riket["Kod"]) == {""}
    for ind, agg in zip(results.catalogue.ids, results.riket.aggregates):
        got = riket.loc[ind, "Andel Ja (%)"]
        assert (pd.isna(got) and agg.andel is None) or got == agg.andel
    assert lan.loc[lan["Nivå"] == "Län", "Kod"].iloc[0] == "01"
    assert set(grupper["Kod"]) >= {"1", "5", "A1", "C9"}


def test_response_and_indicator_sheets(frames):
    results, f = frames
    svar, indikatorer = f["svar"], f["indikatorer"]
    assert len(svar) == 25 and not svar.isna().any().any()
    assert list(indikatorer["Indikator-id"]) == list(results.catalogue.ids)
    assert list(indikatorer["Kolumnrubrik"]) == [i.rubrik for i in results.catalogue]


@pytest.mark.slow
def test_trend_sheets_read_with_the_readme_arguments(tmp_path, tidy_files):
    from click.testing import CliRunner

    from ojexcel.cli import main

    out = tmp_path / "trend.xlsx"
    args = ["trend", f"2016={tidy_files[2016]}", f"2017={tidy_files[2017]}", "--out", str(out), "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    text = README.read_text(encoding="utf-8")
    code = re.search(r"<!-- pandas-example-trend[^>]*-->\s*```python\n(.*?)```", text, re.S).group(1)
    scope: dict = {}
    exec(code.replace('"trend.xlsx"', repr(str(out))), scope)  # noqa: S102
    riket, lan, enheter = scope["riket"], scope["lan"], scope["enheter"]
    assert len(riket) == 55 and str(riket["2017"].dtype) in ("int64", "float64")
    assert len(lan) == 21 * 55 and lan["Länskod"].iloc[0] == "01"
    assert len(enheter) == 316 and enheter.index[0] == ("0114", "Upplands Väsby")
    assert list(enheter["socialjour"].columns) == ["2016", "2017"]
    assert set(enheter["socialjour"]["2017"].dropna()) <= {"Ja", "Nej", "Delvis", "Ej aktuellt"}
