"""Reviewed errata (site_config/corrections.yml): applied at build time, refused when stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.config import ConfigError
from builder.config.site import load_corrections
from builder.model.document import Correction, Source
from builder.parse import parse_document
from builder.sources.corrections import apply_corrections
from builder.sources.ledger import verify_conservation
from builder.sources.normalise import fix_lines, split_lines

REPO = Path(__file__).resolve().parent.parent
SRC = Source(id="x-dsj", file="x.txt", title="测试", genre="chronicle", region="guta", years=(2001,))
TEXT = "大事记\n\n2001年\n\n2001.3.5 会议对工作进行了 进行了检查。\n\n2001.4 共计为为 16 人发放补助，为为民办事。\n"


def _corr(**kw: object) -> Correction:
    base = {"source": "x-dsj", "line": 5, "wrong": "进行了进行了", "right": "进行了", "note": "衍文",
            "where": "corrections.yml:3"}
    base.update(kw)
    return Correction(**base)  # type: ignore[arg-type]


def test_applied_spaces_ignored_and_marked() -> None:
    doc = parse_document(SRC, split_lines(TEXT), [_corr()])
    event = doc.events()[0]
    assert event.text == "会议对工作进行了检查。"
    [mark] = event.marks
    assert (mark.original, mark.rule, mark.note) == ("进行了 进行了", "correction", "衍文")
    assert event.text[mark.start:mark.end] == "进行了"
    assert verify_conservation(doc, split_lines(TEXT)) == []


def test_context_places_an_ambiguous_erratum() -> None:
    with pytest.raises(ConfigError, match=r"occurs 2 times"):
        parse_document(SRC, split_lines(TEXT), [_corr(line=7, wrong="为为", right="为")])
    doc = parse_document(SRC, split_lines(TEXT), [_corr(line=7, wrong="为为", right="为", context="共计为为")])
    assert doc.events()[1].text == "共计为16人发放补助，为为民办事。"
    doc = parse_document(SRC, split_lines(TEXT), [_corr(line=0, wrong="为为", right="为", context="，为为民")])
    assert doc.events()[1].text.endswith("，为民办事。")


@pytest.mark.parametrize("corr", [
    _corr(wrong="进行了进行了进行了"),  # text changed
    _corr(line=7),  # wrong line
    _corr(line=99),  # no such line
])
def test_stale_erratum_is_an_error_naming_both_places(corr: Correction) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_document(SRC, split_lines(TEXT), [corr])
    message = str(exc.value)
    assert message.startswith("corrections.yml:3: correction of x.txt") and "\n" not in message


def test_erratum_over_an_ocr_fix_absorbs_it() -> None:
    lines, fixes = fix_lines(split_lines("2001.3.5 第■次会议。"))
    new, fixes = apply_corrections(SRC, lines, fixes, [_corr(line=1, wrong="第一次会", right="第二次会")])
    assert new[0].text == "2001.3.5 第二次会议。"
    assert [(f.rule, f.before, f.after) for f in fixes] == [("correction", "第■次会", "第二次会")]
    new, fixes = apply_corrections(SRC, lines, fix_lines(split_lines("2001.3.5 第■次会议。"))[1],
                                   [_corr(line=1, wrong="会议", right="会")])
    assert new[0].text == "2001.3.5 第一次会。" and [f.rule for f in fixes] == ["ocr-block", "correction"]


def test_loader_validates(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    path.write_text("corrections:\n  - {source: a, line: 3, wrong: 甲, right: 甲}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"corrections\.yml:2: 'wrong' and 'right'"):
        load_corrections(path)
    path.write_text("corrections:\n  - {source: a, wrong: 甲, right: 乙}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"corrections\.yml:2: 'line'"):
        load_corrections(path)
    path.write_text("corrections:\n  - {source: a, line: 3, wrong: 甲, right: 乙, note: 注}\n", "utf-8")
    [corr] = load_corrections(path)
    assert corr.where == f"{path}:2" and corr.note == "注"


def test_the_real_errata_apply(built) -> None:
    archive, _, _ = built
    doc = next(d for d in archive.documents if d.source.id == "guta-dsj")
    fixes = [f for f in doc.fixes if f.rule == "correction"]
    assert {f.line for f in fixes} >= {658, 774}
    assert all(f.note for f in fixes)
    assert "进行了进行了" not in "".join(e.text for e in doc.events())


def test_stale_erratum_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, config = tmp_path / "src", tmp_path / "cfg"
    sources.mkdir()
    config.mkdir()
    (sources / "x.txt").write_text(TEXT, "utf-8")
    for path in (REPO / "site_config").iterdir():
        if path.name not in ("sources.yml", "corrections.yml", "check.yml") and path.is_file():
            (config / path.name).write_bytes(path.read_bytes())
    (config / "sources.yml").write_text(
        "sources:\n  - {id: x-dsj, file: x.txt, title: 测试, genre: chronicle, region: guta, years: [2001]}\n", "utf-8")
    (config / "corrections.yml").write_text(
        "corrections:\n  - source: x-dsj\n    line: 5\n    wrong: 开展了开展了\n    right: 开展了\n", "utf-8")
    monkeypatch.chdir(tmp_path)  # the build's project folder
    result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--config", str(config)])
    assert result.exit_code == 2
    [line] = [ln for ln in result.output.splitlines() if "error" in ln]
    assert line.startswith("fangzhi: error: ") and f"{config / 'corrections.yml'}:2" in line and "x.txt:5" in line
    assert "no longer matches" in line
