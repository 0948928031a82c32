"""CONTRACT isu §2, the cell key method, rule by rule: the record key (HMAC), the perturbation
table at every boundary, the cell keys (exact sums over each count's set), what is written and
hidden on published values, the 20-rules for shares, means and delgrupper, --utan-brus, the key
file, the demo key, byte-identical rebuilds, and no identifier, free text or key in any output.

Record keys are set by hand where a rule is tested (r = 0 for every ärende makes c = 0 for every
set, so v = n − 3 for n ≥ 3 and 0 for n ≤ 2 — a fixed, known noise)."""
from __future__ import annotations

import hmac
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ojexcel.cli import main
from ojexcel.isu.cellkey import (
    MAX_KEY_BYTES,
    key_sum,
    perturb,
    perturb_one,
    read_key_file,
    record_keys,
)
from ojexcel.isu.compilation import compile_tables, count_tables, unit_map
from ojexcel.isu.table_plan import load_plan
from ojexcel.problems import InputError
from tests.isu_bygg import bygg_arenden
from tests.isu_small import small_build  # noqa: F401  (a session fixture)

TWO32 = 2**32
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "isu_arenden.csv"
DEMO_KEY = ROOT / "samples" / "isu_demo.key"


def a(enhet="0114", **kw):
    return {"enhetskod": enhet, **kw}


def compiled(rows, keys=None, n=5, **kw):
    """Compiled with record keys given by hand (default r = 0 for every ärende)."""
    arenden = bygg_arenden(rows)
    arenden.record_keys = np.zeros(len(rows), np.uint32) if keys is None else np.array(keys, np.uint32)
    return compile_tables(arenden, minsta_antal=n, **kw)


def table(res, tabell, delgrupp="", niva="samtliga", kod=""):
    return {r.kategori: (r.antal, r.bas, r.andel) for r in res.tabell(niva, kod, tabell, delgrupp)}


def cut(w: int) -> int:
    """The smallest c with 24·c ≥ 2^32·w."""
    return -(-w * TWO32 // 24)


# -- item 1: the record key ------------------------------------------------------------------------

def test_record_key_is_the_first_4_bytes_of_hmac_sha256():
    # RFC 4231 test case 1 (HMAC-SHA-256 b0344c61d8db3853…) and 6 (a 131-byte key: hashed first)
    assert record_keys(["Hi There"], b"\x0b" * 20).tolist() == [0xB0344C61]
    long_key = b"\xaa" * 131
    text = "Test Using Larger Than Block-Size Key - Hash Key First"
    assert record_keys([text], long_key).tolist() == [0x60E43159]
    ids = ["AR-1", "ärende ÅÄÖ", "x" * 300, ""]
    want = [int.from_bytes(hmac.digest(b"k", s.encode("utf-8"), "sha256")[:4], "big") for s in ids]
    assert record_keys(ids, b"k").tolist() == want


def test_the_reader_keys_the_trimmed_id_and_keeps_only_r(tmp_path):
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.reader import read_arenden
    from ojexcel.population import load_population

    p = tmp_path / "a.csv"
    p.write_text("arende_id,enhetskod,datum_aktualisering\n  AR-7 \t,0114,2022-01-01\nAR-8,0114,2022-06-01\n",
                 encoding="utf-8")
    got = read_arenden(p, load_codebook(), load_population(), nyckel=b"K")
    assert got.record_keys.dtype == np.uint32
    assert got.record_keys.tolist() == record_keys(["AR-7", "AR-8"], b"K").tolist()
    # --period: the kept ärenden keep their keys; the left-out set has its own cell key
    import datetime as dt

    got = read_arenden(p, load_codebook(), load_population(), period=(dt.date(2022, 3, 1), None), nyckel=b"K")
    assert got.record_keys.tolist() == record_keys(["AR-8"], b"K").tolist()
    assert got.utanfor_nyckel == key_sum(record_keys(["AR-7"], b"K"))
    assert read_arenden(p, load_codebook(), load_population()).record_keys is None


# -- item 3: the perturbation table ---------------------------------------------------------------

BY_HAND = {1: [(0, 12), (1, 20), (4, 24)], 2: [(0, 5), (1, 7), (2, 17), (3, 21), (4, 22), (5, 24)],
           3: [(0, 1), (1, 4), (2, 7), (3, 17), (4, 20), (5, 23), (6, 24)],
           1000: [(997, 1), (998, 4), (999, 7), (1000, 17), (1001, 20), (1002, 23), (1003, 24)]}


@pytest.mark.parametrize("n", sorted(BY_HAND))
def test_the_table_at_every_boundary_of_w(n):
    lower, cs, want = 0, [], []
    for value, w in BY_HAND[n]:
        cs += [cut(lower), cut(w) - 1]  # the first and the last c of the value
        want += [value, value]
        lower = w
    assert perturb(np.full(len(cs), n), np.array(cs)).tolist() == want
    # every row has mean n: over the 24 equal slices of c the weights are exact
    slices = np.array([cut(k) for k in range(24)])
    assert int(perturb(np.full(24, n), slices).sum()) == 24 * n
    assert perturb_one(0, TWO32 - 1) == 0


def test_the_table_refuses_what_is_not_a_count_or_a_key():
    with pytest.raises(ValueError):
        perturb(np.array([-1]), np.array([0]))
    with pytest.raises(ValueError):
        perturb(np.array([1]), np.array([TWO32]))


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 10**7), c=st.integers(0, TWO32 - 1))
def test_v_is_within_3_of_n_and_never_negative(n, c):
    v = perturb_one(n, c)
    assert max(0, n - 3) <= v <= n + 3
    assert v >= 0 and (n != 0 or v == 0)
    assert v != 0 or n <= 3  # 0 is the published value of a true 0–3 only


