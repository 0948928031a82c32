"""Every branch of every rule kind, including missing answers that do and do not matter."""
from __future__ import annotations

import pytest

from ojexcel.survey.rules import RuleError, build_rule, evaluate


def value(catalogue, ind_id, **answers):
    ind = catalogue[ind_id]
    return evaluate(ind.rule, answers, catalogue.codebook, ind.columns)


# -- svar: one question -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "answer, expected",
    [("Ja", "Ja"), ("Nej", "Nej"), (None, None)],
)
def test_svar_yes_no(catalogue, answer, expected):
    assert value(catalogue, "socialjour", G1=answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [("Ja, FREDA-kortfrågor", "Ja"), ("Ja, annan", "Nej"), ("Nej", "Nej"), (None, None)],
)
def test_svar_specific_answer_is_ja(catalogue, answer, expected):
    assert value(catalogue, "freda_kortfragor_ekb", G8_ekb=answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [("Ja", "Ja"), ("Nej", "Nej"), ("Ej aktuellt", "Ej aktuellt"), (None, None)],
)
def test_svar_with_ej_aktuellt(catalogue, answer, expected):
    assert value(catalogue, "audit", G9_vinr_AUDIT=answer) == expected


# -- rutin: routine with follow-up --------------------------------------------------------------

@pytest.mark.parametrize(
    "main, follow, expected",
    [
        ("Ja", "Ja", "Ja"),
        ("Ja", "Ej aktuellt", "Ja"),
        ("Ja", "Nej", "Nej"),
        ("Nej", None, "Nej"),  # G7a not asked: missing follow-up does not matter
        ("Nej", "Ja", "Nej"),  # answered though not asked: ignored
        ("Ej aktuellt", None, "Ej aktuellt"),
        ("Ja", None, None),  # G7=Ja with G7a blank: could be Ja or Nej
        (None, None, None),
        (None, "Ja", None),  # G7 missing: Ja if G7 were Ja, Nej if Nej
        (None, "Nej", None),
    ],
)
def test_rutin(catalogue, main, follow, expected):
    assert value(catalogue, "rutin_indikation_ekb", G7_ekb=main, G7a_ekb=follow) == expected


def test_rutin_missing_main_with_failing_follow_up_still_blank(catalogue):
    # G7 missing, G7a=Nej: G7 could be Ej aktuellt (-> Ej aktuellt) or Nej (-> Nej): blank.
    assert value(catalogue, "rutin_indikation_mis", G7_mis=None, G7a_mis="Nej") is None


@pytest.mark.parametrize(
    "main, follow, expected",
    [
        ("Nej, behövs inte", None, "Ja"),
        ("Ja", "Ja", "Ja"),
        ("Ja", "Ej aktuellt", "Ja"),
        ("Ja", "Nej", "Nej"),
        ("Ja", None, None),
        ("Nej", None, "Nej"),
        ("Ej aktuellt", None, "Ej aktuellt"),
        (None, None, None),
    ],
)
def test_rutin_with_alternative_ja(catalogue, main, follow, expected):
    assert value(catalogue, "samverkan_polisen", G3_vinr_polisen=main, G3a_vinr_polisen=follow) == expected


def test_rutin_without_ej_aktuellt(catalogue):
    assert value(catalogue, "rutin_skolgang", V4="Ja", V4a="Ej aktuellt") == "Ja"
    assert value(catalogue, "rutin_skolgang", V4="Ja", V4a="Nej") == "Nej"
    assert value(catalogue, "rutin_skolgang", V4="Nej") == "Nej"
    assert value(catalogue, "rutin_skolgang", V4="Ja") is None


PLAN = dict(G6_vinr="Ja", G6a_vinr_A="Ja", G6a_vinr_B="Ja", G6b_vinr="Ja")


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, "Ja"),
        ({"G6b_vinr": "Ej aktuellt"}, "Ja"),
        ({"G6b_vinr": "Nej"}, "Nej"),
        ({"G6a_vinr_A": "Nej"}, "Nej"),
        ({"G6a_vinr_B": "Nej"}, "Nej"),
        ({"G6a_vinr_C": "Nej", "G6a_vinr_D": "Nej"}, "Ja"),  # C and D are not required
        ({"G6a_vinr_A": None}, None),
        ({"G6a_vinr_A": None, "G6a_vinr_B": "Nej"}, "Nej"),  # B already fails: A does not matter
        ({"G6b_vinr": None}, None),
        ({"G6b_vinr": None, "G6a_vinr_A": "Nej"}, "Nej"),
        ({"G6_vinr": "Nej", "G6a_vinr_A": None, "G6a_vinr_B": None, "G6b_vinr": None}, "Nej"),
        ({"G6_vinr": "Ej aktuellt", "G6a_vinr_A": None, "G6a_vinr_B": None, "G6b_vinr": None}, "Ej aktuellt"),
        ({"G6_vinr": None}, None),
    ],
)
def test_rutin_with_required_options(catalogue, change, expected):
    assert value(catalogue, "plan_kompetens_vuxna", **(PLAN | change)) == expected


# -- nagon_av: any of, with free text -----------------------------------------------------------

