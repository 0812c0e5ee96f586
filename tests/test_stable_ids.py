"""Stable ids: edits change only the ids of the records they touch; retired ids get a notice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from builder.pipeline import Archive, enrich_archive, load_archive
from builder.render.permalinks import current_permalinks, load_permalinks, retired, save_permalinks, write_retired

from .conftest import REPO

SOURCE_ID = "guta-dsj"


def _setup(tmp: Path) -> tuple[Path, Path, str]:
    """A config with one chronicle, and a writable copy of its text."""
    cfg, src = tmp / "site_config", tmp / "source_texts"
    shutil.copytree(REPO / "site_config", cfg)
    data = yaml.safe_load((cfg / "sources.yml").read_text("utf-8"))
    data["sources"] = [s for s in data["sources"] if s["id"] == SOURCE_ID]
    (cfg / "sources.yml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (cfg / "corrections.yml").write_text("corrections: []\n", "utf-8")
    src.mkdir()
    name = data["sources"][0]["file"]
    shutil.copy(REPO / "source_texts" / name, src / name)
    (src / name).chmod(0o644)
    return cfg, src, name


def _archive(cfg: Path, src: Path) -> Archive:
    archive = load_archive(cfg, src)
    enrich_archive(archive)
    return archive


def _ids(archive: Archive) -> dict[str, int]:
    return {r.id: r.line for r in archive.records}


@pytest.fixture
def base(tmp_path):
    cfg, src, name = _setup(tmp_path)
    archive = _archive(cfg, src)
    events = [r for r in archive.records if r.type == "event"]
    assert len(events) > 20
    return cfg, src, name, archive, events[10]


def _edit_line(path: Path, line_no: int, edit) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text("utf-8").split("\n")
    lines[line_no - 1] = edit(lines[line_no - 1])
    path.write_text("\n".join(lines), "utf-8")


def test_editing_one_record_changes_only_its_id(base):
    cfg, src, name, before, target = base
    _edit_line(src / name, target.line, lambda t: t.rstrip() + "（编者补）")
    after = _archive(cfg, src)
    old, new = set(_ids(before)), set(_ids(after))
    assert old - new == {target.id}
    assert len(new - old) == 1
    (moved,) = new - old
    assert moved.rsplit("-", 1)[0] == target.id.rsplit("-", 1)[0]  # same source and date, new content hash


def test_a_record_inserted_before_leaves_every_other_id(base):
    cfg, src, name, before, _ = base
    first_event = min(r.line for r in before.records if r.type == "event")
    _edit_line(src / name, first_event, lambda t: "2012.1 新设立的测试机构挂牌成立。\n\n" + t)
    after = _archive(cfg, src)
    old, new = _ids(before), _ids(after)
    assert set(old) <= set(new)
    assert len(set(new) - set(old)) == 1
    assert all(new[i] == old[i] + 2 for i in old if old[i] >= first_event)  # lines moved, ids did not


def test_an_unrelated_line_leaves_every_id(base):
    cfg, src, name, before, _ = base
    text = (src / name).read_text("utf-8")
    (src / name).write_text(text + "\n\n（本文件由编者核对。）\n", "utf-8")
    after = _archive(cfg, src)
    assert set(_ids(after)) >= set(_ids(before))


def test_a_correction_changes_at_most_the_corrected_record(base):
    cfg, src, name, before, target = base
    line = (src / name).read_text("utf-8").split("\n")[target.line - 1]
    wrong = next(ch for ch in reversed(line) if "\u4e00" <= ch <= "\u9fff")
    correction = {"source": SOURCE_ID, "line": target.line, "wrong": wrong, "right": "囗",
                  "note": "test"}
    (cfg / "corrections.yml").write_text(yaml.safe_dump({"corrections": [correction]}, allow_unicode=True), "utf-8")
    after = _archive(cfg, src)
    assert set(_ids(before)) - set(_ids(after)) <= {target.id}


def test_retired_ids_are_moved_or_removed_and_published(base, tmp_path):
    cfg, src, name, before, target = base
    save_permalinks(cfg, current_permalinks(before.records, before.pages))
    published = load_permalinks(cfg)
    assert target.id in published and f"sources/{SOURCE_ID}/" in published
    # the target's text is corrected in place (id changes), another event is deleted
    victim = next(r for r in before.records if r.type == "event" and r.line > target.line + 20)
    _edit_line(src / name, target.line, lambda t: t.rstrip() + "（编者补）")
    _edit_line(src / name, victim.line, lambda t: "")
    after = _archive(cfg, src)
    gone = {r.id: r for r in retired(published, current_permalinks(after.records, after.pages))}
    new_target = next(r for r in after.records if r.line == target.line and r.type == "event")
    assert gone[target.id].moved_to == new_target.url
    assert victim.id in gone and gone[victim.id].moved_to == ""
    docs = tmp_path / "docs"
    write_retired(list(gone.values()), docs)
    js = (docs / "data" / "permalinks.js").read_text("utf-8")
    assert js.startswith("window.FZ_RETIRED=") and target.id in js and new_target.url in js