# -- item 2: cell keys -----------------------------------------------------------------------------

@pytest.mark.parametrize("per_code", [2**21, 1])
def test_cell_keys_are_exact_sums_over_each_set(per_code, monkeypatch):
    """Keys near 2^32: float rounding would show. One pass with r as the weight while a code's
    sums stay below 2^53, r's 16-bit halves beyond (`per_code` 1 forces the halves)."""
    from ojexcel.isu import compilation

    monkeypatch.setattr(compilation, "EXACT_KEYS_PER_CODE", per_code)
    rows = [a(kon="Kvinna")] * 5 + [a("0115", kon="Man")] * 3 + [a("0180-01", kon="Kvinna")] * 2
    arenden = bygg_arenden(rows)
    keys = np.array([TWO32 - 1 - i for i in range(10)], np.uint32)
    arenden.record_keys = keys
    plan = load_plan()
    from ojexcel.population import load_population

    enheter, karta = unit_map(arenden.enheter, load_population())
    antal, bas, ka, kb = count_tables(arenden, plan, enheter, karta, keys=keys)
    units = {e: i for i, e in enumerate(enheter)}
    kon = plan.block(plan.table_index("kon"), 0)
    kvinna = kon.start  # the first label
    alla = int(keys.astype(np.uint64).sum() % TWO32)
    assert kb[units[("samtliga", "")], kvinna] == alla  # the labels' base: every ärende
    assert ka[units[("samtliga", "")], kvinna] == int(keys[[0, 1, 2, 3, 4, 8, 9]].astype(np.uint64).sum() % TWO32)
    assert ka[units[("kommun", "0115")], kvinna + 1] == int(keys[5:8].astype(np.uint64).sum() % TWO32)
    assert kb[units[("stadsdel", "0180-01")], kvinna] == int(keys[8:].astype(np.uint64).sum() % TWO32)
    faser = plan.block(plan.table_index("faser"), 0).start
    assert kb[units[("samtliga", "")], faser] == alla == key_sum(keys)


def test_one_set_one_value_in_every_table_delgrupp_and_level():
    rng = np.random.default_rng(5)
    rows = [a(["0114", "0180-01", "0180-02"][i % 3], kon="Kvinna" if i % 5 else "Man",
              insatser="Praktiskt stöd" if i % 2 else "", risk_skattning="SARA" if i % 3 else "") for i in range(90)]
    res = compiled(rows, rng.integers(0, TWO32, 90))
    r = lambda *k: res.rad(*k)  # noqa: E731
    for niva, kod in (("samtliga", ""), ("lan", "01"), ("kommun", "0180"), ("stadsdel", "0180-01")):
        scope = r(niva, kod, "faser", "", "aktualiserade").bas
        assert r(niva, kod, "kon", "", "uppgift_saknas").bas == scope
        assert r(niva, kod, "medel_antal_insatser", "", "medel").bas == scope
        assert r(niva, kod, "antal_insatser", "", "0").antal == r(niva, kod, "insatser", "", "uppgift_saknas").antal
        assert r(niva, kod, "riskbedomning_gjord", "", "Ja").antal == \
            r(niva, kod, "risk_skattning", "", "minst_ett_svar").antal
    # a delgrupp's size = its breakdown table's count; samtliga = its only län (one set)
    assert r("samtliga", "", "faser", "kon=Kvinna", "aktualiserade").antal == r("samtliga", "", "kon", "", "Kvinna").antal
    values = lambda niva, kod: [(x.kategori, x.antal, x.bas, x.andel) for x in res.tabell(niva, kod, "kon")]  # noqa: E731
    assert values("samtliga", "") == values("lan", "01")


