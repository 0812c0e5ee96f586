"""A portal of collections (builder/portal): each collection its own site, a hub linking across them, the
same bytes whether built in one process or on a 2-worker Dask LocalCluster (builder/parallel.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parallel import cluster, run_tasks
from builder.portal.build import build_portal

from .conftest import REPO, make_project, small_config
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
