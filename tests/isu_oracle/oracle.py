"""An independent, deliberately plain reading of the ISU contract (`../shared/spec/isu/CONTRACT.md`).

Valid record CSV in, the §6 tidy export's exact text out — perturbed by §2's cell key method with a
key K, or the truth (`--utan-brus`) without one. It shares no code with `ojexcel.isu` (it reads the
codebook and the municipality lists itself, uses no numpy, computes HMAC with the standard
library, and was written without looking at the production modules), so that the two can check
each other: if they agree on data sets neither has seen, both are probably right; where they
differ, one of them misreads the contract. Where the contract is ambiguous, the reading taken here
is written down in READING.md and marked "READING" in the comments below.

It is the one ISU oracle of the tests: `tests/isu_kontrakt.py` (dict rows, for the hypothesis
properties) and `tests/isu_oracle/published.py` (the report's figures) are thin adapters over it.

It is a test oracle, not a product: it accepts only *valid* input (it raises `OracleInputError` on
anything the contract calls an error, so the data-set generator can be checked against it) and is
written for clarity, not speed (a few thousand ärenden in a few seconds).

Each piece quotes the contract sentence it implements ("§n: ...").
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The contract's own files: the committed copies of ../shared (tests/test_shared_copies.py checks
# them against ../shared where it exists), never the package's data the pipeline reads.
CODEBOOK_PATHS = (REPO / "tests" / "shared" / "spec" / "isu" / "variabler.csv",)
KOMMUNER_PATHS = (REPO.parent / "shared" / "reference" / "kommuner.csv", REPO / "municipality_groups" / "kommuner.csv")
STADSDELAR_PATHS = (REPO.parent / "shared" / "reference" / "stadsdelar_2017.csv",
                    REPO / "municipality_groups" / "stadsdelar_2017.csv")

HEADER = "niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel"


class OracleInputError(ValueError):
    """The input is not valid under CONTRACT §1 (the oracle only handles valid files)."""


def _first_existing(paths: tuple[Path, ...]) -> Path:
    for p in paths:
        if p.is_file():
            return p
    raise FileNotFoundError(f"none of {[str(p) for p in paths]}")


# ---------------------------------------------------------------------------------------------
# Reference data: the codebook and the units
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Var:
    kolumn: str
    fas: str
    typ: str
    svar: tuple[str, ...]


def load_codebook() -> list[Var]:
    text = _first_existing(CODEBOOK_PATHS).read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        svar = tuple(s.strip() for s in row["svar"].split("|")) if row["svar"].strip() else ()
        out.append(Var(row["kolumn"].strip(), row["fas"].strip(), row["typ"].strip(), svar))
    return out


def load_units() -> tuple[dict[str, str], dict[str, str]]:
    """(kommunkod → lanskod, stadsdelskod → kommunkod)."""
    with _first_existing(KOMMUNER_PATHS).open(encoding="utf-8", newline="") as f:
        lan = {r["kommunkod"]: r["lanskod"] for r in csv.DictReader(f)}
    with _first_existing(STADSDELAR_PATHS).open(encoding="utf-8", newline="") as f:
        dist = {r["stadsdelskod"]: r["kommunkod"] for r in csv.DictReader(f)}
    return lan, dist


CODEBOOK = load_codebook()
VARS = {v.kolumn: v for v in CODEBOOK}
LAN_OF_KOMMUN, KOMMUN_OF_STADSDEL = load_units()

REQUIRED = ("arende_id", "enhetskod", "datum_aktualisering")
BU_ENVAL = tuple(v.kolumn for v in CODEBOOK if v.fas == "brukarenkat" and v.typ == "enval")
IDENTIFYING = ("arende_id", "klient_id", "handlaggare")

# ---------------------------------------------------------------------------------------------
# §1 Reading one record file
# ---------------------------------------------------------------------------------------------


def norm_label(s: str) -> str:
    """§1: "matched as survey answers are (case-insensitive, trimmed, inner whitespace collapsed,
    Unicode NFC)"."""
    return " ".join(unicodedata.normalize("NFC", s).split()).casefold()


_DIGITS = re.compile(r"[0-9]+\Z")  # "ASCII digits"
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # "exactly ISO ÅÅÅÅ-MM-DD"


def is_blank(cell: str) -> bool:
    # READING (R5): a cell of only whitespace is blank, as in the survey contract ("not blank"
    # means it has a non-whitespace character).
    return cell.strip() == ""


@dataclass
class Arende:
    aid: str  # the trimmed arende_id: only for its record key r (§2 item 1), never written
    enhet: str
    kommun: str
    lan: str
    stadsdel: str | None
    enval: dict[str, str | None]
    flerval: dict[str, frozenset[str]]
    datum: dict[str, dt.date | None]
    alder: int | None
    # filled in by `derive`
    avslutat: bool = False
    brukarenkat: bool = False
    d: dict[str, str | None] = field(default_factory=dict)  # derived values (None = blank)
    n_insatser: int = 0
    n_parter: int = 0
    dagar: int | None = None
    delgrupper: tuple[str, ...] = ()
    r: int = 0  # §2 item 1's record key (`compile_unmasked`)