# -- items 4–6: written and hidden, on published values --------------------------------------------

def test_a_table_is_written_when_v_of_its_scope_is_at_least_1():
    # r = 0: c = 0 for every set, so n = 1, 2, 3 publish 0 and n = 4 publishes 1
    for n, written in ((1, False), (2, False), (3, False), (4, True)):
        res = compiled([a(kon="Kvinna")] * n, n=1)
        assert bool(res.tabell("samtliga", "", "kon")) is written, n
        assert ("kommun" in {r.niva for r in res.rader()}) is written
    # the same single ärende with the largest key: n = 1 → 4, written
    res = compiled([a(kon="Kvinna")], [TWO32 - 1], n=1)
    assert table(res, "kon")["Kvinna"] == (4, 4, None)


def test_a_row_is_hidden_when_its_published_base_is_1_to_n_minus_1():
    # n = 7 publishes 4 (< 5): hidden, although the truth is ≥ 5; n = 8 publishes 5: shown
    res = compiled([a(kon="Kvinna")] * 7)
    assert table(res, "kon") == {"Kvinna": (None, None, None), "Man": (None, None, None), "uppgift_saknas": (None, None, None)}
    assert res.tabell("samtliga", "", "kon")[0].maskerad == frozenset({"antal", "bas", "andel"})
    res = compiled([a(kon="Kvinna")] * 8)
    assert table(res, "kon") == {"Kvinna": (5, 5, None), "Man": (0, 5, None), "uppgift_saknas": (0, 5, None)}
    # a small count is shown (perturbed) beside its base: Man 3 → 0 here, the base 25 → 22
    res = compiled([a(kon="Kvinna")] * 22 + [a(kon="Man")] * 3)
    assert table(res, "kon") == {"Kvinna": (19, 22, 86), "Man": (0, 22, 0), "uppgift_saknas": (0, 22, 0)}


def test_shares_only_from_a_published_base_of_20():
    # n = 22 publishes 19: no share ("..": withheld); n = 23 publishes 20: shares
    res = compiled([a(kon="Kvinna")] * 22)
    rows = {r.kategori: r for r in res.tabell("samtliga", "", "kon")}
    assert (rows["Kvinna"].antal, rows["Kvinna"].bas, rows["Kvinna"].andel) == (19, 19, None)
    assert rows["Kvinna"].maskerad == frozenset({"andel"})
    res = compiled([a(kon="Kvinna")] * 23)
    assert table(res, "kon")["Kvinna"] == (20, 20, 100)
    # a base published as 0: no share exists (not withheld)
    res = compiled([a(kon="Kvinna")] * 23 + [a()] * 2)
    assert table(res, "kon")["uppgift_saknas"] == (0, 22, 0) and res.rad("samtliga", "", "verksamhet", "", "Annat").maskerad == frozenset()


def test_a_share_is_the_published_counts_own_and_may_pass_100():
    # 23 kvinnor and 1 man; keys that put Kvinna's set (23) at the top of its row (c ≥ 23/24·2^32:
    # v = 26) and the whole (24) at the bottom of its (c = 0: v = 21). The share is item 5's formula
    # of the published values: (200·26 + 21) div 42 = 124 — parts need not add up to their base.
    keys = [cut(23)] + [0] * 22 + [TWO32 - cut(23)]
    res = compiled([a(kon="Kvinna")] * 23 + [a(kon="Man")], keys)
    assert table(res, "kon") == {"Kvinna": (26, 21, 124), "Man": (0, 21, 0), "uppgift_saknas": (0, 21, 0)}


