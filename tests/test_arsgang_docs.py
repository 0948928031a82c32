"""docs/arsgang.md stays true: its rule examples are the 2017 catalogue's own, every rule kind and
parameter it documents is one ojexcel knows, and every file and key it names exists."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ojexcel.survey.arsgang import FILES, METADATA_KEYS, TEXT_KEYS, embedded_folder
from ojexcel.survey.rules import KINDS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "arsgang.md").read_text(encoding="utf-8")


def catalogue_2017() -> dict:
    data = tomllib.loads((embedded_folder(2017) / "indikatorer.toml").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["indikator"]}


def rule_examples():
    """(indicator id, parameters) of every `typ = "…"   # id` example in a toml block."""
    for block in re.findall(r"```toml\n(.*?)```", DOC, re.S):
        for example in re.split(r"\n(?=typ = )", "\n" + block):
            m = re.match(r'\s*typ = "(\w+)"\s*# (\w+)', example)
            if m:
                body = "\n".join(line for line in example.splitlines() if not line.startswith("#"))
                yield m.group(2), tomllib.loads(re.sub(r"#.*", "", body))


def test_rule_examples_are_the_2017_catalogues():
    catalogue = catalogue_2017()
    seen = set()
    for ind_id, params in rule_examples():
        entry = catalogue[ind_id]
        assert {k: entry[k] for k in params} == params, ind_id
        assert set(params) == set(entry) & (set(params) | set().union(*(r | o for _, r, o in KINDS.values())) | {"typ"}), ind_id
        seen.add(params["typ"])
    assert seen == set(KINDS)


def test_every_documented_parameter_is_a_parameter_of_its_kind():
    for kind, (_, required, optional) in KINDS.items():
        section = DOC.split(f"#### `{kind}`")[1].split("####")[0]
        documented = set(re.findall(r"^\| `(\w+)`", section, re.M)) | {
            p for pair in re.findall(r"^\| `(\w+)`, `(\w+)`", section, re.M) for p in pair}
        assert documented == set(required | optional), kind


def test_files_and_keys_named_exist():
    for name in FILES:
        assert f"`{name}`" in DOC, name
    for key in METADATA_KEYS:
        assert f"`{key}`" in DOC or f"`[[{key}]]`" in DOC or f"`[{key}]`" in DOC, key
    for key in TEXT_KEYS:
        assert f"`{key}`" in DOC, key