@dataclass
class Lasning:
    arenden: list[Arende]
    warnings: list[str]
    utanfor_period: int = 0


_LABELS = {v.kolumn: {norm_label(s): s for s in v.svar} for v in CODEBOOK}


def _parse_answers(var: Var, cell: str, where: str, warnings: list[str]) -> list[str]:
    """The canonical labels in a enval/flerval cell, each once, in the order first given."""
    labels = _LABELS[var.kolumn]
    out: list[str] = []
    # §1: "one or more answers separated by `|` (whitespace around them and empty parts ignored)".
    # The enval columns are split the same way: "An answer repeated in one cell counts once, with a
    # warning, in `enval` too (`Ja|ja` is one answer)".
    for part in cell.split("|"):
        part = part.strip()
        if not part:
            continue
        if _DIGITS.match(part):
            # "or its number: its 1-based position in `svar` ... ASCII digits, 1 to the number of labels"
            k = int(part)
            if not 1 <= k <= len(var.svar):
                raise OracleInputError(f"{where}: {var.kolumn}: number {part!r} out of range")
            label = var.svar[k - 1]
        else:
            key = norm_label(part)
            if key not in labels:
                raise OracleInputError(f"{where}: {var.kolumn}: unknown answer {part!r}")
            label = labels[key]
        if label in out:
            warnings.append(f"{where}: {var.kolumn}: answer {label!r} repeated (counts once)")
            continue
        out.append(label)
    if var.typ == "enval" and len(out) > 1:
        raise OracleInputError(f"{where}: {var.kolumn}: several answers in an enval column: {cell!r}")
    # §1: "in `funktionsnedsattning`, `Nej` and `Vet ej` stand alone (`Nej|Vet ej` too is an error)"
    if var.kolumn == "funktionsnedsattning" and len(out) > 1 and ({"Nej", "Vet ej"} & set(out)):
        raise OracleInputError(f"{where}: {var.kolumn}: exclusive answer combined with others: {cell!r}")
    return out


def _parse_date(cell: str, where: str, kolumn: str) -> dt.date:
    s = cell.strip()  # READING (R6): the cell is trimmed before the exact ISO check
    if not _ISO.match(s):
        raise OracleInputError(f"{where}: {kolumn}: not an ISO date: {cell!r}")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise OracleInputError(f"{where}: {kolumn}: not a real date: {cell!r}") from None


def _detect_delimiter(first_line: str) -> str:
    # §1: "`,` or `;`" (survey contract: "detected"): the one that splits the header into more fields
    n = {d: len(next(csv.reader([first_line], delimiter=d))) for d in (",", ";")}
    return ";" if n[";"] > n[","] else ","


def read_records(path: Path | str) -> Lasning:
    """§1 for a CSV file: every answer validated, then the consistency rules applied."""
    path = Path(path)
    text = path.read_bytes().decode("utf-8")  # "UTF-8 ± BOM"
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise OracleInputError(f"{path.name}: empty")
    delim = _detect_delimiter(text.splitlines()[0])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True))
    header = rows[0]
    warnings: list[str] = []

    # "Column names are matched trimmed and case-insensitively; a repeated column name is an error."
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().casefold()
        if key in index:
            raise OracleInputError(f"{path.name}: column {name!r} repeated")
        index[key] = i
    for req in REQUIRED:
        if req not in index:
            raise OracleInputError(f"{path.name}: required column {req!r} missing")
    known = set(REQUIRED) | set(VARS)
    for key in index:
        if key not in known:
            # "Unknown columns ... give one warning each and are ignored."
            warnings.append(f"{path.name}: unknown column {key!r} ignored")
    for v in CODEBOOK:
        if v.kolumn not in index:
            # "a missing column is a column of blanks, with one warning"
            warnings.append(f"{path.name}: column {v.kolumn!r} missing (read as blank)")

    seen_ids: set[str] = set()
    out: list[Arende] = []
    for rownum, row in enumerate(rows[1:], start=2):
        if all(is_blank(c) for c in row):
            continue  # "A row whose cells are all blank is skipped."

        def cell(col: str) -> str:
            i = index.get(col)
            return row[i] if i is not None and i < len(row) else ""

        where = f"{path.name} row {rownum}"
        aid = cell("arende_id")
        # "a blank or duplicate `arende_id` (case-sensitive ...)"
        if is_blank(aid):
            raise OracleInputError(f"{where}: blank arende_id")
        aid_key = aid.strip()  # READING (R7): identifiers compared trimmed, case-sensitively
        if aid_key in seen_ids:
            raise OracleInputError(f"{where}: duplicate arende_id {aid!r}")
        seen_ids.add(aid_key)
        # "`enhetskod` is matched trimmed and exactly (`180` is unknown)"
        kod = cell("enhetskod").strip()
        if kod in LAN_OF_KOMMUN:
            kommun, stadsdel = kod, None
        elif kod in KOMMUN_OF_STADSDEL:
            kommun, stadsdel = KOMMUN_OF_STADSDEL[kod], kod
        else:
            raise OracleInputError(f"{where}: unknown enhetskod {kod!r}")

        enval: dict[str, str | None] = {}
        flerval: dict[str, frozenset[str]] = {}
        datum: dict[str, dt.date | None] = {}
        alder: int | None = None
        for v in CODEBOOK:
            c = cell(v.kolumn)
            if v.typ in ("enval", "flerval"):
                answers = [] if is_blank(c) else _parse_answers(v, c, where, warnings)
                if v.typ == "enval":
                    enval[v.kolumn] = answers[0] if answers else None
                else:
                    flerval[v.kolumn] = frozenset(answers)
            elif v.typ == "datum":
                datum[v.kolumn] = None if is_blank(c) else _parse_date(c, where, v.kolumn)
            elif v.typ == "heltal":  # alder: "ASCII digits, a whole number 18–120"
                if not is_blank(c):
                    s = c.strip()
                    if not _DIGITS.match(s) or not 18 <= int(s) <= 120:
                        raise OracleInputError(f"{where}: alder {c!r} not a whole number 18-120")
                    alder = int(s)
            # fritext: "read and never used"
        if datum["datum_aktualisering"] is None:
            raise OracleInputError(f"{where}: blank datum_aktualisering")

        a = Arende(aid_key, kod, kommun, LAN_OF_KOMMUN[kommun], stadsdel, enval, flerval, datum, alder)
        _consistency(a, where, warnings)
        out.append(a)
    return Lasning(out, warnings)


