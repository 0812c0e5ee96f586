"""The offline bundle: one zip that works unzipped from file:// with the network blocked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from builder.bundle import rewrite_directory_links

from .conftest import REPO, make_project, watch_csp

_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory):
    from builder.bundle import make_bundle

    tmp = tmp_path_factory.mktemp("bundle")
    project = make_project(tmp)
    result = make_bundle(project_dir=project, sources_dir=REPO / "source_texts", config_dir=REPO / "site_config",
                         zip_path=tmp / "out" / "archive.zip")
    root = tmp / "unzipped"
    with zipfile.ZipFile(result.zip_path) as zf:
        zf.extractall(root)
    return result, root


def test_directory_links_become_index_html():
    html = '<a href="../regions/guta/">x</a> <a href="2012/?h=a#b">y</a> <a href="https://x.org/">z</a> <a href="#a">'
    assert rewrite_directory_links(html) == (
        '<a href="../regions/guta/index.html">x</a> <a href="2012/index.html?h=a#b">y</a> '
        '<a href="https://x.org/">z</a> <a href="#a">'
    )


def test_zip_has_index_html_at_the_top_and_every_page(bundle):
    result, root = bundle
    with zipfile.ZipFile(result.zip_path) as zf:
        names = zf.namelist()
    assert names[0] == "index.html"
    assert not any(n.startswith("/") or ".." in n for n in names)
    assert "usage.html" in names  # 使用说明
    assert "search/index.html" in names and "data/events.csv" in names and "data/raw/guta-dsj.txt" in names
    for page in result.archive.pages.values():
        for p in page:
            assert p.url + "index.html" in names
    assert "使用说明" in (root / "usage.html").read_text("utf-8")


def test_every_local_link_in_the_bundle_resolves_to_a_file(bundle):
    _, root = bundle
    missing = []
    for page in root.rglob("*.html"):
        for link in _LINK.findall(page.read_text("utf-8")):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                missing.append(f"{page.relative_to(root)} → {link}")
    assert not missing, missing[:20]


def test_no_page_references_another_host(bundle):
    _, root = bundle
    external = set()
    for page in root.rglob("*.html"):
        for link in re.findall(r'\s(?:src|href)="((?:https?:)?//[^"]+)"', page.read_text("utf-8")):
            if not re.search(r'<a\s[^>]*href="' + re.escape(link), page.read_text("utf-8")):
                external.add(link)
    assert not external  # scripts, styles, fonts, images are all local (links a reader clicks are allowed)


@pytest.mark.browser
def test_bundle_works_from_file_url_with_the_network_blocked(bundle, browser):
    _, root = bundle
    context = browser.new_context()
    requests: list[str] = []
    blocked: list[str] = []

    def route(r):  # type: ignore[no-untyped-def]
        url = r.request.url
        if url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    csp = watch_csp(page)

    page.goto((root / "index.html").as_uri())
    assert "方志" in page.title()
    # navigate: the 年份 tab, a year, an event in its source
    page.click("nav.md-tabs a:has-text('年份')")
    page.wait_for_load_state("load")
    assert page.url.endswith("years/index.html")
    page.click("article a[href$='2016/index.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("years/2016/index.html")
    link = page.locator("article a[href*='sources/'][href*='#']").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("load")
    anchor = href.split("#")[1]
    assert "/sources/" in page.url and page.url.endswith("index.html#" + anchor)
    assert page.locator(f"[id='{anchor}']").count() == 1
    # the source text it links to opens from disk
    raw = page.locator("a.fz-raw").first.get_attribute("href")
    assert (Path(unquote(urlsplit(page.url).path)).parent / raw).resolve().is_file()
    # the reader's guide
    page.goto((root / "usage.html").as_uri())
    assert page.locator("h1").inner_text().startswith("使用说明")

    # search
    page.goto((root / "search" / "index.html").as_uri() + "?q=" + quote("古城街道"))
    page.wait_for_selector("[data-complete]", timeout=20000)
    total = int(page.get_attribute("[data-total]", "data-total"))
    assert total >= 1
    result = page.locator("[data-url] a").first
    result.click()
    page.wait_for_load_state("load")
    # the result opens the record's page from disk, at its anchor, with the term highlighted
    assert page.url.startswith("file://") and "/sources/" in page.url and "/index.html" in page.url
    anchor = page.url.split("#")[1]
    assert page.locator(f"[id='{anchor}']").count() == 1
    assert not blocked, blocked
    assert requests and all(u.startswith("file://") for u in requests)
    assert not errors, errors
    assert not csp, csp  # the policy lets the bundle's own scripts run from disk
    context.close()


@pytest.mark.browser
def test_citations_exports_and_the_source_viewer_work_from_disk(bundle, browser, tmp_path):
    """Issue 15 offline: copy with the access date, a RIS export (its data script loads from
    file://) and a record's "原文第N行" opening the source viewer at its line."""
    _, root = bundle
    context = browser.new_context(accept_downloads=True, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    csp = watch_csp(page)
    page.goto((root / "sources" / "guta-dsj" / "index.html").as_uri())
    record = page.locator(".fz-record.fz-event").first
    record.locator("details.fz-cite > summary").click()
    record.get_by_role("button", name="复制引文（附引用日期）").click()
    page.wait_for_function("() => document.querySelector('.fz-cite-status').textContent.startsWith('已复制')")
    assert re.search(r"\[\d{4}-\d\d-\d\d\]\. sources/guta-dsj/#", record.locator(".fz-cite-status").inner_text())
    with page.expect_download() as info:
        record.get_by_role("button", name="RIS", exact=True).click()
    path = tmp_path / "r.ris"
    info.value.save_as(path)
    assert path.read_text("utf-8").startswith("TY  - MANSCPT")
    line = record.get_attribute("data-line")
    record.locator("a.fz-line").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"text/1/index.html#L{line}")
    assert "fz-hl" in page.locator(f"#L{line}").get_attribute("class")
    assert not errors and not csp, (errors, csp)
    context.close()
