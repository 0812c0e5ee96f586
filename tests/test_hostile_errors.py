"""Every error a user can cause ends in one line ``fangzhi: error: FILE[:LINE]: …``, a non-zero exit
and no traceback — through `fangzhi build`, `check`, `permalinks` and `parse` (click's CliRunner).

Classes of input covered:

* YAML structure: a second top-level ``sources:`` (it used to empty the archive), a key given
  twice in a record, a top-level list instead of a mapping, broken syntax, a control character
  in the file, a file that is not UTF-8, nesting 10,000 levels deep, anchors/aliases (the
  "billion laughs"), a file larger than the limit, an empty sources.yml;
* misspelt keys, with "did you mean", in every file: sources.yml (``compelte``, ``ecoding``, the
  top-level ``sourcse``), corrections.yml (``rigth``), regions.yml, topics.yml, check.yml,
  entities.yml (top level and organisation records);
* field types in every file: ``years: [yes]``, ``complete: no``, ``lines: 1-5``,
  ``content_year: 2020.5``, ``inferred`` naming no field, an unknown ``encoding``, an unknown
  region, a control character in a title, a leading-zero region code (taken as written), a
  mapping where keywords belong, ``line: five`` and an unknown kind in check.yml, an
  entities.yml organisation without a name, a bad series pattern, divisions.csv without a name;
* bad corrections: a negative line, ``wrong`` = ``right``, an unknown source (with "did you
  mean"), one that no longer matches (build and permalinks stop; check reports it);
* missing files: sources.yml, regions.yml, a source text; a line range past the end of its file;
  divisions.csv and permalinks.tsv that are not UTF-8;
* bad source bytes: empty, binary, Big5 and Shift-JIS (refused, naming ``encoding:`` and the
  record's line), mixed UTF-8/GB18030 lines (naming the line), a declared encoding that fails;
* `fangzhi parse FILE`: a missing FILE, a folder, a binary, empty, Big5 or mixed FILE.

And what the strict loader must still accept: ``title: no`` is the text "no", ``offices: 书记``
is one office (not two characters), ``encoding: big5`` (and ``parse --encoding big5``) reads Big5.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.config import load_config
from builder.config.loader import MAX_BYTES

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = "大事记\n\n2001年\n\n2001.3.5 古塔区召开第一次会议。\n\n2001.4 全区开展检查。\n"
SOURCES = ("sources:\n  - id: x-dsj\n    file: x.txt\n    title: 测试\n    genre: chronicle\n    region: guta\n"
           "    years: [2001]\n")
BIG5 = "大事記\n\n2001年\n\n2001.3.5 古塔區召開第一次會議。\n\n2001.4 全區開展檢查。\n".encode("big5")
SHIFT_JIS = "大事記\n\n2001年\n\n2001.3.5 古塔区で第一回会議が開かれた。\n\n2001.4 全区で検査を行う。\n".encode("shift_jis")
MIXED = CHRONICLE.encode("utf-8") + "\n2001.5 全区开展检查。\n".encode("gb18030")
DEEP = SOURCES + "    description: " + "[" * 10_000 + "]" * 10_000 + "\n"
ALIASES = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntopics: []\n"


def _record(extra: str) -> str:
    return SOURCES + extra


# name -> (files to write (None deletes), the error line must match this, after "fangzhi: error: ")
CASES: dict[str, tuple[dict[str, str | bytes | None], str]] = {
    # YAML structure
    "second-top-level-sources": ({"cfg/sources.yml": SOURCES + "sources:\n"},
                                 r"sources\.yml:8: duplicate key 'sources' \(first at line 1\)"),
    "duplicate-key": ({"cfg/sources.yml": _record("    title: 又一\n")},
                      r"sources\.yml:8: duplicate key 'title' \(first at line 4\)"),
    "duplicate-key-entities": ({"cfg/entities.yml": "organisations:\n  - name: 甲\n    name: 乙\n"},
                               r"entities\.yml:3: duplicate key 'name'"),
    "top-level-list": ({"cfg/topics.yml": "- id: a\n"}, r"topics\.yml:1: expected a mapping"),
    "broken-syntax": ({"cfg/sources.yml": "sources:\n  - id: a\n    title: [unclosed\n"},
                      r"sources\.yml:\d+: invalid YAML"),
    "control-byte-in-yaml": ({"cfg/regions.yml": "regions:\n  - {id: guta, name: 古塔\x07区, code: '210702'}\n"},
                             r"regions\.yml:2: invalid YAML: character '\\x07' is not allowed"),
    "config-not-utf8": ({"cfg/topics.yml": "topics:\n  - {id: a, name: 党建}\n".encode("gbk")},
                        r"topics\.yml:2: not UTF-8"),
    "nesting-10000-deep": ({"cfg/sources.yml": DEEP}, r"sources\.yml:8: nested more than \d+ levels deep"),
    "aliases": ({"cfg/topics.yml": ALIASES}, r"topics\.yml:2: anchors and aliases"),
    "oversized-config": ({"cfg/check.yml": "# " + "x" * (MAX_BYTES + 10) + "\naccept: []\n"},
                         r"check\.yml:1: the file is \d+ MB"),
    "empty-sources": ({"cfg/sources.yml": ""}, r"sources\.yml:1: no documents"),
    # misspelt keys
    "misspelt-compelte": ({"cfg/sources.yml": _record("    compelte: false\n")},
                          r"sources\.yml:8: unknown key 'compelte' in a source \(did you mean 'complete'\?\)"),
    "misspelt-ecoding": ({"cfg/sources.yml": _record("    ecoding: big5\n")},
                         r"sources\.yml:8: unknown key 'ecoding' .*did you mean 'encoding'"),
    "misspelt-top-level": ({"cfg/sources.yml": SOURCES.replace("sources:", "sourcse:")},
                           r"sources\.yml:1: unknown key 'sourcse' .*did you mean 'sources'"),
    "misspelt-rigth": ({"cfg/corrections.yml": "corrections:\n  - {source: x-dsj, line: 5, wrong: 第一次, rigth: 第二次}\n"},
                       r"corrections\.yml:2: unknown key 'rigth' in a correction \(did you mean 'right'\?\)"),
    "misspelt-region-alias": ({"cfg/regions.yml": "regions:\n  - {id: guta, name: 古塔区, code: '210702', alias: [古塔]}\n"},
                              r"regions\.yml:2: unknown key 'alias' .*did you mean 'aliases'"),
    "misspelt-topic-keyword": ({"cfg/topics.yml": "topics:\n  - id: a\n    name: 党建\n    keyword: [党委]\n"},
                               r"topics\.yml:4: unknown key 'keyword' .*did you mean 'keywords'"),
    "misspelt-check-kind": ({"cfg/check.yml": "accept:\n  - {source: x-dsj, line: 5, knd: date-order, note: x}\n"},
                            r"check\.yml:2: unknown key 'knd' .*did you mean 'kind'"),
    "misspelt-entities-offices": ({"cfg/entities.yml": "office: [书记]\n"},
                                  r"entities\.yml:1: unknown key 'office' .*did you mean 'offices'"),
    "misspelt-organisation-aliases": ({"cfg/entities.yml": "organisations:\n  - {name: 甲, alises: [乙]}\n"},
                                      r"entities\.yml:2: unknown key 'alises' .*did you mean 'aliases'"),
    # field types
    "years-yes": ({"cfg/sources.yml": SOURCES.replace("[2001]", "[yes]")},
                  r"sources\.yml:7: 'years' must be a list of years \(whole numbers\), got 'yes'"),
    "complete-no": ({"cfg/sources.yml": _record("    complete: no\n")},
                    r"sources\.yml:8: 'complete' must be true or false, got 'no'"),
    "lines-text": ({"cfg/sources.yml": _record("    lines: 1-5\n")}, r"sources\.yml:8: 'lines' must be"),
    "content-year-float": ({"cfg/sources.yml": _record("    content_year: 2020.5\n")},
                           r"sources\.yml:8: 'content_year' must be a whole number, got '2020\.5'"),
    "inferred-unknown": ({"cfg/sources.yml": _record("    inferred: [titel]\n")},
                         r"sources\.yml:8: 'inferred' names 'titel'"),
    "encoding-unknown": ({"cfg/sources.yml": _record("    encoding: nonsense\n")},
                         r"sources\.yml:8: unknown encoding 'nonsense'"),
    "region-unknown": ({"cfg/sources.yml": SOURCES.replace("region: guta", "region: gutta")},
                       r"sources\.yml:2: source 'x-dsj' names unknown region 'gutta' \(did you mean 'guta'\?\)"),
    "title-control-character": ({"cfg/sources.yml": SOURCES.replace("title: 测试", 'title: "测\\x07试"')},
                                r"sources\.yml:4: 'title' contains a control character"),
    "region-code-leading-zero": ({"cfg/regions.yml": "regions:\n  - {id: guta, name: 古塔区, code: 0210702}\n"},
                                 r"regions\.yml:2: region 'guta' names code 0210702"),
    "topic-keywords-mapping": ({"cfg/topics.yml": "topics:\n  - {id: a, name: 甲, keywords: {x: 1}}\n"},
                               r"topics\.yml:2: 'keywords' must be a list of text, got a mapping"),
    "check-line-text": ({"cfg/check.yml": "accept:\n  - {source: x-dsj, line: five, kind: date-order, note: x}\n"},
                        r"check\.yml:2: 'line' must be a whole number"),
    "check-kind-unknown": ({"cfg/check.yml": "accept:\n  - {source: x-dsj, line: 5, kind: typo, note: x}\n"},
                           r"check\.yml:2: unknown kind 'typo'"),
    "organisation-without-name": ({"cfg/entities.yml": "offices: [书记]\norganisations:\n  - aliases: [甲]\n"},
                                  r"entities\.yml:3: missing required field 'name'"),
    "series-bad-pattern": ({"cfg/entities.yml": "series:\n  - name: 甲\n    patterns: ['(']\n"},
                           r"entities\.yml:3: bad pattern '\('"),
    "divisions-not-utf8": ({"cfg/divisions.csv": "code,name,level,parent\n21,辽宁省,省,\n".encode("gbk")},
                           r"divisions\.csv:2: not UTF-8"),
    "permalinks-not-utf8": ({"cfg/permalinks.tsv": "# id\turl\tlabel\nx-dsj\tsources/x-dsj/\t测试\n".encode("gbk")},
                            r"permalinks\.tsv:2: not UTF-8"),
    "divisions-without-name": ({"cfg/divisions.csv": "code,name,level,parent\n21,,省,\n"},
                               r"divisions\.csv:2: every division needs code, name and level"),
    # corrections
    "correction-negative-line": ({"cfg/corrections.yml": "corrections:\n  - {source: x-dsj, line: -3, wrong: 第一次, right: 第二次}\n"},
                                 r"corrections\.yml:2: 'line' must be a 1-based line number"),
    "correction-no-change": ({"cfg/corrections.yml": "corrections:\n  - {source: x-dsj, line: 5, wrong: 第一次, right: 第一次}\n"},
                             r"corrections\.yml:2: 'wrong' and 'right' must be non-empty and differ"),
    "correction-unknown-source": ({"cfg/corrections.yml": "corrections:\n  - {source: x-dsx, line: 5, wrong: 第一次, right: 第二次}\n"},
                                  r"corrections\.yml:2: correction names unknown source 'x-dsx' \(did you mean 'x-dsj'\?\)"),
    # missing files
    "missing-sources-yml": ({"cfg/sources.yml": None}, r"sources\.yml: file not found"),
    "missing-regions-yml": ({"cfg/regions.yml": None}, r"regions\.yml: file not found"),
    "missing-source-text": ({"src/x.txt": None}, r"x\.txt: source file of 'x-dsj' not found"),
    "lines-past-the-end": ({"cfg/sources.yml": _record("    lines: [1, 999]\n")},
                           r"sources\.yml:2: 'x-dsj' lines 1-999 exceed the \d+ lines of .*x\.txt"),
    # source bytes
    "source-empty": ({"src/x.txt": b" \n\n"}, r"x\.txt: the file is empty"),
    "source-binary": ({"src/x.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8}, r"x\.txt: looks like a binary file"),
    "source-big5": ({"src/x.txt": BIG5}, (r"x\.txt: cannot be sure of the encoding: .*big5.*`encoding:` field.*"
                                          r"sources\.yml.*\(its record: .*sources\.yml:2\)")),
    "source-shift-jis": ({"src/x.txt": SHIFT_JIS}, r"x\.txt: cannot be sure of the encoding: .*shift_jis.*`encoding:`"),
    "source-mixed": ({"src/x.txt": MIXED}, r"x\.txt:9: the file mixes encodings: this line is not UTF-8"),
    "source-declared-wrong": ({"src/x.txt": CHRONICLE.encode("gb18030"), "cfg/sources.yml": _record("    encoding: utf-8\n")},
                              r"x\.txt:1: not utf-8 as declared in sources\.yml"),
}
COMMANDS = ("build", "check", "permalinks")
# the commands that read a file: check.yml (reviewed findings) by `check` only, permalinks.tsv not by `check`
READ_BY = {"cfg/check.yml": ("check",), "cfg/permalinks.tsv": ("build", "permalinks")}
RUNS = [(case, command) for case in sorted(CASES) for command in COMMANDS
        if all(command in READ_BY.get(name, COMMANDS) for name in CASES[case][0])]


def _project(tmp_path: Path, files: dict[str, str | bytes | None]) -> Path:
    config, sources, work = tmp_path / "cfg", tmp_path / "src", tmp_path / "work"
    for folder in (config, sources, work):
        folder.mkdir(exist_ok=True)
    for path in (REPO / "site_config").iterdir():
        if path.is_file() and path.name not in ("sources.yml", "corrections.yml", "check.yml", "permalinks.tsv"):
            shutil.copyfile(path, config / path.name)
    (config / "sources.yml").write_text(SOURCES, "utf-8")
    (sources / "x.txt").write_text(CHRONICLE, "utf-8")
    for name, data in files.items():
        path = tmp_path / name
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return tmp_path


def _invoke(project: Path, args: list[str]):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(project / "work")  # the command's project folder (its cache, its docs/)
    try:
        return CliRunner().invoke(main, args)
    finally:
        os.chdir(cwd)


def _run(project: Path, command: str):  # type: ignore[no-untyped-def]
    return _invoke(project, [command, "--sources", str(project / "src"), "--config", str(project / "cfg")])


def _the_error_line(result) -> str:  # type: ignore[no-untyped-def]
    """The one ``fangzhi: error:`` line of a failed command, with no traceback anywhere."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("fangzhi: error: ")]
    assert len(errors) == 1, result.output
    return errors[0].removeprefix("fangzhi: error: ")


