"""The archive at N× its size, for benchmarks: ``make_scaled_corpus(n, dest)``.

Copy k (2..n) of every source text goes to ``source_texts/x<k>/`` and gets a
sources.yml record with a new id (``<id>-x<k>``), so every record, page and
anchor is new; each copy is about another region of the gazetteer (taken in
turn) so facets grow too. Copy 1 is the corpus as it is. Generated
permalink tables are dropped (they belong to the real archive).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent



class _PlainDumper(yaml.SafeDumper):
    """Every value written out: site_config refuses YAML anchors and aliases (a copy shares lists)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def make_scaled_corpus(n: int, dest: Path) -> tuple[Path, Path]:
    """Write the n× corpus under ``dest``; return (sources_dir, config_dir)."""
    sources_dir, config_dir = dest / "source_texts", dest / "site_config"
    shutil.copytree(REPO / "source_texts", sources_dir)
    shutil.copytree(REPO / "site_config", config_dir)
    sources = yaml.safe_load((config_dir / "sources.yml").read_text("utf-8"))
    regions = [g["id"] for g in yaml.safe_load((config_dir / "regions.yml").read_text("utf-8"))["regions"]]
    originals = list(sources["sources"])
    texts = sorted({s["file"] for s in originals})
    for k in range(2, n + 1):
        for name in texts:
            target = sources_dir / f"x{k}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "source_texts" / name, target)
        for j, s in enumerate(originals):
            sources["sources"].append({**s, "id": f"{s['id']}-x{k}", "file": f"x{k}/{s['file']}",
                                       "region": regions[(k * len(originals) + j) % len(regions)],
                                       "title": f"{s['title']}（{k}）"})
    (config_dir / "sources.yml").write_text(yaml.dump(sources, Dumper=_PlainDumper, allow_unicode=True,
                                                      sort_keys=False), "utf-8")
    for generated in config_dir.glob("permalinks.tsv"):
        generated.unlink()
    return sources_dir, config_dir
