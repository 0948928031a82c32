"""Shared fixtures: the 2017 catalogue and population, and helpers that write response files."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ojexcel.survey.arsgang import load_arsgang, load_catalogue
from ojexcel.survey.reader import BESVARAT_VINR, ENHET, ENHETSKOD

SPEC = Path(__file__).parent / "spec"  # the project's own test data
# Committed copies of what the tests need from ../shared (checked by tests/test_shared_copies.py).
SHARED = Path(__file__).parent / "shared"
SHARED_SPEC = SHARED / "spec"


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(2017)


@pytest.fixture(scope="session")
def codebook(catalogue):
    return catalogue.codebook


@pytest.fixture(scope="session")
def population():
    return load_arsgang(2017).population


def header(codebook) -> list[str]:
    return [ENHETSKOD, ENHET, BESVARAT_VINR] + [q.column for q in codebook.questions]


def blank_row(kod: str, vinr: str = "Ja") -> dict[str, str]:
    return {ENHETSKOD: kod, BESVARAT_VINR: vinr}


def write_responses(path: Path, codebook, rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    cols = header(codebook)
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, delimiter=delimiter, lineterminator="\n", restval="")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def write(tmp_path, codebook):
    """write(rows, name='svar.csv', **kw) -> path of a response CSV with the full header."""
    def _write(rows, name="svar.csv", **kw):
        return write_responses(tmp_path / name, codebook, rows, **kw)
    return _write


SAMPLE_YEARS = (2016, 2017, 2018)


@pytest.fixture(scope="session")
def tidy_files(tmp_path_factory):
    """The tidy exports of the three embedded samples, built once per test session."""
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.tidy import write_tidy_file

    out = tmp_path_factory.mktemp("sample_tidy")
    paths = {}
    for year in SAMPLE_YEARS:
        paths[year] = out / f"tidy_{year}.csv"
        write_tidy_file(build_results(None, year), paths[year])
    return paths
