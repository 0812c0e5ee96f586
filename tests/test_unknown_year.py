"""A chronicle that prints no year (and gets none from sources.yml or ``--year``): its entries are found,
dated with the year unknown (EDTF ``XXXX-11-03``), flagged ``unknown-year`` and reported by ``fangzhi
check`` as ``date-incomplete`` — never guessed (issue 12)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from edtf import parse_edtf

from builder.cli import main
from builder.model.document import Event, Section, Source
from builder.parse.chronicle import parse_events
from builder.parse.dates import match_date
from builder.pipeline import build
from builder.sources.normalise import split_lines

from .conftest import REPO, make_project, small_config

# The forms of a yearbook's monthly 大事记 page, which prints its month as a heading and never its year.
MONTH_PAGE = """12月

1日~2日 蒙古代表团一行6人来市参观访问。
7日 高速公路连接线一期工程竣工通车。
18日 高速公路全线通车。
同日 市委召开座谈会。
26—28日 专家组对创建工作进行调查。
是月 区质量月活动举行。
"""

# Neither month nor year printed (an e-book's chapter of one month).
DAYS_ONLY = """3日,县领导到重点工程现场调度。
4日,县委召开常委(扩大)会议。
同日,县政协召开常委会议。
"""


def _events(text: str, year: int | None = None) -> list[Event]:
    src = Source(id="t", file="t.txt", title="t", genre="chronicle", region="", years=())
    nodes, _ = parse_events(split_lines(text.strip("\n")), source=src, year=year)
    out: list[Event] = []
    for n in nodes:
        out.extend(n.events() if isinstance(n, Section) else [n] if isinstance(n, Event) else [])
    return out


def test_match_date_keeps_the_year_unknown_only_when_asked() -> None:
    assert match_date("11月3日 开会", unknown_year=False) is None
    hit = match_date("11月3日 开会", unknown_year=True)
    assert hit is not None and hit.unknown == "year" and hit.spec.edtf() == "XXXX-11-03"
    hit = match_date("3日 开会", unknown_year=True, unknown_month=True)
    assert hit is not None and hit.unknown == "year month" and hit.spec.edtf() == "XXXX-XX-03"
    assert match_date("26—28日", month=12, unknown_year=True).spec.edtf() == "XXXX-12-26/XXXX-12-28"  # type: ignore[union-attr]
    # a year in scope wins: nothing changes
    assert match_date("11月3日", year=2014, unknown_year=True).spec.edtf() == "2014-11-03"  # type: ignore[union-attr]
    # 至翌年 cannot be read from an unknown year
    assert match_date("11月3日至翌年2月", unknown_year=True).spec.end is None  # type: ignore[union-attr]


def test_month_heading_with_no_year_gives_year_unknown_events() -> None:
    events = _events(MONTH_PAGE)
    dates = [e.date.edtf() for e in events]
    assert dates == ["XXXX-12-01/XXXX-12-02", "XXXX-12-07", "XXXX-12-18", "XXXX-12-18", "XXXX-12-26/XXXX-12-28",
                     "XXXX-12"]
    for d in dates:
        parse_edtf(d)
    assert [e.date.raw for e in events[:2]] == ["1日~2日", "7日"]  # the printed date is kept
    dated = [e for e in events if e.marker not in ("同日", "是月")]
    assert all(e.flags == ["unknown-year"] for e in dated)
    assert all(e.date.years() == [] for e in events)
    # with the year given, the same entries (same boundaries) are dated in full
    given = _events(MONTH_PAGE, year=1993)
    assert [(e.line, e.text) for e in given] == [(e.line, e.text) for e in events]
    assert given[1].date.edtf() == "1993-12-07" and given[1].flags == []


def test_days_with_neither_month_nor_year() -> None:
    events = _events(DAYS_ONLY)
    assert [e.date.edtf() for e in events] == ["XXXX-XX-03", "XXXX-XX-04", "XXXX-XX-04"]
    assert events[0].flags == ["unknown-year", "unknown-month"]


def test_parse_prints_the_unknown_year(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(MONTH_PAGE, "utf-8")
    result = CliRunner().invoke(main, ["parse", str(path), "--genre", "chronicle"])
    assert result.exit_code == 0, result.output
    events = [r for r in map(json.loads, result.output.splitlines()) if r["type"] == "event"]
    assert events[1]["date"] == "XXXX-12-07" and events[1]["printed"] == "7日"
    assert "unknown-year" in events[1].get("flags", [])


def _project(tmp: Path) -> tuple[Path, Path]:
    sources, config = tmp / "source_texts", tmp / "site_config"
    shutil.copytree(REPO / "source_texts", sources)
    small_config(tmp, keep=("guta-dsj",))
    (sources / "noyear.txt").write_text("某区大事记\n\n" + MONTH_PAGE, "utf-8")
    with (config / "sources.yml").open("a", encoding="utf-8") as fh:  # no years, no content_year
        fh.write("\n  - id: noyear-dsj\n    file: noyear.txt\n    title: 某区大事记（年份不详）\n"
                 "    genre: chronicle\n    region: guta\n")
    return sources, config


def test_check_reports_date_incomplete(tmp_path: Path) -> None:
    sources, config = _project(tmp_path)
    result = CliRunner().invoke(main, ["check", "--sources", str(sources), "--config", str(config)])
    lines = [ln for ln in result.output.splitlines() if "noyear.txt" in ln]
    assert any("date-incomplete" in ln and "the year is not printed" in ln and "XXXX-12-07" in ln for ln in lines)
    assert not any("date-order" in ln for ln in lines)


def test_an_archive_whose_chronicle_prints_no_year_builds(tmp_path: Path) -> None:
    sources, config = _project(tmp_path)
    project = make_project(tmp_path)
    archive = build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=project / "site")
    events = [r for r in archive.records if r.source_id == "noyear-dsj" and r.type == "event"]
    assert [r.edtf for r in events][:2] == ["XXXX-12-01/XXXX-12-02", "XXXX-12-07"]
    assert all(r.years == [] for r in events)
    page = (project / "site" / "sources" / "noyear-dsj" / "index.html").read_text("utf-8")
    assert "年份不详" in page and "高速公路全线通车" in page
    assert not (project / "site" / "years" / "0").exists() and not (project / "site" / "years" / "0000").exists()