V1_NO = dict(V1_freda_beskrivning="Nej", V1_freda_farlighet="Nej", V1_sara_sv="Nej", V1_patriark="Nej", V1_annan="Nej")


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, "Nej"),
        ({"V1_sara_sv": "Ja"}, "Ja"),
        ({"V1_patriark": "Ja", "V1_freda_beskrivning": None}, "Ja"),  # one Ja settles it
        ({"V1_freda_beskrivning": None}, None),
        ({"V1_annan": "Ja", "V1_annan_text": "Egen mall"}, "Ja"),
        ({"V1_annan": "Ja", "V1_annan_text": "   "}, "Nej"),  # whitespace only is blank
        ({"V1_annan": "Ja", "V1_annan_text": None}, "Nej"),  # free text left empty: not blank is false
        ({"V1_annan": "Nej", "V1_annan_text": "Egen mall"}, "Nej"),  # text without Annan=Ja: ignored
        ({"V1_annan": None, "V1_annan_text": "Egen mall"}, None),  # Annan missing, text given: could be Ja
        ({"V1_annan": None, "V1_annan_text": None}, "Nej"),  # Annan missing, no text: Nej either way
    ],
)
def test_nagon_av(catalogue, change, expected):
    assert value(catalogue, "bedomningsmetod_minst_en", **(V1_NO | change)) == expected


# -- uppfoljning: the V7 family -----------------------------------------------------------------

@pytest.mark.parametrize(
    "v7, v7b, expected",
    [
        ("Ja", "Ja", "Ja"),
        ("Ja", "Nej, men beslut fattat", "Delvis"),
        ("Ja", "Nej", "Nej"),
        ("Nej", None, "Nej"),
        ("Ej aktuellt", None, "Ej aktuellt"),
        ("Ja", None, None),
        (None, None, None),
    ],
)
def test_su_verksamhetsutveckling(catalogue, v7, v7b, expected):
    assert value(catalogue, "su_verksamhetsutveckling", V7=v7, V7b=v7b) == expected


@pytest.mark.parametrize(
    "v7, v7a, expected",
    [
        ("Ja", "Ja", "Ja"),
        ("Ja", "Nej", "Nej"),
        ("Ja", "Ej aktuellt", "Ej aktuellt"),  # CONTRACT §3 decision
        ("Ej aktuellt", None, "Ej aktuellt"),
        ("Nej", None, "Nej"),
        ("Ja", None, None),
    ],
)
def test_su_kon(catalogue, v7, v7a, expected):
    assert value(catalogue, "su_kon", V7=v7, V7a=v7a) == expected


@pytest.mark.parametrize(
    "v7, v7a, v7b, expected",
    [
        ("Ja", "Ja", "Ja", "Ja"),
        ("Ja", "Ja", "Nej, men beslut fattat", "Delvis"),
        ("Ja", "Ja", "Nej", "Nej"),
        ("Ja", "Nej", "Ja", "Nej"),
        ("Ja", "Nej", None, "Nej"),  # V7a=Nej already decides: V7b does not matter
        ("Ja", "Ej aktuellt", "Ja", "Ej aktuellt"),
        ("Ja", "Ej aktuellt", None, "Ej aktuellt"),
        ("Ej aktuellt", None, None, "Ej aktuellt"),
        ("Nej", None, None, "Nej"),
        ("Ja", "Ja", None, None),
        ("Ja", None, "Nej", None),  # V7a could be Ej aktuellt or Nej
    ],
)
def test_su_kon_verksamhetsutveckling(catalogue, v7, v7a, v7b, expected):
    assert value(catalogue, "su_kon_verksamhetsutveckling", V7=v7, V7a=v7a, V7b=v7b) == expected


# -- the kinds' parameter checks ----------------------------------------------------------------

def test_unknown_kind():
    with pytest.raises(RuleError, match="unknown rule kind"):
        build_rule("magic", {})


def test_missing_parameter():
    with pytest.raises(RuleError, match="needs uppfoljning"):
        build_rule("rutin", {"fraga": "G7_ekb"})


def test_unknown_parameter():
    with pytest.raises(RuleError, match="takes no follow"):
        build_rule("svar", {"fraga": "G1", "follow": "x"})


def test_annan_needs_its_text():
    with pytest.raises(RuleError, match="go together"):
        build_rule("nagon_av", {"fragor": ["V1_patriark"], "annan": "V1_annan"})



# -- the exact-blank semantics against a brute force -------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ojexcel.survey.arsgang import load_catalogue  # noqa: E402

_CAT = load_catalogue(2017)


def brute_force(ind, answers, codebook):
    """Complete every missing answer with every label, then apply the skip logic to the completed
    row; the value is the common outcome, or None when outcomes differ. Free text left empty is an
    answer (the rule's "is not blank" is false), not a missing one (README, CONTRACT §3)."""
    import itertools

    cols = ind.columns
    choices = []
    for c in cols:
        q = codebook[c]
        if answers.get(c) is not None:
            choices.append((answers[c],))
        else:
            choices.append(("",) if q.free_text else q.answers)
    outcomes = set()
    for combo in itertools.product(*choices):
        row = dict(zip(cols, combo))
        world = {}
        for c in cols:  # parents come first
            cond = codebook[c].asked_if
            world[c] = None if cond is not None and world[cond.column] != cond.value else row[c]
        outcomes.add(ind.rule.decide(world))
    return outcomes.pop() if len(outcomes) == 1 else None


@st.composite
def partial_answers(draw):
    ind = draw(st.sampled_from(_CAT.indicators))
    answers = {}
    for c in ind.columns:
        q = _CAT.codebook[c]
        options = [None] + (["", "Egen metod"] if q.free_text else list(q.answers))
        answers[c] = draw(st.sampled_from(options))
    return ind, answers


@settings(max_examples=600, deadline=None)
@given(partial_answers())
def test_evaluate_equals_brute_force(case):
    ind, answers = case
    assert evaluate(ind.rule, answers, _CAT.codebook, ind.columns) == brute_force(ind, answers, _CAT.codebook)
