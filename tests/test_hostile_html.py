"""Hostile input never becomes markup: a tiny archive whose every field carries payloads, built and visited.

Classes of input covered (tests/hostile_archive.py writes them into every text and config
field: source titles, editor/publisher/edition/description, a region's name, aliases and
history, a topic's name, an organisation's name and history, a series' name, a correction's
note, a retired permalink's label, and the yearbook's 部类/分目 headings, 条目 titles and lines):

* HTML: ``<script>alert(1)</script>``, ``<img src=x onerror=alert(1)>``, an attribute
  break-out ``" onmouseover="alert(1)``;
* Markdown: a link ``[x](javascript:alert(1))``, an attribute list ``{: onclick="alert(1)" }``;
* template syntax: ``{{ 7*7 }}``, ``{% raw %}``;
* quotes (ASCII and 「」“”《》) and control characters (\\x00–\\x1f but tab and newline, \\x7f;
  the source texts carry the few a text may hold);
* CSV injection: cells starting with ``= + - @``, tab or CR (unit test of both CSV writers);
* the reference managers' ``<meta>`` tags (``citation_*``, ``DC.*``), the per-record RIS, BibTeX
  and CSL-JSON exports and the source viewer's lines (issue 15): the payloads are literal text
  there too, read back by a metadata parser, rispy, bibtexparser and JSON, and in Chromium.

On every page of the built site in headless Chromium: no dialog opens, no element has an
``on*`` attribute or a ``javascript:`` URL, no ``<script>``/``<img>`` from a payload exists,
the Content-Security-Policy ``<meta>`` is there and the console reports no violation; the
payload shows as literal text in the title, header, nav and body where it belongs; and the
policy itself stops an inline handler and a ``javascript:`` link (over http and file://).
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import socketserver
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from builder.render import viewer
from builder.render.downloads import _ledger_csv
from builder.render.export import _csv
from builder.render.safe import csv_cell, html_text, md_heading, yaml_str
from builder.sources.ledger import LedgerEntry

from .conftest import make_project
from .hostile_archive import (
    CONTROLS,
    HEADING,
    ORG_NAME,
    REGION_NAME,
    RETIRED_LABEL,
    SCRIPT,
    SOURCE_TITLE,
    TOPIC_NAME,
    YEARBOOK_TITLE,
    payload,
    visible,
    write_hostile_archive,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# every element's attributes: handlers, script URLs; payload elements; the policy
SCAN = """() => {
  const out = {on: [], js: [], img: [], script: [],
               csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || ''};
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) out.on.push(el.tagName + ' ' + a.name);
      if (/^\\s*javascript:/i.test(a.value)) out.js.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const i of document.querySelectorAll('img')) if (i.getAttribute('src') === 'x') out.img.push(i.outerHTML);
  for (const s of document.querySelectorAll('script')) if (s.textContent.includes('alert(1)')) out.script.push(s.outerHTML);
  return out;
}"""
WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """The hostile archive built by the real pipeline and MkDocs, served over http."""
    from builder.pipeline import build

    tmp = tmp_path_factory.mktemp("hostile")
    cfg, texts = write_hostile_archive(tmp)
    project = make_project(tmp)
    site = project / "site"
    build(project_dir=project, sources_dir=texts, config_dir=cfg, out_dir=site)
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html")
                  for p in site.rglob("index.html"))


def _open(browser, dialogs: list[str], console: list[str]):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return context, page


@pytest.mark.browser
def test_every_page_runs_no_payload_and_carries_the_policy(hostile, browser):
    site, base = hostile
    pages = _pages(site)
    assert len(pages) > 20 and "sources/duwan-gone/" in pages  # the retired page's notice is there
    dialogs: list[str] = []
    console: list[str] = []
    context, page = _open(browser, dialogs, console)
    found: dict[str, dict] = {}
    for rel in pages:
        page.goto(base + rel)
        page.wait_for_load_state("load")
        # hover and click what a reader would: every link's text and each heading
        page.evaluate("() => document.querySelectorAll('a, h1, h2, h3, span, p').forEach("
                      "el => el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))")
        r = page.evaluate(SCAN)
        r["violations"] = page.evaluate("window.__csp")
        bad = {k: v for k, v in r.items() if v and k != "csp"}
        if bad or "script-src 'self'" not in r["csp"] or "unsafe-inline" in r["csp"].split("style-src")[0]:
            found[rel] = {**bad, "csp": r["csp"][:80]}
    context.close()
    assert not found, found
    assert not dialogs, dialogs
    assert not console, console


def _text(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(selector).first.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize(("rel", "tag", "value"), [
    ("sources/duwan-dsj/", "文献题名甲", SOURCE_TITLE),
    ("sources/duwan-yearbook/", "年鉴题名乙", YEARBOOK_TITLE),
    ("regions/duwan/", "恶意街道", REGION_NAME),
    ("topics/dangjian/", "恶意主题", TOPIC_NAME),
])
def test_a_hostile_title_is_literal_in_title_header_heading(hostile, browser, rel, tag, value):
    _, base = hostile
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + rel)
    literal = visible(tag)
    assert value.startswith(literal)
    assert page.title().startswith(literal), page.title()
    assert literal in _text(page, ".md-header__topic:last-child")
    assert _text(page, "article h1").startswith(literal)
    assert not any(c in page.title() for c in CONTROLS.replace("\r", ""))
    context.close()


@pytest.mark.browser
def test_data_is_literal_in_listings_nav_and_notices(hostile, browser):
    _, base = hostile
    context = browser.new_context()
    page = context.new_page()
    # the sources index: each title a link label, the region in its note
    page.goto(base + "sources/")
    body = _text(page, "article")
    assert visible("文献题名甲") in body and visible("恶意街道") in body
    # a region's listing: the source title after each record, the history, the aliases' region
    page.goto(base + "regions/duwan/")
    body = _text(page, "article")
    assert visible("年鉴题名乙") in body and visible("沿革") in body
    # a yearbook 部类 heading: its page title, heading, the overview's contents and the nav
    page.goto(base + "sources/duwan-yearbook/")
    assert HEADING.split("'")[0] in _text(page, "article")
    link = page.locator("article a", has_text="综述").first
    link.click()
    page.wait_for_load_state("load")
    assert page.title().startswith(HEADING.split("'")[0])
    assert _text(page, "article h1").startswith(HEADING.split("'")[0])
    # an organisation's page and the retired page's notice
    page.goto(base + "organisations/")
    page.locator("article a", has_text="恶意机构").first.click()
    page.wait_for_load_state("load")
    assert _text(page, "article h1").startswith(visible("恶意机构")) and ORG_NAME.startswith(visible("恶意机构"))
    page.goto(base + "sources/duwan-gone/")
    notice = _text(page, ".fz-retired-page")
    assert visible("旧页标题") in notice and RETIRED_LABEL.startswith(visible("旧页标题")) and "sources/duwan-gone/" in notice
    # a correction's note, shown on hover over the corrected text
    page.goto(base + "sources/duwan-dsj/")
    assert visible("勘误说明") in (page.locator(".fz-fix").first.get_attribute("title") or "")
    # a retired record's notice (drawn by fangzhi-permalinks.js from data/permalinks.js)
    page.goto(base + "sources/duwan-dsj/#duwan-dsj-e20200101-abcdef")
    assert visible("旧页标题") in _text(page, ".fz-retired")
    context.close()


@pytest.mark.browser
def test_the_policy_stops_handlers_and_script_urls_over_http_and_file(hostile, browser):
    site, base = hostile
    for url in (base + "years/2020/", (site / "years" / "2020" / "index.html").as_uri()):
        dialogs: list[str] = []
        console: list[str] = []
        context, page = _open(browser, dialogs, console)
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == []  # the page's own scripts all run
        page.evaluate("""() => {
            document.body.insertAdjacentHTML('beforeend',
              '<img id="bad-img" src="x" onerror="window.__ran = 1">' +
              '<a id="bad-link" href="javascript:window.__ran = 2">x</a>');
        }""")
        page.click("#bad-link")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("window.__csp.length") >= 2, page.evaluate("window.__csp")
        assert not dialogs
        context.close()


@pytest.mark.browser
def test_search_works_under_the_policy(hostile, browser):
    site, base = hostile
    for url in (base + "search/", (site / "search" / "index.html").as_uri() + "?q=" + quote("毒丸")):
        dialogs: list[str] = []
        console: list[str] = []
        context, page = _open(browser, dialogs, console)
        page.goto(url)
        if url.startswith("http"):  # as a reader would; from file:// the form leads to the folder
            page.fill("#fz-q", "毒丸")
            page.press("#fz-q", "Enter")
        page.wait_for_selector("[data-complete]", timeout=20000)
        assert int(page.get_attribute("[data-total]", "data-total")) >= 3
        page.locator("[data-snippet=done]").first.wait_for()
        assert page.evaluate(SCAN)["img"] == [] and page.evaluate("window.__csp") == []
        assert not dialogs and not console
        context.close()


# -- units -------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found.append((tag, attrs))


def test_html_text_is_literal_in_html_and_in_markdown():
    import markdown

    for value in (SOURCE_TITLE, HEADING, "[x](javascript:alert(1))", "a\n\n# b\n- c", "`code`", "\\*x\\*",
                  "x {: onclick=alert(1) }", "![i](x)"):
        out = str(html_text(value))
        assert not any(c in out for c in "<>[]()`{}\n\\") and not any(c in out for c in CONTROLS)
        # in a <div markdown> block, a list item, a heading, an HTML block: text, no element or attribute
        for doc in (f"<div markdown>\n{out}\n</div>", f"- {out}", f"# {out}", f"<p class=x>{out}</p>"):
            parser = _Elements()
            parser.feed(markdown.markdown(doc, extensions=["attr_list", "md_in_html", "tables"]))
            assert [t for t, attrs in parser.found if t not in ("div", "p", "ul", "li", "h1")] == []
            assert [a for t, attrs in parser.found for a in attrs if a != ("class", "x")] == []
    # ordinary text is untouched
    assert html_text("古塔区「大事记」“2012年”《年鉴》") == "古塔区「大事记」“2012年”《年鉴》"
    assert str(md_heading("综述\x01\n[x](y)")) == "综述 \\[x\\]\\(y\\)"


def test_front_matter_values_always_parse_to_one_plain_line():
    for value in (SOURCE_TITLE, 'a"b\\c', "x\ny\u2028z", "title: {{ 7*7 }}\n---\n"):
        parsed = yaml.safe_load(f"title: {yaml_str(value)}\n")["title"]
        assert "\n" not in parsed and not any(c in parsed for c in CONTROLS)
        assert parsed.replace(" ", "") == "".join(c for c in value if c not in CONTROLS + "\n\u2028").replace(" ", "")


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_cells_that_look_like_formulas_start_with_a_quote():
    for f in FORMULAS:
        assert csv_cell(f) == "'" + f
    for ok in ("古塔区", "2012-03", "", "a=b", 12, None):
        assert csv_cell(ok) == ok
    row = {"id": "=1+1", "source": "+s", "date": "2012", "precision": "day", "edtf": "2012", "printed": "=2012年",
           "calendar": "gregorian", "original": "", "qualifier": "@q", "title": "@t", "text": FORMULAS[0],
           "regions": ["-r"], "topics": ["t"], "topic_possible": False, "url": "u", "line": 3,
           "path": ["=p", "q"]}
    cells = list(csv.reader(io.StringIO(_csv([row]).lstrip("\ufeff"))))[1]
    assert cells[:3] == ["'=1+1", "'+s", "2012"]
    assert cells[5] == "'=2012年" and cells[8] == "'@q"
    assert cells[9:12] == ["'@t", "'" + FORMULAS[0], "'-r"] and cells[-1] == "'=p / q" and cells[-2] == "3"
    entry = LedgerEntry(source="s", line=1, rule="correction", before="=cmd|' /C calc'!A0", after="-1", note="@x")
    cells = list(csv.reader(io.StringIO(_ledger_csv([entry]).lstrip("\ufeff"))))[1]
    assert cells == ["s", "1", "correction", "'=cmd|' /C calc'!A0", "'-1", "'@x"]


@pytest.mark.parametrize("name", ["regions.yml", "topics.yml"])
def test_an_id_used_in_urls_must_be_a_slug(tmp_path, name):
    """A region's or topic's id becomes a link target (``javascript:…/index.md`` would be a script URL)."""
    from builder.config.loader import ConfigError
    from builder.config.site import load_regions, load_topics

    cfg, _ = write_hostile_archive(tmp_path)
    path = cfg / name
    text = path.read_text("utf-8")
    path.write_text(text.replace("id: duwan\n" if name == "regions.yml" else "id: dangjian\n",
                                 "id: javascript:alert(1)\n", 1), "utf-8")
    assert "javascript:alert(1)" in path.read_text("utf-8")
    with pytest.raises(ConfigError, match=r"\.yml:\d+: .*lower-case ASCII"):
        (load_regions if name == "regions.yml" else load_topics)(path)


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet="<>&\"'_*[](){}!|~`\\\n\r\x07 中文"))
def test_html_text_fast_path_changes_nothing(text: str) -> None:
    """``html_text`` skips the escaping of a value with nothing to escape: the same as escaping it."""
    from markupsafe import escape

    from builder.render.safe import _TEXT, html_text

    assert html_text(text) == str(escape(text)).translate(_TEXT)


# -- issue 15: metadata tags, citation exports, the source viewer ------------------------------------

class _Head(HTMLParser):
    """The elements of a page's <head>: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.done:
            self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.done = self.done or tag == "head"


