"""`ojexcel site`: the pages read back equal the tidy exports; links resolve; search finds every
unit and indicator; budgets; hostile names stay text; the command's folder rules.

The site is the embedded 2017 sample with 2016 and 2018 as history and an ISU export
(`site_fixture.built_site`, built once per session by the command itself).
"""
from __future__ import annotations

import csv
import functools
import gzip
import json
import re
import unicodedata
from dataclasses import replace
import html
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ojexcel.names import normalise
from ojexcel.population import CITIES, NIVA_ENHET, NIVA_STORSTAD, Population
from ojexcel.survey.tidy import read_tidy
from ojexcel.styles import BORTFALL, OSAKER, SAKNAS, SUPPRESSED

from .site_fixture import built_site, run_site

pytestmark = pytest.mark.slow  # the whole module: the inner loop (`-m "not slow"`) leaves it out

MARKS = (" †", " *")


@pytest.fixture(scope="session")
def site(tmp_path_factory, tidy_files):
    return built_site(tmp_path_factory, tidy_files)[0]


@pytest.fixture(scope="session")
def isu_file(tmp_path_factory, tidy_files):
    return built_site(tmp_path_factory, tidy_files)[1]


@pytest.fixture(scope="session")
def pages(site):
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="session")
def tidy(tidy_files):
    """(year, niva, kod, indikator) -> TidyRow, of the three sample years."""
    out = {}
    for year, path in tidy_files.items():
        for r in read_tidy(path, year):
            out[(year, r.niva, r.kod, r.indikator)] = r
    return out


# Values are plain text inside their element (no nested tags), so a pattern reads them back; the
# browser tests check that the pages parse as a browser parses them.
KEYED = re.compile(r'<(\w+)\b[^>]*?\b(data-[vi])="([^"]*)"[^>]*>([^<]*)<')
TAG = re.compile(r'<(\w+)\s([^>]*?\b(?:href|src|id)="[^>]*)>')  # the elements a link or fragment needs
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


class Page:
    """A page's elements with a link or an id (tag, attributes) and its keyed cells (`data-v`,
    `data-i`) with their text."""

    def __init__(self, text: str) -> None:
        self.elements = [(m.group(1), {k: unescape(v) for k, v in ATTR.findall(m.group(2))})
                         for m in TAG.finditer(text)]
        self.keyed = [(m.group(2), unescape(m.group(3)), unescape(m.group(4)).strip())
                      for m in KEYED.finditer(text)]

    def cells(self, attribute: str):
        return [(key, text) for name, key, text in self.keyed if name == attribute]


@pytest.fixture(scope="session")
def parsed(pages):
    return {name: Page(text) for name, text in pages.items()}


def expected_text(row, niva: str, field: str) -> str:
    if row is None:
        return SAKNAS
    if field and field in ("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter"):
        return str(row.counts[("ja", "delvis", "nej", "ej_aktuellt", "bortfall", "enheter").index(field)])
    if niva == NIVA_ENHET:
        return row.varde or BORTFALL
    return row.varde or SUPPRESSED


def test_every_number_on_every_page_equals_the_tidy_export(parsed, tidy):
    checked = 0
    seen: set[tuple] = set()
    wrong = []
    for name, page in parsed.items():
        for key, text in page.cells("data-v"):
            niva, kod, ind, *rest = key.split("/")
            field = rest[0] if rest else ""
            year = 2017
            if field.isdigit():  # a year of the history: that year's value, with its comparability mark
                year, field = int(field), ""
                for mark in MARKS:
                    text = text.removesuffix(mark)
            text = text.removesuffix(" %")
            expected = expected_text(tidy.get((year, niva, kod, ind)), niva, field)
            if text != expected:
                wrong.append(f"{name}: {key} shows {text!r}, the tidy export {expected!r}")
            checked += 1
            if year == 2017:
                seen.add((niva, kod, ind))
    assert not wrong, "\n".join(wrong[:20])
    rows_2017 = {(n, k, i) for (y, n, k, i) in tidy if y == 2017}
    assert seen == rows_2017, f"{len(rows_2017 - seen)} tidy rows on no page, e.g. {sorted(rows_2017 - seen)[:5]}"
    assert checked > 50_000


