"""Headless Chromium against the built site: search, result links, anchors."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from .conftest import watch_csp

pytestmark = pytest.mark.browser


def _records(site):
    out = []
    for name in ("events", "entries", "sections"):
        out += json.loads((site / "data" / f"{name}.json").read_text("utf-8"))
    return out


def _open_search(browser, served, query):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{served}search/?q={quote(query)}")
    page.wait_for_selector("#fz-results[data-complete]", timeout=20000)
    return page, errors


def test_chinese_search_finds_the_event_and_links_to_its_anchor(built, served, browser):
    _, _, site = built
    page, errors = _open_search(browser, served, "营改增")
    total = int(page.get_attribute("[data-total]", "data-total"))
    expected = [r for r in _records(site) if "营改增" in re.sub(r"\s", "", r["title"] + r["text"])]
    assert total == len(expected) >= 2
    urls = [li.get_attribute("data-url") for li in page.query_selector_all(".fz-result")]
    assert len(urls) == total
    target = next(r for r in expected if r["date"] == "2016-05-01")
    assert target["url"] in urls
    assert page.url.endswith("?q=" + quote("营改增"))
    # follow the link: the page opens at the event and highlights the term
    page.click(f'.fz-result[data-url="{target["url"]}"] a')
    page.wait_for_load_state("load")
    anchor = target["url"].split("#")[1]
    assert page.url.endswith("#" + anchor)
    box = page.locator(f"#{anchor}").bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    assert page.locator(f"#{anchor} mark.fz-hit").count() >= 1
    assert not errors


def test_search_counts_match_substring_ground_truth(built, served, browser):
    _, _, site = built
    records = _records(site)
    for query in ("古城街道", "2012年", "低保"):
        page, errors = _open_search(browser, served, query)
        total = int(page.get_attribute("[data-total]", "data-total"))
        truth = {r["url"] for r in records if query in re.sub(r"\s", "", r["title"] + r["text"])}
        urls = {li.get_attribute("data-url") for li in page.query_selector_all(".fz-result")}
        assert total == len(truth) and urls == truth, query
        assert not errors
        page.close()


def test_home_and_year_pages_render(served, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    csp = watch_csp(page)
    page.goto(served)
    assert "方志" in page.title()
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    page.goto(f"{served}years/2012/")
    assert page.locator(".fz-listed").count() >= 5
    page.goto(f"{served}regions/guta/")
    assert page.locator(".fz-map").count() == 1
    assert not errors and not csp, (errors, csp)


def test_search_works_from_file_with_the_network_off(built, browser):
    """Opened from disk: index parts load as local scripts, nothing goes to any host."""
    _, _, site = built
    context = browser.new_context(offline=True)
    outside: list[str] = []
    context.route(re.compile(r"^(?!file:).*"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("request", lambda req: None if req.url.startswith("file:") else outside.append(req.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    csp = watch_csp(page)
    page.goto((site / "search" / "index.html").as_uri() + "?q=" + quote("营改增"))
    page.wait_for_selector("#fz-results[data-complete]", timeout=20000)
    truth = [r for r in _records(site) if "营改增" in re.sub(r"\s", "", r["title"]) + re.sub(r"\s", "", r["text"])]
    assert int(page.get_attribute("[data-total]", "data-total")) == len(truth) >= 2
    assert page.locator(".fz-snippet mark").count() >= 1
    target = next(r for r in truth if r["date"] == "2016-05-01")
    page.click(f'.fz-result[data-url="{target["url"]}"] a')
    page.wait_for_load_state("load")
    anchor = target["url"].split("#")[1]
    assert page.url.startswith("file:") and "/index.html?h=" in page.url and page.url.endswith("#" + anchor)
    assert page.locator(f"#{anchor} mark.fz-hit").count() >= 1
    assert outside == [] and not errors and not csp
    context.close()


def test_facets_filter_and_count_from_the_url(built, served, browser):
    _, _, site = built
    records = _records(site)
    has = [r for r in records if "低保" in re.sub(r"\s", "", r["title"]) + re.sub(r"\s", "", r["text"])]
    page, errors = _open_search(browser, served, "低保")
    counts = {el.get_attribute("data-value"): int(el.get_attribute("data-count"))
              for el in page.query_selector_all('[data-facet="source"] .fz-facet-value')}
    sources = json.loads((site / "data" / "sources.json").read_text("utf-8"))
    expected = {}
    for r in has:
        k = str(next(i for i, s in enumerate(sources) if s["id"] == r["source"]))
        expected[k] = expected.get(k, 0) + 1
    assert counts == expected
    region = max({g for r in has for g in r["regions"]}, key=lambda g: sum(g in r["regions"] for r in has))
    years = sorted({y for r in has if region in r["regions"] for y in r["years"]})
    lo, hi = years[0] - 1, years[0]
    page.goto(f"{served}search/?q={quote('低保')}&year={lo}-{hi}&region={region}")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=20000)
    truth = {r["url"] for r in has if region in r["regions"] and any(lo <= y <= hi for y in r["years"])}
    assert 0 < len(truth) < len(has)
    urls = {li.get_attribute("data-url") for li in page.query_selector_all(".fz-result")}
    assert urls == truth and int(page.get_attribute("[data-total]", "data-total")) == len(truth)
    assert page.locator(f'[data-facet="region"] .fz-active[data-value="{region}"]').count() == 1
    assert not errors
    page.close()


def test_header_search_box_leads_to_the_search_page(served, browser):
    page = browser.new_page()
    csp = watch_csp(page)
    page.goto(f"{served}years/2012/")
    page.click("#fz-header-q", timeout=5000)
    page.fill("#fz-header-q", "古城街道")
    page.press("#fz-header-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=20000)
    assert quote("古城街道") in page.url
    assert int(page.get_attribute("[data-total]", "data-total")) > 0, page.text_content("#fz-search-status")
    assert not csp, csp
    page.close()


def test_search_page_loads_only_the_parts_a_query_needs(built, served, browser):
    _, _, site = built
    page, errors = _open_search(browser, served, "营改增")
    first = int(page.get_attribute("#fz-results", "data-files"))  # loaded when the first results showed
    loaded = page.evaluate("FZS.loaded")[:first]
    assert loaded[0] == "manifest" and any(name.startswith("r/") for name in loaded)
    assert not any(name.startswith(("f", "m/")) for name in loaded)  # facets and long lists come after
    size = sum((site / "data" / "search" / f"{name}.js").stat().st_size for name in loaded)
    total = sum(p.stat().st_size for p in (site / "data" / "search").rglob("*.js"))
    assert first < 30 and size < 300_000 and size * 20 < total
    assert not errors
    page.close()
