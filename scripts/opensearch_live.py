"""Check `fangzhi export --search ndjson` against a real OpenSearch server (not part of CI: no OpenSearch can be
installed from the registries CI reaches; tests/test_opensearch.py checks the analyzer by simulating it).

    .venv/bin/python scripts/opensearch_live.py http://127.0.0.1:9200

Loads the archive of this project (site_config/, source_texts/), puts the index template, bulk-loads every record
into the index ``fangzhi-live-check`` and compares the server's exact total for a few queries (简体, 繁體,
single character) with the static search's count. Exit 0 when every total agrees, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.pipeline import enrich_archive, load_archive
from builder.search.index import display_text, fold
from builder.search.opensearch import bulk_lines, index_template, query_body

QUERIES = ("古塔", "古塔區", "城市低保", "营商环境", "年")
INDEX = "fangzhi-live-check"


def main(url: str) -> int:
    def call(method: str, path: str, body: bytes, ctype: str = "application/json") -> dict:
        req = urllib.request.Request(url.rstrip("/") + path, data=body, method=method, headers={"Content-Type": ctype})
        with urllib.request.urlopen(req, timeout=300) as resp:
            return json.loads(resp.read() or b"{}")

    archive = load_archive(REPO / "site_config", REPO / "source_texts")
    enrich_archive(archive)
    try:
        call("DELETE", f"/{INDEX}", b"")
    except OSError:
        pass
    call("PUT", f"/_index_template/{INDEX}", json.dumps(index_template(archive.records, INDEX)).encode())
    body = "".join(line + "\n" for line in bulk_lines(archive.records, archive.cfg, INDEX)).encode()
    if call("POST", "/_bulk?refresh=true", body, "application/x-ndjson")["errors"]:
        print("bulk load reported errors", file=sys.stderr)
        return 1
    bad = 0
    for query in QUERIES:
        hits = call("POST", f"/{INDEX}/_search", json.dumps(query_body(query)).encode())["hits"]["total"]["value"]
        q = fold(query)
        want = sum(1 for r in archive.records if q in fold(r.title) or q in fold(display_text(r.text)))
        print(f"{query}: server {hits}, static search {want}{'' if hits == want else '  DIFFERENT'}")
        bad += hits != want
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/opensearch_live.py OPENSEARCH_URL")
    sys.exit(main(sys.argv[1]))
