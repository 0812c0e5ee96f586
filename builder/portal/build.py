"""Build a portal: every collection as its own site under ``site/<id>/``, and the hub at ``site/``.

Round 1 — one task per collection, ``summarise``: what each holds (counts, years) and which people,
places and meetings have pages in it. The hub and the cross-links are worked out here from those
summaries (small: names and page paths). Round 2 — one task per collection, ``build_collection``: the
whole pipeline and MkDocs for it, with the links to the same person, place or meeting in the other
collections; its files come back and are written as they arrive, in collection order. The hub's own
MkDocs build runs meanwhile. The tasks run through ``builder.parallel.run_tasks``: here, one after the
other, or on a Dask cluster (``fangzhi build --portal … --workers N`` / ``--scheduler tcp://…``); a
task's inputs travel with it (``collection.CollectionJob``) and at most a few collections are in flight,
so no process holds the whole portal. The output is the same bytes whichever way it ran; the new site
replaces the old one only when all of it is built (builder/publish/site.py ``switch_in``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from builder.config import ConfigError, load_config
from builder.files import LockError, project_lock
from builder.parallel import run_tasks
from builder.pipeline import BuildError
from builder.portal.collection import (
    COLLECTION_PARTS,
    CollectionJob,
    Summary,
    TaskStats,
    build_collection,
    summarise,
)
from builder.portal.config import Portal, load_portal
from builder.portal.search import HubSearchStats, build_hub_search
from builder.publish.site import SiteBuild, SiteBuildError, recover, switch_in
from builder.render.hub import HubCollection, SharedPage, write_hub_pages
from builder.render.pages import GENERATED_DIRS
from builder.sources.provenance import Provenance, provenance, source_date_epoch

MAX_FILE = 256 * 1024 * 1024  # a file bigger than this in a collection is refused (hostile input)


@dataclass
class PortalStats:
    collections: int = 0
    files: int = 0
    bytes: int = 0
    shared: int = 0  # people, places and meetings with pages in several collections
    seconds: dict[str, float] = field(default_factory=dict)
    tasks: list[tuple[str, str, TaskStats]] = field(default_factory=list)  # (round, collection, stats)
    search: HubSearchStats | None = None  # the hub's index across the collections


def _files(folder: Path, prefix: str, root: Path, skip: Callable[[Path], bool] = lambda p: False
           ) -> list[tuple[str, bytes]]:
    """Every file under ``folder`` (``prefix``/relative path → bytes), confined to ``root``."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or skip(rel) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            raise ConfigError(f"{path}: a link out of the portal's folder ({root})")
        if path.stat().st_size > MAX_FILE:
            raise ConfigError(f"{path}: {path.stat().st_size} bytes, more than a collection file may have")
        out.append((f"{prefix}/{rel.as_posix()}", path.read_bytes()))
    return out


def _templates(portal: Portal) -> tuple[tuple[str, bytes], ...]:
    """The portal's hand-written pages and mkdocs.yml, the pattern of every collection's site."""
    root = portal.root.resolve()
    if not (portal.root / "mkdocs.yml").is_file() or not (portal.root / "docs").is_dir():
        raise ConfigError(f"{portal.root}: a portal's folder needs mkdocs.yml and docs/ (the pages every "
                          "collection's site starts from), as a single archive has")
    generated = set(GENERATED_DIRS)
    docs = _files(portal.root / "docs", "docs", root, lambda rel: rel.parts[0] in generated)
    return (*docs, ("mkdocs.yml", (portal.root / "mkdocs.yml").read_bytes()))


def jobs(portal: Portal, site_url: str, elsewhere: dict[str, dict[str, list[tuple[str, str]]]] | None = None,
         read: dict[str, tuple[tuple[str, Provenance], ...]] | None = None) -> Iterator[CollectionJob]:
    """One job per collection, read when it is asked for (so only the jobs in flight are in memory).
    ``read`` keeps each collection's provenance (its config and git, read once for both rounds)."""
    read = {} if read is None else read
    templates = _templates(portal)
    epoch = source_date_epoch(portal.root)
    root = portal.root.resolve()
    for c in portal.collections:
        files = [f for part in COLLECTION_PARTS for f in _files(c.folder / part, part, root)]
        if c.id not in read:
            given = provenance(load_config(c.config_dir), c.sources_dir, c.config_dir)
            read[c.id] = tuple(sorted(given.items()))
        links = (elsewhere or {}).get(c.id, {})
        yield CollectionJob(
            c.id, c.title, (*files, *templates),
            site_url=f"{site_url.rstrip('/')}/{c.id}/" if site_url else "",
            epoch=epoch, provenance=read[c.id],
            elsewhere=tuple((page, tuple(v)) for page, v in sorted(links.items())), portal=portal.title,
        )


def cross_links(summaries: list[Summary]) -> tuple[dict[str, dict[str, list[tuple[str, str]]]], list[SharedPage]]:
    """Per collection, its pages that have a namesake in others (→ those others), and the hub's list."""
    seen: dict[tuple[str, ...], list[tuple[Summary, str, str]]] = defaultdict(list)
    for s in summaries:
        for key, (name, page) in s.pages.items():
            seen[key].append((s, name, page))
    elsewhere: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(dict)
    shared = []
    for key, where in sorted(seen.items()):
        if len(where) < 2:
            continue
        links = [(s.title, f"{s.id}/{page.removesuffix('index.md')}") for s, _, page in where]
        shared.append(SharedPage(key[0], where[0][1], links))
        for s, _, page in where:
            elsewhere[s.id][page] = [(title, f"../{href}") for (title, href), (o, _, _) in zip(links, where,
                                                                                              strict=True)
                                     if o.id != s.id]
    return dict(elsewhere), shared


