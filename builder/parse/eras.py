"""Era names (年号), rulers and dynasties of Chinese history, for reading era dates.

The table ``data/eras.tsv`` is written by ``scripts/import_eras.py`` from the maintained calendar tables
of the sanmiao package (MIT; 1,575 era rows, rulers, dynasties, traditional and simplified names).
Years there are historian's years: -1 is 1 BCE, there is no year 0.

A name printed in traditional characters is looked up again in OpenCC's simplified form; a name printed
with a variant character (異體字: ``嘉佑`` for ``嘉祐``) through the variant tables of the yitizi package
(MIT), which OpenCC does not hold.

``Era`` is one reign era or ruler's reign; ``lookup`` gives every era or ruler a name can mean, and
``year_of`` the Gregorian year of the N-th year of an era.  民国 (the Republic of China, 1912–) is an
era like the others: 民国N年 = 1911 + N.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Era", "dynasty_names", "dynasty_span", "lookup", "year_of"]

_DATA = Path(__file__).with_name("data") / "eras.tsv"
_ROC = ("民国", "民國", "中华民国", "中華民國")
_SPANS: dict[str, tuple[int, int]] = {}


@dataclass(frozen=True)
class Era:
    name: str
    kind: str  # "era" | "ruler"
    dynasty: str
    first: int
    last: int

    @property
    def gregorian_calendar(self) -> bool:
        """民国 dates are Gregorian; every earlier era counts months in the Chinese calendar."""
        return self.first >= 1912


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[Era, ...]], frozenset[str]]:
    names: dict[str, list[Era]] = {}
    dynasties: set[str] = set()
    spans = _SPANS
    with _DATA.open(encoding="utf-8") as fh:
        for row in fh:
            if row.startswith("#"):
                continue
            kind, name, dynasty, first, last = row.rstrip("\n").split("\t")
            if kind == "dynasty":
                dynasties.add(name)
                old = spans.get(name)
                spans[name] = (min(int(first), old[0]), max(int(last), old[1])) if old else (int(first), int(last))
                continue
            names.setdefault(name, []).append(Era(name, kind, dynasty, int(first), int(last)))
    for name in _ROC:
        names[name] = [Era(name, "era", "中華民國", 1912, 1949)]
    return {k: tuple(v) for k, v in names.items()}, frozenset(dynasties)


def lookup(name: str) -> tuple[Era, ...]:
    """Every era or ruler the name can mean (empty when it is none); a name in mixed or variant
    traditional forms (慶歷 for 慶曆) is looked up again in OpenCC's simplified form."""
    table = _table()[0]
    found = table.get(name, ())
    if not found and any(ord(c) > 0x3000 for c in name):
        simple = _simplified(name)
        variants = _variant_names()
        found = table.get(simple, ()) or variants.get(name, ()) or variants.get(simple, ())
    return found


@lru_cache(maxsize=1)
def _variant_names() -> dict[str, tuple[Era, ...]]:
    """Every name of the table with one of its characters replaced by a variant of it (yitizi's tables):
    ``嘉佑`` → the eras of ``嘉祐``.  Names the table holds as printed are not in it (they win)."""
    import yitizi  # variant characters, which OpenCC's conversion tables do not relate (佑/祐)

    table = _table()[0]
    out: dict[str, list[Era]] = {}
    for name, eras in table.items():
        for i, ch in enumerate(name):
            for variant in yitizi.get(ch):
                other = name[:i] + variant + name[i + 1:]
                if other in table:
                    continue
                have = out.setdefault(other, [])
                have.extend(e for e in eras if e not in have)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=4096)
def _simplified(name: str) -> str:
    return _t2s().convert(name)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc  # only for names the table does not hold as printed

    return opencc.OpenCC("t2s")


def dynasty_names() -> frozenset[str]:
    """Dynasty names (traditional and simplified), for dynasty headings."""
    return _table()[1]


def dynasty_span(name: str) -> tuple[int, int] | None:
    """The years a dynasty (``南梁``) or a run of two (``唐宋``) covers; ``None`` when the name is none.
    A trailing 朝/代 is allowed (``元朝``, ``明代``)."""
    _table()
    name = name.removesuffix("朝").removesuffix("代") if len(name) > 1 else name
    if name in _SPANS:
        return _SPANS[name]
    if len(name) == 2 and name[0] in _SPANS and name[1] in _SPANS:
        return _SPANS[name[0]][0], _SPANS[name[1]][1]
    return None


def year_of(era: Era, n: int) -> int:
    """The Gregorian year of year ``n`` of ``era`` (no year 0 between 1 BCE and 1 CE)."""
    year = era.first + n - 1
    if era.first < 0 <= year:
        year += 1
    return year
