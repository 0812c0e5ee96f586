"""Portals made from the seed archive, for tests/test_portal.py and bench/portal.py.

Not a test module: ``make_portal`` writes a portal folder — ``portal.yml``, the hand-written ``docs/``
and ``mkdocs.yml`` every collection's site starts from, and ``collections/<id>/`` each with its own
``source_texts/`` and ``site_config/`` (a copy of the seeds' config keeping only its documents).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from builder.render.pages import GENERATED_DIRS

from .conftest import REPO, small_config

# the seed documents, each small enough to be a county's collection of its own
ONE = ("guta-dsj", "guta-tuopin-report", "jinzhou-2012-report", "guta-2011-report")
# and with the two yearbooks (1.3 and 0.9 MB): collections of very different sizes
MIXED = (*ONE, "liaoyang-yearbook-2021", "wanghua-yearbook-2023")


def _sources(config: Path) -> dict[str, str]:
    data = yaml.safe_load((config / "sources.yml").read_text("utf-8"))
    return {s["id"]: s["file"] for s in data["sources"]}


def make_portal(dest: Path, collections: list[tuple[str, str, tuple[str, ...]]], title: str = "示例省地方志数字档案"
                ) -> Path:
    """A portal at ``dest`` of ``collections`` (id, title, the seed documents it holds); returns portal.yml."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS), dirs_exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    entries = []
    for ident, label, keep in collections:
        folder = dest / "collections" / ident
        config = small_config(folder, keep)
        (config / "permalinks.tsv").unlink(missing_ok=True)  # a new collection has published nothing yet
        texts = folder / "source_texts"
        texts.mkdir(parents=True, exist_ok=True)
        for name in sorted(set(_sources(config).values())):
            shutil.copy(REPO / "source_texts" / name, texts / name)
        entries.append({"id": ident, "title": label, "path": f"collections/{ident}"})
    path = dest / "portal.yml"
    path.write_text(yaml.safe_dump({"title": title, "collections": entries}, allow_unicode=True, sort_keys=False),
                    "utf-8")
    return path


def cycled(n: int, docs: tuple[str, ...] = ONE) -> list[tuple[str, str, tuple[str, ...]]]:
    """``n`` collections, each one seed document in turn (names made up: 第k卷宗)."""
    return [(f"c{k:03d}", f"第{k}卷宗", (docs[k % len(docs)],)) for k in range(n)]


__all__ = ["MIXED", "ONE", "cycled", "make_portal"]
