"""The split full-text index the search page runs on (``data/search/``).

Rules (the search page, ``fangzhi-search.js``, implements the same ones; its folding is
``fangzhi-fold.js``, which ``fangzhi.js`` also uses for the highlight on the page a result opens):

* **Units.** Every offset and length in the index — gram positions, a
  record's place in the text stream and its length, the start of its text kept
  with its metadata, the size of a text chunk — counts Unicode *code points*,
  never UTF-16 code units: a CJK Extension B character such as 𡒄 or 𠀀 is one
  position. The page turns strings into arrays of code points
  (``Array.from``) before it uses any of these numbers.
* **Folding.** A record is searched in its title and its text separately, each
  *folded*. Folding works on *segments*: a code point with the combining marks
  (and conjoining Hangul vowels/finals) that follow it, so a base letter and
  its accent stay together. Each segment is normalised to **NFKC** (NFD
  ``é`` = ``e`` + U+0301 becomes ``é``; full-width ``５Ｇ`` becomes ``5G``;
  compatibility ideographs and Kangxi radicals become the unified ideographs;
  ``℃`` becomes ``°C``), then lower-cased; whitespace and invisible
  characters — zero-width space, joiners, word joiner, BOM, soft hyphen,
  direction marks, variation selectors (``IGNORED``) — are removed; and
  traditional characters become simplified with OpenCC's ``t2s`` character
  map. A folded segment may be empty (a zero-width space) or longer than the
  original (``℃``). The query is folded the same way in the browser with the
  part of that map the corpus needs, so a 繁體 query finds 简体 text and the
  reverse, a plain query finds text with zero-width characters or decomposed
  accents, and the reverse. The page maps every folded character back to the
  segment it came from, so the snippet shows the original text with the
  highlight on exactly the characters that matched (whole segments).
* **Grams** (lists built in builder/search/postings.py). Every 1-character gram
  has a *document list* (record, hits in the text, hit in the title): exact for
  1-character queries. Every 2-character gram has a *positional list* (record,
  hits, positions in the title and in the text, in folded code points): a
  2-character query reads its counts; a longer query is a chain of 2-grams at
  offsets 0, 2, 4 … and n-2, and a record matches where all of them line up, so
  the result set, the hit counts and the total are exact without loading text.
* **Records** are numbered by folded length (then document order), so "shorter
  record first" is "smaller number first" and ranking is stable. A record's
  row is ``[url, type, title, source, date, length, lag, text]``, and for a
  long record ``[…, text, head]``: the text
  shown is the record's text with each run of whitespace made one space;
  ``text`` is that text, or, for a record longer than ``long_chars``, where it
  starts in the stream of long texts, and ``head`` its first ``head_chars``
  code points (a snippet that ends inside them needs no chunk of the stream;
  a hit whose position is known needs one window of the stream, most often one
  chunk); ``lag`` (≥ 0) bounds how far a folded
  position can run ahead of the shown position of the same character (folding
  that lengthens, like ``℃`` → ``°c``), so the page starts looking for the
  snippet of a hit at folded position ``p`` at ``p - lag``: a shown position is
  never before that.
* **Split by term.** Gram lists go to shards ``g/<n>.js`` of consecutive grams in
  code point order, each about ``shard_bytes`` deflated; the manifest lists the
  first gram of every shard. A list longer than that is *heavy*: the manifest
  lists the heavy grams in order, and the k-th has files of its own, ``h/<k>.js``
  with its document list and, for a 2-gram, ``p/<k>.js`` with its positional
  list, so a 2-character query never loads positions. Records go to blocks
  ``r/<n>.js`` of consecutive records, each about ``block_bytes`` deflated (the
  manifest gives the number of records in each; past ``block_files`` blocks they
  are cut again at the size that makes about that many, from the deflated size
  measured, not estimated), with their metadata and the
  whole text of the short ones; the long texts to fixed-size chunks ``t/<n>.js``
  of one stream; metadata alone to blocks ``m/<id // LIST>.js`` for listing the
  rest of a long result list. Facet names and counts are in ``facets.js``; the
  records of each facet value in ``f/<n>.js`` (for filters) and, per kind, all
  of them in ``fc/<kind>.js`` (for the counts shown after the results). A query
  loads the small manifest, the files of its own grams and the blocks of the
  results it shows.
* **Files.** Every file is a script calling ``FZS.put(name, "<data>")``: pages
  opened from ``file://`` load them with ``<script>``, where fetch() is refused.
  The data is the file's bytes deflated (raw deflate) and written in base85
  (``pack``); the page inflates them with the browser's DecompressionStream.
  ``g/ h/ p/ f/ fc/`` hold varints, the others JSON (UTF-8).

Numbers in lists are LEB128 varints: 7 bits a byte, low group first, the high
bit set on every byte but a number's last. A shard is a sequence of entries:
its gram (``_shard_key``: whether it shares its first code point with the gram
before, its length, its code points), the length of its list in bytes, the list.

Sizes (this archive, 1×): 4.8 MB in 1,301 files, against 13.8 MB in 2,099 for
the previous format (3-gram positions, ASCII varints, nothing deflated). At 30×
(bench/search.py): 19.3 MB in 4,659 files — past the caps only gram shards and
facet files grow in number; record blocks, text chunks and list files grow in
size — and no query of the bench's set loads more than 150 KB before its
first page.

Python and the browser must agree on Unicode data (NFKC, lower case, which
code points are marks): Python's ``unicodedata`` and the browser's ICU may be a
Unicode version apart, which only matters for characters assigned in between.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from builder.config import SiteConfig
from builder.config.divisions import region_labels
from builder.enrich.records import Record
from builder.render.export import TYPE_CODES
from builder.search.postings import (
    Corpus,
    decode_varints,
    document_lists,
    encode_varints,
    partitions,
    positional_lists,
    select,
    varints,
)

_SPACE = re.compile(r"\s+")

# Removed by folding: whitespace (Python's and JavaScript's \s) and invisible characters — soft hyphen,
# combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer inherent vowels, Mongolian
# free variation selectors, zero-width space/non-joiner/joiner, direction marks and embeddings, word
# joiner and invisible operators, variation selectors, BOM / zero-width no-break space, interlinear
# annotation, shorthand format controls, musical format controls, tags and variation selectors
# supplement. docs/assets/javascripts/fangzhi-fold.js lists the same ranges.
IGNORED_RANGES: tuple[tuple[int, int], ...] = (
    (0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C),
    (0x115F, 0x1160), (0x1680, 0x1680), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2000, 0x200F),
    (0x2028, 0x202F), (0x205F, 0x206F), (0x3000, 0x3000), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_IGNORED = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in IGNORED_RANGES) + "]")


def attaches(ch: str) -> bool:
    """Whether ``ch`` joins the segment before it: a combining mark (general category M), or a conjoining
    Hangul vowel or final (U+1160–U+11FF, U+D7B0–U+D7FF), which NFC composes with what precedes it."""
    cp = ord(ch)
    return 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF or unicodedata.category(ch)[0] == "M"


def segments(text: str) -> list[str]:
    """``text`` cut before every code point that does not attach to the one before it."""
    out: list[str] = []
    for ch in text:
        if out and attaches(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def fold_segment(segment: str) -> str:
    """One segment folded, before traditional→simplified: NFKC, lower case, ``IGNORED`` removed."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", segment).lower())