def test_means_show_their_published_base_and_true_mean_from_20_never_the_sum():
    rows = [a(insatser="Praktiskt stöd|Gruppsamtal")] * 23 + [a()] * 2  # 46 insatser over 25: 1.84
    res = compiled(rows)
    m = res.rad("samtliga", "", "medel_antal_insatser", "", "medel")
    assert (m.antal, m.bas, m.medel, m.maskerad) == (None, 22, "1.8", frozenset({"antal"}))
    res = compiled(rows[:22])  # 22 → v 19: no mean
    m = res.rad("samtliga", "", "medel_antal_insatser", "", "medel")
    assert (m.antal, m.bas, m.medel, m.maskerad) == (None, 19, None, frozenset({"antal", "medel"}))
    res = compiled(rows, n=5, utan_brus=True)  # the truth: the sum too
    m = res.rad("samtliga", "", "medel_antal_insatser", "", "medel")
    assert (m.antal, m.bas, m.medel) == (46, 25, "1.8")


def test_delgrupper_at_kommun_and_stadsdel_only_from_20():
    # 0114: kon=Man 22 ärenden (v 19: not written at kommun), kon=Kvinna 23 (v 20: written);
    # samtliga and län write every delgrupp
    res = compiled([a(kon="Man")] * 22 + [a(kon="Kvinna")] * 23)
    assert res.tabell("kommun", "0114", "verksamhet", "kon=Man") == []
    assert res.tabell("kommun", "0114", "verksamhet", "kon=Kvinna") != []
    assert res.tabell("lan", "01", "verksamhet", "kon=Man") != []
    assert res.tabell("samtliga", "", "verksamhet", "kon=Man") != []
    assert res.tabell("kommun", "0114", "verksamhet", "") != []  # '' is not a delgrupp of item 6
    # a stadsdel alike; its city and län write the delgrupp
    res = compiled([a("0180-01", kon="Man")] * 22 + [a("0180-01", kon="Kvinna")] * 30)
    assert res.tabell("stadsdel", "0180-01", "faser", "kon=Man") == []
    assert res.tabell("stadsdel", "0180-01", "faser", "kon=Kvinna") != []


def test_a_unit_with_nothing_written_does_not_appear():
    res = compiled([a("0114", kon="Kvinna")] * 30 + [a("2580", kon="Kvinna")] * 2)
    assert res.enheter("kommun") == ("0114",)
    assert not any(r.kod == "2580" for r in res.rader())
    assert res.enheter("lan") == ("01",)  # län 25 is that kommun alone: nothing written either


def test_utan_brus_is_the_truth_with_item_4_alone():
    rows = [a(kon="Kvinna")] * 7 + [a(kon="Man")] * 3
    res = compiled(rows, n=5, utan_brus=True)
    assert table(res, "kon") == {"Kvinna": (7, 10, 70), "Man": (3, 10, 30), "uppgift_saknas": (0, 10, 0)}
    assert res.tabell("kommun", "0114", "faser", "kon=Man")[0].bas is None  # base 3: hidden (item 4)
    assert res.n == 10 and res.utan_brus
    assert table(compiled(rows, n=1, utan_brus=True), "faser", "kon=Man")["aktualiserade"] == (3, 3, 100)
    with pytest.raises(ValueError, match="record keys"):
        arenden = bygg_arenden(rows)
        arenden.record_keys = None
        compile_tables(arenden)


# -- the key file -----------------------------------------------------------------------------------

def test_key_file_is_its_bytes(tmp_path):
    p = tmp_path / "k.key"
    p.write_bytes(b"\x00\xffsecret bytes, any \n")
    assert read_key_file(p) == (b"\x00\xffsecret bytes, any \n", [])
    p.write_bytes(b"kort!")
    key, warnings = read_key_file(p)
    assert key == b"kort!" and "only 5 bytes" in str(warnings[0]) and "kort!" not in str(warnings[0])


@pytest.mark.parametrize("kind,message", [("missing", "does not exist"), ("empty", "is empty"),
                                          ("folder", "is a folder"), ("huge", "larger than 4096 bytes"),
                                          ("unreadable", "permission denied")])
