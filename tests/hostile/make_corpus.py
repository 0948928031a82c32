"""The hostile corpus (issue 12): small files that declare or inflate to huge sizes, break the
XML or the text in the ways attackers and unlucky tools do. Generated at test time into a folder
(no big binaries in the repository):

    python tests/hostile/make_corpus.py DIR      # writes the files, prints their names

`CASES` lists, per file, the command that reads it, the exit status it must end with and a
fragment its message must contain. `tests/test_hostile.py` runs them all in one child process
under a memory limit.
"""
from __future__ import annotations

import csv
import io
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "svar_2017.csv"
ISU_SAMPLE = ROOT / "samples" / "isu_arenden.csv"
MiB = 2**20


def _sample(path: Path = SAMPLE) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row_xml(r: int, cells: list) -> str:
    """A row of inline strings; an int is written as a number cell (a re-saved file's codes)."""
    inner = "".join(
        f'<c r="{_col(i + 1)}{r}"><v>{v}</v></c>' if isinstance(v, int) else
        f'<c r="{_col(i + 1)}{r}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
        for i, v in enumerate(cells) if v != ""
    )
    return f'<row r="{r}">{inner}</row>'


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _workbook(sheets: list[str]) -> str:
    items = "".join(
        f'<sheet name="{_esc(s)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, s in enumerate(sheets)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{items}</sheets></workbook>'
    )


def _rels(targets: list[str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="{t}"/>'
        for i, t in enumerate(targets)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{items}</Relationships>"
    )


SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


class Repeat:
    """`count` copies of `block` in a zip member, compressed once: after a full flush a deflate
    stream forgets its history, so every copy compresses to the same bytes (a 1.5 GiB part takes
    milliseconds to make). The CRC is not computed (0): a reader must refuse such a part for its
    size before it could find the CRC wrong; the tests assert the message that says so."""

    def __init__(self, block: str, total_bytes: int, exact: bool = False) -> None:
        self.block = (block * max(1, MiB // len(block))).encode()
        self.count = total_bytes // len(self.block) + 1
        self.exact = exact  # compute the CRC (a part read to its end; ~0.1 s per 100 MB)


class Deflated:
    """A member already compressed (raw deflate), with its uncompressed size and CRC."""

    def __init__(self, data: bytes, size: int, crc: int) -> None:
        self.data, self.size, self.crc = data, size, crc


def _deflate(pieces) -> tuple[bytes, int, int]:
    """(raw deflate data, uncompressed size, crc32) of a member's pieces (str, bytes, Repeat)."""
    if len(pieces) == 1 and isinstance(pieces[0], Deflated):
        return pieces[0].data, pieces[0].size, pieces[0].crc
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    out, size, crc, exact = [], 0, 0, True
    for piece in pieces:
        if isinstance(piece, Repeat):
            out.append(c.flush(zlib.Z_FULL_FLUSH))
            one = c.compress(piece.block) + c.flush(zlib.Z_FULL_FLUSH)
            out.append(one * piece.count)
            size += len(piece.block) * piece.count
            if piece.exact:
                for _ in range(piece.count):
                    crc = zlib.crc32(piece.block, crc)
            else:
                exact = False
        else:
            data = piece.encode("utf-8") if isinstance(piece, str) else piece
            out.append(c.compress(data))
            size += len(data)
            crc = zlib.crc32(data, crc)
    out.append(c.flush())
    return b"".join(out), size, crc if exact else 0


def write_zip(path: Path, members: dict, declared: dict | None = None, version: int = 45) -> None:
    """A zip file written by hand (zip64 sizes where needed); `declared` overrides a member's
    uncompressed size in the central directory (a lying header); `version` is the "version needed
    to extract" of every member (×10: 45 = 4.5)."""
    entries, offset = [], 0
    small: dict[bytes, tuple] = {}  # many members of the same few bytes: compressed once
    with open(path, "wb") as fh:
        for name, pieces in members.items():
            if isinstance(pieces, bytes) and len(pieces) < 64:
                if pieces not in small:
                    small[pieces] = _deflate([pieces])
                data, size, crc = small[pieces]
            else:
                pieces = [pieces] if isinstance(pieces, (str, bytes, Repeat, Deflated)) else pieces
                data, size, crc = _deflate(pieces)
            raw_name = name.encode()
            local = struct.pack("<4s5H3L2H", b"PK\x03\x04", version, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                                len(raw_name), 20)
            extra = struct.pack("<HHQQ", 1, 16, size, len(data))
            fh.write(local + raw_name + extra + data)
            entries.append((raw_name, crc, len(data), (declared or {}).get(name, size), offset))
            offset += len(local) + len(raw_name) + len(extra) + len(data)
        records = []
        for raw_name, crc, csize, size, off in entries:
            extra = struct.pack("<HHQQQ", 1, 24, size, csize, off)
            records.append(struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", 45, version, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                len(raw_name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF,
            ) + raw_name + extra)
        central = b"".join(records)
        fh.write(central)
        n = len(entries)
        if n > 0xFFFF:  # zip64 end records: the count does not fit 16 bits
            fh.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(central), offset))
            fh.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + len(central), 1))
            fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
        else:
            fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), offset, 0))


