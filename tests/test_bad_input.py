"""Bad input, end to end through the CLI: encodings load; bad files stop with one line naming the file."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = "大事记\n\n2001年\n\n2001.3.5 古塔区召开第一次会议。\n\n2001.4 全区开展检查。\n"
SOURCES = "sources:\n  - {id: x-dsj, file: x.txt, title: 测试, genre: chronicle, region: guta, years: [2001]}\n"


def _config(tmp_path: Path, sources_yml: str = SOURCES) -> Path:
    config = tmp_path / "cfg"
    config.mkdir(exist_ok=True)
    for path in (REPO / "site_config").iterdir():
        if path.is_file() and path.name not in ("sources.yml", "corrections.yml", "check.yml"):
            (config / path.name).write_bytes(path.read_bytes())
    (config / "sources.yml").write_text(sources_yml, "utf-8")
    return config


def _run(tmp_path: Path, command: str, data: bytes | None, sources_yml: str = SOURCES):  # type: ignore[no-untyped-def]
    sources = tmp_path / "src"
    sources.mkdir(exist_ok=True)
    if data is not None:
        (sources / "x.txt").write_bytes(data)
    config = _config(tmp_path, sources_yml)
    work = tmp_path / "work"  # the command's project folder (its cache, its docs/)
    work.mkdir(exist_ok=True)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        return CliRunner().invoke(main, [command, "--sources", str(sources), "--config", str(config)])
    finally:
        os.chdir(cwd)


def _one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("fangzhi: error: ")]
    assert len(errors) == 1, result.output
    return errors[0]


ENCODED = {
    "gb18030": CHRONICLE.encode("gb18030"),
    "gbk": CHRONICLE.encode("gbk"),
    "utf-8-bom": b"\xef\xbb\xbf" + CHRONICLE.encode("utf-8"),
    "crlf": CHRONICLE.replace("\n", "\r\n").encode("utf-8"),
    "gbk-crlf": CHRONICLE.replace("\n", "\r\n").encode("gbk"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_encodings_and_line_endings_load(tmp_path: Path, name: str) -> None:
    result = _run(tmp_path, "check", ENCODED[name])
    assert result.exit_code == 0, result.output
    path = tmp_path / "x.txt"
    path.write_bytes(ENCODED[name])
    out = CliRunner().invoke(main, ["parse", str(path)])
    assert out.exit_code == 0, out.output
    events = [json.loads(ln) for ln in out.output.splitlines() if '"event"' in ln]
    assert [(e["date"], e["line"], e["text"]) for e in events] == [
        ("2001-03-05", 5, "古塔区召开第一次会议。"), ("2001-04", 7, "全区开展检查。")]


def test_declared_encoding(tmp_path: Path) -> None:
    yml = SOURCES.replace("years: [2001]}", "years: [2001], encoding: gbk}")
    assert _run(tmp_path, "check", CHRONICLE.encode("gbk"), yml).exit_code == 0
    big5 = SOURCES.replace("years: [2001]}", "years: [2001], encoding: big5}")
    assert _run(tmp_path, "check", BAD["big5"][0], big5).exit_code == 0
    line = _one_error_line(_run(tmp_path, "check", "大事记 €".encode("utf-16-le") * 9, yml))
    assert "x.txt" in line


random.seed(3)
BAD = {
    "empty": (b"", "the file is empty"),
    "blank": (b" \n\n \r\n", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(random.randrange(256) for _ in range(2000)), "binary"),
    "non-text": (bytes(range(128, 256)) * 40, "not a text file"),
    # GB18030 decodes these too, as mojibake: refused, naming the encoding: field of sources.yml
    "big5": ("大事記\n\n2001年\n\n2001.3.5 古塔區召開第一次會議。\n".encode("big5"), "`encoding:` field"),
    "shift-jis": ("大事記\n\n2001.3.5 古塔区で会議が開かれた。\n".encode("shift_jis"), "`encoding:` field"),
    "mixed": (CHRONICLE.encode() + "2001.5 全区开展检查。\n".encode("gb18030"), ":8: the file mixes encodings"),
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_stop_with_one_line_naming_the_file(tmp_path: Path, case: str, command: str) -> None:
    data, reason = BAD[case]
    line = _one_error_line(_run(tmp_path, command, data))
    assert str(tmp_path / "src" / "x.txt") in line and reason in line


def test_missing_file(tmp_path: Path) -> None:
    line = _one_error_line(_run(tmp_path, "build", None))
    assert "x.txt" in line and "not found" in line


def test_broken_yaml(tmp_path: Path) -> None:
    line = _one_error_line(_run(tmp_path, "check", CHRONICLE.encode(), "sources:\n  - id: a\n    title: [unclosed\n"))
    assert "sources.yml:" in line and "invalid YAML" in line


def test_source_id_clash(tmp_path: Path) -> None:
    yml = SOURCES + "  - {id: x-dsj, file: x.txt, title: 又一, genre: chronicle, region: guta, years: [2001]}\n"
    line = _one_error_line(_run(tmp_path, "build", CHRONICLE.encode(), yml))
    assert "sources.yml:3" in line and "duplicate source id 'x-dsj'" in line


def test_parse_refuses_binary_and_empty(tmp_path: Path) -> None:
    for name, (data, reason) in BAD.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["parse", str(path)])
        assert result.exit_code == 2 and reason in result.output and str(path) in result.output