def _consistency(a: Arende, where: str, warnings: list[str]) -> None:
    """§1 "Consistency (decisions; every answer is validated first, then these apply)"."""
    akt, avsl = a.datum["datum_aktualisering"], a.datum["datum_avslut"]
    # "An ärende is **avslutat** when `datum_avslut` or `avslutsorsak` is given."
    a.avslutat = avsl is not None or a.enval["avslutsorsak"] is not None
    # "`datum_avslut` before `datum_aktualisering` is an error"
    if avsl is not None and avsl < akt:
        raise OracleInputError(f"{where}: datum_avslut before datum_aktualisering")
    # "`datum_insats_paborjad` before it is a warning"
    ins = a.datum["datum_insats_paborjad"]
    if ins is not None and ins < akt:
        warnings.append(f"{where}: datum_insats_paborjad before datum_aktualisering")
    if not a.avslutat:
        # "`genomforande_insatser` or `maluppfoljning` on an ärende that is not avslutat: warning,
        # ignored. Brukarenkät answers (`bu_*`) on an ärende that is not avslutat: warning, ignored."
        for col in ("genomforande_insatser", "maluppfoljning") + BU_ENVAL:
            if a.enval[col] is not None:
                warnings.append(f"{where}: {col} on an ärende that is not avslutat: ignored")
                a.enval[col] = None
    # "`samverkan_forekommit` ...: blank with partners given in `samverkan` reads as `Ja`;
    # `Nej` with partners given: warning, the partners are ignored."
    if a.flerval["samverkan"]:
        if a.enval["samverkan_forekommit"] is None:
            a.enval["samverkan_forekommit"] = "Ja"
        elif a.enval["samverkan_forekommit"] == "Nej":
            warnings.append(f"{where}: samverkan given with samverkan_forekommit Nej: ignored")
            a.flerval["samverkan"] = frozenset()


