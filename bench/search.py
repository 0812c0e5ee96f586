"""Search at 1× and 30× the corpus: ours vs Pagefind 1.5.2 and 1.6.0 (and Material's at 1×); figures, not a test.

    python bench/search.py                  # scales 1 30
    python bench/search.py --scales 1       # quicker

For each scale, in one run on the same generated site: index build time,
total index bytes and files, and over a generated set of at least 200
queries (``query_set``: frequent words, years with 年, names of people and
places, single characters, substrings across two words, 繁體 forms that fold)
the index bytes loaded before the first 20 results (worst query of the set and
the median) and, for a cold query (fresh browser context) and a warm one
(the same context, cache filled), the milliseconds to them (median and worst),
measured in headless Chromium on loopback.

* ours: a page with fangzhi-search.js; ms from calling
  ``FangzhiSearch.first(q, 20)`` to the first 20 results with their snippets
  and the exact total (page load not counted, as for Pagefind); bytes = the
  index files loaded by then (``FZS.loaded``). The search page itself shows
  exactly these (tests/test_browser.py checks what it loads).
* Pagefind (1.5.2, the project's test pin, run with ``python -m pagefind``;
  1.6.0 from npm, installed by this script into ``.fangzhi-cache/bench/``,
  PyPI has no 1.6.0): ``--site`` over a copy of our built site; ms from
  ``import(pagefind.js)`` to 20 results' data (page load not counted); bytes =
  every pagefind file loaded by then.
* Material (1× only: its index is one file of the whole text): the same site
  with Material's search plugin (``lang: zh``) added, so its header box
  searches the full text; ms from navigation start until the header box shows results for
  the typed query; bytes = search index + worker; first 5 queries of the set.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import random
import re
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scale import make_scaled_corpus
from builder.pipeline import build
from builder.render.pages import GENERATED_DIRS
from builder.search.index import write_search_index

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PAGEFIND_16 = "1.6.0"
PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
window.pfRun = async (q) => {
  const t = performance.now();
  const pf = await import("./pagefind/pagefind.js");
  const r = await pf.search(q);
  await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
  return { ms: performance.now() - t, total: r.results.length };
};
window.pfReady = true;
</script>"""
OURS_PAGE = """<!doctype html><meta charset="utf-8">
<script src="assets/javascripts/fangzhi-fold.js"></script>
<script src="assets/javascripts/fangzhi-search.js"></script>
<script>
window.ourRun = async (q) => {
  const t = performance.now();
  const r = await window.FangzhiSearch.first(q, 20);
  return { ms: performance.now() - t, total: r.total, files: window.FZS.loaded.slice() };
};
</script>"""
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def query_set(site: Path, size: int = 200) -> dict[str, list[str]]:
    """At least ``size`` queries by class, drawn deterministically from the built site's records."""
    import jieba
    import opencc

    records = [r for name in ("events", "entries", "sections")
               for r in json.loads((site / "data" / f"{name}.json").read_text("utf-8"))]
    texts = [re.sub(r"\s", "", r["title"] + r["text"]) for r in records]
    rng = random.Random(17)
    words: Counter[str] = Counter()
    across: list[str] = []
    for text in rng.sample(texts, min(400, len(texts))):
        tokens = jieba.lcut(text)
        words.update(w for w in tokens if CJK_WORD.fullmatch(w))
        across += [a[-1] + b[:2] for a, b in pairwise(tokens)
                   if CJK_WORD.fullmatch(a) and CJK_WORD.fullmatch(b)]
    chars = Counter(c for t in texts for c in t if "\u4e00" <= c <= "\u9fff")
    people = [p["name"] for p in json.loads((site / "data" / "people.json").read_text("utf-8"))]
    places = [g["name"] for g in json.loads((site / "data" / "regions.json").read_text("utf-8")) if g["records"]]
    years = Counter(m.group() for t in texts for m in re.finditer(r"(?:19|20)\d\d年(?:\d{1,2}月)?", t))
    frequent = [w for w, _ in words.most_common(60)]
    to_trad = opencc.OpenCC("s2t")
    trad = [t for t in (to_trad.convert(w) for w in frequent + [w for w, _ in words.most_common(400)[60:]])
            if t not in frequent]
    classes = {
        "frequent word": frequent[:40],
        "year 年": [y for y, _ in years.most_common(10)] + rng.sample(sorted(years), min(20, len(years))),
        "name": rng.sample(people, min(15, len(people))) + rng.sample(places, min(20, len(places))),
        "single character": [c for c, _ in chars.most_common(15)] + rng.sample(sorted(chars), 15),
        "across words": rng.sample(sorted(set(across)), 40),
        "繁體": trad[:35],
    }
    seen: set[str] = set()
    for name, qs in classes.items():  # each query once, in the first class that has it
        classes[name] = [q for q in dict.fromkeys(qs) if not (q in seen or seen.add(q))]
    assert sum(map(len, classes.values())) >= size, {k: len(v) for k, v in classes.items()}
    return classes


