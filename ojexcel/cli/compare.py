"""`ojexcel diff` and `ojexcel dump`, for both products.

Which product a file belongs to is read from the file (D130): a workbook by its sheets (an ISU
workbook has *Per kommun* or its chapter sheets, a survey workbook *Kommuner och stadsdelar*), a tidy export by its
header (ISU's has `tabell`, the survey's `indikator`). Anything else goes to the survey's reader,
which says why it is not an ojexcel file. Two files of different products are trouble (exit 2, one
line). The survey's side is read by `survey/diff.py`, ISU's by `isu/diff.py`; neither is imported
before the files say which is needed, so a survey diff never loads numpy (D63).
"""
from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from ..io.diff_input import DiffInputError
from ..problems import printable, short_line

EXIT_DIFF_TROUBLE = 2  # diff(1): trouble reading a side
SURVEY, ISU = "survey", "isu"
PRODUCT_NAMES = {SURVEY: "survey", ISU: "ISU"}


@contextmanager
def diff_trouble(command: str, error: type[Exception] = DiffInputError):
    """diff(1)'s convention: trouble (an unreadable side) is exit status 2."""
    try:
        yield
    except error as exc:
        click.echo(short_line(f"ojexcel {command}: {exc}"), err=True)
        sys.exit(EXIT_DIFF_TROUBLE)


def product_of(real: Path, shown: str) -> tuple[str, str]:
    """(product, what the file is): ("isu", "workbook"), ("survey", "tidy export") …"""
    from ..io.diff_input import XLSX, file_format, first_line, sheet_names
    from ..isu.workbook_layout import PER_KOMMUN
    from ..survey.workbook_layout import SHEET_ENHETER

    if file_format(real) == XLSX:
        try:
            sheets = sheet_names(real, shown)
        except DiffInputError:  # the survey's reader says what is wrong with it
            return SURVEY, "workbook"
        if PER_KOMMUN in sheets:
            return ISU, "workbook"
        if SHEET_ENHETER not in sheets:  # an ISU workbook without its Per kommun sheet is still ISU's
            from ..isu.chart_catalogue import load_chart_catalogue

            if {b.namn for b in load_chart_catalogue().blad} & set(sheets):
                return ISU, "workbook"
        return SURVEY, "workbook"
    fields = {f.strip().strip('"').casefold() for f in first_line(real).split(",")}
    return (ISU if "tabell" in fields and "indikator" not in fields else SURVEY), "tidy export"


def _a(product: str) -> str:
    """'a survey', 'an ISU'."""
    return f"{'an' if product == ISU else 'a'} {PRODUCT_NAMES[product]}"


def open_sides(stack: ExitStack, command: str, paths: tuple[Path, ...]) -> tuple[str, list[Path]]:
    """Each path opened once (a pipe copied) and its product read; (product, the files to read).
    Two products, or trouble opening a file, exit 2."""
    from ..io.diff_input import side_file

    with diff_trouble(command):
        reals = [stack.enter_context(side_file(p)) for p in paths]
        kinds = [product_of(real, str(p)) for real, p in zip(reals, paths)]
        if len({product for product, _ in kinds}) > 1:
            (pa, wa), (pb, wb) = kinds
            raise DiffInputError(
                f"{printable(str(paths[0]))} is {_a(pa)} {wa} and {printable(str(paths[1]))} {_a(pb)} {wb}: "
                f"{command} compares two files of one product"
            )
    return kinds[0][0], reals


def load_sides(command: str, product: str, reals: list[Path], paths: tuple[Path, ...]) -> list:
    """The sides, each read by its product's reader. Trouble exits 2."""
    if product == ISU:
        from ..isu.diff import load_side
    else:
        from ..survey.diff import load_side
    with diff_trouble(command):
        return [load_side(real, shown=p) for real, p in zip(reals, paths)]


def _split_multi(values: tuple[str, ...]) -> frozenset[str] | None:
    """Repeated options and comma/space separated lists both work: --only 0114,0115 --only 0117."""
    items = {v.strip() for value in values for v in value.replace(",", " ").split() if v.strip()}
    return frozenset(items) or None


