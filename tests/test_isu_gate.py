"""The build's gate (CONTRACT isu §2 item 7, D162) and `ojexcel isu audit EXPORT`: the export is
audited as an outsider would before anything is written, and refused when a small count can be
pinned; a file from anywhere is audited with exit 0 (nothing pinned), 1 (pinned), 2 (not an export)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dev.isu_audit_simulate import simulate
from dev.isu_old_suppression import old_export, write_export_tidy
from dev.isu_random import slumpa_arenden
from ojexcel.cli import main
from ojexcel.isu import gate
from ojexcel.isu.compilation import compile_tables
from ojexcel.isu.tidy import write_isu_tidy

UNITS = ("0114", "0115", "0180-01")


def small(n: int = 300, seed: int = 7):
    a = slumpa_arenden(n, UNITS, seed=seed)
    f = a.enval["samverkan_forekommit"]  # §1: a blank samverkan_forekommit with partners reads as Ja
    f[(f == 0) & (a.flerval["samverkan"] != 0)] = 1
    return a


class Published:
    """Results whose published arrays are an `audit.Export`'s (a scheme other than the build's)."""

    def __init__(self, export):
        self.plan, self.enhetslista, self.minsta_antal = export.plan, export.units, export.minsta_antal
        self.written, self.antal, self.bas, self._export = export.written, export.truth_antal, export.truth_bas, export

    def published(self):
        return self._export.antal, self._export.bas, self._export.medel


def test_the_build_passes_its_own_gate_and_is_audited_once():
    res = compile_tables(small(), minsta_antal=5)
    first = gate.check(res)
    assert first.ok and first.pinned == 0 and first.summary["unknowns"] > 1000 and first.summary["infeasible"] == 0
    assert gate.check(res) is first  # the same export: the audit of this process


def test_the_gate_refuses_what_an_outsider_can_pin():
    """Noise drawn per cell (the same set published with two values) is what the cell key method
    avoids: the gate finds small counts pinned by the relations of Appendix A."""
    broken = gate.check(Published(simulate(small(), 5, seed=2, scheme="independent")))
    assert not broken.ok and broken.pinned > 0 and len(broken.cells) >= broken.pinned
    niva, kod, tabell, delgrupp, kategori, measure, value = broken.cells[0]
    assert 1 <= value <= 4 and measure in ("antal", "bas")


@pytest.fixture
def records(tmp_path) -> Path:
    """A small valid record file, and a key."""
    lines = ["arende_id,enhetskod,datum_aktualisering,kon"]
    lines += [f"G{i},{'0114' if i % 3 else '0115'},2022-0{1 + i % 9}-01,{'Kvinna' if i % 4 else 'Man'}" for i in range(90)]
    (tmp_path / "a.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "k.key").write_bytes(b"tests/test_isu_gate.py key bytes")
    return tmp_path / "a.csv"


def test_a_refused_export_writes_nothing_and_says_how_many(records, monkeypatch):
    d = records.parent
    cells = [("kommun", "0115", "kon", "", "Man", "antal", 2), ("kommun", "0115", "faser", "", "aktualiserade", "bas", 3)]
    monkeypatch.setattr(gate, "check", lambda res: gate.GateResult(2, cells, {"unknowns": 10}))
    out, tidy = d / "isu.xlsx", d / "isu.csv"
    r = CliRunner().invoke(main, ["isu", "build", str(records), "--out", str(out), "--tidy", str(tidy),
                                  "--nyckelfil", str(d / "k.key")])
    assert r.exit_code == 1
    assert "finds 2 count(s) of 1–4 ärenden" in r.output and "nothing was written" in r.output
    assert "kommun 0115 kon (alla) Man (antal)" in r.output and "= 2" not in r.output  # never the value
    assert not out.exists() and not tidy.exists()
    r = CliRunner().invoke(main, ["isu", "kommun", "0114", str(records), "--out", str(d / "r.html"),
                                  "--nyckelfil", str(d / "k.key")])
    assert r.exit_code == 1 and not (d / "r.html").exists()


def test_the_truth_is_not_audited(records, monkeypatch):
    def never(res):
        raise AssertionError("the gate must not run under --utan-brus")

    monkeypatch.setattr(gate, "check", never)
    d = records.parent
    r = CliRunner().invoke(main, ["isu", "build", str(records), "--out", str(d / "s.xlsx"), "--utan-brus", "-q"])
    assert r.exit_code == 0, r.output


def test_the_build_says_it_audited(records):
    d = records.parent
    r = CliRunner().invoke(main, ["isu", "build", str(records), "--out", str(d / "isu.xlsx"), "--nyckelfil", str(d / "k.key")])
    assert r.exit_code == 0, r.output
    assert "audit (CONTRACT §2 item 7): no count of 1–4 can be pinned" in r.output


@pytest.mark.slow
def test_isu_audit_of_files_from_anywhere(tmp_path):
    run = lambda *a: CliRunner().invoke(main, ["isu", "audit", *[str(x) for x in a]])  # noqa: E731
    # the build's own export: nothing pinned, exit 0, a summary
    write_isu_tidy(compile_tables(small(), minsta_antal=5), tmp_path / "brus.csv")
    r = run(tmp_path / "brus.csv")
    assert r.exit_code == 0, r.output
    assert "counts audited" in r.output and "0 count(s) of 1–4 pinned to one value" in r.output
    # the old rules' export of the same ärenden, audited as such: pinned, exit 1, the cells named
    write_export_tidy(old_export(small(), 5), tmp_path / "gammal.csv")
    r = run(tmp_path / "gammal.csv", "--regler", "maskning")
    assert r.exit_code == 1 and "pinned: " in r.output
    n = int(r.output.split(" count(s) of 1–4 pinned")[0].rsplit(" ", 1)[-1])
    assert n > 0
    assert run(tmp_path / "gammal.csv", "--regler", "maskning", "-q").output == ""
    # not an export: exit 2, the problems listed
    (tmp_path / "x.csv").write_text("niva,kod\n", encoding="utf-8")
    r = run(tmp_path / "x.csv")
    assert r.exit_code == 2 and "row 1: the header must be" in r.output and "not an ISU tidy export that can be audited" in r.output
    assert run(tmp_path / "saknas.csv").exit_code == 2


def test_the_old_rules_exposure_is_found_and_the_new_closes_it():
    """Issue 20's measure on small data: the old suppression leaks, the cell key method on the
    same ärenden does not (the engine's own tests measure the sample: 57 448 pinned)."""
    a = small(400, 3)
    from ojexcel.isu.audit import audit, suppression_prior

    old = audit(old_export(a, 5), suppression_prior(5)).hidden_summary()
    assert old["counts_pinned"] > 0
    assert gate.check(compile_tables(a, minsta_antal=5)).ok
    assert np.all(compile_tables(a, minsta_antal=5).pub_bas >= 0)


@pytest.mark.slow
def test_an_outsider_who_knows_the_perturbation_table_pins_what_item_7_does_not(tmp_path):
    """D185: the sample's publication passes item 7's audit (the gate) — and an outsider who also
    uses the table's preimages (a shown 1+ is at least 1; a shown 2, 3 or 5 at least 2) pins some
    counts of 1–4 (the attacker's audit of 8 Dec: 69 with the demo key). `--regler brus-tabell`
    says so, naming the cells; the build does not refuse it (the contract's gate is item 7's)."""
    tidy = tmp_path / "isu.csv"
    r = CliRunner().invoke(main, ["isu", "build", "--out", str(tmp_path / "isu.xlsx"), "--tidy", str(tidy), "-q"])
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(main, ["isu", "audit", str(tidy), "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["isu", "audit", str(tidy), "--regler", "brus-tabell"])
    assert r.exit_code == 1 and "pinned: " in r.output, r.output
    n = int(r.output.split(" count(s) of 1–4 pinned")[0].rsplit(" ", 1)[-1])
    assert 10 <= n <= 500, n
