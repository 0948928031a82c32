"""A survey year's population: the årgång's `enheter.csv` (CONTRACT §7), and its check.

    enhetskod,enhet,kommunkod,kommun,lanskod,lan,kommungrupp,skl_kod,skl_namn

One row per unit: a municipality (`enhetskod` = `kommunkod`), or a district (`KOMMUNKOD-NN`,
`kommunkod` = its city) of a city that answers per district and has no row of its own. The units,
their order (the file's) and the groups of §4 follow from this file alone; the cities that answer
per district follow from the rows and are checked against the year's metadata (`storstader`).

Checked, every problem reported with its row, column and value: the codes' forms; a kommunkod
in its län (the first two digits are the lanskod); a unit with a län, kommungrupp or SKL-grupp the
year does not know (the municipality reference's 21 län; the metadata's groups); a district whose
city is missing, or not listed as answering per district, or whose keys differ from its city's;
a city with a row of its own beside its districts. With `folkmangd.csv` (kommunkod, folkmängd)
each municipality's kommungrupp is computed from the bands of the metadata and must match.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..population import Population, Unit
from ..problems import Report

COLUMNS = ("enhetskod", "enhet", "kommunkod", "kommun", "lanskod", "lan", "kommungrupp", "skl_kod", "skl_namn")
FOLKMANGD_COLUMNS = ("kommunkod", "folkmangd")
FOLKMANGD_OPTIONAL = ("kommun",)
KOMMUNKOD = re.compile(r"\d{4}")
LANSKOD = re.compile(r"\d{2}")
DISTRICT = re.compile(r"(\d{4})-(\d{2,3})")


@dataclass(frozen=True)
class Kommungrupp:
    grupp: int
    namn: str
    minst_invanare: int | None  # the band's lower bound (None: not given, counts not checkable)


@dataclass(frozen=True)
class Groups:
    """The year's groups: kommungrupper (in order), SKL groups (code -> name, in order), and the
    län a unit may belong to (code -> name)."""

    kommungrupper: tuple[Kommungrupp, ...]
    skl_grupper: dict[str, str]
    lan: dict[str, str]
    cities: tuple[str, ...]  # kommunkod of the cities answering per district, in the order shown


def kommungrupp_for(folkmangd: int, kommungrupper: tuple[Kommungrupp, ...]) -> int | None:
    """The group whose band holds `folkmangd`: the highest lower bound not above it."""
    found = None
    for g in sorted(kommungrupper, key=lambda g: g.minst_invanare or 0):
        if g.minst_invanare is not None and folkmangd >= g.minst_invanare:
            found = g.grupp
    return found


def population_from_rows(rows, groups: Groups, report: Report, reference: Population | None = None,
                         metadata_file: str = "arsgang.toml") -> tuple[Population, dict[str, int]]:
    """The population of `enheter.csv` and the row of each unit; every problem on `report`.

    `reference`: the municipality reference (`population.load_population()`); a kommunkod it does
    not know, or a municipality named otherwise there, is a warning (municipalities are rarely
    created or renamed, but a typo is likely; D148)."""
    units: list[Unit] = []
    row_of: dict[str, int] = {}
    city_rows: dict[str, list] = {}  # kommunkod -> its districts' rows
    own_row: dict[str, int] = {}  # kommunkod -> the row of a municipality
    municipalities: dict[str, str] = {}
    lan_names: dict[str, str] = {}
    known_groups = {g.grupp: g for g in groups.kommungrupper}

    for r in rows:
        n = r.row
        kod = r["enhetskod"]
        before = len(report.errors)

        def error(message: str, column: str, value=None) -> None:
            report.error(message, row=n, enhetskod=kod or None, column=column, value=value)

        for column in COLUMNS:
            if not r[column]:
                error(f"{column} is blank", column)
        if len(report.errors) > before:
            continue
        kommunkod, lanskod = r["kommunkod"], r["lanskod"]
        district = DISTRICT.fullmatch(kod)
        if not KOMMUNKOD.fullmatch(kommunkod):
            error("kommunkod is four digits with its leading zero (0114)", "kommunkod", kommunkod)
        if district:
            if district.group(1) != kommunkod:
                error(f"a district's code starts with its city's kommunkod: {kod} belongs to {district.group(1)}, "
                      f"but the row says kommunkod {kommunkod}", "kommunkod", kommunkod)
        elif KOMMUNKOD.fullmatch(kod):
            if kod != kommunkod:
                error(f"a municipality's enhetskod is its kommunkod ({kommunkod}); a district's is KOMMUNKOD-NN",
                      "enhetskod", kod)
        else:
            error("enhetskod is a kommunkod (0114) or a district code (0180-01)", "enhetskod", kod)
        if not LANSKOD.fullmatch(lanskod):
            error("lanskod is two digits (01)", "lanskod", lanskod)
        elif lanskod not in groups.lan:
            error(f"unknown län: the län are {', '.join(groups.lan)}", "lanskod", lanskod)
        elif KOMMUNKOD.fullmatch(kommunkod) and kommunkod[:2] != lanskod:
            error(f"kommunkod {kommunkod} lies in län {kommunkod[:2]} (its first two digits), not {lanskod}",
                  "lanskod", lanskod)
        elif r["lan"] != groups.lan[lanskod]:
            error(f"län {lanskod} is called {groups.lan[lanskod]!r}", "lan", r["lan"])
        grupp_text = r["kommungrupp"]
        grupp = int(grupp_text) if grupp_text.isdigit() else None
        if grupp is None or grupp not in known_groups:
            error(f"unknown kommungrupp: the groups of {metadata_file} are "
                  f"{', '.join(str(g) for g in known_groups)}", "kommungrupp", grupp_text)
        skl = r["skl_kod"]
        if skl not in groups.skl_grupper:
            error(f"unknown SKL-grupp: the groups are {', '.join(groups.skl_grupper)}", "skl_kod", skl)
        elif r["skl_namn"] != groups.skl_grupper[skl]:
            error(f"SKL-grupp {skl} is called {groups.skl_grupper[skl]!r}", "skl_namn", r["skl_namn"])
        if kod in row_of:
            error(f"the enhetskod appears twice (first in row {row_of[kod]})", "enhetskod", kod)
        if len(report.errors) > before:
            continue
        row_of[kod] = n
        name = municipalities.setdefault(kommunkod, r["kommun"])
        if name != r["kommun"]:
            error(f"kommun {kommunkod} is called {name!r} in an earlier row", "kommun", r["kommun"])
        lan_names.setdefault(lanskod, r["lan"])
        if district:
            city_rows.setdefault(kommunkod, []).append(r)
        else:
            own_row[kommunkod] = n
            if r["enhet"] != r["kommun"]:
                error("a municipality's enhet is its kommun's name", "enhet", r["enhet"])
        if reference is not None and not district:
            ref_name = reference.municipalities.get(kommunkod)
            if ref_name is None:
                report.warn("not a municipality of the municipality reference (municipality_groups/kommuner.csv)",
                            row=n, enhetskod=kod, column="kommunkod", value=kommunkod)
            elif ref_name != r["kommun"]:
                report.warn(f"the municipality reference calls {kommunkod} {ref_name!r}",
                            row=n, enhetskod=kod, column="kommun", value=r["kommun"])
        units.append(Unit(
            kod=kod,
            namn=r["enhet"],
            lanskod=lanskod,
            lan=r["lan"],
            kommungrupp=grupp,
            skl_kod=skl,
            skl_namn=r["skl_namn"],
            stad=kommunkod if district else None,
            stad_namn=r["kommun"] if district else None,
        ))

    _check_cities(city_rows, own_row, groups, report, metadata_file, reference)
    population = Population(
        units=tuple(units),
        lan=dict(sorted(lan_names.items())),
        skl_groups=dict(groups.skl_grupper),
        municipalities=municipalities,
        cities=tuple(c for c in groups.cities if c in city_rows),
        kommungrupper={g.grupp: g.namn for g in groups.kommungrupper},
    )
    if not units and not report.errors:
        report.error("enheter.csv lists no units")
    return population, row_of


KEYS_OF_CITY = ("kommun", "lanskod", "lan", "kommungrupp", "skl_kod", "skl_namn")


def _check_cities(city_rows: dict, own_row: dict, groups: Groups, report: Report, metadata_file: str,
                  reference: Population | None) -> None:
    for city, rows in city_rows.items():
        first = rows[0]
        if city not in groups.cities:
            for r in rows:
                report.error(f"a district of {city} {first['kommun']}, which is not listed as answering per district "
                             f"(storstader in {metadata_file}: {', '.join(groups.cities) or 'none'})",
                             row=r.row, enhetskod=r["enhetskod"], column="kommunkod", value=city)
        if city in own_row:
            report.error(f"{city} answers per district, so it has no row of its own (its districts are rows "
                         f"{', '.join(str(r.row) for r in rows[:5])}{' …' if len(rows) > 5 else ''})",
                         row=own_row[city], enhetskod=city, column="enhetskod", value=city)
        for r in rows[1:]:
            for column in KEYS_OF_CITY:
                if r[column] != first[column]:
                    report.error(f"a district takes its city's {column}: the first district of {city} "
                                 f"(row {first.row}) has {first[column]!r}",
                                 row=r.row, enhetskod=r["enhetskod"], column=column, value=r[column])
        if reference is not None and city in reference.municipalities and reference.municipalities[city] != first["kommun"]:
            report.warn(f"the municipality reference calls {city} {reference.municipalities[city]!r}",
                        row=first.row, enhetskod=first["enhetskod"], column="kommun", value=first["kommun"])
    for city in groups.cities:
        if city not in city_rows:
            report.error(f"{city} is listed as answering per district, but enheter.csv has no district of it "
                         f"(codes {city}-01 …)", file=metadata_file, key="storstader", value=city)


def check_counts(rows, population: Population, row_of: dict[str, int], groups: Groups, report: Report,
                 enheter_file: str = "enheter.csv", metadata_file: str = "arsgang.toml") -> dict[str, int]:
    """Each municipality's kommungrupp against its population count (`folkmangd.csv`), in the
    årgång's bands (D149); the counts by kommunkod. Every municipality of the population needs a count."""
    counts: dict[str, int] = {}
    count_row: dict[str, int] = {}
    for r in rows:
        kod, text = r["kommunkod"], r["folkmangd"].replace(" ", "").replace("\u00a0", "")
        where = dict(row=r.row, enhetskod=kod or None)
        if not KOMMUNKOD.fullmatch(kod):
            report.error("kommunkod is four digits with its leading zero (0114)", column="kommunkod", value=kod, **where)
            continue
        if kod in counts:
            report.error(f"the kommunkod appears twice (first in row {count_row[kod]})", column="kommunkod", value=kod, **where)
            continue
        if not text.isdigit():
            report.error("folkmangd is a whole number of inhabitants", column="folkmangd", value=r["folkmangd"], **where)
            continue
        counts[kod] = int(text)
        count_row[kod] = r.row
    bands = [g for g in groups.kommungrupper if g.minst_invanare is not None]
    if len(bands) != len(groups.kommungrupper):
        report.error("folkmangd.csv is given, so every kommungrupp needs minst_invanare (its band's lower bound)",
                     file=metadata_file, key="kommungrupp")
        return counts
    per_municipality: dict[str, tuple[int, str]] = {}  # kommunkod -> (kommungrupp, first unit)
    for u in population.units:
        per_municipality.setdefault(u.stad or u.kod, (u.kommungrupp, u.kod))
    for kommunkod, (grupp, first) in per_municipality.items():
        if kommunkod not in counts:
            report.error(f"{kommunkod} {population.municipalities.get(kommunkod, '')} has no population count",
                         column="kommunkod", value=kommunkod)
            continue
        computed = kommungrupp_for(counts[kommunkod], groups.kommungrupper)
        if computed != grupp:
            n = counts[kommunkod]
            report.error(
                f"{kommunkod} {population.municipalities.get(kommunkod, '')} is in kommungrupp {grupp}, but its "
                f"population {_number(n)} (folkmangd.csv row {count_row[kommunkod]}) puts it in kommungrupp {computed} "
                f"(bands: {_bands_text(groups.kommungrupper)}); change the kommungrupp"
                + (" of the city's districts" if first != kommunkod else "") + " or the count",
                file=enheter_file, row=row_of.get(first), enhetskod=first, column="kommungrupp", value=grupp,
            )
    for kod in counts:
        if kod not in per_municipality:
            report.warn("a count for a municipality that is not in enheter.csv (ignored)",
                        row=count_row[kod], enhetskod=kod, column="kommunkod", value=kod)
    return counts


def _number(n: int) -> str:
    """43 891: thousands separated by spaces, as Swedish statistics write them."""
    return f"{n:,}".replace(",", " ")


def _bands_text(kommungrupper: tuple[Kommungrupp, ...]) -> str:
    ordered = sorted(kommungrupper, key=lambda g: g.minst_invanare or 0)
    parts = []
    for g, nxt in zip(ordered, ordered[1:] + [None]):
        upper = f"–{_number(nxt.minst_invanare - 1)}" if nxt else "–"
        parts.append(f"{g.grupp}: {_number(g.minst_invanare)}{upper}")
    return "; ".join(parts)
