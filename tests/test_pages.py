"""Year, reading, region and home pages as a reader uses them (issue 15), in headless Chromium
over the real build of the whole archive (the ``built`` and ``served`` fixtures).

Classes of input covered:

* a year whose records span many pages: the month index on every page leads to the page and
  anchor where a month starts (a month on page 10 from page 3); previous/next year links;
* a year with no events but report sections (2011) and dated yearbook 条目 (2020);
* OCR tables (辽阳年鉴 议案办理, 人事任免, 市委常委会议纪要): rows and cells, header cells, no
  row number glued to a date;
* related records: what is shown is judged related on the hand-judged sample (or nothing);
* reading a document part by part (next part, previous part), a yearbook part's heading once,
  no empty left sidebar on generated pages;
* the region tree on a phone: tap a county, tap one of its towns;
* the home page: counts, the timeline (a bar leads to its year), the map, the data licence.
"""

from __future__ import annotations

import re

import pytest

from bench.related import load_sample, measure

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_month_index_reaches_a_month_on_a_later_page(served, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{served}years/2020/p3/")
    months = page.locator("nav.fz-months a")
    assert months.count() >= 12
    page.locator("nav.fz-months a", has_text="9月").click()
    page.wait_for_load_state()
    assert re.search(r"years/2020/p\d+/#m9$", page.url), page.url
    heading = page.locator("h2#m9")
    assert heading.is_visible() and heading.inner_text().startswith("9月")
    page.locator("nav.fz-yearnav a[rel=prev]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("years/2019/")
    page.locator("nav.fz-yearnav a[rel=next]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("years/2020/")
    page.close()


def test_every_genre_on_year_pages(served, browser):
    page = browser.new_page()
    page.goto(f"{served}years/2011/")
    assert page.locator(".fz-record.fz-section").count() >= 5  # the reports' sections about 2011
    assert "工作报告章节" in page.locator(".fz-summary").inner_text()
    page.goto(f"{served}years/2020/")
    summary = page.locator(".fz-summary").inner_text()
    assert "有日期的条目" in summary
    page.goto(f"{served}years/2020/p2/")
    entry = page.locator(".fz-record.fz-entry a.fz-entry-title").first
    entry.click()
    page.wait_for_load_state()
    assert "/sources/liaoyang-yearbook-2021/" in page.url and "#" in page.url
    page.close()


def test_yearbook_tables_are_tables(served, browser, built):
    _, _, site = built
    page = browser.new_page()
    page.goto(f"{served}sources/liaoyang-yearbook-2021/")
    page.get_by_role("link", name="辽阳市人民代表大会").first.click()
    page.wait_for_load_state()
    table = page.locator("table", has=page.locator("caption", has_text="议案办理情况一览表"))
    assert [h.strip() for h in table.locator("th").all_inner_texts()] == ["序号", "名称", "领衔人", "主要内容", "办理形式", "办理结果"]
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert rows.nth(0).locator("td").nth(2).inner_text() == "姜丽华"
    assert rows.nth(2).locator("td").nth(4).inner_text() == "市住房和城乡建设局"
    people = page.locator("table", has=page.locator("caption", has_text="人事任免情况一览表"))
    assert people.locator("tbody tr").count() == 5
    assert people.locator("tbody tr").first.locator("td").nth(1).inner_text() == "市十六届人民代表大会常务委员会第二十二次会议"
    page.close()
    glued = re.compile(r"(?<![\d.])\d{1,2}20[12]\d年\d{1,2}月\d{1,2}日")
    pages = [p for p in (site / "sources").rglob("index.html") if glued.search(p.read_text("utf-8"))]
    assert pages == []


def test_related_records_are_judged_related(built):
    archive, _, _ = built
    m = measure(archive.links.related, load_sample())
    assert m["unjudged"] == []
    assert m["share"] is None or m["share"] >= 0.8


def test_reading_part_by_part(served, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{served}sources/liaoyang-yearbook-2021/")
    page.get_by_role("link", name="中国共产党辽阳市委员会").first.click()
    page.wait_for_load_state()
    title = page.locator("article h1").inner_text().replace("¶", "").strip()
    assert title == "中国共产党辽阳市委员会"
    assert page.locator("article h2", has_text=re.compile("^中国共产党辽阳市委员会")).count() == 0  # not repeated
    assert not page.locator(".md-sidebar--primary").is_visible()  # no empty left sidebar
    page.locator("nav.fz-docnav a[rel=next]").first.click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text().replace("¶", "").strip() == "辽阳市人民代表大会"
    page.locator("nav.fz-docnav a[rel=prev]").first.click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text().replace("¶", "").strip() == "中国共产党辽阳市委员会"
    page.goto(f"{served}sources/guta-dsj/")
    page.locator("nav.fz-secnav a[rel=next]").first.click()
    assert page.url.endswith("#" + page.locator("h2").nth(1).get_attribute("id"))
    page.close()


def test_region_tree_on_a_phone(served, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{served}regions/")
    county = page.locator(".fz-region-tree li", has=page.locator(":scope > a", has_text="古塔区")).first
    town = page.locator(".fz-region-tree a", has_text="古城街道").first
    assert not town.is_visible()
    county.locator(":scope > details > summary").tap()  # the toggle beside the county's name
    assert town.is_visible()
    with page.expect_navigation():
        town.tap()
    assert page.url.endswith("regions/guta-gucheng/")
    context.close()


def test_home_page_shows_the_collection(served, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(served)
    summary = page.locator("#overview ~ p.fz-summary").first.inner_text()
    assert re.search(r"共收 \d+ 种文献、\d+ 条记录", summary)
    assert page.locator("table.fz-sources tbody tr").count() == 6
    assert page.locator(".fz-coverage svg path.fz-map-this").count() >= 3
    licence = page.locator(".fz-licence a[rel=license]")
    assert "CC BY 4.0" in licence.inner_text()
    with page.expect_navigation():
        page.locator('.fz-timeline a[href="years/2016/"]').tap()
    assert page.url.endswith("years/2016/")
    context.close()
