"""One way to open an XlsxWriter workbook: safe and byte-reproducible.

Every workbook ojexcel writes (the main workbook, a municipality's sheet, the trend) starts here:
- text is always text: `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` are off,
  so a name or answer starting with = + - @ never becomes a formula;
- a fixed creation date, so identical input gives identical bytes. XlsxWriter honours `created`
  only when it is a `datetime.datetime`.
"""
from __future__ import annotations

import datetime as _dt

FIXED_CREATED = _dt.datetime(2000, 1, 1, 0, 0, 0)

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(target, properties: dict, **options):
    """An XlsxWriter Workbook on `target` (a path or a file object) with `properties` set."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(target if not hasattr(target, "__fspath__") else str(target), SAFE_OPTIONS | options)
    wb.set_properties(properties | {"created": FIXED_CREATED})
    _private_temp_files(wb)
    return wb


def _private_temp_files(wb) -> None:
    """XlsxWriter writes each part to a temporary file while it closes the workbook; on a failure
    (disk full, a file-size limit) those would pile up in $TMPDIR. They go into a private folder,
    removed when close() ends however it ends. XlsxWriter's FileCreateError (the output cannot be
    created or written) becomes an OSError, reported like any other write failure."""
    import shutil
    import tempfile

    from xlsxwriter.exceptions import FileCreateError

    from .spool import private_temp_name

    close = wb.close

    def close_cleanly():
        # named with the process id: a run killed while closing leaves a folder the next sweeps (D169)
        folder = tempfile.mkdtemp(prefix=private_temp_name("ojexcel-xlsx-"))
        wb.tmpdir = folder
        try:
            return close()
        except BaseException as exc:
            _close_zip_files(exc)
            if isinstance(exc, FileCreateError):
                cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
                if cause is not None:
                    raise OSError(cause.errno, cause.strerror or str(cause)) from None
                raise OSError(None, str(exc)) from None
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    wb.close = close_cleanly


def _close_zip_files(exc: BaseException) -> None:
    """Close, quietly, the zip file a failed close() left open (disk full while XlsxWriter writes
    it; it is a local of a frame of the error or of the error it wraps): else its __del__ tries
    again and prints "Exception ignored … Traceback" on stderr."""
    import zipfile

    seen: set[int] = set()
    errors = [exc]
    while errors:
        error = errors.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        errors += [error.__context__, error.__cause__, *(a for a in error.args if isinstance(a, BaseException))]
        tb = error.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile):
                    try:
                        value.close()
                    except Exception:  # the same failure again: reported once, by the caller
                        pass
            tb = tb.tb_next


LINE_HEIGHT = 15  # points: one line of the default 11 pt font


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped cell `width` characters wide needs. Excel and LibreOffice do not
    grow a row for wrapped text written by XlsxWriter, so writers set the height themselves. An
    estimate: average text is a little narrower than the "0" that defines the column width."""
    per_line = width + 4
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def word_wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped cell `width` characters wide needs when its words are never broken
    (the column is at least as wide as the longest word): greedy, as Excel and LibreOffice wrap."""
    lines = 0
    for part in text.split("\n"):
        lines += 1
        used = 0
        for word in part.split():
            if used and used + 1 + len(word) > width:
                lines += 1
                used = len(word)
            else:
                used += (1 if used else 0) + len(word)
    return max(1, lines)


def longest_word(texts) -> int:
    """The length of the longest word in `texts`: a header column narrower breaks it mid-word."""
    return max((len(w) for text in texts for w in text.split()), default=0)


def column_pixels(width: float) -> int:
    """A column's width in pixels for Calibri 11 (XlsxWriter's conversion of character units)."""
    return 0 if width <= 0 else int(width * 7 + 0.5) + 5


# -- printing -------------------------------------------------------------------------------------
# A4, header rows and key columns repeated on every page, page numbers and the sheet's name in
# the footer. One page wide when the sheet stays readable that way (scale >= MIN_FIT_SCALE %):
# an A4 landscape page holds about PAGE_WIDTH_UNITS character units at 100 %.
A4 = 9
PAGE_WIDTH_UNITS = {False: 88, True: 130}  # portrait, landscape (A4, default margins, 100 %)
MIN_FIT_SCALE = 70
WIDE_SCALE = 70  # a sheet too wide to fit: printed at this scale, keys repeated on every page


# Printable A4 in points at 100 % with the default margins (0.7 in left/right, 0.75 in top/bottom).
A4_PRINTABLE_PT = {False: (495.0, 734.0), True: (741.0, 487.0)}  # portrait, landscape: (width, height)
PIXEL_PT = 0.75  # points per pixel
PRINT_SPARE = 0.93  # 7 % to spare: LibreOffice draws columns ~6 % wider than Excel's pixel widths (Carlito)


def page_scale(width_pt: float, page_height_pt: float, landscape: bool) -> int:
    """The print scale (%) at which content `width_pt` wide fits one A4 page wide and its tallest
    page (`page_height_pt`, up to a manual page break) one page tall: at most 100, at least 10."""
    avail_w, avail_h = A4_PRINTABLE_PT[landscape]
    fit = PRINT_SPARE * min(avail_w / max(width_pt, 1.0), avail_h / max(page_height_pt, 1.0))
    return max(10, min(100, int(fit * 100)))


def page_height_at(scale: int, landscape: bool) -> float:
    """What one A4 page holds at `scale` %, in the sheet's points (PRINT_SPARE kept, as `page_scale`
    keeps it)."""
    return A4_PRINTABLE_PT[landscape][1] * PRINT_SPARE * 100 / scale


def print_a4_at(ws, scale: int, landscape: bool) -> None:
    """A4 at a fixed scale (not "fit to": manual page breaks then hold in Excel as in LibreOffice)."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.set_print_scale(scale)


def footer_text(text: str) -> str:
    """Text for a header/footer: '&' is a code there, so it is doubled; kept short."""
    return text.replace("&", "&&")[:80]


def print_setup(ws, *, title: str, width: float, header_rows: tuple[int, int] | None = None,
                key_columns: tuple[int, int] | None = None) -> None:
    """Page set-up of one sheet. `width`: the printed columns' total width in character units.

    Portrait when the sheet fits a portrait page, else landscape; fitted to one page wide when
    that keeps at least MIN_FIT_SCALE %, else printed at WIDE_SCALE % with `key_columns` repeated
    on every page (pages ordered across, then down, so a row's values stay together)."""
    ws.set_paper(A4)
    landscape = width > PAGE_WIDTH_UNITS[False]
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if width * MIN_FIT_SCALE / 100 <= PAGE_WIDTH_UNITS[landscape]:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(WIDE_SCALE)
        ws.print_across()
        if key_columns is not None:
            ws.repeat_columns(*key_columns)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer(f"&L&8{footer_text(title)}&C&8&A&R&8Sida &P av &N")
