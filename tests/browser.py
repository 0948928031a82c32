"""A real browser for the tests: Debian's Chromium, headless, and axe-core from npm.

Tests that need them call `chromium_or_skip()` / `axe_or_skip()`, which skip with a clear reason
where they are missing: `apt-get install -y chromium` (or `chromium-browser`, Google Chrome) and
`npm install --no-save axe-core` in the repository (or AXE_CORE_JS = the path of axe.min.js).
`.ci/run` installs both where it can.

- `run_page(path, width)`: Chromium loads a page (file://) at a window width, lets its scripts
  run, and returns the DOM it ended with (`--dump-dom`).
- `axe_violations(path_or_html, width)`: axe-core's violations on a page. A page on disk is copied
  beside itself (same folder, so its relative links still resolve) with axe and a runner appended,
  the runner writes the violations into the DOM, and the copy is removed.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_script() -> Path | None:
    candidates = [os.environ.get("AXE_CORE_JS", ""), str(ROOT / "node_modules" / "axe-core" / "axe.min.js")]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def chromium_or_skip() -> str:
    found = chromium()
    if found is None:
        pytest.skip("needs Chromium: apt-get install -y chromium")
    return found


def axe_or_skip() -> Path:
    found = axe_script()
    if found is None:
        pytest.skip("needs axe-core: npm install --no-save axe-core (or AXE_CORE_JS=path/to/axe.min.js)")
    return found


def start_page(path: Path, width: int = 1366, height: int = 900, extra: tuple[str, ...] = (),
               query: str = "") -> subprocess.Popen:
    """Chromium loading a page (file://) at a window of `width` × `height` px, its DOM to be read
    by `finish` (`query`: a `?q=…` added to the file URL; `extra`: more Chromium flags). Several
    can run at once."""
    return subprocess.Popen(
        [chromium_or_skip(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--no-first-run", f"--window-size={width},{height}",
         "--virtual-time-budget=120000", *extra, "--dump-dom", Path(path).resolve().as_uri() + query],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(proc: subprocess.Popen) -> str:
    """The DOM the page ended with, after its scripts ran."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out + ("" if out else err[-2000:])


def run_page(path: Path, width: int = 1366, height: int = 900, extra: tuple[str, ...] = (), query: str = "") -> str:
    """The DOM after the page's scripts ran (see `start_page`)."""
    return finish(start_page(path, width, height, extra, query))


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


def axe_violations(page: Path | str, width: int = 1366) -> list[dict]:
    """axe-core's violations on `page` (a file, or an HTML text) at `width` px."""
    axe = axe_or_skip()
    chromium_or_skip()
    inject = f'<script src="{axe.resolve().as_uri()}"></script>\n{RUNNER}</body>'
    if isinstance(page, Path):
        text, folder = page.read_text(encoding="utf-8"), page.parent
    else:
        text, folder = page, None
    fd, name = tempfile.mkstemp(prefix=".axe-", suffix=".html", dir=folder)
    os.close(fd)
    copy = Path(name)
    try:
        copy.write_text(text.replace("</body>", inject, 1), encoding="utf-8")
        dom = run_page(copy, width)
    finally:
        copy.unlink()
    m = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    assert m, f"axe did not report: {dom[-2000:]}"
    return json.loads(html.unescape(m.group(1)))
