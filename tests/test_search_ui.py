"""The search as readers use it, typed into the boxes of a real browser, in the three ways the site is
read: over HTTP (a static server), from `fangzhi serve`, and from the unzipped bundle on file:// with the
network off.

Classes covered:

* **typing Chinese into the header box** of an ordinary page (低保, 古塔区, 经济: no trailing space, no
  second index): the first results, with snippets and the total, appear as you type, loaded from the
  archive's own index (``data/search/``) and nothing else; Enter opens the full result page, whose
  total is the same;
* **typing into the search page's own box and pressing Enter**: the result page of that query, also on
  file://, where a form's ``action="./"`` would open a folder listing;
* **a 390×844 phone with touch**: the first result on the first screen, the facets behind one tap,
  sort by date (early → late, undated last) and back to relevance, export of every result as CSV (with
  a BOM, a header row and one row per result) and as JSON (the total and every result).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
import urllib.request
import zipfile
from urllib.parse import quote

import pytest

from tests.conftest import REPO, make_project, small_config, watch_csp
from tests.test_serve import START_TIMEOUT, Server, _free_port

pytestmark = pytest.mark.browser

HEADER_QUERIES = ["低保", "古塔区", "经济"]


def _type_in_header(page, query: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Type ``query`` into the header box key by key; the total and the number of results shown."""
    page.locator("#fz-header-q").press_sequentially(query)
    box = f'#fz-header-results[data-q="{query}"]:not([hidden])'
    page.wait_for_selector(box, timeout=30_000)
    total = int(page.get_attribute(f"{box} .fz-header-status", "data-total"))
    shown = page.locator(f"{box} .fz-result").count()
    snippets = page.locator(f"{box} .fz-snippet mark").count()
    assert total > 0 and shown == min(total, 8) and snippets > 0, (query, total, shown, snippets)
    return total, shown


def _enter(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.press(selector, "Enter")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=30_000)
    return int(page.get_attribute("[data-total]", "data-total"))


def _both_boxes(page, start_url: str, file_urls: bool) -> None:  # type: ignore[no-untyped-def]
    """On a page that is not the search page: the header box as you type, then Enter; then the search
    page's own box and Enter."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for query in HEADER_QUERIES:
        page.goto(start_url)
        total, _ = _type_in_header(page, query)
        assert _enter(page, "#fz-header-q") == total, query
        assert ("/search/index.html?q=" if file_urls else "/search/?q=") + quote(query) in page.url
    page.fill("#fz-q", "")
    page.locator("#fz-q").press_sequentially("脱贫")
    total = _enter(page, "#fz-q")
    assert total > 0 and quote("脱贫") in page.url and "Index of" not in page.content()
    assert page.input_value("#fz-q") == "脱贫"
    # one index: the archive's own, in small files; no title index for the header box
    assert not [u for u in requests if "search_index.json" in u or "/search/search" in u]
    assert any("/data/search/g/" in u for u in requests)


@pytest.mark.browser
def test_both_boxes_over_http(served, browser):
    page = browser.new_page()
    csp = watch_csp(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _both_boxes(page, f"{served}years/", file_urls=False)
    assert not errors and not csp, (errors, csp)
    page.close()


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("search-ui"))
    shutil.copytree(REPO / "source_texts", project / "source_texts")
    small_config(project)
    return project


def _wait_for_index(url: str, timeout: float = 120) -> None:
    """`fangzhi serve` writes the search index after the pages: wait until it is served."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/data/search/manifest.js", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@pytest.mark.browser
def test_both_boxes_from_fangzhi_serve(small_project, browser):
    server = Server(small_project, _free_port())
    try:
        url = server.wait_for(lambda ln: ln.startswith("serving http"), START_TIMEOUT).split()[1]
        _wait_for_index(url)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _both_boxes(page, f"{url.rstrip('/')}/sources/", file_urls=False)
        assert not errors, errors
        page.close()
    finally:
        assert server.stop() == 0, "\n".join(server.lines)


@pytest.mark.browser
def test_both_boxes_in_the_bundle_from_disk_offline(small_project, browser, tmp_path):
    from builder.bundle import make_bundle

    result = make_bundle(project_dir=small_project, sources_dir=small_project / "source_texts",
                         config_dir=small_project / "site_config", zip_path=tmp_path / "archive.zip")
    root = tmp_path / "unzipped"
    with zipfile.ZipFile(result.zip_path) as zf:
        zf.extractall(root)
    start = next(root.rglob("sources/index.html"))
    context = browser.new_context()
    outside: list[str] = []
    context.route(re.compile(r"^(?!file:).*"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _both_boxes(page, start.as_uri(), file_urls=True)
    assert not errors and not outside, (errors, outside)
    context.close()


@pytest.mark.browser
def test_phone_results_first_facets_behind_a_tap_sort_and_export(served, browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(f"{served}search/")
    page.locator("#fz-q").press_sequentially("低保")
    total = _enter(page, "#fz-q")
    assert total > 20
    first = page.locator(".fz-result").first.bounding_box()
    assert first and first["y"] + first["height"] <= 844, first  # a whole result on the first screen
    value = page.locator(".fz-facet-value").first
    assert not value.is_visible()
    page.tap("#fz-facets-panel > summary")
    assert value.is_visible()

    with page.expect_navigation():
        page.select_option("#fz-sort", "date")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=30_000)
    assert int(page.get_attribute("[data-total]", "data-total")) == total and "sort=date" in page.url
    dates = page.eval_on_selector_all(".fz-result", "lis => lis.map(li => (li.querySelector('.fz-date') || {}).textContent || '')")
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[:len(dated)] == dated  # early to late, undated last

    with page.expect_download() as download:
        page.tap("#fz-tools button[data-format=csv]")
    download.value.save_as(tmp_path / "r.csv")
    text = (tmp_path / "r.csv").read_text("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["序号", "类型", "标题"] and len(rows) == total + 1
    assert [r[3] for r in rows[1:len(dated) + 1]] == dated  # in the order shown
    assert all(r[-1].startswith("http") for r in rows[1:])
    with page.expect_download() as download:
        page.tap("#fz-tools button[data-format=json]")
    download.value.save_as(tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["query"] == "低保" and data["total"] == total == len(data["results"])

    with page.expect_navigation():
        page.select_option("#fz-sort", "")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=30_000)
    assert "sort=" not in page.url
    context.close()
