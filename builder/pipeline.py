"""The build pipeline: load → normalise → parse → enrich → render → index → MkDocs.

Each stage is a function over the typed model; data flows one way. ``build``
runs them all with a progress display and ends in ``mkdocs build --strict``
into a temporary directory that replaces the output only on success.

Rules that keep builds fast and repeatable:

* documents are parsed in parallel (one process per core) and cached by
  content hash (builder/parsecache.py): a rebuild after a one-line correction
  re-parses only that document;
* the topic classifier, when its model must be trained, imports its libraries,
  trains and predicts in a process of its own (started with the build) while
  regions, records and cross-links are made in this one; a cached model scores
  here with numpy alone;
* the pages are written by two processes: a forked copy of this one (which
  has the archive without pickling it) writes the reading, year and topic
  pages while this one writes the regions and entities;
* the search index and the downloads (files for readers, which MkDocs does not
  process) are written while MkDocs builds the pages (two cores, two processes):
  the ``index``/``downloads`` and ``mkdocs`` timings overlap, and
  ``Archive.wall_seconds`` is the whole build;
* every stage's wall time and the peak RSS so far are recorded in
  ``Archive.timings`` (printed by bench/bench.py);
* nothing in the output depends on time, order of completion or randomness:
  two builds of the same commit are byte-identical.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from builder.config import ConfigError, SiteConfig, load_config
from builder.enrich.annotate import Gazetteer, enrich_documents
from builder.enrich.classify import preload as preload_classifier
from builder.enrich.links import Links, build_links
from builder.enrich.records import Page, Record, build_records, source_pages
from builder.model.document import Document
from builder.parse.cache import ParseCache, ParseJob, ParseStats, parse_all
from builder.publish.mkdocs_worker import GO
from builder.publish.plugins import LATER, copy_late
from builder.render.downloads import ledger_files
from builder.render.export import DataFile, data_files, write_files
from builder.render.pages import GENERATED_DIRS, Renderer, section_parts
from builder.render.permalinks import current_permalinks, load_permalinks, retired, retired_pages, write_retired
from builder.search.index import write_search_index
from builder.sources.load import read_source_text
from builder.sources.provenance import Provenance, provenance, publish_raw_texts, source_date_epoch

CACHE_DIR = ".fangzhi-cache/parse"
MODEL_CACHE_DIR = ".fangzhi-cache/classifier"
TEMPLATE_CACHE_DIR = ".fangzhi-cache/templates"


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
    provenance: dict[str, Provenance] = field(default_factory=dict)
    parse_stats: ParseStats = field(default_factory=ParseStats)
    timings: list[StageTiming] = field(default_factory=list)
    links: Links | None = None
    downloads: list[DataFile] = field(default_factory=list)  # listed by render, written during MkDocs
    wall_seconds: float = 0.0  # the whole build; stages may overlap (index runs during mkdocs)

    @contextmanager
    def stage(self, name: str, *, children: bool = False) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings.append(StageTiming(name, time.perf_counter() - start, peak_rss_mb(children)))


def load_and_parse(config_dir: Path, sources_dir: Path, *, cache_dir: Path | None = None) -> Archive:
    """Stages 1–3: read config and sources (load); then each parse worker cuts its
    document's lines out of the file's text (normalise) and parses them.

    ``cache_dir`` enables the parse cache (builder/parsecache.py).
    """
    start = time.perf_counter()
    archive = Archive(load_config(config_dir))
    with archive.stage("load"):
        for source in archive.cfg.sources:
            if source.file not in archive.texts:
                archive.texts[source.file] = read_source_text(source, sources_dir)
    archive.timings[-1].seconds = time.perf_counter() - start  # config + source files
    with archive.stage("normalise"):  # the lines themselves are cut in the parse workers
        jobs = [
            ParseJob(source, archive.texts[source.file],
                     tuple(c for c in archive.cfg.corrections if c.source == source.id),
                     name=str(sources_dir / source.file))
            for source in archive.cfg.sources
        ]
    with archive.stage("parse"):
        archive.documents, archive.parse_stats = parse_all(jobs, ParseCache(cache_dir))
    return archive


def enrich_archive(archive: Archive, cache_dir: Path | None = None, pool: Executor | None = None) -> None:
    """Ids, regions, topics (classifier; ``cache_dir`` keeps trained models), then records and cross-links.

    With ``pool`` (a process) the classifier trains and predicts there while the
    regions, records and cross-links are made here; none of those reads topics,
    and the predicted ones are set on the records once they are all built.
    """
    try:
        topics_later = enrich_documents(archive.documents, archive.cfg, cache_dir, pool=pool)
        for doc in archive.documents:
            pages = source_pages(doc)
            archive.pages[doc.source.id] = pages
            archive.records.extend(build_records(doc, pages))
        archive.links = build_links(
            archive.records,
            archive.cfg.entities,
            Gazetteer(archive.cfg.regions),
            {s.id: s.region for s in archive.cfg.sources},
            {s.id: s.content_year or (s.years[0] if s.years else None) for s in archive.cfg.sources},
        )
        predicted = topics_later()  # waits for the classifier (done already without a pool)
    except BrokenExecutor as exc:
        raise BuildError(f"the topic classifier's process stopped: {exc} (its error, if any, is printed above; "
                         "a script that calls build() must do so under `if __name__ == \"__main__\":`)") from exc
    # a record was built with its node's topics list; a prediction set later is a new list
    for record in archive.records:
        topics = predicted.get(record.id)
        if topics is not None:
            record.topics = topics


def clear_generated(docs_dir: Path) -> Callable[[], None]:
    """Move the generated folders out of the way at once; the result deletes them in the background."""
    trash = Path(tempfile.mkdtemp(prefix=".fangzhi-old-", dir=docs_dir.parent))
    for name in GENERATED_DIRS:
        if (docs_dir / name).exists():
            (docs_dir / name).rename(trash / name)
    # not a daemon: the process waits for it before it exits
    return threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}).start


@contextmanager
def in_forked_process(fn: Callable[[], None], what: str) -> Iterator[None]:
    """Run ``fn`` in a forked copy of this process, which has everything built so far
    (nothing is pickled), while the ``with`` block runs here; the block's end waits for
    it and raises its error, if any, as a BuildError that names ``what`` it was doing.
    An error here stops it. Without ``fork`` (not Linux) ``fn`` runs here first."""
    if "fork" not in multiprocessing.get_all_start_methods():
        fn()
        yield
        return
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            fn()
            writer.send("")
        except Exception:  # noqa: BLE001 - whatever it is, the parent reports it
            writer.send(traceback.format_exc())
        finally:
            os._exit(0)  # none of the parent's clean-up (threads, streams, atexit) in the copy

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    writer.close()
    try:
        yield
    except BaseException:
        proc.terminate()
        proc.join()
        raise
    try:
        error = reader.recv()
    except EOFError:  # it died before it could say
        error = None
    finally:
        reader.close()
    proc.join()
    if error is None:
        error = f"it stopped with exit code {proc.exitcode}"
    if error:
        raise BuildError(f"{what} (in a second process) failed:\n{error}")


def render_archive(archive: Archive, docs_dir: Path, config_dir: Path | None = None,
                   cache_dir: Path | None = None) -> None:
    """Write every page's Markdown: the reading, year and topic pages in a forked copy of
    this process (the second core), the regions, entities and the rest here."""
    delete_old = clear_generated(docs_dir)
    renderer = Renderer(archive.cfg, docs_dir, cache_dir)
    renderer.common["provenance"] = archive.provenance
    stats = {}
    for doc in archive.documents:
        stats[doc.source.id] = {
            "events": len(doc.events()),
            "entries": len(doc.entries()),
            "sections": len(doc.sections()),
        }
    if archive.links is not None:
        renderer.link_records(archive.links, archive.records)
    with in_forked_process(partial(_reading_pages, renderer, archive, stats),
                           "writing the reading, year and topic pages"):
        renderer.facet_pages("regions", archive.records)
        if archive.links is not None:
            renderer.entity_pages(archive.links, archive.records)
        archive.downloads = data_files(archive.records, archive.cfg, archive.links)
        archive.downloads += ledger_files(archive.documents, archive.texts)  # issue 3: the ledger
        renderer.data_page([f.listing() for f in archive.downloads])
        renderer.search_page()
    write_permalinks(archive, renderer, config_dir)  # a notice only where no page is now
    delete_old()


def _reading_pages(renderer: Renderer, archive: Archive, stats: dict[str, dict[str, int]]) -> None:
    """Each source's reading pages, the list of sources, the year pages and the topic pages."""
    for doc in archive.documents:
        pages = archive.pages[doc.source.id]
        for page in pages:
            renderer.source_page(page, section_parts(page, pages), stats[doc.source.id])
    renderer.sources_index(archive.documents, archive.pages, stats)
    renderer.year_pages(archive.records, archive.documents)
    renderer.facet_pages("topics", archive.records)


