"""Hostile files up to 100 MB on disk, each through the command that reads it, in a fresh process:
`python bench/bench_hostile.py [--only NAME] [--keep DIR]`.

Target (issue 12): every hostile response, override, tidy or workbook file up to 100 MB on disk
ends — refused or accepted — within 30 s and 1 GB (peak resident memory of the process, from
wait4). Issue 17 adds the kinds its review found (quadratic number formats, shared strings,
merged ranges and zip members within the old limits, records of quoted line breaks, twenty tidy
exports for `trend`) and ISU at its bounds (a million valid ärenden with 64-character ids, a
million bad rows, more rows than the limit): each within 60 s and 1 GB. Also measures the ISU reader: `tables.open_table` over a CSV of 1 000 000 ärenden × 30
columns (the consumer stores nothing), its seconds and peak memory, and seconds per 100 MB.
Prints one line per case and the machine's load average (other jobs make wall clocks longer).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))
import make_corpus as C  # noqa: E402

MiB = 2**20
TARGET_SECONDS, TARGET_BYTES = 30, 2**30
ISSUE_17_SECONDS = 60  # issue 17's target (its cases, and ISU at its bounds)


def sample_header() -> list[str]:
    return C._sample()[0]


def csv_rows(path: Path, row: str, size: int, header: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header)
        block = row * max(1, MiB // len(row))
        while fh.tell() < size:
            fh.write(block)


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö0123456789") for _ in range(n))


def dense_xlsx(path: Path, size: int, raw_limit: int = 2**62) -> None:
    """A response-shaped sheet of hard-to-compress inline strings, about `size` bytes on disk."""
    rng = random.Random(1)
    header = sample_header()
    pool = [random_text(rng, 12) for _ in range(50_000)]

    def pieces():
        yield C.SHEET_HEAD + C._row_xml(1, header)
        r = 2
        while True:
            yield "".join(C._row_xml(r + i, [rng.choice(pool) for _ in header]) for i in range(200))
            r += 200

    # write until the compressed file reaches `size`
    import zlib

    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    chunks, raw, comp, crc = [], 0, 0, 0
    for piece in pieces():
        data = piece.encode()
        raw += len(data)
        crc = zlib.crc32(data, crc)
        out = c.compress(data)
        comp += len(out)
        chunks.append(out)
        if comp >= size or raw >= raw_limit:
            break
    tail = C.SHEET_TAIL.encode()
    crc = zlib.crc32(tail, crc)
    chunks.append(c.compress(tail) + c.flush())
    raw += len(tail)
    _write_precompressed(path, b"".join(chunks), raw, crc)


def _write_precompressed(path: Path, data: bytes, size: int, crc: int) -> None:
    """An XLSX whose sheet is the raw deflate `data` (`size` bytes uncompressed, `crc`)."""
    C.write_zip(path, {
        "[Content_Types].xml": C.CONTENT_TYPES, "_rels/.rels": C.ROOT_RELS,
        "xl/workbook.xml": C._workbook(["Blad1"]), "xl/_rels/workbook.xml.rels": C._rels(["worksheets/sheet1.xml"]),
        "xl/worksheets/sheet1.xml": C.Deflated(data, size, crc),
    })


def trend_exports(path: Path, count: int = 20, rows: int = 249_000) -> None:
    """`count` tidy exports of `rows` valid-looking rows each (~16 MB): `path` names the first,
    the others are `path` with `-2` … (issue 17: twenty of them reached 2.3 GB)."""
    from ojexcel.survey.catalogue import load_catalogue

    ids = load_catalogue(2017).ids
    for k in range(count):
        year = 1998 + k
        with open(trend_file(path, k), "w", encoding="utf-8") as fh:
            fh.write("ar," + C.TIDY_HEADER)
            for i in range(rows):
                fh.write(f"{year},kommungrupp,{i // len(ids)},{ids[i % len(ids)]},50,1,2,3,4,5,15\n")


def trend_file(path: Path, k: int) -> Path:
    return path if k == 0 else path.with_name(f"{path.stem}-{k + 1}{path.suffix}")


def isu_national(path: Path, rows: int = 1_000_000, bad: bool = False, id_chars: int = 64) -> None:
    """`rows` valid ärenden (bench/isu_arenden_gen.py) with `id_chars`-character ids; `bad`: every
    row's kon and alder wrong, each with another value (no cache helps)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import isu_arenden_gen

    isu_arenden_gen.generate(rows, path, id_chars=id_chars)
    if bad:
        tmp = path.with_suffix(".tmp")
        with open(path, newline="", encoding="utf-8") as src, open(tmp, "w", newline="", encoding="utf-8") as dst:
            reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            kon, alder = header.index("kon"), header.index("alder")
            for i, row in enumerate(reader):
                row[kon], row[alder] = f"Kvinnа{i}", f"x{i}"
                writer.writerow(row)
        tmp.replace(path)


