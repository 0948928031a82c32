"""The Kolada export: unit values of one survey year coded as Kolada publishes them.

    kpi,enhetskod,period,varde
    U31466,0114,2017,1

The coding is data: the årgång's `kolada.csv` names, per indicator, its Kolada KPI
and its value coding (`kodning`, e.g. "Ja=1 Nej=0" or "Ja=2 Delvis=1 Nej=0"). Nothing is coded
per KPI here.

- A KPI named by one indicator codes that indicator's unit value directly.
- A KPI named by several indicators (AUDIT and DUDIT share U37517) combines them: all of them Ja
  reads as "Ja", some as "Delvis", none as "Nej", and that word is coded with the KPI's `kodning`
  (Ja=2 Delvis=1 Nej=0: both used = 2, one = 1, neither = 0).
- A unit whose value is blank (bortfall) or Ej aktuellt gets no row; for a combined KPI, when
  any of its indicators is blank or Ej aktuellt.
- Municipalities are identified by their 4-digit kommunkod, as in Kolada. Districts of Stockholm,
  Göteborg and Malmö are left out by default: their codes (`0180-01` …) are this project's, not
  Kolada's, and the three cities have no unit value of their own (a share over the districts
  cannot be coded Ja/Nej). `include_districts=True` exports them under the project's codes.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..population import NIVA_ENHET, Population
from ..problems import OjexcelError, Report
from .rules import DELVIS, EJ_AKTUELLT, JA, NEJ
from .tidy import TidyRow

KOLADA_TABLE = "kolada.csv"
KOLADA_HEADER = ("kpi", "enhetskod", "period", "varde")
TABLE_HEADER = ("indikator", "kolada_kpi", "kodning", "anmarkning")
LEFT_OUT = ("", EJ_AKTUELLT)  # values that give no row
COMBINED_LABELS = {JA, DELVIS, NEJ}  # the words a combined KPI's coding must define


class KoladaTableError(OjexcelError, ValueError):
    """The packaged coding table is malformed."""


@dataclass(frozen=True)
class Kpi:
    kpi: str
    indikatorer: tuple[str, ...]  # one, or several combined
    kodning: dict[str, int]  # value word -> code

    @property
    def combined(self) -> bool:
        return len(self.indikatorer) > 1


def parse_kodning(text: str) -> dict[str, int]:
    """"Ja=2 Delvis=1 Nej=0" -> {"Ja": 2, "Delvis": 1, "Nej": 0}. Raises ValueError."""
    out: dict[str, int] = {}
    for part in text.split():
        word, sep, code = part.partition("=")
        if not sep or not word or not code.lstrip("-").isdigit():
            raise ValueError(f"cannot read {part!r} in kodning {text!r}; expected e.g. 'Ja=1 Nej=0'")
        if word in out:
            raise ValueError(f"{word} coded twice in {text!r}")
        out[word] = int(code)
    if not out:
        raise ValueError("empty kodning")
    return out


def kpis_from_rows(rows, report: Report, known_ids: set[str] | None = None) -> tuple[Kpi, ...]:
    """The KPIs of the coding table (`kolada.csv` of an årgång: `arsgang_files.TableRow`s), in the
    order of their first row; every problem reported. An indicator the year's catalogue does not
    have (`known_ids`) is a warning: its KPI is not exported (D148)."""
    members: dict[str, list[tuple[str, dict[str, int], int]]] = {}
    seen: dict[str, int] = {}
    for r in rows:
        n = r.row
        indikator, kpi, kodning = r["indikator"], r["kolada_kpi"], r["kodning"]
        if not indikator or not kpi:
            report.error("indikator and kolada_kpi are required", row=n, column="indikator" if not indikator else "kolada_kpi")
            continue
        if indikator in seen:
            report.error(f"indicator {indikator} appears twice (first in row {seen[indikator]})", row=n, column="indikator",
                         value=indikator)
            continue
        seen[indikator] = n
        try:
            coding = parse_kodning(kodning)
        except ValueError as exc:
            report.error(str(exc), row=n, column="kodning", value=kodning)
            continue
        if known_ids is not None and indikator not in known_ids:
            report.warn(f"indicator {indikator} is not in this year's catalogue: {kpi} is not exported",
                        row=n, column="indikator", value=indikator)
            continue
        members.setdefault(kpi, []).append((indikator, coding, n))
    kpis = []
    for kpi, group in members.items():
        codings = [c for _, c, _ in group]
        if any(c != codings[0] for c in codings):
            report.error(f"the indicators of {kpi} have different codings", row=group[1][2], column="kodning")
            continue
        if len(group) > 1 and set(codings[0]) != COMBINED_LABELS:
            report.error(
                f"{kpi} combines {len(group)} indicators, so its kodning must define "
                f"{', '.join(sorted(COMBINED_LABELS))} (all, some, none of them Ja)", row=group[0][2], column="kodning",
            )
            continue
        kpis.append(Kpi(kpi, tuple(i for i, _, _ in group), codings[0]))
    return tuple(kpis)


def load_kpis(text: str, name: str = KOLADA_TABLE) -> tuple[Kpi, ...]:
    """The KPIs of a coding table given as text; KoladaTableError on its first problem."""
    from .arsgang_files import TableRow

    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != TABLE_HEADER:
        raise KoladaTableError(f"{name}: the header must be {','.join(TABLE_HEADER)}")
    rows = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(TABLE_HEADER):
            raise KoladaTableError(f"{name}, row {n}: {len(cells)} fields, expected {len(TABLE_HEADER)}")
        rows.append(TableRow(n, dict(zip(TABLE_HEADER, (c.strip() for c in cells)))))
    report = Report(file=name)
    kpis = kpis_from_rows(rows, report)
    if report.errors:
        first = report.errors[0]
        raise KoladaTableError(f"{first.where()}: {first.message}")
    return kpis


@dataclass(frozen=True)
class KoladaRow:
    kpi: str
    enhetskod: str
    period: int
    varde: int


def _combined_word(values: list[str]) -> str:
    ja = sum(v == JA for v in values)
    return JA if ja == len(values) else (NEJ if ja == 0 else DELVIS)


def kolada_rows(
    tidy: list[TidyRow],
    year: int,
    population: Population,
    kpis: tuple[Kpi, ...],
    *,
    known_ids: tuple[str, ...] | frozenset[str],
    source: str = "",
    include_districts: bool = False,
) -> list[KoladaRow]:
    """Coded rows, ordered by KPI id then unit code. Raises InputError.

    `known_ids`: the indicators of the year's catalogue. A KPI whose indicators are not all in the
    tidy export (not published that year) is skipped."""
    report = Report(file=source or None)
    values: dict[tuple[str, str], str] = {}
    for row in tidy:
        if row.niva != NIVA_ENHET:
            continue
        if row.kod not in population.by_kod:
            report.error("not a unit of the population", enhetskod=row.kod, column="kod", value=row.kod)
            continue
        values[(row.kod, row.indikator)] = row.varde
    if not values:
        report.error("no unit rows (niva = enhet): nothing to code")
    report.raise_if_errors()
    present = {ind for _, ind in values}
    known = set(known_ids)
    strangers = sorted(present - known)
    if strangers:
        report.error(
            f"indicators not in the {year} catalogue: {', '.join(strangers[:5])}"
            + (f" and {len(strangers) - 5} more" if len(strangers) > 5 else "")
            + f"; is the tidy export from another year than --year {year}?",
            column="indikator",
        )
    report.raise_if_errors()
    units = [u.kod for u in population.units if include_districts or u.stad is None]

    out: list[KoladaRow] = []
    missing_rows: dict[tuple[str, ...], list[str]] = {}  # indicators -> units without their rows
    for kpi in kpis:
        if not all(ind in present for ind in kpi.indikatorer):
            continue  # not published this year
        for kod in units:
            vals = [values.get((kod, ind)) for ind in kpi.indikatorer]
            missing = [ind for ind, v in zip(kpi.indikatorer, vals) if v is None]
            if missing:
                missing_rows.setdefault(tuple(missing), []).append(kod)
                continue
            if any(v in LEFT_OUT for v in vals):
                continue
            if kpi.combined:
                bad = [v for v in vals if v not in (JA, NEJ)]
                if bad:
                    report.error(
                        f"{kpi.kpi} combines {', '.join(kpi.indikatorer)} by counting Ja; cannot combine {bad[0]!r}",
                        enhetskod=kod, column="varde", value=bad[0],
                    )
                    continue
                word = _combined_word(vals)
            else:
                word = vals[0]
            if word not in kpi.kodning:
                report.error(
                    f"indicator {', '.join(kpi.indikatorer)}: Kolada coding {kpi.kpi} has no code for this value",
                    enhetskod=kod, column="varde", value=word,
                )
                continue
            out.append(KoladaRow(kpi.kpi, kod, year, kpi.kodning[word]))
    for indicators, kods in missing_rows.items():  # one message per indicator set, not per unit
        report.error(
            f"no unit row for indicator {', '.join(indicators)} for {len(kods)} unit(s): "
            + ", ".join(kods[:10]) + (" …" if len(kods) > 10 else ""),
            enhetskod=kods[0] if len(kods) == 1 else None, column="indikator",
        )
    report.raise_if_errors()
    out.sort(key=lambda r: (r.kpi, r.enhetskod))
    return out


def write_kolada(rows: list[KoladaRow], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KOLADA_HEADER)
    for r in rows:
        writer.writerow((r.kpi, r.enhetskod, r.period, r.varde))


def write_kolada_file(rows: list[KoladaRow], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_kolada(rows, fh)

