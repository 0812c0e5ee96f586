"""MkDocs and ProperDocs build the same site from the same generated pages (builder/publish/engine.py)."""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import entry_points, version
from pathlib import Path

import pytest

from builder.publish.engine import ENGINES, site_build_command
from builder.publish.plugins import INDEX_DIR, LATER, is_late

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')
OUR_PLUGINS = {"fangzhi-search-index"}


@pytest.fixture(scope="module")
def project(built) -> Path:  # type: ignore[no-untyped-def]
    """The session's project: the whole seed archive's pages, written once (``built``)."""
    return built[1]


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_both_engines_build_the_same_site_from_the_same_pages(project: Path) -> None:
    """Both engines build ``docs/`` with ``mkdocs.yml`` (``--strict``), at the same time, into two folders.

    Compared is what each engine wrote itself: with ``FANGZHI_SEARCH_INDEX=later`` our plugin
    leaves the late files (split index, raw texts, downloads under ``data/``) to the caller, so
    neither folder has them. ``SOURCE_DATE_EPOCH`` is fixed for both, as ``fangzhi build`` sets it
    (otherwise ``sitemap.xml.gz`` carries each build's own time).

    One difference is inherent and is the only thing normalised: Material writes the engine into
    every page's ``<meta name="generator">`` (``mkdocs-1.6.1, mkdocs-material-…`` /
    ``mkdocs-ProperDocs 1.6.7, mkdocs-material-…``). That tag's content is checked to name the
    engine, then blanked in ``.html`` files; every other byte of every file must be the same.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1", LATER: "later"}
    sites = {engine: project / f"site-{engine}" for engine in ENGINES}
    logs = {engine: project / f"{engine}.log" for engine in ENGINES}
    procs = {}
    for engine in ENGINES:
        with logs[engine].open("w", encoding="utf-8") as log:
            procs[engine] = subprocess.Popen(site_build_command(engine, project / "mkdocs.yml", sites[engine]),
                                             cwd=project, env=env, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=log)
    try:
        for engine, proc in procs.items():
            assert proc.wait(timeout=300) == 0, f"{engine} build --strict failed:\n" + logs[engine].read_text("utf-8")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    names = {"mkdocs": f"mkdocs-{version('mkdocs')}, ", "properdocs": f"mkdocs-ProperDocs {version('properdocs')}, "}
    trees = {}
    for engine, site in sites.items():
        files = _files(site)
        pages = [path for path in files if path.endswith(".html")]
        assert len(pages) > 500, engine
        for path in pages:
            tags = GENERATOR.findall(files[path])
            assert len(tags) == 1 and tags[0].decode().startswith(names[engine]), (engine, path, tags)
            files[path] = GENERATOR.sub(b'<meta name="generator" content="">', files[path])
        assert not [path for path in files if is_late(path)], f"{engine} copied the late files itself"
        trees[engine] = files
    assert (project / "docs" / INDEX_DIR).is_dir()  # there were late files to leave out

    mkdocs, properdocs = trees["mkdocs"], trees["properdocs"]
    assert sorted(mkdocs) == sorted(properdocs)
    differ = [path for path in mkdocs if mkdocs[path] != properdocs[path]]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:10]}"
    # our plugins ran (under ProperDocs too): the pages carry the Content-Security-Policy
    pages = [path for path in properdocs if path.endswith("index.html")]
    assert pages and all(b"Content-Security-Policy" in properdocs[path] for path in pages)


def test_our_plugins_are_registered_for_both_engines() -> None:
    for group in ("mkdocs.plugins", "properdocs.plugins"):
        assert OUR_PLUGINS <= {ep.name for ep in entry_points(group=group)}, group


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="zensical"):
        site_build_command("zensical", Path("mkdocs.yml"), Path("site"))


def test_build_with_properdocs_publishes_a_complete_site(tmp_path: Path) -> None:
    """``fangzhi build --engine properdocs``: the whole pipeline, ProperDocs as the last stage."""
    from click.testing import CliRunner

    from builder.cli import main

    from .conftest import REPO, make_project, small_config

    project = make_project(tmp_path)
    config = small_config(tmp_path)
    cwd = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["build", "--engine", "properdocs", "--config", str(config),
                                           "--sources", str(REPO / "source_texts")])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    page = (project / "site" / "index.html").read_bytes()
    assert b"mkdocs-ProperDocs" in GENERATOR.search(page).group(1)
    assert (project / "site" / INDEX_DIR).is_dir()  # the late files are there too
