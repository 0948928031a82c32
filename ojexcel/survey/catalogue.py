"""The indicator catalogue of a survey year: `ojexcel/katalog/indikatorer_<year>.toml`.

Each entry carries the published metadata (order, quality dimension/area, indicator area, Excel
short name, scale, survey part) and its rule as data: a rule kind (`typ`) and the kind's
parameters. Loading checks the rule against the codebook, so a typo in the catalogue fails at
start-up rather than producing quietly wrong numbers.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..io.resources import KATALOG, resource
from ..problems import OjexcelError
from .codebook import Codebook, load_codebook
from .rules import In, Rule, RuleError, build_rule, rule_columns_with_parents

# Keys of an [[indikator]] entry that describe it; every other key (but `typ`) is a rule parameter.
METADATA_KEYS = (
    "ordning",
    "id",
    "kvalitetsdimension",
    "kvalitetsomrade",
    "indikatoromrade",
    "kortnamn",
    "skala",
    "del",
    "regel",
)
OPTIONAL_METADATA_KEYS = (
    "rubrik",  # the unit sheet's column header: kortnamn abbreviated (default: kortnamn)
    "namn",  # the indicator's full name (guide: Indikatornamn)
    "matt",  # what is measured (guide: Indikator/Mått)
    "malvarde",  # target value (guide: Målvärde)
    "enkatfragor",  # the survey questions, in words
    "indikatortyp",  # type of indicator (guide: Typ av indikator): Struktur, Process or Resultat
    "jamforbarhet",  # comparability with the previous year: "jämförbar", "delvis jämförbar", "ej jämförbar"
    "jamforbarhet_not",  # why, in words; empty when "jämförbar"
)


class CatalogueError(OjexcelError, ValueError):
    """An indicator catalogue that cannot be read or does not fit its codebook."""


@dataclass(frozen=True)
class Indicator:
    ordning: int
    id: str
    kvalitetsdimension: str
    kvalitetsomrade: str
    indikatoromrade: str
    kortnamn: str
    skala: str
    del_: str  # 'G' or 'V'
    regel: str
    typ: str
    rule: Rule
    columns: tuple[str, ...]  # the rule's columns with their skip-logic parents, parents first
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def meta(self, key: str, default: str = "") -> str:
        return self.extra.get(key, default)

    @property
    def rubrik(self) -> str:
        """The unit sheet's column header: the short name abbreviated (`rubrik`), else kortnamn."""
        return self.extra.get("rubrik") or self.kortnamn


@dataclass(frozen=True, eq=False)
class Catalogue:
    year: int
    title: str
    indicators: tuple[Indicator, ...]
    codebook: Codebook

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)


def available_years() -> tuple[int, ...]:
    """The survey years that have a catalogue file."""
    years = []
    for node in resources.files(KATALOG).iterdir():
        stem = node.name.removeprefix("indikatorer_").removesuffix(".toml")
        if node.name != stem and stem.isdigit():
            years.append(int(stem))
    return tuple(sorted(years))


def _check_rule(ind_id: str, part: str, rule: Rule, codebook: Codebook) -> tuple[str, ...]:
    for col in rule.columns():
        if col not in codebook:
            raise CatalogueError(f"indicator {ind_id}: column {col} is not in the codebook")
        if codebook[col].part != part:
            raise CatalogueError(f"indicator {ind_id} (part {part}): column {col} belongs to part {codebook[col].part}")
    for _, cond in rule.clauses:
        for leaf in _leaves(cond):
            if isinstance(leaf, In):
                q = codebook[leaf.column]
                for v in leaf.values:
                    if v not in q.answers:
                        raise CatalogueError(
                            f"indicator {ind_id}: {leaf.column} has no answer {v!r} (answers: {', '.join(q.answers)})"
                        )
    return rule_columns_with_parents(rule, codebook)


def _leaves(cond):
    parts = getattr(cond, "parts", None)
    if parts is None:
        yield cond
    else:
        for p in parts:
            yield from _leaves(p)


@cache
def load_catalogue(year: int) -> Catalogue:
    node = resource(KATALOG, f"indikatorer_{year}.toml")
    if not node.is_file():
        raise CatalogueError(
            f"no indicator catalogue for survey year {year}; available: {', '.join(map(str, available_years()))}"
        )
    data = tomllib.loads(node.read_text(encoding="utf-8"))
    if data.get("year") != year:
        raise CatalogueError(f"indikatorer_{year}.toml says year = {data.get('year')!r}")
    codebook = load_codebook(year)
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("indikator", []), start=1):
        entry = dict(entry)
        missing = [k for k in METADATA_KEYS + ("typ",) if k not in entry]
        if missing:
            raise CatalogueError(f"indikatorer_{year}.toml: entry {n} lacks {', '.join(missing)}")
        ind_id = entry["id"]
        if ind_id in seen:
            raise CatalogueError(f"indikatorer_{year}.toml: id {ind_id} appears twice")
        seen.add(ind_id)
        if entry["ordning"] != n:
            raise CatalogueError(f"indikatorer_{year}.toml: {ind_id} has ordning {entry['ordning']}, expected {n}")
        if entry["del"] not in ("G", "V"):
            raise CatalogueError(f"indicator {ind_id}: del must be G or V, not {entry['del']!r}")
        meta = {k: entry.pop(k) for k in METADATA_KEYS}
        extra = {k: entry.pop(k) for k in OPTIONAL_METADATA_KEYS if k in entry}
        typ = entry.pop("typ")
        try:
            rule = build_rule(typ, entry)
        except (RuleError, KeyError) as exc:
            raise CatalogueError(f"indicator {ind_id}: {exc}") from None
        columns = _check_rule(ind_id, meta["del"], rule, codebook)
        indicators.append(
            Indicator(
                ordning=meta["ordning"],
                id=ind_id,
                kvalitetsdimension=meta["kvalitetsdimension"],
                kvalitetsomrade=meta["kvalitetsomrade"],
                indikatoromrade=meta["indikatoromrade"],
                kortnamn=meta["kortnamn"],
                skala=meta["skala"],
                del_=meta["del"],
                regel=meta["regel"],
                typ=typ,
                rule=rule,
                columns=columns,
                extra=extra,
            )
        )
    if not indicators:
        raise CatalogueError(f"indikatorer_{year}.toml lists no indicators")
    return Catalogue(year=year, title=data.get("title", ""), indicators=tuple(indicators), codebook=codebook)