def parse_period(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """`FRÅN:TILL`, ISO dates, inclusive (either side may be left open, as the CLI allows)."""
    if not text:
        return (None, None)
    fran, till = text.split(":")
    return (dt.date.fromisoformat(fran) if fran.strip() else None,
            dt.date.fromisoformat(till) if till.strip() else None)


def apply_period(las: Lasning, period: tuple[dt.date | None, dt.date | None]) -> Lasning:
    """§1: "`--period FRÅN:TILL` (ISO dates, inclusive) keeps the ärenden whose
    `datum_aktualisering` lies in the period (applied after validation)"."""
    fran, till = period
    keep = [a for a in las.arenden
            if (fran is None or a.datum["datum_aktualisering"] >= fran)
            and (till is None or a.datum["datum_aktualisering"] <= till)]
    return Lasning(keep, las.warnings, len(las.arenden) - len(keep))


# ---------------------------------------------------------------------------------------------
# §4 Derived variables
# ---------------------------------------------------------------------------------------------

ALDERSGRUPPER = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
ANTAL_INSATSER = ("0", "1", "2", "3", "4", "5+")
JA_NEJ = ("Ja", "Nej")
ANTAL_PARTER = ("0", "1", "2", "3+")
ARENDELANGD = ("0-90", "91-180", "181-270", "271-360", "361+")
FASER_RADER = ("aktualiserade", "minst_en_insats", "avslutade", "med_maluppfoljning", "med_brukarenkat")

# "Derived tables (decisions), each an `enval` table": name → labels (faser is special)
DERIVED = {
    "faser": FASER_RADER,
    "aldersgrupp": ALDERSGRUPPER,
    "antal_insatser": ANTAL_INSATSER,
    "riskbedomning_gjord": JA_NEJ,
    "antal_samverkansparter": ANTAL_PARTER,
    "arendelangd": ARENDELANGD,
    "har_brukarenkat": JA_NEJ,
    "toppgrupp": JA_NEJ,
}
MEANS = ("medel_antal_insatser", "medel_antal_samverkansparter", "medel_arendelangd")


def aldersgrupp(alder: int | None) -> str | None:
    if alder is None:
        return None
    for label, hi in (("18-24", 24), ("25-34", 34), ("35-44", 44), ("45-54", 54), ("55-64", 64), ("65-74", 74)):
        if alder <= hi:
            return label
    return "75+"


def arendelangd(dagar: int | None) -> str | None:
    if dagar is None:
        return None
    for label, hi in (("0-90", 90), ("91-180", 180), ("181-270", 270), ("271-360", 360)):
        if dagar <= hi:
            return label
    return "361+"


def derive(a: Arende) -> None:
    m1 = VARS["maluppfoljning"].svar[0]
    # §3: "`brukarenkat` → avslutade ärenden with a brukarenkät (at least one of the four `bu_*`
    # `enval` answers)" (answers on non-avslutade were already ignored)
    a.brukarenkat = a.avslutat and any(a.enval[c] is not None for c in BU_ENVAL)
    a.n_insatser = len(a.flerval["insatser"])
    a.n_parter = len(a.flerval["samverkan"])
    akt, avsl = a.datum["datum_aktualisering"], a.datum["datum_avslut"]
    # "`arendelangd` | avslutade | days from `datum_aktualisering` to `datum_avslut` ...; blank
    # without `datum_avslut`"
    a.dagar = (avsl - akt).days if (a.avslutat and avsl is not None) else None
    d = a.d
    d["aldersgrupp"] = aldersgrupp(a.alder)
    # "`0`, `1`, `2`, `3`, `4`, `5+` answers in `insatser` (never blank)"
    d["antal_insatser"] = str(a.n_insatser) if a.n_insatser < 5 else "5+"
    # "`Ja` with at least one answer in `risk_skattning`, else `Nej`"
    d["riskbedomning_gjord"] = "Ja" if a.flerval["risk_skattning"] else "Nej"
    # "`0` when `samverkan_forekommit` is `Nej`; `1`, `2`, `3+` partners; blank otherwise"
    if a.enval["samverkan_forekommit"] == "Nej":
        d["antal_samverkansparter"] = "0"
    elif a.n_parter >= 1:
        d["antal_samverkansparter"] = str(a.n_parter) if a.n_parter < 3 else "3+"
    else:
        d["antal_samverkansparter"] = None
    d["arendelangd"] = arendelangd(a.dagar)
    # "`har_brukarenkat` | avslutade | `Ja` / `Nej`"
    d["har_brukarenkat"] = ("Ja" if a.brukarenkat else "Nej") if a.avslutat else None
    # "`toppgrupp` | avslutade | `Ja` when `maluppfoljning` is its first label and
    # `bu_forandring_valdsutsatthet` is `Förbättrats mycket`, else `Nej`"
    if a.avslutat:
        topp = a.enval["maluppfoljning"] == m1 and a.enval["bu_forandring_valdsutsatthet"] == "Förbättrats mycket"
        d["toppgrupp"] = "Ja" if topp else "Nej"
    else:
        d["toppgrupp"] = None
    # "`hrv` (`hedersrelaterat_vald` `Ja` or `Nej`; "Vet inte" and blank are in neither)"
    hv = a.enval["hedersrelaterat_vald"]
    d["hrv"] = hv if hv in JA_NEJ else None
    a.delgrupper = tuple(dg for var, values in BREAKDOWNS for dg in _member(a, var, values))


# ---------------------------------------------------------------------------------------------
# §4 Delgrupper
# ---------------------------------------------------------------------------------------------

# "in this order: `kon`, `hrv`, `aldersgrupp`, `ursprung`, `valdets_grad`, `funktionsnedsattning`,
# `riskbedomning_gjord`, `maluppfoljning`, `arendelangd`, `toppgrupp`, `har_brukarenkat`; values in
# label order"
BREAKDOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kon", VARS["kon"].svar),
    ("hrv", JA_NEJ),
    ("aldersgrupp", ALDERSGRUPPER),
    ("ursprung", VARS["ursprung"].svar),
    ("valdets_grad", VARS["valdets_grad"].svar),
    ("funktionsnedsattning", VARS["funktionsnedsattning"].svar),
    ("riskbedomning_gjord", JA_NEJ),
    ("maluppfoljning", VARS["maluppfoljning"].svar),
    ("arendelangd", ARENDELANGD),
    ("toppgrupp", JA_NEJ),
    ("har_brukarenkat", JA_NEJ),
)
DELGRUPPER = ("",) + tuple(f"{var}={val}" for var, values in BREAKDOWNS for val in values)


def _member(a: Arende, var: str, values: tuple[str, ...]) -> list[str]:
    if var == "funktionsnedsattning":
        # "(an ärende belongs to each of its answers)"
        return [f"{var}={v}" for v in values if v in a.flerval[var]]
    v = a.enval[var] if var in VARS else a.d[var]
    return [f"{var}={v}"] if v is not None else []


