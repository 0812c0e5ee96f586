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