def test_key_file_errors_name_the_file_never_its_bytes(tmp_path, kind, message):
    p = tmp_path / "isu.key"
    secret = b"S3CRET-" * 1000
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "folder":
        p.mkdir()
    elif kind == "huge":
        p.write_bytes(secret[:MAX_KEY_BYTES + 1])
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        p.write_bytes(secret[:32])
        p.chmod(0)
    with pytest.raises(InputError) as exc:
        read_key_file(p)
    text = str(exc.value)
    assert message in text and str(p) in text and "S3CRET" not in text
    # through the command line: exit 1, the same words, nothing written
    out = tmp_path / "isu.xlsx"
    result = CliRunner().invoke(main, ["isu", "build", str(SAMPLE), "--out", str(out), "--nyckelfil", str(p)])
    assert result.exit_code == 1 and message in result.output and "S3CRET" not in result.output
    assert not out.exists()


def test_a_publication_needs_its_key_and_the_truth_is_marked(tmp_path):
    out = tmp_path / "isu.xlsx"
    r = CliRunner().invoke(main, ["isu", "build", str(SAMPLE), "--out", str(out)])
    assert r.exit_code == 2 and "--nyckelfil" in r.output and "--utan-brus" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["isu", "build", "--out", str(out), "--utan-brus", "--nyckelfil", str(DEMO_KEY)])
    assert r.exit_code == 2 and "not both" in r.output
    r = CliRunner().invoke(main, ["isu", "build", "--out", str(out), "--tidy", str(tmp_path / "t.csv"), "--utan-brus"])
    assert r.exit_code == 2 and "ej_for_publicering" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["isu", "kommun", "0584", str(SAMPLE), "--out", str(tmp_path / "v.html")])
    assert r.exit_code == 2 and "--nyckelfil" in r.output
    # no output may replace the key file
    key = tmp_path / "k.xlsx"
    key.write_bytes(b"0123456789abcdef0123")
    r = CliRunner().invoke(main, ["isu", "build", str(SAMPLE), "--out", str(key), "--nyckelfil", str(key)])
    assert r.exit_code != 0 and key.read_bytes() == b"0123456789abcdef0123"


@pytest.mark.slow
def test_the_demo_key_builds_the_embedded_sample_and_says_so(sample_outputs):
    text = sample_outputs["demo_cover"]
    assert "demonyckel" in text and "syntetiska exempeldata" in text
    assert "### EJ FÖR PUBLICERING: bruset bygger på projektets offentliga demonyckel" in text  # the banner (D180)
    assert "EJ FÖR PUBLICERING" not in sample_outputs["cover"]  # a key of one's own: a publication
    assert "DEMO" in DEMO_KEY.read_text() and "never use for a real publication" in (ROOT / "samples" / "README.md").read_text()


# -- outputs: one publication, one value per set; rebuilt byte for byte; nothing secret ------------

def _cover(resultat) -> str:
    from ojexcel.isu.chart_catalogue import load_chart_catalogue
    from ojexcel.isu.workbook import sheet_texts

    return "\n".join(sheet_texts(resultat, load_chart_catalogue())["Information"])


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory):
    """The sample built with a key of its own (workbook and tidy export, twice, and Vadstena's
    report in both formats: one publication, its gate audited once), and the covers of the
    demo-key and --utan-brus builds (texts only)."""
    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.reader import read_arenden
    from ojexcel.io.resources import isu_sample
    from ojexcel.population import load_population

    d = tmp_path_factory.mktemp("cellkey")
    key = d / "egen.key"
    key.write_bytes(b"a key of this test module, 32 b")
    run = CliRunner().invoke
    for name in ("a", "b"):
        r = run(main, ["isu", "build", str(SAMPLE), "--out", str(d / f"{name}.xlsx"), "--tidy", str(d / f"{name}.csv"),
                       "--nyckelfil", str(key), "-q"])
        assert r.exit_code == 0, r.output
    for fmt in ("html", "xlsx"):
        r = run(main, ["isu", "kommun", "Vadstena", str(SAMPLE), "--out", str(d / f"v.{fmt}"), "--nyckelfil", str(key), "-q"])
        assert r.exit_code == 0, r.output
    demo = read_arenden(isu_sample(), load_codebook(), load_population(), nyckel=DEMO_KEY.read_bytes())
    truth = read_arenden(isu_sample(), load_codebook(), load_population())
    import openpyxl

    wb = openpyxl.load_workbook(d / "a.xlsx")
    cover = "\n".join(" | ".join(str(c) for c in row if c) for row in wb["Information"].iter_rows(values_only=True))
    return {"dir": d, "key": key.read_bytes(), "cover": cover,
            "demo_cover": _cover(compile_tables(demo, demo_key=True)),
            "sann_cover": _cover(compile_tables(truth, minsta_antal=1, utan_brus=True))}