def _split_names(values: tuple[str, ...]) -> frozenset[str] | None:
    """--only: repeated options and comma-separated lists; an item may be a name with spaces
    ('Upplands Väsby'). A value without commas holding only codes is split at spaces too."""
    items: set[str] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip()
            words = part.split()
            if len(words) > 1 and all(any(ch.isdigit() for ch in w) for w in words):
                items.update(words)  # "0114 0115": codes separated by spaces
            elif part:
                items.add(part)
    return frozenset(items) or None


def _refuse(product: str, given: dict[str, bool]) -> None:
    """An option of the other product's diff is a usage error, said once."""
    wrong = [name for name, used in given.items() if used]
    if wrong:
        other = "ISU" if product == SURVEY else "survey"
        raise click.UsageError(f"{', '.join(wrong)}: only for {other} files; these are {PRODUCT_NAMES[product]} files")


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--only", "only", multiple=True, metavar="KOD|NAME", help="Only these units/groups, by code or name (repeat, or comma-separated).")
@click.option("--indicator", "indicators", multiple=True, metavar="ID", help="Survey: only these indicators (repeat, or comma-separated).")
@click.option("--tabell", "tabeller", multiple=True, metavar="TABELL", help="ISU: only these tables (repeat, or comma-separated).")
@click.option("--ignore-fills", is_flag=True, help="Survey: do not report fills that changed without a value change.")
@click.option("--counts", is_flag=True, help="Survey: also report aggregates whose counts changed.")
def diff(old: Path, new: Path, fmt: str, only, indicators, tabeller, ignore_fills: bool, counts: bool) -> None:
    """Semantic diff of two workbooks or tidy exports of one product.

    Survey files are aligned by (niva, kod, indikator), ISU files by (niva, kod, tabell, delgrupp,
    kategori) and measure. Exit status as diff(1): 0 identical, 1 differences, 2 trouble.
    """
    from ..io.diff_filter import FilterError

    with ExitStack() as stack:
        product, reals = open_sides(stack, "diff", (old, new))
        if product == ISU:  # a usage error is said before the files are read
            _refuse(product, {"--indicator": bool(indicators), "--ignore-fills": ignore_fills, "--counts": counts})
        else:
            _refuse(product, {"--tabell": bool(tabeller)})
        a, b = load_sides("diff", product, reals, (old, new))
        try:
            if product == ISU:
                from ..io.diff_filter import resolve_ids, resolve_only
                from ..isu.diff import compare
                from ..isu.diff_report import FORMATS
                from ..survey.diff_filter import unit_code

                keep_codes = resolve_only(_split_names(only), (a, b), unit_code)
                keep_tables = resolve_ids(_split_multi(tabeller), {k[2] for s in (a, b) for k in s.cells},
                                          "--tabell", "table")
                report = compare(a, b, only=keep_codes, tabeller=keep_tables)
            else:
                from ..survey.diff import compare
                from ..survey.diff_filter import resolve_indicators
                from ..survey.diff_filter import resolve_only as survey_only
                from ..survey.diff_report import FORMATS

                keep_codes = survey_only(_split_names(only), (a, b))
                keep_ids = resolve_indicators(_split_multi(indicators), (a, b))
                report = compare(a, b, ignore_fills=ignore_fills, only=keep_codes, indicators=keep_ids, counts=counts)
        except FilterError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(FORMATS[fmt](report), nl=False)
    sys.exit(0 if report.identical else 1)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
def dump(path: Path) -> None:
    """Print a workbook or tidy export (survey or ISU) as sorted canonical lines (a git textconv filter)."""
    with ExitStack() as stack:
        product, reals = open_sides(stack, "dump", (path,))
        (side,) = load_sides("dump", product, reals, (path,))
        if product == ISU:
            from ..isu.diff_report import render_dump
        else:
            from ..survey.diff_report import render_dump
        text = render_dump(side)
    click.echo(text, nl=False)
