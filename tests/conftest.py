"""Shared fixtures: the 2017 catalogue and population, and helpers that write response files."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ojexcel.survey.arsgang import load_arsgang, load_catalogue
from ojexcel.survey.reader import BESVARAT_VINR, ENHET, ENHETSKOD

from .once import shared_folder

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

    def build(out: Path) -> None:
        for year in SAMPLE_YEARS:
            write_tidy_file(build_results(None, year), out / f"tidy_{year}.csv")

    out = shared_folder(tmp_path_factory, "sample_tidy", build)
    return {year: out / f"tidy_{year}.csv" for year in SAMPLE_YEARS}


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory) -> Path:
    """The 2017 sample's workbook (`write_workbook`), built once for the session. Read only."""
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.workbook import write_workbook

    folder = shared_folder(tmp_path_factory, "sample_workbook",
                           lambda out: write_workbook(build_results(None, 2017), out / "bok.xlsx"))
    return folder / "bok.xlsx"


@pytest.fixture(scope="session")
def libreoffice_resaved(tmp_path_factory, sample_workbook):
    """(LibreOffice's xlsx re-save of `sample_workbook`, its return code, its messages), made once
    for the session; skips without `soffice`."""
    import subprocess

    from .libreoffice import soffice_or_skip

    soffice = soffice_or_skip()

    def convert(out: Path) -> None:
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "xlsx",
             "--outdir", str(out / "lo"), str(sample_workbook)],
            capture_output=True, text=True, timeout=180,
        )
        (out / "messages.txt").write_text(f"{proc.returncode}\n{proc.stdout}\n{proc.stderr}", encoding="utf-8")

    folder = shared_folder(tmp_path_factory, "libreoffice_resaved", convert)
    code, _, messages = (folder / "messages.txt").read_text(encoding="utf-8").partition("\n")
    return folder / "lo" / sample_workbook.name, int(code), messages