def excluded(tabell: str, delgrupp: str) -> bool:
    """"A table is not broken down by its own variable — no table by the breakdown of the same
    name, `hedersrelaterat_vald` not by `hrv`, `medel_arendelangd` not by `arendelangd` — and every
    other combination is written"."""
    if not delgrupp:
        return False
    var = delgrupp.split("=", 1)[0]
    return var == tabell or (tabell, var) in {("hedersrelaterat_vald", "hrv"), ("medel_arendelangd", "arendelangd")}


# ---------------------------------------------------------------------------------------------
# §3–§4 Tables (unmasked)
# ---------------------------------------------------------------------------------------------

# "Combined categories (decision; the report's own groupings)": table → [(category, parts)]
def _combined() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    s = lambda k: VARS[k].svar  # noqa: E731
    return {
        "utovare": [("Nuvarande eller före detta partner", ("Nuvarande partner", "Före detta partner"))],
        "initiativ_kontakt": [("Annan verksamhet inom socialtjänsten",
                               ("Försörjningsstödenhet", "Missbruksenhet", "Barn- och ungdomsenhet",
                                "Social omsorgsenhet", "Äldreomsorgsenhet"))],
        "insatser": [("Insatser som rör boende", ("Skyddat boende", "Hjälp med ny bostad (ej skyddat boende)",
                                                  "Byte av kommun", "Tillfälligt boende"))],
        "risk_skattning": [("SARA, Patriark eller annan bedömningsmetod", ("SARA", "Patriark", "Annan bedömningsmetod"))],
        "valdets_grad": [("Grovt eller mycket grovt", ("Grovt", "Mycket grovt"))],
        "maluppfoljning": [("Målet helt eller delvis uppnått", s("maluppfoljning")[:2])],
        "bu_forandring_valdsutsatthet": [("Försämrats", ("Försämrats lite", "Försämrats mycket"))],
        "bu_insatsernas_betydelse": [("Stor eller helt avgörande betydelse", s("bu_insatsernas_betydelse")[3:5]),
                                     ("Liten eller ingen betydelse", s("bu_insatsernas_betydelse")[0:2])],
        "bu_delaktighet": [("Stor eller mycket stor möjlighet", s("bu_delaktighet")[3:5]),
                           ("Ingen eller liten möjlighet", s("bu_delaktighet")[0:2])],
    }


COMBINED = _combined()
for _t, _cats in COMBINED.items():  # the parts must be labels of the table
    assert all(p in VARS[_t].svar for _, parts in _cats for p in parts), _t

# Table order (§6): "table (codebook order, then the derived tables in §4's order, then the means)"
TABLES = tuple(v.kolumn for v in CODEBOOK if v.typ in ("enval", "flerval")) + tuple(DERIVED) + MEANS


@dataclass
class Row:
    kategori: str
    kind: str  # label | combined | saknas | minst | fas | medel
    antal: int
    bas: int
    parts: tuple[int, ...] = ()  # combined: indexes of the part rows in the table
    # §2 item 2: "its cell key is c = (Σ_{a∈S} r(a)) mod 2^32" — of the count's set and the base's
    # set (a mean's antal is a sum, not a set: 0)
    c_antal: int = 0
    c_bas: int = 0


@dataclass
class Table:
    tabell: str
    delgrupp: str
    typ: str  # enval | flerval | faser | medel   ("derived" tables are enval tables)
    rows: list[Row]
    scope_n: int = 0  # the ärenden of the table's scope (a mean: the ärenden averaged)
    scope_c: int = 0


def key_of(arenden) -> int:
    """§2 item 2: c = (Σ_{a∈S} r(a)) mod 2^32."""
    return sum(a.r for a in arenden) % 2**32


def _scope(tabell: str, arenden: list[Arende]) -> list[Arende]:
    """§3: "Each table has a scope, by the variable's `fas`: `aktualisering`, `fore`, `under` →
    every ärende; `avslut` → avslutade ärenden; `brukarenkat` → avslutade ärenden with a
    brukarenkät". Derived tables: the scope column of §4's table."""
    if tabell in VARS:
        fas = VARS[tabell].fas
    elif tabell in ("arendelangd", "har_brukarenkat", "toppgrupp"):
        fas = "avslut"
    else:  # faser, aldersgrupp, antal_insatser, riskbedomning_gjord, antal_samverkansparter, medel_*
        fas = "aktualisering"
    if fas == "avslut":
        return [a for a in arenden if a.avslutat]
    if fas == "brukarenkat":
        return [a for a in arenden if a.brukarenkat]
    return arenden


def _row(kategori: str, kind: str, count_set: list[Arende], base_set: list[Arende], parts=()) -> Row:
    return Row(kategori, kind, len(count_set), len(base_set), tuple(parts), key_of(count_set), key_of(base_set))


