"""Every page of the site, rendered from the templates in `templates/site/` (autoescaped).

`Site` holds what one run computed — `Results`, the groups' aggregates (`Comparisons`), a unit's
history (`History`) and the ISU export read back — and lays it out; it never computes a number.
A unit's page is the unit's own sheet (`survey.kommun_report.build_sheet`, the table of
`ojexcel kommun`) with its texts (`kommun_report_text`); the indicators where a unit is furthest
behind its SKL-grupp are the sheet's selection (`kommun_report.furthest_behind`) (D134); the ISU
tables are the ISU unit report's (`isu.kommun_report`), cells shown by its own `cell` (D137).

Every value cell carries `data-v="niva/kod/indikator[/field or year]"`, the key of the tidy row
it shows, so tests read the pages back and compare them with the tidy export.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .. import styles
from ..population import (
    NIVA_ENHET,
    NIVA_KOMMUNGRUPP,
    NIVA_LAN,
    NIVA_RIKET,
    NIVA_SKL,
    NIVA_STORSTAD,
)
from ..survey.kommun_report import (
    ANDEL,
    HISTORIK,
    VARDE,
    Comparisons,
    Enhet,
    all_enheter,
    build_sheet,
    city,
    furthest_behind,
    unit_enhet,
)
from ..survey.kommun_report_html import VALUE_CLASS
from ..survey.kommun_report_text import cell_texts, texts
from ..survey.rule_text import swedish_rule
from ..survey.tidy import COUNT_COLUMNS
from . import links
from .charts import bar_chart
from .kommun_map import load_map

if TYPE_CHECKING:
    from ..survey.kommun_history import History
    from ..survey.results import GroupResult, Results

TEMPLATE_DIR = "site/"
TEMPLATES = ("base.html.j2", "enhet.html.j2", "indikator.html.j2", "grupp.html.j2", "grupper.html.j2",
             "indikatorer.html.j2", "index.html.j2", "om.html.j2", "tillganglighet.html.j2", "isu.html.j2",
             "macros.html.j2")

# Map classes of a unit value (CSS `v-…`), and of a big city's share in four fixed bands.
MAP_CLASS = {"Ja": "v-ja", "Delvis": "v-delvis", "Nej": "v-nej", "Ej aktuellt": "v-ea", None: "v-bf"}
SHARE_BANDS = ((25, "s-1", "0–24 %"), (50, "s-2", "25–49 %"), (75, "s-3", "50–74 %"), (101, "s-4", "75–100 %"))
MAP_ORDER = ("v-ja", "v-delvis", "v-nej", "v-ea", "v-bf", "s-1", "s-2", "s-3", "s-4", "s-x")
PATTERN_TILE = 0.012  # a hatch's tile per map unit of a map's width: about 5 px on screen


def pattern_tile(view_box: str) -> float:
    """The tile of the hatch patterns (Nej, bortfall) for a map of this viewBox."""
    width = float(view_box.split()[2])
    return round(width * PATTERN_TILE, 2)

LEVEL_TITLE = {NIVA_LAN: "Län", NIVA_KOMMUNGRUPP: "Kommungrupper", NIVA_SKL: "SKL-grupper",
               NIVA_STORSTAD: "Storstäder (redovisas per stadsdel)"}


def share_band(share: int | None) -> str:
    """The map class of a big city's share (D136)."""
    if share is None:
        return "s-x"
    return next(cls for upper, cls, _ in SHARE_BANDS if share < upper)


def template(name: str):
    from ..io.templating import environment

    return environment(True).get_template(TEMPLATE_DIR + name)


def key(niva: str, kod: str, indikator: str, field: str = "") -> str:
    """The `data-v` of a cell: the tidy row (niva/kod/indikator) and, when not its `varde`, the field."""
    return f"{niva}/{kod}/{indikator}" + (f"/{field}" if field else "")


@dataclass(frozen=True)
class Column:
    heading: str
    band: str
    href: str  # '' or the group's page
    niva: str


_TEXT: dict[str, str] = {}  # a cell's text escaped: the same few hundred on every page


