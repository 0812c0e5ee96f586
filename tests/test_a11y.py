"""Accessibility: axe-core in headless Chromium over every page type of the built site.

axe-core is the npm package pinned in tests/js/package.json (and its lock file), installed by
``bash scripts/setup.sh --test`` (scripts/test.sh runs it); the site build itself needs neither
node nor the network. The script is injected into each page with the Content-Security-Policy
bypassed for the test only (the site's policy allows only its own scripts, rightly).

Classes covered, one page of each type (the whole seed archive, conftest ``built``/``served``):
home, hand-written pages (about, usage, editorial), the sources index, a chronicle's and a
report's reading page, a yearbook's overview and one of its parts, the source viewer's index
and a page of it, the years index, a year page and a later page of it, the regions and topics
indexes, a region and a topic page, the entity hub, the people index, a person, a meeting, a
series and an organisation, the search page, the data page, the 404 page, and a reading page
with a record's 引用 opened (the buttons fangzhi-cite.js adds). Each must have no violation
of impact "serious" or "critical"; the figures per page are printed (``-s``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""
BLOCKING = ("serious", "critical")


def _first(site: Path, folder: str) -> str:
    """The first page of a folder of generated pages (``people/p…/``): its site-relative URL."""
    names = sorted(p.name for p in (site / folder).iterdir() if (p / "index.html").is_file())
    assert names, folder
    return f"{folder}/{names[0]}/"


def _page_types(site: Path) -> dict[str, str]:
    return {
        "home": "",
        "about (hand-written)": "about/",
        "usage (hand-written)": "usage/",
        "sources index": "sources/",
        "chronicle reading page": "sources/guta-dsj/",
        "report reading page": "sources/guta-2011-report/",
        "yearbook overview": "sources/liaoyang-yearbook-2021/",
        "yearbook part": _first(site, "sources/liaoyang-yearbook-2021"),
        "source viewer index": "sources/guta-dsj/text/",
        "source viewer page": "sources/guta-dsj/text/1/",
        "years index": "years/",
        "year page": "years/2020/",
        "year page, later page": "years/2020/p2/",
        "regions index": "regions/",
        "region page": _first(site, "regions"),
        "topics index": "topics/",
        "topic page": _first(site, "topics"),
        "entity hub": "entities/",
        "people index": "people/",
        "person": _first(site, "people"),
        "meeting": _first(site, "meetings"),
        "series": _first(site, "series"),
        "organisation": _first(site, "organisations"),
        "search page": "search/",
        "data page": "data/",
        "404": "404.html",
    }


@pytest.mark.browser
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(built, served, browser):
    assert AXE.is_file(), f"{AXE} is missing: run bash scripts/setup.sh --test (it installs axe-core from npm)"
    _, _, site = built
    script = AXE.read_text("utf-8")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    figures: dict[str, dict[str, int]] = {}
    blocking: dict[str, list] = {}

    def audit(name: str) -> None:
        """axe on the page as it is now: its figures, and the blocking findings."""
        page.evaluate(script)
        found = page.evaluate(RUN)
        figures[name] = {impact: sum(1 for v in found if v["impact"] == impact)
                         for impact in ("critical", "serious", "moderate", "minor")}
        bad = [v for v in found if v["impact"] in BLOCKING]
        if bad:
            blocking[name] = bad

    for name, rel in _page_types(site).items():
        page.goto(served + rel)
        page.wait_for_load_state("load")
        audit(name)
    # the search page with its results, facets and tools drawn (typed into, as a reader does)
    page.goto(served + "search/")
    page.locator("#fz-search-input, input[name=q]").first.fill("低保")
    page.locator("#fz-search-input, input[name=q]").first.press("Enter")
    page.wait_for_selector(".fz-year-range", timeout=20_000)
    audit("search results")
    # and a record's 引用 opened, with the buttons the script adds
    page.goto(served + "sources/guta-dsj/")
    page.locator("details.fz-cite > summary").first.click()
    audit("reading page, 引用 open")
    context.close()
    for name, counts in figures.items():
        print(f"axe {name}: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    assert not blocking, blocking
