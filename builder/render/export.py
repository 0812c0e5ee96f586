"""Downloadable data (JSON, CSV); the search index is builder/search/index.py.

Output is deterministic: records keep document order, keys are sorted,
no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from builder.config import SiteConfig
from builder.enrich.links import KIND_DIRS, Entity, Links
from builder.enrich.records import Record
from builder.render.safe import csv_cell

TYPE_CODES = {"event": "e", "entry": "t", "section": "s"}
CSV_FIELDS = ["id", "source", "date", "precision", "edtf", "printed", "calendar", "original", "qualifier", "title",
              "text", "regions", "topics", "topic_possible", "url", "line", "path"]


def record_dict(r: Record) -> dict[str, object]:
    return {
        "id": r.id,
        "type": r.type,
        "source": r.source_id,
        "date": r.date,
        "precision": r.precision,
        "edtf": r.edtf,
        "printed": r.printed,
        "calendar": r.calendar,
        "original": r.original,
        "qualifier": r.qualifier,
        "title": r.title,
        "text": r.text,
        "regions": r.regions,
        "topics": r.topics,
        "topic_possible": r.topic_possible,  # the topic is a close call (shown as 可能 on the site)
        "years": r.years,
        "url": r.url,
        "line": r.line,
        "path": list(r.path),
        "citation": r.citation,
    }


# one encoder for every record: json.dumps with options builds a new one per call
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _compact(data: object) -> str:
    return _ENCODER.encode(data)


def readable_json(data: object) -> str:
    """JSON with one record a line: a diff shows which records changed; fast (C encoder per record).

    A top-level list has an item a line; a top-level object a key a line, and
    a list under such a key an item a line again.
    """
    def items(values: list[object], indent: str) -> str:
        return "[\n" + ",\n".join(indent + _compact(v) for v in values) + "\n" + indent[:-1] + "]" if values else "[]"

    if isinstance(data, list):
        return items(data, " ") + "\n"
    if isinstance(data, dict):
        lines = [f" {_compact(str(k))}: " + (items(v, "  ") if isinstance(v, list) else _compact(v))
                 for k, v in sorted(data.items())]
        return "{\n" + ",\n".join(lines) + "\n}\n"
    return _compact(data) + "\n"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _csv(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    joined = {"regions": ";".join, "topics": ";".join, "path": " / ".join, "topic_possible": _flag}
    writer.writerows(  # one call for all rows; the cells are CSV_FIELDS of each record, none a formula
        [csv_cell(joined[key](row[key]) if key in joined else row[key]) for key in CSV_FIELDS]  # type: ignore[operator]
        for row in rows
    )
    return "\ufeff" + buf.getvalue()  # BOM so spreadsheet programs read UTF-8


@dataclass(frozen=True)
class DataFile:
    """One download in ``data/``: its line on the Data page, and its text, made when it is written.

    The build writes the downloads while MkDocs builds the pages (they are
    files for readers, not pages MkDocs looks at; builder/publish/plugins.py)."""

    name: str
    desc: str
    count: int
    content: Callable[[], str] = field(repr=False, compare=False)

    def listing(self) -> dict[str, object]:
        return {"name": self.name, "desc": self.desc, "count": self.count}


def write_files(files: list[DataFile], data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    for f in files:
        (data_dir / f.name).write_text(f.content(), encoding="utf-8")


def _json_of(rows: Callable[[], list[dict[str, object]]]) -> str:
    return readable_json(rows())


def _csv_of(rows: Callable[[], list[dict[str, object]]]) -> str:
    return _csv(rows())


def _record_rows(records: list[Record]) -> list[dict[str, object]]:
    return [record_dict(r) for r in records]


def _mentions(records: list[Record]) -> dict[tuple[str, str], list[str]]:
    mentions: dict[tuple[str, str], list[str]] = {}
    for r in records:
        if r.type in ("event", "entry"):
            for g in r.regions:
                mentions.setdefault(("region", g), []).append(r.id)
            for t in r.topics:
                mentions.setdefault(("topic", t), []).append(r.id)
    return mentions


def _sources_rows(cfg: SiteConfig) -> list[dict[str, object]]:
    return [
        {
            "id": s.id, "file": s.file, "title": s.title, "genre": s.genre, "region": s.region,
            "years": list(s.years), "lines": list(s.lines) if s.lines else None, "date": s.date,
            "publisher": s.publisher, "editor": s.editor, "edition": s.edition, "speaker": s.speaker,
            "complete": s.complete, "inferred": list(s.inferred), "description": s.description,
        }
        for s in cfg.sources
    ]


def _regions_rows(cfg: SiteConfig, records: list[Record]) -> list[dict[str, object]]:
    """The units records name, the documents' own and the units that hold them (not the whole
    gazetteer of China: an archive of one county lists a few dozen, not 50,000)."""
    by = _mentions(records)
    parents = {g.id: g.parent for g in cfg.regions}
    used = {key for kind, key in by if kind == "region"} | {s.region for s in cfg.sources}
    for key in list(used):
        parent = parents.get(key)
        while parent and parent not in used:
            used.add(parent)
            parent = parents.get(parent)
    return [
        {"id": g.id, "name": g.name, "level": g.level, "parent": g.parent, "code": g.code, "aliases": list(g.aliases),
         "valid_from": g.valid_from, "valid_to": g.valid_to, "history": list(g.history),
         "url": f"regions/{g.id}/",
         "records": by.get(("region", g.id), [])}
        for g in cfg.regions if g.id in used
    ]


def _topics_rows(cfg: SiteConfig, records: list[Record]) -> list[dict[str, object]]:
    """Each topic with its events and 条目 (``records``) and, of those, the close calls (``possible``)."""
    by = _mentions(records)
    possible: dict[str, list[str]] = {}
    for r in records:
        if r.topic_possible and r.type in ("event", "entry"):
            for t in r.topics:
                possible.setdefault(t, []).append(r.id)
    return [{"id": t.id, "name": t.name, "url": f"topics/{t.id}/", "records": by.get(("topic", t.id), []),
             "possible": possible.get(t.id, [])}
            for t in cfg.topics]


def _entity_rows(entities: list[Entity]) -> list[dict[str, object]]:
    return [
        {"id": e.id, "name": e.name, "url": e.url, "records": e.records, **({"date": e.date} if e.kind == "meeting"
                                                                             else {}),
         **{k: v for k, v in sorted(e.attrs.items())}}
        for e in entities
    ]


ENTITY_TABLES = {"people": "人物（以职务相称者）", "meetings": "会议（按届次与日期）", "series": "系列活动", "organisations": "机构"}


def data_files(records: list[Record], cfg: SiteConfig, links: Links | None = None) -> list[DataFile]:
    """The events/entries/sections/sources/regions/topics/entity downloads (written by ``write_files``)."""
    files: list[DataFile] = []
    for kind, name, desc in (
        ("event", "events", "大事（大事记各条）"),
        ("entry", "entries", "条目（年鉴【】条目）"),
        ("section", "sections", "章节正文（报告、年鉴综述等不属条目的段落）"),
    ):
        of_kind = [r for r in records if r.type == kind]
        rows = partial(_record_rows, of_kind)  # made for each file as it is written, then let go
        files.append(DataFile(f"{name}.json", desc, len(of_kind), partial(_json_of, rows)))
        files.append(DataFile(f"{name}.csv", desc + "（CSV）", len(of_kind), partial(_csv_of, rows)))
    tables = [
        ("sources", len(cfg.sources), partial(_sources_rows, cfg), "文献"),
        ("regions", len(_regions_rows(cfg, records)), partial(_regions_rows, cfg, records),
         "地区（含官方区划代码；records 为提到它的大事与条目）"),
        ("topics", len(cfg.topics), partial(_topics_rows, cfg, records), "主题"),
    ]
    if links is not None:
        for kind, directory in KIND_DIRS.items():
            entities = sorted((e for e in links.entities.values() if e.kind == kind), key=lambda e: (e.name, e.date, e.id))
            tables.append((directory, len(entities), partial(_entity_rows, entities), ENTITY_TABLES[directory]))
    for name, count, rows, desc in tables:
        files.append(DataFile(f"{name}.json", desc, count, partial(_json_of, rows)))
    return files
