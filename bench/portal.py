"""A portal of many collections, built in one process and on a local Dask cluster (figures, not a test).

    python bench/portal.py                       # 10 and 100 collections, one process and 2 workers
    python bench/portal.py --sizes 10 --workers 2

Each collection is one seed document in turn (tests/portal_archive.py ``cycled``), with its own
source_texts/ and site_config/: the four small seed documents (``ONE``: 古塔 大事记, 古塔 脱贫 report, 锦州
and 古塔 government reports, 0.02 to 0.5 MB), at every size, so that 100 collections build in minutes, not
hours, and the sizes compare; and one more portal of 10 collections cycling all six seed documents (row `10m`: the
two yearbooks, 0.9 and 1.3 MB, among them), so that the projection's fit has collections of very different sizes. Every build runs in its own process (so peak RSS is that build's). Printed per
build: wall seconds; peak RSS of the process that ran the portal (the client), of each worker process, and of
the largest MkDocs process; pages (HTML files), files and bytes in all; the search index bytes and files (every
collection's data/search/); and whether the two builds of a size are byte-identical. Then the hub's search
over every collection (builder/portal/search.py) in headless Chromium: per query of bench/search.py's set
(drawn once, from the first size's largest collection, and asked at every size), the bytes and files the page
loads before it shows its first 20 results with their snippets and the exact total. Then the projection to 1,300× the seeds (about
3 GB of text: 100 counties × 30 volumes), with the figures it rests on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEEDS_MB = sum(p.stat().st_size for p in (REPO / "source_texts").iterdir() if p.is_file()) / 1e6
PROVINCE_MB = 1300 * SEEDS_MB  # "about 100 counties × 30 volumes ≈ 3 GB of text, some 1,300× the seeds"


def _child(portal: str, out: str, workers: int) -> None:
    """Run in a fresh process: build the portal, print one JSON line of figures."""
    from builder.parallel import cluster
    from builder.portal.build import build_portal

    start = time.perf_counter()
    with cluster(workers=workers or None):
        stats = build_portal(Path(portal), Path(out))
    wall = time.perf_counter() - start
    per_pid: dict[int, float] = {}
    children = 0.0
    for _, _, t in stats.tasks:
        per_pid[t.pid] = max(per_pid.get(t.pid, 0.0), t.peak_rss_mb)
        children = max(children, t.children_peak_rss_mb)
    client = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = max(children, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    seconds: dict[str, list[float]] = {"summarise": [], "build": []}
    sized: dict[str, list[float]] = {}  # collection → [text bytes, seconds of both rounds, worker MB]
    for round_, ident, t in stats.tasks:
        seconds[round_].append(t.seconds)
        row = sized.setdefault(ident, [t.text_bytes, 0.0, 0.0])
        row[1] += t.seconds
        row[2] = max(row[2], t.peak_rss_mb)
    print(json.dumps({"wall": wall, "client_mb": client, "workers_mb": sorted(per_pid.values()) if workers else [],
                      "mkdocs_mb": children, "files": stats.files, "bytes": stats.bytes, "shared": stats.shared,
                      "task_seconds": {k: sum(v) for k, v in seconds.items()},
                      "search_s": stats.seconds.get("search", 0.0),
                      "hub_index": [stats.search.index.bytes, stats.search.index.files, stats.search.ranges]
                      if stats.search else [0, 0, 0],
                      "task_median": {k: statistics.median(v) if v else 0 for k, v in seconds.items()},
                      "sized": sorted(sized.values())}))


def _digest(site: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(site.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(site).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


def hub_queries(site: Path) -> dict[str, list[str]]:
    """The query set of bench/search.py, drawn from the collection with the most text."""
    from bench.search import query_set

    def text(c: Path) -> int:
        return sum(p.stat().st_size for p in c.glob("data/raw/*.txt"))

    biggest = max((c for c in site.iterdir() if (c / "data" / "search").is_dir() and c.name != "data"), key=text)
    return query_set(biggest, 100)


def measure_hub_search(site: Path, queries: dict[str, list[str]]) -> dict[str, object]:
    """Per query, what the hub's search page loads before it shows its first 20 results (with their
    snippets) and the exact total: bytes and files (the hub's own and the collections'), and ms (cold)."""
    from playwright.sync_api import sync_playwright

    from bench.search import ARGS, CHROMIUM, OURS_PAGE, serve

    (site / "ours-bench.html").write_text(OURS_PAGE, "utf-8")
    base, httpd = serve(site)
    samples: list[tuple[str, int, int, int, float]] = []  # query, bytes, hub files, collection files, ms
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for q in (q for qs in queries.values() for q in qs):
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(f"{base}ours-bench.html")
                cold = page.evaluate("(q) => window.ourRun(q)", q)
                ctx.close()
                size = hub = own = 0
                for name in cold["files"]:
                    if name.startswith(base):
                        path, own = site / (name[len(base):] + ".js"), own + 1
                    else:
                        path, hub = site / "data" / "search" / f"{name}.js", hub + 1
                    size += path.stat().st_size
                samples.append((q, size, hub, own, cold["ms"]))
            browser.close()
    finally:
        httpd.shutdown()
        (site / "ours-bench.html").unlink()
    sizes = sorted(s[1] for s in samples)
    worst = max(samples, key=lambda s: s[1])
    return {"queries": len(samples), "median_kb": statistics.median(sizes) / 1024, "p90_kb": sizes[int(0.9 * (len(sizes) - 1))] / 1024,
            "worst_kb": worst[1] / 1024, "worst_query": worst[0],
            "median_files": statistics.median(s[2] + s[3] for s in samples),
            "median_collection_files": statistics.median(s[3] for s in samples),
            "median_ms": statistics.median(s[4] for s in samples)}


def _measure(site: Path) -> dict[str, float]:
    html = sum(1 for _ in site.rglob("*.html"))
    index = [p for p in site.glob("*/data/search/**/*") if p.is_file()]
    text = sum(p.stat().st_size for p in site.glob("*/data/raw/*.txt"))
    return {"pages": html, "index_kb": sum(p.stat().st_size for p in index) / 1024, "index_files": len(index),
            "text_mb": text / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mixed", type=int, default=10,
                        help="also a portal of this many collections cycling all six seed documents, the two "
                             "yearbooks (0.9 and 1.3 MB) among them (row 'Nm'): the projection's fit needs "
                             "collections of very different sizes; 0: none")
    parser.add_argument("--no-queries", dest="queries", action="store_false",
                        help="skip the hub's search measurement (Chromium)")
    parser.add_argument("--child", nargs=3, metavar=("PORTAL", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]))
        return
    from tests.portal_archive import MIXED, ONE, cycled, make_portal

    rows = []
    queries: dict[str, list[str]] = {}  # one query set for every size: drawn from the first
    with tempfile.TemporaryDirectory(prefix="fangzhi-portal-bench-") as tmp:
        plan = [(n, "") for n in args.sizes] + ([(args.mixed, "mixed")] if args.mixed else [])
        for n, kind in plan:
            portal = make_portal(Path(tmp) / f"p{n}{kind}", cycled(n, MIXED if kind else ONE))
            digests = {}
            for workers in (0, args.workers):
                out = Path(tmp) / f"site-{n}{kind}-{workers}"
                proc = subprocess.run([sys.executable, __file__, "--child", str(portal), str(out), str(workers)],
                                      capture_output=True, text=True, check=False, cwd=REPO)
                if proc.returncode != 0:
                    sys.exit(f"build of {n} collections ({workers} workers) failed:\n{proc.stderr[-3000:]}")
                figures = json.loads(proc.stdout.strip().splitlines()[-1])
                figures.update(_measure(out), n=n, workers=workers, label=f"{n}{'m' if kind else ''}")
                digests[workers] = _digest(out)
                if not workers and args.queries and not kind:
                    queries = queries or hub_queries(out)
                    figures["hub_search"] = measure_hub_search(out, queries)
                rows.append(figures)
                print(f"  built {n} collections, {workers or 'no'} workers: {figures['wall']:.0f} s", file=sys.stderr)
            for r in rows[-2:]:
                r["identical"] = len(set(digests.values())) == 1
            for workers in digests:
                shutil.rmtree(Path(tmp) / f"site-{n}{kind}-{workers}", ignore_errors=True)
    _print(rows, args.workers)


def _print(rows: list[dict], workers: int) -> None:
    print(f"\nportal of N collections (each one seed document; 'Nm': the yearbooks among them), one process vs a "
          f"{workers}-worker local Dask cluster\n")
    head = (f"{'N':>4} {'mode':<10} {'wall s':>7} {'client MB':>9} {'worker MB':>11} {'MkDocs MB':>9} {'pages':>7} "
            f"{'files':>7} {'site MB':>8} {'index KB':>9} {'idx files':>9} {'text MB':>7} {'same':>5}")
    print(head)
    print("-" * len(head))
    for r in rows:
        mode = f"{r['workers']} workers" if r["workers"] else "1 process"
        wmb = "/".join(f"{m:.0f}" for m in r["workers_mb"]) or "—"
        print(f"{r['label']:>4} {mode:<10} {r['wall']:>7.0f} {r['client_mb']:>9.0f} {wmb:>11} {r['mkdocs_mb']:>9.0f} "
              f"{r['pages']:>7} {r['files']:>7} {r['bytes'] / 1e6:>8.0f} {r['index_kb']:>9.0f} {r['index_files']:>9} "
              f"{r['text_mb']:>7.1f} {'yes' if r['identical'] else 'NO':>5}")
    searched = [r for r in rows if "hub_search" in r]
    if searched:
        print(f"\nthe hub's search over every collection (one index, builder/portal/search.py): per query of "
              f"bench/search.py's set ({searched[0]['hub_search']['queries']} queries), what the page loads before it "
              f"shows the first 20 results with snippets and the exact total (cold: a new browser context each)\n")
        head = (f"{'N':>4} {'build s':>7} {'index KB':>9} {'files':>6} {'ranges':>6} {'median KB':>9} {'p90 KB':>7} "
                f"{'worst KB':>8} {'files/q':>7} {'of them in collections':>22} {'median ms':>9}  worst query")
        print(head)
        print("-" * len(head))
        for r in searched:
            h, (kb, files, ranges) = r["hub_search"], r["hub_index"]
            print(f"{r['n']:>4} {r['search_s']:>7.1f} {kb / 1024:>9.0f} {files:>6} {ranges:>6} {h['median_kb']:>9.1f} "
                  f"{h['p90_kb']:>7.1f} {h['worst_kb']:>8.1f} {h['median_files']:>7.0f} "
                  f"{h['median_collection_files']:>22.0f} {h['median_ms']:>9.0f}  {h['worst_query']}")
        if len(searched) > 1:
            a, b = searched[0], searched[-1]
            print(f"  from {a['n']} to {b['n']} collections ({b['n'] / a['n']:.0f}×): median bytes per query "
                  f"{b['hub_search']['median_kb'] / a['hub_search']['median_kb']:.2f}×, worst "
                  f"{b['hub_search']['worst_kb'] / a['hub_search']['worst_kb']:.2f}×, index "
                  f"{b['hub_index'][0] / a['hub_index'][0]:.2f}×")
    import numpy as np

    # time of a collection's two tasks = a + b × its text (least squares over every one-process task)
    sized = [row for r in rows if not r["workers"] for row in r["sized"]]
    mb = np.array([row[0] / 1e6 for row in sized])
    secs = np.array([row[1] for row in sized])
    b, a = np.polyfit(mb, secs, 1) if len(set(mb.round(6))) > 1 else (0.0, float(secs.mean()))
    counties, per_county = 100, PROVINCE_MB / 100
    work = counties * (a + b * per_county)
    print(f"\nprojection to 1,300× the seeds ({PROVINCE_MB / 1e3:.1f} GB of text as {counties} collections of "
          f"{per_county:.0f} MB), from the one-process tasks above ({len(sized)} collections of "
          f"{mb.min() * 1e3:.0f} KB to {mb.max():.2f} MB):")
    print(f"  a collection's two tasks take {a:.1f} s + {b:.0f} s per MB of text → {a + b * per_county:.0f} s for "
          f"one of {per_county:.0f} MB; the portal {work / 3600:.1f} h of task time: about {work / 3600 / 2:.1f} h on "
          f"2 workers, {work / 3600 / 16:.1f} h on 16 (tasks are whole collections: no finer split is needed)")
    for r in rows:
        if r["workers"]:
            one = next(x for x in rows if x["label"] == r["label"] and not x["workers"])
            print(f"  measured at {r['label']} collections: {r['workers']} workers took {r['wall'] / one['wall']:.2f}× "
                  f"the one-process wall time")
    # bytes = a × collections + b × MB of text (least squares over the one-process builds): a small collection's
    # site is mostly fixed weight (the theme's assets), so scaling the whole site by text would overstate it
    solo = [r for r in rows if not r["workers"]]
    design = np.array([[r["n"], r["text_mb"]] for r in solo], dtype=float)
    for label, key, unit in (("output", "bytes", 1.0), ("search indexes", "index_kb", 1024.0)):
        if np.linalg.matrix_rank(design) < 2:
            print(f"  {label}: give two sizes (--sizes 10 100) to separate the per-collection and per-MB parts")
            continue
        (per_collection, per_text), *_ = np.linalg.lstsq(design, np.array([r[key] * unit for r in solo]), rcond=None)
        total = counties * per_collection + PROVINCE_MB * per_text
        print(f"  {label} ≈ {per_collection / 1e6:.2f} MB per collection + {per_text / 1e6:.1f} MB per MB of text → "
              f"≈ {total / 1e9:.1f} GB for the province")
    peak = max((m for r in rows for m in (r["workers_mb"] or [])), default=0.0)
    top = max(sized, key=lambda row: row[0])
    held = ", ".join(f"{r['client_mb']:.0f} MB at {r['label']}" for r in rows if r["workers"])
    print(f"  memory: the client held {held} collections with workers (the local cluster's scheduler runs in it); a worker holds one collection at a time: {peak:.0f} MB at most "
          f"here, {top[2]:.0f} MB for the largest collection ({top[0] / 1e6:.2f} MB of text); a {per_county:.0f} MB county "
          f"is the 10×–30× single archive of bench/bench.py (1.4 GB + MkDocs 1.1 GB at 30×, 69 MB)")

if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