@dataclass
class Row:
    engine: str
    build_s: float
    index_bytes: int
    files: int
    worst_bytes: float
    worst_query: str
    median_bytes: float
    cold_ms: float  # median
    cold_worst_ms: float
    warm_ms: float  # median
    warm_worst_ms: float
    queries: int


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingTCPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-load: not news
            super().handle_error(request, client_address)


def serve(directory: Path) -> tuple[str, socketserver.TCPServer]:
    httpd = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def dir_stats(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def _bytes_of(entries: list[dict], pattern: str, field: str = "encodedBodySize") -> int:
    return int(sum(e[field] for e in entries if re.search(pattern, e["name"])))


RESOURCES = "performance.getEntriesByType('resource').map(e => ({name: e.name, encodedBodySize: e.encodedBodySize,"\
            " transferSize: e.transferSize}))"
Samples = dict[str, tuple[int, float, float]]  # query -> (cold bytes, cold ms, warm ms)
MATERIAL_QUERIES = 5  # Material loads its whole index for any query: a few show it


Sample = tuple[int, float, float]  # cold bytes, cold ms, warm ms


def measure_ours(browser, base: str, site: Path, q: str, other: str) -> Sample:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}ours-bench.html")
    cold = page.evaluate("(q) => window.ourRun(q)", q)
    size = sum((site / "data" / "search" / f"{name}.js").stat().st_size for name in cold["files"])
    warm = page.evaluate("(q) => window.ourRun(q)", other)  # another query, same context
    ctx.close()
    return size, cold["ms"], warm["ms"]


def measure_material(browser, base: str, q: str, other: str) -> Sample:
    ctx = browser.new_context()
    ms, size = [], 0
    for phase in ("cold", "warm"):  # warm: a new page in the same context, index in the HTTP cache
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(base)
        page.click(".md-search__input")
        page.fill(".md-search__input", q)
        page.locator(".md-search-result__meta", has_text="结果").wait_for(timeout=120_000)
        ms.append((time.perf_counter() - t0) * 1000)
        if phase == "cold":
            size = _bytes_of(page.evaluate(RESOURCES), r"search_index\.json|search\.[0-9a-f]+\.min\.js")
    ctx.close()
    return size, ms[0], ms[1]


def measure_pagefind(browser, base: str, q: str, other: str) -> Sample:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}pagefind-bench.html")
    page.wait_for_function("window.pfReady")
    cold = page.evaluate("(q) => window.pfRun(q)", q)
    size = _bytes_of(page.evaluate(RESOURCES), r"/pagefind/")
    warm = page.evaluate("(q) => window.pfRun(q)", other)  # another query, same context
    ctx.close()
    return size, cold["ms"], warm["ms"]


def pagefind_16() -> list[str]:
    """The command of Pagefind 1.6.0 (extended: Chinese segmentation), installed from npm on first use."""
    prefix = REPO / ".fangzhi-cache" / "bench" / f"pagefind-{PAGEFIND_16}"
    binary = prefix / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
    if not binary.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        f"pagefind@{PAGEFIND_16}"], check=True, capture_output=True)
    return [str(binary)]


def _row(engine: str, build_s: float, size: int, files: int, samples: Samples) -> Row:
    worst = max(samples, key=lambda q: samples[q][0])
    cold = [v[1] for v in samples.values()]
    warm = [v[2] for v in samples.values()]
    return Row(engine, build_s, size, files, samples[worst][0], worst, statistics.median(v[0] for v in samples.values()),
               statistics.median(cold), max(cold), statistics.median(warm), max(warm), len(samples))


