"""One collection of a portal as two Dask tasks (builder/parallel.py): ``summarise`` (load, parse and
enrich: what the hub and the other collections need to know of it) and ``build_collection`` (the whole
pipeline and MkDocs: its site). Each task gets its inputs as data — the collection's files and the
portal's page templates, bytes by relative path — and builds in a temporary folder of the machine it runs
on, so a task needs no shared disk and holds one collection at a time: memory per worker is the largest
collection's, whatever the size of the portal. ``summarise`` runs the front of the pipeline again in
``build_collection`` rather than keeping every archive in memory between the two rounds.
"""

from __future__ import annotations

import json
import os
import re
import resource
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from builder.pipeline import Archive, BuildContext, build, enrich_archive, load_archive
from builder.sources.provenance import Provenance

# the folders of a collection (and the portal's page templates) that go with its tasks
COLLECTION_PARTS = ("source_texts", "site_config")
TEMPLATE_PARTS = ("docs", "mkdocs.yml")


@dataclass(frozen=True)
class CollectionJob:
    """Everything a worker needs to build one collection."""

    id: str
    title: str
    files: tuple[tuple[str, bytes], ...]  # relative path → bytes: source_texts/…, site_config/…, docs/…, mkdocs.yml
    site_url: str = ""  # the collection's own address (the portal's + id/), or ""
    epoch: str = "0"
    provenance: tuple[tuple[str, Provenance], ...] = ()  # by source id, read from git where the files are
    elsewhere: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # pipeline.BuildContext.elsewhere
    portal: str = ""  # the portal's title


@dataclass
class Summary:
    """What the hub and the other collections know of a collection."""

    id: str
    title: str
    documents: list[tuple[str, str]] = field(default_factory=list)  # (title, genre)
    counts: dict[str, int] = field(default_factory=dict)  # events, entries, sections, records
    years: tuple[int, int] | None = None
    # (kind, key…) → (name shown, page docs-relative): people, meetings, organisations, series, places
    pages: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)


@dataclass
class TaskStats:
    """Where a task ran and what it cost there."""

    host: str
    pid: int
    seconds: float
    peak_rss_mb: float  # the worker process so far
    children_peak_rss_mb: float  # the largest MkDocs process it started so far
    text_bytes: int = 0  # the collection's source texts


@dataclass
class CollectionSite:
    id: str
    files: list[tuple[str, bytes]]  # the built site, relative paths in sorted order
    stats: TaskStats


def _unpack(job: CollectionJob, folder: Path) -> None:
    for rel, data in job.files:
        path = (folder / rel).resolve()
        if not path.is_relative_to(folder.resolve()):  # made by the portal from confined paths; checked again
            raise ValueError(f"collection {job.id}: file outside its folder: {rel!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    config = folder / "mkdocs.yml"
    text = config.read_text("utf-8")
    for key, value in (("site_name", job.title), ("site_url", job.site_url)):
        line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
        text, n = re.subn(rf"(?m)^{key}:.*$", line.replace("\\", "\\\\"), text, count=1)
        if not n:
            text = line + "\n" + text
    config.write_text(text, "utf-8")


def _stats(start: float, job: CollectionJob) -> TaskStats:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    text = sum(len(data) for rel, data in job.files if rel.startswith("source_texts/"))
    return TaskStats(socket.gethostname(), os.getpid(), time.perf_counter() - start, own, children, text)


def _load(job: CollectionJob, folder: Path) -> Archive:
    _unpack(job, folder)
    archive = load_archive(folder / "site_config", folder / "source_texts")
    enrich_archive(archive)
    return archive


def summarise(job: CollectionJob) -> tuple[Summary, TaskStats]:
    """Task 1: load, parse and enrich the collection; return what others link to."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fangzhi-collection-") as tmp:
        archive = _load(job, Path(tmp))
    out = Summary(job.id, job.title)
    out.documents = [(d.source.title, d.source.genre) for d in archive.documents]
    out.counts = {kind: sum(1 for r in archive.records if r.type == kind) for kind in ("event", "entry", "section")}
    out.counts["records"] = len(archive.records)
    years = [y for r in archive.records for y in r.years]
    out.years = (min(years), max(years)) if years else None
    names = {g.id: g.name for g in archive.cfg.regions}
    for region in sorted({g for r in archive.records for g in r.regions}):
        out.pages[("region", region)] = (names.get(region, region), f"regions/{region}/index.md")
    if archive.links is not None:
        for e in sorted(archive.links.entities.values(), key=lambda e: (e.kind, e.name, e.date, e.id)):
            key = (e.kind, e.name, e.date) if e.kind == "meeting" else (e.kind, e.name)
            out.pages.setdefault(key, (e.name + (f"（{e.date}）" if e.date else ""), f"{e.url}index.md"))
    return out, _stats(start, job)


def site_files(site: Path) -> list[tuple[str, bytes]]:
    """Every file of a built site, by relative path, in sorted order."""
    return [(p.relative_to(site).as_posix(), p.read_bytes()) for p in sorted(site.rglob("*")) if p.is_file()]


def build_collection(job: CollectionJob) -> CollectionSite:
    """Task 2: the whole pipeline and MkDocs for one collection; return its site's files."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fangzhi-collection-") as tmp:
        folder = Path(tmp)
        _unpack(job, folder)
        context = BuildContext(epoch=job.epoch, provenance=dict(job.provenance),
                               elsewhere={page: list(links) for page, links in job.elsewhere}, portal=job.portal)
        build(project_dir=folder, sources_dir=folder / "source_texts", config_dir=folder / "site_config",
              out_dir=folder / "site", cache=False, context=context, mkdocs_config=folder / "mkdocs.yml",
              console=Console(quiet=True))
        files = site_files(folder / "site")
    return CollectionSite(job.id, files, _stats(start, job))


__all__ = ["COLLECTION_PARTS", "TEMPLATE_PARTS", "CollectionJob", "CollectionSite", "Summary", "TaskStats",
           "build_collection", "site_files", "summarise"]
