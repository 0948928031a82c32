"""A small ISU build for the diff and API tests: two kommuner of the embedded sample (Vadstena 0584,
Mjölby 0586, both in Östergötlands län), so every table, delgrupp and level kind is there while a
tidy export has a few tens of thousands of rows (the whole sample's 412 617 take seconds to read).

    rows = sample_rows()                       # the sample's records of the two units (dicts)
    write_records(path, rows)                  # as an ärende CSV
    book, tidy = build(records, out_stem)      # `ojexcel isu build` → (workbook, tidy export)

Builds are perturbed with `KEY` (CONTRACT §2: the embedded sample's demo key serves the tests; a
build given `--utan-brus` among its extra arguments is the truth).

`small_build` (a session fixture: import it into a test module) is that build made once per test
session: (records, workbook, tidy export).
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.cli import main
from ojexcel.io.resources import isu_demo_key, isu_sample

UNITS = ("0584", "0586")
KEY = isu_demo_key()  # the key file of every build here (the embedded sample's demo key)


@cache
def _sample() -> tuple[list[str], tuple[dict[str, str], ...]]:
    with open(isu_sample(), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), tuple(r for r in reader if r["enhetskod"] in UNITS)


def sample_rows() -> list[dict[str, str]]:
    """Fresh copies of the two units' records (tests may change them)."""
    return [dict(r) for r in _sample()[1]]


def write_records(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_sample()[0], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def build(records: Path, stem: Path, *extra: str) -> tuple[Path, Path]:
    book, tidy = stem.with_suffix(".xlsx"), stem.with_suffix(".csv")
    brus = [] if "--utan-brus" in extra or "--nyckelfil" in extra else ["--nyckelfil", str(KEY)]
    result = CliRunner().invoke(main, ["isu", "build", str(records), "--out", str(book), "--tidy", str(tidy), "-q",
                                       *brus, *extra])
    assert result.exit_code == 0, result.output
    return book, tidy


def read_tidy_text(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_tidy_text(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("isu_small")
    records = write_records(d / "arenden.csv", sample_rows())
    return (records, *build(records, d / "base"))
