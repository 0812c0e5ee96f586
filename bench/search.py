"""Search at 1× and 30× the corpus: ours vs Material's built-in search vs Pagefind (figures, not a test).

    python bench/search.py                  # scales 1 30
    python bench/search.py --scales 1       # quicker

For each scale, in one run on the same generated site: index build time,
total index bytes, and for a cold query (fresh browser context) and a warm
one (same context, cache filled) the index bytes loaded before the first
results are shown and the milliseconds to them, measured in headless
Chromium on loopback; then the ratios Material/ours and Pagefind/ours.

* ours: ``search/?q=`` — ms from navigation start to the first 20 results
  with snippets and the exact total (``#fz-results[data-at]``); bytes = the
  index files loaded by then (``FZS.loaded``).
* Material: the same site built with Material's full-text index (the plugin
  that trims it to titles removed); ms from navigation start until the header
  box shows results for the typed query; bytes = search index + worker; warm
  = a new page in the same context.
* Pagefind: ``python -m pagefind --site`` over our built site; ms from
  ``import(pagefind.js)`` to 20 results' data; bytes = every pagefind file.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scale import make_scaled_corpus
from builder.pipeline import build
from builder.render.pages import GENERATED_DIRS
from builder.search.index import write_search_index

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
QUERIES = ["营改增", "辽阳市", "2012年", "城市低保标准", "发展"]
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


@dataclass
class Row:
    engine: str
    build_s: float
    index_bytes: int
    cold_bytes: int
    cold_ms: float
    warm_bytes: int
    warm_ms: float
    totals: str


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[str, socketserver.TCPServer]:
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _bytes_of(entries: list[dict], pattern: str, field: str = "encodedBodySize") -> int:
    return int(sum(e[field] for e in entries if re.search(pattern, e["name"])))


DONE = "(document.querySelector('.md-search-result__meta') || {}).textContent?.includes('结果')"
RESOURCES = "performance.getEntriesByType('resource').map(e => ({name: e.name, encodedBodySize: e.encodedBodySize,"\
            " transferSize: e.transferSize}))"


def measure_ours(browser, base: str, site: Path) -> tuple[list[float], list[int], list[float], list[int], list[int]]:
    cold_ms, cold_b, warm_ms, warm_b, totals = [], [], [], [], []
    for q in QUERIES:
        ctx = browser.new_context()
        page = ctx.new_page()
        for phase in ("cold", "warm"):
            page.goto(f"{base}search/?q={quote(q)}")
            page.wait_for_selector("#fz-results[data-at]", state="attached", timeout=120_000)
            at = float(page.get_attribute("#fz-results", "data-at"))
            n = int(page.get_attribute("#fz-results", "data-files"))
            names = page.evaluate("FZS.loaded")[:n]
            size = sum((site / "data" / "search" / f"{name}.js").stat().st_size for name in names)
            if phase == "cold":
                cold_ms.append(at)
                cold_b.append(size)
                totals.append(int(page.get_attribute("[data-total]", "data-total")))
            else:
                warm_ms.append(at)
                entries = page.evaluate(RESOURCES)
                warm_b.append(_bytes_of(entries, r"/data/search/", "transferSize"))
        ctx.close()
    return cold_ms, cold_b, warm_ms, warm_b, totals


def measure_material(browser, base: str) -> tuple[list[float], list[int], list[float], list[int], list[str]]:
    cold_ms, cold_b, warm_ms, warm_b, totals = [], [], [], [], []
    for q in QUERIES:
        ctx = browser.new_context()
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(base)
        page.click(".md-search__input")
        page.fill(".md-search__input", q)
        page.wait_for_function(DONE, timeout=120_000)
        cold_ms.append((time.perf_counter() - t0) * 1000)
        entries = page.evaluate(RESOURCES)
        cold_b.append(_bytes_of(entries, r"search_index\.json|search\.[0-9a-f]+\.min\.js"))
        totals.append(page.text_content(".md-search-result__meta") or "")
        page = ctx.new_page()  # warm: the same context, index in the HTTP cache
        t0 = time.perf_counter()
        page.goto(base)
        page.click(".md-search__input")
        page.fill(".md-search__input", q)
        page.wait_for_function(DONE, timeout=120_000)
        warm_ms.append((time.perf_counter() - t0) * 1000)
        warm_b.append(_bytes_of(page.evaluate(RESOURCES), r"search_index\.json|search\.[0-9a-f]+\.min\.js", "transferSize"))
        ctx.close()
    return cold_ms, cold_b, warm_ms, warm_b, totals


def measure_pagefind(browser, base: str) -> tuple[list[float], list[int], list[float], list[int], list[int]]:
    cold_ms, cold_b, warm_ms, warm_b, totals = [], [], [], [], []
    for q in QUERIES:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(f"{base}pagefind-bench.html")
        page.wait_for_function("window.pfReady")
        res = page.evaluate("(q) => window.pfRun(q)", q)
        cold_ms.append(res["ms"])
        totals.append(res["total"])
        cold_b.append(_bytes_of(page.evaluate(RESOURCES), r"/pagefind/"))
        before = cold_b[-1]
        res = page.evaluate("(q) => window.pfRun(q)", QUERIES[0] if q != QUERIES[0] else QUERIES[1])
        warm_ms.append(res["ms"])
        warm_b.append(_bytes_of(page.evaluate(RESOURCES), r"/pagefind/") - before)
        ctx.close()
    return cold_ms, cold_b, warm_ms, warm_b, totals


def run_scale(n: int, browser) -> list[Row]:
    tmp = Path(tempfile.mkdtemp(prefix=f"fz-search-{n}x-"))
    try:
        sources, config = make_scaled_corpus(n, tmp / "corpus")
        project = tmp / "project"
        shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        site = project / "site"
        archive = build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=site)
        t = time.perf_counter()
        write_search_index(archive.records, archive.cfg, tmp / "index-timing")
        ours_build = time.perf_counter() - t
        ours_bytes = dir_bytes(site / "data" / "search")
        # Material with its full-text index: the same docs, the trimming plugin removed
        material_yml = project / "mkdocs-material.yml"
        material_yml.write_text(re.sub(r"\n\s*- fangzhi-search-titles", "", (project / "mkdocs.yml").read_text("utf-8")),
                                "utf-8")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(material_yml), "-d",
                        str(tmp / "material")], check=True, cwd=project, capture_output=True)
        material_build = time.perf_counter() - t
        material_bytes = (tmp / "material" / "search" / "search_index.json").stat().st_size
        # Pagefind over a copy of our built site
        pf_site = tmp / "pagefind-site"
        shutil.copytree(site, pf_site)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(pf_site)], check=True, capture_output=True)
        pf_build = time.perf_counter() - t
        pf_bytes = dir_bytes(pf_site / "pagefind")
        (pf_site / "pagefind-bench.html").write_text(PAGEFIND_PAGE, "utf-8")

        from playwright.sync_api import Error as PlaywrightError

        rows = []
        for engine, directory, measure, build_s, size in (
            ("ours", site, lambda b, base: measure_ours(b, base, site), ours_build, ours_bytes),
            ("material", tmp / "material", measure_material, material_build, material_bytes),
            ("pagefind", pf_site, measure_pagefind, pf_build, pf_bytes),
        ):
            print(f"  measuring {engine} at {n}×", file=sys.stderr, flush=True)
            base, httpd = serve(directory)
            try:
                cold_ms, cold_b, warm_ms, warm_b, totals = measure(browser, base)
            except PlaywrightError as exc:  # an engine that cannot answer at this scale is a result, not a crash
                print(f"  {engine} at {n}×: no results ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                      file=sys.stderr, flush=True)
                cold_ms, cold_b, warm_ms, warm_b, totals = [float("nan")], [float("nan")], [float("nan")], \
                    [float("nan")], ["timed out"]
            finally:
                httpd.shutdown()
            rows.append(Row(engine, build_s, size, max(cold_b), max(cold_ms), max(warm_b), max(warm_ms),
                            " ".join(str(x).replace(" ", "") for x in totals)))
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 30])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print("queries:", " ".join(QUERIES), "(worst of them is shown)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.scales:
            rows = run_scale(n, browser)
            ours = rows[0]
            print(f"\n== {n}×")
            print(f"{'engine':9} {'index s':>8} {'index KB':>10} {'cold KB':>9} {'cold ms':>8} {'warm KB':>8} "
                  f"{'warm ms':>8}  results per query")
            for r in rows:
                print(f"{r.engine:9} {r.build_s:8.1f} {r.index_bytes / 1e3:10.0f} {r.cold_bytes / 1e3:9.1f} "
                      f"{r.cold_ms:8.0f} {r.warm_bytes / 1e3:8.1f} {r.warm_ms:8.0f}  {r.totals}")
            for r in rows[1:]:
                print(f"{r.engine}/ours: index bytes ×{r.index_bytes / ours.index_bytes:.2f}, cold bytes "
                      f"×{r.cold_bytes / max(1, ours.cold_bytes):.2f}, cold ms ×{r.cold_ms / max(1, ours.cold_ms):.2f}")
        browser.close()


if __name__ == "__main__":
    main()