def test_a_unit_page_shows_every_indicator_beside_its_groups(parsed, catalogue):
    keys = {k for k, _ in parsed["enhet/0114.html"].cells("data-v")}
    for ind in catalogue.ids:
        for k in (f"enhet/0114/{ind}", f"lan/01/{ind}", f"riket//{ind}", f"kommungrupp/3/{ind}",
                  f"skl_grupp/A2/{ind}", f"enhet/0114/{ind}/2016", f"enhet/0114/{ind}/2018"):
            assert k in keys
    district = {k for k, _ in parsed["enhet/0180-01.html"].cells("data-v")}
    assert f"storstad/0180/{catalogue.ids[0]}" in district
    city = {k for k, _ in parsed["enhet/0180.html"].cells("data-v")}
    assert f"enhet/0180-01/{catalogue.ids[0]}" in city and f"storstad/0180/{catalogue.ids[0]}/2016" in city


def test_the_map_colours_every_kommun_by_its_value(pages, tidy, catalogue):
    ind = catalogue.ids[0]
    text = pages[f"indikator/{ind}.html"]
    layers = re.findall(r'<g class="([\w-]+)">(.*?)</g>', text, re.S)
    classes = {kod: cls for cls, body in layers for kod in re.findall(r'<path id="k(\d{4})"', body)}
    assert len(classes) == 290
    by_value = {"Ja": "v-ja", "Delvis": "v-delvis", "Nej": "v-nej", "Ej aktuellt": "v-ea", "": "v-bf"}
    for kod, cls in classes.items():
        if kod in CITIES:
            share = tidy[(2017, NIVA_STORSTAD, kod, ind)].varde
            assert cls == ("s-x" if not share else f"s-{min(int(share) // 25, 3) + 1}")
        else:
            assert cls == by_value[tidy[(2017, NIVA_ENHET, kod, ind)].varde], kod
    titles = dict(re.findall(r'<path id="k(\d{4})" d="[^"]*"><title>([^<]*)</title>', text))
    ale = tidy[(2017, NIVA_ENHET, "1440", ind)].varde or BORTFALL
    assert titles["1440"] == f"Ale: {ale}"
    # the insets draw the paths of the main map, each with its own class
    for kod, cls in re.findall(r'<use href="#k(\d{4})" class="([\w-]+)"/>', text):
        assert classes[kod] == cls


# ---------------------------------------------------------------------------------------------
# ISU


def test_isu_cells_are_exactly_the_exports(parsed, isu_file):
    with open(isu_file, encoding="utf-8", newline="") as fh:
        rows = {"|".join((r["niva"], r["kod"], r["tabell"], r["delgrupp"], r["kategori"])): r for r in csv.DictReader(fh)}
    checked = 0
    for name, page in parsed.items():
        for key, text in page.cells("data-i"):
            row_key, _, field = key.rpartition("|")
            raw = rows[row_key][field]
            if raw == "":
                assert text in (SUPPRESSED, OSAKER, SAKNAS), f"{name}: {key} shows {text!r} for an empty value"
            else:
                assert text.replace("\u00a0", "").replace(",", ".") == raw, f"{name}: {key}"
            checked += 1
    assert checked > 5000


def test_isu_figures_only_on_the_units_the_export_covers(pages):
    covered = {"0114", "0180", "1480", "0180-01"}  # isu_tidy_fixture's kommuner and stadsdel
    assert {Path(n).stem for n in pages if n.startswith("isu/")} == covered
    for kod in ("0114", "0180-01", "0115"):
        page = pages[f"enhet/{kod}.html"]
        assert ('id="isu"' in page) == (kod in covered)
    assert "Varje antal har ett litet slumpmässigt brus" in pages["isu/0114.html"]  # the ISU texts on the noise (CONTRACT isu §2)


# ---------------------------------------------------------------------------------------------
# Links, resources


