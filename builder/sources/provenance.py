"""Where each source page comes from: the raw text it links to and when it last changed.

Rules:

* The text of every source file is published under ``data/raw/`` (decoded to
  UTF-8 with LF line endings, so line numbers are the ones the pages cite and
  a browser shows it from disk), once per document, as ``data/raw/<source id>.txt``:
  the name comes from the id (lower-case ASCII letters, digits and '-', checked
  by the config), never from the file's path, so no ``file:`` in sources.yml can
  make the build write outside ``data/raw/``; ``.txt`` so MkDocs copies it
  instead of rendering it. A file holding several documents is published whole
  under each of their ids (the pages cite the file's line numbers).
* "Last changed" is the committer date (``git log -1 --format=%cs``) of the
  last commit that touched the source file, and of ``corrections.yml`` when
  the source has corrections. It depends only on the commit, so two builds of
  the same commit stay identical; outside a git checkout (or without git) the
  dates are simply left out.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from builder.config import SiteConfig
from builder.model.document import Source

RAW_DIR = "data/raw"


@dataclass(frozen=True)
class Provenance:
    """What a source page says about its origin."""

    raw_url: str  # site-root-relative URL of the published text
    source_changed: str = ""  # YYYY-MM-DD, or "" when unknown
    corrections_changed: str = ""  # YYYY-MM-DD when the source has corrections


def raw_name(source_id: str) -> str:
    """The published raw text of a document, relative to ``data/raw/``."""
    if not source_id or not source_id.replace("-", "").isalnum() or not source_id.isascii():
        raise ValueError(f"not a source id: {source_id!r}")
    return f"{source_id}.txt"


def git_last_change(path: Path) -> str:
    """Committer date of the last commit touching ``path``; "" outside git."""
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path.name],
            cwd=path.parent, capture_output=True, text=True, check=False, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def source_date_epoch(folder: Path) -> str:
    """``SOURCE_DATE_EPOCH`` for MkDocs (sitemap dates, gzip headers): the last commit's time, else 0."""
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=folder, capture_output=True, text=True,
                              check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "0"
    stamp = proc.stdout.strip()
    return stamp if proc.returncode == 0 and stamp.isdigit() else "0"


def _in_git(folder: Path) -> bool:
    try:
        proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=folder, capture_output=True,
                              text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == "true"


def provenance(cfg: SiteConfig, sources_dir: Path, config_dir: Path) -> dict[str, Provenance]:
    """Provenance of every document, by source id."""
    src_git = _in_git(sources_dir)
    cfg_git = _in_git(config_dir)
    dates: dict[str, str] = {}
    corrected = {c.source for c in cfg.corrections}
    corrections_date = git_last_change(config_dir / "corrections.yml") if cfg_git and corrected else ""
    out = {}
    for s in cfg.sources:
        if s.file not in dates:
            dates[s.file] = git_last_change(sources_dir / s.file) if src_git else ""
        out[s.id] = Provenance(
            raw_url=f"{RAW_DIR}/{raw_name(s.id)}",
            source_changed=dates[s.file],
            corrections_changed=corrections_date if s.id in corrected else "",
        )
    return out


def publish_raw_texts(sources: Sequence[Source], texts: dict[str, str], docs_dir: Path) -> list[Path]:
    """Write each document's source text to ``docs/data/raw/<id>.txt``; return the paths."""
    folder = docs_dir / RAW_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sorted(sources, key=lambda s: s.id):
        if source.file not in texts:
            continue
        path = folder / raw_name(source.id)
        path.write_text(texts[source.file], encoding="utf-8", newline="\n")
        out.append(path)
    return out
