"""One scaled build in this process: FACTOR copies of every unit of the embedded sample.

    python bench/scale.py FACTOR OUTDIR      (prints one JSON line)

The population is the 316 units × FACTOR (codes suffixed `.00` … `.99`, same län, kommungrupp,
SKL group and city), built directly as a `Population` — `build_population` checks the published
counts and would refuse it. Copy i of a unit answers like the sample's respondent i places
further on, so the copies differ. Timed: `compute_results` + `write_workbook` + the tidy export
(reading the sample file is done once, untimed). Peak memory is the process's max RSS.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path


def scaled_inputs(factor: int):
    from ojexcel.survey.arsgang import load_arsgang
    from ojexcel.survey.compilation import sample_path
    from ojexcel.population import Population
    from ojexcel.survey.reader import ResponseRow, Responses, read_responses

    arsgang = load_arsgang(2017)
    catalogue = arsgang.catalogue
    pop = arsgang.population
    sample = read_responses(sample_path(2017), catalogue.codebook, pop)
    if factor == 1:
        return sample, catalogue, pop
    units = tuple(replace(u, kod=f"{u.kod}.{i:02d}") for u in pop.units for i in range(factor))
    population = Population(units=units, lan=pop.lan, skl_groups=pop.skl_groups, municipalities=pop.municipalities,
                            cities=pop.cities, kommungrupper=pop.kommungrupper)
    answered = list(sample.rows.values())
    rows = {}
    for j, unit in enumerate(pop.units):
        if unit.kod not in sample.rows:
            continue
        for i in range(factor):
            src = answered[(j + i) % len(answered)]
            kod = f"{unit.kod}.{i:02d}"
            rows[kod] = ResponseRow(row=len(rows) + 2, enhetskod=kod, besvarat_vinr=src.besvarat_vinr, answers=src.answers)
    return Responses(source=f"sample×{factor}", year=2017, rows=rows), catalogue, population


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(factor: int, outdir: Path) -> dict:
    start = time.perf_counter()
    responses, catalogue, population = scaled_inputs(factor)
    prepared = time.perf_counter()
    from dataclasses import replace as with_fields

    from ojexcel.survey.arsgang import load_arsgang
    from ojexcel.survey.results import compute_results
    from ojexcel.survey.tidy import write_tidy_file
    from ojexcel.survey.workbook import write_workbook

    cpu0 = _cpu()
    t0 = time.perf_counter()
    results = compute_results(responses, with_fields(load_arsgang(2017), population=population))
    t1 = time.perf_counter()
    write_workbook(results, outdir / f"scale_{factor}.xlsx")
    t2 = time.perf_counter()
    write_tidy_file(results, outdir / f"scale_{factor}_tidy.csv")
    t3 = time.perf_counter()
    cpu = _cpu() - cpu0
    return {
        "factor": factor,
        "units": len(population.units),
        "answered": len(responses.rows),
        "prepare_s": prepared - start,
        "compute_s": t1 - t0,
        "workbook_s": t2 - t1,
        "tidy_s": t3 - t2,
        "total_s": t3 - t0,
        "cpu_s": cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), Path(sys.argv[2]))))
