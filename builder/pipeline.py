"""The build pipeline: load → normalise → parse → enrich → render → index → MkDocs.

Each stage is a function over the typed model (builder/model); data flows one way,
and each stage is a package of its own that imports only the ones below it
(the import-linter contract in pyproject.toml). ``load_archive`` (load, normalise,
parse) is shared by every command: build, check, permalinks and parse. ``build``
runs the rest with a progress display and ends in ``mkdocs build --strict`` into a
temporary directory that replaces the output only on success.

Two places use a second core, each because a bench shows it pays:

* documents are parsed in parallel (one process per core, builder/parse/cache.py)
  and cached by content hash: a rebuild after a one-line correction re-parses only
  that document;
* MkDocs builds the pages in its own process while the search index and the
  downloads (files MkDocs does not process) are written here (builder/publish/site.py).

Every stage's wall time and the peak RSS so far are recorded in ``Archive.timings``
(printed by bench/bench.py). Nothing in the output depends on time, order of
completion or randomness: two builds of the same commit are byte-identical.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from builder.config import ConfigError, SiteConfig, load_config
from builder.enrich.annotate import Gazetteer, enrich_documents
from builder.enrich.links import Links, build_links
from builder.enrich.people import report_speakers
from builder.enrich.records import Page, Record, build_records, source_pages
from builder.files import LockError, fault_point, project_lock, remove_temporaries, warn
from builder.model.document import Correction, Document
from builder.parse.cache import ParseCache, ParseJob, ParseStats, parse_all
from builder.publish.engine import ENGINES, site_settings
from builder.publish.site import SiteBuild, SiteBuildError
from builder.render.cite import CITE_DIR, write_cite_files
from builder.render.downloads import ledger_files
from builder.render.export import DataFile, data_files, write_files
from builder.render.pages import GENERATED_DIRS, Renderer, section_parts
from builder.render.permalinks import current_permalinks, load_permalinks, retired, retired_pages, write_retired
from builder.search.index import write_search_index
from builder.sources.corrections import split_stale
from builder.sources.load import document_lines, read_source_text
from builder.sources.provenance import (
    RAW_DIR,
    Provenance,
    provenance,
    publish_raw_texts,
    raw_name,
    source_date_epoch,
)

CACHE_ROOT = ".fangzhi-cache"  # the caches and the build lock
CACHE_DIR = ".fangzhi-cache/parse"
MODEL_CACHE_DIR = ".fangzhi-cache/classifier"
TEMPLATE_CACHE_DIR = ".fangzhi-cache/templates"


NO_SITE_URL = ("mkdocs.yml: site_url is empty: citations and the <meta> tags reference managers read carry "
               "relative URLs, and sitemap.xml lists no pages. Set site_url to the address the site is "
               "published at (e.g. site_url: https://example.org/archive/) before publishing it")


@dataclass(frozen=True)
class BuildContext:
    """What a portal (builder/portal) gives each collection's build: what a lone build reads from git,
    and the links to the portal's other collections, so that a collection builds byte for byte the same
    on any machine, in a temporary folder without git."""

    epoch: str | None = None  # SOURCE_DATE_EPOCH (else the project's last commit)
    provenance: dict[str, Provenance] | None = None  # by source id (else from git)
    # a generated page (docs-relative, ``people/p-…/index.md``) → (collection title, link from the
    # collection's site root, ``../other/people/p-…/``): the same person, place or meeting elsewhere
    elsewhere: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    portal: str = ""  # the portal's title: the home page links up to it (``../``)


class BuildError(Exception):
    """The build cannot go on; the message says why."""


def require_jieba() -> None:
    """Chinese search needs jieba: stop the build rather than ship a site that cannot search."""
    try:
        import jieba  # noqa: F401
    except ImportError:
        raise BuildError(
            "jieba is not installed: Chinese search cannot be built. Install it with "
            "`pip install jieba` (or `pip install -e .`) and build again."
        ) from None


@dataclass
class StageTiming:
    """Wall time of one stage and the peak RSS (MiB) of this process (or MkDocs') so far."""

    stage: str
    seconds: float
    peak_rss_mb: float


def peak_rss_mb(children: bool = False) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_maxrss / 1024  # Linux reports KiB


@dataclass
class Archive:
    """Everything the stages produce, for the CLI, tests and benchmarks."""

    cfg: SiteConfig
    documents: list[Document] = field(default_factory=list)
    pages: dict[str, list[Page]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source file → decoded text
    stale: list[tuple[Correction, str]] = field(default_factory=list)  # corrections left out, and why
    provenance: dict[str, Provenance] = field(default_factory=dict)
    parse_stats: ParseStats = field(default_factory=ParseStats)
    timings: list[StageTiming] = field(default_factory=list)
    links: Links | None = None
    downloads: list[DataFile] = field(default_factory=list)  # listed by render, written during MkDocs
    wall_seconds: float = 0.0  # the whole build; stages may overlap (index runs during mkdocs)
    site_name: str = ""  # mkdocs.yml's site_name and site_url (absolute citations, exports)
    site_url: str = ""

    @contextmanager
    def stage(self, name: str, *, children: bool = False) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings.append(StageTiming(name, time.perf_counter() - start, peak_rss_mb(children)))


def load_archive(config_dir: Path, sources_dir: Path, *, cache_dir: Path | None = None,
                 cfg: SiteConfig | None = None, skip_stale: bool = False) -> Archive:
    """Stages 1–3, for every command: read the config (or take ``cfg``) and the source
    files (load); then each parse worker cuts its document's lines out of the file's text
    (normalise) and parses them.

    ``cache_dir`` enables the parse cache (builder/parse/cache.py). A correction that no
    longer matches its text stops the load (ConfigError), unless ``skip_stale``: then it
    is left out and listed in ``Archive.stale`` (``fangzhi check`` reports it).
    """
    start = time.perf_counter()
    archive = Archive(cfg or load_config(config_dir))
    with archive.stage("load"):
        for source in archive.cfg.sources:
            if source.file not in archive.texts:
                archive.texts[source.file] = read_source_text(source, sources_dir)
    archive.timings[-1].seconds = time.perf_counter() - start  # config + source files
    corrections: Sequence[Correction] = archive.cfg.corrections
    with archive.stage("normalise"):  # the lines themselves are cut in the parse workers
        if skip_stale:
            archive.stale, corrections = split_stale(archive.cfg.sources, corrections, archive.texts)
        jobs = [
            ParseJob(source, archive.texts[source.file], tuple(c for c in corrections if c.source == source.id),
                     name=str(sources_dir / source.file))
            for source in archive.cfg.sources
        ]
    with archive.stage("parse"):
        archive.documents, archive.parse_stats = parse_all(jobs, ParseCache(cache_dir))
    return archive


def enrich_archive(archive: Archive, cache_dir: Path | None = None) -> None:
    """Ids, regions, topics (classifier; ``cache_dir`` keeps trained models), then records and cross-links."""
    enrich_documents(archive.documents, archive.cfg, cache_dir)
    for doc in archive.documents:
        pages = source_pages(doc)
        archive.pages[doc.source.id] = pages
        archive.records.extend(build_records(doc, pages, site_url=archive.site_url))
    archive.links = build_links(
        archive.records,
        archive.cfg.entities,
        Gazetteer(archive.cfg.regions),
        {s.id: s.region for s in archive.cfg.sources},
        {s.id: s.content_year or (s.years[0] if s.years else None) for s in archive.cfg.sources},
        speakers=report_speakers(archive.documents),
    )


def clear_generated(docs_dir: Path) -> Callable[[], None]:
    """Move the generated folders out of the way at once; the result deletes them in the background."""
    for stale in docs_dir.parent.glob(".fangzhi-old-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    trash = Path(tempfile.mkdtemp(prefix=".fangzhi-old-", dir=docs_dir.parent))
    for name in GENERATED_DIRS:
        if (docs_dir / name).exists():
            (docs_dir / name).rename(trash / name)
    # not a daemon: the process waits for it before it exits
    return threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}).start


def remove_stale(docs_dir: Path, produced: set[str]) -> list[str]:
    """Delete the generated pages (``*.md`` in the generated folders) not in ``produced``; return them.

    For ``render_archive(..., incremental=True)`` (fangzhi serve), in place of ``clear_generated``."""
    removed = []
    for name in GENERATED_DIRS:
        for path in sorted((docs_dir / name).rglob("*.md")):
            rel = path.relative_to(docs_dir).as_posix()
            if rel not in produced:
                path.unlink()
                removed.append(rel)
                for folder in path.parents:  # and the folders that leaves empty
                    if folder == docs_dir or any(folder.iterdir()):
                        break
                    folder.rmdir()
    return removed


def render_archive(archive: Archive, docs_dir: Path, config_dir: Path | None = None,
                   cache_dir: Path | None = None, *, incremental: bool = False,
                   elsewhere: dict[str, list[tuple[str, str]]] | None = None, portal: str = ""
                   ) -> tuple[list[str], list[str]]:
    """Write every page's Markdown (the downloads are only listed here; ``write_downloads`` writes them).

    ``incremental`` (fangzhi serve): nothing is cleared first; a page whose text is the same is
    left untouched, and generated pages no longer produced are removed afterwards. Returns the
    pages written and the pages removed (docs-relative)."""
    delete_old = None if incremental else clear_generated(docs_dir)
    fault_point("render-cleared")
    renderer = Renderer(archive.cfg, docs_dir, cache_dir, write_if_changed=incremental)
    renderer.common["provenance"] = archive.provenance
    renderer.common["site_name"] = archive.site_name
    renderer.elsewhere = elsewhere or {}
    renderer.common["portal"] = portal
    stats = {
        doc.source.id: {"events": len(doc.events()), "entries": len(doc.entries()), "sections": len(doc.sections())}
        for doc in archive.documents
    }
    if archive.links is not None:
        renderer.link_records(archive.links, archive.records)
    for doc in archive.documents:
        pages = archive.pages[doc.source.id]
        for page in pages:
            renderer.source_page(page, section_parts(page, pages), stats[doc.source.id], pages)
        if doc.source.file in archive.texts:
            renderer.text_pages(doc.source, document_lines(doc.source, archive.texts[doc.source.file]),
                                f"{RAW_DIR}/{raw_name(doc.source.id)}")
    renderer.sources_index(archive.documents, archive.pages, stats)
    renderer.year_pages(archive.records, archive.documents)
    renderer.facet_pages("topics", archive.records)
    renderer.facet_pages("regions", archive.records)
    if archive.links is not None:
        renderer.entity_pages(archive.links, archive.records)
    archive.downloads = data_files(archive.records, archive.cfg, archive.links)
    archive.downloads += ledger_files(archive.documents, archive.texts)
    renderer.data_page([f.listing() for f in archive.downloads])
    renderer.home_overview(archive.records, archive.documents, stats)  # after the year and region pages
    renderer.search_page()
    write_permalinks(archive, renderer, config_dir)  # a notice only where no page is now
    if delete_old is None:
        renderer.flush()
        return renderer.changed, remove_stale(docs_dir, renderer.written)
    delete_old()
    return sorted(renderer.written), []


def write_permalinks(archive: Archive, renderer: Renderer, config_dir: Path | None) -> None:
    """Notices for records and pages published before but gone now (builder/render/permalinks.py)."""
    published = load_permalinks(config_dir) if config_dir else {}
    gone = retired(published, current_permalinks(archive.records, archive.pages))
    write_retired(gone, renderer.docs_dir)
    for item in retired_pages(gone, {p.url for pages in archive.pages.values() for p in pages}):
        rel = item.id + "index.md"
        # generated pages from an earlier build may still be there (render_archive's incremental)
        generated = rel.split("/", 1)[0] in GENERATED_DIRS
        if rel not in renderer.written and (generated or not (renderer.docs_dir / rel).exists()):
            renderer.write(rel, "retired.md.j2", item=item)


def index_archive(archive: Archive, docs_dir: Path) -> None:
    write_search_index(archive.records, archive.cfg, docs_dir / "data" / "search")


def write_downloads(archive: Archive, docs_dir: Path) -> None:
    """The data downloads listed on the Data page, and the source texts as published."""
    write_files(archive.downloads, docs_dir / "data")
    publish_raw_texts(archive.cfg.sources, archive.texts, docs_dir)
    shutil.rmtree(docs_dir / CITE_DIR, ignore_errors=True)
    write_cite_files(archive.records, {s.id: s for s in archive.cfg.sources}, archive.site_name, archive.site_url,
                     docs_dir)


def build(
    *,
    project_dir: Path,
    sources_dir: Path,
    config_dir: Path,
    out_dir: Path,
    console: Console | None = None,
    run_site: bool = True,
    cache: bool = True,
    mkdocs_config: Path | None = None,
    engine: str = ENGINES[0],
    context: BuildContext | None = None,
) -> Archive:
    """Run the whole pipeline. Raises ConfigError/BuildError with a one-line reason.

    ``cache=False`` parses every document afresh; ``mkdocs_config`` replaces
    ``mkdocs.yml`` for the last stage (the offline bundle uses this); ``run_site=False``
    stops after the pages, index and downloads are written (``fangzhi serve`` runs
    the stages itself: builder/serve.py); ``engine`` builds the site with MkDocs or ProperDocs
    (builder/publish/engine.py); ``context`` is what a portal gives a collection (``BuildContext``).
    One build at a time per project: the build holds ``.fangzhi-cache/lock``
    (builder/files.py ``project_lock``); a second one waits, then fails naming the first.
    """
    try:
        with project_lock(project_dir / CACHE_ROOT):
            remove_temporaries(project_dir / CACHE_ROOT)
            return _build(project_dir=project_dir, sources_dir=sources_dir, config_dir=config_dir, out_dir=out_dir,
                          console=console, run_site=run_site, cache=cache, mkdocs_config=mkdocs_config,
                          engine=engine, context=context or BuildContext())
    except LockError as exc:
        raise BuildError(str(exc)) from None


def _build(*, project_dir: Path, sources_dir: Path, config_dir: Path, out_dir: Path, console: Console | None,
           run_site: bool, cache: bool, mkdocs_config: Path | None, engine: str, context: BuildContext) -> Archive:
    wall = time.perf_counter()
    require_jieba()
    console = console or Console(stderr=True)
    docs_dir = project_dir / "docs"
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
        steps = ["读取与解析 load/parse", "标注 enrich", "生成页面 render",
                 "检索数据、下载与 MkDocs 构建 index + mkdocs" if run_site else "检索数据与下载 index"]
        task = progress.add_task(steps[0], total=len(steps))
        archive = load_archive(config_dir, sources_dir, cache_dir=project_dir / CACHE_DIR if cache else None)
        archive.site_name, archive.site_url = site_settings(mkdocs_config or project_dir / "mkdocs.yml")
        if run_site and mkdocs_config is None and not archive.site_url:
            warn(NO_SITE_URL)
        fault_point("loaded")
        progress.update(task, advance=1, description=steps[1])
        with archive.stage("enrich"):
            enrich_archive(archive, project_dir / MODEL_CACHE_DIR if cache else None)
            archive.provenance = (context.provenance if context.provenance is not None
                                  else provenance(archive.cfg, sources_dir, config_dir))
        fault_point("enriched")
        progress.update(task, advance=1, description=steps[2])
        with archive.stage("render"):
            render_archive(archive, docs_dir, config_dir, project_dir / TEMPLATE_CACHE_DIR if cache else None,
                           elsewhere=context.elsewhere, portal=context.portal)
        fault_point("rendered")
        progress.update(task, advance=1, description=steps[3])
        # MkDocs builds the pages in its own process while the index and downloads are written here
        site = SiteBuild(project_dir, out_dir, config_file=mkdocs_config,
                         epoch=context.epoch or source_date_epoch(project_dir), engine=engine) if run_site else None
        try:
            with archive.stage("index"):
                index_archive(archive, docs_dir)
            fault_point("indexed")
            with archive.stage("downloads"):
                write_downloads(archive, docs_dir)
            fault_point("downloads-written")
            if site is not None:
                site.finish(docs_dir)
                archive.timings.append(StageTiming("mkdocs", site.seconds, peak_rss_mb(children=True)))
        except SiteBuildError as exc:
            raise BuildError(str(exc)) from None
        except BaseException:
            if site is not None:
                site.stop()
            raise
        progress.update(task, advance=1)
    archive.wall_seconds = time.perf_counter() - wall
    return archive


__all__ = ["CACHE_ROOT", "Archive", "BuildContext", "BuildError", "ConfigError", "StageTiming", "build", "enrich_archive", "load_archive"]
