"""The embedded synthetic ISU sample (`samples/isu_arenden.csv`).

- the generator reproduces the committed file byte for byte;
- every figure of `../shared/spec/isu/published_isu.csv` is reproduced — by the independent
  reference implementation (`tests/isu_referens.py`) and through the real pipeline
  (`read_arenden` + `sammanstall(..., minsta_antal=1)`);
- 3 070 ärenden in 34 units, every unit one of the report's Bilaga 1, identifiers fake and unique.
"""
from __future__ import annotations

import csv
import importlib.util
from fractions import Fraction
from pathlib import Path

import pytest

from tests import isu_referens as ref

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "isu_arenden.csv"
SHARED_ISU = ROOT / "tests" / "shared" / "spec" / "isu"  # committed copies of ../shared
PUBLISHED = ref.read_published(SHARED_ISU / "published_isu.csv")


def _row_id(row: dict[str, str]) -> str:
    parts = [row["figur"], row["niva"], row["kod"], row["tabell"], row["delgrupp"], row["kategori"], row["matt"]]
    return "/".join(p for p in parts if p)


@pytest.fixture(scope="module")
def records():
    return ref.read_csv(SAMPLE)


# -- (a) the committed file is what the generator writes ----------------------------------------

def test_generator_reproduces_the_committed_sample(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_isu", ROOT / "dev" / "generate_isu_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = gen.generate(tmp_path / "isu_arenden.csv")
    assert path.read_bytes() == SAMPLE.read_bytes()


# -- (b) every published figure, by the reference implementation --------------------------------

@pytest.mark.parametrize("row", PUBLISHED, ids=[_row_id(r) for r in PUBLISHED])
def test_published_figure_by_reference(records, row):
    value = ref.published_value(records, row)
    assert ref.in_range(value, row), (
        f"{_row_id(row)} = {value} ({float(value) if value is not None else None}), "
        f"published {row['min']}-{row['max']}: {row['kalla']}")


def test_reference_reads_every_column_of_the_sample():
    """The reference and the generator agree on the columns (a typo would read as blanks)."""
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["arende_id", "enhetskod"]
    assert header[2:] == list(ref.TYP)


# -- (c) every published figure, through the real pipeline --------------------------------------

@pytest.fixture(scope="module")
def arenden_data():
    from ojexcel.isu.reader import read_arenden
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.population import load_population

    return read_arenden(SAMPLE, load_codebook(), load_population(), period=(None, None))


@pytest.fixture(scope="module")
def resultat(arenden_data):
    from ojexcel.isu.compilation import compile_tables

    return compile_tables(arenden_data, minsta_antal=1)


def _pipeline_value(res, niva: str, kod: str, row: dict[str, str]):
    rows = {r.kategori: r for r in res.tabell(niva, kod, row["tabell"], row["delgrupp"])}
    parts = ref.split_kategori(row["tabell"], row["kategori"])
    if any(p not in rows for p in parts):
        return None
    matt = row["matt"]
    if len(parts) == 1:
        value = getattr(rows[parts[0]], matt)
        return Fraction(value) if matt == "medel" and value is not None else value
    antal = sum(rows[p].antal for p in parts)
    bas = rows[parts[0]].bas
    assert all(rows[p].bas == bas for p in parts)
    return {"antal": antal, "bas": bas, "andel": ref.andel(antal, bas)}[matt]


@pytest.mark.parametrize("row", PUBLISHED, ids=[_row_id(r) for r in PUBLISHED])
def test_published_figure_by_pipeline(resultat, row):
    res = resultat
    if row["niva"] == "kommun" and row["kod"] == "max":
        values = [_pipeline_value(res, "kommun", k, row) for k in res.enheter("kommun")]
        values = [v for v in values if v is not None]
        value = max(values) if values else None
    else:
        value = _pipeline_value(res, row["niva"], row["kod"], row)
    assert ref.in_range(value, row), f"{_row_id(row)} = {value}, published {row['min']}-{row['max']}: {row['kalla']}"


def test_sample_reads_without_warnings(arenden_data):
    assert arenden_data.n == 3070
    assert len(arenden_data.enheter) == 34
    assert int(arenden_data.avslutat.sum()) == 2421
    assert [str(w) for w in arenden_data.warnings] == []


# -- (d) the sample's shape -----------------------------------------------------------------------

def test_sample_has_3070_arenden_in_34_units_of_bilaga_1(records):
    with open(SHARED_ISU / "deltagare_bilaga1.csv", encoding="utf-8", newline="") as fh:
        bilaga1 = {r["enhetskod"] for r in csv.DictReader(fh)}
    units = {r["enhetskod"] for r in records}
    assert len(records) == 3070
    assert len(units) == 34
    assert units <= bilaga1
    assert "0180-02" in units  # a district, so the levels nest
    assert len(ref.koder(records, "kommun")) == 34


def test_sample_identifiers_are_unique_and_clearly_fake():
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["arende_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("AR-SYN-") for i in ids)
    assert all(r["klient_id"].startswith("KL-SYN-") for r in rows)
    assert all(r["handlaggare"].startswith("HL-SYN-") for r in rows)
    texts = [r["bu_forbattringsforslag"] for r in rows if r["bu_forbattringsforslag"]]
    assert texts and all(t.startswith("[syntetisk fritext ") for t in texts)
    assert len(set(texts)) == len(texts)


def test_sample_is_consistent():
    """CONTRACT §1's consistency rules hold, so the sample reads without errors or warnings."""
    for r in ref.read_csv(SAMPLE, consistent=False):
        assert r["datum_aktualisering"] is not None
        if r["datum_avslut"] is not None:
            assert r["datum_avslut"] >= r["datum_aktualisering"]
        if r["datum_insats_paborjad"] is not None:
            assert r["datum_insats_paborjad"] >= r["datum_aktualisering"]
        assert r["alder"] is None or 18 <= r["alder"] <= 120
        if not ref.avslutat(r):
            assert all(r[k] is None for k in ("genomforande_insatser", "maluppfoljning", *ref.BU_ENVAL))
        assert not (r["samverkan"] and r["samverkan_forekommit"] != "Ja")
        fn = r["funktionsnedsattning"]
        assert not (fn & {"Nej", "Vet ej"} and len(fn) > 1)


# -- the generator's tools ------------------------------------------------------------------------

def test_deal_hands_out_exact_counts_and_follows_the_weights():
    import random

    from dev.isu_synthetic import deal

    records = [{"heavy": i % 2 == 0} for i in range(1000)]
    deal(random.Random(1), records, "v", {"a": 300, "b": 200, None: 500},
         lambda r, v: 5.0 if (v == "a" and r["heavy"]) else 1.0)
    values = [r["v"] for r in records]
    assert (values.count("a"), values.count("b"), values.count(None)) == (300, 200, 500)
    assert sum(1 for r in records if r["v"] == "a" and r["heavy"]) > 200
    with pytest.raises(ValueError):
        deal(random.Random(1), records, "v", {"a": 1})


def test_apportion_keeps_the_total_and_the_caps():
    from dev.isu_synthetic import apportion

    assert apportion(10, [1, 1, 1], [10, 10, 10]) == [4, 3, 3]
    assert apportion(10, [8, 1, 1], [2, 10, 10]) == [2, 4, 4]
    assert apportion(0, [1, 2], [5, 5]) == [0, 0]
    with pytest.raises(ValueError):
        apportion(10, [1, 1], [3, 3])