def test_metadata_tags_hold_hostile_fields_as_text(hostile):
    import metadata_parser

    site, _ = hostile
    html = (site / "sources/duwan-dsj/index.html").read_text("utf-8")
    meta = metadata_parser.MetadataParser(html=html, search_head_only=True).parsed_result.metadata
    assert meta["meta"]["citation_title"] == SOURCE_TITLE
    assert meta["dc"]["title"]["content"] == SOURCE_TITLE
    assert meta["meta"]["citation_author"] == payload("编者")
    head = _Head()
    head.feed(html)
    assert not [(t, a) for t, a in head.elements if t in ("img", "script") and "alert(1)" in str(a)]
    assert not [a for _, a in head.elements if any(k.startswith("on") for k in a)]
    assert [t for t, _ in head.elements].count("meta") > 10


def test_citation_exports_hold_hostile_fields_as_text(hostile):
    import json

    import bibtexparser
    import rispy

    site, _ = hostile
    script = (site / "data/cite/sources/duwan-dsj.js").read_text("utf-8")
    assert "<" not in script and ">" not in script  # JSON with < > & escaped: inert anywhere
    data = json.loads(script.split("=", 2)[2].rstrip(";\n"))
    assert data
    for rid, entry in data.items():
        ris = rispy.loads(entry["ris"].replace("\x01", "2026/07/02"))
        assert len(ris) == 1 and ris[0]["id"] == rid and ris[0]["secondary_title"] == SOURCE_TITLE
        bib = bibtexparser.parse_string(entry["bib"].replace("\x01", "2026-07-02"))
        assert not bib.failed_blocks and len(bib.entries) == 1 and bib.entries[0].key == rid
        assert {"title", "howpublished", "url", "note"} <= set(bib.entries[0].fields_dict)
        assert entry["csl"]["container-title"] == SOURCE_TITLE


@pytest.mark.browser
def test_the_source_viewer_shows_hostile_lines_as_written(hostile, browser):
    site, base = hostile
    raw = (site / "data/raw/duwan-dsj.txt").read_text("utf-8").removeprefix("\ufeff").split("\n")
    dialogs: list[str] = []
    console: list[str] = []
    context, page = _open(browser, dialogs, console)
    shown: list[str] = []
    for part in sorted((site / "sources/duwan-dsj/text").glob("*/index.html")):
        page.goto(base + part.relative_to(site).parent.as_posix() + "/")
        shown += page.locator(".fz-source-text .fz-t").evaluate_all("els => els.map(e => e.textContent)")
        assert page.evaluate(SCAN)["script"] == [] and page.evaluate(SCAN)["on"] == []
    context.close()
    assert shown == [viewer.shown(line) for line in raw]  # a control character as its picture (␁)
    assert any(SCRIPT in line for line in shown) and any("\u2401" in line for line in shown)  # the payloads are there, as text
    assert not dialogs and not console