@pytest.mark.parametrize(("case", "command"), RUNS)
def test_user_errors_end_in_one_line(tmp_path: Path, case: str, command: str) -> None:
    files, expected = CASES[case]
    line = _the_error_line(_run(_project(tmp_path, files), command))
    assert re.search(expected, line), line


def test_a_stale_correction_stops_build_and_permalinks_and_check_reports_it(tmp_path: Path) -> None:
    project = _project(tmp_path, {"cfg/corrections.yml":
                                  "corrections:\n  - {source: x-dsj, line: 5, wrong: 第九次, right: 第二次}\n"})
    for command in ("build", "permalinks"):
        line = _the_error_line(_run(project, command))
        assert re.search(r"corrections\.yml:2: correction of x\.txt:5 .*no longer matches", line), line
    result = _run(project, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"corrections\.yml:2: error: stale-correction", result.output), result.output


PARSE_CASES: dict[str, tuple[bytes | None, str]] = {
    "missing": (None, r"x\.txt: file not found"),
    "empty": (b"\n \n", r"x\.txt: the file is empty"),
    "binary": (bytes(range(256)) * 8, r"x\.txt: looks like a binary file"),
    "big5": (BIG5, r"x\.txt: cannot be sure of the encoding: .*`encoding:`"),
    "shift-jis": (SHIFT_JIS, r"x\.txt: cannot be sure of the encoding"),
    "mixed": (MIXED, r"x\.txt:9: the file mixes encodings"),
}


