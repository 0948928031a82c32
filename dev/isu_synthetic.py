"""The embedded synthetic ISU sample: 3 070 ärenden in 34 units that reproduce the report's figures.

Used by `dev/generate_isu_sample.py` (which writes `samples/isu_arenden.csv`) and by the benchmark.
Pure Python, a fixed seed, byte-identical reruns.

How it is built. SKR's report (chapter 2) pins many counts and shares, and they interlock
(kön × HRV, HRV × våldets grad, ålder × våldets grad, mean insatser per delgrupp, avslutsorsak per
ärendelängd …). The construction therefore goes variable by variable, and wherever a figure of
`published_isu.csv` pins a count, the count is set exactly — in the TARGET tables below, each with
the row(s) it serves — and only *which* ärenden get a value is random: `deal` hands out exact
counts of values to a set of ärenden, favouring some ärenden by a weight (older clients get fewer
insatser, HRV clients more protected housing …), which is where the realism comes from. Counts no
figure pins are realistic choices, said so at the table. Then the ärenden are dealt to the units:
each unit's size, share of avslutade, use of the brukarenkät and share in the toppgrupp are fixed
per unit (UNITS); HRV, origin and risk-assessment practice lean per unit. Last, what only makes
sense per unit: dates, verksamhet, samverkan notes, pseudonymous identifiers.

All identifiers and free text are clearly fake (`AR-SYN-…`, `KL-SYN-…`, `HL-SYN-…`,
"[syntetisk fritext nnnn] …") so privacy tests can search every output for them.
"""
from __future__ import annotations

import csv
import datetime as _dt
import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Hashable, Iterable, Sequence

from ojexcel.isu.codebook import ARENDE_ID, ENHETSKOD, Codebook, load_codebook

SEED = 20240101
N_ARENDEN = 3070

Record = dict  # one ärende under construction: column -> canonical value; helper keys start with "_"
Weight = Callable[[Record, object], float]

KVINNA, MAN = "Kvinna", "Man"
JA, NEJ, VET_INTE = "Ja", "Nej", "Vet inte"
AGE_GROUPS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
AGE_SPAN = {"18-24": (18, 24), "25-34": (25, 34), "35-44": (35, 44), "45-54": (45, 54),
            "55-64": (55, 64), "65-74": (65, 74), "75+": (75, 91)}
EJ_GROVT, GROVT, MYCKET_GROVT = "Ej grovt", "Grovt", "Mycket grovt"
S1 = "Född i Sverige, med minst en förälder född i Sverige"
S2 = "Född i Sverige, med båda föräldrarna födda utomlands"
EUROPA = "Född i övriga Europa"
UTANFOR = "Född utanför Europa"

# ------------------------------------------------------------------------------------------------
# Targets. Each table pins exact counts; the comment names the published rows (figur) it serves.
# A published share is met by a count whose half-up percentage is the figure, e.g. 2858/3048 = 93.8
# -> 94 %. `None` is a blank answer.
# ------------------------------------------------------------------------------------------------

# Kön × hedersrelaterat våld (D02: 2 858 kvinnor, 190 män; D05: 304 HRV = 10 %, "vet inte" 6 %;
# T-HRV: 10 % of women and of men; D21-D23 need >= 2 484 Nej). 22 ärenden without kön (3 070 total).
KON_HRV = {
    (KVINNA, JA): 284, (KVINNA, NEJ): 2360, (KVINNA, VET_INTE): 165, (KVINNA, None): 49,
    (MAN, JA): 19, (MAN, NEJ): 155, (MAN, VET_INTE): 12, (MAN, None): 4,
    (None, JA): 1, (None, NEJ): 15, (None, VET_INTE): 3, (None, None): 3,
}

# Åldersgrupp per (kön, HRV) cell, in AGE_GROUPS order, then the ärenden without age.
# D03: 3 006 with age; 18-24 = 360 (12 %), 25-44 = 1 930 (64 %), 65+ = 90 (3 %).
# D21: HRV N=296 with 18-34 = 196 (66 %), Ej HRV N=2 484. D24: kvinnor N=2 809, män N=184, 14 män
# 65+; "nio av tio män utsatta för HRV är 18-34". The (Kvinna, Nej) cell is what remains of the
# totals (AGE_TOTALS), so the table adds up by construction.
AGE_TOTALS = {"18-24": 360, "25-34": 1010, "35-44": 920, "45-54": 430, "55-64": 196, "65-74": 68, "75+": 22, None: 64}
AGE_BY_CELL = {
    (KVINNA, JA): (82, 96, 58, 30, 8, 2, 0, 8),
    (KVINNA, VET_INTE): (18, 50, 48, 28, 12, 4, 2, 3),
    (KVINNA, None): (5, 15, 14, 8, 3, 1, 1, 2),
    (MAN, JA): (8, 9, 2, 0, 0, 0, 0, 0),
    (MAN, NEJ): (20, 37, 39, 25, 16, 10, 4, 4),
    (MAN, VET_INTE): (2, 3, 3, 2, 1, 0, 0, 1),
    (MAN, None): (0, 1, 1, 1, 0, 0, 0, 1),
    (None, JA): (0, 1, 0, 0, 0, 0, 0, 0),
    (None, NEJ): (1, 3, 2, 2, 1, 0, 0, 6),
    (None, VET_INTE): (0, 1, 1, 0, 0, 0, 0, 1),
    (None, None): (0, 0, 1, 0, 0, 0, 0, 2),
    # (KVINNA, NEJ): the rest of AGE_TOTALS
}

# Våldets grad per (HRV group, 18-24 or not): Ej grovt, Grovt, Mycket grovt, blank.
# D07: answered 2 970; Grovt 1 365 (46 %), Mycket grovt 596 (20 %), together 66 %; HRV Ja 111 of
# 300 mycket grovt (37 %), HRV Nej 445 of 2 470 (18 %); 18-24: 81 of 352 (23 %), grovt 176 (50 %).
VALD_BY_CELL = {
    ("ja", True): (9, 40, 40, 1), ("ja", False): (50, 90, 71, 3),
    ("nej", True): (82, 122, 36, 5), ("nej", False): (798, 1023, 409, 55),
    ("ovr", True): (4, 14, 5, 2), ("ovr", False): (66, 76, 35, 34),
}

# Ursprung per HRV group (S1, S2, Europa, utanför Europa, vet inte, blank).
# D22: HRV N=284, Ej HRV N=2 405, HRV utanför Europa 190 (67 %; S1 + Europa 8 % as the report
# says); D04: S1 1 642 of 2 889 (57 %), utanför Europa 685 (24 %).
URSPRUNG_BY_HRV = {
    "ja": (12, 60, 11, 190, 11, 20),
    "nej": (1510, 165, 170, 455, 105, 125),
    "ovr": (120, 14, 16, 40, 10, 36),
}

# Funktionsnedsättning (T-FN): 2 700 answered; fysisk 108 (4 %), psykisk 432 (16 %), intellektuell
# 70 (3 %); the rest Nej or Vet ej (exclusive answers), 370 blank (a realistic choice).
FYS, PSYK, INTELL = "Fysisk funktionsnedsättning", "Psykisk funktionsnedsättning", "Intellektuell funktionsnedsättning"
FN_SETS = {
    (FYS,): 88, (PSYK,): 402, (INTELL,): 60, (FYS, PSYK): 20, (PSYK, INTELL): 10,
    ("Nej",): 1800, ("Vet ej",): 320, (): 370,
}

# Riskbedömning gjord (at least one method) per HRV group. D26: 1 716 (56 %); T-HRV: HRV Ja 201 of
# 304 (66 %), HRV Nej 1 415 of 2 530 (56 %).
RISK_BY_HRV = {"ja": 201, "nej": 1415, "ovr": 100}

