"""The ISU tidy export (CONTRACT isu §6): header, order, format, masked values, and the reader."""
from __future__ import annotations


import pytest

from ojexcel.isu.model import Row
from dev.isu_random import slumpa_arenden
from ojexcel.isu.compilation import compile_tables
from ojexcel.isu.row_list import RowList
from ojexcel.isu.tidy import read_isu_tidy, tidy_fields, write_isu_tidy
from ojexcel.population import load_population
from ojexcel.problems import InputError
from tests.isu_bygg import bygg_arenden

HEADER = b"niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel\n"


def a(enhet="0114", **kw):
    return {"enhetskod": enhet, **kw}


@pytest.fixture(scope="module")
def slump():
    pop = load_population()
    codes = ("0114", "0180", "0180-01", "0180-05", "1480-02", "2580", "0115")
    return compile_tables(slumpa_arenden(3000, codes, seed=7), minsta_antal=5, population=pop)


def lines(res, tmp_path) -> list[str]:
    write_isu_tidy(res, tmp_path / "t.csv")
    data = (tmp_path / "t.csv").read_bytes()
    assert data.startswith(HEADER)
    assert b"\r" not in data and data.endswith(b"\n")
    return data.decode("utf-8").splitlines()


def test_header_and_encoding(tmp_path):
    res = compile_tables(bygg_arenden([a(kon="Kvinna", ursprung="Född i Sverige, med minst en förälder född i Sverige")] * 6),
                         minsta_antal=1, utan_brus=True)
    text = lines(res, tmp_path)
    assert text[0] == HEADER.decode().strip()
    assert 'samtliga,,ursprung,,"Född i Sverige, med minst en förälder född i Sverige",6,6,100,' in text
    assert 'samtliga,,kon,"ursprung=Född i Sverige, med minst en förälder född i Sverige",Kvinna,6,6,100,' in text
    assert "samtliga,,medel_antal_insatser,,medel,0,6,,0.0" in text
    assert "samtliga,,kon,,uppgift_saknas,0,6,0," in text


def test_withheld_values_are_empty(tmp_path):
    """With r = 0 for every ärende c = 0 for every set: v = n − 3 (n ≥ 3), 0 (n ≤ 2)."""
    import numpy as np

    rows = [a(kon="Man")] * 2 + [a(kon="Kvinna")] * 20 + [a("2580", kon="Kvinna")] * 7 + [a("1480", kon="Kvinna")] * 3
    arenden = bygg_arenden(rows)
    arenden.record_keys = np.zeros(len(rows), np.uint32)
    text = lines(compile_tables(arenden, minsta_antal=5), tmp_path)
    assert "kommun,0114,kon,,Man,0,19,," in text  # a base under 20: no share
    assert "kommun,0114,kon,,Kvinna,17,19,," in text
    assert "kommun,0114,medel_antal_insatser,,medel,,19,," in text  # no sum; no mean under 20
    assert "kommun,2580,kon,,Kvinna,,,," in text  # v_bas 4 (1..N−1): the row shows nothing
    assert "kommun,2580,medel_antal_insatser,,medel,,,," in text
    assert not any(line.startswith("kommun,1480,") for line in text)  # v of the scope 0: not written
    assert not any(",kon=Kvinna," in line and line.startswith("kommun,0114,") for line in text)  # item 6


def test_order_levels_codes_tables_delgrupper_categories(slump, tmp_path):
    text = lines(slump, tmp_path)[1:]
    niva_ordning = {"samtliga": 0, "lan": 1, "kommun": 2, "stadsdel": 3}
    plan = slump.plan
    tabell_ordning = {t.namn: i for i, t in enumerate(plan.tabeller)}
    dg_ordning = {d: i for i, d in enumerate(plan.delgrupper)}
    import csv
    rows = list(csv.reader(text))
    keys = [(niva_ordning[r[0]], r[1], tabell_ordning[r[2]], dg_ordning[r[3]]) for r in rows]
    assert keys == sorted(keys)
    # categories within a table: §4's order
    first = [r[4] for r in rows if r[:4] == ["samtliga", "", "insatser", ""]]
    assert first[0] == "minst_ett_svar" and first[-2:] == ["Insatser som rör boende", "uppgift_saknas"]
    assert [r[1] for r in rows if r[2] == "faser" and r[3] == "" and r[4] == "aktualiserade"] == \
        ["", "01", "14", "25", "0114", "0115", "0180", "1480", "2580", "0180-01", "0180-05", "1480-02"]


