"""Reference data: the 316 units, their sort keys and groups, and the start-up checks."""
from __future__ import annotations

import copy

import pytest

from ojexcel.population import (
    EXPECTED_KOMMUNGRUPP,
    EXPECTED_SKL,
    MUNICIPALITY_GROUPS,
    REFERENCE_FILES,
    build_population,
    kommungrupp_for,
)
from ojexcel.problems import ReferenceDataError
from ojexcel.io.resources import read_csv_rows


@pytest.fixture(scope="module")
def tables():
    return {name: read_csv_rows(MUNICIPALITY_GROUPS, name) for name in REFERENCE_FILES}


def test_population_is_316_units(population):
    units = population.units
    assert len(units) == 316
    assert sum(u.is_district for u in units) == 29
    assert len({u.kod for u in units}) == 316
    assert not {"0180", "1480", "1280"} & {u.kod for u in units}
    assert len(population.lan) == 21


def test_districts_take_their_citys_keys(population):
    for city, lanskod, n in (("0180", "01", 14), ("1480", "14", 10), ("1280", "12", 5)):
        districts = population.districts_of(city)
        assert len(districts) == n
        for d in districts:
            assert (d.lanskod, d.kommungrupp, d.skl_kod) == (lanskod, 5, "A1")
            assert d.kod.startswith(city + "-")


def test_group_sizes(population):
    sizes = {(g.niva, g.kod): len(g.members) for g in population.groups()}
    assert sizes[("riket", "")] == 316
    assert sizes[("storstad", "0180")] == 14
    assert sizes[("lan", "01")] == 25 + 14  # 26 municipalities less Stockholm, plus its districts
    assert sizes[("lan", "09")] == 1
    assert {k: sizes[("kommungrupp", str(k))] for k in range(1, 6)} == {1: 134, 2: 72, 3: 53, 4: 27, 5: 30}
    assert sizes[("skl_grupp", "A1")] == 29  # the three cities' districts
    assert sum(sizes[("skl_grupp", k)] for k in EXPECTED_SKL) == 316
    assert sum(sizes[("lan", k)] for k in [g.kod for g in population.groups() if g.niva == "lan"]) == 316


def test_every_unit_in_exactly_one_group_per_level(population):
    for niva in ("lan", "kommungrupp", "skl_grupp"):
        members = [m for g in population.groups() if g.niva == niva for m in g.members]
        assert sorted(members) == sorted(u.kod for u in population.units)


@pytest.mark.parametrize(
    "folk, grupp", [(1, 1), (14_999, 1), (15_000, 2), (29_999, 2), (30_000, 3), (69_999, 3), (70_000, 4), (199_999, 4), (200_000, 5)]
)
def test_kommungrupp_bands(folk, grupp):
    assert kommungrupp_for(folk) == grupp


def test_reference_tables_pass(tables):
    assert len(build_population(tables).units) == 316


def broken(tables, name, fn):
    t = copy.deepcopy(tables)
    fn(t[name])
    return t


def test_size_group_must_agree_with_population(tables):
    def move(rows):
        next(r for r in rows if r["kommunkod"] == "1231")["folkmangd_2016_12_31"] = "14000"  # Burlöv

    with pytest.raises(ReferenceDataError, match="1231 Burlöv is in group 2, but its population 14000"):
        build_population(broken(tables, "folkmangd_2016.csv", move))


def test_size_group_counts_checked(tables):
    def move(rows):
        rows[0]["grupp"] = "1"

    with pytest.raises(ReferenceDataError, match="kommungrupp"):
        build_population(broken(tables, "storleksgrupp_2017.csv", move))


def test_skl_counts_checked(tables):
    def move(rows):
        rows[0]["skl_kod"] = "C9"

    with pytest.raises(ReferenceDataError, match="SKL"):
        build_population(broken(tables, "skl_grupp_2017.csv", move))


def test_missing_municipality_detected(tables):
    with pytest.raises(ReferenceDataError, match="expected 290 municipalities"):
        build_population(broken(tables, "kommuner.csv", lambda rows: rows.pop()))


def test_duplicate_code_detected(tables):
    with pytest.raises(ReferenceDataError, match="appears twice"):
        build_population(broken(tables, "stadsdelar_2017.csv", lambda rows: rows.append(dict(rows[0]))))


def test_expected_counts_are_the_published_ones():
    assert EXPECTED_KOMMUNGRUPP == {1: 134, 2: 72, 3: 53, 4: 27, 5: 4}
    assert list(EXPECTED_SKL.values()) == [3, 43, 21, 52, 35, 29, 52, 40, 15]
