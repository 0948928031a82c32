"""A survey year as data (årgång): one folder of files a statistician writes and versions.

    arsgang.toml       the year: ar, titel, undertryckning_procent, foregaende, storstader,
                       [[kommungrupp]], [[skl_grupp]], ([[lan]]), [texter]
    codebook.csv       every raw column, its answers and skip logic        (survey/codebook.py)
    indikatorer.toml   the indicators and their rules                       (survey/catalogue.py)
    enheter.csv        the population (CONTRACT §7)                         (survey/enheter.py)
    folkmangd.csv      optional: population counts; kommungrupp checked     (survey/enheter.py)
    jamforbarhet.csv   optional: comparability with the previous year       (survey/comparability.py)
    kolada.csv         optional: the Kolada coding of the indicators        (survey/kolada.py)

The embedded years (2016, 2017, 2018) are årgångar in exactly this format, packaged in
`ojexcel/survey/arsgangar/<year>/`, so every year takes one code path. `load_arsgang(2017)` or
`load_arsgang("path/to/folder")` returns an `Arsgang` (codebook, catalogue, population, metadata)
or raises `ArsgangError` listing every problem; `check_arsgang(folder)` returns the problems
without raising (`ojexcel arsgang check`). The reference for statisticians is docs/arsgang.md.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from ..population import KOMMUNGRUPP_BOUNDS, KOMMUNGRUPP_NAMN, Population, load_population
from ..problems import ERROR, InputError, Problem, Report
from .arsgang_files import TomlFile, read_table, read_toml
from .catalogue import Catalogue, catalogue_from_toml
from .codebook import COLUMNS as CODEBOOK_COLUMNS
from .codebook import Codebook, codebook_from_rows
from .comparability import COLUMNS as COMPARABILITY_COLUMNS
from .comparability import JAMFORBAR
from .comparability import OPTIONAL as COMPARABILITY_OPTIONAL
from .comparability import Comparability, comparability_from_rows
from .enheter import COLUMNS as ENHETER_COLUMNS
from .enheter import FOLKMANGD_COLUMNS, FOLKMANGD_OPTIONAL, Groups, Kommungrupp, check_counts, population_from_rows
from .kolada import TABLE_HEADER as KOLADA_COLUMNS
from .kolada import Kpi, kpis_from_rows
from .rule_check import check_regel, check_rule

from ..io.resources import ARSGANGAR
METADATA = "arsgang.toml"
CODEBOOK = "codebook.csv"
CATALOGUE = "indikatorer.toml"
ENHETER = "enheter.csv"
FOLKMANGD = "folkmangd.csv"
JAMFORBARHET = "jamforbarhet.csv"
KOLADA = "kolada.csv"
GUIDE = "LASMIG.md"
FILES = (METADATA, CODEBOOK, CATALOGUE, ENHETER, FOLKMANGD, JAMFORBARHET, KOLADA)
OPTIONAL_FILES = (FOLKMANGD, JAMFORBARHET, KOLADA)
KNOWN_FILES = FILES + (GUIDE,)

DEFAULT_UNDERTRYCKNING = 20  # CONTRACT §4: shown up to 20 % ej aktuellt + bortfall
METADATA_KEYS = ("ar", "titel", "undertryckning_procent", "foregaende", "storstader", "kommungrupp",
                 "skl_grupp", "lan", "texter")
TEXT_KEYS = ("kalla", "noter", "kommun_kalla", "analysguide_jamforbarhet", "analysguide_kalla", "kommungrupp_efter",
             "skl_indelning")
OPTIONAL_TEXT_KEYS = ("kommungrupp_efter", "skl_indelning")  # may be left out: the texts using them say less
PLACEHOLDERS = ("ar",)  # {ar} in a text: the årgång's year
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
NEW_INDICATOR = "ny indikator"  # the Indikatorer sheet's comparability of an indicator new this year


class ArsgangError(InputError):
    """An årgång that cannot be used: every problem of its files (exit status 1)."""

    def __init__(self, folder: str, problems: list[Problem], warnings: list[Problem] = ()):
        super().__init__(problems, list(warnings))
        self.folder = folder

    def __str__(self) -> str:
        return f"the årgång {self.folder} has {self.count} problem(s); `ojexcel arsgang check {self.folder}` lists them"


@dataclass(frozen=True)
class Texts:
    """The year's own texts in the outputs (`[texter]` of arsgang.toml), `{ar}` filled in."""

    kalla: str  # the Information sheet's "Källa"
    noter: tuple[str, ...]  # the Information sheet's notes on this year's indicators
    kommun_kalla: str  # a municipality's sheet: the source line
    analysguide_jamforbarhet: str  # the analysis guide, step 3: on comparing with earlier years
    analysguide_kalla: str  # the analysis guide's source
    # Optional, for the website: what the kommungrupper are by ("antal invånare den 31 december
    # 2016"), and which SKL grouping the skl_grupp are ("SKL:s kommungruppsindelning 2017").
    kommungrupp_efter: str = ""
    skl_indelning: str = ""


