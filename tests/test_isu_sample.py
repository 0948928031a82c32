"""The embedded synthetic ISU sample (`samples/isu_arenden.csv`).

- the generator reproduces the committed file byte for byte;
- every figure of `../shared/spec/isu/published_isu.csv` is reproduced — by the one oracle
  (`tests/isu_oracle`) and through the real pipeline (`read_arenden` + `compile_tables(...,
  minsta_antal=1, utan_brus=True)`: `--utan-brus --minsta-antal 1` is every number of §4 unmasked)
  — and through the command line, all 132 of them;
- 3 070 ärenden in 34 units, every unit one of the report's Bilaga 1, identifiers fake and unique.
"""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from tests.isu_oracle import oracle
from tests.isu_oracle.published import TidyIndex, in_range, published_value, read_published, row_id

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "isu_arenden.csv"
SHARED_ISU = ROOT / "tests" / "shared" / "spec" / "isu"  # committed copies of ../shared
PUBLISHED = read_published(SHARED_ISU / "published_isu.csv")


@pytest.fixture(scope="module")
def records():
    return oracle.read_records(SAMPLE)


# -- (a) the committed file is what the generator writes ----------------------------------------

def test_generator_reproduces_the_committed_sample(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_isu", ROOT / "dev" / "generate_isu_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = gen.generate(tmp_path / "isu_arenden.csv")
    assert path.read_bytes() == SAMPLE.read_bytes()


# -- (b) every published figure, by the oracle ----------------------------------------------------

@pytest.fixture(scope="module")
def oracle_index(records):
    u = oracle.compile_unmasked(records, only={"samtliga": None, "kommun": ("toppgrupp",)})
    return TidyIndex.from_text(oracle.tidy_text(u, 1, noise=False))


@pytest.mark.slow
@pytest.mark.parametrize("row", PUBLISHED, ids=[row_id(r) for r in PUBLISHED])
def test_published_figure_by_the_oracle(oracle_index, row):
    value = published_value(oracle_index, row)
    assert in_range(value, row), f"{row_id(row)} = {value}, published {row['min']}-{row['max']}: {row['kalla']}"


def test_the_oracle_reads_every_column_of_the_sample():
    """The oracle and the generator agree on the columns (a typo would read as blanks)."""
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["arende_id", "enhetskod"]
    assert header[2:] == [v.kolumn for v in oracle.CODEBOOK]


# -- (c) every published figure, through the real pipeline --------------------------------------

@pytest.fixture(scope="module")
def arenden_data():
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.reader import read_arenden
    from ojexcel.population import load_population

    return read_arenden(SAMPLE, load_codebook(), load_population(), period=(None, None))


@pytest.fixture(scope="module")
def pipeline_index(arenden_data):
    from ojexcel.isu.compilation import compile_tables

    res = compile_tables(arenden_data, minsta_antal=1, utan_brus=True)
    rows = [r for tabell in res.tabellnamn() for dg in res.delgrupper() for r in res.tabell("samtliga", "", tabell, dg)]
    rows += [r for kod in res.enheter("kommun") for r in res.tabell("kommun", kod, "toppgrupp")]
    return TidyIndex.from_results(rows)


@pytest.mark.parametrize("row", PUBLISHED, ids=[row_id(r) for r in PUBLISHED])
def test_published_figure_by_pipeline(pipeline_index, row):
    value = published_value(pipeline_index, row)
    assert in_range(value, row), f"{row_id(row)} = {value}, published {row['min']}-{row['max']}: {row['kalla']}"


@pytest.mark.slow  # ≈ 9 s: the whole build; the pipeline test above checks the same figures in-process
def test_all_132_published_figures_through_the_command_line(tmp_path):
    """`ojexcel isu build --utan-brus --minsta-antal 1` (the embedded sample) reproduces every figure."""
    from click.testing import CliRunner

    from ojexcel.cli import main
    from tests.isu_oracle.published import check_published

    tidy = tmp_path / "isu_ej_for_publicering.csv"
    result = CliRunner().invoke(main, ["isu", "build", "--utan-brus", "--minsta-antal", "1", "--out",
                                       str(tmp_path / "isu.xlsx"), "--tidy", str(tidy), "-q"])
    assert result.exit_code == 0, result.output
    assert len(PUBLISHED) == 132
    assert check_published(tidy.read_text(encoding="utf-8")) == []


def test_sample_reads_without_warnings(arenden_data):
    assert arenden_data.n == 3070
    assert len(arenden_data.enheter) == 34
    assert int(arenden_data.avslutat.sum()) == 2421
    assert [str(w) for w in arenden_data.warnings] == []
    assert arenden_data.syntetisk


# -- (d) the sample's shape -----------------------------------------------------------------------

def test_sample_has_3070_arenden_in_34_units_of_bilaga_1(records):
    with open(SHARED_ISU / "deltagare_bilaga1.csv", encoding="utf-8", newline="") as fh:
        bilaga1 = {r["enhetskod"] for r in csv.DictReader(fh)}
    units = {a.enhet for a in records.arenden}
    assert len(records.arenden) == 3070
    assert len(units) == 34
    assert units <= bilaga1
    assert "0180-02" in units  # a district, so the levels nest
    assert len({a.kommun for a in records.arenden}) == 34


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


def test_sample_is_consistent(records):
    """CONTRACT §1's consistency rules hold, so the sample reads without errors or warnings: the
    oracle raises on an error and warns on every rule it applies."""
    assert records.warnings == []
    for a in records.arenden:
        assert a.alder is None or 18 <= a.alder <= 91
        fn = a.flerval["funktionsnedsattning"]
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
