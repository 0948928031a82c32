"""A plain, row-by-row reference implementation of CONTRACT isu §2–§6, written from the contract
and sharing no code with `ojexcel.isu.compilation`/`masking`, to compare the vectorised one against:
`referens(rader, minsta, population)` gives the tidy export's rows as text.

An ärende is a dict as `tests.isu_bygg.bygg_arenden` takes it (labels, not numbers): `enhetskod`,
`datum_aktualisering` (ISO text or date; default 2022-01-01), and any codebook column: enval = a
label, flerval = a label, an iterable of labels or 'A|B', datum = ISO text or date, `alder` = int.
Missing keys are blanks.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

from ojexcel.isu.codebook import load_codebook

DEFAULT_DATUM = "2022-01-01"


def _datum(v) -> dt.date | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)


def _flera(v) -> tuple[str, ...]:
    if v is None or v == "":
        return ()
    if isinstance(v, str):
        return tuple(p for p in v.split("|") if p)
    return tuple(v)


ALDER = (("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64),
         ("65-74", 65, 74), ("75+", 75, 10**9))
LANGD = (("0-90", 0, 90), ("91-180", 91, 180), ("181-270", 181, 270), ("271-360", 271, 360), ("361+", 361, 10**9))
KOMBINERADE = {
    "utovare": [("Nuvarande eller före detta partner", ["Nuvarande partner", "Före detta partner"])],
    "initiativ_kontakt": [("Annan verksamhet inom socialtjänsten", ["Försörjningsstödenhet", "Missbruksenhet",
                           "Barn- och ungdomsenhet", "Social omsorgsenhet", "Äldreomsorgsenhet"])],
    "insatser": [("Insatser som rör boende", ["Skyddat boende", "Hjälp med ny bostad (ej skyddat boende)",
                  "Byte av kommun", "Tillfälligt boende"])],
    "risk_skattning": [("SARA, Patriark eller annan bedömningsmetod", ["SARA", "Patriark", "Annan bedömningsmetod"])],
    "valdets_grad": [("Grovt eller mycket grovt", ["Grovt", "Mycket grovt"])],
    "maluppfoljning": [("Målet helt eller delvis uppnått", [1, 2])],
    "bu_forandring_valdsutsatthet": [("Försämrats", ["Försämrats lite", "Försämrats mycket"])],
    "bu_insatsernas_betydelse": [("Stor eller helt avgörande betydelse", [4, 5]), ("Liten eller ingen betydelse", [1, 2])],
    "bu_delaktighet": [("Stor eller mycket stor möjlighet", [4, 5]), ("Ingen eller liten möjlighet", [1, 2])],
}
BU = ("bu_forandring_valdsutsatthet", "bu_insatsernas_betydelse", "bu_positiva_inslag", "bu_delaktighet")


def _band(x, bands):
    for namn, lo, hi in bands:
        if lo <= x <= hi:
            return namn
    raise AssertionError(x)


def _harled(r: dict) -> dict:
    """Per ärende: the contract's derived values (None = blank / outside)."""
    avsl = bool(_datum(r.get("datum_avslut"))) or bool(r.get("avslutsorsak"))
    bu = avsl and any(r.get(k) for k in BU)
    ins = len(set(_flera(r.get("insatser"))))
    parter = len(set(_flera(r.get("samverkan"))))
    d0, d1 = _datum(r.get("datum_aktualisering", DEFAULT_DATUM)), _datum(r.get("datum_avslut"))
    if r.get("samverkan_forekommit") == "Nej":
        sp = "0"
    elif parter:
        sp = str(parter) if parter < 3 else "3+"
    else:
        sp = None
    return {
        "avslutat": avsl,
        "brukarenkat": bu,
        "insatser_n": ins,
        "parter_n": parter,
        "dagar": (d1 - d0).days if (avsl and d1) else None,
        "aldersgrupp": _band(r["alder"], ALDER) if r.get("alder") else None,
        "antal_insatser": str(ins) if ins < 5 else "5+",
        "riskbedomning_gjord": "Ja" if _flera(r.get("risk_skattning")) else "Nej",
        "antal_samverkansparter": sp,
        "arendelangd": _band((d1 - d0).days, LANGD) if (avsl and d1) else None,
        "har_brukarenkat": ("Ja" if bu else "Nej") if avsl else None,
        "toppgrupp": ("Ja" if (r.get("maluppfoljning") == load_codebook()["maluppfoljning"].svar[0]
                               and r.get("bu_forandring_valdsutsatthet") == "Förbättrats mycket") else "Nej") if avsl else None,
    }