def test_the_demo_key_is_said_on_the_terminal_and_when_given_by_name(tmp_path, small_build):
    """D180: the public demo key is not for publication, whether the embedded sample takes it or
    it is given by name: the terminal says so before reading, and so do the outputs."""
    from ojexcel.io.resources import isu_demo_key

    bad = tmp_path / "bad.csv"  # the banner comes before the input is read: a bad file is enough
    bad.write_text("arende_id,enhetskod,datum_aktualisering\nA1,9999,2022-01-01\n", encoding="utf-8")
    run = CliRunner().invoke
    r = run(main, ["isu", "build", str(bad), "--out", str(tmp_path / "x.xlsx"), "--nyckelfil", str(isu_demo_key())])
    assert r.exit_code == 1 and "NOT FOR PUBLICATION" in r.output and "public demo key" in r.output
    r = run(main, ["isu", "kommun", "0114", str(bad), "--out", str(tmp_path / "x.html"), "--nyckelfil", str(isu_demo_key())])
    assert r.exit_code == 1 and "NOT FOR PUBLICATION" in r.output
    own = tmp_path / "egen.key"
    own.write_bytes(b"a key of this test, not the demo")
    r = run(main, ["isu", "build", str(bad), "--out", str(tmp_path / "x.xlsx"), "--nyckelfil", str(own)])
    assert r.exit_code == 1 and "NOT FOR PUBLICATION" not in r.output
    import openpyxl

    book = small_build[1]  # tests/isu_small builds a file of its own with the demo key by name
    cover = [c for row in openpyxl.load_workbook(book)["Information"].iter_rows(values_only=True) for c in row if c]
    assert any(str(c).startswith("EJ FÖR PUBLICERING: bruset bygger på projektets offentliga demonyckel") for c in cover)


