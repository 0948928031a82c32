"""Problem reports stay readable and bounded: many alike summarised, a cap on what is kept and
shown, long values cut, control characters escaped."""
from __future__ import annotations

from ojexcel.problems import MAX_KEPT, SHOWN_ALIKE, InputError, Problem, Report, format_problems, printable


def test_many_identical_errors_are_summarised_with_a_count():
    report = Report(file="svar.xlsx")
    for n in range(2, 275):
        report.error("enhetskod is a number", row=n, column="enhetskod", value=n)
    report.error("unknown answer", row=9, column="G1", value="Jaa")
    lines = format_problems(report.errors)
    assert len(lines) == SHOWN_ALIKE + 2
    assert lines[SHOWN_ALIKE] == (
        f"error: … and {273 - SHOWN_ALIKE:,} more with the same problem (rows 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, …), "
        "column enhetskod: enhetskod is a number"
    )
    assert "unknown answer" in lines[-1]


def test_a_report_keeps_the_first_problems_and_counts_the_rest():
    report = Report(file="f.csv")
    for n in range(MAX_KEPT + 500):
        report.error(f"problem {n}", row=n)
    assert len(report.errors) == MAX_KEPT
    try:
        report.raise_if_errors()
    except InputError as exc:
        assert exc.count == MAX_KEPT + 500
        lines = format_problems(exc.problems, exc.omitted)
    assert len(lines) == 101 and lines[-1] == f"… and {MAX_KEPT + 500 - 100:,} more problem(s) not shown"


def test_values_are_cut_and_control_characters_escaped():
    p = Problem("unknown answer", file="a\nb\x1b]0;pwned\x07.csv", row=2, value="x" * 10**6)
    text = str(p)
    assert len(text) < 300 and "(1,000,000 characters)" in text
    assert "\n" not in text and "\x1b" not in text and "\x07" not in text
    assert "a\\nb\\x1b]0;pwned\\x07.csv" in text
    assert printable("fil\udcff.csv") == "fil\\xff.csv"  # an undecodable file name byte
    assert printable("rad\u2028två") == "rad\\u2028två"


def test_a_long_message_is_cut():
    from ojexcel.problems import short_line

    p = Problem("indicator x: unexpected unit value " + repr("y" * 50_000))
    assert len(str(p)) < 2100 and "characters cut)" in str(p) and str(p).endswith("yyy'")
    assert short_line("kort") == "kort"


def test_spaces_stay_spaces_controls_are_escaped():
    # U+00A0 (the thousands separator of Swedish numbers) is a space, not a control character
    from ojexcel.problems import printable
    from ojexcel.io.templating import one_line

    assert printable("3\u00a0070 ärenden") == "3\u00a0070 ärenden"
    assert one_line("3\u00a0070\u2009st") == "3\u00a0070\u2009st"
    assert printable("a\nb\u2028c\x1bd") == "a\\nb\\u2028c\\x1bd"