@dataclass(frozen=True, eq=False)
class Arsgang:
    """One survey year: everything the survey product needs to compute and write it."""

    year: int
    title: str
    folder: Path
    embedded: bool
    codebook: Codebook
    catalogue: Catalogue
    population: Population
    undertryckning: int  # percent: a share is not shown when ej aktuellt + bortfall exceed it
    previous: str | None  # the previous årgång as written (an embedded year, or a folder)
    previous_year: int | None
    previous_ids: frozenset[str] | None  # the previous year's indicator ids
    comparability: dict[str, Comparability]
    kpis: tuple[Kpi, ...] | None  # None: no kolada.csv
    texts: Texts
    folkmangd: dict[str, int] | None = None
    warnings: tuple[Problem, ...] = ()
    groups: Groups | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """How messages name it: the year for an embedded one, else the folder."""
        return str(self.year) if self.embedded else str(self.folder)

    def comparability_of(self, indicator_id: str) -> Comparability | None:
        """How the indicator compares with the previous year: its row of jamforbarhet.csv, or —
        without one — jämförbar with the same id when the previous year had it, else None (new
        this year, or the first year of a series)."""
        found = self.comparability.get(indicator_id)
        if found is not None:
            return found
        if self.previous_ids is None or indicator_id not in self.previous_ids:
            return None
        return Comparability(indicator_id, JAMFORBAR, "", indicator_id)

    def load_previous(self) -> "Arsgang | None":
        """The previous årgång (embedded year or folder), or None for the first year of a series."""
        if self.previous is None:
            return None
        return load_arsgang(_previous_source(self.previous, self.folder, self.embedded))

    def comparability_text(self, indicator_id: str) -> tuple[str, str]:
        """(comparability, note) as the Indikatorer sheet shows them."""
        found = self.comparability.get(indicator_id)
        if found is not None:
            return found.text, found.not_
        if self.previous_ids is None:
            return "", ""
        if indicator_id not in self.previous_ids:
            return NEW_INDICATOR, ""
        return JAMFORBAR, ""


# -- where årgångar are ---------------------------------------------------------------------------

def embedded_folder(year: int) -> Path | None:
    node = resources.files(ARSGANGAR).joinpath(str(year))
    if not node.is_dir() or not node.joinpath(METADATA).is_file():
        return None
    return Path(str(node))


@cache
def embedded_years() -> tuple[int, ...]:
    """The survey years packaged as årgångar."""
    years = []
    for node in resources.files(ARSGANGAR).iterdir():
        if node.name.isdigit() and node.joinpath(METADATA).is_file():
            years.append(int(node.name))
    return tuple(sorted(years))


def _previous_source(previous: str, folder: Path, embedded: bool) -> int | Path:
    if previous.isdigit() and (embedded or not (folder / previous).is_dir()):
        return int(previous)
    return (folder / previous)


