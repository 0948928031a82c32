"""Reading responses: formats, labels and aliases, and every validation error (CONTRACT §2, §6)."""
from __future__ import annotations

import pytest
from openpyxl import Workbook

from ojexcel.problems import InputError
from ojexcel.survey.reader import read_responses

from .conftest import blank_row, header


def read(path, codebook, population):
    return read_responses(path, codebook, population)


def problems(path, codebook, population):
    with pytest.raises(InputError) as exc:
        read_responses(path, codebook, population)
    return exc.value.problems


def test_reads_labels_case_and_whitespace_insensitively(write, codebook, population):
    path = write([blank_row("0114") | {"G1": "  ja ", "G7_ekb": "JA", "G7a_ekb": "ej   AKTUELLT"}])
    r = read(path, codebook, population)
    answers = r.rows["0114"].answers
    assert (answers["G1"], answers["G7_ekb"], answers["G7a_ekb"]) == ("Ja", "Ja", "Ej aktuellt")
    assert answers["G20"] is None


def test_reads_full_text_aliases(write, codebook, population):
    row = blank_row("0114") | {
        "G3_vinr_polisen": "Nej, behövs inte, samverkan sker genom att verksamheten har samma ansvariga chef",
        "V2_kvinnor": "ja, erbjuds med BISTÅNDSBESLUT",
        "V7": "Ja, har sammanställt på gruppnivå",
        "V7b": "Nej, men vi har fattat beslut om att göra det",
    }
    answers = read(write([row]), codebook, population).rows["0114"].answers
    assert answers["G3_vinr_polisen"] == "Nej, behövs inte"
    assert answers["V2_kvinnor"] == "Ja"
    assert answers["V7b"] == "Nej, men beslut fattat"


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_delimiters_and_bom(write, codebook, population, delimiter, encoding):
    path = write([blank_row("0114") | {"G1": "Ja", "G8_ekb": "Ja, FREDA-kortfrågor"}], delimiter=delimiter, encoding=encoding)
    r = read(path, codebook, population)
    assert r.rows["0114"].answers["G8_ekb"] == "Ja, FREDA-kortfrågor"


def test_xlsx_first_sheet(tmp_path, codebook, population):
    wb = Workbook()
    ws = wb.active
    cols = header(codebook)
    ws.append(cols)
    ws.append(["0180-01", "Bromma", "Ja"] + ["Ja" if c == "G1" else None for c in cols[3:]])
    wb.create_sheet("Anteckningar").append(["notes"])
    path = tmp_path / "svar.xlsx"
    wb.save(path)
    r = read(path, codebook, population)
    assert r.rows["0180-01"].answers["G1"] == "Ja"
    assert any("only the first sheet" in p.message for p in r.warnings)


def test_counts_and_besvarat_vinr(write, codebook, population):
    r = read(write([blank_row("0114"), blank_row("0115", "Nej"), blank_row("0117", "nej")]), codebook, population)
    assert (r.answered_survey, r.answered_vinr) == (3, 1)


def test_blank_besvarat_vinr_warns_and_counts_as_not_answered(write, codebook, population):
    r = read(write([blank_row("0114", "")]), codebook, population)
    assert not r.rows["0114"].besvarat_vinr
    assert any(p.column == "besvarat_vinr" for p in r.warnings)


# -- errors: each names file, row, enhetskod, column and value -------------------------------------

def test_unknown_answer_label(write, codebook, population):
    path = write([blank_row("0114"), blank_row("0115") | {"G7_ekb": "Jaa"}])
    (p,) = problems(path, codebook, population)
    assert (p.file, p.row, p.enhetskod, p.column, p.value) == (str(path), 3, "0115", "G7_ekb", "Jaa")
    assert "expected one of: Ja, Nej, Ej aktuellt" in p.message
    assert str(p).startswith(f"error: {path}, row 3, enhetskod 0115, column G7_ekb, value 'Jaa'")


