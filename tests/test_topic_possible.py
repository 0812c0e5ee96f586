"""A close call is said, not guessed silently (issue 13): a record whose topic no topic's words clearly
lead (the first named of those close decides, ``TopicDecision.possible``) carries ``topic_possible`` from
enrich to every place its topic is shown or exported.

Classes of input covered:
- a close-call event and a clear one, through ``enrich`` and ``build_records``; ``close_calls`` finds the same;
- the tag of a possible topic: marked in its text and title, the topic's name escaped (a hostile name);
- listings: a topic page marks a possible record, a region page does not;
- the downloads (events.json/csv, topics.json) and the OpenSearch document and its strict mapping;
- a real build: the reading page, the year page and the topic page of a close-call record show the mark,
  and a record whose topic is sure shows none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from builder.config.site import load_config
from builder.enrich.annotate import Gazetteer, Taxonomy, close_calls, enrich
from builder.enrich.records import Record, build_records, source_pages
from builder.model.document import Source
from builder.parse import parse_document
from builder.render.export import _csv, _topics_rows, record_dict
from builder.render.fragments import Fragments
from builder.render.pages import template_env
from builder.search.opensearch import index_template, search_document
from builder.sources.normalise import split_lines

from .conftest import REPO

CLOSE = "市长检查疫情防控和复工复产情况。"  # 卫生健康 and 经济 words, neither clearly ahead: the first named
SURE = "区妇联组织开展活动。"  # a body opens it: 群团
NOTE = "主题未定"


@pytest.fixture(scope="module")
def cfg():  # type: ignore[no-untyped-def]
    return load_config(REPO / "site_config")


@pytest.fixture(scope="module")
def enriched(cfg):  # type: ignore[no-untyped-def]
    source = Source(id="x-dsj", file="x.txt", title="测试", genre="chronicle", region="guta", years=(2001,))
    text = f"大事记\n\n2001年\n\n2001.5.2 {CLOSE}\n\n2001.5.3 {SURE}\n"
    doc = parse_document(source, split_lines(text))
    taxonomy = Taxonomy(cfg.topics)
    enrich(doc, cfg, Gazetteer(cfg.regions), taxonomy)
    return doc, taxonomy


def test_a_close_call_is_carried_from_enrich_to_the_record(enriched) -> None:
    doc, taxonomy = enriched
    close, sure = doc.events()
    assert (close.topics, close.topic_possible) == (["weisheng"], True)
    assert (sure.topics, sure.topic_possible) == (["quntuan"], False)
    records = {r.text: r for r in build_records(doc, source_pages(doc))}
    assert records[CLOSE].topic_possible and not records[SURE].topic_possible
    assert [(n.text, t) for n, t in close_calls(doc, taxonomy)] == [(CLOSE, "weisheng")]


def _record(rid: str, text: str, possible: bool) -> Record:
    return Record(id=rid, type="event", source_id="s", title="", text=text, url=f"sources/s/#{rid}", line=3,
                  path=(), date="2001-05-02", topics=["weisheng"], topic_possible=possible, regions=["guta"])


HOSTILE = '<script>alert(1)</script>[x](javascript:y)'


@pytest.fixture(scope="module")
def fragments() -> Fragments:
    common = {"region_names": {"guta": "古塔区"}, "topic_names": {"weisheng": HOSTILE}, "source_titles": {"s": "测试"}}
    return Fragments(template_env(), common)


def test_a_possible_topic_tag_is_marked_and_escaped(fragments: Fragments) -> None:
    marked = str(fragments.tags(["guta"], ["weisheng"], "../", possible=True))
    plain = str(fragments.tags(["guta"], ["weisheng"], "../"))
    assert 'class="fz-tag fz-topic fz-possible"' in marked and "（可能）</span></a>" in marked
    assert re.search(rf'title="{NOTE}[^"<>]*"', marked)
    assert "fz-possible" not in plain and "可能" not in plain and NOTE not in plain
    for html in (marked, plain):
        assert "<script>" not in html and "&lt;script&gt;" in html and "](" not in html
    # the region tag is the same either way: only topics are decided by words
    assert marked.split(" <a class=\"fz-tag fz-topic")[0] == plain.split(" <a class=\"fz-tag fz-topic")[0]


def test_a_topic_page_marks_a_possible_record_a_region_page_does_not(fragments: Fragments) -> None:
    records = [_record("a", "甲" + HOSTILE, True), _record("b", "乙", False)]
    topic_page = fragments.listing(records, "../../", topics=True).splitlines()
    region_page = fragments.listing(records, "../../").splitlines()
    assert "（可能属此主题）" in topic_page[0] and NOTE in topic_page[0] and "<script>" not in topic_page[0]
    assert "可能" not in topic_page[1]
    assert not any("可能" in line for line in region_page)


def test_the_downloads_and_the_search_export_carry_the_mark(cfg) -> None:
    close, sure = _record("a", "甲", True), _record("b", "乙", False)
    assert record_dict(close)["topic_possible"] is True and record_dict(sure)["topic_possible"] is False
    rows = list(csv.DictReader(io.StringIO(_csv([record_dict(close), record_dict(sure)]).lstrip("\ufeff"))))
    assert [r["topic_possible"] for r in rows] == ["true", "false"]
    topics = {t["id"]: t for t in _topics_rows(cfg, [close, sure])}
    assert topics["weisheng"]["records"] == ["a", "b"] and topics["weisheng"]["possible"] == ["a"]
    doc = search_document(close, {"s": "测试"}, {})
    assert doc["topic_possible"] is True and search_document(sure, {}, {})["topic_possible"] is False
    mapping = index_template([close, sure])["template"]["mappings"]["properties"]
    assert set(doc) == set(mapping) and mapping["topic_possible"] == {"type": "boolean"}


def _html(site: Path, url: str) -> str:
    return (site / url.split("#", 1)[0] / "index.html").read_text("utf-8")


def _block(html: str, rid: str) -> str:
    """The HTML of the record whose anchor is ``rid`` on its reading page, up to the next record."""
    start = html.index(f'id="{rid}"')
    end = html.find('class="fz-record', start)
    return html[start:end if end > 0 else len(html)]


def test_a_real_build_shows_the_mark_wherever_the_topic_is_shown(built) -> None:
    archive, _, site = built
    events = [r for r in archive.records if r.type == "event"]
    possible = [r for r in events if r.topic_possible]
    assert possible and len(possible) < 0.2 * len(events)
    data = {r["id"]: r for r in json.loads((site / "data" / "events.json").read_text("utf-8"))}
    assert {rid for rid, r in data.items() if r["topic_possible"]} == {r.id for r in possible}
    names = {t.id: t.name for t in archive.cfg.topics}
    for r in possible[:3]:
        topic = r.topics[0]
        tag = re.compile(rf'<a class="fz-tag fz-topic fz-possible" href="(\.\./)+topics/{topic}/" title="{NOTE}[^"]*">'
                         rf'{names[topic]}<span class="fz-possible-mark">（可能）</span></a>')
        assert tag.search(_block(_html(site, r.url), r.id)), "on its reading page"
        year_pages = [p.read_text("utf-8") for p in sorted((site / "years" / r.date[:4]).rglob("index.html"))]
        item = next(html[html.index(f'{r.url}"'):] for html in year_pages if f'{r.url}"' in html)
        assert tag.search(item[:item.index("</div>")]), "on its year page"
        listed = [p.read_text("utf-8") for p in sorted((site / "topics" / topic).rglob("index.html"))]
        line = next(line for html in listed for line in html.split("</li>") if f'{r.url}"' in line)
        assert "（可能属此主题）" in line and NOTE in line, "on its topic page"
    sure = next(r for r in events if r.topics and not r.topic_possible)
    assert "fz-possible" not in _block(_html(site, sure.url), sure.id)