def load_arsgang(source: "int | str | os.PathLike | Arsgang") -> Arsgang:
    """An årgång: an embedded year (2017, "2017") or a folder. Raises ArsgangError (every problem
    of its files), or ArsgangError with one problem for a year that is not embedded.

    This is the one public way to get a survey year, for the command line, the API and the site:
    `arsgang = load_arsgang(args.arsgang or args.year)`, then `arsgang.catalogue`,
    `arsgang.population`, `arsgang.codebook`, `arsgang.texts` …"""
    if isinstance(source, Arsgang):
        return source
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit() and not Path(source).is_dir()):
        return _load_embedded(int(source))
    folder = Path(source)
    return _load_folder(folder.resolve(), str(folder), _signature(folder))


@cache
def _load_embedded(year: int) -> Arsgang:
    folder = embedded_folder(year)
    if folder is None:
        available = ", ".join(map(str, embedded_years()))
        raise ArsgangError(str(year), [Problem(
            f"no embedded årgång for survey year {year} (embedded: {available}); give the year's folder with --arsgang DIR"
        )])
    return _loaded(folder, f"{year}", embedded=True)


def _signature(folder: Path) -> tuple:
    """What a folder's files are now (a cached load is reused only while nothing changed)."""
    out = []
    for name in FILES:
        try:
            st = (folder / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, None, None))
    return tuple(out)


@cache
def _load_folder(resolved: Path, shown: str, signature: tuple) -> Arsgang:
    return _loaded(resolved, shown, embedded=False)


def _loaded(folder: Path, shown: str, embedded: bool) -> Arsgang:
    arsgang, problems = _check(folder, shown, embedded)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or arsgang is None:
        raise ArsgangError(shown, errors, [p for p in problems if p.severity != ERROR])
    return arsgang