@cache
def _struktur():
    kb = load_codebook()
    tabeller = []  # (namn, typ, scope, labels)
    for v in kb.variabler:
        if v.typ in ("enval", "flerval"):
            scope = {"aktualisering": "alla", "fore": "alla", "under": "alla", "avslut": "avsl", "brukarenkat": "bu"}[v.fas]
            tabeller.append((v.kolumn, v.typ, scope, v.svar))
    tabeller += [
        ("faser", "faser", "alla", ()),
        ("aldersgrupp", "derived", "alla", tuple(b[0] for b in ALDER)),
        ("antal_insatser", "derived", "alla", ("0", "1", "2", "3", "4", "5+")),
        ("riskbedomning_gjord", "derived", "alla", ("Ja", "Nej")),
        ("antal_samverkansparter", "derived", "alla", ("0", "1", "2", "3+")),
        ("arendelangd", "derived", "avsl", tuple(b[0] for b in LANGD)),
        ("har_brukarenkat", "derived", "avsl", ("Ja", "Nej")),
        ("toppgrupp", "derived", "avsl", ("Ja", "Nej")),
        ("medel_antal_insatser", "medel", "alla", ()),
        ("medel_antal_samverkansparter", "medel", "alla", ()),
        ("medel_arendelangd", "medel", "alla", ()),
    ]
    ned = [("kon", kb["kon"].svar), ("hrv", ("Ja", "Nej")), ("aldersgrupp", tuple(b[0] for b in ALDER)),
           ("ursprung", kb["ursprung"].svar), ("valdets_grad", kb["valdets_grad"].svar),
           ("funktionsnedsattning", kb["funktionsnedsattning"].svar), ("riskbedomning_gjord", ("Ja", "Nej")),
           ("maluppfoljning", kb["maluppfoljning"].svar), ("arendelangd", tuple(b[0] for b in LANGD)),
           ("toppgrupp", ("Ja", "Nej")), ("har_brukarenkat", ("Ja", "Nej"))]
    return tabeller, ned


def _varde(r: dict, h: dict, namn: str):
    """An ärende's value(s) of a variable, as a set of labels."""
    if namn in h:
        return {h[namn]} if h[namn] is not None else set()
    if namn == "hrv":
        return {r["hedersrelaterat_vald"]} if r.get("hedersrelaterat_vald") in ("Ja", "Nej") else set()
    return set(_flera(r.get(namn)))