def cell_html(text: str, colour: str | None, data_key: str) -> str:
    """`<td class="…" data-v="…">text</td>`: the text escaped; the key is safe as it is (codes
    and ids are checked by `links.safe`, levels and fields are the tidy format's words)."""
    shown = _TEXT.get(text)
    if shown is None:
        shown = _TEXT[text] = str(escape(text))
    css = f' class="{VALUE_CLASS[colour]}"' if colour else ""
    return f'<td{css} data-v="{data_key}">{shown}</td>'


def isu_cell_html(row, field: str, text: str) -> str:
    """An ISU table's cell: `data-i` names its row of the ISU export (niva|kod|tabell|delgrupp|
    kategori|field), escaped; a level without the row has none."""
    if row is None:
        return f'<td class="tal">{escape(text)}</td>'
    data_key = "|".join((row.niva, row.kod, row.tabell, row.delgrupp, row.kategori, field))
    shown = _TEXT.get(data_key)
    if shown is None:
        shown = _TEXT[data_key] = str(escape(data_key))
    return f'<td class="tal" data-i="{shown}">{escape(text)}</td>'


def group_title(niva: str, kod: str, namn: str) -> str:
    """A group as a heading says it: 'Kommungrupp 3: 30 000–69 999 invånare', 'SKL-grupp B4: …'."""
    if niva == NIVA_KOMMUNGRUPP:
        return f"Kommungrupp {kod}: {namn}"
    if niva == NIVA_SKL:
        return f"SKL-grupp {kod}: {namn}"
    return namn


def group_short(niva: str, kod: str, namn: str) -> str:
    """A group as a column or bar says it: 'Kommungrupp 3', 'SKL-grupp B4', 'Stockholms län'."""
    if niva == NIVA_KOMMUNGRUPP:
        return f"Kommungrupp {kod}"
    if niva == NIVA_SKL:
        return f"SKL-grupp {kod}"
    return namn


@dataclass(frozen=True)
class IsuInput:
    """An ISU tidy export read back (`isu.tidy.read_isu_tidy`) and the file's name as shown."""

    results: object  # an IsuResults (isu.row_list.RowList)
    name: str


