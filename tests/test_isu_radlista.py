"""`RadLista` and the tidy reader: a property test that writing rows as §6's CSV and reading them
back gives the same rows, masking included; the protocol's lookups."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from ojexcel.isu.model import Row
from ojexcel.isu.row_list import RowList, RowListError
from ojexcel.isu.tidy import TIDY_HEADER, read_isu_tidy

KODER = {"samtliga": [""], "lan": ["01", "14"], "kommun": ["0114", "0180"], "stadsdel": ["0180-01"]}


@st.composite
def rad(draw):
    niva = draw(st.sampled_from(sorted(KODER)))
    kod = draw(st.sampled_from(KODER[niva]))
    tabell = draw(st.sampled_from(["kon", "insatser", "medel_antal_insatser"]))
    delgrupp = draw(st.sampled_from(["", "hrv=Ja", "aldersgrupp=18-24"]))
    if tabell.startswith("medel"):
        if draw(st.booleans()):
            return Row(niva, kod, tabell, delgrupp, "medel", None, None, None, None, frozenset({"antal", "bas", "medel"}))
        bas = draw(st.integers(1, 10**6))
        tenths = draw(st.integers(0, 999))
        return Row(niva, kod, tabell, delgrupp, "medel", draw(st.integers(0, 10**7)), bas, None,
                   f"{tenths // 10}.{tenths % 10}")
    kategori = draw(st.sampled_from(["Kvinna", "Man", "uppgift_saknas", "minst_ett_svar", "Skyddat boende, ny"]))
    bas = draw(st.integers(0, 10**6))
    antal = draw(st.integers(0, bas))
    andel = None if bas == 0 else draw(st.integers(0, 100))
    masked = set(draw(st.sets(st.sampled_from(["antal", "bas"]))))
    if masked and andel is not None or "bas" in masked:
        masked.add("andel")
    if "bas" in masked:
        masked.add("antal")
    if andel is None and bas != 0:
        masked.add("andel")
    return Row(niva, kod, tabell, delgrupp, kategori,
               None if "antal" in masked else antal, None if "bas" in masked else bas,
               None if "andel" in masked else andel, None, frozenset(masked))


def tidy_text(rows: list[Row]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(TIDY_HEADER)
    for r in rows:
        w.writerow([r.niva, r.kod, r.tabell, r.delgrupp, r.kategori,
                    "" if r.antal is None else r.antal, "" if r.bas is None else r.bas,
                    "" if r.andel is None else r.andel, r.medel or ""])
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.lists(rad(), max_size=30, unique_by=lambda r: (r.niva, r.kod, r.tabell, r.delgrupp, r.kategori)))
def test_tidy_round_trip_keeps_every_value_and_mask(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("tidy") / "t.csv"
    p.write_text(tidy_text(rows), encoding="utf-8")
    back = read_isu_tidy(p, n=len(rows))
    assert back.rows == rows
    for r in rows:
        assert r in back.tabell(r.niva, r.kod, r.tabell, r.delgrupp)


def test_lookups_keep_tidy_order():
    rows = [Row("samtliga", "", "kon", "", "Kvinna", 9, 10, 90, None),
            Row("samtliga", "", "kon", "", "Man", 1, 10, 10, None),
            Row("samtliga", "", "kon", "hrv=Ja", "Kvinna", 5, 5, 100, None),
            Row("kommun", "0180", "kon", "", "Kvinna", 9, 10, 90, None),
            Row("kommun", "0114", "kon", "", "Kvinna", 9, 10, 90, None)]
    r = RowList.from_rows(rows, kalla="x.csv")
    assert r.enheter("kommun") == ("0180", "0114") and r.enheter("lan") == ()
    assert [x.kategori for x in r.tabell("samtliga", "", "kon")] == ["Kvinna", "Man"]
    assert r.delgrupper() == ("", "hrv=Ja") and r.tabellnamn() == ("kon",)
    assert list(r.rader()) == rows and r.n == 0  # no faser table: n must be given


def test_a_repeated_row_is_an_error():
    row = Row("samtliga", "", "kon", "", "Kvinna", 9, 10, 90, None)
    try:
        RowList.from_rows([row, row])
    except RowListError as e:
        assert "occurs twice" in str(e)
    else:
        raise AssertionError("a repeated row was accepted")


def test_hostile_tidy_files_fail_cleanly(tmp_path):
    import pytest

    header = ",".join(TIDY_HEADER) + "\n"
    cases = {
        "bom.csv": ("\ufeff" + header).encode("utf-8"),
        "latin1.csv": (header + "samtliga,,kön,,Kvinna,1,2,50,\n").encode("latin-1"),
        "long.csv": (header + "samtliga,,kon,,Kvinna," + "1" * 20000 + ",2,50,\n").encode(),
        "nul.csv": (header + "samtliga,,kon,,Kvinna\x00,1,2,50,\n").encode(),
        "quote.csv": (header + 'samtliga,,kon,,"Kvinna,1,2,50,\n').encode(),
        "empty.csv": b"",
    }
    expected = {"bom.csv": "byte-order mark", "latin1.csv": "not UTF-8", "long.csv": "row 2: the line is longer than",
                "nul.csv": "column kategori, .* control character", "quote.csv": "not valid CSV|fields", "empty.csv": "empty"}
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(RowListError, match=expected[name]):
            read_isu_tidy(p)


def test_an_endless_file_is_bounded():
    import pytest

    with pytest.raises(RowListError, match="zero, row 1: the line is longer than"):
        read_isu_tidy("/dev/zero")
