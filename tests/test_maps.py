"""Region locator maps come from shipped boundary data, as inline SVG."""

from __future__ import annotations

from pathlib import Path

from builder.config.site import load_regions
from builder.render.maps import locator_map
from builder.render.pages import template_env

REPO = Path(__file__).resolve().parent.parent
ENV = template_env()
REGIONS = {r.id: r for r in load_regions(REPO / "site_config" / "regions.yml")}


def test_district_is_drawn_in_its_city_without_any_network_resource():
    svg = str(locator_map(ENV, REGIONS["guta"], REGIONS))
    assert svg.startswith("<figure") and 'class="fz-map-this"' in svg and "锦州市中的古塔区" in svg
    assert svg.count('class="fz-map-other"') >= 6  # the other districts and counties of 锦州市
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "") and len(svg) < 60_000


def test_unit_without_boundary_is_located_by_its_county():
    svg = str(locator_map(ENV, REGIONS["guta-gucheng"], REGIONS))
    assert "古城街道位于古塔区" in svg
