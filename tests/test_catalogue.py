"""The packaged catalogue agrees with the spec, and its rules mean exactly what the spec's words say.

The words (`regel` in spec/indicators_2017.csv) are parsed here by a small independent parser and
evaluated on every complete answer combination; the catalogue's compiled rule must agree on all.
"""
from __future__ import annotations

import csv
import re

import pytest

from ojexcel.survey.arsgang import ArsgangError, embedded_folder, embedded_years, load_catalogue
from dev.synthetic import answer_combinations

from .conftest import SHARED_SPEC


def spec_rows():
    with open(SHARED_SPEC / "indicators_2017.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_catalogue_metadata_matches_spec(catalogue):
    rows = spec_rows()
    assert len(catalogue) == len(rows) == 55
    for ind, row in zip(catalogue, rows):
        assert (ind.ordning, ind.id) == (int(row["order"]), row["id"])
        assert ind.kvalitetsdimension == row["kvalitetsdimension"]
        assert ind.kvalitetsomrade == row["kvalitetsomrade"]
        assert ind.indikatoromrade == row["indikatoromrade"]
        assert ind.kortnamn == row["kortnamn"]
        assert ind.skala == row["skala"]
        assert ind.del_ == row["del"]
        assert ind.regel == row["regel"]


def test_outcomes_match_scale(catalogue):
    for ind in catalogue:
        assert "/".join(ind.rule.outcomes()) == ind.skala, ind.id


def test_packaged_codebook_is_the_spec(catalogue):
    assert (embedded_folder(2017) / "codebook.csv").read_text(encoding="utf-8") == (SHARED_SPEC / "codebook_2017.csv").read_text(
        encoding="utf-8"
    )


def test_available_years():
    assert embedded_years() == (2016, 2017, 2018)


def test_unknown_year_is_a_clear_error():
    with pytest.raises(ArsgangError) as caught:
        load_catalogue(1999)
    assert "no embedded årgång for survey year 1999" in caught.value.problems[0].message


# -- an independent reading of the rules in words ----------------------------------------------

class WordsParser:
    """regel := clause ('; ' clause)*; clause := OUTCOME ' if ' expr | 'else ' OUTCOME."""

    VALUE = re.compile(r"'([^']*)'|(.+?)(?=$|;| and | or |\)|\}|, )")

    def __init__(self, text: str):
        self.t, self.i = text, 0

    def eat(self, lit):
        if self.t.startswith(lit, self.i):
            self.i += len(lit)
            return True
        return False

    def expect(self, lit):
        assert self.eat(lit), f"expected {lit!r} at {self.t[self.i:]!r}"

    def word(self):
        m = re.compile(r"\w+").match(self.t, self.i)
        self.i = m.end()
        return m.group()

    def value(self):
        m = self.VALUE.match(self.t, self.i)
        self.i = m.end()
        return m.group(1) if m.group(1) is not None else m.group(2)

    def rule(self):
        clauses = []
        while not self.eat("else "):
            outcome = next(o for o in ("Ja", "Delvis", "Nej", "Ej aktuellt") if self.eat(o))
            self.expect(" if ")
            clauses.append((outcome, self.expr()))
            self.expect("; ")
        otherwise = self.t[self.i :]
        return lambda w: next((o for o, c in clauses if c(w)), otherwise)

    def expr(self):
        parts = [self.term()]
        while self.eat(" or ") or self.eat(", or "):
            parts.append(self.term())
        return lambda w: any(p(w) for p in parts)

    def term(self):
        parts = [self.factor()]
        while self.eat(" and "):
            parts.append(self.factor())
        return lambda w: all(p(w) for p in parts)

    def factor(self):
        if self.eat("("):
            e = self.expr()
            self.expect(")")
            return e
        if self.eat("any of "):
            cols = [self.word()]
            while self.eat(", "):
                cols.append(self.word())
            self.expect(" = ")
            v = self.value()
            return lambda w: any(w.get(c) == v for c in cols)
        col = self.word()
        if self.eat(" is not blank"):
            return lambda w: bool((w.get(col) or "").strip())
        if self.eat(" in {"):
            vals = [self.value()]
            while self.eat(", "):
                vals.append(self.value())
            self.expect("}")
            return lambda w: w.get(col) in vals
        self.expect("=")
        v = self.value()
        return lambda w: w.get(col) == v


@pytest.mark.parametrize("row", spec_rows(), ids=lambda r: r["id"])
def test_rule_agrees_with_words_on_every_answer_combination(catalogue, row):
    ind = catalogue[row["id"]]
    words = WordsParser(row["regel"]).rule()
    combos = answer_combinations(ind.columns, catalogue.codebook)
    assert combos
    for world in combos:
        assert ind.rule.decide(world) == words(world), (ind.id, world)


def test_rendered_rule_is_the_words(catalogue):
    """The compiled rule prints as the spec's words (one phrasing of any-of aside)."""
    for ind in catalogue:
        if ind.typ == "nagon_av":
            continue
        assert str(ind.rule) == ind.regel
