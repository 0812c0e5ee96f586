"""Tests for builder.parse.detect: genre from content features."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from builder.model.document import Line
from builder.parse.detect import detect_genre, genre_scores
from builder.sources.normalise import split_lines

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> list[Line]:
    return split_lines((ROOT / "source_texts" / name).read_text("utf-8"))


@pytest.mark.parametrize(
    ("name", "genre"),
    [
        ("guta-dashiji-2012-2021.txt", "chronicle"),
        ("liaoning-zhengfu-gongzuo-baogao-huibian-2012-xiace.txt", "report"),
        ("guta-tuopin-gongjian-huibao-2017.txt", "report"),
        ("liaoyang-nianjian-2021.txt", "yearbook"),
        ("wanghua-nianjian-2023.md", "yearbook"),
    ],
)
def test_seed_files(name: str, genre: str) -> None:
    assert detect_genre(load(name)) == genre


def test_report_slices_of_a_compilation() -> None:
    lines = load("liaoning-zhengfu-gongzuo-baogao-huibian-2012-xiace.txt")
    assert detect_genre(lines[233:280]) == "report"


def test_fast_on_large_file() -> None:
    lines = load("liaoyang-nianjian-2021.txt")
    start = time.perf_counter()
    detect_genre(lines)
    assert time.perf_counter() - start < 1.0


CHRONICLE_FULL_DATES = """大事记

1952年3月5日 县人民政府成立。

1952年4月 全县开展爱国卫生运动，

共清理垃圾 300 吨。

1952年10月1日 县城举行国庆游行。

1953年1月12日 县第一届人民代表大会召开。

1953年6月 县第一中学建成。
"""

CHRONICLE_YEAR_HEADERS = """1952年

3月5日 县人民政府成立。

4月10日 全县开展爱国卫生运动。

10月1日 县城举行国庆游行，各界群众两万人参加。

1953年

1月12日 县第一届人民代表大会召开。

6月1日 县第一中学建成。
"""

CHRONICLE_MONTH_HEADERS = """9/2001

3日 市政府召开常务会议。

15日 新火车站开工。

10/2001

1日 举行国庆升旗仪式。

同日 市博物馆开馆。

20日 市第二届运动会开幕。
"""

WEB_REPORT = """首页 > 政务公开 > 政府工作报告
2021年某县人民政府工作报告
发布时间：2021-01-05   来源：县政府办公室
字号：大 中 小
——2021年1月5日在某县第十八届人民代表大会第五次会议上
县长 李明
各位代表：
现在，我代表县人民政府，向大会报告工作，请予审议。
一、2020年工作回顾
2020年3月，全县复工复产全面完成。
（一）经济稳中有进
全年实现生产总值100亿元。
（二）民生持续改善
二、2021年工作安排
各位代表！让我们团结一心！
【打印】【关闭】
"""

YEARBOOK_EXCERPT = """综 述

【概况】2020年，全县总面积1200平方千米，户籍人口30万人。

【重要会议】3月5日，县委召开全会，

研究部署全年工作。

【脱贫攻坚】全年实现脱贫1200人。

（王五供稿）
"""


@pytest.mark.parametrize(
    ("text", "genre"),
    [
        (CHRONICLE_FULL_DATES, "chronicle"),
        (CHRONICLE_YEAR_HEADERS, "chronicle"),
        (CHRONICLE_MONTH_HEADERS, "chronicle"),
        (WEB_REPORT, "report"),
        (YEARBOOK_EXCERPT, "yearbook"),
    ],
)
def test_synthetic(text: str, genre: str) -> None:
    assert detect_genre(split_lines(text)) == genre


def test_scores_are_reported() -> None:
    scores = genre_scores(split_lines(CHRONICLE_YEAR_HEADERS))
    assert set(scores) == {"chronicle", "yearbook", "report"}
    assert scores["chronicle"] >= 6


def test_empty_text() -> None:
    assert detect_genre([]) in {"chronicle", "yearbook", "report"}
