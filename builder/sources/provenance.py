"""Where each source page comes from: the raw text it links to and when it last changed.

Rules:

* The text of every source file is published under ``data/raw/`` (decoded to
  UTF-8 with LF line endings, so line numbers are the ones the pages cite and
  a browser shows it from disk); names keep their folder and end in ``.txt``
  (``a.md`` becomes ``a.md.txt`` so MkDocs copies it instead of rendering it).
* "Last changed" is the committer date (``git log -1 --format=%cs``) of the
  last commit that touched the source file, and of ``corrections.yml`` when
  the source has corrections. It depends only on the commit, so two builds of
  the same commit stay identical; outside a git checkout (or without git) the
  dates are simply left out.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from builder.config import SiteConfig

RAW_DIR = "data/raw"


@dataclass(frozen=True)
class Provenance:
    """What a source page says about its origin."""

    raw_url: str  # site-root-relative URL of the published text
    source_changed: str = ""  # YYYY-MM-DD, or "" when unknown
    corrections_changed: str = ""  # YYYY-MM-DD when the source has corrections


def raw_name(file: str) -> str:
    return file if file.endswith(".txt") else f"{file}.txt"


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
            raw_url=f"{RAW_DIR}/{raw_name(s.file)}",
            source_changed=dates[s.file],
            corrections_changed=corrections_date if s.id in corrected else "",
        )
    return out


def publish_raw_texts(texts: dict[str, str], docs_dir: Path) -> list[Path]:
    """Write each source file's text under ``docs/data/raw/``; return the paths."""
    out = []
    for file, text in sorted(texts.items()):
        path = docs_dir / RAW_DIR / raw_name(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        out.append(path)
    return out