def test_fast_writer_equals_row_by_row_writer(slump, tmp_path):
    """The numpy writer against csv.writer over `rader()` (the generic path)."""
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER.decode().strip().split(","))
    w.writerows(tidy_fields(r) for r in slump.rader())
    write_isu_tidy(slump, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_text(encoding="utf-8") == buf.getvalue()


def test_generic_writer_for_other_results(slump, tmp_path):
    write_isu_tidy(slump, tmp_path / "a.csv")
    back = read_isu_tidy(tmp_path / "a.csv")
    assert isinstance(back, RowList) and back.kalla == "a.csv"
    write_isu_tidy(back, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.slow
def test_reader_round_trip(slump, tmp_path):
    write_isu_tidy(slump, tmp_path / "a.csv")
    back = read_isu_tidy(tmp_path / "a.csv")
    assert list(back.rader()) == list(slump.rader())
    assert back.enheter("kommun") == slump.enheter("kommun")
    assert back.enheter("samtliga") == ("",)
    assert back.tabell("kommun", "0180", "kon", "hrv=Ja") == slump.tabell("kommun", "0180", "kon", "hrv=Ja")
    assert back.tabellnamn() == slump.tabellnamn()
    assert back.delgrupper() == slump.delgrupper()
    assert back.n == slump.n and 2990 <= back.n <= 3003
    masked = {r.maskerad for r in back.rader() if r.maskerad}
    assert masked == {frozenset({"antal", "bas", "andel"}), frozenset({"andel"}), frozenset({"antal"}),
                      frozenset({"antal", "medel"}), frozenset({"antal", "bas", "medel"})}


def test_big_numbers_and_digits(tmp_path):
    """Digits through several four-digit groups (the writer looks them up four at a time)."""
    res = compile_tables(bygg_arenden([a(kon="Kvinna")] * 10_007 + [a(kon="Man")] * 3), minsta_antal=1, utan_brus=True)
    text = lines(res, tmp_path)
    assert "samtliga,,kon,,Kvinna,10007,10010,100," in text
    assert "samtliga,,kon,,Man,3,10010,0," in text
    assert "samtliga,,faser,,aktualiserade,10010,10010,100," in text


@pytest.mark.parametrize("content,fragment", [
    (b"", "the file is empty"),
    (b"niva,kod\n", "row 1: the header must be exactly"),
    (b"niva,kod,tabell\n", "row 1: the header must be exactly"),
    (HEADER + b"riket,,kon,,Man,1,2,50,\n", "row 2, column niva, value 'riket'"),
    (HEADER + b"samtliga,,kon,,Man,x,2,50,\n", "row 2, column antal, value 'x': not a whole number"),
    (HEADER + b"samtliga,,kon,,Man,1,2,50\n", "row 2.*8 fields"),
    (HEADER + b"samtliga,,kon,,Man,1,2,50,\nsamtliga,,kon,,Man,1,2,50,\n", "row 3, value 'samtliga//kon//Man': occurs twice"),
    (HEADER + b"samtliga,,kon,,Man,1,2,50,2.0\n", "row 2, column medel"),
    (HEADER + b"samtliga,,medel_antal_insatser,,medel,7,,,2.3\n", "without its base shows neither"),
    (HEADER + b"samtliga,,kon,,Man,\xff,2,50,\n", "not UTF-8"),
])
def test_reader_rejects_bad_files(tmp_path, content, fragment):
    """Every problem names the file (its path), the row, the column and the value."""
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=fragment) as exc:
        read_isu_tidy(p)
    assert str(p) in str(exc.value)


def test_reader_infers_what_an_empty_value_means(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(
        "niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel\n"
        "samtliga,,kon,,Kvinna,,40,,\n"  # masked count: andel masked too
        "samtliga,,kon,,Man,0,0,,\n"  # bas 0: andel does not exist
        "kommun,0114,kon,,Kvinna,,,,\n"  # masked base
        "samtliga,,medel_antal_insatser,,medel,70,30,,2.3\n"
        "kommun,0114,medel_antal_insatser,,medel,,,,\n"
        "lan,01,medel_antal_insatser,,medel,,30,,2.3\n"  # perturbed: the sum is not published
        "lan,14,medel_antal_insatser,,medel,,12,,\n"  # … nor a mean on a base under 20
        "lan,01,kon,,Man,23,21,110,\n",  # a perturbed share can pass 100
        encoding="utf-8")
    r = read_isu_tidy(p)
    rows = r.rows
    assert rows[0].maskerad == {"antal", "andel"} and rows[0].bas == 40
    assert rows[1].maskerad == frozenset() and rows[1].andel is None
    assert rows[2].maskerad == {"antal", "bas", "andel"}
    assert rows[3].medel == "2.3" and not rows[3].maskerad
    assert rows[4].maskerad == {"antal", "bas", "medel"}
    assert rows[5].maskerad == {"antal"} and rows[5].medel == "2.3"
    assert rows[6].maskerad == {"antal", "medel"} and rows[6].bas == 12
    assert rows[7].andel == 110
    assert r.kalla == "t.csv"


def test_reader_missing_file(tmp_path):
    with pytest.raises(InputError, match="nope.csv: cannot be read"):
        read_isu_tidy(tmp_path / "nope.csv")


def test_rad_interface_fields(slump):
    r = slump.tabell("samtliga", "", "medel_arendelangd")[0]
    assert isinstance(r, Row) and r.kategori == "medel" and r.andel is None and "." in r.medel
    k = slump.tabell("samtliga", "", "kon")[0]
    assert k.medel is None and isinstance(k.andel, int)
    assert slump.rad("samtliga", "", "kon", "", "Man").kategori == "Man"
    assert slump.rad("samtliga", "", "kon", "", "Nope") is None
    assert slump.period == (None, None) and slump.kalla == "slump" and slump.minsta_antal == 5


def test_only_codebook_texts_and_unit_codes_are_written(slump):
    """Arenden carries no identifier or free text; every text of every row is a level, a unit
    code, or a name from the plan (codebook, contract) — nothing else can reach an output."""
    plan = slump.plan
    kategorier = {k for t in plan.tabeller for k in t.kategorier}
    koder = {""} | set(slump_koder := ("01", "14", "25", "0114", "0180", "0180-01", "0180-05", "1480", "1480-02",
                                       "2580", "0115"))
    assert slump_koder
    for r in slump.rader():
        assert r.niva in ("samtliga", "lan", "kommun", "stadsdel")
        assert r.kod in koder
        assert r.tabell in slump.tabellnamn() and r.delgrupp in plan.delgrupper and r.kategori in kategorier


def test_an_export_over_the_row_bound_is_refused(tmp_path, monkeypatch):
    """D186: a file of more rows than a national export can have is refused, naming the bound, and
    one within it is read (the bound is MAX_ROWS; here made small)."""
    import ojexcel.isu.tidy as tidy

    res = compile_tables(bygg_arenden([a(kon="Kvinna")] * 6), minsta_antal=1, utan_brus=True)
    rows = len(lines(res, tmp_path)) - 1
    monkeypatch.setattr(tidy, "MAX_ROWS", rows)
    read_isu_tidy(tmp_path / "t.csv", minsta_antal=1)  # exactly at the bound: read
    monkeypatch.setattr(tidy, "MAX_ROWS", rows - 1)
    with pytest.raises(InputError) as info:
        read_isu_tidy(tmp_path / "t.csv", minsta_antal=1)
    assert f"more than {rows - 1} rows" in str(info.value)