# The methods of those 1 716 (D27): FREDA 931 (54 %), samtal utan metod 830 (48 %), SARA/Patriark/
# annan 55 (3 %), SAM 6.
FREDA, SAMTAL = "FREDA farlighetsbedömning", "Annat samtal med klient utan bedömningsmetod"
RISK_SETS = {
    (FREDA,): 832, (SAMTAL,): 734, (FREDA, SAMTAL): 89, (FREDA, "SARA"): 6, (SAMTAL, "Annan bedömningsmetod"): 5,
    ("SARA",): 14, ("Patriark",): 10, ("Annan bedömningsmetod",): 16, (FREDA, "Patriark"): 4,
    ("SAM",): 4, (SAMTAL, "SAM"): 2,
}

# Avslutade ärenden: 2 421 (D01, D14 N=2 421), 2 163 of them with datum_avslut (D16 N=2 163),
# per ärendelängd band; 258 have an avslutsorsak but no date. Band sizes are realistic choices
# (D16: "hälften så många" 91-180 as 0-90, some longer than a year).
LANGD_BANDS = {"0-90": (0, 90), "91-180": (91, 180), "181-270": (181, 270), "271-360": (271, 360), "361+": (361, 640)}
AVSLUTSORSAKER = ("Målet med stödet/insatsen har uppnåtts", "Utredning avslutad utan insats",
                  "Klienten har tackat nej till vidare stöd/insats", "Klienten har inte återkommit",
                  "Klienten har flyttat", "Klienten har avlidit", "Andra orsaker")
# avslutsorsak per band, in AVSLUTSORSAKER order. D14: målet 774 (32 %), tackat nej 751 (31 %),
# inte återkommit 420 (17 %). D17: 271-360: målet 144 of 200 (72 %), tackat nej 13 %, inte
# återkommit 14 %; 0-90: inte återkommit 280 of 1 010 (28 %), målet 225 (22 %).
AVSLUTSORSAK_BY_BAND = {
    "0-90": (225, 80, 360, 280, 30, 2, 33),
    "91-180": (165, 30, 170, 70, 30, 1, 39),
    "181-270": (140, 8, 80, 30, 17, 1, 24),
    "271-360": (144, 0, 26, 28, 1, 0, 1),
    "361+": (75, 0, 30, 10, 10, 0, 23),
    None: (25, 60, 85, 2, 20, 1, 65),  # avslutade without datum_avslut
}

# Måluppföljning of the avslutade (D15): 2 050 answered; helt 718 (35 %), delvis 451 (22 %),
# together 57 %; går inte att bedöma 533 (26 %); ingen förändring ~10 %, negativ ~6 % (the text).
MAL = ("Positiv förändring och målet uppnått (mål uppfyllda)",
       "Positiv förändring men målet inte uppnått (mål delvis uppfyllda)",
       "Ingen förändring", "Negativ förändring (mål är inte uppfyllda)",
       "Går inte att bedöma om målet har uppfyllts")
MAL_COUNTS = {MAL[0]: 718, MAL[1]: 451, MAL[2]: 215, MAL[3]: 133, MAL[4]: 533, None: 371}

# Genomförande (D11): 2 200 answered of the avslutade; alla 1 012 (46 %), samtliga avbrutna 572 (26 %).
GENOMFORANDE = ("Alla planerade stöd/insatser har genomförts",
                "Vissa stöd/insatser har genomförts, andra har avbrutits eller inte genomförts",
                "Samtliga stöd/insatser har avbrutits", "Annat")
GENOMFORANDE_COUNTS = {GENOMFORANDE[0]: 1012, GENOMFORANDE[1]: 440, GENOMFORANDE[2]: 572, GENOMFORANDE[3]: 176, None: 221}

# Brukarenkät: 878 avslutade (D01). 400 of them with målet helt uppnått, 478 without, so that the
# toppgrupp (målet helt uppnått and "Förbättrats mycket") is exactly 268 (T-TOPP).
BU_WITH_MAL_HELT, BU_WITHOUT_MAL_HELT = 400, 478
TOPPGRUPP = 268
# D18 (base 878): förbättrats mycket 440 (50 %; 268 of them the toppgrupp), lite 184 (21 %), ingen
# förändring 70 (8 %), försämrats 6 + 3 (1 %), vet inte 175 (20 %).
BU_FORANDRING_REST = {"Förbättrats lite": 184, "Ingen förändring": 70, "Försämrats lite": 6,
                      "Försämrats mycket": 3, "Vet inte": 175}
BU_MYCKET_UTAN_TOPP = 440 - TOPPGRUPP
# D19 (base 818): helt avgörande 131 (16 %), stor 376 (46 %), varken 82 (10 %), liten 48 (6 %),
# ingen 8 (1 %), vet inte 173 (21 %); stor + helt avgörande 507 (62 %), liten + ingen 56 (7 %).
BU_BETYDELSE = {"Helt avgörande betydelse": 131, "Stor betydelse": 376, "Varken stor eller liten betydelse": 82,
                "Liten betydelse": 48, "Ingen betydelse": 8, "Vet inte": 173, None: 60}
# D20 (base 860): stor + mycket stor 516 (60 %), vet inte 215 (25 %), ingen + liten 43 (5 %).
BU_DELAKTIGHET = {"Mycket stor möjlighet": 216, "Stor möjlighet": 300, "Varken stor eller liten möjlighet": 86,
                  "Liten möjlighet": 31, "Ingen möjlighet alls": 12, "Vet inte": 215, None: 18}
BU_POSITIVA = {"Ja": 620, "Nej": 60, "Vet inte": 150, None: 48}  # no published figure: realistic

# Insatser. Ärenden without any insats per (kön, HRV group): D09/T-INS 2 623 with >= 1 (85 %),
# D23 HRV 279, Ej HRV 2 190; D25 kvinnor 2 457, män 159.
NO_INSATS = {
    (KVINNA, "ja"): 23, (KVINNA, "nej"): 300, (KVINNA, "ovr"): 78,
    (MAN, "ja"): 2, (MAN, "nej"): 27, (MAN, "ovr"): 2,
    (None, "ja"): 0, (None, "nej"): 13, (None, "ovr"): 2,
}
# The number of insatser summed per (HRV group, riskbedömning gjord) cell (zeros included), D10:
# HRV Ja 1 003 / 304 = 3.3; HRV Nej 6 010 / 2 530 = 2.4; riskbedömning Ja 4 740 / 1 716 = 2.8,
# Nej 2 683 / 1 354 = 2.0; all 7 423 / 3 070 = 2.4.
INSATS_SUM = {("ja", True): 720, ("ja", False): 283, ("nej", True): 3800, ("nej", False): 2210,
              ("ovr", True): 220, ("ovr", False): 190}
MAX_INSATSER = 8
# Further D10 means, met by who gets many insatser (INSATS_INTENSITY) and checked by `_repair_means`.
MEAN_TARGETS = (  # (name, predicate, lowest, highest mean)
    ("aldersgrupp=65-74", lambda r: r["_age"] == "65-74", Fraction("1.9"), Fraction("1.9")),
    ("aldersgrupp=18-24", lambda r: r["_age"] == "18-24", Fraction("2.5"), Fraction("4.0")),
    ("ursprung=Född utanför Europa", lambda r: r["ursprung"] == UTANFOR, Fraction("2.5"), Fraction("4.0")),
    ("valdets_grad=Mycket grovt", lambda r: r["valdets_grad"] == MYCKET_GROVT, Fraction("2.5"), Fraction("4.0")),
    ("funktionsnedsattning=Intellektuell", lambda r: INTELL in r["funktionsnedsattning"], Fraction("2.5"), Fraction("4.0")),
    ("hrv=Nej", lambda r: r["hedersrelaterat_vald"] == NEJ, Fraction("2.3"), Fraction("2.5")),
    # not published rows: "[män] får i genomsnitt lika många insatser per ärende som kvinnor";
    # the toppgrupp "får över lag färre antal insatser än genomsnittet"
    ("kon=Man", lambda r: r["kon"] == MAN, Fraction("2.3"), Fraction("2.5")),
    ("toppgrupp=Ja", lambda r: r["_topp"], Fraction("1.9"), Fraction("2.3")),
)
# Labels with exact counts (D09 base 2 623): stödsamtal 1 652 (63 %; D23 HRV 145 of 279 = 52 %,
# Ej HRV 1 445 of 2 190 = 66 %), rådgivning 1 364 (52 %), genomgång av säkerhet 735 (28 %),
# skyddat boende 550 (21 %), praktiskt stöd 472 (18 %); the other housing insatser are realistic
# choices that keep "insatser som rör boende" within 829-1 100.
STODSAMTAL = "Stödsamtal (enskilt)"
INSATS_PINNED = (
    (STODSAMTAL, {"ja": 145, "nej": 1445, "ovr": 62}),
    ("Rådgivning/information", 1364),
    ("Genomgång av säkerhet", 735),
    ("Skyddat boende", 550),
    ("Praktiskt stöd", 472),
    ("Tillfälligt boende", 230),
    ("Hjälp med ny bostad (ej skyddat boende)", 190),
    ("Byte av kommun", 60),
)
HEDER_INSATSER = ("Familjearbete inriktning i heder", "Familjehemsplacering, familj med hederskompetens",
                  "Kontaktperson inriktning heder")