def write_permalinks(archive: Archive, renderer: Renderer, config_dir: Path | None) -> None:
    """Notices for records and pages published before but gone now (builder/permalinks.py)."""
    published = load_permalinks(config_dir) if config_dir else {}
    gone = retired(published, current_permalinks(archive.records, archive.pages))
    write_retired(gone, renderer.docs_dir)
    for item in retired_pages(gone, {p.url for pages in archive.pages.values() for p in pages}):
        rel = item.id + "index.md"
        if not (renderer.docs_dir / rel).exists():
            renderer.write(rel, "retired.md.j2", item=item)


def index_archive(archive: Archive, docs_dir: Path) -> None:
    write_search_index(archive.records, archive.cfg, docs_dir / "data" / "search")


def write_downloads(archive: Archive, docs_dir: Path) -> None:
    """The data downloads listed on the Data page, and the source texts as published."""
    write_files(archive.downloads, docs_dir / "data")
    publish_raw_texts(archive.texts, docs_dir)


def mkdocs_problems(log: str) -> str:
    """The WARNING/ERROR lines of MkDocs' log (what made a strict build fail), else its tail."""
    lines = [ln for ln in log.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))]
    return "\n".join(lines[-40:]) if lines else log[-4000:]


class MkDocsRun:
    """``mkdocs build --strict`` into a temporary folder (builder/mkdocs_worker.py).

    The process starts with the build and warms up (imports, jieba's dictionary,
    the config) while our stages run; ``go`` starts the page build once the pages
    are written, and it runs while our last stages (index, downloads) work. ``finish``
    waits for it, adds the files written meanwhile (``copy_late``, see
    builder/search_plugin.py) and swaps the new site in atomically: a failed build
    leaves the previous site untouched.
    """

    def __init__(self, project_dir: Path, out_dir: Path, *, config_file: Path | None = None) -> None:
        self.out_dir = out_dir.resolve()
        self.tmp = self.out_dir.with_name(self.out_dir.name + ".building")
        shutil.rmtree(self.tmp, ignore_errors=True)
        cmd = [sys.executable, "-m", "builder.mkdocs_worker", "-f", str(config_file or project_dir / "mkdocs.yml"),
               "-d", str(self.tmp)]
        env = os.environ.copy()
        env.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(project_dir))  # no build-time dates in the output
        env.setdefault("NO_MKDOCS_2_WARNING", "1")
        env[LATER] = "later"
        # a file, not a pipe: nobody reads it until the end; closed by finish() or stop()
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=project_dir, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=self.log, env=env, text=True)
        self.started = 0.0
        self.seconds = 0.0  # MkDocs' wall time from ``go`` to its exit, known once it has exited
        self._watch = threading.Thread(target=self._time_exit, daemon=True)

    def go(self) -> None:
        """The pages are written: build the site."""
        self.started = time.perf_counter()
        self._watch.start()
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(GO + "\n")
            self.proc.stdin.close()
        except BrokenPipeError:  # it died while warming up: finish() reports its log
            pass

    def _time_exit(self) -> None:
        self.proc.wait()
        self.seconds = time.perf_counter() - self.started

    def finish(self, docs_dir: Path) -> None:
        code = self.proc.wait()
        self._watch.join()
        self.log.seek(0)
        log = self.log.read()
        self.log.close()
        if code != 0:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise BuildError("mkdocs build --strict failed; the previous site is untouched:\n" + mkdocs_problems(log))
        copy_late(docs_dir, self.tmp)
        old = self.out_dir.with_name(self.out_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.out_dir.exists():
            self.out_dir.rename(old)
        self.tmp.rename(self.out_dir)
        shutil.rmtree(old, ignore_errors=True)

    def stop(self) -> None:
        """Stop MkDocs (our own stage failed) and drop its half-built site."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()  # never told to build: it exits by itself
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


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
) -> Archive:
    """Run the whole pipeline. Raises ConfigError/BuildError with a one-line reason.

    ``cache=False`` parses every document afresh; ``mkdocs_config`` replaces
    ``mkdocs.yml`` for the last stage (the offline bundle uses this).
    """
    wall = time.perf_counter()
    # A model that must be trained is trained (and scores) in a process of its own while the
    # rest of enrich runs here; it imports scikit-learn and scipy (about a second) first thing,
    # while the documents are parsed. "spawn": a fork would copy this process's threads and state.
    classifier_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    mkdocs = None
    try:
        classifier_pool.submit(preload_classifier)
        console = console or Console(stderr=True)
        require_jieba()
        docs_dir = project_dir / "docs"
        # MkDocs warms up on the other core now and builds once the pages are written
        mkdocs = MkDocsRun(project_dir, out_dir, config_file=mkdocs_config) if run_site else None
        archive = _run_stages(project_dir, sources_dir, config_dir, docs_dir, console, mkdocs, cache,
                              classifier_pool)
    except BaseException:
        if mkdocs is not None:
            mkdocs.stop()
        raise
    finally:
        # a failed build ends now, not when the classifier's import or training does
        _stop_workers(classifier_pool)
    archive.wall_seconds = time.perf_counter() - wall
    return archive


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the processes of ``pool`` at once, whatever they are doing, and its thread.

    Python 3.14 has ``terminate_workers`` for this; before it the processes are
    reachable only through the pool's private ``_processes`` (skipped if that is gone).
    Waiting futures then fail with BrokenProcessPool: nothing hangs. Stopping twice is harmless."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
    else:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _run_stages(project_dir: Path, sources_dir: Path, config_dir: Path, docs_dir: Path, console: Console,
                mkdocs: MkDocsRun | None, cache: bool, classifier_pool: ProcessPoolExecutor | None = None) -> Archive:
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
        steps = ["读取与解析 load/parse", "标注 enrich", "生成页面 render", "检索数据与下载 index"]
        if mkdocs is not None:
            steps = [*steps[:3], "检索数据、下载与 MkDocs 构建 index + mkdocs", "MkDocs 构建"]
        task = progress.add_task(steps[0], total=len(steps))
        archive = load_and_parse(config_dir, sources_dir, cache_dir=project_dir / CACHE_DIR if cache else None)
        progress.update(task, advance=1, description=steps[1])
        with archive.stage("enrich"):
            enrich_archive(archive, project_dir / MODEL_CACHE_DIR if cache else None, classifier_pool)
            archive.provenance = provenance(archive.cfg, sources_dir, config_dir)
        if classifier_pool is not None:
            # its work is done (or was not needed: a cached model): end it, and its thread here,
            # before the pages are written by a forked copy of this process
            _stop_workers(classifier_pool)
        progress.update(task, advance=1, description=steps[2])
        with archive.stage("render"):
            render_archive(archive, docs_dir, config_dir, project_dir / TEMPLATE_CACHE_DIR if cache else None)
        progress.update(task, advance=1, description=steps[3])
        if mkdocs is not None:
            mkdocs.go()  # MkDocs builds the pages on one core while the index and downloads are written on the other
        with archive.stage("index"):
            index_archive(archive, docs_dir)
        with archive.stage("downloads"):
            write_downloads(archive, docs_dir)
        if mkdocs is not None:
            progress.update(task, advance=1, description=steps[4])
            mkdocs.finish(docs_dir)
            archive.timings.append(StageTiming("mkdocs", mkdocs.seconds, peak_rss_mb(children=True)))
        progress.update(task, advance=1)
    return archive


__all__ = ["Archive", "BuildError", "ConfigError", "StageTiming", "build", "enrich_archive", "load_and_parse"]