def check_arsgang(source: "int | str | os.PathLike") -> tuple[Arsgang | None, list[Problem]]:
    """Every problem of an årgång (errors and warnings, files in a fixed order), and the årgång
    when it has no error. Never raises for what is in the files."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit() and not Path(source).is_dir()):
        folder = embedded_folder(int(source))
        if folder is None:
            return None, [Problem(f"no embedded årgång for survey year {source}")]
        return _check(folder, str(source), embedded=True)
    folder = Path(source)
    return _check(folder.resolve(), str(folder), embedded=False)


# -- the check --------------------------------------------------------------------------------------

def _shown(shown: str, name: str) -> str:
    return f"{shown}/{name}" if shown else name


def _check(folder: Path, shown: str, embedded: bool) -> tuple[Arsgang | None, list[Problem]]:
    problems: list[Problem] = []

    def report_for(name: str) -> Report:
        r = Report(file=_shown(shown, name))
        reports.append(r)
        return r

    reports: list[Report] = []
    if not folder.exists():
        return None, [Problem("no such folder", file=shown)]
    if not folder.is_dir():
        return None, [Problem("is not a folder: an årgång is a folder of files (docs/arsgang.md)", file=shown)]
    folder_report = report_for("")
    folder_report.file = shown
    _check_file_names(folder, folder_report)

    meta_report = report_for(METADATA)
    meta_toml = read_toml(folder / METADATA, meta_report, _shown(shown, METADATA))
    reference = load_population()
    meta = metadata_from_toml(meta_toml, meta_report, reference) if meta_toml is not None else None
    year = meta.year if meta else 0

    codebook_report = report_for(CODEBOOK)
    codebook_rows = read_table(folder / CODEBOOK, codebook_report, CODEBOOK_COLUMNS, shown=_shown(shown, CODEBOOK))
    codebook = codebook_from_rows(codebook_rows or [], year, codebook_report) if codebook_rows is not None else None

    catalogue_report = report_for(CATALOGUE)
    catalogue_toml = read_toml(folder / CATALOGUE, catalogue_report, _shown(shown, CATALOGUE))
    catalogue = None
    named_ids: set[str] = set()
    if catalogue_toml is not None:
        named_ids = {e["id"] for e in catalogue_toml.data.get("indikator", []) if isinstance(e, dict) and isinstance(e.get("id"), str)}
    if catalogue_toml is not None and codebook is not None:
        catalogue = catalogue_from_toml(catalogue_toml, codebook, year, meta.title if meta else "", catalogue_report)
        with_regel = {e.get("id") for e in catalogue_toml.data.get("indikator", []) if isinstance(e, dict) and "regel" in e}
        for ind in catalogue:
            check_rule(ind, codebook, catalogue_report)
            check_regel(ind, codebook, ind.id in with_regel, catalogue_report,
                        lambda ind=ind: catalogue_toml.key_line("regel", ind.line or 1))

    population = None
    enheter_report = report_for(ENHETER)
    enheter_rows = read_table(folder / ENHETER, enheter_report, ENHETER_COLUMNS, shown=_shown(shown, ENHETER))
    row_of: dict[str, int] = {}
    if enheter_rows is not None and meta is not None:
        population, row_of = population_from_rows(enheter_rows, meta.groups, enheter_report, reference,
                                                  _shown(shown, METADATA))

    counts = None
    if (folder / FOLKMANGD).exists():
        folk_report = report_for(FOLKMANGD)
        folk_rows = read_table(folder / FOLKMANGD, folk_report, FOLKMANGD_COLUMNS, FOLKMANGD_OPTIONAL,
                               shown=_shown(shown, FOLKMANGD))
        if folk_rows is not None and population is not None and meta is not None:
            counts = check_counts(folk_rows, population, row_of, meta.groups, folk_report,
                                  _shown(shown, ENHETER), _shown(shown, METADATA))

    previous_ids: frozenset[str] | None = None
    previous_year: int | None = None
    if meta is not None and meta.previous is not None:
        previous_ids, previous_year = _previous_catalogue(meta, folder, shown, embedded, meta_report, meta_toml)

    comparability: dict[str, Comparability] = {}
    if (folder / JAMFORBARHET).exists():
        comp_report = report_for(JAMFORBARHET)
        comp_rows = read_table(folder / JAMFORBARHET, comp_report, COMPARABILITY_COLUMNS, COMPARABILITY_OPTIONAL,
                               shown=_shown(shown, JAMFORBARHET))
        if comp_rows is not None:
            comparability = comparability_from_rows(comp_rows, comp_report)
            _check_comparability(comparability, named_ids, meta, previous_ids, previous_year, comp_report,
                                 catalogue_toml is not None)

    kpis = None
    if (folder / KOLADA).exists():
        kolada_report = report_for(KOLADA)
        kolada_rows = read_table(folder / KOLADA, kolada_report, KOLADA_COLUMNS, shown=_shown(shown, KOLADA))
        if kolada_rows is not None:
            kpis = kpis_from_rows(kolada_rows, kolada_report, named_ids if catalogue_toml is not None else None)

    for r in reports:
        problems.extend(r.problems)
        for severity, n in r.omitted.items():
            if n:
                problems.append(Problem(f"… and {n:,} more {severity}s in this file, not listed", file=r.file, severity=severity))
    if any(p.severity == ERROR for p in problems) or None in (meta, codebook, catalogue, population):
        if not any(p.severity == ERROR for p in problems):
            problems.append(Problem("the årgång cannot be read", file=shown))
        return None, problems
    arsgang = Arsgang(
        year=meta.year,
        title=meta.title,
        folder=folder,
        embedded=embedded,
        codebook=codebook,
        catalogue=catalogue,
        population=population,
        undertryckning=meta.undertryckning,
        previous=meta.previous,
        previous_year=previous_year,
        previous_ids=previous_ids,
        comparability=comparability,
        kpis=kpis,
        texts=meta.texts,
        folkmangd=counts,
        warnings=tuple(p for p in problems if p.severity != ERROR),
        groups=meta.groups,
    )
    return arsgang, problems


def _check_file_names(folder: Path, report: Report) -> None:
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        report.error(f"cannot be listed ({exc.strerror or exc})")
        return
    for name in names:
        if name in KNOWN_FILES or name.startswith("."):
            continue
        close = difflib.get_close_matches(name.lower(), KNOWN_FILES, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close and close[0] not in names else ""
        report.warn(f"{name} is not a file of an årgång and is ignored{hint}")
    for name in FILES:
        if name not in OPTIONAL_FILES and name not in names:
            report.error(f"{name} is missing (every årgång has {', '.join(n for n in FILES if n not in OPTIONAL_FILES)})")


# -- arsgang.toml ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metadata:
    year: int
    title: str
    undertryckning: int
    previous: str | None
    groups: Groups
    texts: Texts


def metadata_from_toml(toml: TomlFile, report: Report, reference: Population) -> Metadata | None:
    """The year's metadata from `arsgang.toml`, every problem reported; None when even its year
    cannot be read. `reference`: the municipality reference (the default län and SKL groups)."""
    data = toml.data
    ok = True

    def error(message: str, key: str, value=None, line: int | None = None) -> None:
        nonlocal ok
        ok = False
        report.error(message, line=line or toml.key_line(key.split(".")[0]), key=key, value=value)

    for key in data:
        if key not in METADATA_KEYS:
            close = difflib.get_close_matches(key, METADATA_KEYS, n=1)
            error("unknown key" + (f"; did you mean {close[0]}?" if close else f" (the keys: {', '.join(METADATA_KEYS)})"),
                  key, data[key])
    year = data.get("ar")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        error("ar is the survey year, a whole number such as 2019" if "ar" in data else "ar (the survey year) is missing",
              "ar", year)
        year = 0
    title = data.get("titel")
    if not isinstance(title, str) or not title.strip():
        error("titel is the file's title in quotes, e.g. \"Öppna jämförelser 2019 – Våld i nära relationer\""
              if "titel" in data else "titel (the file's title) is missing", "titel", title)
        title = ""
    undertryckning = data.get("undertryckning_procent", DEFAULT_UNDERTRYCKNING)
    if not isinstance(undertryckning, int) or isinstance(undertryckning, bool) or not 0 <= undertryckning <= 100:
        error("undertryckning_procent is a whole percent 0–100 (20: a share is not shown when ej aktuellt and "
              "bortfall together exceed 20 % of the group)", "undertryckning_procent", undertryckning)
        undertryckning = DEFAULT_UNDERTRYCKNING
    previous = data.get("foregaende")
    if previous is not None:
        if isinstance(previous, int) and not isinstance(previous, bool):
            previous = str(previous)
        elif not isinstance(previous, str) or not previous.strip():
            error("foregaende is the previous årgång: an embedded year (2018) or a folder in quotes (\"../2018\")",
                  "foregaende", previous)
            previous = None
    cities = data.get("storstader", [])
    if not isinstance(cities, list) or not all(isinstance(c, str) and re.fullmatch(r"\d{4}", c) for c in cities):
        error("storstader lists the kommunkod of each city that answers per district, in quotes: "
              "[\"0180\", \"1480\", \"1280\"] (or [] for none)", "storstader", cities)
        cities = []
    elif len(set(cities)) != len(cities):
        error("a city is listed twice in storstader", "storstader", cities)
        cities = list(dict.fromkeys(cities))
    groups = Groups(
        kommungrupper=_kommungrupper(data, toml, error),
        skl_grupper=_code_names(data, toml, error, "skl_grupp", r"[A-Z]\d{1,2}", "kod", dict(reference.skl_groups)),
        lan=_code_names(data, toml, error, "lan", r"\d{2}", "kod", dict(reference.lan)),
        cities=tuple(cities),
    )
    texts = _texts(data, toml, year, error)
    if not ok or texts is None:
        return Metadata(year, title, undertryckning, previous, groups, texts or Texts("", (), "", "", "")) if year else None
    return Metadata(year, title, undertryckning, previous, groups, texts)


def _kommungrupper(data: dict, toml: TomlFile, error) -> tuple[Kommungrupp, ...]:
    entries = data.get("kommungrupp")
    if entries is None:  # CONTRACT §1: 1–5 by inhabitants
        lows = (0,) + KOMMUNGRUPP_BOUNDS
        return tuple(Kommungrupp(g, namn, low) for (g, namn), low in zip(KOMMUNGRUPP_NAMN.items(), lows))
    lines = toml.table_lines("kommungrupp")
    out: list[Kommungrupp] = []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        error("kommungrupp is a list of [[kommungrupp]] tables (grupp, namn, minst_invanare)", "kommungrupp")
        return tuple(Kommungrupp(g, n, None) for g, n in KOMMUNGRUPP_NAMN.items())
    seen: set[int] = set()
    for n, e in enumerate(entries):
        line = lines[n] if n < len(lines) else None
        grupp, namn, low = e.get("grupp"), e.get("namn"), e.get("minst_invanare")
        unknown = sorted(set(e) - {"grupp", "namn", "minst_invanare"})
        for k in unknown:
            error(f"[[kommungrupp]] takes grupp, namn and minst_invanare, not {k}", f"kommungrupp.{k}", e[k], line)
        if not isinstance(grupp, int) or isinstance(grupp, bool) or grupp < 1:
            error("grupp is the group's number (1, 2 …)", "kommungrupp.grupp", grupp, line)
            continue
        if grupp in seen:
            error(f"kommungrupp {grupp} is declared twice", "kommungrupp.grupp", grupp, line)
            continue
        seen.add(grupp)
        if not isinstance(namn, str) or not namn.strip():
            error("namn is the group's name in quotes (\"1–14 999 invånare\")", "kommungrupp.namn", namn, line)
            namn = str(grupp)
        if low is not None and (not isinstance(low, int) or isinstance(low, bool) or low < 0):
            error("minst_invanare is the band's lower bound, a whole number (15000)", "kommungrupp.minst_invanare", low, line)
            low = None
        out.append(Kommungrupp(grupp, namn, low))
    lows = [g.minst_invanare for g in out if g.minst_invanare is not None]
    if len(set(lows)) != len(lows):
        error("two kommungrupper have the same minst_invanare: the bands must not overlap", "kommungrupp.minst_invanare", lows)
    if lows and 0 not in lows and len(lows) == len(out):
        error("the lowest band must start at minst_invanare = 0 (every municipality falls in a band)",
              "kommungrupp.minst_invanare", min(lows))
    return tuple(out)


def _code_names(data: dict, toml: TomlFile, error, name: str, pattern: str, code_key: str,
                default: dict[str, str]) -> dict[str, str]:
    entries = data.get(name)
    if entries is None:
        return default
    lines = toml.table_lines(name)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        error(f"{name} is a list of [[{name}]] tables ({code_key}, namn)", name)
        return default
    out: dict[str, str] = {}
    for n, e in enumerate(entries):
        line = lines[n] if n < len(lines) else None
        kod, namn = e.get(code_key), e.get("namn")
        for k in sorted(set(e) - {code_key, "namn"}):
            error(f"[[{name}]] takes {code_key} and namn, not {k}", f"{name}.{k}", e[k], line)
        if not isinstance(kod, str) or not re.fullmatch(pattern, kod):
            error(f"{code_key} of [[{name}]] is a code in quotes" + (" (\"A1\")" if name == "skl_grupp" else " (\"01\")"),
                  f"{name}.{code_key}", kod, line)
            continue
        if kod in out:
            error(f"{kod} is declared twice", f"{name}.{code_key}", kod, line)
            continue
        if not isinstance(namn, str) or not namn.strip():
            error("namn is the name in quotes", f"{name}.namn", namn, line)
            continue
        out[kod] = namn
    return out


def _texts(data: dict, toml: TomlFile, year: int, error) -> Texts | None:
    texter = data.get("texter")
    line = toml.section_line("texter")
    if not isinstance(texter, dict):
        error("[texter] is missing: the year's own texts (" + ", ".join(TEXT_KEYS) + ")", "texter", None, line)
        return None
    values: dict[str, object] = {}
    ok = True
    for k in texter:
        if k not in TEXT_KEYS:
            close = difflib.get_close_matches(k, TEXT_KEYS, n=1)
            error("unknown text" + (f"; did you mean {close[0]}?" if close else f" (the texts: {', '.join(TEXT_KEYS)})"),
                  f"texter.{k}", texter[k], toml.key_line(k, line or 1) or line)
    for k in TEXT_KEYS:
        if k in OPTIONAL_TEXT_KEYS and k not in texter:
            continue
        value = texter.get(k, [] if k == "noter" else None)
        k_line = toml.key_line(k, line or 1) or line
        items = value if k == "noter" else [value]
        if k == "noter" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            error("noter is a list of texts in quotes, one per note: [\"…\", \"…\"] (or [])", f"texter.{k}", value, k_line)
            ok = False
            continue
        if k != "noter" and (not isinstance(value, str) or not value.strip()):
            error(f"texter.{k} is " + ("missing" if value is None else "not a text in quotes"), f"texter.{k}", value, k_line)
            ok = False
            continue
        filled = []
        for item in items:
            unknown = [p for p in _PLACEHOLDER.findall(item) if p not in PLACEHOLDERS]
            if unknown:
                error(f"unknown placeholder {{{unknown[0]}}}: a text may hold {{ar}} (the year), nothing else in braces",
                      f"texter.{k}", item, k_line)
                ok = False
            filled.append(item.replace("{ar}", str(year)))
        values[k] = tuple(filled) if k == "noter" else filled[0]
    if not ok:
        return None
    return Texts(**values)  # type: ignore[arg-type]


# -- comparability and the previous year ---------------------------------------------------------

def _previous_catalogue(meta: Metadata, folder: Path, shown: str, embedded: bool, report: Report,
                        toml: TomlFile | None) -> tuple[frozenset[str] | None, int | None]:
    """The previous årgång's indicator ids and year, read from its arsgang.toml and
    indikatorer.toml only: comparability is checked against them, while the previous årgång's
    own problems are its own check's (`load_previous` loads it fully, for a trend)."""
    source = _previous_source(meta.previous, folder, embedded)
    where = dict(line=toml.key_line("foregaende") if toml else None, key="foregaende", value=meta.previous)
    target = embedded_folder(source) if isinstance(source, int) else source.resolve()
    if target is None:
        report.error(f"no embedded årgång {source} (embedded: {', '.join(map(str, embedded_years()))}); "
                     "for a year of your own give its folder in quotes (\"../2018\")", **where)
        return None, None
    if target == folder:
        report.error("foregaende names this årgång itself", **where)
        return None, None
    if not target.is_dir():
        report.error(f"no such folder: {target}", **where)
        return None, None
    quiet = Report()
    previous_meta = read_toml(target / METADATA, quiet)
    previous_catalogue = read_toml(target / CATALOGUE, quiet)
    year = previous_meta.data.get("ar") if previous_meta is not None else None
    entries = previous_catalogue.data.get("indikator") if previous_catalogue is not None else None
    if not isinstance(year, int) or not isinstance(entries, list):
        report.error("the previous årgång cannot be read (its arsgang.toml or indikatorer.toml); "
                     "run ojexcel arsgang check on it", **where)
        return None, None
    if year >= meta.year:
        report.error(f"the previous årgång is {year}, not a year before {meta.year}", **where)
    return frozenset(e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)), year