def _andel(a, b):
    return "" if b == 0 else str((200 * a + b) // (2 * b))


def referens(rader: list[dict], minsta: int, population) -> list[tuple[str, ...]]:
    """The tidy export's rows (strings), from the contract."""
    kb = load_codebook()
    tabeller, ned = _struktur()
    H = [_harled(r) for r in rader]
    lan_av = {}
    for u in population.units:
        lan_av[u.kod] = u.lanskod
        if u.stad:
            lan_av[u.stad] = u.lanskod
    enheter = {("samtliga", ""): list(range(len(rader)))}
    for i, r in enumerate(rader):
        kod = r["enhetskod"]
        kommun = kod[:4]
        enheter.setdefault(("lan", lan_av[kod]), []).append(i)
        enheter.setdefault(("kommun", kommun), []).append(i)
        if "-" in kod:
            enheter.setdefault(("stadsdel", kod), []).append(i)
    ordning = {"samtliga": 0, "lan": 1, "kommun": 2, "stadsdel": 3}
    out = []
    for (niva, kod) in sorted(enheter, key=lambda e: (ordning[e[0]], e[1])):
        medlemmar = enheter[(niva, kod)]
        for namn, typ, scope, svar in tabeller:
            egen = {namn, {"hedersrelaterat_vald": "hrv", "medel_arendelangd": "arendelangd"}.get(namn)}
            grupper = [("", medlemmar)]
            for bn, bsvar in ned:
                if bn in egen:
                    continue
                for s in bsvar:
                    grupper.append((f"{bn}={s}", [i for i in medlemmar if s in _varde(rader[i], H[i], bn)]))
            for dg, ids in grupper:
                if scope == "avsl":
                    ids = [i for i in ids if H[i]["avslutat"]]
                elif scope == "bu":
                    ids = [i for i in ids if H[i]["brukarenkat"]]
                rows = _tabellrader(namn, typ, svar, ids, rader, H, kb)
                if rows is None:
                    continue
                for kat, a, b, medel, radtyp in _maskera(namn, typ, svar, rows, minsta):
                    out.append((niva, kod, namn, dg, kat, a, b, medel, radtyp))
    result = []
    for niva, kod, namn, dg, kat, a, b, medel, radtyp in out:
        if radtyp == "medel":
            result.append((niva, kod, namn, dg, kat, a, b, "", medel))
        else:
            andel = "" if a == "" or b == "" else _andel(int(a), int(b))
            result.append((niva, kod, namn, dg, kat, a, b, andel, ""))
    return result


def _tabellrader(namn, typ, svar, ids, rader, H, kb):
    """[(kategori, antal, bas, radtyp)] or None when not written."""
    if typ == "medel":
        if namn == "medel_antal_insatser":
            v = [H[i]["insatser_n"] for i in ids]
        elif namn == "medel_antal_samverkansparter":
            v = [H[i]["parter_n"] for i in ids if H[i]["parter_n"] >= 1]
        else:
            v = [H[i]["dagar"] for i in ids if H[i]["dagar"] is not None]
        return [("medel", sum(v), len(v), "medel")] if v else None
    if not ids:
        return None
    if typ == "faser":
        avsl = [i for i in ids if H[i]["avslutat"]]
        return [("aktualiserade", len(ids), len(ids), "fas"),
                ("minst_en_insats", sum(1 for i in ids if H[i]["insatser_n"]), len(ids), "fas"),
                ("avslutade", len(avsl), len(ids), "fas"),
                ("med_maluppfoljning", sum(1 for i in avsl if rader[i].get("maluppfoljning")), len(avsl), "fas"),
                ("med_brukarenkat", sum(1 for i in avsl if H[i]["brukarenkat"]), len(avsl), "fas")]
    varden = [_varde(rader[i], H[i], namn) for i in ids]
    svarade = [v for v in varden if v]
    rows = []
    if typ == "flerval":
        rows.append((("minst_ett_svar"), len(svarade), len(ids), "minst"))
    for s in svar:
        rows.append((s, sum(1 for v in svarade if s in v), len(svarade), "etikett"))
    for kat, delar in KOMBINERADE.get(namn, []):
        delar = [svar[p - 1] if isinstance(p, int) else p for p in delar]
        rows.append((kat, sum(1 for v in svarade if v & set(delar)), len(svarade), "komb:" + "|".join(delar)))
    rows.append(("uppgift_saknas", len(ids) - len(svarade), len(ids), "saknas"))
    return rows


def _maskera(namn, typ, svar, rows, N):
    """Apply §2 to one table: [(kategori, antal-text, bas-text, medel-text, radtyp)]."""
    dold_bas = {k: 1 <= b < N for k, a, b, t in rows}
    dold = {k: (1 <= a < N and t not in ("saknas", "medel")) or dold_bas[k] for k, a, b, t in rows}
    etiketter = [(k, a) for k, a, b, t in rows if t == "etikett"]
    if typ in ("enval", "derived") and etiketter and not dold_bas[etiketter[0][0]]:
        maskerade = [k for k, a in etiketter if dold[k]]
        if len(maskerade) == 1:
            kandidater = [(a, pos, k) for pos, (k, a) in enumerate(etiketter) if not dold[k] and a > 0]
            if kandidater:
                dold[min(kandidater)[2]] = True
    if typ in ("enval", "derived") and etiketter and dold_bas[etiketter[0][0]]:
        dold["uppgift_saknas"] = True  # decided (R19): else labels' base = scope − uppgift_saknas
    if typ == "flerval" and dold["minst_ett_svar"]:
        dold["uppgift_saknas"] = True
    for k, a, b, t in rows:
        if t.startswith("komb:") and any(dold[p] for p in t[5:].split("|")):
            dold[k] = True
    out = []
    for k, a, b, t in rows:
        if t == "medel":
            if dold_bas[k]:
                out.append((k, "", "", "", "medel"))
            else:
                tiondel = (20 * a + b) // (2 * b)
                out.append((k, str(a), str(b), f"{tiondel // 10}.{tiondel % 10}", "medel"))
        else:
            out.append((k, "" if dold[k] else str(a), "" if dold_bas[k] else str(b), "", t))
    return out
