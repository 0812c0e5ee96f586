"""The split full-text index the search page runs on (``data/search/``).

Rules (the search page, ``fangzhi-search.js``, implements the same ones):

* **Folding.** A record is searched in its title and its text separately, each
  *folded*: whitespace removed (OCR line breaks and spaces never split a word),
  lower case, full-width ASCII to half-width, and traditional characters to
  simplified with OpenCC's ``t2s`` character map. The query is folded the same
  way in the browser with the part of that map the corpus needs, so a 繁體
  query finds 简体 text and the reverse.
* **Grams.** Every 1- and 2-character gram has a *document list* (record,
  hits in the text, hit in the title): exact for 1- and 2-character queries.
  Every 3-character gram has a *positional list* (record, positions in the
  title and in the text): a longer query is a chain of 3-grams at offsets
  0, 3, 6 … and n-3, and a record matches where all of them line up, so the
  result set, the hit counts and the total are exact without loading text.
* **Records** are numbered by folded length (then document order), so "shorter
  record first" is "smaller number first" and ranking is stable.
* **Split by term.** Gram lists go to ``g/<hash % shards>.js``; a list larger
  than half a shard gets its own file ``h/<n>.js``. Record metadata goes to
  ``m/<id // META_PER_FILE>.js``, texts to fixed-size chunks ``t/<n>.js`` of
  one stream, facet lists to ``f/<n>.js``. A query loads the manifest, the
  files of its own grams, then the metadata and text chunks of the results it
  shows, so what it transfers does not grow with the size of the archive.
* Every file is a script calling ``FZS.put(name, data)``: pages opened from
  ``file://`` load them with ``<script>``, where fetch() is refused.

A shard is one string of entries ``<n><gram><varints>~`` (n = gram length).
Numbers in lists are varints written with 64 ASCII characters: 32 "last digit"
characters and 32 "more digits follow" characters, 5 bits each, high first.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from .config import SiteConfig
from .export import TYPE_CODES
from .gazetteer import region_labels
from .records import Record

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUV"  # value 0..31, last digit of a number
MORE = "WXYZabcdefghijklmnopqrstuvwxyz-_"  # value 0..31, more digits follow
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class IndexSettings:
    """Sizes that trade number of files against bytes per query."""

    shard_bytes: int = 24_000  # target size of a gram shard
    meta_per_file: int = 16  # records per metadata file
    chunk_chars: int = 1024  # characters per text chunk


@dataclass
class IndexStats:
    """What was written, for the build log and the bench."""

    records: int = 0
    files: int = 0
    bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def varints(values: list[int]) -> str:
    out: list[str] = []
    for v in values:
        if v < 32:
            out.append(DIGITS[v])
            continue
        groups = []
        while v:
            groups.append(v & 31)
            v >>= 5
        groups.reverse()
        out.extend(MORE[g] for g in groups[:-1])
        out.append(DIGITS[groups[-1]])
    return "".join(out)


def decode_varints(s: str) -> list[int]:
    """Inverse of ``varints`` (tests and tools)."""
    out, v = [], 0
    for ch in s:
        i = DIGITS.find(ch)
        if i >= 0:
            out.append(v * 32 + i)
            v = 0
        else:
            v = v * 32 + MORE.index(ch)
    return out


def gram_hash(key: str) -> int:
    """FNV-1a over code points (the page computes the same)."""
    h = 2166136261
    for ch in key:
        h ^= ord(ch)
        h = (h * 16777619) & 0xFFFFFFFF
    return h


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold_map(chars: set[str]) -> dict[str, str]:
    """Traditional→simplified for single characters (OpenCC t2s), for the given characters."""
    ordered = sorted(c for c in chars if not c.isascii())
    converted = _t2s().convert("\n".join(ordered)).split("\n")
    return {c: s for c, s in zip(ordered, converted, strict=True) if len(s) == 1 and s != c}


def query_fold_map(simplified: set[str]) -> dict[str, str]:
    """Every traditional character whose simplified form occurs in the corpus."""
    cjk = {chr(cp) for cp in range(0x3400, 0x9FFF + 1)} | {chr(cp) for cp in range(0xF900, 0xFAFF + 1)}
    return {t: s for t, s in fold_map(cjk).items() if s in simplified}


def _halfwidth(ch: str) -> str:
    cp = ord(ch)
    return chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch


def fold(text: str, cmap: dict[str, str] | None = None) -> str:
    """The searchable form of a title, text or query (see the module docstring)."""
    text = _SPACE.sub("", text).lower()
    if cmap is None:
        cmap = fold_map(set(text))
    return "".join(cmap.get(c, c) for c in map(_halfwidth, text)).lower()


def query_terms(query: str) -> list[str]:
    """Space-separated terms, quoted phrases kept whole (the page parses the same way)."""
    found = re.findall(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)', query)
    return [t for t in ("".join(g) for g in found) if _SPACE.sub("", t)]


def _entry(gram: str, value: str) -> str:
    """One list in a shard: gram length, the gram, its varints, ``~``."""
    return f"{len(gram)}{gram}{value}~"


def _script(name: str, data: object) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return f"FZS.put({json.dumps(name)},{body});\n"


class _Writer:
    def __init__(self, out: Path, stats: IndexStats) -> None:
        self.out, self.stats = out, stats

    def put(self, kind: str, name: str, data: object) -> None:
        text = _script(name, data)
        path = self.out / f"{name}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        size = len(text.encode("utf-8"))
        self.stats.files += 1
        self.stats.bytes += size
        self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + size


def _display_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def write_search_index(
    records: list[Record], cfg: SiteConfig, out: Path, settings: IndexSettings | None = None
) -> IndexStats:
    """Write the split index for ``records`` into ``out`` (replaced whole)."""
    settings = settings or IndexSettings()
    shutil.rmtree(out, ignore_errors=True)
    stats = IndexStats(records=len(records))
    writer = _Writer(out, stats)

    chars: set[str] = set()
    for r in records:
        chars.update(r.title)
        chars.update(r.text)
    cmap = fold_map(chars)
    folded = [(fold(r.title, cmap), fold(r.text, cmap)) for r in records]
    order = sorted(range(len(records)), key=lambda i: (len(folded[i][0]) + len(folded[i][1]), i))

    doc_lists: dict[str, list[int]] = defaultdict(list)  # 1- and 2-grams: id delta, count*2+title
    pos_lists: dict[str, list[int]] = defaultdict(list)  # 3-grams: id delta, nt, nx, positions
    last_doc: dict[str, int] = {}
    last_pos: dict[str, int] = {}
    facets: dict[tuple[str, str], list[int]] = defaultdict(list)
    source_index = {s.id: i for i, s in enumerate(cfg.sources)}
    meta_rows: list[list[object]] = []
    stream: list[str] = []
    offset = 0

    for new_id, i in enumerate(order):
        r = records[i]
        title, text = folded[i]
        for n in (1, 2):
            counts = Counter(text[k:k + n] for k in range(len(text) - n + 1))
            in_title = {title[k:k + n] for k in range(len(title) - n + 1)}
            for g in sorted(counts.keys() | in_title):
                doc_lists[g] += [new_id - last_doc.get(g, -1) - 1, counts.get(g, 0) * 2 + (g in in_title)]
                last_doc[g] = new_id
        places: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for side, s in enumerate((title, text)):
            for k in range(len(s) - 2):
                places[s[k:k + 3]][side].append(k)
        for g in sorted(places):
            tp, xp = places[g]
            entry = [new_id - last_pos.get(g, -1) - 1, len(tp), len(xp)]
            for plist in (tp, xp):
                prev = 0
                for p in plist:
                    entry.append(p - prev)
                    prev = p
            pos_lists[g] += entry
            last_pos[g] = new_id
        for y in r.years:
            facets[("year", str(y))].append(new_id)
        for g in r.regions:
            facets[("region", g)].append(new_id)
        for t in r.topics:
            facets[("topic", t)].append(new_id)
        facets[("source", str(source_index[r.source_id]))].append(new_id)
        shown = _display_text(r.text)
        meta_rows.append([r.url, TYPE_CODES[r.type], r.title, source_index[r.source_id], r.date, offset, len(shown)])
        stream.append(shown)
        offset += len(shown)

    # gram lists → shards by hash; big lists on their own
    encoded = {g: varints(v) for g, v in doc_lists.items()}
    encoded.update({g: varints(v) for g, v in pos_lists.items()})
    heavy = sorted(g for g, s in encoded.items() if len(s) > settings.shard_bytes // 2)
    light_bytes = sum(len(s) + 3 * len(g) + 2 for g, s in encoded.items() if g not in set(heavy))
    shards = max(1, math.ceil(light_bytes / settings.shard_bytes))
    heavy_set = set(heavy)
    buckets: dict[int, list[str]] = defaultdict(list)
    for g in sorted(encoded):
        if g not in heavy_set:
            buckets[gram_hash(g) % shards].append(_entry(g, encoded[g]))
    for n in range(shards):
        writer.put("grams", f"g/{n}", "".join(buckets.get(n, [])))
    for n, g in enumerate(heavy):
        writer.put("grams", f"h/{n}", _entry(g, encoded[g]))

    for n in range(0, len(meta_rows), settings.meta_per_file):
        writer.put("meta", f"m/{n // settings.meta_per_file}", meta_rows[n:n + settings.meta_per_file])
    whole = "".join(stream)
    for n in range(0, max(1, len(whole)), settings.chunk_chars):
        writer.put("text", f"t/{n // settings.chunk_chars}", whole[n:n + settings.chunk_chars])

    facet_index: dict[str, list[list[object]]] = defaultdict(list)
    for n, ((kind, value), ids) in enumerate(sorted(facets.items())):
        deltas = [ids[0]] + [b - a - 1 for a, b in pairwise(ids)]
        writer.put("facets", f"f/{n}", varints(deltas))
        facet_index[kind].append([value, n, len(ids)])

    simplified = {cmap.get(c, c) for c in chars}
    qmap = query_fold_map(simplified)
    qmap.update({t: s for t, s in cmap.items()})
    manifest = {
        "records": len(records),
        "shards": shards,
        "heavy": {g: n for n, g in enumerate(heavy)},
        "metaPerFile": settings.meta_per_file,
        "chunkChars": settings.chunk_chars,
        "fold": "".join(t + s for t, s in sorted(qmap.items())),
        "facets": facet_index,
        "names": {
            "source": [s.title for s in cfg.sources],
            "region": region_labels(cfg.regions),
            "topic": {t.id: t.name for t in cfg.topics},
        },
    }
    writer.put("manifest", "manifest", manifest)
    return stats
