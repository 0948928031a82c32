"""The indicator catalogue of a survey year: the årgång's `indikatorer.toml`.

Each `[[indikator]]` carries the published metadata (order, quality dimension/area, indicator
area, Excel short name, scale, survey part) and its rule as data: a rule kind (`typ`) and the
kind's parameters (`rules.KINDS`; the reference for statisticians is docs/arsgang.md).
`catalogue_from_toml` checks every entry against the codebook and reports every problem (an
unknown question or answer, a duplicate id or ordning, a parameter the kind does not take), so a
typo fails `ojexcel arsgang check` — all of them in one run — rather than producing quietly
wrong numbers.

Indicators are published in `ordning` order; `ordning` must be unique, and gaps (an indicator
removed) are allowed: the published order numbers them 1, 2, 3 … (D142).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import OjexcelError, Report
from .codebook import PARTS, Codebook
from .rules import (
    FREE_TEXT_PARAMS,
    In,
    NotBlank,
    Rule,
    RuleError,
    build_rule,
    param_kind,
    param_problems,
    rule_columns_with_parents,
)

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
)
OPTIONAL_METADATA_KEYS = (
    "regel",  # the rule in words (rule_text.py's notation); default: written from the rule
    "rubrik",  # the unit sheet's column header: kortnamn abbreviated (default: kortnamn)
    "namn",  # the indicator's full name (guide: Indikatornamn)
    "matt",  # what is measured (guide: Indikator/Mått)
    "malvarde",  # target value (guide: Målvärde)
    "enkatfragor",  # the survey questions, in words
    "indikatortyp",  # type of indicator (guide: Typ av indikator): Struktur, Process or Resultat
)
# Keys that moved out of the catalogue into the årgång's other files (issue 18).
MOVED_KEYS = {
    "jamforbarhet": "jamforbarhet.csv",
    "jamforbarhet_not": "jamforbarhet.csv",
    "year": "arsgang.toml (ar)",
    "title": "arsgang.toml (titel)",
}
ID_PATTERN = re.compile(r"[A-Za-z0-9_]+")
RUBRIK_MAX = 45  # characters of a unit sheet column header (tests/test_screen.py)


class CatalogueError(OjexcelError, ValueError):
    """An indicator catalogue that cannot be read or does not fit its codebook."""


@dataclass(frozen=True)
class Indicator:
    ordning: int  # the published order, 1 … n
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
    params: dict = field(default_factory=dict, compare=False, hash=False)  # the rule kind's parameters
    line: int = 0  # the line of its [[indikator]] in indikatorer.toml

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


def _leaves(cond):
    parts = getattr(cond, "parts", None)
    if parts is None:
        yield cond
    else:
        for p in parts:
            yield from _leaves(p)


def _param_of(params: dict, column: str) -> str | None:
    """The parameter that names `column` (for messages): fraga, uppfoljning, fragor …"""
    for key, value in params.items():
        if value == column or (isinstance(value, list) and column in value):
            return key
    return None


def check_rule_columns(ind_id: str, part: str, typ: str, params: dict, rule: Rule, codebook: Codebook,
                       report: Report, line_of) -> bool:
    """The rule's questions exist, belong to the indicator's part, and its answers are theirs.
    Every problem reported (`line_of(key)`: the line of a parameter); True when there was none."""
    ok = True

    def error(message: str, key: str | None, value) -> None:
        nonlocal ok
        ok = False
        report.error(message, line=line_of(key), key=f"{ind_id}.{key}" if key else ind_id, value=value)

    for key, value in params.items():
        if param_kind(typ, key) not in ("question", "questions"):
            continue
        for col in [value] if isinstance(value, str) else value:
            if col not in codebook:
                error(f"{key} names the question {col}, which is not in codebook.csv", key, col)
                continue
            q = codebook[col]
            if q.part != part:
                error(f"the indicator is in part {part} (del), but {col} belongs to part {q.part}", key, col)
            if key in FREE_TEXT_PARAMS and not q.free_text:
                error(f"{key} must name a free-text question ((fritext) in codebook.csv); {col} has answers", key, col)
            elif key not in FREE_TEXT_PARAMS and q.free_text:
                error(f"{col} is free text: a rule can only ask whether it is filled in (annan_text of nagon_av)", key, col)
    if not ok:
        return False
    for _, cond in rule.clauses:
        for leaf in _leaves(cond):
            if isinstance(leaf, In) and leaf.column in codebook and not codebook[leaf.column].free_text:
                q = codebook[leaf.column]
                for v in leaf.values:
                    if v not in q.answers:
                        key = _answer_param(typ, params, leaf.column, v)
                        error(f"{leaf.column} has no answer {v!r} (its answers: {' | '.join(q.answers)})", key, v)
            elif isinstance(leaf, NotBlank):
                pass
    return ok


def _answer_param(typ: str, params: dict, column: str, value: str) -> str | None:
    """The parameter that wrote answer `value` for `column`, or the question's own parameter when
    the kind itself asks for the answer (e.g. rutin's fraga must have Ja)."""
    for key, given in params.items():
        if key in ("ja", "ja_aven", "uppfoljning_ok", "ej_aktuellt", "delvis"):
            values = [given] if isinstance(given, str) else given
            if isinstance(values, list) and value in values:
                return key
    return _param_of(params, column)


def catalogue_from_toml(toml, codebook: Codebook, year: int, title: str, report: Report) -> Catalogue:
    """The catalogue from `indikatorer.toml` (an `arsgang_files.TomlFile`), every problem reported."""
    data = toml.data
    for key in data:
        if key == "indikator":
            continue
        where = dict(line=toml.key_line(key), key=key)
        if key in MOVED_KEYS:
            report.error(f"{key} no longer belongs in the catalogue: it is in {MOVED_KEYS[key]}", **where)
        else:
            report.error("unknown key: the catalogue holds only [[indikator]] entries", **where)
    entries = data.get("indikator", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        report.error("indikator must be a list of [[indikator]] tables", key="indikator")
        entries = []
    starts = toml.table_lines("indikator")
    built: list[tuple[int, int, Indicator]] = []  # (ordning, entry number, indicator)
    ids: dict[str, int] = {}  # id -> line
    orders: dict[int, tuple[str, int]] = {}  # ordning -> (id, line)
    for n, entry in enumerate(entries, start=1):
        start = starts[n - 1] if n <= len(starts) else None
        stop = starts[n] if n < len(starts) else None

        def line(key: str | None = None) -> int | None:
            if key is None or start is None:
                return start
            return toml.key_line(key, start, stop) or start

        entry = dict(entry)
        ind_id = entry.get("id")
        label = ind_id if isinstance(ind_id, str) and ind_id else f"indikator {n}"
        problems_before = len(report.errors)

        def error(message: str, key: str | None = None, value=None) -> None:
            report.error(message, line=line(key), key=f"{label}.{key}" if key else label, value=value)

        missing = [k for k in METADATA_KEYS + ("typ",) if k not in entry]
        for k in missing:
            error(f"the entry lacks {k}", k)
        for k in MOVED_KEYS:
            if k in entry:
                error(f"{k} no longer belongs in the catalogue: it is in {MOVED_KEYS[k]}", k, entry.pop(k))
        if isinstance(ind_id, str) and ind_id:
            if not ID_PATTERN.fullmatch(ind_id):
                error("an id holds only letters a–z, digits and _ (it is a column and a key in every export)", "id", ind_id)
            elif ind_id in ids:
                error(f"the id {ind_id} appears twice (first on line {ids[ind_id]})", "id", ind_id)
            else:
                ids[ind_id] = line("id") or 0
        elif "id" in entry:
            error("id must be a text in quotes", "id", ind_id)
        ordning = entry.get("ordning")
        if "ordning" in entry:
            if not isinstance(ordning, int) or isinstance(ordning, bool) or ordning < 1:
                error("ordning must be a whole number, 1 or more", "ordning", ordning)
            elif ordning in orders:
                other, other_line = orders[ordning]
                error(f"ordning {ordning} is also the ordning of {other} (line {other_line})", "ordning", ordning)
            else:
                orders[ordning] = (label, line("ordning") or 0)
        for k in ("kvalitetsdimension", "kvalitetsomrade", "indikatoromrade", "kortnamn", "skala") + OPTIONAL_METADATA_KEYS:
            if k in entry and not isinstance(entry[k], str):
                error(f"{k} must be a text in quotes", k, entry[k])
            elif k in METADATA_KEYS and k in entry and not entry[k].strip():
                error(f"{k} is empty", k)
        part = entry.get("del")
        if "del" in entry and part not in PARTS:
            error("del must be G (the general part) or V (the part on våld i nära relationer)", "del", part)
        typ = entry.get("typ")
        params = {k: v for k, v in entry.items() if k not in METADATA_KEYS + OPTIONAL_METADATA_KEYS + ("typ",)}
        if "typ" in entry:
            for key, message, value in param_problems(typ if isinstance(typ, str) else repr(typ), params):
                error(message, key or "typ", value)
        if len(report.errors) > problems_before:
            continue
        try:
            rule = build_rule(typ, params)
        except (RuleError, KeyError, TypeError) as exc:
            error(f"the rule cannot be built: {exc}", "typ", typ)
            continue
        if not check_rule_columns(label, part, typ, params, rule, codebook, report, line):
            continue
        regel = entry.get("regel") or str(rule)
        extra = {k: entry[k] for k in OPTIONAL_METADATA_KEYS if k in entry and k != "regel"}
        built.append((ordning, n, Indicator(
            ordning=ordning,
            id=ind_id,
            kvalitetsdimension=entry["kvalitetsdimension"],
            kvalitetsomrade=entry["kvalitetsomrade"],
            indikatoromrade=entry["indikatoromrade"],
            kortnamn=entry["kortnamn"],
            skala=entry["skala"],
            del_=part,
            regel=regel,
            typ=typ,
            rule=rule,
            columns=rule_columns_with_parents(rule, codebook),
            extra=extra,
            params=params,
            line=start or 0,
        )))
    if not entries and not report.errors:
        report.error("the catalogue lists no indicators: add [[indikator]] entries")
    built.sort(key=lambda t: (t[0], t[1]))
    indicators = tuple(_numbered(ind, i) for i, (_, _, ind) in enumerate(built, start=1))
    return Catalogue(year=year, title=title, indicators=indicators, codebook=codebook)


def _numbered(ind: Indicator, ordning: int) -> Indicator:
    if ind.ordning == ordning:
        return ind
    from dataclasses import replace

    return replace(ind, ordning=ordning)


__all__ = ["METADATA_KEYS", "OPTIONAL_METADATA_KEYS", "Catalogue", "CatalogueError", "Indicator",
           "catalogue_from_toml", "check_rule_columns", "param_kind"]
