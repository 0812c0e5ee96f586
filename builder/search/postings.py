"""Posting lists of every 1- and 2-character gram, built with numpy.

The search index (builder/search/index.py) stores, per gram, one list of
numbers written as LEB128 varints (7 bits a byte, low group first, the high
bit set on every byte but a number's last), then deflated with the rest of its
file. This module turns the folded records into those lists without a Python
loop per character: the records are laid end to end in one array of character
codes, every gram gets an integer key, and one stable sort by key puts each
gram's occurrences together in record, side and position order. Work is split
into partitions of keys so memory stays bounded at any archive size.

Two kinds of list (numbers in order, ids are record numbers):

* **document list** (1-grams; and the short list of a heavy 2-gram) — per record
  holding the gram: id gap (id − previous id − 1), then hits in the text × 2 + 1
  if the title holds it;
* **positional list** (2-grams) — per record: id gap, hits in the text × 2 + 1 if
  the title holds it, then (only if it does) the number of title positions − 1,
  then the title positions and the text positions, each as gaps from the one
  before (the first from 0). A query of three or more characters is a chain of
  2-grams whose positions must line up; a 2-character query reads the counts.

Why 2-grams with positions and no 3-grams: over this archive a 3-gram index has
2.7× as many keys as a 2-gram one and as many positions, so it costs twice the
bytes; the 2-gram chain answers the same queries exactly (recall 1.0, no false
hits) from lists that stay small (the largest, 工作, is 7 KB deflated at 1×).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

_ENCODE_SLICE = 1 << 20  # numbers encoded at once
PARTITION_OCCURRENCES = 1 << 20  # occurrences sorted at once


def varints(values: list[int]) -> bytes:
    """Non-negative numbers as LEB128 varints (a few numbers in Python, more with numpy)."""
    if len(values) > 32:
        return encode_varints(np.asarray(values, dtype=np.int64))
    out = bytearray()
    for v in values:
        while v > 127:
            out.append((v & 127) | 128)
            v >>= 7
        out.append(v)
    return bytes(out)


def decode_varints(data: bytes) -> list[int]:
    """Inverse of ``varints`` (tests and tools)."""
    out, v, shift = [], 0, 0
    for b in data:
        v |= (b & 127) << shift
        if b < 128:
            out.append(v)
            v, shift = 0, 0
        else:
            shift += 7
    return out


def decode_varints_array(data: bytes) -> np.ndarray:
    """``decode_varints`` for long inputs, without a Python loop per number (int64)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if not len(raw):
        return np.zeros(0, dtype=np.int64)
    ends = np.flatnonzero(raw < 128)
    number = np.zeros(len(raw), dtype=np.int64)
    number[ends[:-1] + 1] = 1
    number = np.cumsum(number)  # which number each byte belongs to
    first = np.r_[0, ends[:-1] + 1]
    shift = 7 * (np.arange(len(raw)) - first[number])
    return np.add.reduceat((raw.astype(np.int64) & 127) << shift, first)