INSATS_FREE = {  # the remaining labels fill the remaining insatser, by these weights
    "Ekonomiskt stöd": 1.0, "Säkerhetskontakt/partnerkontakt": 0.5, "Gruppsamtal": 0.6,
    "Hjälp med kontakt med annan aktör": 1.2, "Särskilt stöd i föräldraroll": 0.6, "Kontaktperson": 0.3,
    "Familjearbete inriktning i heder": 1.0, "Familjehemsplacering, familj med hederskompetens": 0.2,
    "Familjehemsplacering med släkt": 0.03, "Kontaktperson inriktning heder": 0.5, "Annat": 0.8,
}

# Utövare (D08, base 3 013): partner 2 710 (90 %) of which före detta 1 775 (59 %); förälder 250
# (8 %), barn 67 (2 %), annan 270 (9 %). 57 blank.
PARTNER_SETS = {("Nuvarande partner",): 935, ("Före detta partner",): 1735,
                ("Nuvarande partner", "Före detta partner"): 40, (): 303, None: 57}
UTOVARE_ONLY = {"Förälder/föräldrar": 120, "Annan släkting/släktingar": 60, "Barn": 40, "Annan": 83}  # the 303
UTOVARE_EXTRA = {"Förälder/föräldrar": 130, "Annan släkting/släktingar": 90, "Barn": 27, "Annan": 187}

# Initiativ till kontakt (D06, base 2 950): klienten själv 1 740 (59 %), annan verksamhet inom
# socialtjänsten 708 (24 %), brottsofferjour 10, rättsväsende 3. SOC = one of the five enheter.
SOC = ("Försörjningsstödenhet", "Missbruksenhet", "Barn- och ungdomsenhet", "Social omsorgsenhet", "Äldreomsorgsenhet")
INITIATIV_FIRST = {"Klienten själv": 1600, "SOC": 640, "Polis": 180, "Hälso- och sjukvård": 130, "Kvinnojour": 90,
                   "Anhörig/vän": 120, "Via Partnerkontaktverksamhet": 20, "Annat": 157, "Brottsofferjour": 10,
                   "Rättsväsende": 3, None: 120}
INITIATIV_EXTRA = {"Klienten själv": 140, "SOC": 68, "Polis": 20, "Hälso- och sjukvård": 25, "Anhörig/vän": 30, "Annat": 10}
SOC_WEIGHTS = (4.0, 2.0, 3.5, 1.0, 0.4)

# Barnens behov uppmärksammade (no published figure): weights of the labels in codebook order —
# information, skolgång, hälso- och sjukvård, stöd och behandling, tryggt boende, umgänge, annat.
BARN_WEIGHTS = (1.0, 0.6, 0.7, 1.2, 1.6, 1.4, 0.5)

# Samverkan (T-SAMV): a note for 2 371 ärenden, 1 561 with partners; D13: 1 partner 1 090 (46 %),
# 2 partners 355 (15 %), none 810 (34 %); D12: 2 164 partners / 1 561 = 1.4.
SAMVERKAN_NOTE, SAMVERKAN_JA = 2371, 1561
PARTNER_COUNTS = {1: 1090, 2: 355, 3: 100, 4: 16}
# D12 (base 1 561): annan verksamhet inom socialtjänsten 1 140 (73 %), kvinnojour 310 (20 %), polisen
# 310 (20 %), resurscentrum 7, annan 234 (15 %); the four care partners share the rest.
SAMVERKAN_PINNED = (("Annan verksamhet inom socialtjänsten", 1140), ("Kvinnojour eller liknande", 310),
                    ("Polisen", 310), ("Annan (ange i kommentar)", 234),
                    ("Resurscentrum/expertis på hedersrelaterat våld", 7))
SAMVERKAN_FREE = {"Primärvård": 1.0, "Vuxenpsykiatri": 1.2, "Akutmottagning": 0.4, "Ungdomsmottagning": 0.3}


# ------------------------------------------------------------------------------------------------
# The units: 34 distinct codes of Bilaga 1 (deltagare_bilaga1.csv), Stockholm as its district
# Enskede-Årsta-Vantör (0180-02), so the levels nest. Per unit: ärenden, share avslutade, share of
# the avslutade with a brukarenkät (practice varied: Huddinge phones its clients, a few hardly use
# the enkät), leanings in HRV, origin outside Europe and use of risk methods, the share of ärenden
# with a samverkan note, the kind of verksamhet (Bilaga 1's text) and when registration started.
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    kod: str
    namn: str
    antal: int
    avslutade: float
    brukarenkat: float
    hrv: float
    utanfor_europa: float
    risk: float
    samverkan_not: float
    verksamhet: str
    start: str


