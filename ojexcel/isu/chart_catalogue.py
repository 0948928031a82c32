"""The ISU workbook's diagram catalogue (`diagram.toml`, packaged beside this module) as data.

Each `Diagram` names a table of the compiled results, the delgrupper shown, how rows are laid out,
which categories the chart shows and the kind of chart; the sheets and the names shown for
delgrupper and categories are data too. `load_katalog()` checks the file against the codebook and
the contract's derived tables, so a typo fails at load time, not in a user's workbook.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..problems import OjexcelError
from .codebook import Codebook, load_codebook

# The contract's derived tables and means (CONTRACT isu §4), with their scope.
ALLA, AVSLUTADE, BRUKARENKAT = "alla", "avslutade", "brukarenkat"
DERIVED_SCOPE = {
    "faser": ALLA,
    "aldersgrupp": ALLA,
    "antal_insatser": ALLA,
    "riskbedomning_gjord": ALLA,
    "antal_samverkansparter": ALLA,
    "arendelangd": AVSLUTADE,
    "har_brukarenkat": AVSLUTADE,
    "toppgrupp": AVSLUTADE,
}
MEANS_SCOPE = {
    "medel_antal_insatser": ALLA,
    "medel_antal_samverkansparter": ALLA,
    "medel_arendelangd": AVSLUTADE,
}
FAS_SCOPE = {"aktualisering": ALLA, "fore": ALLA, "under": ALLA, "avslut": AVSLUTADE, "brukarenkat": BRUKARENKAT}
MEDEL = "medel"
MINST_ETT_SVAR = "minst_ett_svar"
UPPGIFT_SAKNAS = "uppgift_saknas"

RADER = ("kategorier", "delgrupper")
MATT = ("andel", "antal", "medel")
DIAGRAM = ("liggande", "staende", "tratt", "ingen")
ALL_VALUES = "=*"


class ChartCatalogueError(OjexcelError):
    """The packaged diagram catalogue is malformed (a packaging fault, not bad input)."""


@dataclass(frozen=True)
class ChartSheet:
    namn: str
    rubrik: str


@dataclass(frozen=True)
class Diagram:
    nr: int | None  # the report's number; None for the workbook's own tables
    tabellnr: int | None  # "Tabell N" for the workbook's own tables
    rubrik: str
    blad: str
    tabell: str
    delgrupper: tuple[str, ...]
    rader: str
    visa: tuple[str, ...]
    matt: str
    diagram: str
    kategorirubrik: str
    not_: str
    axeltitel: str

    @property
    def namn(self) -> str:
        """'Diagram 9' or 'Tabell 3'."""
        return f"Diagram {self.nr}" if self.nr is not None else f"Tabell {self.tabellnr}"

    @property
    def excel_name(self) -> str:
        """The Excel table's name: unique, and never a cell reference ('D9' would be one)."""
        return f"Diagram_{self.nr:02d}" if self.nr is not None else f"Tabell_{self.tabellnr:02d}"

    @property
    def is_mean(self) -> bool:
        return self.tabell in MEANS_SCOPE


@dataclass(frozen=True)
class KeyFigure:
    rubrik: str
    tabell: str
    kategori: str
    matt: str


@dataclass(frozen=True)
class ChartCatalogue:
    blad: tuple[ChartSheet, ...]
    diagram: tuple[Diagram, ...]
    grupper: dict[str, str]
    gruppmonster: dict[str, str]
    kategorier: dict[str, str]
    nyckeltal: tuple[KeyFigure, ...]

    def on_sheet(self, blad: str) -> tuple[Diagram, ...]:
        return tuple(d for d in self.diagram if d.blad == blad)

    def group_name(self, delgrupp: str) -> str:
        """The text shown for a delgrupp: 'HRV', '18-24 år', 'Samtliga'."""
        if delgrupp in self.grupper:
            return self.grupper[delgrupp]
        variabel, _, varde = delgrupp.partition("=")
        return self.gruppmonster.get(variabel, "{}").replace("{}", varde)

    def category_name(self, kategori: str) -> str:
        return self.kategorier.get(kategori, kategori)

    def expand(self, delgrupper: tuple[str, ...], present: tuple[str, ...]) -> tuple[str, ...]:
        """'VARIABEL=*' → every delgrupp of that breakdown in `present` (the results' order)."""
        out: list[str] = []
        for g in delgrupper:
            if g.endswith(ALL_VALUES):
                prefix = g[:-1]
                out.extend(p for p in present if p.startswith(prefix))
            else:
                out.append(g)
        return tuple(dict.fromkeys(out))


def scope(tabell: str, kodbok: Codebook) -> str:
    """Which ärenden a table counts: alla, avslutade or brukarenkat (CONTRACT §3)."""
    if tabell in DERIVED_SCOPE:
        return DERIVED_SCOPE[tabell]
    if tabell in MEANS_SCOPE:
        return MEANS_SCOPE[tabell]
    if tabell == "samverkan":
        return ALLA
    return FAS_SCOPE[kodbok[tabell].fas]


def etiketter(tabell: str, kodbok: Codebook) -> tuple[str, ...] | None:
    """A codebook variable's answer labels; None for a derived table or a mean."""
    if tabell in kodbok and kodbok[tabell].is_choice:
        return kodbok[tabell].svar
    return None


