"""An independent, deliberately plain reading of the ISU contract (`../shared/spec/isu/CONTRACT.md`).

Valid record CSV in, the §6 tidy export's exact text out. It shares no code with `ojexcel.isu`
(it reads the codebook and the municipality lists itself, uses no numpy, and was written without
looking at the production modules), so that the two can check each other: if they agree on data
sets neither has seen, both are probably right; where they differ, one of them misreads the
contract. Where the contract is ambiguous, the reading taken here is written down in READING.md
and marked "READING" in the comments below.

It is a test oracle, not a product: it accepts only *valid* input (it raises `OracleInputError` on
anything the contract calls an error, so the data-set generator can be checked against it) and is
written for clarity, not speed (a few thousand ärenden in a second or two).

Each piece quotes the contract sentence it implements ("§n: ...").
"""
from __future__ import annotations

import csv
import datetime as dt
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

# READING (see READING.md §R1): §2 rule 3's secondary suppression is applied to the enval tables
# and the derived tables whose labels partition their scope — not to `faser`, whose rows "do not
# partition the scope" (§4), so that the premise of rule 3 ("the label counts add up to the
# labels' base") does not hold for it. Flip to check the other reading.
SECONDARY_IN_FASER = False

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

        a = Arende(kod, kommun, LAN_OF_KOMMUN[kommun], stadsdel, enval, flerval, datum, alder)
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


@dataclass
class Table:
    tabell: str
    delgrupp: str
    typ: str  # enval | flerval | faser | medel   ("derived" tables are enval tables)
    rows: list[Row]


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


def _enval_table(tabell: str, labels: tuple[str, ...], values: list[str | None]) -> list[Row]:
    # "`enval` (and every derived variable): one row per label in `svar` order — `antal` = ärenden
    # in the scope with that answer, `bas` = ärenden in the scope with an answer ... — then the
    # combined categories (`bas` = the labels' base), then `uppgift_saknas` (`antal` = ärenden in
    # the scope without an answer, `bas` = the scope)."
    counts = Counter(values)
    answered = len(values) - counts[None]
    rows = [Row(lab, "label", counts[lab], answered) for lab in labels]
    for cat, parts in COMBINED.get(tabell, ()):
        idx = tuple(labels.index(p) for p in parts)
        # "`antal` = ärenden with any of the parts" (enval: the sum)
        rows.append(Row(cat, "combined", sum(counts[p] for p in parts), answered, idx))
    rows.append(Row("uppgift_saknas", "saknas", counts[None], len(values)))
    return rows


def _flerval_table(tabell: str, labels: tuple[str, ...], values: list[frozenset[str]]) -> list[Row]:
    # "`flerval`: `minst_ett_svar` (`antal` = ärenden with at least one answer, `bas` = the scope),
    # one row per label (`antal` = ärenden with that answer among theirs, `bas` = ärenden with at
    # least one answer), the combined categories, `uppgift_saknas` (`bas` = the scope)."
    scope = len(values)
    answered = sum(1 for v in values if v)
    counts = Counter(lab for v in values for lab in v)  # each ärende's answers are a set
    rows = [Row("minst_ett_svar", "minst", answered, scope)]
    rows += [Row(lab, "label", counts[lab], answered) for lab in labels]
    for cat, parts in COMBINED.get(tabell, ()):
        idx = tuple(1 + labels.index(p) for p in parts)
        # READING (R3): the combined category's `bas` is the labels' base, as for enval
        rows.append(Row(cat, "combined", sum(1 for v in values if v & set(parts)), answered, idx))
    rows.append(Row("uppgift_saknas", "saknas", scope - answered, scope))
    return rows


def _faser_table(scope: list[Arende]) -> list[Row]:
    # "`aktualiserade` (every ärende), `minst_en_insats`, `avslutade`, `med_maluppfoljning`
    # (avslutade with an answer), `med_brukarenkat`; `bas` = the scope for the first three, the
    # avslutade for the last two; no `uppgift_saknas` row."
    n = len(scope)
    avsl = [a for a in scope if a.avslutat]
    return [
        Row("aktualiserade", "fas", n, n),
        Row("minst_en_insats", "fas", sum(1 for a in scope if a.n_insatser > 0), n),
        Row("avslutade", "fas", len(avsl), n),
        Row("med_maluppfoljning", "fas", sum(1 for a in avsl if a.enval["maluppfoljning"] is not None), len(avsl)),
        Row("med_brukarenkat", "fas", sum(1 for a in avsl if a.brukarenkat), len(avsl)),
    ]