def test_unknown_enhetskod(write, codebook, population):
    (p,) = problems(write([blank_row("9999")]), codebook, population)
    assert (p.row, p.column, p.value) == (2, "enhetskod", "9999") and "unknown enhetskod" in p.message


def test_unknown_enhetskod_without_leading_zero_gets_a_hint(write, codebook, population):
    (p,) = problems(write([blank_row("114")]), codebook, population)
    assert "did you mean 0114" in p.message


def test_duplicate_enhetskod(write, codebook, population):
    (p,) = problems(write([blank_row("0114"), blank_row("0115"), blank_row("0114")]), codebook, population)
    assert (p.row, p.enhetskod) == (4, "0114") and "already given in row 2" in p.message


@pytest.mark.parametrize("city", ["0180", "1480", "1280"])
def test_whole_city_row(write, codebook, population, city):
    (p,) = problems(write([blank_row(city)]), codebook, population)
    assert (p.row, p.enhetskod, p.column) == (2, city, "enhetskod")
    assert "answers per district only" in p.message


def test_blank_enhetskod(write, codebook, population):
    (p,) = problems(write([blank_row("") | {"G1": "Ja"}]), codebook, population)
    assert (p.row, p.column) == (2, "enhetskod") and "blank" in p.message


def test_unknown_besvarat_vinr(write, codebook, population):
    (p,) = problems(write([blank_row("0114", "Kanske")]), codebook, population)
    assert (p.column, p.value) == ("besvarat_vinr", "Kanske")


def test_required_column_missing(tmp_path, codebook, population):
    cols = [c for c in header(codebook) if c not in ("besvarat_vinr", "G20")]
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n" + "0114" + "," * (len(cols) - 1) + "\n", encoding="utf-8")
    found = problems(path, codebook, population)
    assert {(p.row, p.column) for p in found} == {(1, "besvarat_vinr"), (1, "G20")}
    assert all("required column missing" in p.message for p in found)


def test_duplicate_column(tmp_path, codebook, population):
    cols = header(codebook) + ["G1"]
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n" + ",".join(["0114", "", "Ja"] + [""] * (len(cols) - 3)) + "\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert p.column == "G1" and "appears twice" in p.message


def test_every_problem_reported_in_one_run(write, codebook, population):
    path = write([
        blank_row("9999"),
        blank_row("0114") | {"G1": "x"},
        blank_row("0114"),
        blank_row("0180"),
        blank_row("0115") | {"V7": "Kanske", "G20": "nja"},
    ])
    found = problems(path, codebook, population)
    assert [(p.row, p.column) for p in found] == [
        (2, "enhetskod"), (3, "G1"), (4, "enhetskod"), (5, "enhetskod"), (6, "G20"), (6, "V7"),
    ]


def test_wrong_field_count(tmp_path, codebook, population):
    cols = header(codebook)
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n0114,,Ja,Ja\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert p.row == 2 and "fields" in p.message


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"\x00\x01\x02garbage", "binary"),
    ],
)
def test_unreadable_files(tmp_path, codebook, population, content, message):
    path = tmp_path / "svar.csv"
    path.write_bytes(content)
    (p,) = problems(path, codebook, population)
    assert message in p.message and p.file == str(path)