def zip_members(path: Path, n: int) -> None:
    C.write_xlsx(path, [C.SHEET_HEAD, C.SHEET_TAIL], extra={f"xl/media/e{i}.bin": b"" for i in range(n)})


def cases(folder: Path):
    """(name, maker, command template) — {file} and {out} are filled in."""
    header = ",".join(sample_header()) + "\n"
    build = ["build", "{file}", "--year", "2017", "--out", "{out}/bok.xlsx"]
    granskning = ["build", "--year", "2017", "--granskning", "{file}", "--out", "{out}/bok.xlsx"]
    diff = ["diff", "{file}", "{file}"]
    n = len(sample_header())
    yield "responses.csv: 100 MB of rows (unknown units)", lambda p: csv_rows(p, "9999" + ",Nej" * (n - 1) + "\n", 99 * MiB, header), build
    yield "responses.csv: 100 MB of short cells", lambda p: csv_rows(p, ",".join(["ab"] * n) + "\n", 99 * MiB, header), build
    yield "responses.csv: 100 MB, one line", lambda p: csv_rows(p, "a,", 99 * MiB, header), build
    yield "responses.csv: 100 MB quoted field", lambda p: csv_rows(p, "x", 99 * MiB, header + '"'), build
    yield "responses.xlsx: 100 MB dense sheet", lambda p: dense_xlsx(p, 99 * MiB), build
    yield "responses.xlsx: dense sheet, 250 MB of XML", lambda p: dense_xlsx(p, 99 * MiB, 250 * MiB), build
    yield "responses.xlsx: sheet inflating to 1.5 GiB", lambda p: C.write_xlsx(
        p, [C.SHEET_HEAD, C.Repeat("<row/>", 1536 * MiB), C.SHEET_TAIL]), build
    yield "responses.xlsx: inflating to 60 GB", lambda p: C.write_xlsx(
        p, [C.SHEET_HEAD, C.Repeat("<row/>", 60 * 1024 * MiB), C.SHEET_TAIL]), build
    yield "responses.xlsx: 250 MB of empty rows (declared within the limit)", lambda p: C.write_xlsx(
        p, [C.SHEET_HEAD, C.Repeat("<row/>", 250 * MiB), C.SHEET_TAIL], declared={"xl/worksheets/sheet1.xml": 250 * MiB}), build
    yield "overrides.csv: 100 MB of rows", lambda p: csv_rows(
        p, "0114,V1,Ja,en motivering\n", 99 * MiB, "enhetskod,kolumn,nytt_varde,motivering\n"), granskning
    yield "tidy.csv: 100 MB of rows (diff)", lambda p: csv_rows(p, "enhet,0114,x,Ja,,,,,,\n", 99 * MiB, C.TIDY_HEADER), diff
    yield "workbook.xlsx: 60 MB sheet of cells (diff)", lambda p: C.write_xlsx(
        p, [C.SHEET_HEAD, C.Repeat('<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>', 60 * MiB), C.SHEET_TAIL],
        targets=("worksheets/sheet1.xml",) * 3, names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"],
        declared={"xl/worksheets/sheet1.xml": 60 * MiB}), diff
    yield "workbook.xlsx: sheet inflating to 60 GB (diff)", lambda p: C.write_xlsx(
        p, [C.SHEET_HEAD, C.Repeat("<row/>", 60 * 1024 * MiB), C.SHEET_TAIL], targets=("worksheets/sheet1.xml",) * 3,
        names=["Kommuner och stadsdelar", "Län och riket", "Kommungrupper"]), diff
    # -- issue 17 ------------------------------------------------------------------------------------
    isu = ["isu", "build", "{file}", "--out", "{out}/isu.xlsx", "--tidy", "{out}/isu.csv"]
    styles = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>'
              '<numFmt numFmtId="164" formatCode="{code}"/></numFmts><cellXfs>{xfs}</cellXfs></styleSheet>')
    yield "responses.xlsx: a 4 KB number format code in 1 000 styles", lambda p: C.write_xlsx(
        p, C._responses_sheet(), extra={"xl/styles.xml": styles.format(code="[" * 4000, xfs='<xf numFmtId="164"/>' * 1000)}), build
    yield "responses.xlsx: 255-character codes, 60 000 styles", lambda p: C.write_xlsx(
        p, C._responses_sheet(), extra={"xl/styles.xml": styles.format(code="[" * 255, xfs='<xf numFmtId="164"/>' * 60_000)}), build
    sst = ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', None, "</sst>"]
    yield "responses.xlsx: 250 MB of shared strings, a cell using them", lambda p: C.write_xlsx(
        p, C._responses_sheet('<row r="9"><c r="A9" t="s"><v>0</v></c></row>'),
        extra={"xl/sharedStrings.xml": [sst[0], C.Repeat("<si><t>ab</t></si>", 250 * MiB, exact=True), sst[2]]}), build
    yield "responses.xlsx: 250 MB of shared strings, no cell using them", lambda p: C.write_xlsx(
        p, C._responses_sheet(), extra={"xl/sharedStrings.xml": [sst[0], C.Repeat("<si><t>ab</t></si>", 250 * MiB), sst[2]]}), build
    yield "responses.xlsx: 250 MB of merged ranges", lambda p: C.write_xlsx(
        p, [*C._responses_sheet()[:-1], "</sheetData><mergeCells>",
            C.Repeat('<mergeCell ref="A1:B1"/>', 250 * MiB, exact=True), "</mergeCells></worksheet>"]), build
    yield "responses.xlsx: 1 000 000 empty zip members", lambda p: zip_members(p, 1_000_000), build
    yield "responses.csv: 100 MB of quoted line breaks", lambda p: csv_rows(p, '"\n",', 99 * MiB, header), build
    yield "responses.csv: 100 MB of blank lines", lambda p: csv_rows(p, "\n", 99 * MiB, header), build
    yield "tidy.csv: 100 MB of quoted line breaks (diff)", lambda p: csv_rows(p, '"\n",', 99 * MiB, "ar," + C.TIDY_HEADER), diff
    yield "trend: 20 tidy exports of 16 MB", trend_exports, ["trend", "{trend}", "--out", "{out}/trend.xlsx"]
    yield "isu.csv: 360 MB of quoted line breaks", lambda p: csv_rows(
        p, '"\n",', 360 * MiB, ",".join(C._sample(C.ISU_SAMPLE)[0]) + "\n"), isu
    yield "isu.xlsx: 4 000 000 empty zip members", lambda p: zip_members(p, 4_000_000), isu
    yield "isu.csv: 1 000 000 valid ärenden, 64-character ids", lambda p: isu_national(p), isu
    yield "isu.csv: 1 000 000 bad rows", lambda p: isu_national(p, bad=True), isu
    yield "isu.csv: 1 200 000 ärenden, over the row limit", lambda p: isu_national(p, 1_200_000, id_chars=9), isu


