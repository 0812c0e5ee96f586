"""Build speed and size at 1×, 10× and 30× the corpus (figures, not a test).

    python bench/bench.py                 # scales 1 10 30
    python bench/bench.py --scales 1 10   # a quicker run

Each scale runs in its own process (so peak RSS is that scale's) and prints,
per stage (load, normalise, parse, enrich, render, index, downloads, mkdocs),
the seconds and the peak RSS so far; then pages, total and median page HTML
bytes (and per kind of page), the search index bytes, and — measured in the same run — a plain
``mkdocs build`` of the same generated Markdown without our stages, with
the ratios the targets are stated in. Finally it rebuilds after a one-line
correction to one source (caches warm, MkDocs included) and prints the
time, the share of our stages in it, and what was re-parsed.

The parse workers cut each document's lines themselves, so the ``normalise``
stage row is only the main process' share (building the jobs); "normalise Σ"
and "parse Σ" are the seconds the workers spent on each, summed over
documents (two workers: about twice the wall time).

The index and downloads stages run while MkDocs builds the pages
(builder/pipeline.py, builder/publish/site.py), so stage times overlap: "ours" is the
build's wall time minus MkDocs' own, i.e. the time the build spends in our stages beyond
what MkDocs needs anyway. MkDocs' process starts once the pages are written, so "mkdocs"
counts from then to its exit, start-up included; "plain" is a whole ``mkdocs build``
process of the same pages, and "total / plain" compares the two builds as a user waits
for them.

The N× corpus comes from bench/scale.py ``make_scaled_corpus``: every
source copied N times with new document ids, each copy about another region
of the gazetteer, so the archive grows the way a real one does.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scale import make_scaled_corpus
from builder.pipeline import build
from builder.render.pages import GENERATED_DIRS

PARSE = ("load", "normalise", "parse")
TARGETS = {"ours_share": 0.25, "linear_30x": 33.0, "rss_mb_30x": 2048, "median_kb": 60}


@dataclass
class ScaleResult:
    scale: int
    stages: list[dict] = field(default_factory=list)
    pages: int = 0
    total_bytes: int = 0
    median_bytes: int = 0
    max_bytes: int = 0
    kinds: dict[str, list[int]] = field(default_factory=dict)  # top folder → [pages, median bytes, largest]
    index_bytes: int = 0
    worker_normalise_s: float = 0.0  # summed over documents, in the parse workers
    worker_parse_s: float = 0.0
    ours_s: float = 0.0
    mkdocs_s: float = 0.0
    plain_s: float = 0.0
    plain_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    rebuild_s: float = 0.0
    rebuild_parsed: list[str] = field(default_factory=list)
    rebuild_cached: int = 0
    rebuild_stages: list[dict] = field(default_factory=list)
    rebuild_wall_s: float = 0.0  # the whole rebuild, MkDocs included
    rebuild_mkdocs_s: float = 0.0


def _project(dest: Path) -> Path:
    project = dest / "project"
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    return project


def _plain_mkdocs(project: Path, out: Path) -> tuple[float, float]:
    """Plain ``mkdocs build`` of the Markdown already in docs/ (no stages of ours); (seconds, peak MiB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c",
         ("import resource,subprocess,sys;"
          "subprocess.run([sys.executable,'-m','mkdocs','build','-q','-f',sys.argv[1],'-d',sys.argv[2]],check=True);"
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"),
         str(project / "mkdocs.yml"), str(out)],
        cwd=project, check=True, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return time.perf_counter() - start, int(proc.stdout.split()[-1]) / 1024


def _one_line_correction(sources_dir: Path, config_dir: Path) -> str:
    first = yaml.safe_load((config_dir / "sources.yml").read_text("utf-8"))["sources"][0]
    path = sources_dir / first["file"]
    path.chmod(0o644)
    lines = path.read_text("utf-8").split("\n")
    i = next(i for i, ln in enumerate(lines) if len(ln.strip()) > 20)
    lines[i] = lines[i].rstrip() + "（订正）"
    path.write_text("\n".join(lines), "utf-8")
    return first["id"]


def run_scale(n: int) -> ScaleResult:
    with tempfile.TemporaryDirectory(prefix=f"fangzhi-bench-{n}x-") as tmp_name:
        tmp = Path(tmp_name)
        sources_dir, config_dir = make_scaled_corpus(n, tmp / "corpus")
        project = _project(tmp)
        site = project / "site"
        archive = build(project_dir=project, sources_dir=sources_dir, config_dir=config_dir, out_dir=site)
        res = ScaleResult(n, [asdict(t) for t in archive.timings])
        # the index is written while MkDocs runs: ours = the build's wall time not spent waiting for MkDocs
        res.mkdocs_s = sum(t.seconds for t in archive.timings if t.stage == "mkdocs")
        res.ours_s = archive.wall_seconds - res.mkdocs_s
        res.peak_rss_mb = max(t.peak_rss_mb for t in archive.timings)
        res.worker_normalise_s = archive.parse_stats.normalise_seconds
        res.worker_parse_s = archive.parse_stats.parse_seconds
        by_kind: dict[str, list[int]] = {}
        for p in site.rglob("*.html"):
            rel = p.relative_to(site).parts
            by_kind.setdefault(rel[0] if len(rel) > 1 else "(top)", []).append(p.stat().st_size)
        res.kinds = {k: [len(v), int(statistics.median(v)), max(v)] for k, v in sorted(by_kind.items())}
        sizes = [size for v in by_kind.values() for size in v]
        res.pages, res.total_bytes = len(sizes), sum(sizes)
        res.median_bytes, res.max_bytes = int(statistics.median(sizes)), max(sizes)
        index_files = [p for p in (site / "search").rglob("*") if p.is_file() and p.suffix != ".html"]
        index_files += [p for p in (site / "data").rglob("*") if p.is_file() and ("index" in p.name or p.name == "records.js"
                                                                                 or "search" in p.parts)]
        res.index_bytes = sum(p.stat().st_size for p in set(index_files))
        res.plain_s, res.plain_rss_mb = _plain_mkdocs(project, tmp / "plain")
        del archive  # the rebuild's peak RSS is one build's, not two held at once
        gc.collect()
        # a one-line correction, rebuilt with warm caches, MkDocs included
        _one_line_correction(sources_dir, config_dir)
        again = build(project_dir=project, sources_dir=sources_dir, config_dir=config_dir, out_dir=site)
        res.rebuild_s = sum(t.seconds for t in again.timings if t.stage not in ("index", "mkdocs"))
        res.rebuild_wall_s = again.wall_seconds
        res.rebuild_mkdocs_s = sum(t.seconds for t in again.timings if t.stage == "mkdocs")
        res.rebuild_parsed, res.rebuild_cached = again.parse_stats.parsed, len(again.parse_stats.cached)
        res.rebuild_stages = [asdict(t) for t in again.timings]
        res.peak_rss_mb = max(res.peak_rss_mb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return res


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def report(results: list[ScaleResult]) -> None:
    print("\n== per stage: seconds (peak RSS MiB so far; mkdocs = the MkDocs process)")
    stages = [s["stage"] for s in results[0].stages]
    print(f"{'stage':<10}" + "".join(f"{f'{r.scale}×':>22}" for r in results))
    for i, name in enumerate(stages):
        cells = "".join(f"{r.stages[i]['seconds']:>12.2f} s ({r.stages[i]['peak_rss_mb']:>5.0f})" for r in results)
        print(f"{name:<10}{cells}")
    rows = [
        ("normalise Σ s", lambda r: f"{r.worker_normalise_s:.2f}"),  # in the parse workers, summed over documents
        ("parse Σ s", lambda r: f"{r.worker_parse_s:.2f}"),
        ("pages (HTML)", lambda r: f"{r.pages}"),
        ("total HTML MB", lambda r: f"{r.total_bytes / 1e6:.1f}"),
        ("median page KB", lambda r: f"{r.median_bytes / 1e3:.1f}"),
        ("largest page KB", lambda r: f"{r.max_bytes / 1e3:.0f}"),
        ("index MB", lambda r: f"{r.index_bytes / 1e6:.2f}"),
        ("ours s", lambda r: f"{r.ours_s:.1f}"),
        ("mkdocs s", lambda r: f"{r.mkdocs_s:.1f}"),
        ("total s", lambda r: f"{r.ours_s + r.mkdocs_s:.1f}"),
        ("plain mkdocs s", lambda r: f"{r.plain_s:.1f}"),
        ("ours / total", lambda r: f"{r.ours_s / (r.ours_s + r.mkdocs_s):.0%}"),
        ("total / plain", lambda r: f"{(r.ours_s + r.mkdocs_s) / r.plain_s:.2f}"),
        ("peak RSS MiB", lambda r: f"{max(r.peak_rss_mb, r.stages[-1]['peak_rss_mb']):.0f}"),
        ("plain RSS MiB", lambda r: f"{r.plain_rss_mb:.0f}"),
        ("1-line fix s", lambda r: f"{r.rebuild_s:.1f}"),  # our stages before MkDocs starts
        ("  rebuild s", lambda r: f"{r.rebuild_wall_s:.1f}"),  # the whole rebuild, MkDocs included
        ("  ours / total", lambda r: f"{_share(r.rebuild_wall_s - r.rebuild_mkdocs_s, r.rebuild_wall_s)}"),
        ("  re-parsed", lambda r: f"{len(r.rebuild_parsed)}/{len(r.rebuild_parsed) + r.rebuild_cached}"),
        ("  load+parse s", lambda r: f"{sum(t['seconds'] for t in r.rebuild_stages if t['stage'] in PARSE):.2f}"),
        ("  cold l+p s", lambda r: f"{sum(t['seconds'] for t in r.stages if t['stage'] in PARSE):.2f}"),
    ]
    print("\n== page HTML by kind (top folder): pages, median KB, largest KB")
    kinds = sorted({k for r in results for k, v in r.kinds.items() if v[0] >= 10},
                   key=lambda k: -results[-1].kinds.get(k, [0])[0])
    print(f"{'kind':<16}" + "".join(f"{f'{r.scale}×':>22}" for r in results))
    for kind in kinds:
        cells = "".join(f"{n:>7} {med / 1e3:>6.1f} {top / 1e3:>6.0f}  " for n, med, top in
                        (r.kinds.get(kind, [0, 0, 0]) for r in results))
        print(f"{kind:<16}" + cells)
    print("\n== totals")
    print(f"{'':<16}" + "".join(f"{f'{r.scale}×':>12}" for r in results))
    for label, fn in rows:
        print(f"{label:<16}" + "".join(f"{fn(r):>12}" for r in results))
    base = results[0]
    print("\n== targets")
    for r in results:
        total = r.ours_s + r.mkdocs_s
        share = r.ours_s / total
        warm = (r.rebuild_wall_s - r.rebuild_mkdocs_s) / r.rebuild_wall_s if r.rebuild_wall_s else 1.0
        line = (f"{r.scale:>3}×: ours {share:.0%} of a first build, {warm:.0%} of a rebuild (≤ {TARGETS['ours_share']:.0%}: "
                f"{'met' if share <= TARGETS['ours_share'] else 'NOT met'} / {'met' if warm <= TARGETS['ours_share'] else 'NOT met'})")
        line += f"; median page {r.median_bytes / 1e3:.1f} KB (≤ {TARGETS['median_kb']} KB: {'met' if r.median_bytes <= TARGETS['median_kb'] * 1e3 else 'NOT met'})"
        if r is not base:
            growth = total / (base.ours_s + base.mkdocs_s)
            line += f"; time {growth:.1f}× the {base.scale}× build for {r.scale / base.scale:.0f}× the corpus"
        if r.scale == 30:
            line += f"; linear (≤ {TARGETS['linear_30x']:.0f}×): {'met' if growth <= TARGETS['linear_30x'] else 'NOT met'}"
            rss = max(r.peak_rss_mb, r.stages[-1]["peak_rss_mb"])
            line += f"; peak RSS {rss:.0f} MiB (≤ 2 GB: {'met' if rss <= TARGETS['rss_mb_30x'] else 'NOT met'})"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asdict(run_scale(args.one))))
        return
    results = []
    for n in args.scales:
        print(f"building {n}× …", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True)
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(ScaleResult(**data))
    report(results)


if __name__ == "__main__":
    main()