HUB_MKDOCS = """site_name: {title}
site_url: {url}
docs_dir: docs
use_directory_urls: true
strict: true
theme:
  name: material
  language: zh
  font: false
  features: [navigation.top]
  palette:
    primary: brown
    accent: deep orange
plugins:
  - fangzhi-safe-html
markdown_extensions: [attr_list, md_in_html, tables]
extra:
  generator: false
extra_css:
  - assets/stylesheets/fangzhi.css
  - assets/stylesheets/fangzhi-pages.css
  - assets/stylesheets/fangzhi-reader.css
extra_javascript:
  - assets/javascripts/fangzhi-fold.js
  - assets/javascripts/fangzhi-search.js
nav:
  - 卷宗: index.md
  - 跨卷宗索引: shared/index.md
  - 检索: search/index.md
"""
HUB_SCRIPTS = ("fangzhi-fold.js", "fangzhi-search.js")  # the search page and the header box, over every collection


def _start_hub(portal: Portal, work: Path, out: Path, summaries: list[Summary], shared: list[SharedPage],
               site_url: str, epoch: str) -> SiteBuild:
    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs"
    shutil.copytree(portal.root / "docs" / "assets" / "stylesheets", docs / "assets" / "stylesheets")
    scripts = docs / "assets" / "javascripts"
    scripts.mkdir(parents=True)
    for name in HUB_SCRIPTS:
        shutil.copyfile(portal.root / "docs" / "assets" / "javascripts" / name, scripts / name)
    collections = [HubCollection(s.id, s.title, s.documents, s.counts, s.years) for s in summaries]
    write_hub_pages(docs, portal.title, collections, shared)
    (work / "mkdocs.yml").write_text(HUB_MKDOCS.format(title=json.dumps(portal.title, ensure_ascii=False),
                                                       url=json.dumps(site_url)), "utf-8")
    return SiteBuild(work, out, epoch=epoch)


def build_portal(portal_file: Path, out_dir: Path, *, site_url: str = "",
                 progress: Callable[[str], None] = lambda message: None) -> PortalStats:
    """Build the portal of ``portal_file`` into ``out_dir`` (replaced whole, only on success). One build
    at a time per portal: it holds the portal folder's ``.fangzhi-cache/lock`` (builder/files.py)."""
    portal = load_portal(portal_file)
    try:
        with project_lock(portal.root / ".fangzhi-cache"):
            return _build_portal(portal, out_dir, site_url, progress)
    except LockError as exc:
        raise BuildError(str(exc)) from None


def _build_portal(portal: Portal, out_dir: Path, site_url: str, progress: Callable[[str], None]) -> PortalStats:
    stats = PortalStats(collections=len(portal.collections))
    out = Path(os.path.abspath(out_dir))
    recover(out)
    new = out.with_name(out.name + ".portal-building")
    shutil.rmtree(new, ignore_errors=True)
    work = portal.root / ".fangzhi-cache" / "portal-hub"
    start = time.perf_counter()
    summaries = []
    read: dict[str, tuple[tuple[str, Provenance], ...]] = {}
    for summary, task in run_tasks(summarise, jobs(portal, site_url, read=read)):
        summaries.append(summary)
        stats.tasks.append(("summarise", summary.id, task))
        progress(f"summarised {summary.id}")
    stats.seconds["summarise"] = time.perf_counter() - start
    elsewhere, shared = cross_links(summaries)
    stats.shared = len(shared)
    hub = _start_hub(portal, work, out.with_name(out.name + ".hub"), summaries, shared, site_url,
                     source_date_epoch(portal.root))
    start = time.perf_counter()
    try:
        for site in run_tasks(build_collection, jobs(portal, site_url, elsewhere, read)):
            for rel, data in site.files:
                path = new / site.id / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                stats.files += 1
                stats.bytes += len(data)
            stats.tasks.append(("build", site.id, site.stats))
            progress(f"built {site.id}: {len(site.files)} files")
        stats.seconds["build"] = time.perf_counter() - start
        start = time.perf_counter()
        search = build_hub_search([(c.id, c.title, new / c.id / "data" / "search") for c in portal.collections],
                                  new / "data" / "search", portal.root / ".fangzhi-cache" / "portal-search",
                                  progress=progress)
        stats.search = search
        stats.files += search.index.files
        stats.bytes += search.index.bytes
        stats.seconds["search"] = time.perf_counter() - start
        hub.finish(work / "docs")
    except SiteBuildError as exc:
        shutil.rmtree(new, ignore_errors=True)
        raise BuildError(f"the portal's hub: {exc}") from None
    except BaseException:
        hub.stop()
        shutil.rmtree(new, ignore_errors=True)
        raise
    hub_site = out.with_name(out.name + ".hub")
    for f in (p for p in hub_site.rglob("*") if p.is_file()):
        stats.files += 1
        stats.bytes += f.stat().st_size
    new.mkdir(parents=True, exist_ok=True)
    for path in sorted(hub_site.iterdir()):  # the collection ids never take the hub's names (config.RESERVED)
        os.rename(path, new / path.name)
    shutil.rmtree(hub_site, ignore_errors=True)
    switch_in(new, out)
    return stats


__all__ = ["PortalStats", "build_portal", "cross_links", "jobs"]
