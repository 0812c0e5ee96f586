"""Posting lists of every 1-, 2- and 3-character gram, built with numpy.

The search index (builder/search/index.py) stores, per gram, one list of
numbers written as varints. This module turns the folded records into those
lists without a Python loop per character: the records are laid end to end in
one array of character codes, every gram gets an integer key, and one stable
sort by key puts each gram's occurrences together in record, side and position
order. Work is split into partitions of keys so memory stays bounded at any
archive size.

Two kinds of list (numbers in order, ids are record numbers):

* **document list** — per record holding the gram: id gap (id − previous id − 1),
  then hits in the text × 2 + 1 if the title holds it;
* **positional list** — per record: id gap, number of positions in the title,
  number in the text, then the title positions and the text positions, each as
  gaps from the one before (the first from 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUV"  # value 0..31, last digit of a number
MORE = "WXYZabcdefghijklmnopqrstuvwxyz-_"  # value 0..31, more digits follow
_DIGITS = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)
_MORE = np.frombuffer(MORE.encode("ascii"), dtype=np.uint8)
_ENCODE_SLICE = 1 << 20  # numbers encoded at once
PARTITION_OCCURRENCES = 1 << 20  # occurrences sorted at once


def varints(values: list[int]) -> str:
    """Numbers as varints: 5 bits a character, high first; the last character from DIGITS."""
    return encode_varints(np.asarray(values, dtype=np.int64)).decode("ascii") if values else ""


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


def _widths(values: np.ndarray) -> np.ndarray:
    """Characters each number takes as a varint."""
    width = np.ones(len(values), dtype=np.int64)
    for bits in range(5, 64, 5):
        big = values >= (1 << bits)
        if not big.any():
            break
        width += big
    return width


def encode_varints(values: np.ndarray) -> bytes:
    """``varints`` for an int64 array, as ASCII bytes."""
    parts = []
    for lo in range(0, len(values), _ENCODE_SLICE):
        v = values[lo:lo + _ENCODE_SLICE]
        width = _widths(v)
        ends = np.cumsum(width)
        starts = ends - width
        out = np.empty(int(ends[-1]) if len(v) else 0, dtype=np.uint8)
        for j in range(int(width.max()) if len(v) else 0):
            has = width > j
            w, s, x = width[has], starts[has], v[has]
            group = (x >> (5 * (w - 1 - j))) & 31
            out[s + j] = np.where(w - 1 == j, _DIGITS[group], _MORE[group])
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
    """Encoded lists of one partition: keys and their varint strings."""

    keys: np.ndarray
    payloads: list[str]


def _split(numbers: np.ndarray, key_starts: np.ndarray) -> list[str]:
    """Encode numbers and cut them into per-key strings at the numbers where each key starts."""
    encoded = encode_varints(numbers)
    offsets = np.r_[0, np.cumsum(_widths(numbers))][np.r_[key_starts, len(numbers)]]
    text = encoded.decode("ascii")
    return [text[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]


def document_lists(occ: Occurrences) -> Lists:
    """Per key: for each record, id gap and hits in the text × 2 + 1 if in the title."""
    starts, first_of_key = occ.groups()
    size = np.diff(np.r_[starts, len(occ.key)])
    in_text = np.add.reduceat(occ.side.astype(np.int64), starts) if len(starts) else np.zeros(0, np.int64)
    numbers = np.empty(2 * len(starts), dtype=np.int64)
    numbers[0::2] = occ.id_gaps(starts, first_of_key)
    numbers[1::2] = in_text * 2 + (size > in_text)
    key_groups = np.flatnonzero(first_of_key)
    return Lists(occ.key[starts[key_groups]], _split(numbers, key_groups * 2))


def positional_lists(occ: Occurrences) -> Lists:
    """Per key: for each record, id gap, counts in title and text, then the positions as gaps."""
    starts, first_of_key = occ.groups()
    total, count = len(occ.key), len(starts)
    size = np.diff(np.r_[starts, total])
    in_text = np.add.reduceat(occ.side.astype(np.int64), starts) if count else np.zeros(0, np.int64)
    group = np.repeat(np.arange(count, dtype=np.int64), size)
    pos = occ.pos.astype(np.int64)
    same = np.r_[False, (occ.key[1:] == occ.key[:-1]) & (occ.record[1:] == occ.record[:-1])
                 & (occ.side[1:] == occ.side[:-1])]
    gaps = pos - np.r_[0, pos[:-1]]
    gaps[~same] = pos[~same]
    numbers = np.empty(total + 3 * count, dtype=np.int64)
    head = starts + 3 * np.arange(count, dtype=np.int64)
    numbers[head] = occ.id_gaps(starts, first_of_key)
    numbers[head + 1] = size - in_text
    numbers[head + 2] = in_text
    numbers[np.arange(total, dtype=np.int64) + 3 * (group + 1)] = gaps
    key_groups = np.flatnonzero(first_of_key)
    return Lists(occ.key[starts[key_groups]], _split(numbers, head[key_groups]))


def select(occ: Occurrences, keys: np.ndarray) -> Occurrences:
    """The occurrences of the given keys only."""
    mine = np.isin(occ.key, keys)
    return Occurrences(occ.key[mine], occ.record[mine], occ.side[mine], occ.pos[mine])