class Folding:
    """``fold_segment`` of every character seen so far, as a ``str.translate`` table, for speed: a text
    without combining marks is folded character by character in one ``translate``."""

    def __init__(self) -> None:
        self.table: dict[int, str] = {}  # characters whose folding is not themselves
        self.seen: set[str] = set()
        self.marks: set[str] = set()  # characters that attach to the one before them
        self.longer: set[str] = set()  # characters that fold to more than one
        self.resized: set[str] = set()  # characters that fold to more or fewer than one
        self._resized: re.Pattern[str] | None = None

    def add(self, chars: set[str]) -> None:
        for ch in chars - self.seen:
            folded = fold_segment(ch)
            if folded != ch:
                self.table[ord(ch)] = folded
            if len(folded) > 1:
                self.longer.add(ch)
            if len(folded) != 1:
                self.resized.add(ch)
                self._resized = None
            if attaches(ch):
                self.marks.add(ch)
        self.seen |= chars

    def prefold(self, text: str) -> str:
        """``text`` folded segment by segment, before traditional→simplified (characters must be added)."""
        if self.marks and not self.marks.isdisjoint(text):
            return "".join(fold_segment(s) for s in segments(text))
        return text.translate(self.table)

    def lag(self, text: str) -> int:
        """How far, at most, the folded position of a segment of ``text`` runs ahead of its own position."""
        if self.marks and not self.marks.isdisjoint(text):
            lag = shown = folded = 0
            for seg in segments(text):
                shown += len(seg)
                folded += len(fold_segment(seg))
                lag = max(lag, folded - shown)
            return lag
        if self.longer.isdisjoint(text):
            return 0  # every character folds to at most one: never ahead
        if self._resized is None:
            self._resized = re.compile("|".join(map(re.escape, sorted(self.resized))))
        lag = ahead = 0  # one character a segment: only those that fold to more or fewer than one move it
        for m in self._resized.finditer(text):
            ahead += len(self.table[ord(m.group())]) - 1
            lag = max(lag, ahead)
        return lag


