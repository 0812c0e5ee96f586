"""Hostile ``file:`` values in site_config/sources.yml and hostile files in source_texts/.

Classes of input covered:

* a relative path climbing out with ``..`` (``../../etc/passwd``);
* an absolute path (once read and then rewritten in place by the raw-text copy);
* a symbolic link in source_texts/ leading outside it (followed and published before);
  a link that stays inside is still accepted;
* a FIFO, a folder and control characters given as the source file (a read that would
  block, a non-file, a name no file system path should have);
* the published raw copies: named ``data/raw/<source id>.txt`` whatever the path, and
  every source page's raw link leads to a published file.

Each error is one ``fangzhi: error: …/sources.yml:<line>: …`` line from the command,
and nothing outside the output and cache folders is written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.config import ConfigError, load_config
from builder.pipeline import load_archive
from builder.sources.provenance import RAW_DIR, provenance, publish_raw_texts, raw_name

from .conftest import REPO, small_config

TUOPIN = "file: guta-tuopin-gongjian-huibao-2017.txt"


def _project(tmp_path: Path, file_value: str) -> tuple[Path, Path, int]:
    """A config and sources folder (nested, so '..' has somewhere to go) whose second
    document's ``file:`` is ``file_value``; the line of that ``file:`` in sources.yml (errors
    about a field name its own line)."""
    root = tmp_path / "a" / "b"
    cfg = small_config(root)
    sources = root / "source_texts"
    sources.mkdir()
    for name in ("guta-dashiji-2012-2021.txt", "guta-tuopin-gongjian-huibao-2017.txt"):
        shutil.copy(REPO / "source_texts" / name, sources / name)
    text = (cfg / "sources.yml").read_text("utf-8")
    assert TUOPIN in text
    (cfg / "sources.yml").write_text(text.replace(TUOPIN, f"file: {json.dumps(file_value)}"), "utf-8")
    return cfg, sources, next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == TUOPIN)


def _record(cfg: Path) -> int:
    """The line of that document's record (what errors found when its file is read name)."""
    lines = (cfg / "sources.yml").read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == "- id: guta-tuopin-report")


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file outside the cache folder (where the build lock lives), with its time and size."""
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*")
            if p.is_file() and ".fangzhi-cache" not in p.parts}


def _cli(cfg: Path, sources: Path, cwd: Path) -> tuple[int, str]:
    cwd.mkdir(parents=True, exist_ok=True)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["build", "--config", str(cfg), "--sources", str(sources)])
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def _one_error_line(output: str, cfg: Path, line: int, pattern: str) -> None:
    lines = [ln for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("fangzhi: error: ")]
    assert len(errors) == 1, output
    assert "Traceback" not in output
    assert errors[0].startswith(f"fangzhi: error: {cfg / 'sources.yml'}:{line}: "), errors[0]
    assert re.search(pattern, errors[0]), errors[0]


@pytest.mark.parametrize("value", ["../../../../../../../../etc/passwd", "../b/source_texts/../../x.txt",
                                   "sub/../../guta-dashiji-2012-2021.txt", ".."])
def test_dot_dot_is_refused_with_file_and_line(tmp_path, value):
    cfg, _, line = _project(tmp_path, value)
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: 'file' must stay inside the sources folder"):
        load_config(cfg)


def test_dot_dot_from_the_command_writes_nothing_and_says_one_line(tmp_path):
    cfg, sources, line = _project(tmp_path, "../../../etc/passwd")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:secret\n", "utf-8")
    before = _snapshot(tmp_path)
    code, output = _cli(cfg, sources, tmp_path / "a" / "b" / "project")
    assert code == 2
    _one_error_line(output, cfg, line, "'..' is not allowed")
    after = _snapshot(tmp_path)
    assert after == before  # no raw copy, no site, nothing anywhere
    assert not list(tmp_path.rglob("passwd.txt"))


def test_absolute_path_is_refused_and_the_file_left_alone(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("2012年1月1日 测试事件。\n", "utf-8")
    stamp = outside.stat().st_mtime_ns
    cfg, sources, line = _project(tmp_path, str(outside))
    code, output = _cli(cfg, sources, tmp_path / "a" / "b" / "project")
    assert code == 2
    _one_error_line(output, cfg, line, "not an absolute path")
    assert outside.stat().st_mtime_ns == stamp and outside.read_text("utf-8") == "2012年1月1日 测试事件。\n"


def test_symlink_leading_outside_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密：不应发布。\n" * 20, "utf-8")
    cfg, sources, _ = _project(tmp_path, "evil.txt")
    line = _record(cfg)  # found when the file is read: the record's line
    (sources / "evil.txt").symlink_to(secret)
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: source file 'evil.txt' of 'guta-tuopin-report' "
                                          "leads outside the sources folder"):
        load_archive(cfg, sources)
    code, output = _cli(cfg, sources, tmp_path / "a" / "b" / "project")
    assert code == 2
    _one_error_line(output, cfg, line, "leads outside the sources folder")
    assert not list((tmp_path / "a" / "b" / "project").rglob("evil.txt"))


def test_symlinked_folder_leading_outside_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(REPO / "source_texts" / "guta-tuopin-gongjian-huibao-2017.txt", elsewhere / "t.txt")
    cfg, sources, _ = _project(tmp_path, "linked/t.txt")
    line = _record(cfg)  # found when the file is read: the record's line
    (sources / "linked").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: .*leads outside the sources folder"):
        load_archive(cfg, sources)


def test_symlink_staying_inside_is_read(tmp_path):
    cfg, sources, _ = _project(tmp_path, "sub/alias.txt")
    (sources / "sub").mkdir()
    (sources / "sub" / "alias.txt").symlink_to("../guta-tuopin-gongjian-huibao-2017.txt")
    archive = load_archive(cfg, sources)
    real = (sources / "guta-tuopin-gongjian-huibao-2017.txt").read_text("utf-8")
    assert archive.texts["sub/alias.txt"] == real.lstrip("\ufeff").replace("\r\n", "\n")
    assert [d.source.id for d in archive.documents] == ["guta-dsj", "guta-tuopin-report"]


def test_fifo_folder_and_control_characters_are_refused(tmp_path):
    cfg, sources, _ = _project(tmp_path, "pipe.txt")
    line = _record(cfg)  # found when the file is read: the record's line
    os.mkfifo(sources / "pipe.txt")  # reading it would block the build forever
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: .*not a regular file"):
        load_archive(cfg, sources)
    cfg, sources, _ = _project(tmp_path / "2", "folder")
    line = _record(cfg)  # found when the file is read: the record's line
    (sources / "folder").mkdir()
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: .*not a regular file"):
        load_archive(cfg, sources)
    cfg, sources, line = _project(tmp_path / "3", "a\x00b.txt")
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: 'file' contains a control character"):
        load_config(cfg)
    cfg, sources, line = _project(tmp_path / "4", "")
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: 'file' must not be empty"):
        load_config(cfg)


def test_missing_file_names_its_record(tmp_path):
    cfg, sources, _ = _project(tmp_path, "no-such.txt")
    line = _record(cfg)  # found when the file is read: the record's line
    with pytest.raises(ConfigError, match=rf"sources\.yml:{line}: .*no-such.txt: source file of "
                                          "'guta-tuopin-report' not found"):
        load_archive(cfg, sources)


def test_raw_copies_are_named_after_the_source_id(tmp_path):
    """A file in a sub-folder, with an odd name, shared by two documents: each raw copy is
    ``data/raw/<id>.txt`` and provenance links to exactly that."""
    cfg, sources, _ = _project(tmp_path, "deep/er/名字 with spaces.md")
    (sources / "deep" / "er").mkdir(parents=True)
    shutil.move(sources / "guta-tuopin-gongjian-huibao-2017.txt", sources / "deep" / "er" / "名字 with spaces.md")
    archive = load_archive(cfg, sources)
    docs = tmp_path / "docs"
    written = publish_raw_texts(archive.cfg.sources, archive.texts, docs)
    assert sorted(p.name for p in written) == ["guta-dsj.txt", "guta-tuopin-report.txt"]
    assert all(p.parent == docs / RAW_DIR for p in written)
    prov = provenance(archive.cfg, sources, cfg)
    for source in archive.cfg.sources:
        assert prov[source.id].raw_url == f"{RAW_DIR}/{source.id}.txt"
        assert (docs / prov[source.id].raw_url).read_text("utf-8-sig") == archive.texts[source.file]
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()) == sorted(
        f"{RAW_DIR}/{s.id}.txt" for s in archive.cfg.sources)
    with pytest.raises(ValueError):
        raw_name("../etc/passwd")


def test_every_source_page_links_to_its_published_raw_text(built):
    archive, _, site = built
    for source in archive.cfg.sources:
        page = (site / "sources" / source.id / "index.html").read_text("utf-8")
        hrefs = re.findall(r'class="fz-raw" href="([^"]+)"', page)
        assert hrefs == [f"../../data/raw/{source.id}.txt"], source.id
        assert (site / "data" / "raw" / f"{source.id}.txt").is_file()
    # nothing else is published there (no name taken from a path)
    assert sorted(p.name for p in (site / "data" / "raw").iterdir()) == sorted(
        f"{s.id}.txt" for s in archive.cfg.sources)