def _text(entry: dict, key: str, where: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise ChartCatalogueError(f"diagram.toml, {where}: {key} must be a text")
    return value


def parse_chart_catalogue(text: str, kodbok: Codebook) -> ChartCatalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ChartCatalogueError(f"diagram.toml: {e}") from None
    blad = tuple(ChartSheet(_text(b, "namn", "[[blad]]"), _text(b, "rubrik", "[[blad]]")) for b in data.get("blad", []))
    bladnamn = {b.namn for b in blad}
    if len(bladnamn) != len(blad) or not blad:
        raise ChartCatalogueError("diagram.toml: the [[blad]] names must be present and unique")
    known = {v.kolumn for v in kodbok.variabler if v.is_choice} | set(DERIVED_SCOPE) | set(MEANS_SCOPE)
    diagram: list[Diagram] = []
    nummer: set[int] = set()
    egna = 0
    for i, d in enumerate(data.get("diagram", []), start=1):
        where = f"[[diagram]] {i}"
        unknown = set(d) - {"nr", "rubrik", "blad", "tabell", "delgrupper", "rader", "visa", "matt", "diagram",
                            "kategorirubrik", "not", "axeltitel"}
        if unknown:
            raise ChartCatalogueError(f"diagram.toml, {where}: unknown keys {sorted(unknown)}")
        nr = d.get("nr")
        if nr is not None and (not isinstance(nr, int) or nr < 1 or nr in nummer):
            raise ChartCatalogueError(f"diagram.toml, {where}: nr {nr!r} is not a new positive number")
        tabell = _text(d, "tabell", where)
        if tabell not in known:
            raise ChartCatalogueError(f"diagram.toml, {where}: unknown table {tabell!r}")
        rader = _text(d, "rader", where, "kategorier")
        matt = _text(d, "matt", where, MEDEL if tabell in MEANS_SCOPE else "andel")
        kind = _text(d, "diagram", where)
        if rader not in RADER or matt not in MATT or kind not in DIAGRAM:
            raise ChartCatalogueError(f"diagram.toml, {where}: rader {rader!r}, matt {matt!r} or diagram {kind!r} unknown")
        if (matt == MEDEL) != (tabell in MEANS_SCOPE):
            raise ChartCatalogueError(f"diagram.toml, {where}: matt medel is for the means, and the means show medel")
        if kind == "ingen" and nr is not None:
            raise ChartCatalogueError(f"diagram.toml, {where}: every diagram of the report gets a chart")
        if _text(d, "blad", where) not in bladnamn:
            raise ChartCatalogueError(f"diagram.toml, {where}: unknown sheet {d['blad']!r}")
        delgrupper = d.get("delgrupper", [""])
        visa = d.get("visa", [])
        if not (isinstance(delgrupper, list) and delgrupper and all(isinstance(g, str) for g in delgrupper)):
            raise ChartCatalogueError(f"diagram.toml, {where}: delgrupper must be a list of texts")
        if not (isinstance(visa, list) and all(isinstance(v, str) for v in visa)):
            raise ChartCatalogueError(f"diagram.toml, {where}: visa must be a list of texts")
        labels = etiketter(tabell, kodbok)
        if visa and labels is not None:
            bad = [v for v in visa if v not in labels]
            if bad:
                raise ChartCatalogueError(f"diagram.toml, {where}: {bad} are not labels of {tabell}")
        if rader == "delgrupper" and (MINST_ETT_SVAR in visa or UPPGIFT_SAKNAS in visa):
            raise ChartCatalogueError(f"diagram.toml, {where}: rows by delgrupp show categories that share one base")
        if nr is None:
            egna += 1
        else:
            nummer.add(nr)
        diagram.append(Diagram(
            nr=nr, tabellnr=None if nr is not None else egna, rubrik=_text(d, "rubrik", where),
            blad=d["blad"], tabell=tabell, delgrupper=tuple(delgrupper), rader=rader, visa=tuple(visa),
            matt=matt, diagram=kind, kategorirubrik=_text(d, "kategorirubrik", where, "Svar"),
            not_=_text(d, "not", where, ""), axeltitel=_text(d, "axeltitel", where, ""),
        ))
    nyckeltal = []
    for i, k in enumerate(data.get("nyckeltal", []), start=1):
        where = f"[[nyckeltal]] {i}"
        n = KeyFigure(_text(k, "rubrik", where), _text(k, "tabell", where), _text(k, "kategori", where),
                      _text(k, "matt", where))
        if n.tabell not in known or n.matt not in MATT:
            raise ChartCatalogueError(f"diagram.toml, {where}: unknown table {n.tabell!r} or matt {n.matt!r}")
        nyckeltal.append(n)

    def names(key: str) -> dict[str, str]:
        table = data.get(key, {})
        if not all(isinstance(v, str) for v in table.values()):
            raise ChartCatalogueError(f"diagram.toml, [{key}]: every name must be a text")
        return dict(table)

    return ChartCatalogue(blad, tuple(diagram), names("grupper"), names("gruppmonster"), names("kategorier"), tuple(nyckeltal))


@cache
def load_chart_catalogue() -> ChartCatalogue:
    text = resources.files("ojexcel.isu").joinpath("diagram.toml").read_text(encoding="utf-8")
    return parse_chart_catalogue(text, load_codebook())
