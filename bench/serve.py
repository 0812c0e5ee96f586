"""The editor's live preview: from saving a one-line corrections.yml edit to the change on the open page.

    python bench/serve.py                 # scales 1 10, 3 edits each
    python bench/serve.py --scales 1 --edits 5

For each scale (bench/scale.py ``make_scaled_corpus``, as bench/bench.py) it
starts the real ``fangzhi serve`` on a copy of the project, opens the reading
page of guta-dsj in headless Chromium and then, edit after edit, rewrites one
line of corrections.yml (a correction of a word on that page, a different
right-hand side each time) and polls the page's DOM until the new text is
there: MkDocs' livereload reloads it, the bench never does. A first edit warms
up and is not counted; the figure is the median of the next ``--edits``.

Where the time goes, from the server's own lines: "ours" is our stages (load,
enrich, render — until the changed pages are on disk), "MkDocs" its dirty
rebuild, and "rest" everything else: our debounce (0.15 s), MkDocs noticing
the files (it polls docs/ every 0.5 s, then waits 0.1 s for quiet), the reload
and the page load in Chromium. The search index and downloads are written
after the reload (not on the way); their time is shown too.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench import _project
from bench.scale import make_scaled_corpus
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_serve import Server, _free_port

GOALS = {1: 3.0, 10: 10.0}
PAGE = "sources/guta-dsj/"
WRONG = "大程度结局"  # guta-dashiji-2012-2021.txt line 34, on the reading page of guta-dsj
RIGHTS = "解决处理化解缓解破解改善"


def _correction(k: int) -> tuple[str, str]:
    right = "大程度" + RIGHTS[2 * k % len(RIGHTS):][:2] + "甲乙丙丁戊己庚辛壬癸"[k // 6 % 10]
    return right, f"\n  - source: guta-dsj\n    line: 34\n    wrong: {WRONG}\n    right: {right}\n    note: bench\n"


def _seconds(pattern: str, line: str) -> float:
    m = re.search(pattern, line)
    return float(m.group(1)) if m else float("nan")


def run_scale(n: int, edits: int, browser) -> dict:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory(prefix=f"fangzhi-serve-{n}x-") as tmp_name:
        tmp = Path(tmp_name)
        sources_dir, config_dir = make_scaled_corpus(n, tmp / "corpus")
        project = _project(tmp)
        server = Server(project, _free_port(), ["--sources", str(sources_dir), "--config", str(config_dir)])
        rows = []
        try:
            started = time.monotonic()
            url = server.wait_for(lambda ln: ln.startswith("serving http"), 1800).split()[1]
            start_s = time.monotonic() - started
            page = browser.new_page()
            page.goto(url + PAGE)
            corrections = config_dir / "corrections.yml"
            original = corrections.read_text("utf-8")
            for k in range(edits + 1):
                right, text = _correction(k)
                mark = len(server.lines)
                saved = time.monotonic()
                corrections.write_text(original + text, encoding="utf-8")
                page.wait_for_function(f"!!document.body && document.body.innerText.includes('{right}')", polling=50, timeout=120_000)
                visible = time.monotonic() - saved
                ours = server.wait_for(lambda ln: "corrections.yml" in ln and " changed " in ln, 60, mark)
                mkdocs = server.wait_for(lambda ln: ln.startswith("MkDocs rebuilt"), 60, mark)
                late = server.wait_for(lambda ln: "search index and downloads" in ln, 300, mark)
                row = {
                    "visible": visible,
                    "ours": _seconds(r"changed in ([\d.]+) s", ours),
                    "cpu": _seconds(r"CPU ([\d.]+) s", ours),
                    "load": os.getloadavg()[0],
                    "stages": {s: _seconds(s + r" ([\d.]+) s", ours) for s in ("load", "enrich", "render")},
                    "mkdocs": _seconds(r"in ([\d.]+) s", mkdocs),
                    "late": _seconds(r"written in ([\d.]+) s", late),
                    "pages": int(_seconds(r"(\d+) pages? changed", ours)),
                }
                row["rest"] = row["visible"] - row["ours"] - row["mkdocs"]
                print(f"  {n}× edit {k}{' (warm-up)' if k == 0 else ''}: visible {visible:.2f} s; {ours.split('] ', 1)[1]}; "
                      f"MkDocs {row['mkdocs']:.2f} s; index+downloads {row['late']:.2f} s", file=sys.stderr, flush=True)
                if k:
                    rows.append(row)
            page.close()
        finally:
            server.stop()
    return {"scale": n, "start": start_s, "rows": rows}


def report(results: list[dict]) -> None:
    def med(rows: list[dict], key: str, sub: str | None = None) -> float:
        return statistics.median(r[key][sub] if sub else r[key] for r in rows)

    print("\n== fangzhi serve: saving a one-line corrections.yml edit → the open page shows it "
          f"(median of {len(results[0]['rows'])}, seconds)")
    head = ("scale", "visible", "goal", "", "ours", "load", "enrich", "render", "CPU", "MkDocs", "rest", "index+dl",
            "pages", "start", "loadavg")
    print("".join(f"{h:>9}" for h in head))
    for res in results:
        rows, n = res["rows"], res["scale"]
        goal = GOALS.get(n)
        visible = med(rows, "visible")
        met = "" if goal is None else ("met" if visible <= goal else "NOT met")
        cells = [f"{n}×", f"{visible:.2f}", f"≤ {goal:.0f}" if goal else "–", met, f"{med(rows, 'ours'):.2f}",
                 *(f"{med(rows, 'stages', s):.2f}" for s in ("load", "enrich", "render")), f"{med(rows, 'cpu'):.2f}",
                 f"{med(rows, 'mkdocs'):.2f}", f"{med(rows, 'rest'):.2f}", f"{med(rows, 'late'):.2f}",
                 f"{med(rows, 'pages'):.0f}", f"{res['start']:.0f}", f"{med(rows, 'load'):.1f}"]
        print("".join(f"{c:>9}" for c in cells))
        print(f"{'':>9} visible each edit: " + ", ".join(f"{r['visible']:.2f}" for r in rows))
    print("ours = load + enrich + render until the changed pages are written; MkDocs = its --dirty rebuild;\n"
          "rest = debounce 0.15 s + MkDocs noticing (polls every 0.5 s, then 0.1 s quiet) + reload and page load;\n"
          "CPU = our stages' CPU seconds (wall time grows with the machine's load, CPU time much less); "
          "index+dl = search index and downloads,\nwritten after the reload; start = until `serving` (cold caches); "
          "loadavg = the 1-minute load average (2 cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = [run_scale(n, args.edits, browser) for n in args.scales]
        browser.close()
    report(results)


if __name__ == "__main__":
    main()