def _mean_row(values: list[int]) -> list[Row]:
    # "Means, each a table of one row (`kategori` = `medel`; `antal` = the sum, `bas` = the
    # ärenden, `medel` = antal/bas; not written when no ärende is averaged)"
    return [Row("medel", "medel", sum(values), len(values))] if values else []


def compute_table(tabell: str, arenden: list[Arende]) -> Table | None:
    """One table for a unit and a delgrupp (`arenden` already restricted to both); None when it
    is not written ("a table with an empty scope is not written")."""
    if tabell == "medel_antal_insatser":
        # "over every ärende of the scope (zeros included ...)"
        rows = _mean_row([a.n_insatser for a in arenden])
        return Table(tabell, "", "medel", rows) if rows else None
    if tabell == "medel_antal_samverkansparter":
        # "over ärenden with at least one partner"
        rows = _mean_row([a.n_parter for a in arenden if a.n_parter > 0])
        return Table(tabell, "", "medel", rows) if rows else None
    if tabell == "medel_arendelangd":
        # "(days) over avslutade ärenden with both dates"
        rows = _mean_row([a.dagar for a in arenden if a.dagar is not None])
        return Table(tabell, "", "medel", rows) if rows else None
    scope = _scope(tabell, arenden)
    if not scope:
        return None
    if tabell == "faser":
        return Table(tabell, "", "faser", _faser_table(scope))
    if tabell in DERIVED:
        return Table(tabell, "", "enval", _enval_table(tabell, DERIVED[tabell], [a.d[tabell] for a in scope]))
    v = VARS[tabell]
    if v.typ == "enval":
        return Table(tabell, "", "enval", _enval_table(tabell, v.svar, [a.enval[tabell] for a in scope]))
    return Table(tabell, "", "flerval", _flerval_table(tabell, v.svar, [a.flerval[tabell] for a in scope]))


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
    """Every table of every unit, before masking: [(niva, kod, Table)] in tidy order."""
    tables: list[tuple[str, str, Table]]
    n: int
    utanfor_period: int
    warnings: list[str]


def compile_unmasked(las: Lasning, only: dict[str, tuple[str, ...] | None] | None = None) -> Unmasked:
    """Every table; `only` (for quick partial checks) maps the levels to compute to the tables
    wanted there (None: all)."""
    for a in las.arenden:
        derive(a)
    tables: list[tuple[str, str, Table]] = []
    for niva, kod, arenden in units(las.arenden):
        if only is not None and niva not in only:
            continue
        wanted = TABLES if only is None or only[niva] is None else [t for t in TABLES if t in only[niva]]
        by_dg: dict[str, list[Arende]] = {dg: [] for dg in DELGRUPPER}
        by_dg[""] = arenden
        for a in arenden:
            for dg in a.delgrupper:
                by_dg[dg].append(a)
        # "rows ordered by level ..., code, table ..., delgrupp (empty first, then §4's order)"
        for tabell in wanted:
            for dg in DELGRUPPER:
                if excluded(tabell, dg):
                    continue
                t = compute_table(tabell, by_dg[dg])
                if t is not None:
                    t.delgrupp = dg
                    tables.append((niva, kod, t))
    return Unmasked(tables, len(las.arenden), las.utanfor_period, las.warnings)


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
# §2 Masking
# ---------------------------------------------------------------------------------------------

@dataclass
class Stats:
    """How often each masking rule fired (so tests can check the data sets reach every rule)."""
    c: Counter = field(default_factory=Counter)


