"""A unit's ISU report passes axe-core in a real headless browser (skipped without one).

Needs Chromium (`apt-get install chromium`) and axe-core (`npm install axe-core`), found through
the environment variable AXE_CORE_JS (path of axe.min.js) or a `node_modules/axe-core` in the
repository. The page is written with axe and a runner appended (the report itself has no
script), Chromium dumps the DOM after axe has run, and the violations are read from it.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ojexcel.isu.kommun_report import build_kommun_report
from ojexcel.isu.kommun_report_html import render_kommun_report_html
from ojexcel.population import load_population

from .test_isu_enhetsrapport import resultat

ROOT = Path(__file__).resolve().parents[1]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _axe() -> Path | None:
    candidates = [os.environ.get("AXE_CORE_JS", ""), str(ROOT / "node_modules" / "axe-core" / "axe.min.js")]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


RUNNER = """<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  var pre = document.createElement("pre");
  pre.id = "axe-result";
  pre.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target; })};
  }));
  document.body.appendChild(pre);
});
</script>
"""


def violations(page: str, tmp_path: Path, chromium: str, axe: Path) -> list[dict]:
    injected = page.replace("</body>", f"<script>{axe.read_text(encoding='utf-8')}</script>\n{RUNNER}</body>")
    path = tmp_path / "axe.html"
    path.write_text(injected, encoding="utf-8")
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--virtual-time-budget=60000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    m = re.search(r'<pre id="axe-result">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"axe did not report (chromium exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(html.unescape(m.group(1)))


@pytest.mark.parametrize("niva,kod", [("stadsdel", "0180-01"), ("kommun", "0115")])
def test_report_has_no_axe_violations(tmp_path, niva, kod):
    chromium, axe = _chromium(), _axe()
    if chromium is None or axe is None:
        pytest.skip("needs Chromium and axe-core (AXE_CORE_JS or node_modules/axe-core)")
    page = render_kommun_report_html(build_kommun_report(resultat(), load_population(), niva, kod))
    assert violations(page, tmp_path, chromium, axe) == []