def gather(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``source[starts[0]:starts[0]+lengths[0]]``, then the next range … end to end, without a Python loop."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    if not total:
        return source[:0]
    step = np.repeat(starts.astype(np.int64) - (np.cumsum(lengths) - lengths), lengths)
    return source[step + np.arange(total, dtype=np.int64)]


def widths(values: np.ndarray) -> np.ndarray:
    """Bytes each number takes as a varint."""
    width = np.ones(len(values), dtype=np.int64)
    for bits in range(7, 64, 7):
        big = values >= (1 << bits)
        if not big.any():
            break
        width += big
    return width


def encode_varints(values: np.ndarray) -> bytes:
    """``varints`` for an int64 array."""
    parts = []
    for lo in range(0, len(values), _ENCODE_SLICE):
        v = values[lo:lo + _ENCODE_SLICE]
        width = widths(v)
        ends = np.cumsum(width)
        starts = ends - width
        out = np.empty(int(ends[-1]) if len(v) else 0, dtype=np.uint8)
        for j in range(int(width.max()) if len(v) else 0):
            has = width > j
            w, s, x = width[has], starts[has], v[has]
            out[s + j] = ((x >> (7 * j)) & 127) | np.where(w - 1 > j, 128, 0)
        parts.append(out.tobytes())
    return b"".join(parts)


@dataclass
class Corpus:
    """The folded records end to end: title, then text, each followed by a 0 code."""

    codes: np.ndarray  # index into vocab per character (int16 when it fits); 0 is the separator
    vocab: np.ndarray  # code points, vocab[0] == 0
    starts: np.ndarray  # where each segment (record r: 2r title, 2r + 1 text) starts

    @classmethod
    def from_folded(cls, folded: list[tuple[str, str]]) -> Corpus:
        segments = [s.replace("\0", "") for pair in folded for s in pair]
        points = np.frombuffer(("\0".join(segments) + "\0").encode("utf-32-le"), dtype=np.uint32)
        vocab = np.union1d(np.unique(points), [0]).astype(np.uint32)
        table = np.zeros(int(vocab[-1]) + 1, dtype=np.int16 if len(vocab) < 2**15 else np.int32)
        table[vocab] = np.arange(len(vocab))
        lengths = np.fromiter((len(s) + 1 for s in segments), dtype=np.int64, count=len(segments))
        return cls(table[points], vocab, np.cumsum(lengths) - lengths)

    def grams(self, n: int) -> np.ndarray:
        """Where every n-gram that stays inside one title or text starts."""
        valid = self.codes != 0
        ok = valid
        for k in range(1, n):
            ok = ok[:-1] & valid[k:]
        return np.flatnonzero(ok).astype(np.int32)

    def keys(self, where: np.ndarray, n: int) -> np.ndarray:
        """The integer key of the n-gram at each of ``where``."""
        key = self.codes[where].astype(np.int64)
        for k in range(1, n):
            key *= len(self.vocab)
            key += self.codes[where + k]
        return key

    def locate(self, where: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Record number, side (0 title, 1 text) and position of each character in ``where``."""
        seg = np.searchsorted(self.starts, where, side="right") - 1
        return (seg >> 1).astype(np.int32), (seg & 1).astype(np.int8), (where - self.starts[seg]).astype(np.int32)


@dataclass
class Occurrences:
    """One partition's occurrences of n-grams, sorted by key, then record, side, position."""

    key: np.ndarray
    record: np.ndarray
    side: np.ndarray
    pos: np.ndarray

    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """Index of the first occurrence of each (key, record) group, and of each key."""
        k, r = self.key, self.record
        starts = np.flatnonzero(np.r_[True, (k[1:] != k[:-1]) | (r[1:] != r[:-1])])
        first_of_key = np.r_[True, k[starts[1:]] != k[starts[:-1]]]
        return starts, first_of_key

    def id_gaps(self, starts: np.ndarray, first_of_key: np.ndarray) -> np.ndarray:
        rec = self.record[starts].astype(np.int64)
        prev = np.r_[-1, rec[:-1]]
        prev[first_of_key] = -1
        return rec - prev - 1


def partitions(corpus: Corpus, n: int) -> Iterator[Occurrences]:
    """The occurrences of n-grams in partitions of keys (key mod P), each sorted."""
    where = corpus.grams(n)
    if not len(where):
        return
    count = max(1, -(-len(where) // PARTITION_OCCURRENCES))
    part = np.empty(len(where), dtype=np.int16)
    for lo in range(0, len(where), PARTITION_OCCURRENCES):
        part[lo:lo + PARTITION_OCCURRENCES] = corpus.keys(where[lo:lo + PARTITION_OCCURRENCES], n) % count
    for p in range(count):
        at = where[part == p]
        k = corpus.keys(at, n)
        order = np.argsort(k, kind="stable")  # stable: keeps record, side, position order
        at = at[order]
        yield Occurrences(k[order], *corpus.locate(at))


@dataclass
class Lists:
    """Encoded lists of one partition: keys and their varint bytes."""

    keys: np.ndarray
    payloads: list[bytes]


def _split(numbers: np.ndarray, key_starts: np.ndarray) -> list[bytes]:
    """Encode numbers and cut them into per-key byte strings at the numbers where each key starts."""
    encoded = encode_varints(numbers)
    offsets = np.r_[0, np.cumsum(widths(numbers))][np.r_[key_starts, len(numbers)]]
    return [encoded[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]


def _counts(occ: Occurrences, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (key, record) group: occurrences in the text, and in the title."""
    size = np.diff(np.r_[starts, len(occ.key)])
    in_text = np.add.reduceat(occ.side.astype(np.int64), starts) if len(starts) else np.zeros(0, np.int64)
    return in_text, size - in_text


def document_lists(occ: Occurrences) -> Lists:
    """Per key: for each record, id gap and hits in the text × 2 + 1 if in the title."""
    starts, first_of_key = occ.groups()
    in_text, in_title = _counts(occ, starts)
    numbers = np.empty(2 * len(starts), dtype=np.int64)
    numbers[0::2] = occ.id_gaps(starts, first_of_key)
    numbers[1::2] = in_text * 2 + (in_title > 0)
    key_groups = np.flatnonzero(first_of_key)
    return Lists(occ.key[starts[key_groups]], _split(numbers, key_groups * 2))


def positional_lists(occ: Occurrences) -> Lists:
    """Per key: for each record, id gap, hits in the text × 2 + 1 if in the title, the title positions − 1
    if any, then the positions as gaps (title, then text)."""
    starts, first_of_key = occ.groups()
    total, count = len(occ.key), len(starts)
    in_text, in_title = _counts(occ, starts)
    titled = (in_title > 0).astype(np.int64)
    head_size = 2 + titled  # numbers before each group's positions
    size = in_text + in_title
    group = np.repeat(np.arange(count, dtype=np.int64), size)
    pos = occ.pos.astype(np.int64)
    same = np.r_[False, (occ.key[1:] == occ.key[:-1]) & (occ.record[1:] == occ.record[:-1])
                 & (occ.side[1:] == occ.side[:-1])]
    gaps = pos - np.r_[0, pos[:-1]]
    gaps[~same] = pos[~same]
    before = np.cumsum(head_size) - head_size  # heads of the groups before, in numbers
    head = starts + before
    numbers = np.empty(total + int(head_size.sum()), dtype=np.int64)
    numbers[head] = occ.id_gaps(starts, first_of_key)
    numbers[head + 1] = in_text * 2 + titled
    has = np.flatnonzero(titled)
    numbers[head[has] + 2] = in_title[has] - 1
    numbers[np.arange(total, dtype=np.int64) + (before + head_size)[group]] = gaps
    key_groups = np.flatnonzero(first_of_key)
    return Lists(occ.key[starts[key_groups]], _split(numbers, head[key_groups]))


def select(occ: Occurrences, keys: np.ndarray) -> Occurrences:
    """The occurrences of the given keys only."""
    mine = np.isin(occ.key, keys)
    return Occurrences(occ.key[mine], occ.record[mine], occ.side[mine], occ.pos[mine])
