"""ojexcel isu: case-level follow-up (individbaserad systematisk uppföljning, SU-Kvinnofrid).

The Python API (docs/python-api.md), imported on first use (numpy is needed; pandas for frames)::

    import ojexcel.isu
    results = ojexcel.isu.build()                    # the embedded sample, with its demo key
    results = ojexcel.isu.build("arenden.csv", nyckelfil="isu.key")   # a publication (CONTRACT §2)
    df = results.to_frame()                          # the tidy export as a DataFrame
    df = ojexcel.isu.read_tidy("isu_tidy.csv")       # a tidy export as a DataFrame

The contract is `../shared/spec/isu/CONTRACT.md`. Modules, one job each:

| module | job |
|---|---|
| `codebook` | the codebook (`variabler.csv`, Bilaga 2's variables) as data |
| `model` | the validated ärenden, column-wise (`Arenden`), and the compiled tables' interface |
| `arenden` | reading and validating a record file (CSV/XLSX) into `Arenden` (§1) |
| `values` | one cell to its code, per value type (the reader's converters and caches) |
| `compilation` | the compilation: scopes, derived variables, tables, delgrupper, numbers (§3–§5) |
| `cellkey` | §2 items 1–3: the key file, record keys (HMAC of `arende_id`), the perturbation table |
| `masking` | what is written and hidden, on published values (§2 items 4 and 6) |
| `gate`, `audit`, `audit_model`, `audit_solver` | §2 item 7: the outsider's audit of an export, the build's gate |
| `counting` | the vectorised counting behind `compilation` |
| `tidy` | the tidy export (§6) and its one reader (`read_isu_tidy`) |
| `table_plan` | the tables, rows, delgrupper and their slot layout, from the codebook (§4, §6) |
| `derived` | the derived variables per ärende (§4) |
| `resultat` | the compiled tables, column-wise (`IsuTabeller`, the `IsuResultat`) |
| `row_list` | results as a list of rows (`RadLista`, the `IsuResultat` of a tidy file read back or of tests) |
| `isu_random` | random valid `Arenden` for benchmarks and tests |
| `workbook`, `workbook_charts` | the workbook (renders, never computes) and its charts |
| `chart_catalogue`, `chart_tables` | the report's diagrams as data (`diagram.toml`) and laid out as tables |
| `kolada` | Kolada's three IFO key figures (§7) |
| `adults` | the user's population file (inhabitants 18+) for Kolada's rates |
| `kommun_report` | a unit's own report, as data: its tables beside its län and samtliga |
| `kommun_report_text`, `_html`, `_xlsx`, `_skrivare` | its texts and its two renderers |
| `kommun_report_all` | `isu kommun --all`: every unit's report, by forked workers, all or nothing |
| `diff`, `diff_report` | `ojexcel diff` / `dump` of ISU workbooks and tidy exports, and their reports |
| `frames` | pandas DataFrames of results and tidy exports (the Python API only) |
| `workbook_layout` | the workbook's sheet names and Per kommun header (no imports: the CLI's dispatch reads them) |
"""
from __future__ import annotations

__all__ = ["build", "read_tidy"]

_API = {"build": ("compilation", "build_results"), "read_tidy": ("tidy", "read_tidy_frame")}


def __getattr__(name: str):
    if name in _API:
        from importlib import import_module

        module, attr = _API[name]
        return getattr(import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

