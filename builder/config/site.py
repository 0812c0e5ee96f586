"""Load and validate the editorial data in ``site_config/``.

Every error names the file and line: ``site_config/sources.yml:14: …``.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.config.divisions import load_divisions, merge_regions
from builder.config.entities import EntityRules, load_entity_rules
from builder.config.loader import ConfigError, YamlMap, _kind, _Reader, _records, _top, _unique, check_keys
from builder.model.document import Correction, Region, Source, Topic

GENRES = ("chronicle", "yearbook", "report")

# the keys each record may have (a misspelt key is an error with "did you mean")
SOURCE_FIELDS = ("id", "file", "lines", "title", "genre", "region", "years", "content_year", "content_month",
                 "era", "publisher", "editor", "edition", "date", "speaker", "complete", "description", "inferred", "encoding")
REGION_FIELDS = ("id", "name", "level", "parent", "aliases", "code", "valid_from", "valid_to", "history", "successor")
TOPIC_FIELDS = ("id", "name", "keywords", "categories", "bodies", "governing", "description")
CORRECTION_FIELDS = ("source", "line", "context", "wrong", "right", "note")
LICENCE_FIELDS = ("name", "url", "note")


def source_file_problem(file: str) -> str:
    """Why ``file`` cannot name a file inside the sources folder ("" if it can). Symbolic
    links are followed and checked when the file is read (builder/sources/load.py)."""
    if not file.strip():
        return "'file' must not be empty"
    if any(ord(c) < 32 for c in file):
        return "'file' must not contain control characters"
    if file.startswith("/"):
        return f"'file' must be a path inside the sources folder, not an absolute path ('{file}')"
    if ".." in file.split("/"):
        return f"'file' must stay inside the sources folder: '..' is not allowed ('{file}')"
    return ""


def load_sources(path: Path) -> list[Source]:
    readers = _records(path, "sources", SOURCE_FIELDS, "source")
    if not readers:
        raise ConfigError(f"{path}:1: no documents: list each under a top-level 'sources:' "
                          "(id, file, title, genre, region, years)")
    sources = []
    for r in readers:
        genre = r.str("genre")
        if genre not in GENRES:
            raise r.fail(f"genre must be one of {', '.join(GENRES)}, got '{genre}'")
        ident = _slug(r, "id")
        lines = r.ints("lines", "[first, last] line numbers")
        if r.record.get("lines") is not None and (len(lines) != 2 or lines[0] < 1 or lines[1] < lines[0]):
            raise r.fail("'lines' must be [first, last] with 1 <= first <= last", "lines")
        content_year = r.int("content_year", required=False)
        content_month = r.int("content_month", required=False)
        if content_month is not None and not 1 <= content_month <= 12:
            raise r.fail(f"'content_month' must be 1 to 12, got {content_month}", "content_month")
        era = r.str("era", required=False).strip()
        if len(era) > 12 or any(not ("\u4e00" <= c <= "\u9fff") for c in era):
            raise r.fail(f"'era' must be an era name in Chinese characters (e.g. 民国), got '{era[:20]}'", "era")
        inferred = r.strs("inferred")
        for name in inferred:
            if name not in SOURCE_FIELDS:
                raise r.fail(f"'inferred' names '{name}', which is not a field of a source "
                             f"({', '.join(SOURCE_FIELDS)})", "inferred")
        encoding = r.str("encoding", required=False) or None
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise r.fail(f"unknown encoding '{encoding}' (e.g. utf-8, gb18030, big5, shift_jis)",
                             "encoding") from None
        file = r.str("file")
        if problem := source_file_problem(file):
            raise r.fail(problem, "file")
        sources.append(
            Source(
                id=ident,
                file=file,
                title=r.str("title"),
                genre=genre,  # type: ignore[arg-type]
                region=r.str("region"),
                years=r.ints("years"),
                lines=(lines[0], lines[1]) if lines else None,
                content_year=content_year,
                content_month=content_month,
                era=era,
                publisher=r.str("publisher", required=False),
                editor=r.str("editor", required=False),
                edition=r.str("edition", required=False),
                date=r.str("date", required=False),
                speaker=r.str("speaker", required=False),
                complete=r.bool("complete", True),
                description=r.str("description", required=False).strip(),
                inferred=inferred,
                encoding=encoding,
                where=r.where,
            )
        )
    _unique(readers, [s.id for s in sources], "source")
    return sources


def _slug(r: _Reader, key: str) -> str:
    """An id used in URLs: lower-case ASCII letters, digits and '-' (nothing a URL or page could misread)."""
    ident = r.str(key)
    if not ident.replace("-", "").isalnum() or not ident.isascii() or ident != ident.lower():
        raise r.fail(f"id '{ident}' must be lower-case ASCII letters, digits and '-'", key)
    return ident


def load_regions(path: Path, divisions: Path | None = None) -> list[Region]:
    """regions.yml merged with the official division data beside it (see builder/config/divisions.py)."""
    readers = _records(path, "regions", REGION_FIELDS, "region")
    editorial = [
        Region(
            id=_slug(r, "id"),
            name=r.str("name"),
            level=r.str("level", required=False),
            parent=r.str("parent", required=False) or None,
            aliases=r.strs("aliases"),
            code=r.str("code", required=False),
            valid_from=r.str("valid_from", required=False),
            valid_to=r.str("valid_to", required=False),
            history=r.strs("history"),
            successor=r.str("successor", required=False) or None,
        )
        for r in readers
    ]
    _unique(readers, [g.id for g in editorial], "region")
    regions = merge_regions(editorial, load_divisions(divisions or path.with_name("divisions.csv")), where=str(path),
                            lines={g.id: r.where for r, g in zip(readers, editorial)})
    known = {g.id for g in regions}
    for r, g in zip(readers, regions):
        if g.parent and g.parent not in known:
            raise r.fail(f"unknown parent region '{g.parent}'")
        if g.successor and g.successor not in known:
            raise r.fail(f"unknown successor region '{g.successor}'")
    return regions


def load_topics(path: Path) -> list[Topic]:
    readers = _records(path, "topics", TOPIC_FIELDS, "topic")
    topics = [
        Topic(
            id=_slug(r, "id"),
            name=r.str("name"),
            keywords=r.strs("keywords"),
            categories=r.strs("categories"),
            bodies=r.strs("bodies"),
            governing=r.strs("governing"),
            description=r.str("description", required=False),
        )
        for r in readers
    ]
    _unique(readers, [t.id for t in topics], "topic")
    return topics


def load_corrections(path: Path) -> list[Correction]:
    """Reviewed errata: ``source``, ``line`` (or ``context``), ``wrong``, ``right``, ``note``."""
    if not path.exists():
        return []
    out = []
    for r in _records(path, "corrections", CORRECTION_FIELDS, "correction"):
        line = r.int("line", required=False) or 0
        context = r.str("context", required=False)
        if line < 0 or (line == 0 and not context):
            raise r.fail("'line' must be a 1-based line number (or give a 'context' that occurs once)", "line")
        wrong, right = r.str("wrong"), r.str("right")
        if not wrong.strip() or not right.strip() or wrong == right:
            raise r.fail("'wrong' and 'right' must be non-empty and differ (for a doubled word, "
                         "write both copies as wrong and one as right)")
        if context and wrong not in context:
            raise r.fail("'context' must contain the wrong text")
        out.append(
            Correction(
                source=r.str("source"),
                line=line,
                wrong=wrong,
                right=right,
                note=r.str("note", required=False),
                context=context,
                where=r.where,
            )
        )
    return out


@dataclass(frozen=True)
class Licence:
    """The licence of the data the site publishes (site_config/licence.yml), shown on the home page."""

    name: str
    url: str = ""
    note: str = ""


def load_licence(path: Path) -> Licence | None:
    """``licence: {name, url, note}``; None when the file is absent (the home page then says
    that no licence is declared)."""
    if not path.exists():
        return None
    top = _top(path, "licence")
    value = top.get("licence") if top is not None else None
    if not isinstance(value, YamlMap):
        line = top.key_lines.get("licence", top.line) if top is not None else 1
        raise ConfigError(f"{path}:{line}: 'licence' must be a mapping with name, url and note, got {_kind(value)}")
    check_keys(path, value, LICENCE_FIELDS, "licence")
    r = _Reader(path, value)
    url = r.str("url", required=False)
    if url and not url.startswith(("https://", "http://")):
        raise r.fail(f"'url' must be an http(s) address, got '{url}'", "url")
    return Licence(name=r.str("name"), url=url, note=r.str("note", required=False))


def _valid(region: Region, years: tuple[int, ...]) -> bool:
    """Whether ``region`` existed in any of ``years`` (or there are no years to go by)."""
    start = int(region.valid_from[:4]) if region.valid_from[:4].isdigit() else None
    end = int(region.valid_to[:4]) if region.valid_to[:4].isdigit() else None
    return not years or any((start is None or y >= start) and (end is None or y <= end) for y in years)


def _describe(region: Region, by_id: dict[str, Region]) -> str:
    parent = by_id.get(region.parent or "")
    span = f", {region.valid_from or '…'}–{region.valid_to}" if region.valid_to else ""
    return f"{region.name} ({region.code or region.id}{', ' + parent.name if parent else ''}{span})"


def source_region(source: Source, regions: list[Region], config_dir: Path) -> str:
    """The region id a source's ``region:`` means: a region id, a division code, or a name (连云港市,
    连云港, 赣榆县), the unit of that name that existed in the source's years. Anything else stops
    the load with the closest names."""
    where = source.where or str(config_dir / "sources.yml")
    wanted = source.region.strip()
    years = tuple(source.years) or ((source.content_year,) if source.content_year else ())
    by_id = {g.id: g for g in regions}
    if wanted in by_id:  # a region id: of regions.yml, or the gazetteer's (``4422-1981``, a unit no longer in use)
        return wanted
    if wanted.isdigit():
        found = [g for g in regions if g.code == wanted]
        short = wanted
        while not found and len(short) > 2 and short.endswith("00"):  # 520500, the official 6 digits: 5205
            short = short[:-2]
            found = [g for g in regions if g.code == short]
    else:
        found = [g for g in regions if wanted in (g.name, *g.aliases)] or [g for g in regions if wanted in g.short]
    if len(found) > 1:
        found = [g for g in found if _valid(g, years)] or found
    if len(found) > 1:  # a larger unit before a smaller one of the same name (淮阴: the city)
        rank = {"省": 0, "自治区": 0, "直辖市": 0, "地级市": 1, "地区": 1, "自治州": 1, "盟": 1}
        top = min(rank.get(g.level, 2) for g in found)
        found = [g for g in found if rank.get(g.level, 2) == top]
    if len(found) == 1:
        return found[0].id
    if found:
        raise ConfigError(f"{where}: source '{source.id}': region '{wanted}' names {len(found)} units: "
                          f"{'; '.join(_describe(g, by_id) for g in found[:6])}; give its division code")
    names = sorted({n for g in regions for n in (g.name, *g.aliases, *g.short)} | set(by_id) if not wanted.isascii()
                   else set(by_id))
    close = difflib.get_close_matches(wanted, names, n=1 if wanted.isascii() else 3, cutoff=0.5 if not wanted.isascii()
                                      else 0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else \
        " (give a region id of regions.yml, a division code such as 3207, or a name such as 连云港市)"
    raise ConfigError(f"{where}: source '{source.id}' names unknown region '{wanted}'{hint}")


def _close(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class SiteConfig:
    sources: list[Source]
    regions: list[Region]
    topics: list[Topic]
    corrections: list[Correction]
    entities: EntityRules = field(default_factory=lambda: EntityRules((), "", {}))  # site_config/entities.yml
    licence: Licence | None = None  # site_config/licence.yml

    def region(self, ident: str) -> Region | None:
        return next((g for g in self.regions if g.id == ident), None)


def load_config(config_dir: Path) -> SiteConfig:
    """Load everything in site_config/ and check cross-references."""
    cfg = SiteConfig(
        sources=load_sources(config_dir / "sources.yml"),
        regions=load_regions(config_dir / "regions.yml"),
        topics=load_topics(config_dir / "topics.yml"),
        corrections=load_corrections(config_dir / "corrections.yml"),
    )
    entities_file = config_dir / "entities.yml"
    cfg.entities = load_entity_rules(entities_file) if entities_file.exists() else EntityRules((), "", {})
    cfg.licence = load_licence(config_dir / "licence.yml")
    region_ids = {g.id for g in cfg.regions}
    source_ids = {s.id for s in cfg.sources}
    cfg.sources = [s if s.region in region_ids else replace(s, region=source_region(s, cfg.regions, config_dir))
                   for s in cfg.sources]
    for c in cfg.corrections:
        if c.source not in source_ids:
            raise ConfigError(f"{c.where}: correction names unknown source '{c.source}'{_close(c.source, source_ids)}")
    return cfg