_FOLDING = Folding()


@dataclass(frozen=True)
class IndexSettings:
    """Sizes that trade number of files against bytes per query (bytes are deflated, before base85)."""

    shard_bytes: int = 7_000  # target size of a gram shard; a longer list has files of its own
    block_bytes: int = 2_400  # target size of a record block (metadata and the whole text of short records)
    long_chars: int = 1_500  # a record's text longer than this goes to the chunks of the long-text stream
    head_chars: int = 200  # a long record keeps this many of its first characters with its metadata
    chunk_chars: int = 1_024  # characters per chunk of that stream
    list_records: int = 128  # records per list file (metadata only, for long result lists)
    # Past these numbers of files the sizes above grow with the archive instead (so an archive many
    # times this one's size keeps its index in a few thousand files; each file, and what a query
    # loads, grows instead): record blocks, text chunks, list files. Text chunks get the most files:
    # the snippet of a long record's hit past its opening loads one, for each result on the first page.
    block_files: int = 1_200
    chunk_files: int = 3_000
    list_files: int = 150


@dataclass
class IndexStats:
    """What was written, for the build log and the bench."""

    records: int = 0
    files: int = 0
    bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    files_by_kind: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold_map(chars: set[str]) -> dict[str, str]:
    """Traditional→simplified for single characters (OpenCC t2s), for the given characters."""
    ordered = sorted(c for c in chars if not c.isascii())
    if not ordered:
        return {}
    converted = _t2s().convert("\n".join(ordered)).split("\n")
    return {c: s for c, s in zip(ordered, converted, strict=True) if len(s) == 1 and s != c}


def query_fold_map(simplified: set[str]) -> dict[str, str]:
    """Every traditional character whose simplified form occurs in the corpus."""
    cjk = {chr(cp) for cp in range(0x3400, 0x9FFF + 1)} | {chr(cp) for cp in range(0xF900, 0xFAFF + 1)}
    return {t: s for t, s in fold_map(cjk).items() if s in simplified}


def fold_table(cmap: dict[str, str]) -> dict[int, str]:
    """``str.translate`` table of ``cmap`` (traditional → simplified), applied after ``Folding.prefold``."""
    return {ord(t): s for t, s in cmap.items()}


def fold(text: str, cmap: dict[str, str] | None = None, *, table: dict[int, str] | None = None) -> str:
    """The searchable form of a title, text or query (see the module docstring).

    ``cmap`` is a character map from ``fold_map`` (made for ``text`` if not
    given); ``table``, from ``fold_table``, replaces it in loops.
    """
    _FOLDING.add(set(text))
    text = _FOLDING.prefold(text)
    if table is None:
        table = fold_table(fold_map(set(text)) if cmap is None else cmap)
    return text.translate(table)