def test_no_dead_link_and_nothing_from_the_internet(site, parsed):
    ids = {name: {a["id"] for _, a in page.elements if "id" in a} for name, page in parsed.items()}
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    dead, external = [], []
    for name, page in parsed.items():
        folder = os.path.dirname(name)
        for tag, attrs in page.elements:
            for attr in ("href", "src"):
                if attr not in attrs:
                    continue
                url = attrs[attr]
                parts = urlsplit(url)
                if parts.scheme or url.startswith("//"):
                    if not (tag == "a" and "external" in attrs.get("rel", "").split()):
                        external.append(f"{name}: <{tag} {attr}={url!r}>")
                    continue
                target = name if not parts.path else os.path.normpath(os.path.join(folder, unquote(parts.path)))
                if target not in files:  # also every path leaving the folder (../..)
                    dead.append(f"{name}: {url}")
                elif parts.fragment and parts.fragment not in ids.get(target, ()):
                    dead.append(f"{name}: {url} (no such id)")
    assert not dead, "\n".join(dead[:20])
    assert not external, "\n".join(external[:20])
    for asset in ("assets/site.css", "assets/site.js", "assets/sok.js"):
        assert not re.search(r"https?:|//[a-z]", (site / asset).read_text(encoding="utf-8"), re.I), asset


def test_every_page_is_swedish_and_has_one_main(pages):
    for name, text in pages.items():
        assert '<html lang="sv">' in text, name
        assert text.count("<main") == 1 and text.count("<h1") == 1, name