def run_scale(n: int, browser, size: int) -> tuple[list[Row], dict[str, list[str]], dict[str, Samples]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"fz-search-{n}x-"))
    try:
        sources, config = make_scaled_corpus(n, tmp / "corpus")
        project = tmp / "project"
        shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        site = project / "site"
        print(f"  building the {n}× site", file=sys.stderr, flush=True)
        archive = build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=site)
        t = time.perf_counter()
        write_search_index(archive.records, archive.cfg, tmp / "index-timing")
        ours_build = time.perf_counter() - t
        classes = query_set(site, size)
        queries = [q for qs in classes.values() for q in qs]
        engines: list[tuple[str, Path, Callable[..., Sample], float, tuple[int, int]]] = [
            ("ours", site, functools.partial(measure_ours, site=site), ours_build,
             dir_stats(site / "data" / "search"))]
        if n == 1:  # Material with its full-text index: the same docs with Material's search plugin added
            material_yml = project / "mkdocs-material.yml"
            material_yml.write_text((project / "mkdocs.yml").read_text("utf-8").replace(
                "\nplugins:\n", "\nplugins:\n  - search:\n      lang: zh\n", 1), "utf-8")
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(material_yml), "-d",
                            str(tmp / "material")], check=True, cwd=project, capture_output=True)
            index = tmp / "material" / "search" / "search_index.json"
            engines.append(("material", tmp / "material", measure_material,
                            time.perf_counter() - t, (index.stat().st_size, 1)))
        for engine, command in (("pagefind 1.5.2", [sys.executable, "-m", "pagefind"]),
                                (f"pagefind {PAGEFIND_16}", pagefind_16())):
            pf_site = tmp / engine.replace(" ", "-")
            shutil.copytree(site, pf_site)
            t = time.perf_counter()
            subprocess.run([*command, "--site", str(pf_site)], check=True, capture_output=True)
            (pf_site / "pagefind-bench.html").write_text(PAGEFIND_PAGE, "utf-8")
            engines.append((engine, pf_site, measure_pagefind, time.perf_counter() - t,
                            dir_stats(pf_site / "pagefind")))
        (site / "ours-bench.html").write_text(OURS_PAGE, "utf-8")

        from playwright.sync_api import Error as PlaywrightError


        # every query on every engine in turn, so that the load of the machine falls on all alike
        servers = [serve(directory) for _, directory, *_ in engines]
        per_query: dict[str, Samples] = {engine: {} for engine, *_ in engines}
        failed: set[str] = set()
        print(f"  measuring {len(queries)} queries at {n}×", file=sys.stderr, flush=True)
        try:
            for k, q in enumerate(queries):
                for (engine, _, measure, *_), (base, _) in zip(engines, servers, strict=True):
                    if engine in failed or (engine == "material" and k >= MATERIAL_QUERIES):
                        continue
                    try:
                        per_query[engine][q] = measure(browser, base, q=q, other=queries[k - 1])
                    except PlaywrightError as exc:  # an engine that cannot answer is a result, not a crash
                        print(f"  {engine} at {n}×: no results for {q} ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0]})", file=sys.stderr, flush=True)
                        failed.add(engine)
        finally:
            for _, httpd in servers:
                httpd.shutdown()
        rows = [_row(engine, build_s, total, files,
                     per_query[engine] if engine not in failed and per_query[engine] else
                     {"-": (float("nan"), float("nan"), float("nan"))})
                for engine, _, _, build_s, (total, files) in engines]
        return rows, classes, per_query
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 30])
    parser.add_argument("--queries", type=int, default=200, help="at least this many queries (default 200)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.scales:
            rows, classes, per_query = run_scale(n, browser, args.queries)
            ours = rows[0]
            print(f"\n== {n}×: {sum(map(len, classes.values()))} queries (" +
                  ", ".join(f"{k} {len(v)}" for k, v in classes.items()) + ")")
            print(f"{'engine':15} {'index s':>7} {'index KB':>9} {'files':>6} {'worst KB':>9} {'median KB':>9} "
                  f"{'cold ms':>8} {'worst':>6} {'warm ms':>8} {'worst':>6}  worst query")
            for r in rows:
                print(f"{r.engine:15} {r.build_s:7.1f} {r.index_bytes / 1e3:9.0f} {r.files:6d} {r.worst_bytes / 1e3:9.1f} "
                      f"{r.median_bytes / 1e3:9.1f} {r.cold_ms:8.0f} {r.cold_worst_ms:6.0f} {r.warm_ms:8.0f} "
                      f"{r.warm_worst_ms:6.0f}  {r.worst_query} ({r.queries} queries)")
            by_class = {name: max(per_query["ours"][q][0] for q in qs) / 1e3 for name, qs in classes.items()}
            print("ours, worst KB by class: " + ", ".join(f"{k} {v:.1f}" for k, v in by_class.items()))
            for r in rows[1:]:
                print(f"{r.engine}/ours: index bytes ×{r.index_bytes / ours.index_bytes:.2f}, worst KB "
                      f"×{r.worst_bytes / max(1, ours.worst_bytes):.2f}, median cold ms ×{r.cold_ms / max(1, ours.cold_ms):.2f}"
                      f", median warm ms ×{r.warm_ms / max(1, ours.warm_ms):.2f}")
        browser.close()


if __name__ == "__main__":
    main()
