"""Adding a document is one text file plus one sources.yml record (docs/editorial.md's example)."""

from __future__ import annotations

import json
import shutil

from builder.pipeline import build

from .conftest import REPO, make_project, small_config

# A chronicle in a style the seed texts do not use: a year header line, full dates
# `1998年3月5日` at the start of each event, and ▲ bullets for month-only events.
NEW_TEXT = """某县大事记

1998年

1998年1月1日 全县实行新的户籍管理办法。

1998年3月5日 县第十二届人民代表大会第一次会议开幕，会期四天。

▲3月 县城自来水厂扩建工程动工。

1998年7月20日 县境遭受特大洪水，全县组织抗洪抢险。

1999年

1999年2月8日 县委召开全县经济工作会议。

▲5月 县第一中学新教学楼落成。

1999年10月1日 全县各界举行庆祝中华人民共和国成立五十周年大会。
"""

NEW_RECORD = """
  - id: example-dsj
    file: example-dashiji-1998-1999.txt
    title: 某县大事记（1998—1999）
    genre: chronicle
    region: guta
    years: [1998, 1999]
    inferred: [title]
"""


def test_one_file_and_one_record_make_a_new_source_page(tmp_path):
    sources, config = tmp_path / "source_texts", tmp_path / "site_config"
    shutil.copytree(REPO / "source_texts", sources)
    small_config(tmp_path, keep=("guta-dsj",))
    (sources / "example-dashiji-1998-1999.txt").write_text(NEW_TEXT, "utf-8")
    with (config / "sources.yml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_RECORD)
    project = make_project(tmp_path)
    archive = build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=project / "site")
    site = project / "site"

    events = [r for r in archive.records if r.source_id == "example-dsj" and r.type == "event"]
    assert [(r.date, r.precision) for r in events] == [
        ("1998-01-01", "day"), ("1998-03-05", "day"), ("1998-03", "month"), ("1998-07-20", "day"),
        ("1999-02-08", "day"), ("1999-05", "month"), ("1999-10-01", "day"),
    ]
    page = (site / "sources" / "example-dsj" / "index.html").read_text("utf-8")
    assert "某县大事记（1998—1999）" in page
    for r in events:
        assert f'id="{r.id}"' in page
    assert 'href="../../data/raw/example-dsj.txt"' in page
    assert (site / "data" / "raw" / "example-dsj.txt").read_text("utf-8-sig") == NEW_TEXT  # after a BOM
    year = (site / "years" / "1998" / "index.html").read_text("utf-8")
    assert "县第十二届人民代表大会第一次会议开幕" in year and events[1].id in year
    assert "县第一中学新教学楼落成" in (site / "years" / "1999" / "index.html").read_text("utf-8")
    exported = json.loads((site / "data" / "events.json").read_text("utf-8"))
    assert sum(1 for r in exported if r["source"] == "example-dsj") == 7
    assert "某县大事记（1998—1999）" in (site / "sources" / "index.html").read_text("utf-8")