def _enval_table(tabell: str, labels: tuple[str, ...], scope: list[Arende], value) -> list[Row]:
    # "`enval` (and every derived variable): one row per label in `svar` order — `antal` = ärenden
    # in the scope with that answer, `bas` = ärenden in the scope with an answer ... — then the
    # combined categories (`bas` = the labels' base), then `uppgift_saknas` (`antal` = ärenden in
    # the scope without an answer, `bas` = the scope)."
    answered = [a for a in scope if value(a) is not None]
    rows = [_row(lab, "label", [a for a in answered if value(a) == lab], answered) for lab in labels]
    for cat, parts in COMBINED.get(tabell, ()):
        idx = tuple(labels.index(p) for p in parts)
        # "`antal` = ärenden with any of the parts"
        rows.append(_row(cat, "combined", [a for a in answered if value(a) in parts], answered, idx))
    rows.append(_row("uppgift_saknas", "saknas", [a for a in scope if value(a) is None], scope))
    return rows


def _flerval_table(tabell: str, labels: tuple[str, ...], scope: list[Arende], value) -> list[Row]:
    # "`flerval`: `minst_ett_svar` (`antal` = ärenden with at least one answer, `bas` = the scope),
    # one row per label (`antal` = ärenden with that answer among theirs, `bas` = ärenden with at
    # least one answer), the combined categories, `uppgift_saknas` (`bas` = the scope)."
    answered = [a for a in scope if value(a)]
    rows = [_row("minst_ett_svar", "minst", answered, scope)]
    rows += [_row(lab, "label", [a for a in answered if lab in value(a)], answered) for lab in labels]
    for cat, parts in COMBINED.get(tabell, ()):
        idx = tuple(1 + labels.index(p) for p in parts)
        # READING (R3): the combined category's `bas` is the labels' base, as for enval
        rows.append(_row(cat, "combined", [a for a in answered if value(a) & set(parts)], answered, idx))
    rows.append(_row("uppgift_saknas", "saknas", [a for a in scope if not value(a)], scope))
    return rows


def _faser_table(scope: list[Arende]) -> list[Row]:
    # "`aktualiserade` (every ärende), `minst_en_insats`, `avslutade`, `med_maluppfoljning`
    # (avslutade with an answer), `med_brukarenkat`; `bas` = the scope for the first three, the
    # avslutade for the last two; no `uppgift_saknas` row."
    avsl = [a for a in scope if a.avslutat]
    return [
        _row("aktualiserade", "fas", scope, scope),
        _row("minst_en_insats", "fas", [a for a in scope if a.n_insatser > 0], scope),
        _row("avslutade", "fas", avsl, scope),
        _row("med_maluppfoljning", "fas", [a for a in avsl if a.enval["maluppfoljning"] is not None], avsl),
        _row("med_brukarenkat", "fas", [a for a in avsl if a.brukarenkat], avsl),
    ]


def _mean_table(tabell: str, averaged: list[Arende], value) -> Table | None:
    # "Means, each a table of one row (`kategori` = `medel`; `antal` = the sum, `bas` = the
    # ärenden, `medel` = antal/bas; not written when no ärende is averaged)"
    if not averaged:
        return None
    row = Row("medel", "medel", sum(value(a) for a in averaged), len(averaged), (), 0, key_of(averaged))
    return Table(tabell, "", "medel", [row], len(averaged), key_of(averaged))


def compute_table(tabell: str, arenden: list[Arende]) -> Table | None:
    """One table for a unit and a delgrupp (`arenden` already restricted to both); None when it
    is not written ("a table with an empty scope is not written")."""
    if tabell == "medel_antal_insatser":
        # "over every ärende of the scope (zeros included ...)"
        return _mean_table(tabell, arenden, lambda a: a.n_insatser)
    if tabell == "medel_antal_samverkansparter":
        # "over ärenden with at least one partner"
        return _mean_table(tabell, [a for a in arenden if a.n_parter > 0], lambda a: a.n_parter)
    if tabell == "medel_arendelangd":
        # "(days) over avslutade ärenden with both dates"
        return _mean_table(tabell, [a for a in arenden if a.dagar is not None], lambda a: a.dagar)
    scope = _scope(tabell, arenden)
    if not scope:
        return None
    if tabell == "faser":
        t = Table(tabell, "", "faser", _faser_table(scope))
    elif tabell in DERIVED:
        t = Table(tabell, "", "enval", _enval_table(tabell, DERIVED[tabell], scope, lambda a: a.d[tabell]))
    elif VARS[tabell].typ == "enval":
        t = Table(tabell, "", "enval", _enval_table(tabell, VARS[tabell].svar, scope, lambda a: a.enval[tabell]))
    else:
        t = Table(tabell, "", "flerval", _flerval_table(tabell, VARS[tabell].svar, scope, lambda a: a.flerval[tabell]))
    t.scope_n, t.scope_c = len(scope), key_of(scope)
    return t


# ---------------------------------------------------------------------------------------------
# §3 Levels
# ---------------------------------------------------------------------------------------------

