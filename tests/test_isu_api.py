"""The ISU Python API (issue 20): `ojexcel.isu.build` → results with `.to_frame()`, the tidy export
read into pandas with a hidden value and a value that does not exist told apart (D131), the
synthetic-sample flag, cheap imports, and the sample's example population file (D132)."""
from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ojexcel
from ojexcel.cli import main

from .isu_small import KEY, sample_rows, small_build  # noqa: F401  (a session fixture)

pd = pytest.importorskip("pandas")
ROOT = Path(__file__).resolve().parents[1]
VUXNA = ROOT / "samples" / "isu_vuxna_exempel.csv"


@pytest.fixture(scope="module")
def small(small_build):
    """The two kommuner's records (`isu_small`); `small_build` also holds `ojexcel isu build`'s files."""
    return small_build[0]


@pytest.fixture(scope="module")
def results(small):
    return ojexcel.isu.build(small, nyckelfil=KEY)


@pytest.fixture(scope="module")
def frame(results):
    return results.to_frame()


def test_the_api_names():
    from ojexcel.isu import compilation, tidy

    assert ojexcel.isu.build is compilation.build_results
    assert ojexcel.isu.read_tidy is tidy.read_tidy_frame
    assert callable(ojexcel.build_isu) and callable(ojexcel.read_isu_tidy)
    assert {"build_isu", "read_isu_tidy", "write_isu_workbook", "write_isu_tidy", "isu"} <= set(dir(ojexcel))
    with pytest.raises(AttributeError):
        ojexcel.isu.no_such_name  # noqa: B018


def test_frame_columns_and_dtypes(frame, results):
    assert list(frame.columns) == ["niva", "kod", "tabell", "delgrupp", "kategori", "antal", "bas", "andel", "medel",
                                   "antal_maskerad", "bas_maskerad", "andel_maskerad", "medel_maskerad"]
    dtypes = {c: str(t) for c, t in frame.dtypes.items()}
    assert {dtypes[c] for c in ("niva", "kod", "tabell", "delgrupp", "kategori")} == {"string"}
    assert {dtypes[c] for c in ("antal", "bas", "andel")} == {"Int64"} and dtypes["medel"] == "Float64"
    assert {dtypes[c] for c in frame.columns if c.endswith("_maskerad")} == {"bool"}
    assert len(frame) == sum(1 for _ in results.rader())
    assert set(frame["niva"]) == {"samtliga", "lan", "kommun"} and "0584" in set(frame["kod"])  # codes stay text
    assert (frame.loc[frame.niva == "samtliga", "kod"] == "").all()


def test_hidden_and_missing_are_told_apart(frame, results):
    rows = list(results.rader())
    for name in ("antal", "bas", "andel", "medel"):
        hidden = frame[f"{name}_maskerad"].to_numpy()
        assert list(hidden) == [name in r.maskerad for r in rows], name
        na = frame[name].isna().to_numpy()
        assert list(na) == [getattr(r, name) is None for r in rows], name
        assert not (hidden & ~na).any(), name  # a hidden value has no number
    # Both kinds occur, and the mask tells them apart where the value column cannot.
    share_missing = frame.andel.isna() & ~frame.andel_maskerad
    share_hidden = frame.andel_maskerad
    assert share_missing.any() and share_hidden.any()
    assert (frame.loc[share_missing & (frame.kategori != "medel"), "bas"] == 0).all()  # a base of 0: no share
    medel = frame[frame.kategori == "medel"]
    assert medel.andel.isna().all() and not medel.andel_maskerad.any()  # andel does not exist on a mean's row
    assert frame.loc[frame.kategori != "medel", "medel"].isna().all() and not frame.medel_maskerad[frame.kategori != "medel"].any()
    assert medel.medel.notna().any() and medel.medel_maskerad.any()


@pytest.mark.slow
def test_round_trip_equals_the_tidy_file(results, frame, small_build, tmp_path):
    path = ojexcel.write_isu_tidy(results, tmp_path / "isu_tidy.csv")
    assert path.read_bytes() == small_build[2].read_bytes()  # the bytes `ojexcel isu build` writes
    back = ojexcel.read_isu_tidy(path)
    pd.testing.assert_frame_equal(back, frame)
    # The frame holds the file's text exactly: numbers, and <NA> where the file is empty.
    with open(path, encoding="utf-8", newline="") as fh:
        text = list(csv.DictReader(fh))
    assert len(text) == len(back)
    for col in ("niva", "kod", "tabell", "delgrupp", "kategori"):
        assert list(back[col]) == [r[col] for r in text], col
    for col in ("antal", "bas", "andel"):
        assert [None if v is pd.NA else str(v) for v in back[col]] == [r[col] or None for r in text], col
    assert [None if v is pd.NA else f"{v:.1f}" for v in back["medel"]] == [r["medel"] or None for r in text]
    book = ojexcel.write_isu_workbook(results, tmp_path / "isu.xlsx")
    assert book.read_bytes() == small_build[1].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isu.xlsx", "isu_tidy.csv"]


