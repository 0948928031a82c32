"""`ojexcel isu kommun --all -j N`: every unit's report, rendered by forked workers, written as one
all-or-nothing set, byte-identical to a serial run."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ojexcel.io import parallel as parallel_outputs
from ojexcel.cli import main
from ojexcel.isu import reader as isu_arenden
from ojexcel.isu import kommun_report_all as enhetsrapport_alla
from ojexcel.isu import compilation as isu_tabeller
from ojexcel.cli.isu import sample_path
from ojexcel.isu.codebook import load_codebook
from ojexcel.population import load_population

POP = load_population()


@pytest.fixture(scope="module")
def res():
    from ojexcel.io.resources import isu_demo_key

    data = isu_arenden.read_arenden(sample_path(), load_codebook(), POP, nyckel=isu_demo_key().read_bytes())
    return isu_tabeller.compile_tables(data, minsta_antal=5)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["html", pytest.param("xlsx", marks=pytest.mark.slow)])  # ≈ 4 s each
def test_parallel_run_is_byte_identical_to_a_serial_run(res, tmp_path, fmt):
    units = enhetsrapport_alla.enheter_with_arenden(res)
    assert len(units) > 2 * parallel_outputs.CHUNK  # enough files for the pool to have work for two
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir()
    parallel.mkdir()
    done = []
    paths = enhetsrapport_alla.write_all(res, POP, serial, fmt, jobs=1)
    assert paths == [serial / f"{k}.{fmt}" for _, k in units]
    enhetsrapport_alla.write_all(res, POP, parallel, fmt, jobs=2, progress=done.append)
    assert sum(done) == len(units) and len(done) > 1
    a, b = _bytes(serial), _bytes(parallel)
    assert sorted(a) == sorted(p.name for p in paths)
    assert a == b


@pytest.mark.slow
def test_a_failing_unit_in_a_worker_writes_nothing(res, tmp_path, monkeypatch):
    """An error in one worker discards the whole set: no report is renamed into place, and the
    reports already there stay as they were."""
    out = tmp_path / "ut"
    out.mkdir()
    (out / "0114.html").write_text("old", encoding="utf-8")
    units = enhetsrapport_alla.enheter_with_arenden(res)
    bad = units[-1][1]
    real = enhetsrapport_alla.build_kommun_report

    def build_kommun_report(resultat, population, niva, kod):
        if kod == bad:
            raise RuntimeError(f"boom {kod}")
        return real(resultat, population, niva, kod)

    monkeypatch.setattr(enhetsrapport_alla, "build_kommun_report", build_kommun_report)  # inherited by the forked workers
    with pytest.raises(RuntimeError, match=f"boom {bad}"):
        enhetsrapport_alla.write_all(res, POP, out, "html", jobs=2)
    assert [p.name for p in out.iterdir()] == ["0114.html"]
    assert (out / "0114.html").read_text(encoding="utf-8") == "old"


def test_write_files_renders_each_index_once_in_any_number_of_workers(tmp_path):
    for jobs in (1, 3):
        folder = tmp_path / f"j{jobs}"
        folder.mkdir()
        paths = [folder / f"{i:02d}.txt" for i in range(20)]
        parallel_outputs.write_files(paths, lambda i, tmp: tmp.write_text(f"fil {i}"), jobs)
        assert [p.read_text() for p in paths] == [f"fil {i}" for i in range(20)]


@pytest.mark.slow
def test_cli_all_with_jobs(tmp_path):
    out = tmp_path / "ut"
    r = CliRunner().invoke(main, ["isu", "kommun", "--all", "--out-dir", str(out), "--format", "html", "-j", "2", "-q"])
    assert r.exit_code == 0, r.output
    assert len(list(out.iterdir())) > 2 * parallel_outputs.CHUNK
    assert CliRunner().invoke(main, ["isu", "kommun", "--all", "--out-dir", str(out), "-j", "-1"]).exit_code == 2
