"""`ojexcel site`: the comparison website beside the Excel file (issue 19).

A surface, like `cli/`: it imports both products and lays out what they computed; it never
computes a number. The survey's values and shares come from `survey.results.Results` (and the
tidy rows `survey.tidy.tidy_rows` writes), a unit's history from `survey.kommun_history`, the
ISU figures from an ISU tidy export read by `isu.tidy.read_isu_tidy`.

- `links.py`: where every page and file lives in the folder (relative links only).
- `kommun_map.py`: the committed map data (`data/kommun_map.json`) as SVG pieces.
- `charts.py`: the bar charts' geometry (shares to lengths; nothing else).
- `search_index.py`: the search index, a classic script (`assets/sok.js`).
- `pages.py`: every page rendered from the templates in `templates/site/`.
- `build.py`: the whole folder written at once (`write_site`), its manifest, and the check that an
  existing folder holds only a previous site (`check_replaceable`).
"""
from __future__ import annotations

__all__ = ["SiteInput", "write_site", "check_replaceable"]


def __getattr__(name: str):
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(name)
