"""The offline bundle: the whole site as one zip that works from disk (file://).

Rules:

* The pages are the public site's pages, built by the same pipeline, but MkDocs
  runs with a generated config that INHERITs ``mkdocs.yml`` and only turns
  pretty URLs off (``use_directory_urls: false``), so every page is a real
  ``…/index.html`` a browser can open without a server. The public site keeps
  its pretty URLs. (Material's own offline plugin is not used: it adds a
  polyfill script from unpkg.com, and the bundle must load nothing from any host.)
* Links our templates write as raw HTML (``href="../regions/guta/"``) are not
  rewritten by MkDocs; the bundle rewrites every relative link that ends in
  ``/`` to end in ``/index.html`` (query and anchor kept).
* The zip is deterministic: entries sorted, fixed timestamps and permissions;
  ``index.html`` sits at the top of the zip (``404.html``, which only a
  web server shows and which uses absolute links, is left out); it is written to a temporary
  name and renamed, so a failed bundle never leaves a half-written zip.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from rich.console import Console

from builder.pipeline import Archive, build

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# href="…/" (relative, no scheme, not a bare anchor) with optional ?query and #anchor
_DIR_LINK = re.compile(r'(\shref=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\?)([^"?#]*/)((?:\?[^"#]*)?(?:#[^"]*)?")')


@dataclass(frozen=True)
class BundleResult:
    zip_path: Path
    files: int
    bytes: int
    archive: Archive


def offline_config(project_dir: Path, dest: Path) -> Path:
    """Write the bundle's MkDocs config (INHERITs the project's) to ``dest``; return its path."""
    project_dir = project_dir.resolve()
    data = {
        "INHERIT": str(project_dir / "mkdocs.yml"),
        "docs_dir": str(project_dir / "docs"),
        "use_directory_urls": False,
        "extra": {"offline_bundle": True},
    }
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return dest


def rewrite_directory_links(html: str) -> str:
    """``href="x/"`` → ``href="x/index.html"`` for relative links (works from file://)."""
    return _DIR_LINK.sub(lambda m: f"{m.group(1)}{m.group(2)}index.html{m.group(3)}", html)


def fix_links(site: Path) -> int:
    """Rewrite directory links in every HTML file of ``site``; return how many files changed."""
    changed = 0
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        new = rewrite_directory_links(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def write_zip(site: Path, zip_path: Path) -> tuple[int, int]:
    """Zip ``site`` deterministically (top-level index.html first); return (files, bytes)."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    files.sort(key=lambda p: (p.relative_to(site).as_posix() != "index.html", p.relative_to(site).as_posix()))
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    tmp.replace(zip_path)
    return len(files), zip_path.stat().st_size


def make_bundle(
    *,
    project_dir: Path,
    sources_dir: Path,
    config_dir: Path,
    zip_path: Path,
    console: Console | None = None,
) -> BundleResult:
    """Build the site for file:// and zip it. Raises ConfigError/BuildError like ``build``."""
    zip_path = zip_path.resolve()
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fangzhi-bundle-") as tmp_name:
        tmp = Path(tmp_name)
        config = offline_config(project_dir, tmp / "mkdocs.offline.yml")
        site = tmp / "site"
        archive = build(project_dir=project_dir, sources_dir=sources_dir, config_dir=config_dir, out_dir=site,
                        console=console, mkdocs_config=config)
        (site / "404.html").unlink(missing_ok=True)  # server-only page, with absolute links
        fix_links(site)
        files, size = write_zip(site, zip_path)
        shutil.rmtree(site, ignore_errors=True)
    return BundleResult(zip_path, files, size, archive)
