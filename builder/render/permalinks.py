"""Permanent links: a published record or page never turns into a 404.

Rules:

* ``site_config/permalinks.tsv`` lists every record id and page the archive
  has ever published (``id<TAB>url<TAB>label``; pages use their URL as id).
  ``fangzhi permalinks`` adds the current build's ids to it; entries are never
  removed, so a link that was once cited keeps resolving. Editors commit it.
* At build time an id in the list that the current build lacks is *retired*:
  - **moved** when exactly one new id of the same source, type and date
    (the id's prefix before its content hash) appeared, e.g. after the
    record's own text was corrected;
  - **removed** otherwise.
* Retired record ids go to ``data/permalinks.js`` (``window.FZ_RETIRED``);
  a small script on every page shows a notice when the URL's anchor is a
  retired id (with a link to where it moved, or to a search for it).
  A retired *page* gets a generated notice page at its old path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from builder.config import ConfigError
from builder.enrich.records import Page, Record
from builder.files import write_if_changed

FILE_NAME = "permalinks.tsv"
HEADER = "# id\turl\tlabel — every record and page ever published; maintained by `fangzhi permalinks`\n"
_HASHED = re.compile(r"^(?P<prefix>.+-[est][0-9]*)-?[0-9a-f]{6}(?:-\d+)?$")


@dataclass(frozen=True)
class Permalink:
    id: str
    url: str
    label: str = ""


@dataclass(frozen=True)
class Retired:
    id: str
    old_url: str
    label: str
    moved_to: str = ""  # the new URL, when the record moved


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def load_permalinks(config_dir: Path) -> dict[str, Permalink]:
    path = config_dir / FILE_NAME
    if not path.exists():
        return {}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:{_line(data, exc.start)}: not UTF-8 ({exc.reason}); "
                          "it is written by `fangzhi permalinks`, restore it from git") from None
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[parts[0]] = Permalink(parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")
    return out


def current_permalinks(records: list[Record], pages: dict[str, list[Page]]) -> dict[str, Permalink]:
    out: dict[str, Permalink] = {}
    for doc_pages in pages.values():
        for p in doc_pages:
            out[p.url] = Permalink(p.url, p.url, p.title)
    for r in records:
        label = " ".join(x for x in (r.date, r.title, r.text[:24].replace("\n", " ").replace("\t", " ")) if x)
        out[r.id] = Permalink(r.id, r.url, label)
    return out


def save_permalinks(config_dir: Path, merged: dict[str, Permalink]) -> Path:
    path = config_dir / FILE_NAME
    rows = [f"{p.id}\t{p.url}\t{p.label}\n" for p in sorted(merged.values(), key=lambda p: p.id)]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _prefix(ident: str) -> str | None:
    m = _HASHED.match(ident)
    return m.group("prefix") if m else None


def retired(published: dict[str, Permalink], current: dict[str, Permalink]) -> list[Retired]:
    """Published ids the current build lacks, each moved (to a unique successor) or removed."""
    new_by_prefix: dict[str, list[str]] = {}
    for ident in current:
        if ident not in published and (pre := _prefix(ident)):
            new_by_prefix.setdefault(pre, []).append(ident)
    gone = [p for i, p in sorted(published.items()) if i not in current]
    gone_by_prefix: dict[str, int] = {}
    for p in gone:
        if pre := _prefix(p.id):
            gone_by_prefix[pre] = gone_by_prefix.get(pre, 0) + 1
    out = []
    for p in gone:
        pre = _prefix(p.id)
        successors = new_by_prefix.get(pre, []) if pre else []
        moved = current[successors[0]].url if len(successors) == 1 and gone_by_prefix.get(pre or "") == 1 else ""
        out.append(Retired(p.id, p.url, p.label, moved))
    return out


def write_retired(items: list[Retired], docs_dir: Path) -> None:
    """``data/permalinks.js`` for anchors, and a notice page for each retired page URL."""
    anchors = {r.id: {"label": r.label, "to": r.moved_to} for r in items if not r.id.endswith("/")}
    body = json.dumps(anchors, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    # unchanged, it is left alone: MkDocs' dev server would rebuild for a new mtime (fangzhi serve)
    write_if_changed(docs_dir / "data" / "permalinks.js", f"window.FZ_RETIRED={body};\n".encode())


def retired_pages(items: list[Retired], existing: set[str]) -> list[Retired]:
    """Retired page URLs that no current page occupies (they get a notice page)."""
    return [r for r in items if r.id.endswith("/") and r.id not in existing]