def query_terms(query: str) -> list[str]:
    """Space-separated terms, quoted phrases kept whole (the page parses the same way)."""
    found = re.findall(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)', query)
    return [t for t in ("".join(g) for g in found) if _SPACE.sub("", t)]


def pack(data: bytes) -> str:
    """``data`` as it stands in an index file: deflated (raw deflate, level 9), then base85 (Python's
    ``b85encode`` alphabet, without padding: no quote, backslash or slash, so it sits in a JS string)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b85encode(c.compress(data) + c.flush()).decode("ascii")


def unpack(text: str) -> bytes:
    """Inverse of ``pack``."""
    return zlib.decompress(base64.b85decode(text), -15)


def read_index_file(path: Path) -> bytes:
    """The bytes an index file carries (tests and tools; the page does the same in fangzhi-search.js)."""
    script = path.read_text("utf-8")
    return unpack(script[script.index(',"') + 2:script.rindex('"')])


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


class Writer:
    """Writes index files (``FZS.put`` scripts of packed bytes) under ``out`` and counts them in ``stats``."""

    def __init__(self, out: Path, stats: IndexStats) -> None:
        self.out, self.stats = out, stats

    def put(self, kind: str, name: str, data: bytes) -> None:
        text = f"FZS.put({json.dumps(name)},\"{pack(data)}\");\n"
        path = self.out / f"{name}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="ascii")
        self.stats.files += 1
        self.stats.bytes += len(text)
        self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + len(text)
        self.stats.files_by_kind[kind] = self.stats.files_by_kind.get(kind, 0) + 1


class Packer:
    """Cuts a sequence of items into groups whose deflated size reaches ``target`` (the item that reaches
    it ends its group), measuring the deflated size as it goes."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.groups: list[list[bytes]] = []
        self._start()

    def _start(self) -> None:
        self.items: list[bytes] = []
        self.c = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.out = self.raw = self.checked = 0

    def add(self, item: bytes) -> None:
        self.items.append(item)
        self.out += len(self.c.compress(item))
        self.raw += len(item)
        if self.raw >= self.target and self.raw - self.checked >= self.target // 16:
            self.checked = self.raw
            if self.out + len(self.c.copy().flush()) >= self.target:
                self.close()

    def close(self) -> None:
        if self.items:
            self.groups.append(self.items)
            self._start()