def test_the_downloads_are_the_exports(site, tidy_files, catalogue):
    assert (site / "filer/vinr_2017_tidy.csv").read_bytes() == Path(tidy_files[2017]).read_bytes()
    lines = Path(tidy_files[2017]).read_text(encoding="utf-8").splitlines()
    own = (site / "filer/0114.csv").read_text(encoding="utf-8").splitlines()
    assert own[0] == lines[0] and own[1:] == [line for line in lines if line.startswith("2017,enhet,0114,")]
    city = (site / "filer/0180.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert city[: len(catalogue)] == [line for line in lines if line.startswith("2017,storstad,0180,")]
    assert len(city) == len(catalogue) * 15  # the city's rows, then its 14 districts'
    lan = (site / "filer/lan-01.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert lan == [line for line in lines if line.startswith("2017,lan,01,")]
    from openpyxl import load_workbook

    sheet = load_workbook(site / "filer/0114.xlsx", read_only=True)
    assert sheet.sheetnames[0] == "Jämförelse"


def test_the_manifest_lists_every_file(site):
    listed = [line for line in (site / "ojexcel-site.txt").read_text(encoding="utf-8").splitlines()
              if not line.startswith("#")]
    present = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert listed == present


def test_no_absolute_path_or_time_in_any_file(site):
    folder = str(site.parent).encode()
    for p in site.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".js", ".css", ".csv", ".txt"):
            data = p.read_bytes()
            assert folder not in data, p
            assert b"/tmp/" not in data, p


# ---------------------------------------------------------------------------------------------
# Search: the index (Python twin of assets/site.js's search; the browser test runs the JS)


def load_index(site: Path) -> dict:
    text = (site / "assets/sok.js").read_text(encoding="utf-8")
    assert text.startswith("window.OJSOK=") and text.endswith(";\n")
    return json.loads(text[len("window.OJSOK="):-2])


def twin_search(index: dict, query: str) -> list[str]:
    """The pages `search()` of assets/site.js lists for `query`, in its order."""
    typed = query.strip().lower()
    q = normalise(query)
    words = q.split(" ")
    if not q:
        return []

    def rank(name, text):
        if name.lower() == typed:
            return 0
        if text == q:
            return 1
        if text.startswith(q):
            return 2
        if " " + q in text:
            return 3
        return 4 if all(w in text for w in words) else -1

    found = []
    for kind, (entries, page, code) in enumerate(((index["e"], lambda e: f"enhet/{e[0]}.html", True),
                                                  (index["i"], lambda e: f"indikator/{e[0]}.html", False),
                                                  (index["g"], lambda e: e[0], False))):
        for n, e in enumerate(entries):
            r = rank(e[1], e[2])
            if r < 0 and code and folded_code(e[0]).startswith(q):
                r = 2
            if r >= 0:
                found.append((r, kind, n, page(e)))
    return [f[3] for f in sorted(found)]


@functools.cache
def folded_code(kod: str) -> str:
    return normalise(kod)


def ascii_fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def test_search_finds_every_unit_with_or_without_diacritics(site, population):
    index = load_index(site)
    names = [(u.kod, u.full_name) for u in population.units] + [(k, population.municipalities[k]) for k in CITIES]
    for kod, name in names:
        page = f"enhet/{kod}.html"
        for query in (name, name.upper()):
            found = twin_search(index, query)
            assert found and found[0] == page, (query, found[:3])
        same = {f"enhet/{e[0]}.html" for e in index["e"] if e[2] == normalise(name)}  # Habo and Håbo
        for query in (ascii_fold(name), ascii_fold(name).lower().replace(" – ", " ")):
            found = twin_search(index, query)
            assert page in found[: len(same)], (query, found[:3])
        assert page in twin_search(index, kod)
    # a district by its own name alone
    assert "enhet/0180-01.html" in twin_search(index, "bromma")


def test_search_finds_every_indicator_and_group_by_name(site, catalogue):
    index = load_index(site)
    for ind in catalogue.indicators:
        assert f"indikator/{ind.id}.html" in twin_search(index, ascii_fold(ind.kortnamn).lower())
        if ind.meta("namn"):
            assert f"indikator/{ind.id}.html" in twin_search(index, ind.meta("namn"))
    assert twin_search(index, "Vasternorrlands lan")[0] == "grupp/lan-22.html"
    assert "grupp/skl-B4.html" in twin_search(index, "skl-grupp b4")


def test_the_index_folds_names_as_names_normalise_does(site):
    index = load_index(site)
    for kod, name, folded, _ in index["e"]:
        assert folded == normalise(name)


# ---------------------------------------------------------------------------------------------
# Budgets (the bench measures the time: bench/bench_site.py)


def gz(text: str | bytes) -> int:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return len(gzip.compress(data, 9, mtime=0))


def largest(texts, n: int = 8) -> int:
    """The largest gzipped size among the `n` largest texts (gzip follows the raw size closely)."""
    return max(gz(t) for t in sorted(texts, key=len)[-n:])


def test_page_budgets(pages, site):
    units = [t for n, t in pages.items() if n.startswith("enhet/")]
    indicators = [t for n, t in pages.items() if n.startswith("indikator/") and not n.endswith("index.html")]
    assert len(units) == 319 and len(indicators) == 55
    assert largest(units) <= 50_000
    assert largest(indicators) <= 80_000
    for name, text in pages.items():
        assert gz(text[: text.index("<main")]) <= 14_000, name
    js = sum(gz((site / f).read_bytes()) for f in ("assets/site.js", "assets/sok.js"))
    assert js <= 15_000


# ---------------------------------------------------------------------------------------------
# Hostile names: data are text, never markup


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_results():
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.results import GroupResult

    results = build_results(None, 2017)
    pop = results.population
    units = tuple(replace(u, namn=HOSTILE + u.namn, lan=HOSTILE + u.lan,
                          stad_namn=(HOSTILE + u.stad_namn) if u.stad_namn else None) for u in pop.units)
    hostile_pop = Population(units=units, lan={k: HOSTILE + v for k, v in pop.lan.items()},
                             skl_groups={k: HOSTILE + v for k, v in pop.skl_groups.items()},
                             municipalities={k: HOSTILE + v for k, v in pop.municipalities.items()})
    groups = tuple(GroupResult(replace(g.group, namn=HOSTILE + g.group.namn), g.aggregates) for g in results.groups)
    inds = tuple(replace(i, kortnamn=HOSTILE + i.kortnamn, indikatoromrade=HOSTILE + i.indikatoromrade,
                         extra={**i.extra, "namn": HOSTILE, "matt": HOSTILE, "enkatfragor": HOSTILE})
                 for i in results.catalogue.indicators)
    catalogue = replace(results.catalogue, indicators=inds, title=HOSTILE + results.catalogue.title)
    return replace(results, population=hostile_pop, groups=groups, catalogue=catalogue)


def test_hostile_names_and_texts_never_become_markup():
    from ojexcel.site.build import search_entries
    from ojexcel.site.pages import Site
    from ojexcel.site.search_index import search_script

    site = Site(hostile_results())
    rendered = [site.unit_page(site.enheter[0]), site.unit_page(site.enheter[-1]), site.indicator_page(0),
                site.group_page("lan", "01"), site.index_page(), site.groups_index(), site.indicators_index()]
    for text in rendered:
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert" in text
    script = search_script(*search_entries(site))
    assert "<script" not in script and "</" not in script and "\\u003cscript\\u003ealert" in script


# ---------------------------------------------------------------------------------------------
# The command: what it refuses, before any work


def test_an_out_dir_with_other_files_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "webb"
    out.mkdir()
    (out / "viktigt.txt").write_text("mitt", encoding="utf-8")
    result = run_site(out, "--year", "2017", "-q")
    assert result.exit_code == 1
    assert "not written by ojexcel site" in result.output
    assert [p.name for p in out.iterdir()] == ["viktigt.txt"]


def test_an_input_inside_out_dir_is_refused(tmp_path, tidy_files):
    out = tmp_path / "webb"
    out.mkdir()
    history = out / "t2016.csv"
    history.write_bytes(Path(tidy_files[2016]).read_bytes())
    result = run_site(out, "--year", "2017", "--history", f"2016={history}", "-q")
    assert result.exit_code == 1 and "lies in the output folder" in result.output
    assert history.is_file()


def test_an_out_dir_that_is_a_file_or_without_year(tmp_path):
    f = tmp_path / "x"
    f.write_text("", encoding="utf-8")
    assert run_site(f, "--year", "2017").exit_code == 2  # click: not a folder
    assert run_site(tmp_path / "ny").exit_code == 2  # no --year
    assert not (tmp_path / "ny").exists()


def test_a_bad_history_file_writes_nothing(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("nonsense\n", encoding="utf-8")
    result = run_site(tmp_path / "ny", "--year", "2017", "--history", f"2016={bad}", "-q")
    assert result.exit_code == 1 and "not a tidy export" in result.output
    assert not (tmp_path / "ny").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no staging folder left


def test_an_isu_export_naming_an_unknown_unit_is_an_input_error(tmp_path):
    bad = tmp_path / "isu.csv"
    bad.write_text("niva,kod,tabell,delgrupp,kategori,antal,bas,andel,medel\n"
                   "kommun,9999,faser,,aktualiserade,5,5,100,\n", encoding="utf-8")
    result = run_site(tmp_path / "ny", "--year", "2017", "--isu", bad, "-q")
    assert result.exit_code == 1 and "9999" in result.output
    assert not (tmp_path / "ny").exists()


@pytest.mark.slow
def test_a_rebuild_replaces_the_site_with_identical_bytes(site, isu_file, tidy_files, tmp_path):
    """The same inputs give the same bytes (here with one worker instead of two, in another
    folder), and a folder holding an earlier site is replaced as a whole."""
    import hashlib
    import shutil

    def digest(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    copy = tmp_path / "kopia"
    shutil.copytree(site, copy)  # the session's site is shared: rebuild a copy
    (copy / "enhet" / "0114.html").write_text("edited by hand", encoding="utf-8")  # one of its own files
    result = run_site(copy, "--year", "2017", "--history", f"2016={tidy_files[2016]}",
                      "--history", f"2018={tidy_files[2018]}", "--isu", isu_file, "-j", "1", "-q")
    assert result.exit_code == 0, result.output
    assert digest(copy) == digest(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kopia"]