def run(command: list[str]) -> tuple[int, float, int, str]:
    t = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", "from ojexcel.cli import main; main()", *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return proc.returncode, time.monotonic() - t, usage.ru_maxrss * 1024, last[0][:110]


ISU_READ = """
import resource, sys, time
from ojexcel.problems import Report
from ojexcel.io.tables import ISU_LIMITS, open_table
t = time.monotonic(); n = 0
with open_table(sys.argv[1], Report(file=sys.argv[1]), ISU_LIMITS) as table:
    for _, cells in table.rows():
        n += 1
print(n, time.monotonic() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def isu_csv(path: Path, rows: int) -> None:
    rng = random.Random(2)
    header = [f"kol{i}" for i in range(30)]
    values = [["Kvinna", "Man"], ["2023-01-05", "2022-11-30"], ["Ja", "Nej", ""], ["Psykiskt våld", "Fysiskt våld"],
              [str(i) for i in range(100)]]
    lines = [",".join(rng.choice(values[j % 5]) for j in range(30)) + "\n" for _ in range(1000)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(header)
        for i in range(rows // 1000):
            fh.write("".join(lines))


def isu_xlsx(path: Path, rows: int) -> None:
    """The same kind of records as an XLSX written by XlsxWriter (inline strings, date cells)."""
    import datetime

    import xlsxwriter

    rng = random.Random(3)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws, date = wb.add_worksheet(), wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, [f"kol{i}" for i in range(30)])
    start = datetime.datetime(2023, 1, 1)
    for r in range(1, rows + 1):
        for c in range(30):
            k = c % 5
            if k == 1:
                ws.write_datetime(r, c, start + datetime.timedelta(days=rng.randrange(400)), date)
            elif k == 3:
                ws.write_number(r, c, rng.randrange(100))
            else:
                ws.write_string(r, c, rng.choice(["Kvinna", "Man", "Ja", "Nej", "Psykiskt våld"]))
    wb.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--isu-rows", type=int, default=1_000_000)
    ap.add_argument("--isu-xlsx-rows", type=int, default=200_000)
    ap.add_argument("--make", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make:
        name, path = args.make
        if name == "isu":
            return isu_csv(Path(path), args.isu_rows)
        if name == "isu-xlsx":
            return isu_xlsx(Path(path), args.isu_xlsx_rows)
        return next(make for n, make, _ in cases(Path(path).parent) if n == name)(Path(path))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make, command in cases(folder):
            if args.only and args.only not in name:
                continue
            suffix = ".xlsx" if ".xlsx" in name else ".csv"
            path = folder / ("input" + suffix)
            out = folder / "out"
            out.mkdir(exist_ok=True)
            # made in a child process: a child forked from a big parent would inherit its peak memory
            subprocess.run([sys.executable, __file__, "--make", name, str(path)], check=True)
            size = path.stat().st_size
            filled = [a.replace("{file}", str(path)).replace("{out}", str(out)) for a in command]
            if "{trend}" in filled:
                files = [trend_file(path, k) for k in range(20)]
                size = sum(f.stat().st_size for f in files)
                at = filled.index("{trend}")
                filled[at:at + 1] = [f"{1998 + k}={f}" for k, f in enumerate(files)]
            code, seconds, rss, last = run(filled)
            limit = ISSUE_17_SECONDS if name.startswith(("isu", "trend")) or "quoted" in name else TARGET_SECONDS
            ok = seconds <= limit and rss <= TARGET_BYTES and code in (0, 1, 2)
            print(f"{'ok ' if ok else 'MISS'} {name:<62} {size / MiB:7.1f} MB  exit {code}  {seconds:5.1f} s  "
                  f"{rss / MiB:6.0f} MB  | {last}", flush=True)
            for k in range(20):
                trend_file(path, k).unlink(missing_ok=True)
        if not args.only or "isu" in args.only:
            path = folder / "arenden.csv"
            subprocess.run([sys.executable, __file__, "--make", "isu", str(path), "--isu-rows", str(args.isu_rows)], check=True)
            size = path.stat().st_size
            out = subprocess.run([sys.executable, "-c", ISU_READ, str(path)], capture_output=True, text=True, check=True)
            n, seconds, rss = out.stdout.split()
            seconds, rss = float(seconds), int(rss)
            print(f"isu  {int(n):,} ärenden × 30 columns, {size / MiB:.0f} MB: {seconds:.1f} s "
                  f"({seconds / (size / MiB) * 100:.1f} s per 100 MB), peak {rss / MiB:.0f} MB")
            path.unlink()
            path = folder / "arenden.xlsx"
            subprocess.run([sys.executable, __file__, "--make", "isu-xlsx", str(path), "--isu-xlsx-rows",
                            str(args.isu_xlsx_rows)], check=True)
            size = path.stat().st_size
            out = subprocess.run([sys.executable, "-c", ISU_READ, str(path)], capture_output=True, text=True, check=True)
            n, seconds, rss = out.stdout.split()
            seconds, rss = float(seconds), int(rss)
            print(f"isu  {int(n):,} ärenden × 30 columns, XLSX, {size / MiB:.0f} MB: {seconds:.1f} s "
                  f"({seconds / int(n) * 1e6:.0f} µs per row), peak {rss / MiB:.0f} MB")


if __name__ == "__main__":
    main()
