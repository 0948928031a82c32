"""ojexcel isu: case-level follow-up (individbaserad systematisk uppföljning, SU-Kvinnofrid).

The contract is `../shared/spec/isu/CONTRACT.md`. Modules, one job each:

| module | job |
|---|---|
| `kodbok` | the codebook (`variabler.csv`, Bilaga 2's variables) as data |
| `modell` | the validated ärenden, column-wise (`Arenden`), and the compiled tables' interface |
| `arenden` | reading and validating a record file (CSV/XLSX) into `Arenden` (§1) |
| `celler` | one cell to its code, per value type (the reader's converters and caches) |
| `tabeller` | the compilation: scopes, derived variables, tables, delgrupper, numbers (§3–§5) |
| `maskning` | masking of small numbers (§2) |
| `raknare` | the vectorised counting behind `tabeller` |
| `tidy` | the tidy export (§6) and its one reader (`read_isu_tidy`) |
| `tabellplan` | the tables, rows, delgrupper and their slot layout, from the codebook (§4, §6) |
| `harledda` | the derived variables per ärende (§4) |
| `resultat` | the compiled tables, column-wise (`IsuTabeller`, the `IsuResultat`) |
| `radlista` | results as a list of rows (`RadLista`, the `IsuResultat` of a tidy file read back or of tests) |
| `slump` | random valid `Arenden` for benchmarks and tests |
| `arbetsbok`, `arbetsbok_diagram` | the workbook (renders, never computes) and its charts |
| `diagramkatalog`, `diagramtabell` | the report's diagrams as data (`diagram.toml`) and laid out as tables |
| `kolada` | Kolada's three IFO key figures (§7) |
| `vuxna` | the user's population file (inhabitants 18+) for Kolada's rates |
| `enhetsrapport` | a unit's own report, as data: its tables beside its län and samtliga |
| `enhetsrapport_text`, `_html`, `_xlsx`, `_skrivare` | its texts and its two renderers |
| `enhetsrapport_alla` | `isu kommun --all`: every unit's report, by forked workers, all or nothing |
| `cli` | the `ojexcel isu` command group |
"""