@pytest.mark.parametrize("case", sorted(PARSE_CASES))
def test_parse_errors_end_in_one_line(tmp_path: Path, case: str) -> None:
    data, expected = PARSE_CASES[case]
    path = tmp_path / "x.txt"
    if data is not None:
        path.write_bytes(data)
    line = _the_error_line(CliRunner().invoke(main, ["parse", str(path)]))
    assert re.search(expected, line), line


def test_parse_a_folder(tmp_path: Path) -> None:
    line = _the_error_line(CliRunner().invoke(main, ["parse", str(tmp_path)]))
    assert str(tmp_path) in line and "folder" in line


# --- what must still work -------------------------------------------------------------------------


def test_text_fields_take_unquoted_scalars_as_written(tmp_path: Path) -> None:
    project = _project(tmp_path, {
        "cfg/sources.yml": SOURCES.replace("title: 测试", "title: no") + "    date: 2012-01-06\n    edition: 1.10\n",
        "cfg/entities.yml": "offices: 书记\nnot_names: 强调\norganisations:\n  - {name: yes, aliases: 是}\n",
    })
    cfg = load_config(project / "cfg")
    source = cfg.sources[0]
    assert (source.title, source.date, source.edition) == ("no", "2012-01-06", "1.10")
    assert cfg.entities.offices == ("书记",)  # one office, not its two characters
    assert cfg.entities.not_names == frozenset({"强调"})
    assert cfg.entities.organisations == {"yes": ("是",)}
    result = _run(project, "check")
    assert result.exit_code == 0, result.output


