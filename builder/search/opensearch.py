"""Every record as bulk NDJSON for OpenSearch (or Elasticsearch), for server search at national scale.

``fangzhi export --search ndjson`` writes two files:

* ``FILE.ndjson`` — the body of a ``POST _bulk`` request: per record an action line
  ``{"index":{"_index":…,"_id":<permanent record id>}}`` and the document: its permanent id and URL,
  ``title`` and ``text`` **folded exactly as the static index folds them** (builder/search/index.py: NFKC,
  lower case, whitespace and invisible characters removed, traditional → simplified), ``title_shown`` and
  ``text_shown`` as the site shows them (for snippets), and the facets (type, source, years, date, EDTF,
  regions, topics, and ``topic_possible``: the topic is a close call, marked 可能 on the site) and the
  GB/T 7714 citation;
* ``FILE.template.json`` — an index template whose analyzer makes a phrase query an exact substring
  query over Chinese: the ``ngram`` tokenizer with ``min_gram = max_gram = 1`` and no ``token_chars``
  gives **one token per character** (every Han character, digit, letter and mark, at consecutive
  positions), so ``match_phrase`` with ``slop: 0`` matches exactly where the folded query is a substring
  of the folded text — the same recall 1.0 as the static index. ``index_phrases`` indexes the 2-character
  shingles, so a phrase query reads pairs, not single-character lists. A ``mapping`` character filter
  carries the folding the corpus needs (traditional → simplified, full-width → ASCII, upper → lower
  case) so that a query typed as it stands finds the folded text; a client may also fold the query
  itself with ``builder.search.index.fold`` (what the static search page does) — folding twice changes
  nothing. Word analyzers such as ``ik_max_word`` are not used: their overlapping tokens share
  positions, and a phrase query over them misses substrings across word boundaries.

``query_body`` gives the query the static page would run: every space-separated term (or quoted
phrase) must occur, each as a ``match_phrase`` at slop 0 in the title or the text. The export is
deterministic: records in archive order, keys sorted.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.config import SiteConfig
from builder.enrich.records import Record
from builder.files import write_atomic
from builder.search.index import display_text, fold, fold_map, fold_table, query_fold_map, query_terms

INDEX_NAME = "fangzhi"
ANALYZER = "fangzhi_exact"
_FOLDED_FIELD = {"type": "text", "analyzer": ANALYZER, "index_phrases": True}
_KEYWORD = {"type": "keyword"}
_STORED = {"type": "text", "index": False}


@dataclass
class ExportStats:
    """What ``write_export`` wrote."""

    records: int
    bytes: int
    ndjson: Path
    template: Path


def search_document(record: Record, source_titles: dict[str, str], table: dict[int, str]) -> dict[str, object]:
    """One record as an OpenSearch document (``table``: the corpus's traditional → simplified map)."""
    shown = display_text(record.text)
    return {
        "id": record.id,
        "url": record.url,
        "type": record.type,
        "source": record.source_id,
        "source_title": source_titles.get(record.source_id, record.source_id),
        "title": fold(record.title, table=table),
        "text": fold(shown, table=table),
        "title_shown": record.title,
        "text_shown": shown,
        "date": record.date,
        "edtf": record.edtf,
        "printed": record.printed,
        "years": list(record.years),
        "regions": list(record.regions),
        "topics": list(record.topics),
        "topic_possible": record.topic_possible,
        "citation": record.citation,
    }


def _chars(records: Iterable[Record]) -> set[str]:
    chars: set[str] = set()
    for r in records:
        chars.update(r.title)
        chars.update(r.text)
    return chars


def bulk_lines(records: list[Record], cfg: SiteConfig, index: str = INDEX_NAME,
               cmap: dict[str, str] | None = None) -> Iterator[str]:
    """The lines of the ``_bulk`` body (without their newlines): an action, then its document."""
    table = fold_table(fold_map(_chars(records)) if cmap is None else cmap)
    titles = {s.id: s.title for s in cfg.sources}
    for record in records:
        yield _json({"index": {"_index": index, "_id": record.id}})
        yield _json(search_document(record, titles, table))


def _escape(text: str) -> str:
    """A mapping rule's side written as ``\\uXXXX`` escapes (UTF-16 units, as the rule parser reads them)."""
    units = text.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04X}" for i in range(0, len(units), 2))


