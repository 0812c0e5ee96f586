"""The ledger as downloads: data/ledger.json and .csv (every character not on a page, with its rule)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from functools import partial

from builder.model.document import Document
from builder.render.export import DataFile, readable_json
from builder.render.safe import csv_cell
from builder.sources.ledger import RULE_NAMES, LedgerEntry, document_ledger, whitespace_summary
from builder.sources.load import document_lines


def ledger_files(docs: list[Document], texts: dict[str, str] | None = None) -> list[DataFile]:
    """``ledger.json`` and ``ledger.csv`` for the Data page (written by ``export.write_files``).

    ``texts`` (file name -> decoded text) adds the whitespace counts per document.
    """
    ledgers = {doc.source.id: document_ledger(doc) for doc in docs}
    entries = [e for doc in docs for e in ledgers[doc.source.id]]
    return [
        DataFile("ledger.json", "校勘账：删改的每一处原文（文献、行号、原文、改后、规则）", len(entries),
                 partial(_ledger_json, docs, ledgers, entries, texts)),
        DataFile("ledger.csv", "校勘账（CSV）", len(entries), partial(_ledger_csv, entries)),
    ]


def _ledger_json(docs: list[Document], ledgers: dict[str, list[LedgerEntry]], entries: list[LedgerEntry],
                 texts: dict[str, str] | None) -> str:
    data: dict[str, object] = {
        "rules": RULE_NAMES,
        "summary": {sid: dict(sorted(Counter(e.rule for e in es).items())) for sid, es in ledgers.items()},
        "entries": [e.__dict__ for e in entries],
    }
    if texts:
        data["whitespace"] = {  # counted when the document was parsed, else now
            d.source.id: d.whitespace or whitespace_summary(d, document_lines(d.source, texts[d.source.file]))
            for d in docs if d.source.file in texts
        }
    return readable_json(data)


def _ledger_csv(entries: list[LedgerEntry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["source", "line", "rule", "before", "after", "note"])
    for e in entries:
        writer.writerow([csv_cell(v) for v in (e.source, e.line, e.rule, e.before, e.after, e.note)])
    return "\ufeff" + buf.getvalue()