def units(arenden: list[Arende]) -> list[tuple[str, str, list[Arende]]]:
    """(niva, kod, ärenden) in tidy order. §3: "`samtliga` (kod empty: every ärende of the input),
    `lan` (2-digit lanskod), `kommun` (4-digit kommunkod; a district's ärenden count in its kommun
    too), `stadsdel` (district code). Only units with at least one ärende appear."""
    out: list[tuple[str, str, list[Arende]]] = [("samtliga", "", list(arenden))]
    for niva, key in (("lan", lambda a: a.lan), ("kommun", lambda a: a.kommun), ("stadsdel", lambda a: a.stadsdel)):
        groups: dict[str, list[Arende]] = {}
        for a in arenden:
            k = key(a)
            if k is not None:
                groups.setdefault(k, []).append(a)
        out += [(niva, k, groups[k]) for k in sorted(groups)]
    return out


@dataclass
class Unmasked:
    """Every table of every unit, before §2's publication rules: [(niva, kod, Table)] in tidy
    order, and per (niva, kod, delgrupp) the delgrupp's every-ärende set (n, c) for item 6."""
    tables: list[tuple[str, str, Table]]
    n: int
    utanfor_period: int
    warnings: list[str]
    delgrupp_sets: dict[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict)


def record_key(key: bytes, arende_id: str) -> int:
    """§2 item 1: "r = the first 4 bytes, read big-endian, of HMAC-SHA256(K, UTF-8 of the trimmed
    `arende_id`)"."""
    return int.from_bytes(hmac.new(key, arende_id.strip().encode("utf-8"), hashlib.sha256).digest()[:4], "big")


def compile_unmasked(las: Lasning, only: dict[str, tuple[str, ...] | None] | None = None,
                     key: bytes | None = None) -> Unmasked:
    """Every table; `only` (for quick partial checks) maps the levels to compute to the tables
    wanted there (None: all). `key`: K of §2 item 1 (None: no record keys, for --utan-brus)."""
    for a in las.arenden:
        derive(a)
        a.r = 0 if key is None else record_key(key, a.aid)
    tables: list[tuple[str, str, Table]] = []
    sets: dict[tuple[str, str, str], tuple[int, int]] = {}
    for niva, kod, arenden in units(las.arenden):
        if only is not None and niva not in only:
            continue
        wanted = TABLES if only is None or only[niva] is None else [t for t in TABLES if t in only[niva]]
        by_dg: dict[str, list[Arende]] = {dg: [] for dg in DELGRUPPER}
        by_dg[""] = arenden
        for a in arenden:
            for dg in a.delgrupper:
                by_dg[dg].append(a)
        for dg, members in by_dg.items():
            sets[(niva, kod, dg)] = (len(members), key_of(members))
        # "rows ordered by level ..., code, table ..., delgrupp (empty first, then §4's order)"
        for tabell in wanted:
            for dg in DELGRUPPER:
                if excluded(tabell, dg):
                    continue
                t = compute_table(tabell, by_dg[dg])
                if t is not None:
                    t.delgrupp = dg
                    tables.append((niva, kod, t))
    return Unmasked(tables, len(las.arenden), las.utanfor_period, las.warnings, sets)


# ---------------------------------------------------------------------------------------------
# §5 Numbers
# ---------------------------------------------------------------------------------------------

