"""Headless Chromium against the built site: search, result links, anchors."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

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
    page.goto(served)
    assert "方志" in page.title()
    page.goto(f"{served}years/2012/")
    assert page.locator(".fz-listed").count() >= 5
    assert not errors
