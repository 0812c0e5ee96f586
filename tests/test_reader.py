"""The site as readers and researchers use it (issue 15): citations that paste into a paper, the
source viewer, raw texts read as UTF-8, a Chinese interface.

A small archive (conftest ``small_config``) is built by the real command with ``site_url`` set
to a sub-path (``/archive/``) and served there; headless Chromium acts as a reader: opens 引用,
presses the copy and export buttons, follows "原文第N行", mistypes an address, taps a corrected
character on a phone-sized touch screen.

Classes covered:

* citations: GB/T 7714—2025 form with the absolute permalink; the copy button adds the access
  date where the standard puts it; RIS, BibTeX and CSL-JSON downloads read back by rispy,
  bibtexparser and citeproc-py; a build without ``site_url`` warns in one line;
* metadata: the Highwire (``citation_*``) and Dublin Core (``DC.*``) tags of a reading page and
  of a plain page, read by a metadata parser (``metadata_parser``); sitemap.xml lists every page;
* the source viewer: pages of ``LINES_PER_PAGE`` lines at addresses that depend only on the line
  number (a 50,000-line text is 100 pages), every line once with its anchor and its text as in
  the raw file; a record's link highlights its lines;
* raw texts: read as UTF-8 by Chromium from a server that sends no charset and from file://
  (``fangzhi serve``: tests/test_serve.py);
* the interface: 404 in Chinese whose links work under a sub-path, no "Made with", Chinese
  permalink titles, corrections shown on tap, the font stack, nothing loaded from other hosts.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socketserver
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import bibtexparser
import metadata_parser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from builder.model.document import Line
from builder.render.viewer import LINES_PER_PAGE, chunks, line_href
from tests.conftest import REPO, make_project, small_config

SITE_URL = "http://localhost/archive/"
PREFIX = "/archive/"
PAGE = "sources/guta-dsj/"


def _cli_build(project: Path, config: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builder", "build", "--sources", str(REPO / "source_texts"), "--config", str(config),
         "--out", str(out)],
        check=False, cwd=project, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"},
    )


class _SubPath(http.server.SimpleHTTPRequestHandler):
    """The site under /archive/ as a static host serves it: other paths and missing files get
    the site's 404.html with status 404."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if not self.path.startswith(PREFIX):
            return self._not_found()
        self.path = "/" + self.path[len(PREFIX):]
        target = Path(self.translate_path(self.path))
        if not target.exists() or (target.is_dir() and not (target / "index.html").exists()):
            return self._not_found()
        return super().send_head()

    def _not_found(self):  # type: ignore[no-untyped-def]
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return __import__("io").BytesIO(body)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """The small archive built by `fangzhi build` with site_url under a sub-path, served there."""
    tmp = tmp_path_factory.mktemp("published")
    project = make_project(tmp)
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text("utf-8").replace('site_url: ""', f"site_url: {SITE_URL}"), "utf-8")
    config = small_config(tmp)
    site = project / "site"
    done = _cli_build(project, config, site)
    assert done.returncode == 0, done.stderr
    handler = functools.partial(_SubPath, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield {"project": project, "config": config, "site": site, "stderr": done.stderr,
           "url": f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"}
    httpd.shutdown()


def _open_citation(page) -> str:  # type: ignore[no-untyped-def]
    record = page.locator(".fz-record.fz-event").first
    record.locator("details.fz-cite > summary").click()
    return record.locator(".fz-citation").inner_text()


# -- citations -----------------------------------------------------------------------------------

def test_a_public_build_without_site_url_warns_and_with_it_does_not(published, tmp_path):
    assert "site_url" not in published["stderr"]
    project = published["project"]
    mkdocs = project / "mkdocs.yml"
    text = mkdocs.read_text("utf-8")
    try:
        mkdocs.write_text(text.replace(f"site_url: {SITE_URL}", 'site_url: ""'), "utf-8")
        done = _cli_build(project, published["config"], tmp_path / "site")
    finally:
        mkdocs.write_text(text, "utf-8")
    assert done.returncode == 0, done.stderr
    warnings = [ln for ln in done.stderr.splitlines() if "site_url" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("fangzhi: warning: mkdocs.yml: site_url is empty")


@pytest.mark.browser
def test_the_citation_is_gbt_7714_2025_with_the_absolute_permalink(published, browser):
    page = browser.new_page()
    page.goto(published["url"] + PAGE)
    text = _open_citation(page)
    record_id = page.locator(".fz-record.fz-event").first.get_attribute("id")
    assert text.startswith("[古塔区大事记（2012—2021）][Z/OL]：")
    assert re.search(r"：\d{4}年，原文第\d+行\. ", text)
    assert text.endswith(f". {SITE_URL}{PAGE}#{record_id}.")
    page.close()


@pytest.mark.browser
def test_copy_puts_the_access_date_before_the_address(published, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(published["url"] + PAGE)
    shown = _open_citation(page)
    record = page.locator(".fz-record.fz-event").first
    record.get_by_role("button", name="复制引文（附引用日期）").click()
    page.wait_for_function("() => document.querySelector('.fz-cite-status').textContent.startsWith('已复制')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), String(d.getMonth() + 1)"
                          ".padStart(2, '0'), String(d.getDate()).padStart(2, '0')].join('-'); }")
    head, _, url = shown.rpartition(". ")
    assert copied == f"{head}[{today}]. {url}"
    context.close()


@pytest.mark.browser
def test_each_record_exports_as_ris_bibtex_and_csl_json(published, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(published["url"] + PAGE)
    _open_citation(page)
    record = page.locator(".fz-record.fz-event").first
    record_id = record.get_attribute("id")
    saved = {}
    for label in ("RIS", "BibTeX", "CSL-JSON"):
        with page.expect_download() as info:
            record.get_by_role("button", name=label, exact=True).click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        saved[label] = path.read_text("utf-8")
    url = f"{SITE_URL}{PAGE}#{record_id}"
    [ris] = rispy.loads(saved["RIS"])
    assert ris["id"] == record_id and ris["urls"] == [url] and re.fullmatch(r"\d{4}/\d\d/\d\d", ris["access_date"])
    assert ris["secondary_title"] == "古塔区大事记（2012—2021）"
    bib = bibtexparser.parse_string(saved["BibTeX"])
    assert not bib.failed_blocks and bib.entries[0].key == record_id
    assert bib.entries[0]["url"] == url and re.fullmatch(r"\d{4}-\d\d-\d\d", bib.entries[0]["urldate"])
    [item] = json.loads(saved["CSL-JSON"])
    assert item["URL"] == url and len(item["accessed"]["date-parts"][0]) == 3
    source = CiteProcJSON([item])
    bibliography = CitationStylesBibliography(CitationStylesStyle("harvard-cite-them-right", validate=False),
                                              source, formatter.plain)
    bibliography.register(Citation([CitationItem(record_id)]))
    assert "古塔区大事记" in str(bibliography.bibliography()[0])
    context.close()


# -- what reference managers and crawlers read ---------------------------------------------------------

def _metadata(url: str) -> dict:
    with urllib.request.urlopen(url) as response:
        html = response.read().decode("utf-8")
    return metadata_parser.MetadataParser(html=html, search_head_only=True).parsed_result.metadata


def test_a_reading_page_carries_highwire_and_dublin_core_metadata(published):
    meta = _metadata(published["url"] + "sources/guta-tuopin-report/")
    hw, dc = meta["meta"], meta["dc"]
    assert hw["citation_title"] == dc["title"]["content"] != ""
    assert hw["citation_public_url"] == SITE_URL + "sources/guta-tuopin-report/" == dc["identifier"]["content"]
    assert hw["citation_language"] == "zh" and dc["language"]["content"] == "zh"
    assert hw["citation_author"] and hw["citation_publication_date"].isdigit()


def test_every_other_page_carries_its_title_and_the_site(published):
    meta = _metadata(published["url"] + "years/")
    assert meta["meta"]["citation_title"] == "年份" == meta["dc"]["title"]["content"]
    assert meta["dc"]["publisher"]["content"] == "方志 · 地方史数字档案"
    assert meta["meta"]["citation_public_url"] == SITE_URL + "years/"


def test_sitemap_lists_every_page_at_its_address(published):
    site = published["site"]
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = [p for p in site.rglob("index.html") if p.relative_to(site).parts[0] != "assets"]
    assert len(locs) == len(pages) > 50
    assert all(loc.startswith(SITE_URL) for loc in locs)
    assert SITE_URL + PAGE in locs


# -- the 404 page, under a sub-path ---------------------------------------------------------------

@pytest.mark.browser
def test_the_404_page_is_chinese_and_its_links_work_under_the_sub_path(published, browser):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(published["url"] + "no/such/page/")
    assert err.value.code == 404
    page = browser.new_page()
    page.goto(published["url"] + "no/such/page/")
    assert page.locator("h1").inner_text() == "页面不存在（404）"
    assert "Not found" not in page.content()
    page.get_by_role("link", name="文献目录").click()
    page.wait_for_url(published["url"] + "sources/")
    assert page.locator("h1").inner_text().rstrip("¶") == "文献"
    assert page.locator("link[rel=stylesheet]").count() > 0 and page.evaluate(
        "() => getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    page.close()


# -- the source viewer ----------------------------------------------------------------------------

def test_viewer_pages_depend_only_on_the_line_number_and_stay_bounded():
    lines = [Line(n, f"第{n}行") for n in range(1, 50_001)]
    parts = chunks(lines)
    assert len(parts) == 50_000 // LINES_PER_PAGE and all(len(p) <= LINES_PER_PAGE for _, p in parts)
    assert line_href("x", 12_345) == f"sources/x/text/{(12_345 - 1) // LINES_PER_PAGE + 1}/#L12345"
    # a document starting inside a file: its first page is named after its lines, not renumbered
    assert [k for k, _ in chunks(lines[1_200:1_900])] == [3, 4]
    assert line_href("x", 499, 505).endswith("#L499-500")  # the highlight stays on the line's page


def test_every_line_is_on_one_viewer_page_as_in_the_raw_text(published):
    site = published["site"]
    raw = (site / "data/raw/guta-dsj.txt").read_text("utf-8").removeprefix("\ufeff").split("\n")
    seen: dict[int, str] = {}
    for page in sorted((site / "sources/guta-dsj/text").glob("*/index.html")):
        html = page.read_text("utf-8")
        for no, text in re.findall(r'<div class="fz-l" id="L(\d+)">.*?<span class="fz-t">(.*?)</span></div>', html):
            assert int(no) not in seen
            seen[int(no)] = text
    assert sorted(seen) == list(range(1, len(raw) + 1))
    import html as html_lib
    assert all(html_lib.unescape(seen[n]) == raw[n - 1] for n in seen)


@pytest.mark.browser
def test_a_records_source_line_opens_the_viewer_with_its_lines_highlighted(published, browser):
    page = browser.new_page()
    page.goto(published["url"] + PAGE)
    record = page.locator(".fz-record.fz-event").first
    line = int(record.get_attribute("data-line"))
    link = record.locator("a.fz-line")
    assert link.inner_text() == f"原文第 {line} 行"
    link.click()
    page.wait_for_url(re.compile(rf"text/1/#L{line}$"))
    target = page.locator(f"#L{line}")
    assert "fz-hl" in target.get_attribute("class")
    assert target.is_visible() and page.evaluate(
        f"() => {{ const r = document.getElementById('L{line}').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }")
    raw = (published["site"] / "data/raw/guta-dsj.txt").read_text("utf-8").removeprefix("\ufeff").split("\n")
    assert target.locator(".fz-t").inner_text() == raw[line - 1]
    page.goto(published["url"] + "sources/guta-dsj/text/1/#L20-23")  # a record over several lines
    assert page.locator(".fz-l.fz-hl").evaluate_all("els => els.map(e => e.id)") == ["L20", "L21", "L22", "L23"]
    page.close()


# -- raw texts -------------------------------------------------------------------------------------

@pytest.mark.browser
def test_raw_texts_read_as_utf8_without_a_charset_and_from_disk(published, browser):
    site = published["site"]
    plain = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), plain)  # python -m http.server, as it is
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/data/raw/guta-dsj.txt"
        with urllib.request.urlopen(url) as response:
            assert "charset" not in response.headers["Content-Type"]  # what common servers send
        page = browser.new_page()
        for address in (url, (site / "data/raw/guta-dsj.txt").as_uri()):
            page.goto(address)
            text = page.locator("body").inner_text()
            assert text.lstrip().startswith("大事记") and "城市低保标准由每人每月" in text, address
            assert page.evaluate("() => document.characterSet") == "UTF-8"
        page.close()
    finally:
        httpd.shutdown()


# -- the interface ---------------------------------------------------------------------------------

@pytest.mark.browser
def test_the_interface_is_chinese(published, browser):
    page = browser.new_page()
    page.goto(published["url"] + PAGE)
    footer = page.locator("footer").inner_text()
    assert "Made with" not in footer and "Material for MkDocs" not in footer
    assert "方志" in footer
    assert page.locator("a.headerlink").first.get_attribute("title") == "本节的永久链接"
    assert "Permanent link" not in page.content()
    page.close()


@pytest.mark.browser
def test_a_correction_shows_its_original_on_tap(published, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(published["url"] + PAGE)
    fix = page.locator(".fz-fix").first
    before = fix.evaluate("el => getComputedStyle(el, '::after').content")
    assert before in ("none", "normal")
    fix.tap()
    after = fix.evaluate("el => getComputedStyle(el, '::after').content")
    assert "原文：" in after and fix.get_attribute("title").removeprefix("原文：").split("（")[0] in after
    context.close()


@pytest.mark.browser
def test_the_font_stack_is_chinese_and_nothing_comes_from_other_hosts(published, browser):
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urllib.request.urlparse(r.url).netloc))
    page.goto(published["url"] + PAGE)
    page.wait_for_load_state("networkidle")
    family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    for name in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert name in family
    assert hosts == {urllib.request.urlparse(published["url"]).netloc}
    page.close()
