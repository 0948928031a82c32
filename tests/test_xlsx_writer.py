"""The shared XlsxWriter helpers: wrapped line counts and the print scale (io/xlsx_writer.py)."""
from __future__ import annotations

from ojexcel.io.xlsx_writer import A4_PRINTABLE_PT, column_pixels, longest_word, page_scale, word_wrapped_lines


def test_word_wrapped_lines_and_page_scale():
    # words are never broken: a line takes words while they fit, greedy (D181)
    assert word_wrapped_lines("Hedersrelaterat våld: ja", 15) == 2
    assert word_wrapped_lines("Hedersrelaterat våld: ja", 24) == 1
    assert word_wrapped_lines("Antal – Hedersrelaterat våld: nej", 15) == 3
    assert word_wrapped_lines("a\nb c", 3) == 2
    assert word_wrapped_lines("", 10) == 1
    assert longest_word(["Antal – 18-24 år", "Hedersrelaterat våld: ja"]) == len("Hedersrelaterat")
    assert longest_word([]) == 0
    assert column_pixels(8.43) == 64 and column_pixels(12) == 89 and column_pixels(0) == 0
    width, height = A4_PRINTABLE_PT[True]
    # what fits at 100 % prints at 100 %; otherwise the smaller of the width's and the height's fit,
    # with 7 % to spare, never under 10 %
    assert page_scale(width / 2, height / 2, True) == 100
    assert page_scale(2 * width, height / 2, True) == int(0.93 * 50)
    assert page_scale(width / 2, 4 * height, True) == int(0.93 * 25)
    assert page_scale(100 * width, height, True) == 10