def test_header_only(tmp_path, codebook, population):
    path = tmp_path / "svar.csv"
    path.write_text(",".join(header(codebook)) + "\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert "header only" in p.message


def test_missing_file(tmp_path, codebook, population):
    (p,) = problems(tmp_path / "nope.csv", codebook, population)
    assert "no such file" in p.message


def test_not_an_xlsx(tmp_path, codebook, population):
    path = tmp_path / "svar.xlsx"
    path.write_text("enhetskod\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert "not an XLSX" in p.message


# -- warnings -----------------------------------------------------------------------------------

def test_unknown_extra_column_warns(tmp_path, codebook, population):
    cols = header(codebook) + ["kommentar"]
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n" + ",".join(["0114", "", "Ja"] + [""] * (len(cols) - 3)) + "\n", encoding="utf-8")
    r = read(path, codebook, population)
    assert [(p.column, p.severity) for p in r.warnings] == [("kommentar", "warning")]


def test_follow_up_not_asked_warns_and_is_ignored(write, codebook, population):
    from ojexcel.survey.indicators import compute_unit_values
    from ojexcel.survey.arsgang import load_catalogue

    r = read(write([blank_row("0114") | {"G7_ekb": "Nej", "G7a_ekb": "Ja"}]), codebook, population)
    (w,) = r.warnings
    assert (w.row, w.column, w.value) == (2, "G7a_ekb", "Ja") and "not asked" in w.message
    cat = load_catalogue(2017)
    values = compute_unit_values(r, cat, population)["0114"]
    assert values[cat.ids.index("rutin_indikation_ekb")] == "Nej"


# -- edges found by the bad-input corpus (tests/bad_inputs/) --------------------------------------

def test_nameless_column_with_values_is_an_error(tmp_path, codebook, population):
    cols = header(codebook) + [""]
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n" + ",".join(["0114", "", "Ja"] + [""] * (len(cols) - 4) + ["Ja"]) + "\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert (p.row, p.column, p.value) == (1, "#105 (DA)", "Ja") and "has no name in row 1" in p.message


def test_input_error_carries_the_warnings(tmp_path, codebook, population):
    cols = [c if c != "G20" else "G2O" for c in header(codebook)]
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n" + ",".join(["0114", "", "Ja"] + [""] * (len(cols) - 3)) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_responses(path, codebook, population)
    (p,) = exc.value.problems
    assert p.column == "G20" and "'G2O' looks like a misspelling" in p.message
    assert [(w.column, w.severity) for w in exc.value.warnings] == [("G2O", "warning")]


def test_latin1_then_utf8_is_refused_not_misread(tmp_path, codebook, population):
    path = tmp_path / "svar.csv"
    rows = [blank_row("0114") | {"V2_kvinnor": "Ja, erbjuds med biståndsbeslut"}]
    from .conftest import write_responses

    write_responses(path, codebook, rows, encoding="cp1252")
    path.write_bytes(path.read_bytes() + "0115,Vallentuna,Ja\n".replace("Vallentuna", "Väsby").encode("utf-8"))
    (p,) = problems(path, codebook, population)
    assert "mixes encodings" in p.message


# -- damaged files found in review: a clear error, never a traceback ----------------------------

def _sample_book(tmp_path):
    from ojexcel.survey.compilation import build_results
    from ojexcel.survey.workbook import write_workbook

    path = tmp_path / "book.xlsx"
    write_workbook(build_results(None, 2017), path)
    return path


def test_xlsx_with_damaged_sheet_xml(tmp_path, codebook, population):
    import zipfile

    good = _sample_book(tmp_path)
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    (p,) = problems(cut, codebook, population)
    assert "damaged" in p.message and p.file == str(cut)


def test_zip_that_is_not_xlsx(tmp_path, codebook, population):
    import zipfile

    path = tmp_path / "svar.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    (p,) = problems(path, codebook, population)
    assert "not a readable XLSX workbook" in p.message


def test_truncated_utf16(tmp_path, codebook, population):
    path = tmp_path / "svar.csv"
    path.write_bytes("enhetskod,besvarat_vinr\n0114,Ja\n".encode("utf-16")[:-1])
    (p,) = problems(path, codebook, population)
    assert "UTF-16" in p.message


def test_field_count_error_names_the_unit(tmp_path, codebook, population):
    cols = header(codebook)
    path = tmp_path / "svar.csv"
    path.write_text(",".join(cols) + "\n0114,,Ja,Ja\n", encoding="utf-8")
    (p,) = problems(path, codebook, population)
    assert (p.row, p.enhetskod) == (2, "0114")