M, U, B = "Myndighet", "Utförare", "Både myndighet och utförare"
UNITS = (  # kod, namn, ärenden, avslutade, brukarenkät, hrv, utanför Europa, risk, samverkan noted, verksamhet, start
    Unit("0380", "Uppsala", 330, 0.78, 0.40, 1.4, 1.3, 1.0, 0.85, B, "2021-01-01"),
    Unit("0580", "Linköping", 281, 0.80, 0.30, 1.2, 1.2, 1.2, 0.80, M, "2021-01-01"),
    Unit("0126", "Huddinge", 240, 0.82, 0.75, 1.5, 1.6, 1.1, 0.85, B, "2021-01-01"),
    Unit("0181", "Södertälje", 170, 0.76, 0.35, 1.8, 2.2, 1.2, 0.80, U, "2021-01-01"),
    Unit("0180-02", "Stockholm, Enskede-Årsta-Vantör", 165, 0.74, 0.30, 1.5, 1.6, 1.0, 0.75, U, "2021-03-01"),
    Unit("0136", "Haninge", 140, 0.80, 0.45, 1.2, 1.3, 0.9, 0.80, U, "2021-01-01"),
    Unit("2580", "Luleå", 125, 0.83, 0.35, 0.8, 0.8, 1.3, 0.85, M, "2021-01-01"),
    Unit("2482", "Skellefteå", 110, 0.80, 0.40, 0.7, 0.7, 1.0, 0.90, B, "2021-01-01"),
    Unit("0480", "Nyköping", 118, 0.79, 0.30, 0.9, 0.9, 1.4, 0.75, B, "2021-01-01"),
    Unit("0880", "Kalmar", 100, 0.78, 0.45, 0.9, 0.9, 0.8, 0.70, U, "2021-01-01"),
    Unit("2380", "Östersund", 100, 0.80, 0.35, 0.8, 0.8, 1.0, 0.80, B, "2021-01-01"),
    Unit("1287", "Trelleborg", 98, 0.84, 0.40, 1.0, 1.1, 0.9, 0.85, B, "2021-01-01"),
    Unit("0120", "Värmdö", 88, 0.78, 0.25, 0.8, 0.8, 1.0, 0.30, B, "2021-09-01"),
    Unit("0183", "Sundbyberg", 86, 0.75, 0.30, 1.5, 1.6, 0.9, 0.80, U, "2021-01-01"),
    Unit("2581", "Piteå", 80, 0.82, 0.45, 0.7, 0.6, 1.2, 0.85, B, "2021-01-01"),
    Unit("1496", "Skövde", 78, 0.80, 0.30, 1.0, 1.0, 0.9, 0.80, B, "2021-01-01"),
    Unit("1883", "Karlskoga", 70, 0.80, 0.20, 1.0, 1.1, 0.8, 0.75, B, "2021-01-01"),
    Unit("0191", "Sigtuna", 68, 0.72, 0.25, 1.4, 1.6, 1.0, 0.70, B, "2021-09-01"),
    Unit("1499", "Falköping", 60, 0.80, 0.30, 0.8, 0.8, 1.1, 0.85, B, "2021-01-01"),
    Unit("0586", "Mjölby", 58, 0.82, 0.40, 0.6, 0.5, 1.0, 0.85, B, "2021-01-01"),
    Unit("0683", "Värnamo", 56, 0.80, 0.35, 0.9, 1.0, 1.0, 0.80, U, "2021-01-01"),
    Unit("0685", "Vetlanda", 50, 0.80, 0.20, 0.7, 0.8, 1.2, 0.80, B, "2021-01-01"),
    Unit("0781", "Ljungby", 48, 0.80, 0.25, 0.7, 0.8, 0.8, 0.85, M, "2021-01-01"),
    Unit("2582", "Boden", 46, 0.78, 0.05, 0.6, 0.6, 1.0, 0.85, B, "2022-01-01"),
    Unit("1784", "Arvika", 44, 0.80, 0.30, 0.6, 0.6, 0.9, 0.80, B, "2021-01-01"),
    Unit("0192", "Nynäshamn", 42, 0.78, 0.20, 0.7, 0.8, 1.0, 0.85, M, "2021-01-01"),
    Unit("1983", "Köping", 40, 0.80, 0.00, 0.7, 0.8, 1.0, 0.80, M, "2022-01-01"),
    Unit("0686", "Eksjö", 34, 0.82, 0.30, 0.5, 0.6, 1.0, 0.85, B, "2021-01-01"),
    Unit("2161", "Ljusdal", 32, 0.80, 0.25, 0.4, 0.6, 1.0, 0.80, B, "2021-01-01"),
    Unit("1315", "Hylte", 31, 0.78, 0.30, 0.4, 0.7, 0.9, 0.85, B, "2021-09-01"),
    Unit("0584", "Vadstena", 27, 0.85, 0.61, 0.3, 0.5, 1.0, 0.90, B, "2021-01-01"),
    Unit("2104", "Hofors", 22, 0.80, 0.20, 0.3, 0.6, 1.0, 0.85, B, "2021-01-01"),
    Unit("0834", "Torsås", 18, 0.78, 0.00, 0.3, 0.5, 1.0, 0.80, U, "2022-01-01"),
    Unit("0885", "Borgholm", 15, 0.80, 0.30, 0.3, 0.5, 1.0, 0.85, B, "2021-09-01"),
)
# T-TOPP: "in the kommun with the best result the toppgrupp is as much as 26 % of its avslutade
# ärenden; it is small, fewer than 30 ärenden". Vadstena: 27 ärenden, 23 avslutade, 14 with a
# brukarenkät, 6 in the toppgrupp = 26 %. Every other kommun is kept at most 26 % (rounded).
BEST_UNIT, BEST_AVSLUTADE, BEST_BRUKARENKAT, BEST_TOPP = "0584", 23, 14, 6
PERIOD_END = _dt.date(2023, 12, 31)  # the project period 2021-2023


# ------------------------------------------------------------------------------------------------
# Tools
# ------------------------------------------------------------------------------------------------

def _order(rng: random.Random, items: Sequence[Record], weight: Callable[[Record], float]) -> list[Record]:
    """A weighted random order: items with a larger weight tend to come first (priority w/u).

    Only +, * and / on floats, so the order is the same on every platform. Weight 0 comes last.
    """
    keyed = []
    for n, r in enumerate(items):
        u = 1.0 - rng.random()  # in (0, 1]
        w = weight(r)
        keyed.append((-(w / u) if w > 0 else 0.0, n, r))
    keyed.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in keyed]


def deal(rng: random.Random, records: Sequence[Record], key: str, counts: dict, weight: Weight | None = None) -> None:
    """Give exactly counts[v] of `records` the value v in `key` (the counts add up to the records).

    Values are handed out in `counts` order; each takes its count from the records still without a
    value, in a weighted random order (`weight(record, value)`); the last value takes the rest.
    """
    if sum(counts.values()) != len(records):
        raise ValueError(f"{key}: counts add up to {sum(counts.values())}, not {len(records)}")
    left = list(records)
    values = list(counts)
    for v in values[:-1]:
        chosen = _order(rng, left, (lambda r, v=v: weight(r, v)) if weight else (lambda r: 1.0))[: counts[v]]
        ids = {id(r) for r in chosen}
        for r in chosen:
            r[key] = v
        left = [r for r in left if id(r) not in ids]
    for r in left:
        r[key] = values[-1]


def pick(rng: random.Random, records: Sequence[Record], k: int, weight: Callable[[Record], float] | None = None) -> list[Record]:
    """k of `records`, in a weighted random order; an error when fewer can be picked."""
    candidates = [r for r in records if weight is None or weight(r) > 0]
    if len(candidates) < k:
        raise ValueError(f"only {len(candidates)} candidates for {k}")
    return _order(rng, candidates, weight or (lambda r: 1.0))[:k]


