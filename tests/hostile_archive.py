"""A tiny archive whose every text and config field carries hostile payloads (tests/test_hostile_html.py).

Not a test module: ``write_hostile_archive`` writes ``site_config/`` and ``source_texts/``
into a folder; the test builds it with the real pipeline and MkDocs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTR = '" onmouseover="alert(1)'
MDLINK = "[x](javascript:alert(1))"
ATTR_LIST = '{: onclick="alert(1)" }'
JINJA = "{{ 7*7 }}{% raw %}"
QUOTES = "'「引」“号”《书》"
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A)) + "\x7f"
# a source text may hold a few control characters (more, or a NUL, and it is refused as binary)
TEXT_CONTROLS = "\x01\x02\x03\x08\x0b\x0c\x1b\x1f\x7f"
HTML_PAYLOADS = (SCRIPT, IMG, ATTR, MDLINK, JINJA)  # the parts of a payload that must show literally


def payload(tag: str, *, controls: bool = False, attr_list: bool = True) -> str:
    """A field's value: a readable tag (so each field can be found) and every payload.

    Control characters are left out of config fields by default: site_config/ refuses them
    with file:line (tests/test_hostile_errors.py); in source texts they are removed at load,
    each in the ledger (``TEXT_CONTROLS`` below); ``controls=True`` adds them all.

    ``attr_list`` ends the value with ``{: onclick=… }``, which Python-Markdown's attr_list
    reads as attributes of the block the value ends."""
    text = f"{tag}{SCRIPT}{IMG}{ATTR}{MDLINK}{JINJA}{QUOTES}"
    if controls:
        text += CONTROLS
    if attr_list:
        text += ATTR_LIST
    return text


def visible(tag: str) -> str:
    """What a reader must see of ``payload(tag)``: the tag and the payloads as literal text."""
    return f"{tag}{SCRIPT}{IMG}{ATTR}{MDLINK}{JINJA}"


SOURCE_TITLE = payload("文献题名甲")
YEARBOOK_TITLE = payload("年鉴题名乙")
REGION_NAME = payload("恶意街道")
REGION_ALIAS = "毒丸街道"  # an alias that occurs in the texts, so the region has records
TOPIC_NAME = payload("恶意主题")
ORG_NAME = payload("恶意机构")
SERIES_NAME = payload("恶意活动")
HEADING = "综述" + IMG + SCRIPT + MDLINK + JINJA + QUOTES  # a 部类 heading in the yearbook
SUBHEADING = "分目" + ATTR + MDLINK + ATTR_LIST
ENTRY_TITLE = "条目" + SCRIPT + MDLINK
NOTE = payload("勘误说明")
RETIRED_LABEL = payload("旧页标题", controls=False) + "\x01\x7f"  # a TSV line: no line breaks
DESCRIPTION = payload("文献说明")
PUBLISHER = payload("出版者")


CHRONICLE = f"""大事记

2020 年

2020.1 毒丸街道召开会议{SCRIPT}{IMG}{MDLINK}，宋晓东出席。毒丸庙会开幕。

2020.3 毒丸街道开展活动 {ATTR} {JINJA} {QUOTES}{TEXT_CONTROLS} 毒丸庙会闭幕。

2020.5 区委书记宋晓东到毒丸街道检查工作，错字错字。{ATTR_LIST}

2020.7 毒丸机关办公室组织学习{MDLINK}。
"""

YEARBOOK = f"""# 毒丸年鉴

# {HEADING}

**【{ENTRY_TITLE}】** 毒丸街道概况。毒丸机关办公室{IMG}成立。{ATTR_LIST}

## {SUBHEADING}

**【党建工作】** 2020年，毒丸街道党工委开展党建工作{SCRIPT}，毒丸庙会举办。

{MDLINK} 一段正文 {IMG}{TEXT_CONTROLS}

# 党的建设

**【组织工作】** 2020年，毒丸街道组织部门{ATTR}开展工作。
"""


def write_hostile_archive(dest: Path) -> tuple[Path, Path]:
    """``dest/site_config`` and ``dest/source_texts`` of the hostile archive; returns both."""
    cfg = dest / "site_config"
    texts = dest / "source_texts"
    cfg.mkdir(parents=True)
    texts.mkdir(parents=True)
    for name in ("divisions.csv", "entities.yml"):
        shutil.copy(REPO / "site_config" / name, cfg / name)
    (texts / "duwan-dsj.txt").write_text(CHRONICLE, encoding="utf-8")
    (texts / "duwan-nianjian.md").write_text(YEARBOOK, encoding="utf-8")

    def dump(name: str, data: object) -> None:
        (cfg / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    dump("sources.yml", {"sources": [
        {"id": "duwan-dsj", "file": "duwan-dsj.txt", "title": SOURCE_TITLE, "genre": "chronicle",
         "region": "duwan", "years": [2020], "editor": payload("编者"), "description": DESCRIPTION,
         "publisher": PUBLISHER, "edition": payload("版本"), "inferred": ["title"]},
        {"id": "duwan-yearbook", "file": "duwan-nianjian.md", "title": YEARBOOK_TITLE, "genre": "yearbook",
         "region": "duwan", "years": [2020], "content_year": 2020, "editor": payload("编辑部")},
    ]})
    regions = yaml.safe_load((REPO / "site_config" / "regions.yml").read_text("utf-8"))
    regions["regions"].append({"id": "duwan", "name": REGION_NAME, "level": "街道", "parent": "guta",
                               "aliases": [REGION_ALIAS, payload("别名", controls=False)],
                               "history": [payload("沿革")], "valid_from": "2001"})
    dump("regions.yml", regions)
    topics = yaml.safe_load((REPO / "site_config" / "topics.yml").read_text("utf-8"))
    first = topics["topics"][0]
    first["name"] = TOPIC_NAME
    first["categories"] = [*first.get("categories", []), HEADING, "党的建设"]
    dump("topics.yml", topics)
    entities = yaml.safe_load((cfg / "entities.yml").read_text("utf-8"))
    entities["series"].append({"name": SERIES_NAME, "patterns": ["毒丸庙会"]})
    entities["organisations"].append({"name": ORG_NAME, "aliases": ["毒丸机关办公室"],
                                      "history": [payload("机构沿革")]})
    dump("entities.yml", entities)
    dump("corrections.yml", {"corrections": [
        {"source": "duwan-dsj", "line": 9, "wrong": "错字错字", "right": "错字", "note": NOTE},
    ]})
    dump("check.yml", {"accept": []})
    (cfg / "permalinks.tsv").write_text(
        "# id\turl\tlabel\n"
        f"sources/duwan-gone/\tsources/duwan-gone/\t{RETIRED_LABEL}\n"
        f"duwan-dsj-e20200101-abcdef\tsources/duwan-dsj/#duwan-dsj-e20200101-abcdef\t{RETIRED_LABEL}\n",
        encoding="utf-8")
    return cfg, texts
