"""The pipeline: read + validate responses → unit values → aggregates → Results.

Each stage lives in its own module; this one only wires them together.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..io.resources import survey_sample
from .arsgang import Arsgang, load_arsgang
from .reader import read_responses
from .results import Results, compute_results


def sample_path(year: int) -> Path:
    """The embedded synthetic response file of a survey year."""
    return survey_sample(year)


def build_results(responses_path: str | Path | None, year: "int | str | os.PathLike | Arsgang",
                  granskning: str | Path | None = None) -> Results:
    """Compute everything for one survey year; `None` means the embedded sample.

    `year`: an embedded year (2017), an årgång folder, or a loaded `Arsgang` (`arsgang.load_arsgang`).
    `granskning`: a review-overrides file applied to the raw answers before computing
    (ojexcel/granskning.py); the applied overrides are carried in `Results.granskning`.
    """
    arsgang = load_arsgang(year)
    catalogue, population = arsgang.catalogue, arsgang.population
    if responses_path is None and not arsgang.embedded:
        from .arsgang import ArsgangError
        from ..problems import Problem

        raise ArsgangError(arsgang.name, [Problem(
            "give the response file: the embedded samples belong to the embedded years, not to an årgång folder",
            file=arsgang.name)])
    path = sample_path(arsgang.year) if responses_path is None else Path(responses_path)
    responses = read_responses(path, catalogue.codebook, population)
    if granskning is None:
        return compute_results(responses, arsgang)
    from .granskning import read_granskning

    overrides, reviewed, warnings = read_granskning(granskning, responses, catalogue.codebook, population)
    reviewed.warnings.extend(warnings)
    return replace(compute_results(reviewed, arsgang), granskning=overrides)
