"""The hub's search across every collection of a portal (``site/data/search/``), built map–reduce.

The hub's index has the format of a collection's (builder/search/index.py: gram lists by term, facets,
the same folding) over **all** the collections' records, numbered collection after collection: the
records of collection ``k`` are ``offset[k] … offset[k] + records[k] - 1``, in the order of that
collection's own index (shorter first). So the hub keeps no record text of its own: a result's row,
snippet text and link are read from the collection's own index (``<id>/data/search/r|m|t/…``), found
through ``c/<k>.js`` (the collection's block sizes, list and chunk sizes and source titles), and the
hub adds only what spans collections — the gram lists, the facets and the fold map. Ranking is the
collection's within a collection; between collections, title hits, then hits, then collection order.

No process holds the portal's index: the work runs through ``builder.parallel.run_tasks`` in two rounds.

* **map** (``gram_part``, one task per collection): the collection's records are read back from its
  own index files (title and text exactly as that index folded them), and every 1-gram's document list
  and every 2-gram's positional and document list is made (builder/search/postings.py), keyed by code
  points and cut by the first code point. The client keeps each part on disk (``.fangzhi-cache``), with
  the bytes per first code point, the facets and the fold map.
* **reduce** (``merge_grams``, one task per range of first code points, each about ``RANGE_BYTES`` of
  lists): the pieces of one gram from every collection are joined end to end; only the first record
  gap of each piece changes (it becomes the gap from the last record of the piece before, in the
  hub's numbering). A list over the shard size is heavy (files of its own), the rest are cut into
  shards. The client writes them in range order, so every file has the same name and bytes however
  the tasks ran.

Bytes per query: the manifest (shard heads, heavy grams, the fold map: grows with the number of
distinct grams, not with the number of collections once their vocabulary is shared), the lists of the
query's grams (each grows with the number of records holding the gram: with the portal's text), and
for the results on screen one ``c/<k>`` and one record block per collection shown — the same blocks
as that collection's own search loads.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from builder.parallel import run_tasks
from builder.search.index import (
    IndexSettings,
    IndexStats,
    Packer,
    Writer,
    display_text,
    fold_pairs,
    read_index_file,
    shard_key,
    varints,
    write_facet_lists,
)
from builder.search.postings import (
    Corpus,
    decode_varints_array,
    document_lists,
    encode_varints,
    gather,
    partitions,
    positional_lists,
    widths,
)

RANGE_BYTES = 16 << 20  # lists (before deflating) a reduce task joins, at most (one code point may hold more)
_CP = 0x110000  # a 2-gram's key: first code point × _CP + second
_PART_FIELDS = ("first_cp", "n", "key", "first", "last", "doc_len", "pos_len")


@dataclass(frozen=True)
class IndexJob:
    """A collection's own search index, as its files (name without ``.js`` → bytes they carry)."""

    number: int
    id: str
    title: str
    files: tuple[tuple[str, bytes], ...]


@dataclass
class GramPart:
    """What ``gram_part`` makes of one collection: its lists (table rows sorted by first code point, then
    gram), the bytes per first code point, its facets (local record numbers), and what ``c/<k>`` says."""

    number: int
    records: int
    table: dict[str, np.ndarray]
    docs: bytes
    positions: bytes
    weights: tuple[np.ndarray, np.ndarray]  # first code points, bytes of lists
    facets: dict[tuple[str, str], np.ndarray]
    names: dict[str, dict[str, str]]
    info: dict[str, object]
    fold: str


def _rows(files: dict[str, bytes]) -> tuple[dict, list[list]]:
    manifest = json.loads(files["manifest"])
    rows: list[list] = []
    for n in range(len(manifest["blocks"])):
        rows.extend(json.loads(files[f"r/{n}"]))
    return manifest, rows


