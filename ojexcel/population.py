"""Units, groups and populations (the model both products share), and the municipality reference.

A unit is a municipality, or a district of a city that answers per district; every unit carries
län, kommungrupp and SKL-grupp, and a district takes its city's keys (CONTRACT §1). `Population`
is the model; where a population comes from is the product's business:

- **The municipality reference** (`load_population()`, from `municipality_groups/`): the 290
  municipalities, their län, and the 29 districts of Stockholm, Göteborg and Malmö of
  `stadsdelar_2017.csv`, checked against published facts when loaded. ISU reads its kommuner, län
  and districts from it (ISU CONTRACT §1), `diff` its names; the survey's årgång check compares
  municipality codes and names with it.
- **A survey year's population** is the årgång's `enheter.csv` (CONTRACT §7), read by
  `survey/enheter.py` into the same `Population`, with the year's cities and groups. The
  reference reproduces the 2017 population, so both agree for the embedded years.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from .io.resources import MUNICIPALITY_GROUPS, read_csv_rows
from .problems import ReferenceDataError

CITIES = ("0180", "1480", "1280")  # Stockholm, Göteborg, Malmö: answer per district

# Published facts the reference files must reproduce (guide 2017, SKL's overview table).
EXPECTED_MUNICIPALITIES = 290
EXPECTED_LAN = 21
EXPECTED_DISTRICTS = 29
EXPECTED_UNITS = 316
EXPECTED_KOMMUNGRUPP = {1: 134, 2: 72, 3: 53, 4: 27, 5: 4}
EXPECTED_SKL = {"A1": 3, "A2": 43, "B3": 21, "B4": 52, "B5": 35, "C6": 29, "C7": 52, "C8": 40, "C9": 15}
# Kommungrupp bands on the population of 31 Dec 2016: lower bounds of groups 2..5.
KOMMUNGRUPP_BOUNDS = (15_000, 30_000, 70_000, 200_000)

KOMMUNGRUPP_NAMN = {
    1: "1–14 999 invånare",
    2: "15 000–29 999 invånare",
    3: "30 000–69 999 invånare",
    4: "70 000–199 999 invånare",
    5: "200 000 invånare och fler",
}

# Aggregate levels (CONTRACT §4/§5), in the tidy export's order.
NIVA_ENHET = "enhet"
NIVA_STORSTAD = "storstad"
NIVA_LAN = "lan"
NIVA_RIKET = "riket"
NIVA_KOMMUNGRUPP = "kommungrupp"
NIVA_SKL = "skl_grupp"
AGGREGATE_LEVELS = (NIVA_STORSTAD, NIVA_LAN, NIVA_RIKET, NIVA_KOMMUNGRUPP, NIVA_SKL)
ALL_LEVELS = (NIVA_ENHET,) + AGGREGATE_LEVELS


@dataclass(frozen=True)
class Unit:
    kod: str  # kommunkod '0114', or stadsdelskod '0180-01'
    namn: str
    lanskod: str
    lan: str
    kommungrupp: int
    skl_kod: str
    skl_namn: str
    stad: str | None = None  # parent kommunkod for a district
    stad_namn: str | None = None

    @property
    def is_district(self) -> bool:
        return self.stad is not None

    @property
    def full_name(self) -> str:
        return f"{self.stad_namn} – {self.namn}" if self.stad else self.namn


@dataclass(frozen=True)
class Group:
    niva: str
    kod: str  # '' for riket
    namn: str
    members: tuple[str, ...]  # unit codes, in population order


@dataclass(frozen=True, eq=False)  # identity hash: cached indexes below
class Population:
    units: tuple[Unit, ...]
    lan: dict[str, str]  # lanskod -> name, in code order
    skl_groups: dict[str, str]  # A1..C9 -> name, in the order of the groups
    municipalities: dict[str, str]  # every kommunkod -> name (cities answering per district included)
    cities: tuple[str, ...] = CITIES  # the cities that answer per district, in the order shown
    kommungrupper: dict[int, str] = field(default_factory=lambda: dict(KOMMUNGRUPP_NAMN))  # 1..5 -> name

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_kod", {u.kod: u for u in self.units})

    def unit(self, kod: str) -> Unit:
        return self.by_kod[kod]

    def districts_of(self, city: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.stad == city)

    def groups(self) -> tuple[Group, ...]:
        return _groups(self)



@cache
def _groups(pop: Population) -> tuple[Group, ...]:
    """Every aggregate group, in the tidy export's order: storstad, län, riket, kommungrupp, SKL."""
    def members(pred) -> tuple[str, ...]:
        return tuple(u.kod for u in pop.units if pred(u))

    out: list[Group] = []
    for city in pop.cities:
        out.append(Group(NIVA_STORSTAD, city, pop.municipalities[city], members(lambda u: u.stad == city)))
    for lanskod, namn in pop.lan.items():
        out.append(Group(NIVA_LAN, lanskod, namn, members(lambda u: u.lanskod == lanskod)))
    out.append(Group(NIVA_RIKET, "", "Riket", members(lambda u: True)))
    for grupp, namn in pop.kommungrupper.items():
        out.append(Group(NIVA_KOMMUNGRUPP, str(grupp), namn, members(lambda u: u.kommungrupp == grupp)))
    for skl, namn in pop.skl_groups.items():
        out.append(Group(NIVA_SKL, skl, namn, members(lambda u: u.skl_kod == skl)))
    return tuple(out)


def kommungrupp_for(folkmangd: int) -> int:
    return 1 + sum(folkmangd >= bound for bound in KOMMUNGRUPP_BOUNDS)