def apportion(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`, each part at most its cap (largest remainders)."""
    if sum(caps) < total:
        raise ValueError(f"cannot place {total} within caps {sum(caps)}")
    n = len(weights)
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(n) if i not in fixed and weights[i] > 0]
        rest = total - sum(fixed.values())
        wsum = sum(Fraction(weights[i]) for i in free)
        over = [i for i in free if rest * Fraction(weights[i]) / wsum > caps[i]]
        if not over:
            break
        for i in over:
            fixed[i] = caps[i]
    ideal = {i: rest * Fraction(weights[i]) / wsum for i in free}
    out = [fixed.get(i, 0) for i in range(n)]
    for i in free:
        out[i] = int(ideal[i])
    short = total - sum(out)
    by_remainder = sorted(free, key=lambda i: (-(ideal[i] - int(ideal[i])), i))
    for i in by_remainder:
        if short == 0:
            break
        if out[i] < caps[i]:
            out[i] += 1
            short -= 1
    if short:
        raise ValueError("apportion: caps too tight")
    return out


def fill_flerval(rng: random.Random, records: Sequence[Record], key: str, slots: dict[int, int],
                 pinned: Iterable[tuple[str, object]], group: Callable[[Record], Hashable] | None,
                 affinity: Callable[[Record, str], float], free: dict[str, float]) -> None:
    """Give each record exactly slots[id] distinct labels in `key` (a set).

    Pinned labels go to exactly their count of records (a dict count is per `group(record)`),
    favouring records with many open slots; then the free labels fill every open slot, drawn by
    weight × affinity. An error when a record cannot be filled.
    """
    open_ = {id(r): slots[id(r)] for r in records}
    for r in records:
        r[key] = set()
    for label, count in pinned:
        per_group = count if isinstance(count, dict) else {None: count}
        for g, k in per_group.items():
            pool = [r for r in records if (group is None or not isinstance(count, dict) or group(r) == g)]
            chosen = pick(rng, pool, k, lambda r: (open_[id(r)] ** 2) * affinity(r, label)
                          if open_[id(r)] > 0 and label not in r[key] else 0.0)
            for r in chosen:
                r[key].add(label)
                open_[id(r)] -= 1
    labels = list(free)
    for r in records:
        while open_[id(r)] > 0:
            options = [(lab, free[lab] * affinity(r, lab)) for lab in labels if lab not in r[key]]
            options = [(lab, w) for lab, w in options if w > 0]
            if not options:
                raise ValueError(f"{key}: cannot fill {open_[id(r)]} more labels")
            total = sum(w for _, w in options)
            x = rng.random() * total
            for lab, w in options:
                x -= w
                if x < 0:
                    break
            r[key].add(lab)
            open_[id(r)] -= 1


def _tenths(total: int, n: int) -> int:
    """A mean in tenths, halves up (CONTRACT §5)."""
    return (20 * total + n) // (2 * n)


# ------------------------------------------------------------------------------------------------
# The construction, step by step
# ------------------------------------------------------------------------------------------------

def hrv_group(r: Record) -> str:
    return {JA: "ja", NEJ: "nej"}.get(r["hedersrelaterat_vald"], "ovr")


def _people(rng: random.Random) -> list[Record]:
    """Kön, HRV, ålder (KON_HRV, AGE_BY_CELL)."""
    cells = dict(AGE_BY_CELL)
    rest = [AGE_TOTALS[g] for g in (*AGE_GROUPS, None)]
    for counts in AGE_BY_CELL.values():
        rest = [a - b for a, b in zip(rest, counts)]
    cells[(KVINNA, NEJ)] = tuple(rest)
    records: list[Record] = []
    for (kon, hrv), n in KON_HRV.items():
        ages = cells[(kon, hrv)]
        if sum(ages) != n or min(ages) < 0:
            raise ValueError(f"age table for {kon}/{hrv} adds up to {sum(ages)}, not {n}")
        for group, count in zip((*AGE_GROUPS, None), ages):
            for _ in range(count):
                lo, hi = AGE_SPAN[group] if group else (0, 0)
                records.append({"kon": kon, "hedersrelaterat_vald": hrv, "_age": group,
                                "alder": rng.randint(lo, hi) if group else None})
    rng.shuffle(records)
    return records


def _violence_and_background(rng: random.Random, records: list[Record]) -> None:
    """Våldets grad, ursprung, funktionsnedsättning, riskbedömning."""
    grad_order = (MYCKET_GROVT, GROVT, EJ_GROVT, None)  # the order values are dealt in
    for (g, young), row in VALD_BY_CELL.items():
        counts = dict(zip((EJ_GROVT, GROVT, MYCKET_GROVT, None), row))
        cell = [r for r in records if hrv_group(r) == g and (r["_age"] == "18-24") == young]
        deal(rng, cell, "valdets_grad", {v: counts[v] for v in grad_order},
             lambda r, v: 0.6 if (v == MYCKET_GROVT and r["kon"] == MAN) else 1.0)
    ursprung_order = (UTANFOR, S2, EUROPA, S1, "Vet inte", None)
    for g, row in URSPRUNG_BY_HRV.items():
        counts = dict(zip((S1, S2, EUROPA, UTANFOR, "Vet inte", None), row))
        cell = [r for r in records if hrv_group(r) == g]
        deal(rng, cell, "ursprung", {v: counts[v] for v in ursprung_order},
             lambda r, v: 1.6 if (v == UTANFOR and r["_age"] in ("18-24", "25-34")) else 1.0)

    def fn_weight(r: Record, v: tuple) -> float:
        w = 1.0
        if FYS in v and r["_age"] in ("55-64", "65-74", "75+"):
            w *= 3.0
        if INTELL in v and r["_age"] in ("18-24", "25-34"):
            w *= 1.5
        return w
    deal(rng, records, "_fn", FN_SETS, fn_weight)
    for r in records:
        r["funktionsnedsattning"] = set(r.pop("_fn"))

    for g, n in RISK_BY_HRV.items():
        cell = [r for r in records if hrv_group(r) == g]
        deal(rng, cell, "_risk", {True: n, False: len(cell) - n},
             lambda r, v: (1.6 if r["valdets_grad"] == MYCKET_GROVT else 0.8 if r["valdets_grad"] == EJ_GROVT else 1.0) if v else 1.0)
    risk = [r for r in records if r["_risk"]]
    deal(rng, risk, "_metoder", RISK_SETS,
         lambda r, v: (8.0 if r["hedersrelaterat_vald"] == JA else 0.3) if "Patriark" in v else
         (0.6 if (FREDA in v and r["kon"] == MAN) else 1.0))
    for r in records:
        r["risk_skattning"] = set(r.pop("_metoder", ()))


def _avslut(rng: random.Random, records: list[Record]) -> None:
    """Avslutade, ärendelängd band, avslutsorsak, måluppföljning, brukarenkät, toppgrupp."""
    n_avslutade = sum(sum(v) for v in AVSLUTSORSAK_BY_BAND.values())
    bands = {band: sum(c) for band, c in AVSLUTSORSAK_BY_BAND.items()}
    for r in records:
        r["_band"] = None
        r["_avslutad"] = False
    avslutade = pick(rng, records, n_avslutade)
    for r in avslutade:
        r["_avslutad"] = True
    deal(rng, avslutade, "_band", bands)
    for band, counts in AVSLUTSORSAK_BY_BAND.items():
        deal(rng, [r for r in avslutade if r["_band"] == band], "avslutsorsak", dict(zip(AVSLUTSORSAKER, counts)),
             lambda r, v: 1.5 if (v == AVSLUTSORSAKER[0] and r["_risk"]) else 1.0)

    mal_weight = {  # avslutsorsak -> weights per måluppföljning value
        AVSLUTSORSAKER[0]: {MAL[0]: 8.0, MAL[1]: 3.0, MAL[2]: 0.3, MAL[3]: 0.1, MAL[4]: 0.3, None: 0.5},
        AVSLUTSORSAKER[1]: {MAL[0]: 0.1, MAL[1]: 0.2, MAL[2]: 0.8, MAL[3]: 0.5, MAL[4]: 2.0, None: 4.0},
        AVSLUTSORSAKER[2]: {MAL[0]: 0.5, MAL[1]: 1.0, MAL[2]: 2.0, MAL[3]: 1.5, MAL[4]: 2.0, None: 1.0},
        AVSLUTSORSAKER[3]: {MAL[0]: 0.2, MAL[1]: 0.5, MAL[2]: 1.0, MAL[3]: 1.0, MAL[4]: 3.0, None: 2.0},
        AVSLUTSORSAKER[5]: {MAL[0]: 0.01, MAL[1]: 0.01, MAL[2]: 0.1, MAL[3]: 0.1, MAL[4]: 2.0, None: 8.0},
    }
    deal(rng, avslutade, "maluppfoljning", MAL_COUNTS, lambda r, v: mal_weight.get(r["avslutsorsak"], {}).get(v, 1.0))

    def bu_weight(r: Record) -> float:
        w = 1.0
        w *= 1.4 if r["ursprung"] == S1 else 1.0
        w *= 0.6 if r["hedersrelaterat_vald"] == JA else 1.0
        w *= 0.7 if r["valdets_grad"] == MYCKET_GROVT else 1.0
        w *= 0.15 if r["avslutsorsak"] == AVSLUTSORSAKER[3] else 1.0
        w *= 0.0 if r["avslutsorsak"] == AVSLUTSORSAKER[5] else 1.0  # a client who has died
        return w
    helt = [r for r in avslutade if r["maluppfoljning"] == MAL[0]]
    other = [r for r in avslutade if r["maluppfoljning"] != MAL[0]]
    bu_helt = pick(rng, helt, BU_WITH_MAL_HELT, bu_weight)
    bu_other = pick(rng, other, BU_WITHOUT_MAL_HELT, bu_weight)
    for r in records:
        r["_bu"] = False
        r["_topp"] = False
    for r in bu_helt + bu_other:
        r["_bu"] = True
    # bu_forandring_valdsutsatthet: the toppgrupp, then "Förbättrats mycket" outside it, then the rest
    topp = pick(rng, bu_helt, TOPPGRUPP, lambda r: 0.6 if r["valdets_grad"] == MYCKET_GROVT else 1.0)
    for r in topp:
        r["bu_forandring_valdsutsatthet"] = "Förbättrats mycket"
        r["_topp"] = True
    for r in pick(rng, bu_other, BU_MYCKET_UTAN_TOPP, lambda r: 2.0 if r["maluppfoljning"] == MAL[1] else 1.0):
        r["bu_forandring_valdsutsatthet"] = "Förbättrats mycket"
    rest = [r for r in bu_helt + bu_other if "bu_forandring_valdsutsatthet" not in r]
    deal(rng, rest, "bu_forandring_valdsutsatthet", BU_FORANDRING_REST,
         lambda r, v: (3.0 if r["maluppfoljning"] in MAL[:2] else 1.0) if v == "Förbättrats lite" else
         (3.0 if r["maluppfoljning"] == MAL[3] else 0.5) if v.startswith("Försämrats") else 1.0)
    bu = [r for r in avslutade if r["_bu"]]
    better = ("Förbättrats mycket", "Förbättrats lite")

    def betydelse_weight(r: Record, v) -> float:
        improved = r["bu_forandring_valdsutsatthet"] in better
        if v in ("Helt avgörande betydelse", "Stor betydelse"):
            return 4.0 if improved else 0.3
        if v in ("Liten betydelse", "Ingen betydelse"):
            return 0.4 if improved else 3.0
        return 1.0
    deal(rng, bu, "bu_insatsernas_betydelse", BU_BETYDELSE, betydelse_weight)
    deal(rng, bu, "bu_delaktighet", BU_DELAKTIGHET,
         lambda r, v: (2.0 if r["bu_forandring_valdsutsatthet"] in better else 0.7)
         if v in ("Stor möjlighet", "Mycket stor möjlighet") else 1.0)
    deal(rng, bu, "bu_positiva_inslag", BU_POSITIVA,
         lambda r, v: (2.0 if r["bu_forandring_valdsutsatthet"] in better else 0.8) if v == "Ja" else 1.0)


def _insats_intensity(r: Record) -> float:
    """How strongly an ärende tends to get many insatser (D10's differences between delgrupper)."""
    w = 1.0
    w *= {"18-24": 1.5, "65-74": 0.7, "75+": 0.6}.get(r["_age"], 1.0)
    w *= 1.4 if r["ursprung"] == UTANFOR else 1.0
    w *= {MYCKET_GROVT: 1.5, EJ_GROVT: 0.8}.get(r["valdets_grad"], 1.0)
    w *= 1.6 if INTELL in r["funktionsnedsattning"] else 1.0
    w *= 0.8 if r["_topp"] else 1.0  # "över lag får de färre antal insatser"
    return w


def _insatser(rng: random.Random, records: list[Record]) -> None:
    """Which ärenden get insatser, how many, and which."""
    def zero_weight(r: Record, v: bool) -> float:
        if not v:
            return 1.0
        w = 2.5 if not r["_risk"] else 1.0
        w *= {AVSLUTSORSAKER[1]: 6.0, AVSLUTSORSAKER[2]: 2.0, AVSLUTSORSAKER[3]: 2.5, AVSLUTSORSAKER[0]: 0.3}.get(r.get("avslutsorsak"), 1.0)
        w *= 0.1 if r["_topp"] else 1.0
        w *= 1.3 if r["_age"] in ("65-74", "75+") else 1.0
        w *= 1.5 if not r["_avslutad"] else 1.0
        return w
    for (kon, g), zeros in NO_INSATS.items():
        cell = [r for r in records if r["kon"] == kon and hrv_group(r) == g]
        deal(rng, cell, "_noll", {True: zeros, False: len(cell) - zeros}, zero_weight)

    for (g, risk), total in INSATS_SUM.items():
        cell = [r for r in records if hrv_group(r) == g and r["_risk"] == risk]
        given = [r for r in cell if not r["_noll"]]
        for r in cell:
            r["_k"] = 0
        # a spread of counts with the cell's exact sum: one insats plus a geometric number more
        # (one insats is the most common count), then single steps to the exact sum
        more = 1 - len(given) / total  # P(another insats) for a geometric count with this mean
        ks = []
        for _ in given:
            k = 1
            while k < MAX_INSATSER and rng.random() < more:
                k += 1
            ks.append(k)
        while sum(ks) != total:
            i = rng.randrange(len(ks))
            if sum(ks) < total and ks[i] < MAX_INSATSER:
                ks[i] += 1
            elif sum(ks) > total and ks[i] > 1:
                ks[i] -= 1
        ks.sort(reverse=True)
        for r, k in zip(_order(rng, given, _insats_intensity), ks):
            r["_k"] = k
    _repair_means(rng, records)

    def affinity(r: Record, label: str) -> float:
        hrv = r["hedersrelaterat_vald"] == JA
        if label in HEDER_INSATSER:
            return 1.0 if hrv else 0.0
        w = 1.0
        if label == "Genomgång av säkerhet":
            w *= (1.8 if hrv else 1.0) * (0.6 if r["kon"] == MAN else 1.0) * (1.5 if r["valdets_grad"] == MYCKET_GROVT else 1.0)
        elif label == "Skyddat boende":
            w *= (2.5 if hrv else 1.0) * (0.4 if r["kon"] == MAN else 1.0) * (2.0 if r["valdets_grad"] == MYCKET_GROVT else 1.0)
        elif label == "Praktiskt stöd":
            w *= 1.8 if hrv else 1.0
        elif label == "Tillfälligt boende":
            w *= 1.8 if r["kon"] == MAN else 1.0
        elif label == "Byte av kommun":
            w *= 3.0 if hrv else 1.0
        elif label == STODSAMTAL:
            w *= 1.2 if r["kon"] == MAN else 1.0
        if label in ("Tillfälligt boende", "Hjälp med ny bostad (ej skyddat boende)", "Byte av kommun") and "Skyddat boende" in r["insatser"]:
            w *= 0.5
        return w
    given = [r for r in records if r["_k"] > 0]
    fill_flerval(rng, given, "insatser", {id(r): r["_k"] for r in given}, INSATS_PINNED, hrv_group, affinity, INSATS_FREE)
    for r in records:
        if r["_k"] == 0:
            r["insatser"] = set()


def _sum_range(n: int, lo: Fraction, hi: Fraction) -> tuple[int, int]:
    """The sums of n values whose mean, in tenths halves up, lies in lo..hi."""
    sums = [s for s in range(int(lo * n) - n, int(hi * n) + n + 1) if lo * 10 <= _tenths(s, n) <= hi * 10]
    return min(sums), max(sums)


def _repair_means(rng: random.Random, records: list[Record]) -> None:
    """Swap insats counts between two ärenden of one (HRV, risk) cell until every D10 mean holds.

    A swap keeps every cell's sum (so the HRV and risk means); it moves a delgrupp's sum.
    """
    given = [r for r in records if r["_k"] > 0]
    member = {id(r): tuple(test(r) for _, test, _, _ in MEAN_TARGETS) for r in records}
    sums = [sum(r["_k"] for r in records if test(r)) for _, test, _, _ in MEAN_TARGETS]
    ranges = [_sum_range(sum(1 for r in records if test(r)), lo, hi) for _, test, lo, hi in MEAN_TARGETS]

    def penalty(values: list[int]) -> int:
        return sum(max(0, lo - s) + max(0, s - hi) for s, (lo, hi) in zip(values, ranges))
    current = penalty(sums)
    cells: dict[tuple, list[Record]] = {}
    for r in given:
        cells.setdefault((hrv_group(r), r["_risk"]), []).append(r)
    keys = sorted(cells, key=str)
    tries = 0
    while current and tries < 200000:
        tries += 1
        cell = cells[keys[rng.randrange(len(keys))]]
        a, b = cell[rng.randrange(len(cell))], cell[rng.randrange(len(cell))]
        d = b["_k"] - a["_k"]  # a gets b's count and b gets a's
        if d == 0:
            continue
        new = [s + d * (ma - mb) for s, ma, mb in zip(sums, member[id(a)], member[id(b)])]
        p = penalty(new)
        if p < current:
            a["_k"], b["_k"] = b["_k"], a["_k"]
            sums, current = new, p
    if current:
        raise ValueError(f"the D10 means could not be met: {dict(zip((t[0] for t in MEAN_TARGETS), sums))}")


def _utovare(rng: random.Random, records: list[Record]) -> None:
    """Utövare (D08): partner sets dealt first, then the other perpetrators."""
    def partner_weight(r: Record, v) -> float:
        w = 1.0
        if v == ():
            w *= (5.0 if r["hedersrelaterat_vald"] == JA else 1.0) * (2.5 if r["kon"] == MAN else 1.0)
            w *= {"18-24": 1.5, "65-74": 2.0, "75+": 3.0}.get(r["_age"], 1.0)
        elif v == ("Före detta partner",):
            w *= (0.4 if r["hedersrelaterat_vald"] == JA else 1.0) * (0.6 if r["kon"] == MAN else 1.0) * (1.3 if r["_topp"] else 1.0)
        elif v == ("Nuvarande partner",):
            w *= 0.7 if r["_topp"] else 1.0
        return w
    deal(rng, records, "_partner", PARTNER_SETS, partner_weight)

    def other_weight(r: Record, v: str) -> float:
        hrv = r["hedersrelaterat_vald"] == JA
        if v == "Förälder/föräldrar":
            return (6.0 if hrv else 1.0) * (2.0 if r["_age"] == "18-24" else 1.0)
        if v == "Annan släkting/släktingar":
            return 8.0 if hrv else 1.0
        if v == "Barn":
            return {"55-64": 4.0, "65-74": 10.0, "75+": 12.0}.get(r["_age"], 0.3)
        return 2.0 if r["kon"] == MAN else 1.0
    only = [r for r in records if r["_partner"] == ()]
    deal(rng, only, "_forst", UTOVARE_ONLY, other_weight)
    for r in records:
        p = r.pop("_partner")
        r["utovare"] = set(p or ())
        if "_forst" in r:
            r["utovare"].add(r.pop("_forst"))
    answered = [r for r in records if r["utovare"]]
    for label, k in UTOVARE_EXTRA.items():
        for r in pick(rng, answered, k, lambda r, label=label: 0.0 if label in r["utovare"] else other_weight(r, label)):
            r["utovare"].add(label)


def _initiativ(rng: random.Random, records: list[Record]) -> None:
    """Initiativ till kontakt (D06): a first source each, then some second sources."""
    deal(rng, records, "_forst", INITIATIV_FIRST,
         lambda r, v: (2.0 if r["kon"] == MAN else 1.0) if v == "Polis" else
         (1.5 if r["hedersrelaterat_vald"] == JA else 1.0) if v == "SOC" else 1.0)
    for r in records:
        first = r.pop("_forst")
        r["initiativ_kontakt"] = set() if first is None else {first}
    answered = [r for r in records if r["initiativ_kontakt"]]
    for label, k in INITIATIV_EXTRA.items():
        for r in pick(rng, answered, k, lambda r, label=label: 0.0 if label in r["initiativ_kontakt"] else 1.0):
            r["initiativ_kontakt"].add(label)
    soc = [r for r in records if "SOC" in r["initiativ_kontakt"]]
    counts = dict(zip(SOC, apportion(len(soc), SOC_WEIGHTS, [len(soc)] * len(SOC))))
    deal(rng, soc, "_soc", counts, lambda r, v: (8.0 if r["_age"] in ("65-74", "75+") else 0.2) if v == "Äldreomsorgsenhet" else 1.0)
    for r in soc:
        r["initiativ_kontakt"].discard("SOC")
        r["initiativ_kontakt"].add(r.pop("_soc"))


def _followup(rng: random.Random, records: list[Record], kodbok: Codebook) -> None:
    """Genomförande, förändringsmål, typ av insats, barnens behov: realistic, unpinned except D11."""
    avslutade = [r for r in records if r["_avslutad"]]
    gen_weight = {AVSLUTSORSAKER[0]: (6.0, 1.5, 0.1, 0.5), AVSLUTSORSAKER[2]: (0.4, 1.2, 4.0, 1.0),
                  AVSLUTSORSAKER[3]: (0.3, 1.0, 4.0, 1.0)}

    def genomforande_weight(r: Record, v) -> float:
        if r["_k"] == 0:  # no insats: mostly blank, else "Annat" (the report: the client withdrew)
            return {None: 30.0, GENOMFORANDE[3]: 5.0, GENOMFORANDE[2]: 1.0}.get(v, 0.0)
        if v is None:
            return 1.0
        return gen_weight.get(r["avslutsorsak"], (1.0, 1.0, 1.0, 1.0))[GENOMFORANDE.index(v)]
    counts = {None: GENOMFORANDE_COUNTS[None], **{k: v for k, v in GENOMFORANDE_COUNTS.items() if k is not None}}
    deal(rng, avslutade, "genomforande_insatser", counts, genomforande_weight)
    for r in records:
        if not r["_avslutad"]:
            r["genomforande_insatser"] = None
            r["maluppfoljning"] = None
        mal = r.get("maluppfoljning")
        x = rng.random()
        if mal is not None:
            r["forandringsmal_finns"] = "Ja" if x < 0.96 else "Annat"
        else:
            r["forandringsmal_finns"] = "Ja" if x < 0.55 else "Nej" if x < 0.80 else "Annat" if x < 0.83 else None
        if r["_k"]:
            y = rng.random()
            r["typ_av_insats"] = ("Med biståndsbeslut" if y < (0.75 if r["_topp"] else 0.55) else
                                  "Utan biståndsbeslut" if y < 0.93 else "Vet inte" if y < 0.95 else None)
        else:
            r["typ_av_insats"] = None
        r["barn_behov_uppmarksammade"] = set()
        if rng.random() < 0.42 and r["_age"] not in ("55-64", "65-74", "75+"):  # ärenden with children
            labels = kodbok["barn_behov_uppmarksammade"].svar
            for _ in range(1 + int(rng.random() * 2.2)):
                x = rng.random() * sum(BARN_WEIGHTS)
                for label, w in zip(labels, BARN_WEIGHTS):
                    x -= w
                    if x < 0:
                        break
                r["barn_behov_uppmarksammade"].add(label)


def _units(rng: random.Random, records: list[Record]) -> None:
    """Deal the ärenden to the units: each unit's avslutade, brukarenkät and toppgrupp are fixed."""
    units = list(UNITS)
    if sum(u.antal for u in units) != len(records) or len({u.kod for u in units}) != len(units):
        raise ValueError("UNITS must have distinct codes and add up to the ärenden")
    best = next(i for i, u in enumerate(units) if u.kod == BEST_UNIT)
    others = [i for i in range(len(units)) if i != best]
    n_avsl = sum(1 for r in records if r["_avslutad"])
    n_bu = sum(1 for r in records if r["_bu"])
    n_topp = sum(1 for r in records if r["_topp"])

    def spread(total: int, weights: list[float], caps: list[int], fixed: int) -> list[int]:
        part = apportion(total - fixed, [weights[i] for i in others], [caps[i] for i in others])
        out = [0] * len(units)
        for i, v in zip(others, part):
            out[i] = v
        out[best] = fixed
        return out
    avsl = spread(n_avsl, [u.antal * u.avslutade for u in units], [u.antal for u in units], BEST_AVSLUTADE)
    bu = spread(n_bu, [a * u.brukarenkat for a, u in zip(avsl, units)], avsl, BEST_BRUKARENKAT)
    # at most 26 % (rounded half up) of a unit's avslutade in the toppgrupp: t/a < 26.5 %
    topp_cap = [min(b, (265 * a - 1) // 1000) for a, b in zip(avsl, bu)]
    topp = spread(n_topp, [float(b) for b in bu], topp_cap, BEST_TOPP)
    quota = {
        "topp": topp,
        "bu": [b - t for b, t in zip(bu, topp)],
        "avslutad": [a - b for a, b in zip(avsl, bu)],
        "oppen": [u.antal - a for u, a in zip(units, avsl)],
    }

    def klass(r: Record) -> str:
        return "topp" if r["_topp"] else "bu" if r["_bu"] else "avslutad" if r["_avslutad"] else "oppen"

    def affinity(u: Unit, r: Record) -> float:
        w = u.hrv if r["hedersrelaterat_vald"] == JA else 1.0
        w *= u.utanfor_europa if r["ursprung"] == UTANFOR else 1.0
        w *= u.risk if r["_risk"] else 1.0
        return w
    for name, counts in quota.items():
        left = list(counts)
        pool = [r for r in records if klass(r) == name]
        if sum(left) != len(pool) or min(left) < 0:
            raise ValueError(f"unit quotas for {name} do not add up")
        for r in pool:
            weights = [left[i] * affinity(u, r) for i, u in enumerate(units)]
            total = sum(weights)
            x = rng.random() * total
            for i, w in enumerate(weights):
                x -= w
                if x < 0 and w > 0:
                    break
            else:
                i = max(range(len(units)), key=lambda j: weights[j])
            r["enhetskod"] = units[i].kod
            left[i] -= 1


def _samverkan(rng: random.Random, records: list[Record]) -> None:
    """Samverkan (T-SAMV, D12, D13): notes per unit practice, then partners."""
    units = list(UNITS)
    blanks = apportion(len(records) - SAMVERKAN_NOTE, [u.antal * (1 - u.samverkan_not) for u in units], [u.antal for u in units])
    noted: list[Record] = []
    for u, k in zip(units, blanks):
        mine = [r for r in records if r["enhetskod"] == u.kod]
        blank = {id(r) for r in pick(rng, mine, k)}
        for r in mine:
            r["samverkan_forekommit"] = None if id(r) in blank else "?"
            if id(r) not in blank:
                noted.append(r)
    deal(rng, noted, "samverkan_forekommit", {JA: SAMVERKAN_JA, NEJ: len(noted) - SAMVERKAN_JA},
         lambda r, v: ((1.5 if r["hedersrelaterat_vald"] == JA else 1.0) * (1.4 if r["valdets_grad"] == MYCKET_GROVT else 1.0)
                       * (0.4 if r["_topp"] else 1.0) * (0.5 if r["_k"] == 0 else 1.0)) if v == JA else 1.0)
    ja = [r for r in noted if r["samverkan_forekommit"] == JA]
    deal(rng, ja, "_parter", PARTNER_COUNTS,
         lambda r, v: (1.0 + (v - 1) * (1.0 if r["hedersrelaterat_vald"] == JA else 0.0)) / v)

    def affinity(r: Record, label: str) -> float:
        hrv = r["hedersrelaterat_vald"] == JA
        if label.startswith("Resurscentrum"):
            return 30.0 if hrv else 0.05
        if label == "Kvinnojour eller liknande":
            return 0.2 if r["kon"] == MAN else 1.0
        if label == "Ungdomsmottagning":
            return 4.0 if r["_age"] == "18-24" else 0.2
        if label == "Vuxenpsykiatri":
            return 4.0 if PSYK in r["funktionsnedsattning"] else 1.0
        return 1.0
    fill_flerval(rng, ja, "samverkan", {id(r): r.pop("_parter") for r in ja}, SAMVERKAN_PINNED, None, affinity, SAMVERKAN_FREE)
    for r in records:
        r.setdefault("samverkan", set())


def _dates_and_ids(rng: random.Random, records: list[Record]) -> None:
    """Dates (2021-2023 within each unit's start), verksamhet, pseudonymous identifiers, free text."""
    by_unit = {u.kod: u for u in UNITS}
    for r in records:
        u = by_unit[r["enhetskod"]]
        start = _dt.date.fromisoformat(u.start)
        if r["_band"] is not None:
            lo, hi = LANGD_BANDS[r["_band"]]
            days = rng.randint(lo, hi)
            latest = PERIOD_END - _dt.timedelta(days=days)
            r["datum_aktualisering"] = start + _dt.timedelta(days=rng.randint(0, (latest - start).days))
            r["datum_avslut"] = r["datum_aktualisering"] + _dt.timedelta(days=days)
        else:
            first = start if r["_avslutad"] or rng.random() < 0.3 else max(start, _dt.date(2023, 4, 1))
            r["datum_aktualisering"] = first + _dt.timedelta(days=rng.randint(0, (PERIOD_END - first).days))
            r["datum_avslut"] = None
        if r["_k"] and rng.random() < 0.9:
            d = r["datum_aktualisering"] + _dt.timedelta(days=int(rng.random() ** 2 * 45))
            if r["datum_avslut"] is not None:
                d = min(d, r["datum_avslut"])
            r["datum_insats_paborjad"] = min(d, PERIOD_END)
        else:
            r["datum_insats_paborjad"] = None
        r["verksamhet"] = u.verksamhet if rng.random() < 0.93 else (M if u.verksamhet != M else B)
    suggestions = ("längre stöd", "hjälp att hitta en ny bostad", "mer praktiskt stöd vid flytt",
                   "stöd vid rättegången", "hjälp med andra myndighetskontakter", "fler samtal", "en fast kontakt")
    records.sort(key=lambda r: (r["enhetskod"], r["datum_aktualisering"]))
    per_unit: dict[str, int] = {}
    n_text = 0
    for r in records:
        kod = r["enhetskod"]
        per_unit[kod] = per_unit.get(kod, 0) + 1
        n = per_unit[kod]
        r[ARENDE_ID] = f"AR-SYN-{kod}-{n:04d}"
        r["klient_id"] = f"KL-SYN-{kod}-{rng.randint(1, 9999):04d}{n:04d}"
        r["handlaggare"] = f"HL-SYN-{kod}-{1 + rng.randrange(max(1, by_unit[kod].antal // 25)):02d}"
        if r["_bu"] and rng.random() < 0.35:
            n_text += 1
            r["bu_forbattringsforslag"] = f"[syntetisk fritext {n_text:04d}] Önskar {suggestions[rng.randrange(len(suggestions))]}"
        else:
            r["bu_forbattringsforslag"] = None


def generate_records(seed: int = SEED, kodbok: Codebook | None = None) -> list[Record]:
    """The sample's ärenden as canonical records (sets for flerval, dates, ints), in file order."""
    kodbok = kodbok or load_codebook()
    rng = random.Random(seed)
    records = _people(rng)
    if len(records) != N_ARENDEN:
        raise ValueError(f"{len(records)} ärenden, expected {N_ARENDEN}")
    _violence_and_background(rng, records)
    _avslut(rng, records)
    _insatser(rng, records)
    _utovare(rng, records)
    _initiativ(rng, records)
    _followup(rng, records, kodbok)
    _units(rng, records)
    _samverkan(rng, records)
    _dates_and_ids(rng, records)
    return records


# ------------------------------------------------------------------------------------------------
# Writing (CONTRACT §1: labels as text, `|` between multiple answers, ISO dates)
# ------------------------------------------------------------------------------------------------

def header(kodbok: Codebook) -> list[str]:
    return [ARENDE_ID, ENHETSKOD] + [v.kolumn for v in kodbok.variabler]


def to_row(r: Record, kodbok: Codebook) -> dict[str, str]:
    row = {ARENDE_ID: r[ARENDE_ID], ENHETSKOD: r["enhetskod"]}
    for v in kodbok.variabler:
        value = r.get(v.kolumn)
        if value is None:
            cell = ""
        elif v.typ == "flerval":
            cell = "|".join(label for label in v.svar if label in value)
        elif v.typ == "datum":
            cell = value.isoformat()
        else:
            cell = str(value)
        row[v.kolumn] = cell
    return row


def write_sample(path: Path, seed: int = SEED) -> Path:
    kodbok = load_codebook()
    records = generate_records(seed, kodbok)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header(kodbok), lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow(to_row(r, kodbok))
    return path
