"""`fangzhi check`: findings with file:line, errors vs warnings, exit status for CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.check import run_check
from builder.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report():
    return run_check(REPO / "site_config", REPO / "source_texts")


def _has(report, kind: str, file: str, line: int) -> bool:
    return any(f.kind == kind and f.file == file and f.line == line for f in report.findings)


def test_real_archive_passes_with_its_reviewed_findings(report) -> None:
    assert report.errors == []
    accepted = [f for f in report.findings if f.accepted]
    assert [(f.kind, f.file, f.line) for f in accepted] == [("impossible-date", "wanghua-nianjian-2023.md", 1104)]


def test_real_findings(report) -> None:
    ly, gt, wh = "liaoyang-nianjian-2021.txt", "guta-dashiji-2012-2021.txt", "wanghua-nianjian-2023.md"
    assert _has(report, "duplicate-event", ly, 3124)  # the 62nd 常务会议 printed twice (3116/3124)
    assert _has(report, "date-order", gt, 1128)  # retrospective ranges at the end of 2021
    assert _has(report, "date-order", wh, 1098)  # the July block under 6月
    assert _has(report, "toc-missing", ly, 75)  # 人口 in the TOC, no heading in the body
    assert _has(report, "incomplete", "liaoning-zhengfu-gongzuo-baogao-huibian-2012-xiace.txt", 280)
    assert _has(report, "suspected-ocr", ly, 36577)  # 人 □普查
    unknown = {f.message.split(" ")[0] for f in report.findings if f.kind == "unknown-region"}
    assert "锌子镇" not in unknown  # OCR for 铧子镇 (notes 002 §4.1): recorded as its alias in regions.yml
    assert not {"古塔区", "锦州市", "全区", "城市"} & unknown
    assert not [f for f in report.findings if f.kind == "text-lost"]


def test_close_call_topics_are_listed_as_info(report) -> None:
    """One info finding per document lists the records whose topic is shown as possible; info never fails
    the run nor counts as a warning."""
    infos = [f for f in report.findings if f.kind == "topic-possible"]
    assert infos and all(f.severity == "info" for f in infos)
    guta = next(f for f in infos if f.file == "guta-dashiji-2012-2021.txt")
    assert guta.line == 18 and "18 纪检监察" in guta.message
    assert len({(f.source, f.line) for f in infos}) == len(infos)


def _project(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    sources, config = tmp_path / "src", tmp_path / "cfg"
    sources.mkdir()
    config.mkdir()
    (sources / "x.txt").write_text(text, "utf-8")
    for path in (REPO / "site_config").iterdir():
        if path.is_file() and path.name not in ("sources.yml", "corrections.yml", "check.yml"):
            (config / path.name).write_bytes(path.read_bytes())
    (config / "sources.yml").write_text(
        "sources:\n  - {id: x-dsj, file: x.txt, title: 测试, genre: chronicle, region: guta, years: [2001]}\n", "utf-8")
    for name, body in (extra or {}).items():
        (config / name).write_text(body, "utf-8")
    return sources, config


def _check(sources: Path, config: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["check", "--sources", str(sources), "--config", str(config)])


TEXT = "大事记\n\n2001年\n\n2001.6.31 召开会议。\n\n2001.5.2 古塔区晨曦街道开展检查。\n\n2001.5.2 古塔区晨曦街道开展检查。\n"


def test_errors_fail_the_check_with_file_line(tmp_path: Path) -> None:
    result = _check(*_project(tmp_path, TEXT))
    assert result.exit_code == 1
    out = result.output
    assert "x.txt:5: error: impossible-date:" in out
    assert "x.txt:9: warning: duplicate-event: the same event as line 7" in out
    assert "x.txt:7: warning: date-order:" in out
    assert "warning: unknown-region: 晨曦街道: not in the gazetteer or regions.yml (2 mentions)" in out


def test_accepted_findings_pass_and_stale_acceptances_warn(tmp_path: Path) -> None:
    accept = ("accept:\n  - {source: x-dsj, line: 5, kind: impossible-date, note: 原书如此}\n"
              "  - {source: x-dsj, line: 99, kind: date-order, note: 旧}\n")
    result = _check(*_project(tmp_path, TEXT, {"check.yml": accept}))
    assert result.exit_code == 0
    assert "x.txt:5: accepted (原书如此): impossible-date" in result.output
    assert "check.yml:3: warning: stale-acceptance:" in result.output


def test_stale_correction_is_an_error(tmp_path: Path) -> None:
    corr = "corrections:\n  - {source: x-dsj, line: 5, wrong: 开展了开展了, right: 开展了}\n"
    result = _check(*_project(tmp_path, TEXT.replace("6.31", "6.30"), {"corrections.yml": corr}))
    assert result.exit_code == 1
    assert "corrections.yml:2: error: stale-correction:" in result.output and "x.txt:5" in result.output


def test_suspected_ocr(tmp_path: Path) -> None:
    result = _check(*_project(tmp_path, "大事记\n\n2001年\n\n2001.5.2 召开第□次会议，部署 B地块 工作q区。\n"))
    assert result.exit_code == 0
    assert result.output.count("suspected-ocr") == 1 and "□" in result.output


# Issue #13: unknown-region reports place-like names only. Each rule with the real phrases it was made on
# (tests/corpus/check/unknown-region.tsv; `python bench/check_regions.py`), and real places it must keep.


def _names(text: str) -> list[str]:
    import jieba.posseg

    from builder.check import _place_like
    from builder.enrich.annotate import fold_text, quiet_jieba

    return list(_place_like(fold_text(text), jieba.posseg.dt.word_tag_tab, quiet_jieba().dt.FREQ))


@pytest.mark.parametrize(("text", "kept"), [
    # a stem right after a digit: a count (辽阳 2012 report; 海伦县志 1981)
    ("8座污水处理厂稳定运行。4条出市境河流断面监测达标率100%。", []),
    ("一行27人来县参观。", []),
    # a unit followed by a bracket of units: a category (临沭 2010)
    ("临沭县荣获2009中国全面小康成长型百佳县(市),是临沂市唯一", ["临沭县"]),
    # a slogan or a count: a numeral at the start and again before the unit (辽阳 2021, 毕节 2016, 华安 1985)
    ("积极参与“百企联百村•同走致富路”精准扶贫行动", []),
    ("是日毕节市“千企帮千村”“万凤还巢”“荣誉村主任”", []),
    ("统筹“一县一业”“一园一区”“一镇一品”发展格局", []),
    ("华东六省一市落实政策座谈会", []),
    # a numeral right before 县/市/省: a count (临泽镇大事记, 山东省志 1958)
    ("开皇三年(583)竹塘、三归、临泽三县并入高邮县。", ["高邮县"]),
    ("中共中央在广西南宁召开有九省二市负责人参加的会议", []),
    # an adjective or a verb before a common noun of settlements (辽阳 2021)
    ("整合现有开发区和新城新市镇管理机构", []),
    ("深化爱党、爱国、爱家乡教育引领", []),
    # an office; a kind of area before 区 (辽阳 2021)
    ("辽宁省司法厅社区矫正管理局局长", []),
    ("西部近下辽河平原区第四系地层以河流冲积相为主", []),
    # OCR garbage: a run of single characters, a third of them rare (辽阳 2021)
    ("金加勘事施觥阚邮耨旗抬翡糖箭巾", []),
    # four single characters, half of them verbs, a verb before the unit (海伦县志 1981)
    ("是月国家农牧渔业部部长林乎加来县视察。", []),
    # traditional characters read as simplified: 選出 is a verb (平远 1963)
    ("全縣共選出公社人民代表2510人", []),
    # real places, none of them in the gazetteer, kept (辽阳 2021, 望花 2023, 元谋 1962, 保定 2012, 洞头 2006)
    ("源于西大窑镇松嘴子沟和沙浒镇前沙浒村南山沟", ["西大窑镇", "沙浒镇", "前沙浒村"]),
    ("西股源于塔子岭乡熊洞沟及吉洞峪乡宋家岭山下", ["塔子岭乡", "吉洞峪乡"]),
    ("于西马峰镇后方干堡村西入北沙河", ["西马峰镇", "干堡村"]),
    ("分别是工农街道工鲜村和塔峪镇塔鲜村。", ["工鲜村", "塔峪镇", "塔鲜村"]),
    ("在大沟公社搞农村社会主义教育试点。", ["大沟公社"]),
    ("到保定市易县西山北乡石家统村,向父老乡亲们拜年", ["石家统村"]),
    ("洞头县东屏镇岙仔村", ["洞头县", "东屏镇", "岙仔村"]),
    ("日本国群马县日中友好协会", ["群马县"]),
])
def test_place_like_names_only(text: str, kept: list[str]) -> None:
    assert _names(text) == kept


def test_unknown_region_reports_the_name_as_printed(tmp_path: Path) -> None:
    """A traditional text is read in simplified characters and its names reported as printed."""
    text = "大事记\n\n2001年\n\n2001.5.2 全縣共選出公社人民代表，古塔区晨曦街道開展檢查，在大溝公社試點。\n"
    result = _check(*_project(tmp_path, text))
    found = [line.split("unknown-region: ")[1].split(":")[0] for line in result.output.splitlines()
             if "unknown-region" in line]
    assert found == ["晨曦街道", "大溝公社"], result.output


def test_a_verb_before_a_name_is_cut_off() -> None:
    """撤涪城縣 (三台县 沿革): 撤 is the sentence's verb — a verb of one character that begins no unit's name
    of the gazetteer; 鲅鱼圈区 keeps its 鲅 (checked only where the whole name is unresolved), 破子寺村 its 破
    (破 begins a unit's name), 石家统村 is no verb's."""
    import jieba.posseg

    from builder.check import _verb_first

    tags = jieba.posseg.dt.word_tag_tab
    firsts = frozenset("破石涪滃")
    assert _verb_first("撤涪城县", tags, firsts) == "涪城县"
    assert _verb_first("废滃洲县", tags, firsts) == "滃洲县"
    assert _verb_first("破子寺村", tags, firsts) == "破子寺村"
    assert _verb_first("石家统村", tags, firsts) == "石家统村"
    assert _verb_first("撤郪县", tags, firsts) == "撤郪县"  # 郪县: a stem of one character, not cut
