"""Downloadable data (JSON, CSV); the search index is builder/search_index.py.

Output is deterministic: records keep document order, keys are sorted,
no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .config import SiteConfig
from .links import KIND_DIRS, Links
from .records import Record

TYPE_CODES = {"event": "e", "entry": "t", "section": "s"}
CSV_FIELDS = ["id", "source", "date", "precision", "title", "text", "regions", "topics", "url", "line", "path"]


def record_dict(r: Record) -> dict[str, object]:
    return {
        "id": r.id,
        "type": r.type,
        "source": r.source_id,
        "date": r.date,
        "precision": r.precision,
        "title": r.title,
        "text": r.text,
        "regions": r.regions,
        "topics": r.topics,
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


def _csv(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    joined = {"regions": ";".join, "topics": ";".join, "path": " / ".join}
    writer.writerows(  # one call for all rows; the cells are CSV_FIELDS of each record
        [joined[key](row[key]) if key in joined else row[key] for key in CSV_FIELDS]  # type: ignore[operator]
        for row in rows
    )
    return "\ufeff" + buf.getvalue()  # BOM so spreadsheet programs read UTF-8


def write_data(records: list[Record], cfg: SiteConfig, data_dir: Path, links: Links | None = None
               ) -> list[dict[str, object]]:
    """Write events/entries/sections/sources/regions/topics/entity files; return a listing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, object]] = []
    for kind, name, desc in (
        ("event", "events", "大事（大事记各条）"),
        ("entry", "entries", "条目（年鉴【】条目）"),
        ("section", "sections", "章节正文（报告、年鉴综述等不属条目的段落）"),
    ):
        rows = [record_dict(r) for r in records if r.type == kind]
        (data_dir / f"{name}.json").write_text(readable_json(rows), encoding="utf-8")
        (data_dir / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")
        files.append({"name": f"{name}.json", "desc": desc, "count": len(rows)})
        files.append({"name": f"{name}.csv", "desc": desc + "（CSV）", "count": len(rows)})
    sources = [
        {
            "id": s.id, "file": s.file, "title": s.title, "genre": s.genre, "region": s.region,
            "years": list(s.years), "lines": list(s.lines) if s.lines else None, "date": s.date,
            "publisher": s.publisher, "editor": s.editor, "edition": s.edition, "speaker": s.speaker,
            "complete": s.complete, "inferred": list(s.inferred), "description": s.description,
        }
        for s in cfg.sources
    ]
    mentions: dict[tuple[str, str], list[str]] = {}
    for r in records:
        if r.type in ("event", "entry"):
            for g in r.regions:
                mentions.setdefault(("region", g), []).append(r.id)
            for t in r.topics:
                mentions.setdefault(("topic", t), []).append(r.id)
    regions = [
        {"id": g.id, "name": g.name, "level": g.level, "parent": g.parent, "code": g.code, "aliases": list(g.aliases),
         "valid_from": g.valid_from, "valid_to": g.valid_to, "history": list(g.history),
         "url": f"regions/{g.id}/" if ("region", g.id) in mentions else "",
         "records": mentions.get(("region", g.id), [])}
        for g in cfg.regions
    ]
    topics = [{"id": t.id, "name": t.name, "url": f"topics/{t.id}/", "records": mentions.get(("topic", t.id), [])}
              for t in cfg.topics]
    tables = [("sources", sources, "文献"), ("regions", regions, "地区（含官方区划代码；records 为提到它的大事与条目）"),
              ("topics", topics, "主题")]
    if links is not None:
        for kind, directory in KIND_DIRS.items():
            rows = [
                {"id": e.id, "name": e.name, "url": e.url, "records": e.records, **({"date": e.date} if kind == "meeting"
                                                                                     else {}),
                 **{k: v for k, v in sorted(e.attrs.items())}}
                for e in sorted(links.entities.values(), key=lambda e: (e.name, e.date, e.id)) if e.kind == kind
            ]
            tables.append((directory, rows, {"people": "人物（以职务相称者）", "meetings": "会议（按届次与日期）",
                                             "series": "系列活动", "organisations": "机构"}[directory]))
    for name, rows, desc in tables:
        (data_dir / f"{name}.json").write_text(readable_json(rows), encoding="utf-8")
        files.append({"name": f"{name}.json", "desc": desc, "count": len(rows)})
    return files