def test_build_takes_a_period_and_reports_bad_input(small, tmp_path):
    rows = sample_rows()
    in_2022 = sum(1 for r in rows if r["datum_aktualisering"].startswith("2022"))
    got = ojexcel.isu.build(small, period=("2022-01-01", dt.date(2022, 12, 31)), utan_brus=True)  # the truth
    assert got.n == in_2022 and got.utanfor_period == len(rows) - in_2022 and got.period == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    noisy = ojexcel.isu.build(small, period=("2022-01-01", dt.date(2022, 12, 31)), nyckelfil=KEY)
    assert abs(noisy.n - in_2022) <= 3 and not noisy.utan_brus  # published: a count of its set (D159)
    assert ojexcel.build_isu(small, period=(None, "2021-12-31"), minsta_antal=1, nyckelfil=KEY).minsta_antal == 1
    with pytest.raises(ValueError, match="key file"):
        ojexcel.isu.build(small)  # a file of one's own needs its key (CONTRACT §2)
    with pytest.raises(ValueError, match="not an ISO date"):
        ojexcel.isu.build(small, period=("2022-13-01", None), nyckelfil=KEY)
    with pytest.raises(ValueError, match="starts after it ends"):
        ojexcel.isu.build(small, period=("2023-01-01", "2022-01-01"), nyckelfil=KEY)
    bad = tmp_path / "bad.csv"
    bad.write_text("arende_id,enhetskod,datum_aktualisering\nA1,9999,2022-01-01\n", encoding="utf-8")
    with pytest.raises(ojexcel.InputError) as exc:
        ojexcel.isu.build(bad, nyckelfil=KEY)
    assert "9999" in str(exc.value.problems[0])
    broken = tmp_path / "broken.csv"
    broken.write_text("niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel\nsamtliga,,kon,,Kvinna,tolv,3,,\n",
                      encoding="utf-8")
    with pytest.raises(ojexcel.InputError) as exc:
        ojexcel.read_isu_tidy(broken)
    assert "row 2" in str(exc.value) and "tolv" in str(exc.value)


def test_the_sample_is_flagged_synthetic(results, small, small_build, tmp_path):
    """The flag a cover needs to say the data are synthetic (as the survey's workbook does)."""
    import dataclasses

    from ojexcel.io.resources import isu_sample
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.compilation import compile_tables
    from ojexcel.isu.reader import read_arenden
    from ojexcel.population import load_population

    sample = read_arenden(isu_sample(), load_codebook(), load_population())
    assert sample.syntetisk and sample.n == 3070
    mine = read_arenden(small, load_codebook(), load_population())
    assert not mine.syntetisk and not results.syntetisk  # a copy of some of its rows is the user's own file
    assert compile_tables(dataclasses.replace(mine, syntetisk=True), utan_brus=True).syntetisk is True  # the results carry it
    from ojexcel.isu.tidy import read_isu_tidy

    part = tmp_path / "t.csv"  # the first rows of a tidy export
    part.write_text("".join(small_build[2].read_text(encoding="utf-8").splitlines(keepends=True)[:30]), encoding="utf-8")
    assert read_isu_tidy(part).syntetisk is False  # a tidy export does not say


def _modules_after(code: str) -> list[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(m for m in ('numpy', 'pandas') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_imports_stay_cheap(small, tmp_path):
    assert _modules_after("import ojexcel\nojexcel.isu\nimport ojexcel.isu") == []
    code = (
        "from ojexcel.cli import main\n"
        f"try:\n    main(['isu', 'build', {str(small)!r}, '--out', {str(tmp_path / 'b.xlsx')!r}, '--tidy', {str(tmp_path / 't.csv')!r}, '-q', '--nyckelfil', {str(KEY)!r}])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
    )
    assert _modules_after(code) == ["numpy"]  # numpy is ISU's; pandas is the API's alone


# -- the example population file -------------------------------------------------------------------

def test_the_example_population_file_is_what_its_generator_writes(tmp_path):
    from dev.generate_isu_vuxna import generate

    assert generate(tmp_path / "v.csv").read_bytes() == VUXNA.read_bytes()
    assert "exempel" in VUXNA.name
    with open(VUXNA, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    units = {r["enhetskod"] for r in sample_rows_all()}
    assert {r["enhetskod"] for r in rows} == units and {r["ar"] for r in rows} == {"2021", "2022", "2023"}
    assert all(1_000 < int(r["vuxna"]) < 1_000_000 for r in rows)  # adults of a Swedish kommun or district


def sample_rows_all() -> list[dict[str, str]]:
    from ojexcel.io.resources import isu_sample

    with open(isu_sample(), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_readmes_kolada_example_shows_values(tmp_path):
    """`ojexcel isu kolada --ar 2022 --vuxna samples/isu_vuxna_exempel.csv --out …` (README, docs/isu.md)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "isu kolada --ar 2022 --vuxna samples/isu_vuxna_exempel.csv" in readme
    out = tmp_path / "kolada_isu_2022.csv"
    result = CliRunner().invoke(main, ["isu", "kolada", "--ar", "2022", "--vuxna", str(VUXNA), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["varde"] for r in rows)
    assert all(r["vuxna"] for r in rows if r["enhetskod"] != "0180")  # Stockholm: its district's mean (§7)


def test_the_docs_isu_pandas_block_runs(results, monkeypatch, tmp_path):
    """docs/python-api.md's ISU block, as written, on a tidy export of this run."""
    import re

    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- pandas-example-isu[^>]*-->\s*```python\n(.*?)```", text, re.S).group(1)
    ojexcel.write_isu_tidy(results, tmp_path / "isu_tidy.csv")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "python-api.md", "exec"), scope)
    assert len(scope["hidden"]) and len(scope["no_share"])
    assert scope["hidden"].andel.isna().all() and not scope["no_share"].andel_maskerad.any()
    assert list(scope["insatser"].columns) == ["0584", "0586"] and "Skyddat boende" in scope["insatser"].index
