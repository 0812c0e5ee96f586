"""The build pipeline: load → normalise/parse → enrich → render → index → MkDocs.

Each stage is a function over the typed model; data flows one way. ``build``
runs them all with a progress display and ends in ``mkdocs build --strict``
into a temporary directory that replaces the output only on success.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from .config import ConfigError, SiteConfig, load_config
from .enrich import Gazetteer, Taxonomy, enrich
from .export import write_data, write_search_records
from .load import document_lines, read_source_text
from .models import Document
from .parse import parse_document
from .records import Page, Record, build_records, source_pages
from .render import GENERATED_DIRS, Renderer, section_parts


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
class Archive:
    """Everything the stages produce, for the CLI, tests and benchmarks."""

    cfg: SiteConfig
    documents: list[Document] = field(default_factory=list)
    pages: dict[str, list[Page]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)


def load_and_parse(config_dir: Path, sources_dir: Path) -> Archive:
    """Stages 1–3: read config and sources, parse each document."""
    cfg = load_config(config_dir)
    archive = Archive(cfg)
    texts: dict[str, str] = {}
    for source in cfg.sources:
        if source.file not in texts:
            texts[source.file] = read_source_text(source, sources_dir)
        lines = document_lines(source, texts[source.file], name=str(sources_dir / source.file))
        archive.documents.append(parse_document(source, lines))
    return archive


def enrich_archive(archive: Archive) -> None:
    gazetteer = Gazetteer(archive.cfg.regions)
    taxonomy = Taxonomy(archive.cfg.topics)
    for doc in archive.documents:
        enrich(doc, archive.cfg, gazetteer, taxonomy)
        pages = source_pages(doc)
        archive.pages[doc.source.id] = pages
        archive.records.extend(build_records(doc, pages))


def render_archive(archive: Archive, docs_dir: Path) -> None:
    for name in GENERATED_DIRS:
        shutil.rmtree(docs_dir / name, ignore_errors=True)
    renderer = Renderer(archive.cfg, docs_dir)
    stats = {}
    for doc in archive.documents:
        stats[doc.source.id] = {
            "events": len(doc.events()),
            "entries": len(doc.entries()),
            "sections": len(doc.sections()),
        }
    for doc in archive.documents:
        pages = archive.pages[doc.source.id]
        for page in pages:
            renderer.source_page(page, section_parts(page, pages), stats[doc.source.id])
    renderer.sources_index(archive.documents, archive.pages, stats)
    renderer.year_pages(archive.records, archive.documents)
    renderer.facet_pages("regions", archive.records)
    renderer.facet_pages("topics", archive.records)
    files = write_data(archive.records, archive.cfg, docs_dir / "data")
    renderer.data_page(files)
    renderer.search_page()


def index_archive(archive: Archive, docs_dir: Path) -> None:
    write_search_records(archive.records, archive.cfg, docs_dir / "data" / "records.js")


def run_mkdocs(project_dir: Path, out_dir: Path) -> None:
    """``mkdocs build --strict`` into a temporary folder, then swap it in atomically."""
    out_dir = out_dir.resolve()
    tmp = out_dir.with_name(out_dir.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
           str(project_dir / "mkdocs.yml"), "-d", str(tmp)]
    proc = subprocess.run(cmd, check=False, cwd=project_dir, capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError("mkdocs build --strict failed; the previous site is untouched:\n" + proc.stderr[-4000:])
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def build(
    *,
    project_dir: Path,
    sources_dir: Path,
    config_dir: Path,
    out_dir: Path,
    console: Console | None = None,
    run_site: bool = True,
) -> Archive:
    """Run the whole pipeline. Raises ConfigError/BuildError with a one-line reason."""
    console = console or Console(stderr=True)
    require_jieba()
    docs_dir = project_dir / "docs"
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
        steps = ["读取与解析 load/parse", "标注 enrich", "生成页面 render", "检索数据 index"]
        if run_site:
            steps.append("MkDocs 构建")
        task = progress.add_task(steps[0], total=len(steps))
        archive = load_and_parse(config_dir, sources_dir)
        progress.update(task, advance=1, description=steps[1])
        enrich_archive(archive)
        progress.update(task, advance=1, description=steps[2])
        render_archive(archive, docs_dir)
        progress.update(task, advance=1, description=steps[3])
        index_archive(archive, docs_dir)
        if run_site:
            progress.update(task, advance=1, description=steps[4])
            run_mkdocs(project_dir, out_dir)
        progress.update(task, advance=1)
    return archive


__all__ = ["Archive", "BuildError", "ConfigError", "build", "enrich_archive", "load_and_parse"]
