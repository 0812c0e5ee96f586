"""Two builds of the same input are byte-identical (and the parse cache changes nothing)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from builder.pipeline import CACHE_DIR, build
from builder.render.pages import GENERATED_DIRS

from .conftest import REPO


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_second_build_is_byte_identical_and_uses_the_parse_cache(built, tmp_path):
    first_archive, first_project, first_site = built
    assert first_archive.parse_stats.parsed and not first_archive.parse_stats.cached  # fresh project: no cache
    project = tmp_path / "project"  # the same hand-written input as the first build
    shutil.copytree(first_project / "docs", project / "docs", ignore=shutil.ignore_patterns(*GENERATED_DIRS))
    shutil.copy(first_project / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(first_project / CACHE_DIR, project / CACHE_DIR)  # the first build's parse cache
    archive = build(project_dir=project, sources_dir=REPO / "source_texts", config_dir=REPO / "site_config",
                    out_dir=project / "site")
    assert archive.parse_stats.cached == [s.id for s in archive.cfg.sources] and not archive.parse_stats.parsed
    a, b = _tree(first_site), _tree(project / "site")
    assert a.keys() == b.keys()
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, differ[:10]
    # the generated Markdown too
    assert _tree(first_project / "docs") == _tree(project / "docs")
