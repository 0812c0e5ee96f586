"""Downloadable data (JSON, CSV) and the records script the search page loads.

Output is deterministic: records keep document order, keys are sorted,
no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .config import SiteConfig
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
    }


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _csv(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        for key in ("regions", "topics"):
            flat[key] = ";".join(row[key])  # type: ignore[arg-type]
        flat["path"] = " / ".join(row["path"])  # type: ignore[arg-type]
        writer.writerow(flat)
    return "\ufeff" + buf.getvalue()  # BOM so spreadsheet programs read UTF-8


def write_data(records: list[Record], cfg: SiteConfig, data_dir: Path) -> list[dict[str, object]]:
    """Write events/entries/sections/sources/regions/topics files; return a listing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, object]] = []
    for kind, name, desc in (
        ("event", "events", "大事（大事记各条）"),
        ("entry", "entries", "条目（年鉴【】条目）"),
        ("section", "sections", "章节正文（报告、年鉴综述等不属条目的段落）"),
    ):
        rows = [record_dict(r) for r in records if r.type == kind]
        (data_dir / f"{name}.json").write_text(_json(rows), encoding="utf-8")
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
    regions = [{"id": g.id, "name": g.name, "level": g.level, "parent": g.parent, "aliases": list(g.aliases),
                "url": f"regions/{g.id}/"} for g in cfg.regions]
    topics = [{"id": t.id, "name": t.name, "url": f"topics/{t.id}/"} for t in cfg.topics]
    for name, rows, desc in (("sources", sources, "文献"), ("regions", regions, "地区"), ("topics", topics, "主题")):
        (data_dir / f"{name}.json").write_text(_json(rows), encoding="utf-8")
        files.append({"name": f"{name}.json", "desc": desc, "count": len(rows)})
    return files


def write_search_records(records: list[Record], cfg: SiteConfig, path: Path) -> None:
    """The search page's data, as a script (works from file:// where fetch() does not).

    Each record: [url, type, title, text, source index, date, years, regions, topics].
    """
    source_index = {s.id: i for i, s in enumerate(cfg.sources)}
    rows = [
        [r.url, TYPE_CODES[r.type], r.title, r.text, source_index[r.source_id], r.date, r.years, r.regions, r.topics]
        for r in records
    ]
    meta = {
        "sources": [s.title for s in cfg.sources],
        "regions": {g.id: g.name for g in cfg.regions},
        "topics": {t.id: t.name for t in cfg.topics},
    }
    body = json.dumps({"meta": meta, "records": rows}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    body = body.replace("</", "<\\/")  # never close the script element early
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.FANGZHI_DATA={body};\n", encoding="utf-8")
