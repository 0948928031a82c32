"""`ojexcel site` in a real browser (Chromium; axe-core): no accessibility violation on any page
type at 390 and 1366 px, the search script finds every unit and indicator from `file://`, its
folding equals `names.normalise`, and a page prints on A4 without the navigation.

Skipped with a reason where Chromium or axe-core is missing (tests/browser.py). One browser run
per test: the pages are loaded one after another into frames of a harness page.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata

import pytest

from ojexcel.names import normalise
from ojexcel.population import CITIES

from .browser import axe_or_skip, chromium_or_skip, finish, run_page, start_page
from .site_fixture import built_site

pytestmark = pytest.mark.slow  # the whole module: the inner loop (`-m "not slow"`) leaves it out

# One page of each type: index, a kommun, a stadsdel, a big city (with ISU), an ISU page, an
# indicator with its map, a län, riket, the lists of groups and indicators, about, accessibility.
PAGE_TYPES = ("index.html", "enhet/0114.html", "enhet/0180-01.html", "enhet/0180.html", "isu/0180-01.html",
              "indikator/socialjour.html", "grupp/lan-01.html", "grupp/riket.html", "grupp/index.html",
              "indikator/index.html", "om.html", "tillganglighet.html")
WIDTHS = (390, 1366)


@pytest.fixture(scope="module")
def site(tmp_path_factory, tidy_files):
    return built_site(tmp_path_factory, tidy_files)[0]


def write_harness(path, body_script: str, head: str = ""):
    path.write_text(f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">{head}</head><body>'
                    f'<pre id="resultat"></pre><script>{body_script}</script></body></html>', encoding="utf-8")
    return start_page(path, 1400, 900, extra=("--allow-file-access-from-files",))


def harness_result(proc) -> str:
    dom = finish(proc)
    m = re.search(r'<pre id="resultat">(.+?)</pre>', dom, re.S)
    assert m, f"the harness did not report: {dom[-2000:]}"
    return html.unescape(m.group(1))


def harness(tmp_path, body_script: str, head: str = "") -> str:
    return harness_result(write_harness(tmp_path / "harness.html", body_script, head))


AXE_RUNNER = """
var jobs = JOBS, axeSrc = AXE, results = {};
function next(i) {
  if (i >= jobs.length) { document.getElementById("resultat").textContent = JSON.stringify(results); return; }
  var job = jobs[i], f = document.createElement("iframe");
  f.style.width = job.w + "px"; f.style.height = "900px";
  f.onload = function () {
    var d = f.contentDocument, s = d.createElement("script");
    s.src = axeSrc;
    s.onload = function () {
      f.contentWindow.axe.run(d, {resultTypes: ["violations"]}).then(function (r) {
        results[job.p + " @ " + job.w + " px"] = r.violations.map(function (v) {
          return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) { return n.target; })};
        });
        document.body.removeChild(f);
        next(i + 1);
      });
    };
    d.head.appendChild(s);
  };
  f.src = job.p;
  document.body.appendChild(f);
}
next(0);
"""


@pytest.mark.slow
def test_no_axe_violation_on_any_page_type_at_both_widths(site, tmp_path):
    chromium_or_skip()
    axe = axe_or_skip()
    runs = []
    for w in WIDTHS:  # one browser per width, side by side
        jobs = [{"p": (site / p).as_uri(), "w": w} for p in PAGE_TYPES]
        script = AXE_RUNNER.replace("JOBS", json.dumps(jobs)).replace("AXE", json.dumps(axe.resolve().as_uri()))
        runs.append(write_harness(tmp_path / f"harness-{w}.html", script))
    results = {}
    for proc in runs:
        results.update(json.loads(harness_result(proc)))
    assert len(results) == len(PAGE_TYPES) * len(WIDTHS)
    found = {page: v for page, v in results.items() if v}
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


SEARCH_RUNNER = """
var idx = window.OJSOK, out = {fold: [], first: {}, among: {}};
NAMES.forEach(function (n) { out.fold.push(window.ojFold(n)); });
QUERIES.forEach(function (q) {
  out.first[q] = (window.ojSearch(idx, q)[0] || {}).href || null;
  out.among[q] = window.ojSearch(idx, q).slice(0, 12).map(function (h) { return h.href; });
});
document.getElementById("resultat").textContent = JSON.stringify(out);
"""


def ascii_fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@pytest.mark.slow
def test_the_search_script_finds_every_unit_and_indicator(site, tmp_path, population, catalogue):
    chromium_or_skip()
    units = [(u.kod, u.full_name) for u in population.units] + [(k, population.municipalities[k]) for k in CITIES]
    indicators = [(i.id, i.kortnamn) for i in catalogue.indicators]
    names = [n for _, n in units] + [n for _, n in indicators] + ["Ärla – Östra_Öster‐Å", "  MALMÖ\tSöder  "]
    queries = [n for _, n in units] + [ascii_fold(n).upper() for _, n in units] + [ascii_fold(n) for _, n in indicators]
    head = "".join(f'<script src="{(site / f).as_uri()}"></script>' for f in ("assets/sok.js", "assets/site.js"))
    script = SEARCH_RUNNER.replace("NAMES", json.dumps(names)).replace("QUERIES", json.dumps(queries))
    out = json.loads(harness(tmp_path, script, head))
    assert out["fold"] == [normalise(n) for n in names]  # the JS folding is names.normalise
    for kod, name in units:
        assert out["first"][name] == f"enhet/{kod}.html", name
        assert f"enhet/{kod}.html" in out["among"][ascii_fold(name).upper()], name
    for ind_id, name in indicators:
        assert f"indikator/{ind_id}.html" in out["among"][ascii_fold(name)], name


@pytest.mark.slow
def test_the_search_box_works_from_file_urls(site):
    chromium_or_skip()
    dom = run_page(site / "index.html", 390, query="?q=goteborg")
    hits = re.findall(r'<li><a href="(enhet/[^"]+)">', dom.split('id="sok-traffar"', 1)[1].split("</ul>", 1)[0])
    assert hits[0] == "enhet/1480.html" and "enhet/1480-01.html" in hits
    assert re.search(r'id="sok-status"[^>]*>\d+ träffar', dom)


SORT_RUNNER = """
var f = document.createElement("iframe");
f.style.width = "1366px"; f.style.height = "900px";
f.onload = function () {
  var d = f.contentDocument, table = d.querySelector("table.sorterbar"), out = {};
  function column(n) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[n].textContent.trim(); });
  }
  var heads = table.tHead.rows[0].cells;
  out.buttons = Array.prototype.map.call(heads, function (th) { return !!th.querySelector("button"); });
  out.hint = !d.querySelector(".sorteringshjalp").hidden;
  out.before = column(0);
  heads[4].querySelector("button").click();
  out.sort = heads[4].getAttribute("aria-sort");
  out.values = column(4);
  out.names_by_value = column(0);
  heads[4].querySelector("button").click();
  out.sort_again = heads[4].getAttribute("aria-sort");
  out.values_desc = column(4);
  heads[2].querySelector("button").click();
  out.groups = column(2);
  document.getElementById("resultat").textContent = JSON.stringify(out);
};
f.src = PAGE;
document.body.appendChild(f);
"""


@pytest.mark.slow
def test_the_unit_table_sorts_by_any_column(site, tmp_path):
    chromium_or_skip()
    script = SORT_RUNNER.replace("PAGE", json.dumps((site / "indikator/socialjour.html").as_uri()))
    out = json.loads(harness(tmp_path, script))
    assert all(out["buttons"]) and out["hint"]
    assert len(out["before"]) == 316
    order = {"Ja": 0, "Delvis": 1, "Nej": 2, "Ej aktuellt": 3, "..": 4}
    assert out["sort"] == "ascending" and out["sort_again"] == "descending"
    assert [order[v] for v in out["values"]] == sorted(order[v] for v in out["values"])
    assert [order[v] for v in out["values_desc"]] == sorted((order[v] for v in out["values"]), reverse=True)
    # ties keep the name order (Swedish alphabetical: the order without JavaScript)
    ja = [n for n, v in zip(out["names_by_value"], out["values"]) if v == "Ja"]
    assert ja == [n for n in out["before"] if n in set(ja)]
    assert [int(g) for g in out["groups"]] == sorted(int(g) for g in out["groups"])


def print_pdf(chromium: str, page, pdf) -> tuple[str, str]:
    """(pdfinfo's report, pdftotext's layout text) of `page` printed by Chromium."""
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=180, check=False)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return info, text


@pytest.mark.slow
def test_pages_print_on_a4_without_the_navigation_and_tables_whole(site, tmp_path):
    chromium = chromium_or_skip()
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("needs poppler-utils (pdfinfo, pdftotext)")
    info, text = print_pdf(chromium, site / "enhet/0114.html", tmp_path / "enhet.pdf")
    assert re.search(r"size:.*\(A4\)", info) and "landscape" not in info, info
    assert "Till innehållet" not in text and "Om jämförelserna, färger och tecken" not in text
    assert "Upplands Väsby" in text and "Socialjour" in text
    assert "SKL-grupp A2" in text  # the table's last column is on the page
    # a big city's table (its districts side by side) prints on landscape pages, every column whole
    info, text = print_pdf(chromium, site / "enhet/0180.html", tmp_path / "stad.pdf")
    assert re.search(r"841\.\d+ x 59\d\.\d+ pts \(A4\)", info), info
    assert any("Bromma" in line and "Östermalm" in line for line in text.splitlines())