def _pack(items: list[bytes], target: int, files: int) -> list[list[bytes]]:
    """``items`` cut into groups of about ``target`` bytes deflated (``_Packer``); if that makes more than
    ``files`` groups, cut again at the size that makes about ``files``: the deflated size measured by the
    first cut, not estimated, so text that repeats (and deflates well) still fills its groups."""
    packer = Packer(target)
    for item in items:
        packer.add(item)
    packer.close()
    if len(packer.groups) <= files:
        return packer.groups
    total = sum(_deflated_size(b"".join(group)) for group in packer.groups)
    packer = Packer(max(target, -(-total // files)))
    for item in items:
        packer.add(item)
    packer.close()
    return packer.groups


def _deflated_size(data: bytes) -> int:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return len(c.compress(data) + c.flush())


def display_text(text: str) -> str:
    """A record's text as the search shows it: every run of whitespace one space, trimmed."""
    return _SPACE.sub(" ", text).strip()


@dataclass
class GramLists:
    """Every gram's list: light ones to go in shards, heavy ones in files of their own."""

    light: dict[str, bytes] = field(default_factory=dict)
    heavy: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # gram -> (document list, positional)


def _gram_texts(corpus: Corpus, keys: np.ndarray, n: int) -> list[str]:
    size = len(corpus.vocab)
    points = np.empty((len(keys), n), dtype=np.uint32)
    rest = keys.copy()
    for j in range(n - 1, -1, -1):
        points[:, j] = corpus.vocab[rest % size]
        rest //= size
    flat = points.tobytes().decode("utf-32-le")
    return [flat[i:i + n] for i in range(0, len(flat), n)]


def gram_lists(folded: list[tuple[str, str]], limit: int) -> GramLists:
    """Document lists of 1-grams and positional lists of 2-grams; a list over ``limit`` bytes deflated is
    heavy (a heavy 2-gram keeps its document list too, for 2-character queries)."""
    corpus = Corpus.from_folded(folded)
    out = GramLists()
    for n in (1, 2):
        for occ in partitions(corpus, n):
            lists = positional_lists(occ) if n == 2 else document_lists(occ)
            big = np.fromiter((len(p) > limit and _deflated_size(p) > limit for p in lists.payloads), dtype=bool,
                              count=len(lists.payloads))
            for gram, payload, heavy in zip(_gram_texts(corpus, lists.keys, n), lists.payloads, big.tolist(),
                                            strict=True):
                if not heavy:
                    out.light[gram] = payload
                elif n == 1:
                    out.heavy[gram] = (payload, b"")
            if n == 2 and big.any():
                docs = document_lists(select(occ, lists.keys[big]))
                grams = _gram_texts(corpus, docs.keys, n)
                where = {int(k): i for i, k in enumerate(lists.keys.tolist())}
                for gram, key, doc in zip(grams, docs.keys.tolist(), docs.payloads, strict=True):
                    out.heavy[gram] = (doc, lists.payloads[where[key]])
    return out


def fold_pairs(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[str, str], Folding]:
    """Titles and texts (as shown) folded as the index folds them, with one traditional→simplified map for
    all of them; returns them, that map, and the ``Folding`` that knows their characters (for ``lag``)."""
    folding = Folding()
    chars: set[str] = set()
    for title, text in pairs:
        chars.update(title)
        chars.update(text)
    folding.add(chars)
    prefolded = [(folding.prefold(title), folding.prefold(text)) for title, text in pairs]
    cmap = fold_map(set().union(*(set(title) | set(text) for title, text in prefolded)))
    table = fold_table(cmap)
    return [(title.translate(table), text.translate(table)) for title, text in prefolded], cmap, folding


def write_search_index(
    records: list[Record], cfg: SiteConfig, out: Path, settings: IndexSettings | None = None
) -> IndexStats:
    """Write the split index for ``records`` into ``out`` (replaced whole)."""
    settings = settings or IndexSettings()
    shutil.rmtree(out, ignore_errors=True)
    stats = IndexStats(records=len(records))
    writer = Writer(out, stats)

    shown = [display_text(r.text) for r in records]  # folds as r.text does: whitespace is removed
    folded, cmap, folding = fold_pairs([(r.title, text) for r, text in zip(records, shown, strict=True)])
    order = sorted(range(len(records)), key=lambda i: (len(folded[i][0]) + len(folded[i][1]), i))

    lists = gram_lists([folded[i] for i in order], settings.shard_bytes)
    bounds = _write_grams(writer, lists, settings)
    heavy = sorted(lists.heavy)
    blocks = _write_records(writer, [records[i] for i in order], [shown[i] for i in order], folding, cfg, settings)
    used = _write_facets(writer, [records[i] for i in order], cfg)

    simplified = set().union(*(set(title) | set(text) for title, text in folded))
    qmap = query_fold_map(simplified)
    qmap.update(cmap)
    writer.put("manifest", "manifest", _json({
        "version": 4,
        "records": len(records),
        "shards": bounds,
        "blocks": blocks,
        "listRecords": list_records(settings, len(records)),
        "chunkChars": chunk_chars(settings, sum(len(t) for t in shown if len(t) > settings.long_chars)),
        "sources": [s.title for s in cfg.sources],
        "heavy": heavy,
        "fold": "".join(t + s for t, s in sorted(qmap.items())),
    }))
    writer.put("facets", "facets", _json(used))
    return stats


def _write_grams(writer: Writer, lists: GramLists, settings: IndexSettings) -> list[str]:
    """Heavy lists in files of their own (``h/<k>`` the document list, ``p/<k>`` the positions of a 2-gram),
    the rest in shards ``g/<n>`` of consecutive grams in code point order; returns each shard's first gram."""
    for k, gram in enumerate(sorted(lists.heavy)):
        doc, positions = lists.heavy[gram]
        writer.put("grams", f"h/{k}", doc)
        if positions:
            writer.put("grams", f"p/{k}", positions)
    packer = Packer(settings.shard_bytes)
    firsts: list[str] = []
    previous = ""
    for gram in sorted(lists.light):
        if not packer.items:
            firsts.append(gram)
            previous = ""
        payload = lists.light[gram]
        packer.add(shard_key(previous, gram) + varints([len(payload)]) + payload)
        previous = gram
    packer.close()
    for n, group in enumerate(packer.groups):
        writer.put("grams", f"g/{n}", b"".join(group))
    return firsts


def shard_key(previous: str, gram: str) -> bytes:
    """A gram after ``previous`` in a shard (grams in code point order): 4 × (1 if it starts with the same
    code point) + its length, then its other code points, the first of them (after a shared one) as the
    difference from the code point at the same place in ``previous`` (0 if none), the rest whole."""
    shared = 1 if previous and gram[0] == previous[0] and len(gram) > 1 else 0
    points = [ord(c) for c in gram[shared:]]
    if shared:
        points[0] -= ord(previous[1]) if len(previous) > 1 else 0
    return varints([4 * shared + len(gram), *points])


def shard_entries(data: bytes) -> dict[str, bytes]:
    """A shard's grams and their lists, as bytes (inverse of the packing in ``_write_grams``; tests and tools)."""
    out: dict[str, bytes] = {}
    i = 0
    previous: list[int] = []

    def number() -> int:
        nonlocal i
        v = shift = 0
        while True:
            b = data[i]
            i += 1
            v |= (b & 127) << shift
            shift += 7
            if b < 128:
                return v

    while i < len(data):
        h = number()
        shared, n = h >> 2, h & 3
        key = previous[:1] if shared else []
        for k in range(shared, n):
            cp = number()
            key.append(cp + (previous[1] if shared and k == shared and len(previous) > 1 else 0))
        size = number()
        out["".join(map(chr, key))] = data[i:i + size]
        i += size
        previous = key
    return out


def read_gram_lists(index: Path) -> dict[str, tuple[bytes, bytes]]:
    """Every gram of an index folder → (document list, positional list); a light 1-gram has no positional
    list and a light 2-gram no document list (b""). Tests and tools: it reads the whole index."""
    manifest = json.loads(read_index_file(index / "manifest.js"))
    out: dict[str, tuple[bytes, bytes]] = {}
    for n in range(len(manifest["shards"])):
        for gram, data in shard_entries(read_index_file(index / "g" / f"{n}.js")).items():
            out[gram] = (data, b"") if len(gram) == 1 else (b"", data)
    for k, gram in enumerate(manifest["heavy"]):
        positions = index / "p" / f"{k}.js"
        out[gram] = (read_index_file(index / "h" / f"{k}.js"),
                     read_index_file(positions) if positions.exists() else b"")
    return out


def _write_records(writer: Writer, records: list[Record], texts: list[str], folding: Folding, cfg: SiteConfig,
                   settings: IndexSettings) -> list[int]:
    """Blocks ``r/<n>`` of consecutive records with their metadata and, for a short record, its whole text;
    the text of long records as one stream in chunks ``t/<n>``; metadata alone in list files ``m/<n>`` (for
    listing every result of a long list). ``texts`` are the records' texts as shown; every offset and
    length is in code points. Returns the number of records in each block."""
    source_index = {s.id: i for i, s in enumerate(cfg.sources)}
    rows: list[list[object]] = []
    stream: list[str] = []
    offset = 0
    for r, shown in zip(records, texts, strict=True):
        row: list[object] = [r.url, TYPE_CODES[r.type], r.title, source_index[r.source_id], r.date, len(shown),
                             folding.lag(shown), shown]
        if len(shown) > settings.long_chars:
            row[7:] = [offset, shown[:settings.head_chars]]
            stream.append(shown)
            offset += len(shown)
        rows.append(row)
    groups = _pack([_json(row) + b"," for row in rows], settings.block_bytes, settings.block_files)
    sizes = [len(group) for group in groups]
    at = 0
    for n, size in enumerate(sizes):
        writer.put("records", f"r/{n}", _json(rows[at:at + size]))
        at += size
    per = list_records(settings, len(rows))
    for n in range(0, len(rows), per):
        writer.put("lists", f"m/{n // per}", _json([row[:5] for row in rows[n:n + per]]))
    whole = "".join(stream)
    per = chunk_chars(settings, len(whole))
    for n in range(0, len(whole), per):
        writer.put("text", f"t/{n // per}", _json(whole[n:n + per]))
    return sizes


def list_records(settings: IndexSettings, records: int) -> int:
    """Records per list file: ``list_records``, more past ``list_files`` files."""
    return max(settings.list_records, -(-records // settings.list_files))


def chunk_chars(settings: IndexSettings, chars: int) -> int:
    """Characters per chunk of the long-text stream: ``chunk_chars``, more past ``chunk_files`` files."""
    return max(settings.chunk_chars, -(-chars // settings.chunk_files))


def _write_facets(writer: Writer, records: list[Record], cfg: SiteConfig) -> dict[str, object]:
    """Per facet value its records (``f/<n>``), per kind all of them (``fc/<kind>``); returns names and counts."""
    source_index = {s.id: i for i, s in enumerate(cfg.sources)}
    facets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for new_id, r in enumerate(records):
        for y in r.years:
            facets[("year", str(y))].append(new_id)
        for g in r.regions:
            facets[("region", g)].append(new_id)
        for t in r.topics:
            facets[("topic", t)].append(new_id)
        facets[("source", str(source_index[r.source_id]))].append(new_id)
    labels = region_labels(cfg.regions)
    regions = sorted({value for kind, value in facets if kind == "region"})
    return write_facet_lists(writer, facets, {
        "source": [s.title for s in cfg.sources],
        "region": {v: labels.get(v, v) for v in regions},
        "topic": {t.id: t.name for t in cfg.topics},
    })


def write_facet_lists(writer: Writer, facets: Mapping[tuple[str, str], Sequence[int]],
                      names: dict[str, object]) -> dict[str, object]:
    """``f/<n>`` per facet value (its record numbers, ascending, as gaps), ``fc/<kind>`` per kind (each value's
    list after its length); returns what ``facets.js`` holds: per kind [value, n, count], and ``names``."""
    index: dict[str, list[list[object]]] = defaultdict(list)
    by_kind: dict[str, list[bytes]] = defaultdict(list)
    for n, (kind, value) in enumerate(sorted(facets)):  # one list at a time (``facets`` may read them from disk)
        ids = facets[(kind, value)]
        gaps = np.diff(np.asarray(ids, dtype=np.int64), prepend=-1) - 1
        encoded = encode_varints(gaps)
        writer.put("facets", f"f/{n}", encoded)
        index[kind].append([value, n, len(ids)])
        by_kind[kind].append(varints([len(encoded)]) + encoded)
    for kind, lists in sorted(by_kind.items()):
        writer.put("facets", f"fc/{kind}", b"".join(lists))
    return {"facets": index, "names": names}


__all__ = [
    "IGNORED_RANGES",
    "Folding",
    "IndexSettings",
    "IndexStats",
    "Packer",
    "Writer",
    "attaches",
    "decode_varints",
    "display_text",
    "fold",
    "fold_map",
    "fold_pairs",
    "fold_segment",
    "gram_lists",
    "pack",
    "query_fold_map",
    "query_terms",
    "read_gram_lists",
    "read_index_file",
    "segments",
    "shard_entries",
    "shard_key",
    "unpack",
    "varints",
    "write_facet_lists",
    "write_search_index",
]
