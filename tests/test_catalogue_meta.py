"""The catalogue's descriptive metadata (from the 2017 guide) is complete and consistent with the rules.

Question numbers: the guide writes them in several ways ("G7a", "(G)7 a.", "(V) 7a:", "(G21)a");
`question_numbers` normalises every mention of a part letter (G/V, optionally in parentheses)
followed by a number and an optional one-letter suffix, spaces and parentheses allowed in between,
to the codebook's form: letter + number + suffix ("G7a"). The letter must not be part of a word.
"""
from __future__ import annotations

import re

import pytest

from ojexcel.survey.catalogue import OPTIONAL_METADATA_KEYS

TEXT_KEYS = ("namn", "matt", "malvarde", "enkatfragor", "indikatortyp")
TYPER = {"Struktur", "Process", "Resultat"}
JAMFORBARHET = {"jämförbar", "delvis jämförbar", "ej jämförbar"}

_QUESTION = re.compile(r"(?<![A-Za-zÅÄÖåäö])\(?([GV])\)?\s*\(?(\d+)\)?\s*([a-z])?(?![A-Za-zÅÄÖåäö0-9])")


def question_numbers(text: str) -> set[str]:
    return {f"{letter}{number}{suffix or ''}" for letter, number, suffix in _QUESTION.findall(text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("G7. Har ni …? G7a. Har ni …?", {"G7", "G7a"}),
        ("(G)7 a. Har ni", {"G7a"}),
        ("(V) 7a: Har ni", {"V7a"}),
        ("fråga (G21)a.", {"G21a"}),
        ("(G)6 b. Har ni", {"G6b"}),
        ("SARA: SV, Patriark", set()),
        ("Ja, annan/Nej; område: LSS – vuxna.", set()),
    ],
)
def test_question_number_normalisation(text, expected):
    assert question_numbers(text) == expected


def test_new_keys_are_recognised():
    assert "indikatortyp" in OPTIONAL_METADATA_KEYS
    for key in TEXT_KEYS:
        assert key in OPTIONAL_METADATA_KEYS
    # comparability is the årgång's (jamforbarhet.csv), not the catalogue's (issue 18)
    assert "jamforbarhet" not in OPTIONAL_METADATA_KEYS


def test_every_indicator_has_descriptive_texts(catalogue):
    for ind in catalogue:
        for key in TEXT_KEYS:
            value = ind.meta(key)
            assert isinstance(value, str) and value.strip(), f"{ind.id}: {key} is empty"
            assert value == value.strip() and "  " not in value, f"{ind.id}: {key} has stray spaces"


def test_indikatortyp_uses_the_guide_vocabulary(catalogue):
    # The guide gives one type, or (AUDIT, DUDIT) "Struktur, process": every part is a known type.
    for ind in catalogue:
        parts = [p.strip() for p in ind.meta("indikatortyp").split(",")]
        assert all(p.capitalize() in TYPER for p in parts), f"{ind.id}: {ind.meta('indikatortyp')!r}"
        assert parts[0] in TYPER  # first word capitalised


def test_family_texts_are_specialised(catalogue):
    """A family's name and measure are narrowed to the one indicator: no enumerations left, all distinct."""
    for key in ("namn", "matt"):
        values = [ind.meta(key) for ind in catalogue]
        assert len(set(values)) == len(values), f"{key} repeats across indicators"
    for ind in catalogue:
        for key in ("namn", "matt", "malvarde"):
            assert not re.search(r"\b[1-8]\)", ind.meta(key)), f"{ind.id}: {key} still lists a family"


def test_no_ocr_typos_left(catalogue):
    for ind in catalogue:
        for key in OPTIONAL_METADATA_KEYS:
            text = ind.meta(key)
            for typo in ("Svarefrekvens", "Svartsfrekvens", "Datafäckning", "utövats våld", "äldreområdet"):
                assert typo not in text, f"{ind.id}: {key} contains {typo!r}"


def test_enkatfragor_names_every_question_the_rule_reads(catalogue, codebook):
    for ind in catalogue:
        needed = {codebook[col].question for col in ind.rule.columns()}
        mentioned = question_numbers(ind.meta("enkatfragor"))
        assert needed <= mentioned, f"{ind.id}: enkatfragor lacks {sorted(needed - mentioned)}"
        # and names no question the indicator does not use (its skip-logic parents included)
        used = {codebook[col].question for col in ind.columns}
        assert mentioned <= used, f"{ind.id}: enkatfragor names {sorted(mentioned - used)}"


def test_enkatfragor_names_the_area_of_area_specific_indicators(catalogue, codebook):
    for ind in catalogue:
        areas = {codebook[col].area for col in ind.rule.columns()} - {""}
        assert len(areas) <= 1, f"{ind.id}: rule reads several areas"
        for area in areas:
            assert area in ind.meta("enkatfragor"), f"{ind.id}: enkatfragor does not name {area}"


# Bilaga 1, "Jämförbarhet mellan åren" (2016 -> 2017), by the guide's indicator names; an indicator
# belongs to a family when its kortnamn starts with the name (the id prefix must agree).
EJ_JAMFORBAR = {
    "Aktuell rutin vid indikation på att en vuxen utsatts för våld": ("rutin_indikation_", "målgruppen"),
    "Aktuell rutin för information om samordnad individuell plan": ("rutin_sip_", "uppföljningsfråga"),
    "Kartlagt antalet våldsutsatta vuxna": ("kartlagt_vald", "målgruppen"),
}
DELVIS_JAMFORBAR = {
    "Använder minst en standardiserad bedömningsmetod": ("bedomningsmetod_minst_en", "svarsalternativ"),
    "Aktuell rutin för att inte röja skyddade personuppgifter": ("rutin_skyddade_personuppgifter_", "svarsalternativ"),
}


def _family(ind, families):
    for name, (id_prefix, reason) in families.items():
        by_name = ind.kortnamn.startswith(name)
        by_id = ind.id.startswith(id_prefix)
        assert by_name == by_id, f"{ind.id}: kortnamn and id disagree about family {name!r}"
        if by_name:
            return reason
    return None


def _comparability(ind_id):
    from ojexcel.survey.arsgang import load_arsgang

    found = load_arsgang(2017).comparability[ind_id]  # 2017 says how it compares with 2016
    return found.text, found.not_


def test_jamforbarhet_vocabulary_and_note(catalogue):
    for ind in catalogue:
        value, note = _comparability(ind.id)
        assert value in JAMFORBARHET, f"{ind.id}: {value!r}"
        assert bool(note.strip()) == (value != "jämförbar"), f"{ind.id}: note {note!r} for {value!r}"


def test_jamforbarhet_follows_the_guide(catalogue):
    seen = {"ej jämförbar": 0, "delvis jämförbar": 0}
    for ind in catalogue:
        ej, delvis = _family(ind, EJ_JAMFORBAR), _family(ind, DELVIS_JAMFORBAR)
        expected = "ej jämförbar" if ej else "delvis jämförbar" if delvis else "jämförbar"
        value, note = _comparability(ind.id)
        assert value == expected, f"{ind.id}: {value!r}, expected {expected!r}"
        reason = ej or delvis
        if reason:
            seen[expected] += 1
            assert reason in note.lower(), f"{ind.id}: note does not say {reason!r}"
    # rutin_indikation_* (8) + rutin_sip_* (8) + kartlagt_vald; bedomningsmetod_minst_en + skyddade (8)
    assert seen == {"ej jämförbar": 17, "delvis jämförbar": 9}