def mask_table(t: Table, n_min: int, stats: Stats | None = None) -> list[set[str]]:
    """The hidden fields of each row of `t` under `--minsta-antal n_min`."""
    hidden: list[set[str]] = [set() for _ in t.rows]
    if stats is None and not any(0 < r.antal < n_min or 0 < r.bas < n_min for r in t.rows):
        return hidden  # no count or base from 1 to N−1: nothing to hide (`--minsta-antal 1` always)
    st = stats.c if stats is not None else Counter()
    small = lambda x: 1 <= x <= n_min - 1  # noqa: E731  "from 1 to N−1"
    if t.typ == "medel":
        # rule 6: "on `medel` rows the sum (`antal`) and the mean are shown exactly when `bas` is."
        r = t.rows[0]
        if small(r.bas):
            hidden[0] |= {"antal", "bas", "medel"}
            st["medel_masked"] += 1
        elif r.antal < n_min:
            st["medel_small_sum_shown"] += 1
        return hidden
    for r, h in zip(t.rows, hidden):
        # rule 2: "a base (`bas`) from 1 to N−1 is not shown, nor any count, share or mean that
        # uses it, zeros included"
        if small(r.bas):
            h |= {"bas", "antal", "andel"}
            st["rule2"] += 1
        # rule 1: "a count (`antal`) from 1 to N−1 is not shown, nor the share computed from it —
        # except on `uppgift_saknas` rows"
        if small(r.antal):
            if r.kind == "saknas":
                if not small(r.bas):
                    st["rule1_saknas_exempt"] += 1
            else:
                h |= {"antal", "andel"}
                st["rule1"] += 1
    # rule 3: "in an `enval` or derived table the label counts add up to the labels' base, which is
    # shown: when exactly one label count is masked, the smallest other non-zero label count is
    # masked too (ties: the first in table order), so no masked count can be recovered by
    # subtraction"
    if t.typ == "enval" or (t.typ == "faser" and SECONDARY_IN_FASER):
        kinds = ("label",) if t.typ == "enval" else ("fas",)
        labels = [i for i, r in enumerate(t.rows) if r.kind in kinds]
        masked = [i for i in labels if "antal" in hidden[i]]
        if len(masked) == 1:
            others = [i for i in labels if i != masked[0] and t.rows[i].antal > 0]
            if others:
                smallest = min(t.rows[i].antal for i in others)
                first = next(i for i in others if t.rows[i].antal == smallest)  # ties: table order
                hidden[first] |= {"antal", "andel"}
                st["rule3"] += 1
                if sum(1 for i in others if t.rows[i].antal == smallest) > 1:
                    st["rule3_tie"] += 1
    # rule 3: "in an `flerval` table, `uppgift_saknas` is masked when `minst_ett_svar` is"
    if t.typ == "flerval":
        minst = next(i for i, r in enumerate(t.rows) if r.kind == "minst")
        saknas = next(i for i, r in enumerate(t.rows) if r.kind == "saknas")
        if "antal" in hidden[minst] and "antal" not in hidden[saknas]:
            hidden[saknas] |= {"antal", "andel"}
            st["rule3_flerval"] += 1
    # R19 (decided by the lead: masked): in an `enval` or derived table whose labels' base is
    # hidden by rule 2 while the scope is shown, `uppgift_saknas` is masked too — else the hidden
    # base = scope − uppgift_saknas (the flerval rule above, for enval)
    if t.typ == "enval":
        first = next(i for i, r in enumerate(t.rows) if r.kind == "label")
        saknas = next(i for i, r in enumerate(t.rows) if r.kind == "saknas")
        if "bas" in hidden[first] and "antal" not in hidden[saknas]:
            hidden[saknas] |= {"antal", "andel"}
            st["r19_enval_saknas"] += 1
    # rule 4: "a combined category (§4) is masked when any of its parts is"
    for r, h in zip(t.rows, hidden):
        if r.kind == "combined" and any("antal" in hidden[p] for p in r.parts) and "antal" not in h:
            h |= {"antal", "andel"}
            st["rule4"] += 1
    # rule 5: "otherwise zero is always shown" — nothing above hides a zero except rule 2
    for r, h in zip(t.rows, hidden):
        if r.antal == 0 and "antal" not in h:
            st["zero_shown"] += 1
    return hidden


# ---------------------------------------------------------------------------------------------
# §6 Tidy export
# ---------------------------------------------------------------------------------------------

def tidy_rows(u: Unmasked, n_min: int, stats: Stats | None = None) -> list[list[str]]:
    out = []
    for niva, kod, t in u.tables:
        hidden = mask_table(t, n_min, stats)
        for r, h in zip(t.rows, hidden):
            is_medel = t.typ == "medel"
            # "a masked value is empty; `andel` is empty on `medel` rows and `medel` on the others"
            out.append([
                niva, kod, t.tabell, t.delgrupp, r.kategori,
                "" if "antal" in h else str(r.antal),
                "" if "bas" in h else str(r.bas),
                "" if (is_medel or "andel" in h) else andel(r.antal, r.bas),
                "" if (not is_medel or "medel" in h) else medel(r.antal, r.bas),
            ])
    return out


def tidy_text(u: Unmasked, n_min: int, stats: Stats | None = None) -> str:
    """"a UTF-8 CSV with exactly this header ... UTF-8 without BOM, `\\n` line ends"."""
    buf = io.StringIO()
    # READING (R8): standard CSV quoting (a field is quoted only when it holds `,`, `"` or a line break)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER.split(","))
    w.writerows(tidy_rows(u, n_min, stats))
    return buf.getvalue()


def tidy_from_file(path: Path | str, minsta_antal: int = 5, period: str | None = None,
                   stats: Stats | None = None) -> str:
    """The whole pipeline: a valid record CSV → the tidy export's text."""
    las = apply_period(read_records(path), parse_period(period))
    return tidy_text(compile_unmasked(las), minsta_antal, stats)
