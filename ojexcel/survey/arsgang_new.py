"""A new årgång from an old one: `ojexcel arsgang new DIR --from 2018` (or `--from OTHER_DIR`).

The source is loaded and checked first (a broken one is not copied). The copy is the source's
files as they are — comments included, so the statistician sees the same explanations — with:

- `arsgang.toml`: `ar` the new year, the source's year in `titel` (and its heading comment)
  replaced by the new year, `foregaende` the source (its year if embedded, else its folder
  relative to the new one);
- `jamforbarhet.csv`: one row per indicator of the source, all `jämförbar` (the new year compared
  with the source: comparable until the statistician says otherwise);
- `LASMIG.md`: a short guide in Swedish on what to change each year.

Lines marking a file as generated (`# GENERATED …`, the embedded 2016 and 2018) are dropped. The
files are written as one all-or-nothing set (`io/output.atomic_outputs`) into a folder that does
not exist or is empty; a folder it created is removed again when the writing fails.
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from ..problems import OjexcelError
from .arsgang import (
    CATALOGUE,
    FILES,
    GUIDE,
    JAMFORBARHET,
    METADATA,
    Arsgang,
    load_arsgang,
)

GUIDE_TEMPLATE = "arsgang_lasmig.md.j2"


class NewArsgangError(OjexcelError):
    """The new årgång's folder cannot be used (exists and is not empty, …)."""


def _without_generated(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("# GENERATED"))


def previous_reference(source: Arsgang, folder: Path) -> str:
    """How the new arsgang.toml names its source: `2018` (embedded) or `"../2018"` (a folder)."""
    if source.embedded:
        return str(source.year)
    relative = os.path.relpath(source.folder, folder.resolve())
    return '"' + relative.replace("\\", "/").replace('"', '\\"') + '"'


def metadata_text(text: str, source: Arsgang, year: int, previous: str) -> str:
    """The source's arsgang.toml for `year`: ar, titel, foregaende (the rest as it was)."""
    text = _without_generated(text)
    old = str(source.year)
    text = re.sub(r"(?m)^(#.*)\b" + old + r"\b", lambda m: m.group(1) + str(year), text, count=1)
    text = re.sub(r"(?m)^ar\s*=\s*\d+\s*$", f"ar = {year}", text, count=1)
    text = re.sub(r'(?m)^(titel\s*=\s*".*?)\b' + old + r'\b', lambda m: m.group(1) + str(year), text, count=1)
    line = f"foregaende = {previous}"
    if re.search(r"(?m)^foregaende\s*=", text):
        text = re.sub(r"(?m)^foregaende\s*=.*$", line, text, count=1)
    else:
        comment = "# The previous årgång, to compare with (jamforbarhet.csv): an embedded year, or a folder.\n"
        anchor = re.search(r"(?m)^storstader\s*=", text) or re.search(r"(?m)^\[", text)
        insert = comment + line + "\n\n"
        text = text[: anchor.start()] + insert + text[anchor.start():] if anchor else text.rstrip("\n") + "\n\n" + insert
    return text


def comparability_text(source: Arsgang) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["indikator", "jamforbarhet", "not", "foregaende_indikator"])
    w.writerows([ind_id, "jämförbar", "", ""] for ind_id in source.catalogue.ids)
    return buf.getvalue()


def guide_text(year: int, source: Arsgang, previous: str, shown: str) -> str:
    from ..io.templating import render

    fran = f"den inbyggda årgången {source.year}" if source.embedded else f"årgången i {source.folder}"
    return render(GUIDE_TEMPLATE, ar=year, fran=fran, foregaende=previous, mapp=shown)


def new_files(source: Arsgang, folder: Path, year: int, shown: str) -> dict[str, bytes]:
    """The new årgång's files by name (nothing written)."""
    previous = previous_reference(source, folder)
    out: dict[str, bytes] = {}
    for name in FILES:
        path = source.folder / name
        if name == JAMFORBARHET:
            out[name] = comparability_text(source).encode("utf-8")
        elif not path.is_file():
            continue
        elif name == METADATA:
            out[name] = metadata_text(path.read_text(encoding="utf-8-sig"), source, year, previous).encode("utf-8")
        elif name == CATALOGUE:
            out[name] = _without_generated(path.read_text(encoding="utf-8-sig")).encode("utf-8")
        else:
            out[name] = path.read_bytes()
    out[GUIDE] = guide_text(year, source, previous, shown).encode("utf-8")
    return out


def create_arsgang(folder: Path, source_spec: "int | str | os.PathLike", year: int | None = None) -> tuple[Arsgang, list[Path]]:
    """Write the new årgång into `folder` (absent or empty) from `source_spec`; returns the source
    and the files written. Raises ArsgangError (a broken source), NewArsgangError or OutputError."""
    from ..io.output import atomic_outputs

    source = load_arsgang(source_spec)
    year = source.year + 1 if year is None else year
    if year <= source.year:
        raise NewArsgangError(f"--ar {year}: the new årgång must come after the one it is made from ({source.year})")
    if folder.exists():
        if not folder.is_dir():
            raise NewArsgangError(f"{folder}: exists and is not a folder")
        if any(folder.iterdir()):
            raise NewArsgangError(f"{folder}: the folder exists and is not empty; give a new folder")
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise NewArsgangError(f"{folder}: the folder {parent} does not exist")
    if folder.resolve() == source.folder.resolve():
        raise NewArsgangError(f"{folder}: is the årgång it is made from")
    files = new_files(source, folder, year, str(folder))
    created = not folder.exists()
    folder.mkdir(exist_ok=True)
    paths = [folder / name for name in files]
    try:
        with atomic_outputs(*paths) as temps:
            for temp, data in zip(temps, files.values()):
                temp.write_bytes(data)
    except BaseException:
        if created:
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    return source, paths
