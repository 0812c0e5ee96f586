"""The fangzhi command: parse prints JSON Lines a researcher can use without a site."""

from __future__ import annotations

import json

from click.testing import CliRunner

from builder.cli import main

from .conftest import REPO


def _parse(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["parse", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_parse_chronicle_auto_detects_and_prints_events():
    records = _parse(str(REPO / "source_texts" / "guta-dashiji-2012-2021.txt"))
    assert records[0]["type"] == "document" and records[0]["genre"] == "chronicle"
    events = [r for r in records if r["type"] == "event"]
    assert len(events) == 138
    for r in records:
        assert {"type", "genre", "line", "text"} <= r.keys()
    first = events[0]
    assert first["date"] == "2012-03" and first["precision"] == "month" and first["line"] == 6
    assert any(e["date"] == "2012-12-24/2012-12-27" for e in events)


def test_parse_yearbook_with_year_prints_entries_and_sections():
    records = _parse(str(REPO / "source_texts" / "wanghua-nianjian-2023.md"), "--genre", "auto", "--year", "2022")
    assert records[0]["genre"] == "yearbook"
    assert sum(r["type"] == "entry" for r in records) == 547
    assert sum(r["type"] == "event" for r in records) == 64
    assert any(r["type"] == "section" for r in records)
    assert all(r["date"].startswith("2022") for r in records if r["type"] == "event")


def test_parse_report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("某县政府工作报告\n\n——2020年1月8日在某县第十届人民代表大会第四次会议上\n\n县长 王某\n\n各位代表：\n\n"
                    "一、2019年工作回顾\n\n（一）经济平稳增长。全年生产总值增长6%。\n\n二、2020年工作安排\n\n做好各项工作。\n",
                    encoding="utf-8")
    records = _parse(str(path))
    assert records[0]["genre"] == "report"
    titles = [r["text"] for r in records if r["type"] == "section"]
    assert any(t.startswith("一、") for t in titles) and any(t.startswith("二、") for t in titles)


def test_parse_refuses_binary(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(range(256)) * 10)
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    assert "binary" in result.output or "binary" in (result.stderr or "")