def andel(antal: int, bas: int) -> str:
    """"whole percent, halves rounded up, exact integer arithmetic"; "empty when `bas` is 0"."""
    if bas == 0:
        return ""
    return str((200 * antal + bas) // (2 * bas))  # floor(100·antal/bas + 1/2)


def medel(antal: int, bas: int) -> str:
    """"one decimal, halves rounded up, exact (2,45 → 2,5), written with a decimal point"."""
    tenths = (20 * antal + bas) // (2 * bas)  # floor(10·antal/bas + 1/2); antal ≥ 0
    return f"{tenths // 10}.{tenths % 10}"


# ---------------------------------------------------------------------------------------------
# §2 The cell key method
# ---------------------------------------------------------------------------------------------

# Item 3: "n = 1: 0 (12), 1 (8), 4 (4); n = 2: 0 (5), 1 (2), 2 (10), 3 (4), 4 (1), 5 (2);
# n ≥ 3: n−3 (1), n−2 (3), n−1 (3), n (10), n+1 (3), n+2 (3), n+3 (1)" — (value, weight in 24ths)
PTABLE = {1: ((0, 12), (1, 8), (4, 4)), 2: ((0, 5), (1, 2), (2, 10), (3, 4), (4, 1), (5, 2))}
PTABLE_N3 = ((-3, 1), (-2, 3), (-1, 3), (0, 10), (1, 3), (2, 3), (3, 1))
SHARE_MIN = 20  # item 5: "`andel` ... written only when v_bas ≥ 20"
DELGRUPP_MIN = 20  # item 6: "a delgrupp is written only when v of its every-ärende scope is ≥ 20"


def perturb(n: int, c: int) -> int:
    """Item 3: "v = 0 when n = 0. Otherwise v is the first value m of the list below, smallest
    first, for which 24·c < 2^32·W(m), W(m) = the sum of the weights (in 24ths) of the listed
    values ≤ m"."""
    if n == 0:
        return 0
    row = PTABLE.get(n) or tuple((n + d, w) for d, w in PTABLE_N3)
    w_sum = 0
    for m, w in row:
        w_sum += w
        if 24 * c < 2**32 * w_sum:
            return m
    raise AssertionError("the weights sum to 24")


@dataclass
class Stats:
    """How often each publication rule fired (so tests can check the data sets reach every rule)."""
    c: Counter = field(default_factory=Counter)


def publish_table(niva: str, kod: str, t: Table, n_min: int, u: Unmasked, noise: bool,
                  stats: Stats | None = None) -> list[list[str]] | None:
    """The table's rows as the export writes them (antal, bas, andel, medel as text), or None when
    it is not written. `noise`: §2's rules; else --utan-brus ("the tables of §4 with the numbers of
    §5 for every delgrupp at every level (the sums on `medel` rows included), item 4 applied at
    `--minsta-antal N`, items 1–3 and 5–7 not")."""
    st = stats.c if stats is not None else Counter()
    v = perturb if noise else (lambda n, c: n)
    # item 4: "A table is written when v of its scope is ≥ 1."  READING (R28): a mean's scope is
    # the ärenden averaged; faser's the ärenden of its unit and delgrupp
    scope = t.rows[0] if t.typ in ("faser", "medel") else t.rows[-1]
    if v(scope.bas, scope.c_bas) < 1:
        st["table_not_written"] += 1
        return None
    # item 6: "At `kommun` and `stadsdel` a delgrupp is written only when v of its every-ärende
    # scope is ≥ 20"  READING (R29): the delgrupp '' (all ärenden of the unit) is not a delgrupp
    # of item 6; its every-ärende scope is every ärende of the unit in the delgrupp
    if noise and niva in ("kommun", "stadsdel") and t.delgrupp:
        n, c = u.delgrupp_sets[(niva, kod, t.delgrupp)]
        if perturb(n, c) < DELGRUPP_MIN:
            st["delgrupp_not_written"] += 1
            return None
    out = []
    for r in t.rows:
        va, vb = (0, v(r.bas, r.c_bas)) if r.kind == "medel" else (v(r.antal, r.c_antal), v(r.bas, r.c_bas))
        # item 4: "A row whose v_bas is 1 to N−1 shows no `antal`, `bas`, `andel` or `medel`."
        if 1 <= vb <= n_min - 1:
            st["row_hidden"] += 1
            out.append(["", "", "", ""])
            continue
        if r.kind == "medel":
            if not noise:
                out.append([str(r.antal), str(r.bas), "", medel(r.antal, r.bas)])
                continue
            # item 5: "On `medel` rows `bas` is v of the ärenden averaged, `medel` their true mean
            # (§5), and `antal` (the sum) is empty."  READING (R30, decision D157): the mean only
            # where v_bas ≥ 20, as `andel`
            shown = vb >= SHARE_MIN
            st["medel_shown" if shown else "medel_base_under_20"] += 1
            out.append(["", str(vb), "", medel(r.antal, r.bas) if shown else ""])
            continue
        if not noise:
            out.append([str(va), str(vb), andel(va, vb), ""])
            continue
        # item 5: "`andel` = (200·v_antal + v_bas) div (2·v_bas), written only when v_bas ≥ 20"
        if vb >= SHARE_MIN:
            share = (200 * va + vb) // (2 * vb)
            st["andel_over_100" if share > 100 else "andel_shown"] += 1
            out.append([str(va), str(vb), str(share), ""])
        else:
            st["andel_base_under_20" if vb else "andel_base_0"] += 1
            out.append([str(va), str(vb), "", ""])
        if va != r.antal:
            st["count_changed"] += 1
    return out


# ---------------------------------------------------------------------------------------------
# §6 Tidy export
# ---------------------------------------------------------------------------------------------

def tidy_rows(u: Unmasked, n_min: int, noise: bool = True, stats: Stats | None = None) -> list[list[str]]:
    out = []
    for niva, kod, t in u.tables:
        rows = publish_table(niva, kod, t, n_min, u, noise, stats)
        if rows is None:
            continue
        for r, values in zip(t.rows, rows):
            out.append([niva, kod, t.tabell, t.delgrupp, r.kategori, *values])
    return out


def tidy_text(u: Unmasked, n_min: int, noise: bool = True, stats: Stats | None = None) -> str:
    """"a UTF-8 CSV with exactly this header ... UTF-8 without BOM, `\\n` line ends"."""
    buf = io.StringIO()
    # READING (R8): standard CSV quoting (a field is quoted only when it holds `,`, `"` or a line break)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER.split(","))
    w.writerows(tidy_rows(u, n_min, noise, stats))
    return buf.getvalue()


def tidy_from_file(path: Path | str, minsta_antal: int = 5, period: str | None = None, key: bytes | None = None,
                   stats: Stats | None = None) -> str:
    """The whole pipeline: a valid record CSV → the tidy export's text; with `key` (K) perturbed
    by §2, without it the truth (--utan-brus)."""
    las = apply_period(read_records(path), parse_period(period))
    return tidy_text(compile_unmasked(las, key=key), minsta_antal, key is not None, stats)
