"""Atomic output: a failed build leaves the previous site/ untouched and says why."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from builder.config import ConfigError
from builder.pipeline import BuildError, build

from .conftest import REPO, small_config


def _fingerprint(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def previous(built, tmp_path):
    """A project whose site/ holds a complete earlier build."""
    _, project, _ = built
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".fangzhi-cache"))
    return copy, _fingerprint(copy / "site")


def _config_copy(tmp_path: Path) -> Path:
    cfg = tmp_path / "site_config"
    shutil.copytree(REPO / "site_config", cfg)
    return cfg


def _build(project: Path, config: Path, sources: Path = REPO / "source_texts") -> None:
    build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=project / "site", cache=False)


def test_bad_yaml_stops_the_build_and_keeps_the_site(previous, tmp_path):
    project, before = previous
    cfg = _config_copy(tmp_path)
    text = (cfg / "sources.yml").read_text("utf-8")
    (cfg / "sources.yml").write_text(text.replace("    genre: chronicle", "    genre: [chronicle", 1), "utf-8")
    with pytest.raises(ConfigError, match=r"sources\.yml:\d+: invalid YAML"):
        _build(project, cfg)
    assert _fingerprint(project / "site") == before
    assert not (project / "site.building").exists()


def test_unreadable_source_stops_the_build_and_keeps_the_site(previous, tmp_path):
    project, before = previous
    sources = tmp_path / "source_texts"
    shutil.copytree(REPO / "source_texts", sources)
    target = sources / "guta-dashiji-2012-2021.txt"
    target.chmod(0o644)
    target.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    with pytest.raises(ConfigError, match="guta-dashiji-2012-2021.txt: looks like a binary file"):
        _build(project, REPO / "site_config", sources)
    assert _fingerprint(project / "site") == before


def test_document_outside_its_file_stops_the_build(previous, tmp_path):
    project, before = previous
    cfg = _config_copy(tmp_path)
    text = (cfg / "sources.yml").read_text("utf-8")
    (cfg / "sources.yml").write_text(text.replace("lines: [234, 280]", "lines: [234, 99999]", 1), "utf-8")
    with pytest.raises(ConfigError, match=r"sources\.yml:\d+: .* exceed the \d+ lines of"):
        _build(project, cfg)
    assert _fingerprint(project / "site") == before


def test_mkdocs_failure_keeps_the_site_and_names_the_problem(previous, tmp_path):
    project, before = previous
    (project / "docs" / "about.md").write_text("# 关于\n\n[断链](no-such-page.md)\n", "utf-8")
    with pytest.raises(BuildError, match="no-such-page.md") as exc:
        _build(project, small_config(tmp_path))
    assert "previous site is untouched" in str(exc.value)
    assert _fingerprint(project / "site") == before
    assert not (project / "site.building").exists()


def test_cli_says_why(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from builder.cli import main

    cfg = _config_copy(tmp_path)
    (cfg / "regions.yml").write_text("regions: [\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--config", str(cfg), "--sources", str(REPO / "source_texts")])
    assert result.exit_code == 2
    assert "regions.yml" in result.output and "invalid YAML" in result.output