def write_xlsx(path: Path, sheet_pieces, *, targets=("worksheets/sheet1.xml",), extra: dict | None = None,
               declared: dict | None = None, names: list[str] | None = None, version: int = 45) -> None:
    """A minimal XLSX whose first sheet's XML is `sheet_pieces` (str, bytes or Repeat)."""
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": _workbook(names or [f"Blad{i + 1}" for i in range(len(targets))]),
        "xl/_rels/workbook.xml.rels": _rels(list(targets)),
        "xl/worksheets/sheet1.xml": list(sheet_pieces),
    }
    write_zip(path, members | (extra or {}), declared, version)


def _responses_sheet(rows_after: str = "", first_rows: int = 3) -> list[str]:
    header, rows = _sample()
    return [SHEET_HEAD, _row_xml(1, header), *(_row_xml(i + 2, r) for i, r in enumerate(rows[:first_rows])),
            rows_after, SHEET_TAIL]


def _csv(header, rows, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


TIDY_HEADER = "niva,kod,indikator,varde,ja,delvis,nej,ej_aktuellt,bortfall,enheter\n"


def make_all(folder: Path) -> list[str]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    header, rows = _sample()
    made: list[str] = []

    def put(name: str, data: bytes | str) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        made.append(name)

    def xlsx(name: str, pieces, **kw) -> None:
        write_xlsx(folder / name, pieces, **kw)
        made.append(name)

    # -- XLSX: declared numbers, inflation, XML tricks -------------------------------------------
    xlsx("row_99999999.xlsx", _responses_sheet('<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>x</t></is></c></row>'))
    xlsx("row_1048576.xlsx", _responses_sheet('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>0114</t></is></c></row>'))
    xlsx("column_zzzzzz.xlsx", _responses_sheet('<row r="9"><c r="ZZZZZZ9" t="inlineStr"><is><t>x</t></is></c></row>'))
    sparse = "".join(f'<row r="{r}"><c r="BXN{r}"><v>1</v></c></row>' for r in range(10, 20_000))  # column 1990
    xlsx("sparse_xfd.xlsx", _responses_sheet(sparse))
    big_row = '<row r="10">' + "".join(f'<c r="{_col(i)}10"><v>1</v></c>' for i in range(1, 16_000)) + "</row>"
    xlsx("wide_row.xlsx", _responses_sheet(big_row))
    # a 1.6 MB sheet inflating to 1.5 GiB, with its size declared …
    xlsx("inflating_sheet.xlsx", [SHEET_HEAD, _row_xml(1, header), Repeat("<row/>", 1536 * MiB), SHEET_TAIL])
    # … and the same claiming 1 KB in the central directory (zipfile stops at the claim: CRC error)
    xlsx("inflating_sheet_lying.xlsx", [SHEET_HEAD, _row_xml(1, header), Repeat("<row/>", 1536 * MiB), SHEET_TAIL],
         declared={"xl/worksheets/sheet1.xml": 1024})
    # rows of real cells, 300 MB of XML, every one valid: the row limit ends it
    xlsx("inflating_cells.xlsx", [SHEET_HEAD, _row_xml(1, header),
                                  Repeat('<row><c t="inlineStr"><is><t>0114</t></is></c><c><v>1</v></c></row>', 300 * MiB),
                                  SHEET_TAIL], declared={"xl/worksheets/sheet1.xml": 60 * MiB})
    xlsx("inflating_strings.xlsx", _responses_sheet(), extra={
        "xl/sharedStrings.xml": ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                                 Repeat("<si><t>Ja</t></si>", 600 * MiB), "</sst>"],
    })
    xlsx("inflating_strings_used.xlsx", _responses_sheet('<row r="9"><c r="A9" t="s"><v>0</v></c></row>'), extra={
        "xl/sharedStrings.xml": ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                                 Repeat("<si><t>Ja</t></si>", 600 * MiB), "</sst>"],
    })
    whitespace = [SHEET_HEAD, _row_xml(1, header), Repeat(" ", 200 * MiB), SHEET_TAIL]
    xlsx("whitespace_row.xlsx", whitespace)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
    )
    uses_strings = _responses_sheet('<row r="9"><c r="A9" t="s"><v>0</v></c></row>')  # else they are never read
    xlsx("entity_expansion.xlsx", uses_strings, extra={"xl/sharedStrings.xml": laughs})
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    xlsx("external_entity.xlsx", uses_strings, extra={"xl/sharedStrings.xml": xxe})
    xlsx("sheet_outside_package.xlsx", _responses_sheet(), targets=("../../../etc/passwd",))
    xlsx("bad_character_reference.xlsx", _responses_sheet('<row r="9"><c r="A9" t="inlineStr"><is><t>&#xFFFFFFFF;</t></is></c></row>'))
    xlsx("nul_character_reference.xlsx", _responses_sheet('<row r="9"><c r="A9" t="inlineStr"><is><t>a&#0;b</t></is></c></row>'))
    xlsx("text_over_cell_limit.xlsx", _responses_sheet(f'<row r="9"><c r="D9" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>'))
    xlsx("truncated_sheet.xlsx", _responses_sheet()[:-1])
    xlsx("rows_out_of_order.xlsx", _responses_sheet('<row r="3"><c r="A3"><v>1</v></c></row>'))

    # -- CSV: size, lines, fields, encodings -------------------------------------------------------
    put("wide_line.csv", ",".join(header) + "\n" + "," * (20 * MiB) + "\n")
    put("unclosed_quote.csv", _csv(header, rows[:2]) + '"' + "x" * (5 * MiB))
    put("first_line_over_field_limit.csv", '"' + "enhetskod" * 30_000 + '"\n0114\n')
    many = "".join(f"{9000 + (i % 999)},x,Ja\n" for i in range(150_000))
    put("many_rows.csv", ",".join(header) + "\n" + many)
    errors = "".join(f"9{i % 1000:03d}" + ",x" * (len(header) - 1) + "\n" for i in range(20_000))
    put("many_errors.csv", ",".join(header) + "\n" + errors)
    put("nul_later.csv", _csv(header, rows[:5]).encode() + b"0114,\x00\n")
    put("utf16_without_bom.csv", _csv(header, rows[:3]).encode("utf-16-le"))
    put("utf32.csv", b"\xff\xfe\x00\x00" + _csv(header, rows[:3]).encode("utf-32-le"))
    put("cr_only_mixed_encodings.csv", _csv(header, rows[:3]).replace("\n", "\r").encode("utf-8")
        + "0115,Vallentuna,Ö\r".encode("cp1252"))
    terminal = "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07\x9b31m\u2028"
    put("control_characters.csv", _csv(header, [[terminal + "0114"] + rows[0][1:]]))
    put("huge_value_in_message.csv", _csv(header, [["0114", "x", "Ja"] + ["Ja" + "y" * 30_000] + rows[0][4:]]))

    # -- overrides ----------------------------------------------------------------------------------
    put("overrides_long_cell.csv", "enhetskod,kolumn,nytt_varde,motivering\n0114,V1,Ja,\"" + "x" * 40_000 + "\"\n")
    put("overrides_control.csv", "enhetskod,kolumn,nytt_varde,motivering\n" f"0114,{terminal},Ja,x\n")

    # -- tidy exports (diff, trend, kolada) --------------------------------------------------------
    put("tidy_many_rows.csv", TIDY_HEADER + "".join(f"enhet,{i},x,Ja,,,,,,\n" for i in range(260_000)))
    put("tidy_wide_line.csv", TIDY_HEADER + "," * (4 * MiB))
    put("tidy_control.csv", TIDY_HEADER + f"enhet,{terminal}<script>alert(1)</script>,**x**,Ja,,,,,,\n")
    put("tidy_control_b.csv", TIDY_HEADER + f"enhet,{terminal}<script>alert(1)</script>,**x**,Nej,,,,,,\n")
    put("tidy_nul.csv", TIDY_HEADER.encode() + b"enhet,0114,x\x00,Ja,,,,,,\n")

    # -- workbooks for diff and dump: the three result sheets, all one hostile part -------------------
    def workbook(name: str, pieces) -> None:
        xlsx(name, pieces, targets=("worksheets/sheet1.xml",) * 3,
             names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"])

    workbook("workbook_bad_reference.xlsx",
             [SHEET_HEAD, '<row r="1"><c r="A1" t="inlineStr"><is><t>Niv&#xFFFFFFFF;</t></is></c></row>', SHEET_TAIL])
    workbook("workbook_row_99999999.xlsx", [SHEET_HEAD, '<row r="99999999"><c r="A99999999"><v>1</v></c></row>', SHEET_TAIL])
    workbook("workbook_sparse.xlsx", [SHEET_HEAD, *(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(1, 100_000)), SHEET_TAIL])
    workbook("workbook_inflating.xlsx", [SHEET_HEAD, Repeat("<row/>", 1536 * MiB), SHEET_TAIL])
    # -- issue 17: cells no spreadsheet writes, quadratic and inflating parts ----------------------
    def cell(xml: str) -> list[str]:  # the responses with one more row holding `xml`
        return _responses_sheet(f'<row r="9">{xml}</row>')

    sst = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>0114</t></si></sst>'
    xlsx("number_superscript.xlsx", cell('<c r="D9"><v>²</v></c>'))
    xlsx("number_other_digits.xlsx", cell('<c r="D9"><v>\u0663\u0664</v></c>'))
    xlsx("number_5000_digits.xlsx", cell(f'<c r="D9"><v>{"1" * 5000}</v></c>'))
    xlsx("number_400_digits.xlsx", cell(f'<c r="D9"><v>{"9" * 400}</v></c>'))
    xlsx("number_overflow.xlsx", cell('<c r="D9"><v>1E999</v></c>'))
    xlsx("shared_string_minus_one.xlsx", cell('<c r="A9" t="s"><v>-1</v></c>'), extra={"xl/sharedStrings.xml": sst})
    xlsx("row_number_superscript.xlsx", _responses_sheet('<row r="²"><c r="A9"><v>1</v></c></row>'))

    def styles(num_fmts: str = "", xfs: str = '<xf numFmtId="0"/>', head: str = "") -> str:
        return (f'{head}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<numFmts>{num_fmts}</numFmts><cellXfs>{xfs}</cellXfs></styleSheet>")

    xlsx("numfmt_id_superscript.xlsx", _responses_sheet(),
         extra={"xl/styles.xml": styles('<numFmt numFmtId="²" formatCode="yyyy"/>')})
    xlsx("xf_numfmt_superscript.xlsx", _responses_sheet(), extra={"xl/styles.xml": styles(xfs='<xf numFmtId="²"/>')})
    # openpyxl's is_date_format is quadratic in a code's length: 100 000 characters took hours
    xlsx("format_code_long.xlsx", _responses_sheet(), extra={"xl/styles.xml": styles(
        f'<numFmt numFmtId="164" formatCode="{"0" * 100_000}"/>', '<xf numFmtId="164"/>' * 10)})
    # … and within Excel's 255 characters, once per distinct code however many styles use it: reads
    code = "[" * 120 + "0" * 135
    xlsx("format_code_255_many_styles.xlsx", _responses_sheet(), extra={"xl/styles.xml": styles(
        f'<numFmt numFmtId="164" formatCode="{code}"/>', '<xf numFmtId="164"/>' * 30_000)})
    xlsx("styles_too_many.xlsx", _responses_sheet(), extra={"xl/styles.xml": styles(xfs='<xf numFmtId="0"/>' * 70_000)})
    xlsx("styles_elements.xlsx", _responses_sheet(), extra={"xl/styles.xml": styles(xfs="<xf/>" * 600_000)})
    xlsx("encoding_bogus.xlsx", _responses_sheet(),
         extra={"xl/styles.xml": styles(head='<?xml version="1.0" encoding="bogus"?>')})
    bogus_sheet = _responses_sheet()
    bogus_sheet[0] = bogus_sheet[0].replace('encoding="UTF-8"', 'encoding="UTF-7"')
    xlsx("encoding_bogus_sheet.xlsx", bogus_sheet)
    xlsx("zip_version_99.xlsx", _responses_sheet(), version=99)
    many = {f"xl/media/empty{i}.bin": b"" for i in range(20_000)}
    xlsx("zip_members_many.xlsx", _responses_sheet(), extra=many)
    # 16 MB of merged ranges after the cells (2.3 MB of zip were 2.8 GB of memory)
    xlsx("merged_ranges_many.xlsx", [*_responses_sheet()[:-1], "</sheetData><mergeCells>",
                                     Repeat('<mergeCell ref="A1:B1"/>', 16 * MiB, exact=True), "</mergeCells></worksheet>"])
    xlsx("shared_strings_many.xlsx", cell('<c r="A9" t="s"><v>0</v></c>'), extra={
        "xl/sharedStrings.xml": ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                                 Repeat("<si><t>ab</t></si>", 40 * MiB, exact=True), "</sst>"]})
    xlsx("cells_in_one_column.xlsx", cell('<c r="A9"><v>1</v></c>' * 20_000))

    # -- CSV: a record of many quoted lines --------------------------------------------------------
    put("quoted_newlines_fields.csv", ",".join(header) + "\n" + '"\n",' * (5 * MiB))
    put("quoted_newlines_chars.csv", ",".join(header) + "\n" + ('"' + "x" * 30_000 + '\n",') * 600 + "\n")
    put("quoted_newlines_lines.csv", ",".join(header) + "\n" + ('"' + "x\n" * 15_000 + '",') * 600 + "\n")
    put("blank_lines.csv", ",".join(header) + "\n" + "\n" * (2 * MiB))  # no sheet has 2 million rows

    # -- ISU ärenden, --vuxna, the tidy export ----------------------------------------------------
    isu_header, isu_rows = _sample(ISU_SAMPLE)
    isu = _csv(isu_header, isu_rows[:20])
    lines = isu.split("\n")
    lines[4] = "\ufeff" + lines[4]  # two files joined: a BOM starts a row
    put("isu_bom_row.csv", "\n".join(lines))
    at = isu_header.index("enhetskod")
    numeric = [[int(v) if j == at and v.isdigit() else v for j, v in enumerate(r)] for r in isu_rows[:300]]
    xlsx("isu_numeric_codes.xlsx", [SHEET_HEAD, _row_xml(1, isu_header),
                                    *(_row_xml(i + 2, r) for i, r in enumerate(numeric)), SHEET_TAIL])
    xlsx("isu_number_superscript.xlsx", [SHEET_HEAD, _row_xml(1, isu_header), _row_xml(2, isu_rows[0]),
                                         '<row r="3"><c r="H3"><v>²</v></c></row>', SHEET_TAIL])
    put("isu_quoted_newlines.csv", ",".join(isu_header) + "\n" + '"\n",' * (2 * MiB))
    ins = isu_header.index("insatser")
    parts = [list(r) for r in isu_rows[:3]]
    parts[1][ins] = "|".join(["Praktiskt stöd"] * 2000)
    put("isu_many_parts.csv", _csv(isu_header, parts))
    xlsx("vuxna_superscript.xlsx", [SHEET_HEAD, _row_xml(1, ["enhetskod", "ar", "vuxna"]),
                                    '<row r="2"><c r="A2" t="inlineStr"><is><t>0114</t></is></c><c r="B2"><v>2022</v></c>'
                                    '<c r="C2"><v>3²</v></c></row>', SHEET_TAIL])
    put("vuxna_quoted_newlines.csv", "enhetskod,ar,vuxna\n" + '"\n",' * MiB)
    put("tidy_bad_counts.csv", "ar," + TIDY_HEADER + "2016,riket,,socialjour,50,-5,1,0,0,0,6\n"
        "2016,riket,,socialjour2,50,1,1_000,0,0,0,6\n2016,riket,,socialjour3,50,1,1,\u0665,0,0,6\n")
    xlsx("overrides_superscript.xlsx", [SHEET_HEAD, _row_xml(1, ["enhetskod", "kolumn", "nytt_varde", "motivering"]),
                                        '<row r="2"><c r="A2"><v>²</v></c></row>', SHEET_TAIL])
    put("tidy_quoted_newlines.csv", "ar," + TIDY_HEADER + '"\n",' * MiB)

    # -- workbooks for diff and dump ----------------------------------------------------------------
    workbook("workbook_number_superscript.xlsx", [SHEET_HEAD, '<row r="1"><c r="A1"><v>²</v></c></row>', SHEET_TAIL])
    workbook("workbook_shared_string_minus_one.xlsx",
             [SHEET_HEAD, '<row r="1"><c r="A1" t="s"><v>-1</v></c></row>', SHEET_TAIL])
    xlsx("workbook_zip_version_99.xlsx", [SHEET_HEAD, SHEET_TAIL], targets=("worksheets/sheet1.xml",) * 3,
         names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"], version=99)
    xlsx("workbook_encoding_bogus.xlsx", [SHEET_HEAD.replace('encoding="UTF-8"', 'encoding="bogus"'), SHEET_TAIL],
         targets=("worksheets/sheet1.xml",) * 3, names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"])
    xlsx("workbook_members_many.xlsx", [SHEET_HEAD, SHEET_TAIL], targets=("worksheets/sheet1.xml",) * 3,
         names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"], extra=many)
    return made


if __name__ == "__main__":
    for name in make_all(Path(sys.argv[1])):
        print(name)
