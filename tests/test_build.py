"""End-to-end: the real pipeline and the real `mkdocs build --strict`."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from builder.config import ConfigError
from builder.pipeline import BuildError, build, require_jieba

from .conftest import REPO, make_project

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


def _page_html(site: Path, url: str) -> str:
    page = url.split("#", 1)[0]
    return (site / page / "index.html").read_text("utf-8")


def test_every_source_document_has_a_reading_page(built):
    archive, _, site = built
    assert len(archive.documents) == 6  # five files, one of which holds two reports
    for doc in archive.documents:
        assert (site / "sources" / doc.source.id / "index.html").is_file()
    index = (site / "sources" / "index.html").read_text("utf-8")
    assert "古塔区大事记" in index and "望花年鉴" in index and "辽阳年鉴" in index


def test_counts_per_source(built):
    archive, _, _ = built
    events = {d.source.id: len(d.events()) for d in archive.documents}
    entries = {d.source.id: len(d.entries()) for d in archive.documents}
    assert events["guta-dsj"] == 138
    assert events["liaoyang-yearbook-2021"] == 345
    assert events["wanghua-yearbook-2023"] == 64
    assert entries["liaoyang-yearbook-2021"] == 976
    assert entries["wanghua-yearbook-2023"] == 547


def test_data_files_have_one_record_per_event_and_entry(built):
    archive, _, site = built
    events = json.loads((site / "data" / "events.json").read_text("utf-8"))
    entries = json.loads((site / "data" / "entries.json").read_text("utf-8"))
    assert len(events) == sum(len(d.events()) for d in archive.documents)
    assert len(entries) == sum(len(d.entries()) for d in archive.documents)
    assert (site / "data" / "events.csv").read_text("utf-8").count("\n") > len(events)
    for rec in events + entries:
        for key in ("id", "source", "date", "precision", "text", "regions", "topics", "url", "line"):
            assert key in rec
        assert rec["text"].strip()
        assert rec["regions"]
    ids = [r["id"] for r in events + entries]
    assert len(ids) == len(set(ids))
    for rec in events:
        assert ISO.match(rec["date"]), rec
    guta = [e for e in events if e["source"] == "guta-dsj"]
    first = guta[0]
    assert first["date"] == "2012-03" and first["precision"] == "month" and first["line"] == 6
    ranged = next(e for e in guta if e["date"].startswith("2012-12-24"))
    assert ranged["date"] == "2012-12-24/2012-12-27"


def test_record_lines_point_at_the_source_text(built):
    archive, _, site = built
    events = json.loads((site / "data" / "events.json").read_text("utf-8"))
    files = {s.id: (REPO / "source_texts" / s.file).read_text("utf-8").split("\n") for s in archive.cfg.sources}
    for rec in events[::7]:
        line = re.sub(r"\s", "", files[rec["source"]][rec["line"] - 1])
        text = re.sub(r"\s", "", rec["text"])
        assert text[:2] in line, (rec["id"], line, text[:10])


def test_every_record_anchor_exists_on_its_page(built):
    _, _, site = built
    cache: dict[str, str] = {}
    for name in ("events", "entries", "sections"):
        for rec in json.loads((site / "data" / f"{name}.json").read_text("utf-8")):
            page, anchor = rec["url"].split("#")
            if page not in cache:
                cache[page] = _page_html(site, page)
            assert f'id="{anchor}"' in cache[page], rec["url"]


def test_year_pages_list_events_in_date_order_with_links(built):
    _, _, site = built
    more = sorted((site / "years" / "2020").glob("p*/index.html"), key=lambda p: int(p.parent.name[1:]))
    pages = [site / "years" / "2020" / "index.html", *more]
    assert len(pages) >= 2  # long listings are paginated so no page grows with the archive
    html = "".join(p.read_text("utf-8") for p in pages)
    dates = re.findall(r'fz-listed" data-date="([^"]+)"', html)
    assert len(dates) > 345
    keys = [d.split("/")[0] for d in dates]
    month_keys = [k[:7] for k in keys if len(k) >= 7 and k.startswith("2020")]
    assert month_keys == sorted(month_keys)
    assert "../../sources/liaoyang-yearbook-2021/" in html
    # a range entry is attached to every year it spans
    for year in (2012, 2013, 2014, 2015):
        assert "住建局共完成房地产项目11项" in (site / "years" / str(year) / "index.html").read_text("utf-8")


def test_region_and_topic_pages(built):
    _, _, site = built
    assert "古塔区" in (site / "regions" / "guta" / "index.html").read_text("utf-8")
    assert (site / "regions" / "wanghua" / "index.html").is_file()
    assert (site / "topics" / "renda" / "index.html").is_file()


def test_nav_stays_small(built):
    _, _, site = built
    html = (site / "index.html").read_text("utf-8")
    nav = html.split('class="md-tabs__list"', 1)[1].split("</ul>", 1)[0]
    assert nav.count("<li") <= 10
    big = (site / "sources" / "guta-dsj" / "index.html").read_text("utf-8")
    assert big.count("md-nav__item") < 80


def test_hostile_text_is_shown_literally(tmp_path: Path):
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "x.txt").write_text(
        "大事记\n\n2001 年\n\n2001.3.5 <script>alert(1)</script> 召开 [x](y) 会议 $a$ | # 标题\n\n"
        "2001.4 *强调* 工作。\n", encoding="utf-8")
    config = tmp_path / "cfg"
    config.mkdir()
    for name in ("regions.yml", "divisions.csv", "topics.yml"):
        (config / name).write_text((REPO / "site_config" / name).read_text("utf-8"), encoding="utf-8")
    (config / "sources.yml").write_text(
        "sources:\n  - {id: x-dsj, file: x.txt, title: 测试大事记, genre: chronicle, region: guta, years: [2001]}\n",
        encoding="utf-8")
    project = make_project(tmp_path)
    build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=project / "site")
    html = (project / "site" / "sources" / "x-dsj" / "index.html").read_text("utf-8")
    shown = unescape(html)  # the text a reader sees (Markdown's syntax is written as character references)
    assert "<script>alert(1)</script>" in shown and "&lt;script&gt;alert" in html
    assert "<script>alert(1)" not in html
    assert "[x](y)" in shown and "*强调*" in shown and "<em>强调</em>" not in html


def test_broken_yaml_names_file_and_line(tmp_path: Path):
    config = tmp_path / "cfg"
    config.mkdir()
    for name in ("regions.yml", "divisions.csv", "topics.yml"):
        (config / name).write_text((REPO / "site_config" / name).read_text("utf-8"), encoding="utf-8")
    (config / "sources.yml").write_text("sources:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\.yml:\d+: invalid YAML"):
        build(project_dir=make_project(tmp_path), sources_dir=REPO / "source_texts", config_dir=config,
              out_dir=tmp_path / "site")


def test_missing_jieba_stops_the_build(monkeypatch: pytest.MonkeyPatch):
    import sys

    monkeypatch.setitem(sys.modules, "jieba", None)
    with pytest.raises(BuildError, match="jieba is not installed"):
        require_jieba()


def test_pager_shows_a_window_of_page_numbers():
    from builder.render.pages import Pager

    assert Pager("t", 1, 3).window() == [1, 2, 3]
    assert Pager("t", 1, 40).window() == [1, 2, 3, None, 39, 40]
    assert Pager("t", 20, 40).window() == [1, 2, None, 18, 19, 20, 21, 22, None, 39, 40]
    assert Pager("t", 5, 40).window() == [1, 2, 3, 4, 5, 6, 7, None, 39, 40]
    # the number of links does not grow with the listing
    assert len(Pager("t", 500, 1000).window()) == len(Pager("t", 50, 100).window())


def test_pager_links_previous_and_next(built):
    _, _, site = built
    second = (site / "years" / "2020" / "p2" / "index.html").read_text("utf-8")
    nav = re.search(r'<nav class="fz-pager".*?</nav>', second, re.DOTALL).group(0)
    assert 'rel="prev"' in nav and "<strong>2</strong>" in nav


def test_region_map_is_drawn_on_the_first_page_of_its_listing_only(built):
    _, _, site = built
    first = (site / "regions" / "liaoyang" / "index.html").read_text("utf-8")
    second = (site / "regions" / "liaoyang" / "p2" / "index.html").read_text("utf-8")
    assert first.count('<figure class="fz-map">') == 1
    assert '<figure class="fz-map">' not in second
    assert 'class="fz-hierarchy"' in second  # the rest of the intro stays


def test_downloads_are_in_the_site_and_linked_from_the_data_page(built):
    archive, project, site = built
    page = (site / "data" / "index.html").read_text("utf-8")
    for f in archive.downloads:
        assert f'href="{f.name}"' in page
        assert (site / "data" / f.name).stat().st_size > 0
        assert (site / "data" / f.name).read_bytes() == (project / "docs" / "data" / f.name).read_bytes()
    raw = sorted(p.name for p in (site / "data" / "raw").iterdir())
    assert raw == sorted(f"{s.id}.txt" for s in archive.cfg.sources)  # one per document, named by its id
