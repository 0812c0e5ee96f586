"""GB/T 7714 citations for records."""

from __future__ import annotations

from pathlib import Path

from builder.config.site import load_sources
from builder.enrich.citation import cite

REPO = Path(__file__).resolve().parent.parent
SOURCES = {s.id: s for s in load_sources(REPO / "site_config" / "sources.yml")}


def test_report_in_a_collection_is_cited_as_an_analytic():
    text = cite(SOURCES["guta-2011-report"], path=("一、2011年工作回顾",), line=250, url="sources/guta-2011-report/#x")
    assert text.startswith("张东群. 锦州市古塔区政府工作报告（2011年12月）[R]//辽宁省政府工作报告编辑委员会. ")
    assert "沈阳: 辽宁人民出版社, 2012" in text  # the volume's year, not the speech's
    assert "原文第250行" in text and text.endswith("sources/guta-2011-report/#x")


def test_yearbook_and_inferred_fields():
    assert cite(SOURCES["wanghua-yearbook-2023"], line=5).startswith(
        "中共望花区委党史研究室. 望花年鉴（2023）[M]. 沈阳: 辽宁民族出版社, 2023")
    # an untitled chronicle: the supplied title is bracketed
    assert cite(SOURCES["guta-dsj"], line=6).startswith("[古塔区大事记（2012—2021）][Z]")


def test_site_url_makes_an_absolute_permalink():
    text = cite(SOURCES["guta-dsj"], line=6, url="sources/guta-dsj/#e", site_url="https://example.org/archive/")
    assert text.endswith("https://example.org/archive/sources/guta-dsj/#e")