def fold_mappings(records: Iterable[Record], cmap: dict[str, str] | None = None) -> list[str]:
    """The character filter's rules: every character a query may carry whose folding is another
    non-empty string — the traditional forms of the corpus's simplified characters, the corpus's own
    characters, full-width ASCII and capital letters. (A character folding to nothing, like a zero-width
    space, cannot be a mapping rule; the site's query parser drops it with the whitespace.)"""
    seen = _chars(records)
    cmap = fold_map(seen) if cmap is None else cmap
    simplified = {cmap.get(c, c) for c in seen}
    qmap = query_fold_map(simplified)
    candidates = seen | set(qmap) | {chr(c) for c in range(0xFF01, 0xFF5F)} | {chr(c) for c in range(0x41, 0x5B)}
    rules = []
    for ch in sorted(candidates):
        if unicodedata.category(ch)[0] in "MZC":  # marks join a segment; spaces and controls are dropped
            continue
        folded = fold(ch, qmap)
        if folded and folded != ch:
            rules.append(f"{_escape(ch)} => {_escape(folded)}")
    return rules


def index_template(records: list[Record], index: str = INDEX_NAME, cmap: dict[str, str] | None = None) -> dict:
    """The index template (``PUT _index_template/<index>``) for the documents of ``bulk_lines``."""
    return {
        "index_patterns": [index, f"{index}-*"],
        "template": {
            "settings": {
                "analysis": {
                    "char_filter": {"fangzhi_fold": {"type": "mapping", "mappings": fold_mappings(records, cmap)}},
                    "tokenizer": {
                        "fangzhi_char": {"type": "ngram", "min_gram": 1, "max_gram": 1, "token_chars": []},
                    },
                    "analyzer": {
                        ANALYZER: {"type": "custom", "char_filter": ["fangzhi_fold"], "tokenizer": "fangzhi_char"},
                    },
                },
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "id": _KEYWORD, "url": _KEYWORD, "type": _KEYWORD, "source": _KEYWORD,
                    "source_title": _KEYWORD, "title": _FOLDED_FIELD, "text": _FOLDED_FIELD,
                    "title_shown": _STORED, "text_shown": _STORED, "date": _KEYWORD, "edtf": _KEYWORD,
                    "printed": _KEYWORD, "years": {"type": "integer"}, "regions": _KEYWORD, "topics": _KEYWORD,
                    "topic_possible": {"type": "boolean"}, "citation": _STORED,
                },
            },
        },
    }


def query_body(query: str, size: int = 20) -> dict:
    """The search the static page runs, as an OpenSearch query: every term in the title or the text,
    exactly (``match_phrase``, slop 0), shorter records first as on the page."""
    terms = [fold(t) for t in query_terms(query)]
    must = [
        {"bool": {"should": [{"match_phrase": {field: {"query": term, "slop": 0}}} for field in ("title", "text")],
                  "minimum_should_match": 1}}
        for term in terms if term
    ]
    return {"query": {"bool": {"must": must}}, "size": size, "track_total_hits": True}


def write_export(records: list[Record], cfg: SiteConfig, out: Path, index: str = INDEX_NAME) -> ExportStats:
    """Write ``out`` (the bulk NDJSON) and, beside it, ``<stem>.template.json``."""
    cmap = fold_map(_chars(records))
    body = "".join(line + "\n" for line in bulk_lines(records, cfg, index, cmap))
    write_atomic(out, body.encode("utf-8"))
    template = out.with_name(out.name.removesuffix(".ndjson") + ".template.json")
    write_atomic(template, (json.dumps(index_template(records, index, cmap), ensure_ascii=False, indent=1,
                                       sort_keys=True) + "\n").encode("utf-8"))
    return ExportStats(len(records), len(body.encode("utf-8")), out, template)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


__all__ = ["ANALYZER", "INDEX_NAME", "ExportStats", "bulk_lines", "fold_mappings", "index_template", "query_body",
           "search_document", "write_export"]
