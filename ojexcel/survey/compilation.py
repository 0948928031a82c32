"""The pipeline: read + validate responses → unit values → aggregates → Results.

Each stage lives in its own module; this one only wires them together.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..io.resources import survey_sample
from ..population import load_population
from .catalogue import load_catalogue
from .reader import read_responses
from .results import Results, compute_results


def sample_path(year: int) -> Path:
    """The embedded synthetic response file of a survey year."""
    return survey_sample(year)


def build_results(responses_path: str | Path | None, year: int, granskning: str | Path | None = None) -> Results:
    """Compute everything for one survey year; `None` means the embedded sample.

    `granskning`: a review-overrides file applied to the raw answers before computing
    (ojexcel/granskning.py); the applied overrides are carried in `Results.granskning`.
    """
    catalogue = load_catalogue(year)
    population = load_population(year)
    path = sample_path(year) if responses_path is None else Path(responses_path)
    responses = read_responses(path, catalogue.codebook, population)
    if granskning is None:
        return compute_results(responses, catalogue, population)
    from .granskning import read_granskning

    overrides, reviewed, warnings = read_granskning(granskning, responses, catalogue.codebook, population)
    reviewed.warnings.extend(warnings)
    return replace(compute_results(reviewed, catalogue, population), granskning=overrides)