def _by_code(rows: list[dict[str, str]], key: str, name: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        kod = row[key]
        if kod in out:
            raise ReferenceDataError(f"{name}: code {kod} appears twice")
        out[kod] = row
    return out


def _check_counts(what: str, actual: dict, expected: dict) -> None:
    if actual != expected:
        raise ReferenceDataError(f"{what}: expected counts {expected}, found {actual}")


REFERENCE_FILES = (
    "kommuner.csv",
    "skl_grupp_2017.csv",
    "storleksgrupp_2017.csv",
    "folkmangd_2016.csv",
    "stadsdelar_2017.csv",
)


@cache
def load_population(year: int = 2017) -> Population:
    """The municipality reference (`municipality_groups/`), loaded and checked once. `year` is
    accepted for old callers and ignored: a survey year's population is its årgång's."""
    return build_population({name: read_csv_rows(MUNICIPALITY_GROUPS, name) for name in REFERENCE_FILES})


def build_population(tables: dict[str, list[dict[str, str]]]) -> Population:
    """The population from the reference tables (file name -> rows), checked against published facts."""
    kommuner = _by_code(tables["kommuner.csv"], "kommunkod", "kommuner.csv")
    skl = _by_code(tables["skl_grupp_2017.csv"], "kommunkod", "skl_grupp_2017.csv")
    storlek = _by_code(tables["storleksgrupp_2017.csv"], "kommunkod", "storleksgrupp_2017.csv")
    folk = _by_code(tables["folkmangd_2016.csv"], "kommunkod", "folkmangd_2016.csv")
    stadsdelar = _by_code(tables["stadsdelar_2017.csv"], "stadsdelskod", "stadsdelar_2017.csv")

    if len(kommuner) != EXPECTED_MUNICIPALITIES:
        raise ReferenceDataError(f"kommuner.csv: expected {EXPECTED_MUNICIPALITIES} municipalities, found {len(kommuner)}")
    for name, table in (("skl_grupp_2017.csv", skl), ("storleksgrupp_2017.csv", storlek), ("folkmangd_2016.csv", folk)):
        if set(table) != set(kommuner):
            diff = sorted(set(table) ^ set(kommuner))
            raise ReferenceDataError(f"{name}: municipality codes differ from kommuner.csv: {', '.join(diff[:10])}")
    for kod, row in kommuner.items():
        if len(kod) != 4 or not kod.isdigit() or len(row["lanskod"]) != 2 or not row["lanskod"].isdigit():
            raise ReferenceDataError(f"kommuner.csv: malformed code in row for {kod!r}")

    lan: dict[str, str] = {}
    for row in kommuner.values():
        if lan.setdefault(row["lanskod"], row["lan"]) != row["lan"]:
            raise ReferenceDataError(f"kommuner.csv: län {row['lanskod']} has two names")
    if len(lan) != EXPECTED_LAN:
        raise ReferenceDataError(f"kommuner.csv: expected {EXPECTED_LAN} län, found {len(lan)}")
    lan = dict(sorted(lan.items()))

    grupp = {kod: int(row["grupp"]) for kod, row in storlek.items()}
    _check_counts("storleksgrupp_2017.csv (kommungrupp 1–5)", _count(grupp.values()), EXPECTED_KOMMUNGRUPP)
    for kod, row in folk.items():
        computed = kommungrupp_for(int(row["folkmangd_2016_12_31"]))
        if computed != grupp[kod]:
            raise ReferenceDataError(
                f"storleksgrupp_2017.csv: {kod} {kommuner[kod]['kommun']} is in group {grupp[kod]}, but its "
                f"population {row['folkmangd_2016_12_31']} (31 Dec 2016) puts it in group {computed}"
            )

    skl_kod = {kod: row["skl_kod"] for kod, row in skl.items()}
    _check_counts("skl_grupp_2017.csv (SKL-grupp)", _count(skl_kod.values()), EXPECTED_SKL)
    skl_groups: dict[str, str] = {}
    for row in skl.values():
        if skl_groups.setdefault(row["skl_kod"], row["skl_namn"]) != row["skl_namn"]:
            raise ReferenceDataError(f"skl_grupp_2017.csv: group {row['skl_kod']} has two names")
    skl_groups = dict(sorted(skl_groups.items()))

    if len(stadsdelar) != EXPECTED_DISTRICTS:
        raise ReferenceDataError(f"stadsdelar_2017.csv: expected {EXPECTED_DISTRICTS} districts, found {len(stadsdelar)}")
    for kod, row in stadsdelar.items():
        if row["kommunkod"] not in CITIES or not kod.startswith(row["kommunkod"] + "-"):
            raise ReferenceDataError(f"stadsdelar_2017.csv: district {kod} does not belong to one of {', '.join(CITIES)}")

    def unit(kod: str, namn: str, parent: str, stad: str | None) -> Unit:
        k = kommuner[parent]
        return Unit(
            kod=kod,
            namn=namn,
            lanskod=k["lanskod"],
            lan=k["lan"],
            kommungrupp=grupp[parent],
            skl_kod=skl_kod[parent],
            skl_namn=skl[parent]["skl_namn"],
            stad=stad,
            stad_namn=k["kommun"] if stad else None,
        )

    units = [unit(kod, row["kommun"], kod, None) for kod, row in kommuner.items() if kod not in CITIES]
    units += [unit(kod, row["stadsdel"], row["kommunkod"], row["kommunkod"]) for kod, row in stadsdelar.items()]
    units.sort(key=lambda u: u.kod)
    if len(units) != EXPECTED_UNITS:
        raise ReferenceDataError(f"population: expected {EXPECTED_UNITS} units, found {len(units)}")

    return Population(
        units=tuple(units),
        lan=lan,
        skl_groups=skl_groups,
        municipalities={kod: row["kommun"] for kod, row in kommuner.items()},
    )


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))