class Site:
    """One run's results, laid out as pages. `history`: the units' own series (`--history`);
    `isu`: the ISU export (`--isu`)."""

    def __init__(self, results: "Results", history: "History | None" = None, isu: IsuInput | None = None,
                 version: str = "") -> None:
        self.results = results
        self.population = results.population
        self.catalogue = results.catalogue
        self.year = results.year
        self.comparisons = Comparisons.of(results)
        self.history = history
        self.isu = isu
        self.version = version
        self.map = load_map(self.population)
        self.enheter = all_enheter(self.population)
        for e in self.enheter:
            links.safe(e.kod)
        for ind in self.catalogue.indicators:
            links.safe(ind.id)

    def warm_up(self) -> None:
        """Compile the templates and fill the caches once, before workers are forked."""
        for name in TEMPLATES:
            template(name)
        _ = self.legend, self.units_by_name, self.lan_units, self.isu_levels
        if self.isu is not None:
            from ..isu.chart_catalogue import load_chart_catalogue
            from ..io.templating import environment
            from ..isu.kommun_report_text import TEXTER

            load_chart_catalogue()
            environment(False).get_template(TEXTER)
        from ..survey.kommun_report_text import ANALYSGUIDE, TEXTER as SHEET_TEXTS, template as sheet_template

        for name in (SHEET_TEXTS, ANALYSGUIDE):
            sheet_template(name)

    # -- shared context ---------------------------------------------------------------------

    @cached_property
    def title(self) -> str:
        return self.catalogue.title

    @cached_property
    def n_districts(self) -> int:
        return sum(u.is_district for u in self.population.units)

    @cached_property
    def words(self) -> dict:
        """What the pages say about the year's population, from its årgång, as the workbook says
        it (`survey.workbook.population_texts`, D144): `storstader` ("Stockholm, Göteborg och
        Malmö"; '' when no city answers per district), `kommungrupp_spann` ("1–5"), `skl_spann`
        ("A1–C9"), `antal_lan`, and the årgång's optional texts on the groups, `kommungrupp_efter`
        ("antal invånare den 31 december 2016") and `skl_indelning` ("SKL:s kommungruppsindelning
        2017"), without them the words without a date (never a guessed year)."""
        from ..survey.workbook import population_texts

        pop = self.population
        skl = list(pop.skl_groups)
        texts = self.results.arsgang.texts if self.results.arsgang is not None else None
        return {
            **population_texts(self.results),
            "skl_spann": f"{skl[0]}–{skl[-1]}" if len(skl) > 1 else "".join(skl),
            "antal_lan": len(pop.lan),
            "kommungrupp_efter": (texts.kommungrupp_efter if texts is not None else "") or "antal invånare",
            "skl_indelning": (texts.skl_indelning if texts is not None else "") or "SKL:s kommungruppsindelning",
        }

    def context(self, depth: int, **kw) -> dict:
        return {"site": self, "root": "../" if depth else "", "links": links, "s": styles,
                "value_class": VALUE_CLASS, **kw}

    def render(self, name: str, depth: int, **kw) -> str:
        return template(name).render(self.context(depth, **kw))

    @cached_property
    def isu_levels(self) -> dict[str, str]:
        """kod -> ISU niva (kommun or stadsdel) of every unit and city the ISU export covers."""
        if self.isu is None:
            return {}
        from ..isu.model import KOMMUN, STADSDEL

        out = {}
        for niva in (KOMMUN, STADSDEL):
            for kod in self.isu.results.enheter(niva):
                out[kod] = niva
        return out

    def isu_report(self, kod: str):
        from ..isu.kommun_report import build_kommun_report

        return build_kommun_report(self.isu.results, self.population, self.isu_levels[kod], kod)

    def group_result(self, niva: str, kod: str) -> "GroupResult":
        return self.results.group(niva, kod)

    def group_name(self, niva: str, kod: str) -> str:
        return self.comparisons.namn[niva, kod]

    def unit_name(self, kod: str) -> str:
        if kod in self.population.cities:
            return self.population.municipalities[kod]
        return self.population.unit(kod).full_name

    @cached_property
    def units_by_name(self) -> tuple:
        """Every unit in Swedish alphabetical order of its full name (the tables' order without JS)."""
        return tuple(sorted(self.population.units, key=lambda u: (swedish_key(u.full_name), u.kod)))

    @cached_property
    def lan_units(self) -> tuple[tuple[str, str, tuple], ...]:
        """(lanskod, län, its kommuner as Enhet: cities with their districts) for the index."""
        out = []
        for lanskod, lan in self.population.lan.items():
            members = []
            for kod, namn in self.population.municipalities.items():
                if kod in self.population.cities:
                    c = city(self.population, kod)
                    if c.keys.lanskod == lanskod:
                        members.append(c)
                elif self.population.unit(kod).lanskod == lanskod:
                    members.append(unit_enhet(self.population.unit(kod)))
            members.sort(key=lambda e: swedish_key(e.namn))
            out.append((lanskod, lan, tuple(members)))
        return tuple(out)

    @cached_property
    def legend(self):
        """The legend of colours and symbols, as the unit sheets give it (any sheet without history)."""
        return texts(build_sheet(self.results, self.enheter[0], self.comparisons)).legend

    # -- a unit's page ----------------------------------------------------------------------

    def unit_page(self, enhet: Enhet) -> str:
        blad = build_sheet(self.results, enhet, self.comparisons, self.history)
        t = texts(blad)
        rows = cell_texts(blad, t)
        compare = [i for i, k in enumerate(blad.kolumner) if k.typ in (VARDE, ANDEL)]
        years = [i for i, k in enumerate(blad.kolumner) if k.typ == HISTORIK]
        columns = []
        for k in blad.kolumner:
            href = "" if k.typ == HISTORIK else (
                links.unit_page(k.kod) if k.niva == NIVA_ENHET and k.kod != enhet.kod else
                "" if k.niva == NIVA_ENHET else links.group_page(k.niva, k.kod))
            columns.append(Column(str(t.rubrik(k)), str(t.band(k)), href, k.niva))
        # Each row's cells laid out once, for the table of the year and the history table: a
        # page has a few hundred, and markup built here costs a tenth of the template's loop.
        row_cells = []
        kinds = [(VALUE_CLASS, k.niva, k.kod, k.namn if k.typ == HISTORIK else "") for k in blad.kolumner]
        for rad, texter in zip(blad.rader, rows):
            ind = rad.indikator.id
            line = [cell_html(text, colour, key(niva, kod, ind, field))
                    for (_, niva, kod, field), (text, colour) in zip(kinds, texter)]
            row_cells.append((rad.indikator, Markup("".join(line[i] for i in compare)),
                              Markup("".join(line[i] for i in years))))
        keys = enhet.keys
        skl = (NIVA_SKL, keys.skl_kod)
        behind = furthest_behind(self.results, enhet, self.comparisons, skl)
        isu = isu_cell = None
        if enhet.kod in self.isu_levels:
            from ..isu.kommun_report_text import cell as isu_cell

            isu = self.isu_report(enhet.kod)
        def bands(indices):
            return [(text, len(list(g))) for text, g in groupby(columns[i].band for i in indices)]

        return self.render(
            "enhet.html.j2", 1, e=enhet, blad=blad, t=t, columns=columns, rows=row_cells, compare=compare,
            years=years, bands_compare=bands(compare), bands_years=bands(years), behind=behind, skl=skl, skl_name=self.group_name(*skl),
            kommungrupp_namn=blad.kommungrupp_namn, isu=isu, isu_cell=isu_cell,
            isu_t=self.isu_texts(isu) if isu is not None else None,
            areas=_areas(blad),
        )

    def isu_texts(self, report):
        from ..isu.kommun_report_text import texts as isu_texts

        return isu_texts(report)

    def isu_page(self, kod: str) -> str:
        from ..isu.kommun_report_text import category_text, cell, value_fields

        report = self.isu_report(kod)
        cells = {}  # a table's key -> each row's cells, laid out once (a page has thousands)
        for tab in report.tabeller:
            rows = []
            for rad in tab.rader:
                fields = ("antal", "bas", value_fields(rad.kategori))
                rows.append(Markup("".join(isu_cell_html(c, f, cell(c, f)) for c in rad.celler for f in fields)))
            cells[tab.nyckel] = rows
        return self.render("isu.html.j2", 1, r=report, t=self.isu_texts(report), cells=cells,
                           category_text=category_text, kod=kod, unit_name=self.unit_name(kod))

    # -- an indicator's page ----------------------------------------------------------------

    def indicator_page(self, index: int) -> str:
        ind = self.catalogue.indicators[index]
        i = index
        riket = self.results.riket.aggregates[i].andel

        def rows(levels):
            out = []
            for niva in levels:
                for gr in self.results.groups_at(niva):
                    g = gr.group
                    out.append((g, gr.aggregates[i]))
            return out

        first = rows((NIVA_RIKET, NIVA_KOMMUNGRUPP, NIVA_SKL, NIVA_STORSTAD))
        lan = rows((NIVA_LAN,))

        def chart(chart_id, pairs):
            return bar_chart(chart_id, [(group_short(g.niva, g.kod, g.namn), a.andel, key(g.niva, g.kod, ind.id))
                                        for g, a in pairs], riket, "Riket")

        values = self.results.unit_values
        classes = {}  # kod -> map class
        titles = {}  # kod -> the path's title
        for kod, _ in self.map.paths:
            name = self.population.municipalities[kod]
            if kod in self.population.cities:
                share = self.comparisons.shares[NIVA_STORSTAD, kod][i]
                classes[kod] = share_band(share)
                titles[kod] = f"{name}: {styles.share_text(share)}" + ("" if share is None else " %") + " Ja i stadsdelarna"
            else:
                v = values[kod][i]
                classes[kod] = MAP_CLASS[v]
                titles[kod] = f"{name}: {styles.unit_text(v)}"
        # The paths grouped by class (a `<g>` each, paths inherit its fill), so the insets' `<use>`
        # can set their own fill: a pattern's tile follows the inset's zoom (D136).
        layers = []
        for cls in MAP_ORDER:
            paths = [(kod, d, titles[kod]) for kod, d in self.map.paths if classes[kod] == cls]
            if paths:
                layers.append((cls, paths))
        insets = [(inset, [(kod, classes[kod]) for kod in inset.codes], pattern_tile(inset.view_box))
                  for inset in self.map.insets]
        cities = []
        for kod in self.population.cities:
            cities.append((kod, self.population.municipalities[kod], self.comparisons.shares[NIVA_STORSTAD, kod][i],
                           self.population.districts_of(kod)))
        return self.render(
            "indikator.html.j2", 1, ind=ind, i=i, rule=swedish_rule(ind.regel), riket=riket,
            first=first, lan=lan, chart_first=chart("d1", first), chart_lan=chart("d2", lan),
            layers=layers, insets=insets, main_tile=pattern_tile(self.map.view_box), cities=cities, values=values, map=self.map, map_class=MAP_CLASS,
            share_bands=SHARE_BANDS, key=key, count_columns=COUNT_COLUMNS,
            previous=self.catalogue.indicators[i - 1] if i else None,
            next=self.catalogue.indicators[i + 1] if i + 1 < len(self.catalogue) else None,
        )

    # -- group pages ------------------------------------------------------------------------

    def group_page(self, niva: str, kod: str) -> str:
        gr = self.group_result(niva, kod)
        g = gr.group
        members = [self.population.unit(m) for m in g.members]
        members.sort(key=lambda u: (swedish_key(u.full_name), u.kod))
        riket = self.results.riket
        areas = []
        for k_namn, k_inds in groupby(enumerate(self.catalogue.indicators), key=lambda p: p[1].kvalitetsomrade):
            sub = []
            for o_namn, o_inds in groupby(k_inds, key=lambda p: p[1].indikatoromrade):
                sub.append((o_namn, [(ind, gr.aggregates[n], riket.aggregates[n]) for n, ind in o_inds]))
            areas.append((k_namn, sub))
        return self.render("grupp.html.j2", 1, g=g, title=group_title(g.niva, g.kod, g.namn), members=members,
                           areas=areas, is_riket=niva == NIVA_RIKET, key=key, count_columns=COUNT_COLUMNS)

    def groups_index(self) -> str:
        levels = [(LEVEL_TITLE[niva], [gr.group for gr in self.results.groups_at(niva)])
                  for niva in (NIVA_LAN, NIVA_KOMMUNGRUPP, NIVA_SKL, NIVA_STORSTAD)]
        return self.render("grupper.html.j2", 1, levels=levels, group_title=group_title)

    def indicators_index(self) -> str:
        riket = self.results.riket
        return self.render("indikatorer.html.j2", 1, areas=_catalogue_areas(self.catalogue), riket=riket, key=key)

    # -- the index, about and accessibility pages -------------------------------------------

    def index_page(self) -> str:
        return self.render("index.html.j2", 0, areas=_catalogue_areas(self.catalogue), group_title=group_title)

    def about_page(self) -> str:
        return self.render("om.html.j2", 0, legend=self.legend, share_bands=SHARE_BANDS)

    def accessibility_page(self) -> str:
        return self.render("tillganglighet.html.j2", 0)


def _areas(blad):
    """(kvalitetsområde, [(indikatorområde, [row index, …]), …]) of a sheet, in catalogue order."""
    out = []
    n = 0
    for k in blad.kvalitetsomraden:
        sub = []
        for o in k.omraden:
            sub.append((o.namn, list(range(n, n + len(o.rader)))))
            n += len(o.rader)
        out.append((k.namn, sub))
    return out


def _catalogue_areas(catalogue):
    """(kvalitetsområde, [(indikatorområde, [(index, indicator), …]), …]) in catalogue order."""
    out = []
    for k_namn, k_inds in groupby(enumerate(catalogue.indicators), key=lambda p: p[1].kvalitetsomrade):
        out.append((k_namn, [(o, list(inds)) for o, inds in groupby(k_inds, key=lambda p: p[1].indikatoromrade)]))
    return out


# Swedish alphabetical order: å, ä, ö after z; é as e, ü as y (as Swedish dictionaries sort) (D139).
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e", "ü": "y"})


def swedish_key(name: str) -> str:
    import unicodedata

    text = name.casefold().translate(_SWEDISH)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