def test_declared_encoding_reads_big5_and_shift_jis(tmp_path: Path) -> None:
    for data, encoding in ((BIG5, "big5"), (SHIFT_JIS, "shift_jis")):
        project = _project(tmp_path, {"src/x.txt": data, "cfg/sources.yml": _record(f"    encoding: {encoding}\n")})
        result = _run(project, "check")
        assert result.exit_code == 0, result.output
        out = CliRunner().invoke(main, ["parse", str(project / "src" / "x.txt"), "--encoding", encoding])
        assert out.exit_code == 0, out.output
        events = [json.loads(ln) for ln in out.output.splitlines() if '"event"' in ln]
        assert [e["date"] for e in events] == ["2001-03-05", "2001-04"]
        assert events[0]["text"].startswith("古塔")


def test_control_characters_in_a_heading_never_reach_the_front_matter(tmp_path: Path) -> None:
    """They are removed at load (each in the ledger); and front matter is written so that any text reads
    back as the one plain line the page shows (builder/render/safe.py: controls dropped, lines joined)."""
    import yaml

    from builder.render.safe import plain_line, yaml_str

    project = _project(tmp_path, {"src/x.txt": CHRONICLE.replace("2001年", "2001\x1c年").replace("第一次", "第\x07一次")})
    out = _invoke(project, ["parse", str(project / "src" / "x.txt")])
    assert out.exit_code == 0, out.output
    records = [json.loads(ln) for ln in out.output.splitlines()]
    assert [r["text"] for r in records if r["type"] in ("section", "event")] == [
        "2001年", "古塔区召开第一次会议。", "全区开展检查。"]
    for text in ("a\x07b", "a\u2028b", "a\x85b", "a\x1cb", 'q"\\x', "tab\tnl\n"):
        assert yaml.safe_load("title: " + yaml_str(text))["title"] == plain_line(text)
