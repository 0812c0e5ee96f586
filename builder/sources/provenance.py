"""Where each source page comes from: the raw text it links to and when it last changed.

Rules:

* The text of every source file is published under ``data/raw/`` (decoded to
  UTF-8 with LF line endings, so line numbers are the ones the pages cite and
  a browser shows it from disk), with a byte order mark first (see ``UTF8_BOM``), once per document, as ``data/raw/<source id>.txt``:
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
# A byte order mark first: browsers read a text file with one as UTF-8 whatever the server says or
# does not say (``fangzhi serve``, ``python -m http.server`` and others send text/plain with no charset)
# and from file://, where there is no header at all; editors and Python's utf-8-sig drop it.
UTF8_BOM = "\ufeff"


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
    return git_last_changes(path.parent, [path.name]).get(path.name, "")


def git_last_changes(folder: Path, names: Sequence[str]) -> dict[str, str]:
    """Committer date of the last commit touching each of ``names`` (paths relative to
    ``folder``), from one ``git log`` however many files there are; a file git does not
    know is left out, and so is everything outside git."""
    if not names:
        return {}
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--format=%x00%cs", "--name-only", "--relative", "--",
             *names],
            cwd=folder, capture_output=True, text=True, check=False, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if proc.returncode != 0:
        return {}
    wanted, dates = set(names), {}
    for commit in proc.stdout.split("\0")[1:]:  # newest first: a file's first date is its last change
        day, *files = commit.split("\n")
        for name in files:
            if name in wanted and name not in dates:
                dates[name] = day
        if len(dates) == len(wanted):
            break
    return dates


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
    corrected = {c.source for c in cfg.corrections}
    corrections_date = git_last_change(config_dir / "corrections.yml") if corrected and _in_git(config_dir) else ""
    # one git process for every source file (this runs on each of fangzhi serve's rounds too)
    dates = git_last_changes(sources_dir, sorted({s.file for s in cfg.sources})) if _in_git(sources_dir) else {}
    out = {}
    for s in cfg.sources:
        out[s.id] = Provenance(
            raw_url=f"{RAW_DIR}/{raw_name(s.id)}",
            source_changed=dates.get(s.file, ""),
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
        path.write_text(UTF8_BOM + texts[source.file], encoding="utf-8", newline="\n")
        out.append(path)
    return out
