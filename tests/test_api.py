"""The Python API (`import ojexcel`): build, to_frame, read_tidy, write_workbook; cheap imports."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import ojexcel
from ojexcel.population import NIVA_ENHET, NIVA_RIKET
from ojexcel.survey.workbook_read import read_workbook

pd = pytest.importorskip("pandas")
HEAVY = ("pandas", "numpy", "openpyxl")


def _modules_after(code: str) -> list[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in %r)))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_import_and_build_command_never_import_pandas_or_numpy(tmp_path):
    assert _modules_after("import ojexcel") == []
    assert _modules_after("import ojexcel.cli") == []
    book, tidy = tmp_path / "b.xlsx", tmp_path / "t.csv"
    code = (
        "from ojexcel.cli import main\n"
        f"try:\n    main(['build', '--year', '2017', '--out', {str(book)!r}, '--tidy', {str(tidy)!r}, '-q'])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
    )
    assert _modules_after(code) == []
    assert book.is_file() and tidy.is_file()


def test_version_is_the_installed_one():
    from importlib.metadata import version

    assert ojexcel.__version__ == version("ojexcel")
    with pytest.raises(AttributeError):
        ojexcel.no_such_name  # noqa: B018


@pytest.fixture(scope="module")
def results():
    return ojexcel.build()


def test_to_frame_is_the_tidy_export_typed(results, tmp_path):
    df = results.to_frame()
    assert list(df.columns) == ["ar", "niva", "kod", "indikator", "varde", "andel",
                                "ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter"]
    assert str(df["ar"].dtype) == "Int64" and str(df["ja"].dtype) == "Int64" and str(df["andel"].dtype) == "Int64"
    assert str(df["kod"].dtype) == "string"
    assert len(df) == 316 * 55 + sum(len(g.aggregates) for g in results.groups)
    assert set(df["ar"]) == {2017}
    units = df[df["niva"] == NIVA_ENHET].set_index(["kod", "indikator"])
    for j, ind in enumerate(results.catalogue.ids):
        for kod in ("0114", "0180-01", "2583"):
            value = results.unit_values[kod][j]
            got = units.loc[(kod, ind), "varde"]
            assert (got is pd.NA and value is None) or got == value
    riket = df[df["niva"] == NIVA_RIKET].set_index("indikator")
    for ind, agg in zip(results.catalogue.ids, results.riket.aggregates):
        row = riket.loc[ind]
        assert (row["andel"] is pd.NA) == (agg.andel is None)
        if agg.andel is not None:
            assert row["andel"] == agg.andel and row["varde"] == str(agg.andel)
        assert (row["ja"], row["nej"], row["bortfall"], row["enheter"]) == (agg.ja, agg.nej, agg.bortfall, agg.enheter)
    # Codes stay text.
    assert "0114" in set(df["kod"]) and "01" in set(df.loc[df["niva"] == "lan", "kod"])

    path = ojexcel.write_tidy(results, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(ojexcel.read_tidy(path), df)


@pytest.mark.slow
def test_read_tidy_reads_concatenated_years_and_old_files(tidy_files, tmp_path):
    both = tmp_path / "both.csv"
    text = open(tidy_files[2016], encoding="utf-8").read() + "".join(open(tidy_files[2018], encoding="utf-8").readlines()[1:])
    both.write_text(text, encoding="utf-8")
    df = ojexcel.read_tidy(both)
    assert df.groupby("ar").size().to_dict() == {2016: 19525, 2018: 19525}
    old = tmp_path / "old.csv"
    old.write_text("".join(line.split(",", 1)[1] for line in open(tidy_files[2017], encoding="utf-8")), encoding="utf-8")
    df_old = ojexcel.read_tidy(old)
    assert df_old["ar"].isna().all() and len(df_old) == 19525
    bad = tmp_path / "bad.csv"
    bad.write_text("ar,niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n2017,enhet,0114,x,Kanske,,,,,,\n",
                   encoding="utf-8")
    with pytest.raises(ojexcel.InputError) as exc:
        ojexcel.read_tidy(bad)
    assert "row 2" in str(exc.value) and "Kanske" in str(exc.value)


def test_write_workbook_and_bad_input(results, tmp_path):
    path = ojexcel.write_workbook(results, tmp_path / "bok.xlsx")
    data = read_workbook(path)
    assert data.value("enhet", "0114", "socialjour") == (results.unit_values["0114"][0] or "")
    assert [p.name for p in tmp_path.iterdir()] == ["bok.xlsx"]
    bad = tmp_path / "svar.csv"
    bad.write_text("enhetskod,besvarat_vinr\n9999,Ja\n", encoding="utf-8")
    with pytest.raises(ojexcel.InputError) as exc:
        ojexcel.build(bad, 2017)
    assert exc.value.problems and str(bad) in str(exc.value.problems[0])


def test_old_import_paths_still_work_for_one_release():
    """The paths the README showed before the move into io/, survey/, isu/ (docs/python-api.md):
    the same module object as at its new place, with a DeprecationWarning naming the new path."""
    import importlib
    import warnings

    from ojexcel._compat import MOVED

    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = importlib.import_module(old)
        assert module is importlib.import_module(new), old
        assert any(issubclass(w.category, DeprecationWarning) and new in str(w.message) for w in caught), old
    from ojexcel.xlsx_cells import read_cells  # noqa: F401  (the README's example of 0.1)
    from ojexcel.trend import unit_series  # noqa: F401


def test_python_dash_m_ojexcel_is_the_command_line():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ojexcel", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: ojexcel "), proc.stderr
