"""Indicator rules: a few rule kinds, compiled to clauses over answers, and their exact evaluation.

A rule is an ordered list of `(outcome, condition)` clauses and a default outcome, e.g.
"Ja if G7=Ja and G7a in {Ja, Ej aktuellt}; Ej aktuellt if G7=Ej aktuellt; else Nej".
The catalogue names a rule *kind* and its parameters; `KINDS` turns those into clauses. Adding a
survey year means a new catalogue file; code is needed only for a genuinely new kind.

Evaluation is exact about missing answers (CONTRACT §3): every possible value of every missing
answer is tried, following the survey's skip logic (a follow-up whose condition does not hold was
not asked and has no value). The unit value is the common outcome when all possibilities agree,
and blank (None) when a missing answer could change the result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

from ..problems import OjexcelError
from ..styles import BAD, GOOD, NEUTRAL, Colour
from .codebook import Codebook

JA = "Ja"
DELVIS = "Delvis"
NEJ = "Nej"
EJ_AKTUELLT = "Ej aktuellt"
# Unit values with a colour; "Ej aktuellt", bortfall and aggregate shares carry no fill.
VALUE_COLOURS: dict[str, Colour] = {JA: GOOD, DELVIS: NEUTRAL, NEJ: BAD}
OUTCOMES = (JA, DELVIS, NEJ, EJ_AKTUELLT)

NOT_ASKED = None  # the value of a follow-up the survey did not ask


# -- conditions ---------------------------------------------------------------------------------

class Cond:
    def columns(self) -> Iterator[str]:
        raise NotImplementedError

    def holds(self, world: Mapping[str, str | None]) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class In(Cond):
    column: str
    values: tuple[str, ...]

    def columns(self):
        yield self.column

    def holds(self, world):
        return world[self.column] in self.values

    def __str__(self):
        if len(self.values) == 1:
            return f"{self.column}={_quote(self.values[0])}"
        return f"{self.column} in {{{', '.join(self.values)}}}"


@dataclass(frozen=True)
class NotBlank(Cond):
    """Free text with at least one non-whitespace character (CONTRACT §3)."""

    column: str

    def columns(self):
        yield self.column

    def holds(self, world):
        value = world[self.column]
        return value is not None and bool(value.strip())

    def __str__(self):
        return f"{self.column} is not blank"


@dataclass(frozen=True)
class All(Cond):
    parts: tuple[Cond, ...]

    def columns(self):
        for p in self.parts:
            yield from p.columns()

    def holds(self, world):
        return all(p.holds(world) for p in self.parts)

    def __str__(self):
        return " and ".join(_paren(p, Any) for p in self.parts)


@dataclass(frozen=True)
class Any(Cond):
    parts: tuple[Cond, ...]

    def columns(self):
        for p in self.parts:
            yield from p.columns()

    def holds(self, world):
        return any(p.holds(world) for p in self.parts)

    def __str__(self):
        return " or ".join(_paren(p, All) for p in self.parts)


def _quote(value: str) -> str:
    return f"'{value}'" if "," in value else value


def _paren(cond: Cond, kind: type) -> str:
    return f"({cond})" if isinstance(cond, kind) and len(cond.parts) > 1 else str(cond)


def all_of(*parts: Cond) -> Cond:
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def any_of(*parts: Cond) -> Cond:
    return parts[0] if len(parts) == 1 else Any(tuple(parts))


# -- rules --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    clauses: tuple[tuple[str, Cond], ...]
    otherwise: str = NEJ

    def columns(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _, cond in self.clauses:
            for c in cond.columns():
                seen.setdefault(c)
        return tuple(seen)

    def outcomes(self) -> tuple[str, ...]:
        out = {o for o, _ in self.clauses} | {self.otherwise}
        return tuple(o for o in OUTCOMES if o in out)

    def decide(self, world: Mapping[str, str | None]) -> str:
        for outcome, cond in self.clauses:
            if cond.holds(world):
                return outcome
        return self.otherwise

    def __str__(self) -> str:
        parts = [f"{outcome} if {cond}" for outcome, cond in self.clauses]
        return "; ".join(parts + [f"else {self.otherwise}"])


class RuleError(OjexcelError, ValueError):
    """A catalogue rule that cannot be built or evaluated."""


def _values(params: dict, key: str, default: list[str] | None = None) -> tuple[str, ...]:
    value = params.get(key, default if default is not None else [])
    if isinstance(value, str):
        value = [value]
    return tuple(value)


def _kind_svar(p: dict) -> Rule:
    """One question: Ja for the `ja` answers; Ej aktuellt for the `ej_aktuellt` answers; else Nej."""
    clauses = [(JA, In(p["fraga"], _values(p, "ja", [JA])))]
    if ea := _values(p, "ej_aktuellt"):
        clauses.append((EJ_AKTUELLT, In(p["fraga"], ea)))
    return Rule(tuple(clauses))


def _kind_rutin(p: dict) -> Rule:
    """A routine (or agreement, plan) with its follow-up question.

    Ja when the main answer is Ja, every `krav` option is Ja (a multi-option question such as G6a)
    and the follow-up is one of `uppfoljning_ok`; or when the main answer is one of `ja_aven`
    (e.g. "Nej, behövs inte"). Ej aktuellt for the `ej_aktuellt` main answers; else Nej.
    """
    main = p["fraga"]
    need = [In(main, (JA,))]
    need += [In(c, (JA,)) for c in _values(p, "krav")]
    need.append(In(p["uppfoljning"], _values(p, "uppfoljning_ok", [JA, EJ_AKTUELLT])))
    ja = all_of(*need)
    if also := _values(p, "ja_aven"):
        ja = any_of(ja, In(main, also))
    clauses = [(JA, ja)]
    if ea := _values(p, "ej_aktuellt"):
        clauses.append((EJ_AKTUELLT, In(main, ea)))
    return Rule(tuple(clauses))


def _kind_nagon_av(p: dict) -> Rule:
    """Any of several items answered `ja`; or an 'other' item answered Ja with its free text given."""
    ja_value = p.get("ja", JA)
    parts: list[Cond] = [In(c, (ja_value,)) for c in _values(p, "fragor")]
    if "annan" in p:
        parts.append(all_of(In(p["annan"], (JA,)), NotBlank(p["annan_text"])))
    return Rule(((JA, any_of(*parts)),))


def _kind_uppfoljning(p: dict) -> Rule:
    """Systematic follow-up (V7 family): compiled (V7), optionally by sex (V7a), used (V7b).

    Ja when V7=Ja [and V7a=Ja] [and V7b=Ja]; Delvis when the same holds but V7b is one of `delvis`;
    Ej aktuellt when V7 [or V7a] is one of `ej_aktuellt`; else Nej.
    """
    base = [In(p["fraga"], (JA,))]
    ea = [In(p["fraga"], _values(p, "ej_aktuellt"))]
    if "kon" in p:
        base.append(In(p["kon"], (JA,)))
        ea.append(In(p["kon"], _values(p, "ej_aktuellt")))
    clauses = []
    if "anvant" in p:
        clauses.append((JA, all_of(*base, In(p["anvant"], (JA,)))))
        if delvis := _values(p, "delvis"):
            clauses.append((DELVIS, all_of(*base, In(p["anvant"], delvis))))
    else:
        clauses.append((JA, all_of(*base)))
    if _values(p, "ej_aktuellt"):
        clauses.append((EJ_AKTUELLT, any_of(*ea)))
    return Rule(tuple(clauses))


KINDS: dict[str, tuple[Callable[[dict], Rule], frozenset[str], frozenset[str]]] = {
    # kind: (builder, required parameters, optional parameters)
    "svar": (_kind_svar, frozenset({"fraga"}), frozenset({"ja", "ej_aktuellt"})),
    "rutin": (
        _kind_rutin,
        frozenset({"fraga", "uppfoljning"}),
        frozenset({"krav", "ja_aven", "uppfoljning_ok", "ej_aktuellt"}),
    ),
    "nagon_av": (_kind_nagon_av, frozenset({"fragor"}), frozenset({"ja", "annan", "annan_text"})),
    "uppfoljning": (_kind_uppfoljning, frozenset({"fraga"}), frozenset({"kon", "anvant", "delvis", "ej_aktuellt"})),
}


# What each parameter holds: "question" names one question, "questions" a list of them; "answer"
# one answer label, "answers" one label or a list. `annan_text` is the one free-text question.
PARAM_VALUES = {
    "fraga": "question", "uppfoljning": "question", "kon": "question", "anvant": "question",
    "annan": "question", "annan_text": "question", "fragor": "questions", "krav": "questions",
    "ja_aven": "answers", "uppfoljning_ok": "answers", "ej_aktuellt": "answers", "delvis": "answers",
}
FREE_TEXT_PARAMS = frozenset({"annan_text"})


def param_kind(kind: str, key: str) -> str:
    """What parameter `key` of rule kind `kind` holds (PARAM_VALUES; `ja` differs by kind)."""
    if key == "ja":
        return "answer" if kind == "nagon_av" else "answers"
    return PARAM_VALUES[key]


def param_problems(kind: str, params: dict) -> list[tuple[str | None, str, object]]:
    """Everything wrong with a rule's kind and parameters, as (parameter, message, value); empty
    when `build_rule` can build it. Lists every problem, not only the first."""
    if kind not in KINDS:
        return [(None, f"unknown rule kind (typ); the kinds are {', '.join(sorted(KINDS))}", kind)]
    _, required, optional = KINDS[kind]
    out: list[tuple[str | None, str, object]] = []
    for key in sorted(required - params.keys()):
        out.append((key, f"rule kind {kind!r} needs the parameter {key}", None))
    for key in sorted(params.keys() - required - optional):
        known = ", ".join(sorted(required | optional))
        out.append((key, f"rule kind {kind!r} takes no parameter {key} (its parameters: {known})", params[key]))
    if ("annan" in params) != ("annan_text" in params):
        out.append(("annan" if "annan" in params else "annan_text",
                    "rule kind 'nagon_av': 'annan' and 'annan_text' go together", None))
    for key, value in params.items():
        if key not in required | optional:
            continue
        what = param_kind(kind, key)
        if what in ("question", "answer"):
            if not isinstance(value, str) or not value.strip():
                out.append((key, f"{key} must be one {'question' if what == 'question' else 'answer'}, as a text in quotes", value))
        elif not (isinstance(value, str) and value.strip()) and not (
            isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
        ):
            noun = "questions" if what == "questions" else "answers"
            out.append((key, f"{key} must be a list of {noun} in quotes, e.g. [\"A\", \"B\"]", value))
    return out


def build_rule(kind: str, params: dict) -> Rule:
    if kind not in KINDS:
        raise RuleError(f"unknown rule kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    builder, required, optional = KINDS[kind]
    missing = required - params.keys()
    unknown = params.keys() - required - optional
    if missing:
        raise RuleError(f"rule kind {kind!r} needs {', '.join(sorted(missing))}")
    if unknown:
        raise RuleError(f"rule kind {kind!r} takes no {', '.join(sorted(unknown))}")
    if ("annan" in params) != ("annan_text" in params):
        raise RuleError("rule kind 'nagon_av': 'annan' and 'annan_text' go together")
    return builder(params)


# -- evaluation with missing answers ------------------------------------------------------------

def rule_columns_with_parents(rule: Rule, codebook: Codebook) -> tuple[str, ...]:
    """The rule's columns plus the skip-logic parents they depend on, parents first."""
    ordered: dict[str, None] = {}

    def visit(col: str) -> None:
        if col in ordered:
            return
        cond = codebook[col].asked_if
        if cond is not None:
            visit(cond.column)
        ordered.setdefault(col)

    for col in rule.columns():
        visit(col)
    return tuple(ordered)


def evaluate(
    rule: Rule,
    answers: Mapping[str, str | None],
    codebook: Codebook,
    columns: tuple[str, ...] | None = None,
) -> str | None:
    """The unit value, or None (blank) when a missing answer could change the result.

    `answers` maps column -> canonical label (or free text); a missing answer is absent or None.
    """
    cols = columns if columns is not None else rule_columns_with_parents(rule, codebook)
    world: dict[str, str | None] = {}
    seen: set[str] = set()

    def walk(i: int) -> bool:
        """Fill world[cols[i:]] in every possible way; False as soon as two outcomes differ."""
        if i == len(cols):
            seen.add(rule.decide(world))
            return len(seen) == 1
        col = cols[i]
        q = codebook[col]
        if q.asked_if is not None and world[q.asked_if.column] != q.asked_if.value:
            choices: tuple[str | None, ...] = (NOT_ASKED,)
        else:
            given = answers.get(col)
            if given is not None:
                choices = (given,)
            elif q.free_text:
                choices = ("",)  # free text left empty is an answer: "not blank" is false
            else:
                choices = q.answers
        for choice in choices:
            world[col] = choice
            if not walk(i + 1):
                return False
        return True

    return seen.pop() if walk(0) else None
