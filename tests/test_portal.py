"""A portal of collections (builder/portal): each collection its own site, a hub linking across them, the
same bytes whether built in one process or on a 2-worker Dask LocalCluster (builder/parallel.py)."""

from __future__ import annotations

import functools
import json
import os
import re
import socketserver
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parallel import cluster, run_tasks
from builder.portal.build import build_portal
from builder.portal.search import build_hub_search, collection_records, index_files
from builder.search.index import (
    IndexSettings,
    display_text,
    fold,
    fold_map,
    fold_pairs,
    gram_lists,
    read_gram_lists,
)

from .conftest import REPO, _QuietHandler, make_project, small_config, watch_csp
from .portal_archive import make_portal

COLLECTIONS = [("guta", "锦州市古塔区", ("guta-dsj", "guta-tuopin-report")),
               ("jinzhou", "锦州市", ("jinzhou-2012-report", "guta-2011-report"))]


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def portals(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("portal")
    portal = make_portal(tmp / "portal", COLLECTIONS)
    one = build_portal(portal, tmp / "one")
    with cluster(workers=2):
        two = build_portal(portal, tmp / "two")
    return portal, (tmp / "one", one), (tmp / "two", two)


def test_one_process_and_a_local_cluster_build_the_same_bytes(portals) -> None:
    _, (one, stats_one), (two, stats_two) = portals
    a, b = _tree(one), _tree(two)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert stats_one.files == len(a) and stats_one.bytes == sum(map(len, a.values()))
    # the cluster's tasks ran in its worker processes, not here; one process did them all without it
    assert {t.pid for _, _, t in stats_two.tasks} - {os.getpid()} and os.getpid() not in {
        t.pid for _, _, t in stats_two.tasks}
    assert {t.pid for _, _, t in stats_one.tasks} == {os.getpid()}
    assert sorted((r, c) for r, c, _ in stats_two.tasks) == sorted(
        (r, c) for r in ("build", "summarise") for c, _, _ in COLLECTIONS)


def test_each_collection_is_a_site_of_its_own_and_the_hub_lists_them(portals) -> None:
    _, (site, _), _ = portals
    for ident, title, _ in COLLECTIONS:
        home = (site / ident / "index.html").read_text("utf-8")
        assert f"<title>{title}</title>" in home or title in home
        assert (site / ident / "search" / "index.html").is_file()
        assert (site / ident / "data" / "search" / "manifest.js").is_file()
    hub = (site / "index.html").read_text("utf-8")
    for ident, title, _ in COLLECTIONS:
        assert f'href="{ident}/"' in hub and title in hub


def _links(page: Path) -> list[str]:
    return re.findall(r'<a href="([^"#?]+)"', page.read_text("utf-8"))


def test_the_same_place_links_across_collections_and_every_link_resolves(portals) -> None:
    _, (site, stats), _ = portals
    assert stats.shared > 0
    shared = sorted((site / "shared").rglob("index.html"))
    assert shared
    checked = 0
    for page in [*shared, *sorted(site.glob("*/regions/*/index.html"))]:
        text = page.read_text("utf-8")
        if "fz-elsewhere" not in text and "fz-hub-shared" not in text:
            continue
        for href in _links(page):
            if href.startswith(("http", "mailto")):
                continue
            target = (page.parent / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), (page, href)
            checked += 1
    assert checked > 4
    # a region both collections tag links from each to the other
    guta = (site / "guta" / "regions" / "liaoning" / "index.html").read_text("utf-8")
    assert 'href="../../../jinzhou/regions/liaoning/"' in guta
    back = (site / "jinzhou" / "regions" / "liaoning" / "index.html").read_text("utf-8")
    assert 'href="../../../guta/regions/liaoning/"' in back


def test_run_tasks_on_a_cluster_reads_its_items_as_it_goes() -> None:
    pulled = []

    def items():
        for n in range(40):
            pulled.append(n)
            yield n

    with cluster(workers=2):
        results = run_tasks(abs, items())
        first = next(results)
        assert first == 0 and len(pulled) <= 4 + 1  # two per worker in flight, and the one just handed back
        assert [first, *results] == list(range(40))


def test_a_single_archive_builds_the_same_with_workers(tmp_path: Path) -> None:
    """`fangzhi build --workers 2`: the documents are parsed as Dask tasks; the site is the same."""
    project = make_project(tmp_path)
    config = small_config(tmp_path)
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        for out, extra in (("plain", []), ("dask", ["--workers", "2"])):
            result = runner.invoke(main, ["build", "--config", str(config), "--sources", str(REPO / "source_texts"),
                                          "--out", out, *extra])
            assert result.exit_code == 0, result.output
    finally:
        os.chdir(cwd)
    a, b = _tree(project / "plain"), _tree(project / "dask")
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_portal_config_errors_are_one_line_with_file_and_line(tmp_path: Path) -> None:
    portal = make_portal(tmp_path / "p", COLLECTIONS[:1])
    runner = CliRunner()
    cases = {
        "title: x\ncollections:\n  - id: a\n    title: A\n    path: ../../etc\n": r"portal\.yml:5: .* outside",
        "title: x\ncollections:\n  - id: a\n    title: A\n    pathh: collections/guta\n": r"portal\.yml:5: unknown key",
        "title: x\ncollections:\n  - id: Assets\n    title: A\n    path: collections/guta\n": r"portal\.yml:3: .*id",
        "title: x\ncollections:\n  - id: a\n    title: A\n    path: collections/guta\n"
        "  - id: a\n    title: B\n    path: collections/guta\n": r"portal\.yml:6: duplicate",
    }
    for text, pattern in cases.items():
        portal.write_text(text, "utf-8")
        result = runner.invoke(main, ["build", "--portal", str(portal), "--out", str(tmp_path / "site")])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fangzhi: error: "), result.output
        assert re.search(pattern, lines[0]), lines[0]
    assert not (tmp_path / "site").exists()


# ---- the hub's search over every collection (builder/portal/search.py) ----

def test_the_hubs_lists_are_one_index_over_every_collections_records(portals, tmp_path: Path) -> None:
    """Exact by construction: the hub's gram lists are, byte for byte, the lists of one index built over the
    records of every collection, numbered collection after collection in each one's own order — also with
    small shards, where lists that are light in each collection are heavy in the hub (a heavy 2-gram's
    document list is then made from the pieces' own), and with ranges of a few bytes (many reduce tasks)."""
    _, (site, stats), _ = portals
    folders = [(ident, title, site / ident / "data" / "search") for ident, title, _ in COLLECTIONS]
    records = [r for _, _, folder in folders for r in collection_records(index_files(folder))]
    assert stats.search is not None and stats.search.records == len(records)
    folded = fold_pairs([(title, display_text(text)) for title, text in records])[0]
    small = build_hub_search(folders, tmp_path / "small", tmp_path / "cache", IndexSettings(shard_bytes=100),
                             range_bytes=20_000)
    assert small.ranges > 5
    for limit, index in ((IndexSettings().shard_bytes, site / "data" / "search"), (100, tmp_path / "small")):
        expected = gram_lists(folded, limit)
        hub = read_gram_lists(index)
        assert set(hub) == set(expected.light) | set(expected.heavy)
        for gram, payload in expected.light.items():
            assert hub[gram] == ((payload, b"") if len(gram) == 1 else (b"", payload)), gram
        for gram, pair in expected.heavy.items():
            assert hub[gram] == pair, gram
    assert any(len(g) == 2 for g in gram_lists(folded, 100).heavy)


def _all_records(site: Path) -> list[dict]:
    out = []
    for ident, _, _ in COLLECTIONS:
        for name in ("events", "entries", "sections"):
            rows = json.loads((site / ident / "data" / f"{name}.json").read_text("utf-8"))
            out += [dict(r, url=f"{ident}/{r['url']}") for r in rows]
    return out


@pytest.fixture(scope="module")
def hub_served(portals):
    _, (site, _), _ = portals
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


HUB_QUERIES = ["古塔", "锦州", "人民代表大会", "2012年", "會議", "脱贫攻坚", "街道", "的", "古塔区人民政府", "亿元", "%"]


@pytest.mark.browser
def test_the_hubs_search_finds_every_record_of_every_collection(portals, hub_served, browser) -> None:
    _, (site, _), _ = portals
    records = _all_records(site)
    cmap = fold_map({c for r in records for c in r["title"] + r["text"]})
    folded = [(fold(r["title"], cmap), fold(r["text"], cmap)) for r in records]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{hub_served}search/")
    got = page.evaluate("""async (qs) => { const out = [];
        for (const q of qs) out.push((await window.FangzhiSearch.query(q)).map(r => r.url));
        return out; }""", HUB_QUERIES)
    both = 0
    for q, urls in zip(HUB_QUERIES, got, strict=True):
        f = fold(q)  # a traditional query folds by its own characters' map (the page's is the same)
        truth = {r["url"] for r, (title, text) in zip(records, folded, strict=True) if f in title or f in text}
        assert truth and set(urls) == truth and len(urls) == len(truth), (q, len(truth), len(urls))
        both += len({u.split("/")[0] for u in urls}) == len(COLLECTIONS)
    assert both >= 5  # most queries find records in both collections

    # as a reader: the header box of the hub's home page answers as one types
    page.goto(hub_served)
    page.locator("#fz-header-q").press_sequentially("锦州")
    page.wait_for_selector(".fz-header-status[data-total]", timeout=30000)
    f = fold("锦州", cmap)
    assert int(page.get_attribute(".fz-header-status", "data-total")) == sum(
        f in title or f in text for title, text in folded)
    page.goto(f"{hub_served}search/")
    # type into the search page's box, press Enter, read the total, open a result in its collection
    page.fill("#fz-q", "古塔")
    page.press("#fz-q", "Enter")
    page.wait_for_selector("#fz-results[data-complete]", timeout=30000)
    total = int(page.get_attribute("#fz-search-status", "data-total"))
    f = fold("古塔", cmap)
    assert total == sum(f in title or f in text for title, text in folded)
    meta = page.locator(".fz-result-meta").first.inner_text()
    assert any(title in meta for _, title, _ in COLLECTIONS)
    assert page.locator(".fz-facet[data-facet='source'] .fz-facet-value").count() == len(COLLECTIONS)
    assert "卷宗" in page.locator("#fz-facets-panel summary").inner_text()  # the hub's source facet: the collection
    first = page.locator(".fz-result").first.get_attribute("data-url")
    page.locator(".fz-result a").first.click()
    page.wait_for_load_state("load")
    anchor = first.split("#")[1]
    assert page.url.startswith(hub_served + first.split("#")[0]) and page.locator(f"[id='{anchor}']").count() == 1
    assert not errors, errors
    page.close()


@pytest.mark.browser
def test_the_hubs_search_works_from_disk_with_the_network_blocked(portals, browser) -> None:
    _, (site, _), _ = portals
    context = browser.new_context()
    blocked: list[str] = []

    def route(r):  # type: ignore[no-untyped-def]
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    csp = watch_csp(page)
    page.goto((site / "search" / "index.html").as_uri() + "?q=" + quote("锦州"))
    page.wait_for_selector("#fz-results[data-complete]", timeout=30000)
    urls = page.eval_on_selector_all(".fz-result", "els => els.map(e => e.getAttribute('data-url'))")
    assert int(page.get_attribute("#fz-search-status", "data-total")) == len(urls) > 0
    assert {u.split("/")[0] for u in urls} == {ident for ident, _, _ in COLLECTIONS}
    assert page.locator(".fz-snippet mark").count() > 0  # snippets read from the collections' own files
    page.locator(".fz-result a").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and "/index.html" in page.url
    assert not blocked and not errors and not csp, (blocked, errors, csp)
    context.close()