def _texts(manifest: dict, rows: list[list], files: dict[str, bytes]) -> list[tuple[str, str]]:
    """Every record's (title, text as shown), in the collection's index order."""
    per = manifest["chunkChars"]
    chunks: dict[int, str] = {}

    def stream(start: int, length: int) -> str:
        out = []
        for c in range(start // per, (start + length - 1) // per + 1):
            if c not in chunks:
                chunks[c] = json.loads(files[f"t/{c}"])
            out.append(chunks[c])
        base = (start // per) * per
        return "".join(out)[start - base:start - base + length]

    return [(row[2], row[7] if isinstance(row[7], str) else stream(row[7], row[5])) for row in rows]


def _facets(files: dict[str, bytes]) -> tuple[dict[tuple[str, str], np.ndarray], dict[str, dict[str, str]]]:
    facets = json.loads(files["facets"])
    out: dict[tuple[str, str], np.ndarray] = {}
    for kind, values in facets["facets"].items():
        data = files[f"fc/{kind}"]
        at = 0
        for value, _, count in values:
            length, width = _varint_at(data, at)
            gaps = decode_varints_array(data[at + width:at + width + length])
            at += width + length
            if len(gaps) != count:
                raise ValueError(f"fc/{kind}: {value} lists {len(gaps)} records, facets.js says {count}")
            out[(kind, str(value))] = np.cumsum(gaps + 1) - 1
    names = {k: v for k, v in facets["names"].items() if isinstance(v, dict)}
    return out, names


def _varint_at(data: bytes, at: int) -> tuple[int, int]:
    value = shift = width = 0
    while True:
        b = data[at + width]
        value |= (b & 127) << shift
        width += 1
        if b < 128:
            return value, width
        shift += 7


def collection_records(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """A collection's records as its own index holds them — (title, text as shown), in its order — from the
    index's files (name without ``.js`` → the bytes they carry)."""
    manifest, rows = _rows(files)
    return _texts(manifest, rows, files)


def index_files(folder: Path) -> dict[str, bytes]:
    """What ``collection_records`` and ``gram_part`` read of an index folder."""
    return {p.relative_to(folder).as_posix().removesuffix(".js"): read_index_file(p)
            for p in sorted(folder.rglob("*.js"))
            if p.relative_to(folder).parts[0] in ("r", "t", "fc") or p.name in ("manifest.js", "facets.js")}


def gram_part(job: IndexJob) -> GramPart:
    """Map task: the gram lists of one collection, keyed by code points, local record numbers."""
    files = dict(job.files)
    manifest, rows = _rows(files)
    shown = _texts(manifest, rows, files)
    folded = fold_pairs([(title, display_text(text)) for title, text in shown])[0]
    corpus = Corpus.from_folded(folded)
    size = len(corpus.vocab)
    cols: dict[str, list[np.ndarray]] = {f: [] for f in _PART_FIELDS}
    doc_parts: list[bytes] = []
    pos_parts: list[bytes] = []
    for n in (1, 2):
        for occ in partitions(corpus, n):
            starts, first_of_key = occ.groups()
            heads = np.flatnonzero(first_of_key)
            lasts = np.r_[heads[1:], len(starts)] - 1
            keys = occ.key[starts[heads]]
            if n == 1:
                first_cp = corpus.vocab[keys].astype(np.int64)
                key = first_cp
            else:
                first_cp = corpus.vocab[keys // size].astype(np.int64)
                key = first_cp * _CP + corpus.vocab[keys % size]
            docs = document_lists(occ).payloads
            poss = positional_lists(occ).payloads if n == 2 else [b""] * len(docs)
            cols["first_cp"].append(first_cp)
            cols["n"].append(np.full(len(keys), n, dtype=np.int8))
            cols["key"].append(key)
            cols["first"].append(occ.record[starts[heads]].astype(np.int64))
            cols["last"].append(occ.record[starts[lasts]].astype(np.int64))
            cols["doc_len"].append(np.fromiter(map(len, docs), dtype=np.int64, count=len(docs)))
            cols["pos_len"].append(np.fromiter(map(len, poss), dtype=np.int64, count=len(poss)))
            doc_parts.append(b"".join(docs))
            pos_parts.append(b"".join(poss))
    part = {f: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for f, v in cols.items()}
    order = np.lexsort((part["key"], part["n"], part["first_cp"]))
    docs_buf = np.frombuffer(b"".join(doc_parts), dtype=np.uint8)
    pos_buf = np.frombuffer(b"".join(pos_parts), dtype=np.uint8)
    docs_sorted = gather(docs_buf, _starts(part["doc_len"])[order], part["doc_len"][order]).tobytes()
    pos_sorted = gather(pos_buf, _starts(part["pos_len"])[order], part["pos_len"][order]).tobytes()
    part = {f: v[order] for f, v in part.items()}
    cps, inverse = np.unique(part["first_cp"], return_inverse=True)
    weights = np.bincount(inverse, weights=part["doc_len"] + part["pos_len"], minlength=len(cps)).astype(np.int64)
    facets, names = _facets(files)
    info = {"blocks": manifest["blocks"], "listRecords": manifest["listRecords"],
            "chunkChars": manifest["chunkChars"], "sources": manifest["sources"]}
    return GramPart(job.number, len(rows), part, docs_sorted, pos_sorted, (cps, weights), facets, names, info,
                    manifest["fold"])


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.cumsum(lengths) - lengths


@dataclass(frozen=True)
class MergeJob:
    """One range of first code points: from every collection (in order) its record offset, its table rows
    in the range and their list bytes."""

    pieces: tuple[tuple[int, dict[str, np.ndarray], bytes, bytes], ...]
    shard_bytes: int


@dataclass
class MergedGrams:
    shards: list[tuple[str, bytes]] = field(default_factory=list)  # (first gram, shard)
    heavy: list[tuple[str, bytes, bytes]] = field(default_factory=list)  # (gram, document list, positions or b"")


def _join(buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray, gaps: np.ndarray,
          skip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per piece: its first record gap as ``gaps`` says, then its list after the first ``skip`` bytes (the
    old gap); returns the bytes end to end and each piece's new length."""
    head = np.frombuffer(encode_varints(gaps), dtype=np.uint8)
    head_len = widths(gaps)
    body_len = np.where(lengths > 0, lengths - skip, 0)
    source = np.concatenate([head, buffer])
    starts2 = np.column_stack([_starts(head_len), len(head) + starts + skip]).ravel()
    lengths2 = np.column_stack([np.where(lengths > 0, head_len, 0), body_len]).ravel()
    return gather(source, starts2, lengths2), np.where(lengths > 0, head_len + body_len, 0)


def merge_grams(job: MergeJob) -> MergedGrams:
    """Reduce task: the lists of every gram of one range over all collections (see the module docstring)."""
    if not job.pieces:
        return MergedGrams()
    cols = {f: np.concatenate([t[f] for _, t, _, _ in job.pieces]) for f in _PART_FIELDS}
    coll = np.concatenate([np.full(len(t["key"]), k, dtype=np.int64) for k, (_, t, _, _) in enumerate(job.pieces)])
    offset = np.concatenate([np.full(len(t["key"]), o, dtype=np.int64) for o, t, _, _ in job.pieces])
    doc_base = np.cumsum([0] + [len(d) for _, _, d, _ in job.pieces])[:-1]
    pos_base = np.cumsum([0] + [len(p) for _, _, _, p in job.pieces])[:-1]
    doc_start = np.concatenate([_starts(t["doc_len"]) + b for (_, t, _, _), b in zip(job.pieces, doc_base,
                                                                                       strict=True)])
    pos_start = np.concatenate([_starts(t["pos_len"]) + b for (_, t, _, _), b in zip(job.pieces, pos_base,
                                                                                       strict=True)])
    docs = np.frombuffer(b"".join(d for _, _, d, _ in job.pieces), dtype=np.uint8)
    poss = np.frombuffer(b"".join(p for _, _, _, p in job.pieces), dtype=np.uint8)
    order = np.lexsort((coll, cols["key"], cols["n"], cols["first_cp"]))
    n, key, first, last = (cols[f][order] for f in ("n", "key", "first", "last"))
    first_g, last_g = first + offset[order], last + offset[order]
    new_gram = np.r_[True, (key[1:] != key[:-1]) | (n[1:] != n[:-1])]
    previous = np.r_[-1, last_g[:-1]]
    previous[new_gram] = -1
    gaps = first_g - previous - 1
    skip = widths(first)  # a collection's own list starts with its first record's number
    doc_len, pos_len = cols["doc_len"][order], cols["pos_len"][order]
    gram_starts = np.flatnonzero(new_gram)
    # the list a gram is searched by: the document list of a 1-gram, the positional list of a 2-gram
    is_pos = n == 2
    src_start = np.where(is_pos, pos_start[order] + len(docs), doc_start[order])
    src_len = np.where(is_pos, pos_len, doc_len)
    main_buf, main_len = _join(np.concatenate([docs, poss]), src_start, src_len, gaps, skip)
    gram_len = np.add.reduceat(main_len, gram_starts)
    gram_at = _starts(gram_len)
    grams_n, grams_key = n[gram_starts], key[gram_starts]
    data = main_buf.tobytes()
    out = MergedGrams()
    packer = Packer(job.shard_bytes)
    firsts: list[str] = []
    heavy_doc: dict[int, bytes] = {}
    heavy_index = [g for g, length in enumerate(gram_len.tolist()) if length > job.shard_bytes
                   and _deflated(data[gram_at[g]:gram_at[g] + length]) > job.shard_bytes]
    heavy_twos = [g for g in heavy_index if grams_n[g] == 2]
    if heavy_twos:  # a heavy 2-gram keeps its document list too, for 2-character queries
        mine = np.zeros(len(gram_starts), dtype=bool)
        mine[heavy_twos] = True
        rows = np.flatnonzero(np.repeat(mine, np.diff(np.r_[gram_starts, len(n)])))
        buf, lens = _join(docs, doc_start[order][rows], doc_len[rows], gaps[rows], skip[rows])
        starts_of = np.flatnonzero(np.r_[True, new_gram[rows][1:]])
        per = np.add.reduceat(lens, starts_of)
        at = _starts(per)
        raw = buf.tobytes()
        for g, a, length in zip(heavy_twos, at.tolist(), per.tolist(), strict=True):
            heavy_doc[g] = raw[a:a + length]
    heavy = set(heavy_index)
    previous_gram = ""
    for g in range(len(gram_starts)):
        k = int(grams_key[g])
        gram = chr(k) if grams_n[g] == 1 else chr(k // _CP) + chr(k % _CP)
        payload = data[gram_at[g]:gram_at[g] + gram_len[g]]
        if g in heavy:
            out.heavy.append((gram, heavy_doc[g], payload) if grams_n[g] == 2 else (gram, payload, b""))
            continue
        if not packer.items:
            firsts.append(gram)
            previous_gram = ""
        packer.add(shard_key(previous_gram, gram) + varints([len(payload)]) + payload)
        previous_gram = gram
    packer.close()
    out.shards = [(f, b"".join(group)) for f, group in zip(firsts, packer.groups, strict=True)]
    return out


def _deflated(data: bytes) -> int:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return len(c.compress(data) + c.flush())


class _Spill:
    """The map parts on disk while the reduce runs (one folder per collection, one .npy per column)."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.facets: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}

    def put(self, part: GramPart) -> None:
        own = self.folder / str(part.number)
        own.mkdir()
        for f, column in part.table.items():
            np.save(own / f"{f}.npy", column)
        (own / "docs.bin").write_bytes(part.docs)
        (own / "positions.bin").write_bytes(part.positions)

    def put_facets(self, number: int, offset: int, facets: dict[tuple[str, str], np.ndarray]) -> None:
        """A collection's facet lists, in the hub's numbering, end to end in one file; where each starts is
        kept here (a few numbers per facet value), the lists stay on disk until they are written."""
        keys = sorted(facets)
        lengths = [len(facets[k]) for k in keys]
        at = np.cumsum([0, *lengths]).tolist()
        self.facets[number] = {k: (at[i], lengths[i]) for i, k in enumerate(keys)}
        ids = np.concatenate([facets[k] for k in keys]) if keys else np.zeros(0)
        np.save(self.folder / str(number) / "facets.npy", (ids + offset).astype(np.int64))

    def facet(self, key: tuple[str, str]) -> np.ndarray:
        """One facet value's records over every collection (ascending: collections in order)."""
        parts = []
        for number, where in sorted(self.facets.items()):
            if key in where:
                start, length = where[key]
                parts.append(np.array(np.load(self.folder / str(number) / "facets.npy", mmap_mode="r")[
                    start:start + length]))
        return np.concatenate(parts)

    def piece(self, number: int, lo: int, hi: int) -> tuple[dict[str, np.ndarray], bytes, bytes]:
        own = self.folder / str(number)
        table = {f: np.load(own / f"{f}.npy", mmap_mode="r") for f in _PART_FIELDS}
        a, b = np.searchsorted(table["first_cp"], [lo, hi]).tolist()
        rows = {f: np.array(v[a:b]) for f, v in table.items()}
        doc_at = int(np.sum(table["doc_len"][:a]))
        pos_at = int(np.sum(table["pos_len"][:a]))
        with open(own / "docs.bin", "rb") as fh:
            fh.seek(doc_at)
            docs = fh.read(int(rows["doc_len"].sum()))
        with open(own / "positions.bin", "rb") as fh:
            fh.seek(pos_at)
            positions = fh.read(int(rows["pos_len"].sum()))
        return rows, docs, positions


def ranges(weights: dict[int, int], target: int = RANGE_BYTES) -> list[tuple[int, int]]:
    """Consecutive ranges [lo, hi) of first code points, each holding about ``target`` bytes of lists."""
    out: list[tuple[int, int]] = []
    lo, total = None, 0
    for cp in sorted(weights):
        if lo is None:
            lo = cp
        total += weights[cp]
        if total >= target:
            out.append((lo, cp + 1))
            lo, total = None, 0
    if lo is not None:
        out.append((lo, max(weights) + 1))
    return out


class _Lazy(Mapping[tuple[str, str], np.ndarray]):
    """Facet lists read from the spill one at a time, as ``write_facet_lists`` asks for them."""

    def __init__(self, keys: set[tuple[str, str]], read: Callable[[tuple[str, str]], np.ndarray]) -> None:
        self.keys_, self.read = keys, read

    def __getitem__(self, key: tuple[str, str]) -> np.ndarray:
        return self.read(key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(sorted(self.keys_))

    def __len__(self) -> int:
        return len(self.keys_)


@dataclass
class HubSearchStats:
    collections: int = 0
    records: int = 0
    ranges: int = 0
    index: IndexStats = field(default_factory=IndexStats)


def build_hub_search(collections: list[tuple[str, str, Path]], out: Path, cache: Path,
                     settings: IndexSettings | None = None, range_bytes: int = RANGE_BYTES,
                     progress: Callable[[str], None] = lambda message: None) -> HubSearchStats:
    """Write the hub's index into ``out`` from the built collections (id, title, its ``data/search``)."""
    settings = settings or IndexSettings()
    shutil.rmtree(out, ignore_errors=True)
    stats = HubSearchStats(collections=len(collections))
    stats.index = IndexStats()
    writer = Writer(out, stats.index)
    spill = _Spill(cache)

    def index_jobs() -> Iterator[IndexJob]:
        for k, (cid, title, folder) in enumerate(collections):
            yield IndexJob(k, cid, title, tuple(index_files(folder).items()))

    offsets: list[int] = []
    weights: dict[int, int] = defaultdict(int)
    keys: set[tuple[str, str]] = set()
    names: dict[str, dict[str, str]] = defaultdict(dict)
    fold_pairs: dict[str, str] = {}
    entries: list[list[object]] = []
    for part in run_tasks(gram_part, index_jobs()):
        k = part.number
        cid, title, _ = collections[k]
        offset = stats.records
        offsets.append(offset)
        spill.put(part)
        for cp, w in zip(*(a.tolist() for a in part.weights), strict=True):
            weights[cp] += w
        facets = {key: ids for key, ids in part.facets.items() if key[0] != "source"}
        facets[("source", str(k))] = np.arange(part.records)  # the hub's source facet: the collection
        spill.put_facets(k, offset, facets)
        keys.update(facets)
        for kind, mapping in part.names.items():
            names[kind].update(mapping)
        f = list(part.fold)
        fold_pairs.update(zip(f[0::2], f[1::2], strict=True))
        writer.put("collections", f"c/{k}", _json(part.info))
        entries.append([cid, title, part.records])
        stats.records += part.records
        progress(f"search: read {cid}")
    spans = ranges(dict(weights), range_bytes) if weights else []
    stats.ranges = len(spans)

    def merge_jobs() -> Iterator[MergeJob]:
        for lo, hi in spans:
            yield MergeJob(tuple((offsets[k], *spill.piece(k, lo, hi)) for k in range(len(collections))),
                           settings.shard_bytes)

    firsts: list[str] = []
    heavy: list[str] = []
    shard = 0
    for merged in run_tasks(merge_grams, merge_jobs()):
        for first, data in merged.shards:
            writer.put("grams", f"g/{shard}", data)
            firsts.append(first)
            shard += 1
        for gram, doc, positions in merged.heavy:
            writer.put("grams", f"h/{len(heavy)}", doc)
            if positions:
                writer.put("grams", f"p/{len(heavy)}", positions)
            heavy.append(gram)
    facet_names: dict[str, object] = {"source": [title for _, title, _ in collections], **names}
    used = write_facet_lists(writer, _Lazy(keys, spill.facet), facet_names)
    shutil.rmtree(cache, ignore_errors=True)
    writer.put("manifest", "manifest", _json({
        "version": 4,
        "records": stats.records,
        "collections": entries,
        "shards": firsts,
        "heavy": heavy,
        "blocks": [],
        "listRecords": 0,
        "chunkChars": 0,
        "sources": [title for _, title, _ in collections],
        "fold": "".join(t + s for t, s in sorted(fold_pairs.items())),
    }))
    writer.put("facets", "facets", _json(used))
    return stats


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


__all__ = ["GramPart", "HubSearchStats", "IndexJob", "MergeJob", "MergedGrams", "build_hub_search", "collection_records",
           "gram_part", "index_files", "merge_grams", "ranges"]