def _check_comparability(comparability: dict[str, Comparability], named_ids: set[str], meta: Metadata | None,
                         previous_ids: frozenset[str] | None, previous_year: int | None, report: Report,
                         catalogue_read: bool) -> None:
    if comparability and meta is not None and meta.previous is None:
        report.warn("there is no previous årgång (foregaende in arsgang.toml), so there is nothing to compare with; "
                    "the file is ignored")
        return
    for c in comparability.values():
        if catalogue_read and c.indikator not in named_ids:
            report.warn(f"{c.indikator} is not an indicator of this year's catalogue (ignored)",
                        row=c.row, column="indikator", value=c.indikator)
            continue
        if previous_ids is not None and c.foregaende not in previous_ids:
            column = "foregaende_indikator" if c.foregaende != c.indikator else "indikator"
            hint = ("; name the previous year's indicator it continues in foregaende_indikator, or remove the row "
                    "if the indicator is new" if column == "indikator" else "")
            report.error(f"the previous year's catalogue ({previous_year}) has no indicator {c.foregaende}{hint}",
                         row=c.row, column=column, value=c.foregaende)


def load_catalogue(source: "int | str | os.PathLike") -> Catalogue:
    """The indicator catalogue of an årgång (an embedded year or a folder): `load_arsgang(source).catalogue`."""
    return load_arsgang(source).catalogue