def test_utan_brus_warns_and_marks_its_outputs(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("arende_id,enhetskod,datum_aktualisering,kon\n" + "".join(f"A{i},0114,2022-01-01,Kvinna\n" for i in range(6)),
                 encoding="utf-8")
    r = CliRunner().invoke(main, ["isu", "build", str(p), "--utan-brus", "--out", str(tmp_path / "s.xlsx"),
                                  "--tidy", str(tmp_path / "s-ej-för-publicering.csv")])
    assert r.exit_code == 0 and "ej för publicering" in r.output and "never publish" in r.output
    r = CliRunner().invoke(main, ["isu", "kommun", "0114", str(p), "--utan-brus", "--out", str(tmp_path / "s.html"), "-q"])
    assert r.exit_code == 0 and "EJ FÖR PUBLICERING" in (tmp_path / "s.html").read_text(encoding="utf-8")


def test_rebuilds_are_byte_identical_and_another_key_is_another_publication(sample_outputs):
    d = sample_outputs["dir"]
    assert (d / "a.xlsx").read_bytes() == (d / "b.xlsx").read_bytes()
    assert (d / "a.csv").read_bytes() == (d / "b.csv").read_bytes()
    assert sample_outputs["demo_cover"] != sample_outputs["cover"]


@pytest.mark.slow
def test_workbook_tidy_export_and_unit_report_show_the_same_value_for_the_same_set(sample_outputs):
    import csv

    import openpyxl

    d = sample_outputs["dir"]
    tidy = {tuple(r[:5]): r[5:] for r in csv.reader((d / "a.csv").open(encoding="utf-8"))}
    # the unit report (XLSX): Vadstena's column of Diagram 2 (kon) and the Om rapporten key figures
    wb = openpyxl.load_workbook(d / "v.xlsx")
    ws = next(ws for ws in wb.worksheets if ws.title == "Målgruppen")
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    i = next(k for k, row in enumerate(cells) if row[0] and str(row[0]).startswith("Diagram 2"))
    header = cells[i + 1]
    kvinna = next(row for row in cells[i + 2:i + 6] if row[0] == "Kvinna")
    col = header.index("Vadstena: antal")
    assert str(kvinna[col]) == tidy[("kommun", "0584", "kon", "", "Kvinna")][0]
    assert str(kvinna[col + 1]) == tidy[("kommun", "0584", "kon", "", "Kvinna")][1]
    om = [row for row in wb["Om rapporten"].iter_rows(values_only=True)]
    akt = next(row for row in om if row[0] == "Aktualiserade ärenden (antal)")
    assert str(akt[1]) == tidy[("kommun", "0584", "faser", "", "aktualiserade")][0]
    assert str(akt[3]) == tidy[("samtliga", "", "faser", "", "aktualiserade")][0]  # Vadstena, its län, samtliga
    # the HTML page: the same number in its table
    html = (d / "v.html").read_text(encoding="utf-8")
    assert f"<td>{tidy[('kommun', '0584', 'faser', '', 'avslutade')][0]}</td>" in html
    # the workbook: samtliga's phases on the cover and Diagram 1
    n = int(tidy[("samtliga", "", "faser", "", "aktualiserade")][0])
    assert f"{n:,}".replace(",", "\u00a0") + " ärenden ingår" in sample_outputs["cover"]


def test_no_identifier_free_text_or_key_byte_in_any_output(sample_outputs):
    """The sample's identifiers and free texts are distinctive (D124: `AR-SYN-…`, `KL-SYN-…`,
    `HL-SYN-…`, "[syntetisk fritext …]"), so their markers are searched in every part of every
    output — the workbooks, the tidy exports, the unit reports — with the keys' bytes."""
    d = sample_outputs["dir"]
    texts = []
    for p in sorted(d.iterdir()):
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif p.suffix in (".csv", ".html"):
            texts.append(p.read_text(encoding="utf-8"))
    assert len(texts) > 20
    markers = ["AR-SYN-", "KL-SYN-", "HL-SYN-", "syntetisk fritext", sample_outputs["key"].decode()[:12],
               DEMO_KEY.read_text()[:20], DEMO_KEY.read_text().strip()[-16:]]
    assert "AR-SYN-" in SAMPLE.read_text(encoding="utf-8")  # the check can fail
    for text in texts:
        assert not [m for m in markers if m in text]


def test_the_truth_is_marked_not_for_publication(sample_outputs):
    assert "EJ FÖR PUBLICERING" in sample_outputs["sann_cover"]
    assert "demonyckel" not in sample_outputs["sann_cover"]
    assert "brus, högst" not in sample_outputs["sann_cover"]
    assert "Varje antal har ett litet brus, högst ±3" in sample_outputs["cover"]


def test_the_cover_explains_the_noise_in_plain_swedish(sample_outputs):
    text = sample_outputs["cover"]
    for words in ("högst 3", "kan alltså vara 0–3 ärenden", "Samma grupp av ärenden har samma tal överallt",
                  "delarna inte summera exakt", "färre än 5 ärenden visas inte", "minst 20 ärenden",
                  "redovisas en delgrupp", "granskades den som en utomstående"):
        assert words in text, words
    assert "maskeras" not in text and "Observera: den som jämför nivåer" not in text  # the old rules are gone


def test_the_covers_counts_are_counts_of_their_sets():
    """Issue 17, item 4: "N ärenden låg utanför perioden" is published as the count of its set
    (c from the left-out ärenden's keys), and "ärenden ingår" as samtliga's scope (D159)."""
    import datetime as dt

    from ojexcel.isu.codebook import load_codebook
    from ojexcel.isu.reader import read_arenden
    from ojexcel.isu.workbook import sheet_texts
    from ojexcel.isu.chart_catalogue import load_chart_catalogue
    from ojexcel.population import load_population

    data = read_arenden(SAMPLE, load_codebook(), load_population(), period=(dt.date(2022, 1, 1), None),
                        nyckel=b"a key for the cover test")
    res = compile_tables(data, minsta_antal=5)
    assert data.utanfor_period > 0
    assert res.utanfor_period == perturb_one(data.utanfor_period, data.utanfor_nyckel)
    assert res.n == perturb_one(data.n, key_sum(data.record_keys)) == res.rad("samtliga", "", "faser", "", "aktualiserade").antal
    line = next(x for x in sheet_texts(res, load_chart_catalogue())["Information"] if x.startswith("Ärenden |"))
    thousands = lambda k: f"{k:,}".replace(",", "\u00a0")  # noqa: E731
    assert f"{thousands(res.n)} ärenden ingår; {thousands(res.utanfor_period)} ärenden låg utanför perioden" in line
