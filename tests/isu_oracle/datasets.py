"""Seeded generators of VALID ISU record files the project has never seen (CONTRACT isu §1).

Each profile varies what a real export varies: which optional columns exist, labels or their
1-based numbers, case and whitespace, `;` or `,`, a BOM, column order, unknown columns, blank rows,
city codes and districts (0180, 0180-01, 1480-xx, 1280-xx), tiny and big units, blanks everywhere,
edge values (ages 18/24/25/74/75/120, durations 0/90/91/180/181/270/271/360/361 days, dates around
the period edges) and units of exactly 1…N+1 ärenden so every masking edge is reached.

The files are valid: the oracle (`oracle.read_records`) reads each without error. They are
warning-free except where a profile asks for warnings on purpose (`warnings=True`: repeated
answers, ignored avslut/brukarenkät answers on open ärenden, partners with samverkan Nej,
an insats started before aktualisering, unknown and missing columns).

    python -m tests.isu_oracle.datasets OUT.csv --seed 7 --profile messy --n 1000
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from .oracle import CODEBOOK, KOMMUN_OF_STADSDEL, LAN_OF_KOMMUN, VARS

DAY0 = dt.date(2021, 1, 1)
DAY_LAST = dt.date(2023, 12, 31)
# dates the period tests cut at (PERIOD below): each side of each edge
PERIOD = "2022-01-01:2022-12-31"
EDGE_DATES = (dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2022, 1, 2),
              dt.date(2022, 12, 30), dt.date(2022, 12, 31), dt.date(2023, 1, 1),
              dt.date(2021, 1, 1), dt.date(2023, 12, 31), dt.date(2022, 2, 28), dt.date(2020, 2, 29))
EDGE_AGES = (18, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 74, 75, 120)
EDGE_DAYS = (0, 90, 91, 180, 181, 270, 271, 360, 361)


@dataclass(frozen=True)
class Profile:
    n: int = 800  # ärenden (before blank rows)
    delimiter: str = ","
    bom: bool = False
    line_end: str = "\r\n"
    number_rate: float = 0.0  # answers written as their 1-based number
    messy_rate: float = 0.0  # labels with odd case / inner whitespace / padding / NFD
    blank_rate: float = 0.05  # extra blanks in every optional answer
    ws_blank_rate: float = 0.0  # blank cells written as whitespace
    shuffle_columns: bool = False
    messy_header: bool = False
    drop: tuple[str, ...] = ()  # optional columns left out of the header
    unknown: tuple[str, ...] = ()  # local columns (one warning each)
    blank_rows: int = 0
    warnings: bool = False  # repeated answers, ignored answers, Nej+partners …
    big_units: int = 8  # kommuner with most of the ärenden (besides the city codes and districts)
    small_units: int = 6  # units of 1, 2, …, small_units ärenden
    id_case_pairs: bool = False  # ids that differ only in case (distinct: case-sensitive)
    districts: bool = True


PROFILES: dict[str, Profile] = {
    # every column, canonical labels, `,`
    "plain": Profile(n=1200),
    # the dirty export: `;`, BOM, shuffled header in odd case, numbers and labels mixed, messy
    # labels, whitespace-only blanks, local columns, blank rows, intended warnings
    "messy": Profile(n=900, delimiter=";", bom=True, line_end="\n", number_rate=0.3, messy_rate=0.4,
                     ws_blank_rate=0.3, shuffle_columns=True, messy_header=True,
                     unknown=("Lokal_variabel", "kommentar"), blank_rows=4, warnings=True, id_case_pairs=True),
    # every answer a number; several optional columns missing (samverkan_forekommit among them:
    # partners then read as Ja)
    "numbers": Profile(n=700, number_rate=1.0,
                       drop=("verksamhet", "barn_behov_uppmarksammade", "typ_av_insats",
                             "samverkan_forekommit", "bu_delaktighet", "handlaggare")),
    # half of every answer blank, mostly small units
    "sparse": Profile(n=350, blank_rate=0.5, small_units=10, ws_blank_rate=0.1),
    # only the required columns and a few: no datum_avslut (avslutat only via avslutsorsak)
    "minimal": Profile(n=300, drop=tuple(v.kolumn for v in CODEBOOK
                                         if v.kolumn not in ("kon", "alder", "insatser", "avslutsorsak",
                                                             "maluppfoljning", "hedersrelaterat_vald",
                                                             "bu_forandring_valdsutsatthet", "samverkan",
                                                             "datum_aktualisering")),
                       districts=False),
}

_FRITEXT_SAMPLES = ("Anna Andersson", "hl-17", "Kalle, \"K\" Berg", "klient 4711", "Bättre stöd; mer tid",
                    "=HYPERLINK(\"x\")", "<b>tack</b>")


@dataclass
class _Gen:
    rng: random.Random
    prof: Profile
    unit_bias: dict[str, float] = field(default_factory=dict)

    # ---- rendering answers --------------------------------------------------------------------
    def messy(self, label: str) -> str:
        r = self.rng
        s = label
        k = r.randrange(6)
        if k == 0:
            s = s.upper()
        elif k == 1:
            s = s.lower()
        elif k == 2:
            s = "".join(c.upper() if r.random() < 0.5 else c.lower() for c in s)
        elif k == 3:
            s = s.replace(" ", "  " if r.random() < 0.5 else " \t ")
        elif k == 4:
            s = unicodedata.normalize("NFD", s)
        return (" " * r.randrange(3)) + s + (" " * r.randrange(3))

    def answer(self, kolumn: str, label: str) -> str:
        svar = VARS[kolumn].svar
        if self.rng.random() < self.prof.number_rate:
            num = str(svar.index(label) + 1)
            return self.pad(num) if self.prof.messy_rate else num
        if self.rng.random() < self.prof.messy_rate:
            return self.messy(label)
        return label

    def pad(self, text: str) -> str:
        """READING R6 (cells trimmed before the exact checks): padding in the messy profile."""
        return f" {text} " if self.rng.random() < 0.15 else text

    def blank(self) -> str:
        return " " * (1 + self.rng.randrange(3)) if self.rng.random() < self.prof.ws_blank_rate else ""

    def enval(self, kolumn: str, label: str | None) -> str:
        if label is None:
            return self.blank()
        text = self.answer(kolumn, label)
        if self.prof.warnings and self.rng.random() < 0.02:
            text = f"{text}|{self.answer(kolumn, label)}"  # "`Ja|ja` is one answer" (warning)
        return text

    def flerval(self, kolumn: str, labels: list[str]) -> str:
        if not labels:
            return self.blank()
        parts = [self.answer(kolumn, lab) for lab in labels]
        if self.prof.warnings and self.rng.random() < 0.03:
            parts.append(self.answer(kolumn, labels[0]))  # repeated answer (warning)
        if self.prof.messy_rate and self.rng.random() < 0.2:
            parts.append("")  # "empty parts ignored"
        sep = " | " if self.prof.messy_rate and self.rng.random() < 0.5 else "|"
        return sep.join(parts)

    # ---- choosing values ------------------------------------------------------------------------
    def pick(self, kolumn: str, weights: list[float] | None = None, blank: float = 0.0) -> str | None:
        if self.rng.random() < blank + self.prof.blank_rate:
            return None
        return self.rng.choices(VARS[kolumn].svar, weights=weights)[0]

    def some(self, kolumn: str, lo: int, hi: int, weights: list[float] | None = None) -> list[str]:
        svar = list(VARS[kolumn].svar)
        k = self.rng.randint(lo, hi)
        out: list[str] = []
        w = weights or [1.0] * len(svar)
        while len(out) < min(k, len(svar)):
            c = self.rng.choices(svar, weights=w)[0]
            if c not in out:
                out.append(c)
        # file order of answers is free; keep codebook order half the time
        return sorted(out, key=svar.index) if self.rng.random() < 0.5 else out

    def date(self, d: dt.date | None) -> str:
        if d is None:
            return self.blank()
        return self.pad(d.isoformat()) if self.prof.messy_rate else d.isoformat()

    # ---- one ärende -----------------------------------------------------------------------------
    def arende(self, enhet: str) -> dict[str, str]:
        r, p = self.rng, self.prof
        bias = self.unit_bias[enhet]
        row: dict[str, str] = {"enhetskod": enhet if r.random() > 0.1 else f" {enhet} "}
        if r.random() < 0.15:
            akt = r.choice(EDGE_DATES)
        else:
            akt = DAY0 + dt.timedelta(days=r.randrange((DAY_LAST - DAY0).days + 1))
        row["datum_aktualisering"] = self.date(akt)
        row["verksamhet"] = self.enval("verksamhet", self.pick("verksamhet", [6, 2, 2, 1]))
        row["handlaggare"] = r.choice(_FRITEXT_SAMPLES) if r.random() < 0.7 else ""
        row["klient_id"] = f"{r.randrange(10**6):06d}" if r.random() < 0.8 else ""
        man = r.random() < 0.07 + 0.1 * bias
        row["kon"] = self.enval("kon", None if r.random() < 0.02 + p.blank_rate else ("Man" if man else "Kvinna"))
        if r.random() < 0.03 + p.blank_rate:
            row["alder"] = self.blank()
        else:
            age = str(r.choice(EDGE_AGES) if r.random() < 0.25 else min(120, 18 + int(r.expovariate(1 / 17))))
            row["alder"] = self.pad(age) if p.messy_rate else age
        u = r.random()
        if u < 0.35 + p.blank_rate:
            fn: list[str] = []
        elif u < 0.65:
            fn = ["Nej"]
        elif u < 0.7:
            fn = ["Vet ej"]
        else:
            fn = self.some("funktionsnedsattning", 1, 3, [3, 6, 1, 0, 0])
        row["funktionsnedsattning"] = self.flerval("funktionsnedsattning", fn)
        row["ursprung"] = self.enval("ursprung", self.pick("ursprung", [57, 8, 8, 24 + 20 * bias, 3], blank=0.05))
        row["barn_behov_uppmarksammade"] = self.flerval(
            "barn_behov_uppmarksammade", [] if r.random() < 0.5 + p.blank_rate else self.some("barn_behov_uppmarksammade", 1, 3))
        row["initiativ_kontakt"] = self.flerval(
            "initiativ_kontakt", [] if r.random() < 0.03 + p.blank_rate else
            self.some("initiativ_kontakt", 1, 2, [30, 2, 4, 3, 4, 2, 1, 8, 0.2, 5, 3, 0.5, 3, 3]))
        row["utovare"] = self.flerval(
            "utovare", [] if r.random() < 0.02 + p.blank_rate else self.some("utovare", 1, 2, [8, 15, 2, 1, 0.5, 2]))
        hrv = self.pick("hedersrelaterat_vald", [10 + 30 * bias, 80, 6], blank=0.05)
        row["hedersrelaterat_vald"] = self.enval("hedersrelaterat_vald", hrv)
        row["valdets_grad"] = self.enval("valdets_grad", self.pick("valdets_grad", [34, 46, 20 + 20 * (hrv == "Ja")], blank=0.05))
        risk = [] if r.random() < 0.44 + p.blank_rate else self.some("risk_skattning", 1, 2, [30, 1, 0.5, 0.3, 1, 25])
        row["risk_skattning"] = self.flerval("risk_skattning", risk)
        row["forandringsmal_finns"] = self.enval("forandringsmal_finns", self.pick("forandringsmal_finns", [2, 8, 1], blank=0.1))
        ins = [] if r.random() < 0.14 + p.blank_rate else self.some("insatser", 1, 1 + int(r.expovariate(1 / 1.6)),
                                                                      [18, 5, 52, 63, 10, 5, 28, 12, 4, 21, 6, 3, 5, 3, 1, 0.5, 0.5, 0.5, 6])
        row["insatser"] = self.flerval("insatser", ins)
        if ins and r.random() < 0.8:
            start = akt + dt.timedelta(days=r.randrange(60))
            if p.warnings and r.random() < 0.02:
                start = akt - dt.timedelta(days=3)  # "before it is a warning"
            row["datum_insats_paborjad"] = self.date(start)
        else:
            row["datum_insats_paborjad"] = self.blank()
        row["typ_av_insats"] = self.enval("typ_av_insats", self.pick("typ_av_insats", [6, 3, 1], blank=0.2))
        # samverkan: Ja+partners, Nej, blank+partners (reads Ja), blank, Ja alone, Nej+partners (warning)
        u = r.random()
        partners = self.some("samverkan", 1, 1 + int(r.expovariate(1 / 0.7)), [3, 3, 1, 0.5, 6, 6, 24, 0.3, 5])
        if u < 0.45:
            sf, sv = "Ja", partners
        elif u < 0.70:
            sf, sv = "Nej", []
        elif u < 0.78:
            sf, sv = None, partners
        elif u < 0.95:
            sf, sv = None, []
        elif u < 0.98 or not p.warnings:
            sf, sv = "Ja", []
        else:
            sf, sv = "Nej", partners
        row["samverkan_forekommit"] = self.enval("samverkan_forekommit", sf)
        row["samverkan"] = self.flerval("samverkan", sv)
        # avslut: both, only datum_avslut, only avslutsorsak, open
        u = r.random()
        avslutat = u < 0.72 + 0.1 * bias
        if avslutat:
            how = r.random()
            days = r.choice(EDGE_DAYS) if r.random() < 0.2 else int(r.expovariate(1 / 120))
            avsl = akt + dt.timedelta(days=days) if how < 0.9 else None
            orsak = self.pick("avslutsorsak", [32, 5, 31, 17, 6, 0.5, 8], blank=0.0) if how >= 0.82 or how < 0.76 else None
            if avsl is None and orsak is None:
                orsak = "Andra orsaker"
        else:
            avsl, orsak = None, None
        row["datum_avslut"] = self.date(avsl)
        row["avslutsorsak"] = self.enval("avslutsorsak", orsak)
        leak = p.warnings and r.random() < 0.1  # answers on an open ärende: warning, ignored
        if avslutat or leak:
            row["genomforande_insatser"] = self.enval("genomforande_insatser", self.pick("genomforande_insatser", [46, 22, 26, 6], blank=0.1))
            mal = self.pick("maluppfoljning", [35 + 20 * bias, 22, 12, 4, 25], blank=0.15)
            row["maluppfoljning"] = self.enval("maluppfoljning", mal)
        else:
            row["genomforande_insatser"] = row["maluppfoljning"] = self.blank()
        if (avslutat and r.random() < 0.36 + 0.3 * bias) or (leak and r.random() < 0.5):
            forandring = self.pick("bu_forandring_valdsutsatthet", [50, 21, 8, 0.6, 0.4, 20], blank=0.05)
            row["bu_forandring_valdsutsatthet"] = self.enval("bu_forandring_valdsutsatthet", forandring)
            row["bu_insatsernas_betydelse"] = self.enval("bu_insatsernas_betydelse", self.pick("bu_insatsernas_betydelse", [1, 6, 10, 46, 16, 21], blank=0.1))
            row["bu_positiva_inslag"] = self.enval("bu_positiva_inslag", self.pick("bu_positiva_inslag", [7, 1, 2], blank=0.3))
            row["bu_delaktighet"] = self.enval("bu_delaktighet", self.pick("bu_delaktighet", [2, 3, 10, 35, 25, 25], blank=0.1))
            row["bu_forbattringsforslag"] = r.choice(_FRITEXT_SAMPLES) if r.random() < 0.3 else ""
        else:
            for c in ("bu_forandring_valdsutsatthet", "bu_insatsernas_betydelse", "bu_positiva_inslag",
                      "bu_delaktighet", "bu_forbattringsforslag"):
                row[c] = self.blank()
        return row


def _units(rng: random.Random, prof: Profile) -> list[tuple[str, int]]:
    """(enhetskod, ärenden): a few big and medium kommuner over several län, city codes and
    districts, and `small_units` units of 1, 2, … ärenden (masking edges for N = 3 and 5)."""
    kommuner = sorted(k for k in LAN_OF_KOMMUN if k not in ("0180", "1480", "1280"))
    codes = rng.sample(kommuner, prof.big_units + prof.small_units)
    units: list[str] = codes[:prof.big_units]
    if prof.districts:
        units += ["0180"] + rng.sample(sorted(d for d, k in KOMMUN_OF_STADSDEL.items() if k == "0180"), 3)
        units += rng.sample(sorted(d for d, k in KOMMUN_OF_STADSDEL.items() if k == "1480"), 2)
        units += ["1280"] if rng.random() < 0.5 else [rng.choice(sorted(d for d, k in KOMMUN_OF_STADSDEL.items() if k == "1280"))]
    small = codes[prof.big_units:]
    big_total = prof.n - sum(range(1, len(small) + 1))
    weights = [rng.choice((1, 2, 4, 8, 16)) for _ in units]
    sizes = [max(1, big_total * w // sum(weights)) for w in weights]
    out = list(zip(units, sizes))
    # small units: 1, 2, …, one of each size (N−1, N, N+1 for N = 3 and 5 among them)
    out += [(kod, i + 1) for i, kod in enumerate(small)]
    return out


def generate_rows(seed: int, prof: Profile) -> tuple[list[str], list[dict[str, str]]]:
    rng = random.Random(seed)
    gen = _Gen(rng, prof)
    plan = _units(rng, prof)
    for kod, _ in plan:
        gen.unit_bias[kod] = rng.random() * 0.6
    rows: list[dict[str, str]] = []
    for kod, size in plan:
        rows += [gen.arende(kod) for _ in range(size)]
    rng.shuffle(rows)
    ids = [f"{seed:x}-{i:05d}-q" for i in range(len(rows))]
    if prof.id_case_pairs:  # "(case-sensitive ...)": `X-q` and `X-Q` are two ärenden
        for i in range(1, len(ids), 50):
            ids[i] = ids[i - 1][:-1] + "Q"
    for row, aid in zip(rows, ids):
        row["arende_id"] = aid
    columns = ["arende_id", "enhetskod"] + [v.kolumn for v in CODEBOOK if v.kolumn not in prof.drop]
    columns += list(prof.unknown)
    if prof.shuffle_columns:
        rng.shuffle(columns)
    for row in rows:
        for u in prof.unknown:
            row[u] = rng.choice(("", "x", "lokal uppgift", "7"))
    return columns, rows


def render(seed: int, prof: Profile) -> str:
    rng = random.Random(seed * 7919 + 1)
    columns, rows = generate_rows(seed, prof)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=prof.delimiter, lineterminator=prof.line_end)

    def head(c: str) -> str:
        if not prof.messy_header:
            return c
        return (" " if rng.random() < 0.3 else "") + (c.upper() if rng.random() < 0.3 else c.capitalize() if rng.random() < 0.5 else c)

    w.writerow([head(c) for c in columns])
    blank_at = {rng.randrange(len(rows)) for _ in range(prof.blank_rows)}
    for i, row in enumerate(rows):
        if i in blank_at:  # "A row whose cells are all blank is skipped."
            w.writerow(["" if rng.random() < 0.7 else " " for _ in columns])
        w.writerow([row.get(c, "") for c in columns])
    return ("\ufeff" if prof.bom else "") + buf.getvalue()


def write(path: Path | str, seed: int, profile: str | Profile = "plain", **overrides) -> Path:
    prof = PROFILES[profile] if isinstance(profile, str) else profile
    if overrides:
        prof = replace(prof, **overrides)
    path = Path(path)
    path.write_bytes(render(seed, prof).encode("utf-8"))
    return path


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tests.isu_oracle.datasets")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="plain")
    ap.add_argument("--n", type=int, default=None)
    a = ap.parse_args()
    write(a.out, a.seed, a.profile, **({"n": a.n} if a.n else {}))


def write_xlsx(path: Path | str, seed: int, profile: str | Profile = "plain", **overrides) -> Path:
    """The same records as `write` (same seed and profile), as an XLSX workbook (§1: "XLSX (first
    sheet, header in row 1)"): ISO dates as date cells, plain numbers (ages, answer numbers) as
    numeric cells — some whole floats (`2.0`: "a numeric cell with that whole value") — and every
    other cell as text. The oracle reads the CSV twin; production's tidy export of this file must
    equal the oracle's of that."""
    import re

    from openpyxl import Workbook

    prof = PROFILES[profile] if isinstance(profile, str) else profile
    if overrides:
        prof = replace(prof, **overrides)
    rng = random.Random(seed * 31 + 7)
    columns, rows = generate_rows(seed, prof)
    dates = {v.kolumn for v in CODEBOOK if v.typ == "datum"}
    numeric = {v.kolumn for v in CODEBOOK if v.typ in ("enval", "flerval", "heltal")}
    wb = Workbook()
    ws = wb.active
    ws.append(columns)
    for row in rows:
        cells: list[object] = []
        for c in columns:
            s = row.get(c, "")
            t = s.strip()
            if c in dates and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
                cells.append(dt.date.fromisoformat(t))
            elif c in numeric and re.fullmatch(r"\d+", t):
                cells.append(float(t) if rng.random() < 0.2 else int(t))
            elif s == "":
                cells.append(None)
            else:
                cells.append(s)
        ws.append(cells)
    for col_cells in ws.iter_cols(min_row=2):
        for cell in col_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    path = Path(path)
    wb.save(path)
    return path
