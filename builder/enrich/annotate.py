"""Enrich parsed documents: stable ids, regions and topics on every record.

Ids are derived from content (source id + date + a hash of the record's own
text and section path), never from position, so an edit elsewhere in a source
does not change them. Two records with identical content get ``-2``, ``-3`` in
file order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from builder.config import SiteConfig
from builder.enrich.classify import TopicClassifier, example_text
from builder.enrich.people import surnames_from_jieba
from builder.model.document import Document, Entry, Event, Region, Section, Topic, short_hash
from builder.sources.normalise import compact

# ---------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------


def _event_id(doc: Document, ev: Event) -> str:
    date = re.sub(r"\D", "", ev.date.start.iso())
    return f"{doc.source.id}-e{date}-{short_hash(compact(ev.text)[:80])}"


def _entry_id(doc: Document, en: Entry) -> str:
    return f"{doc.source.id}-t{short_hash('/'.join(en.path), en.title, compact(en.text)[:80])}"


def _section_id(doc: Document, sec: Section, path: tuple[str, ...]) -> str:
    return f"{doc.source.id}-s{short_hash('/'.join(path), sec.title, sec.kind)}"


def assign_ids(doc: Document) -> None:
    seen: Counter[str] = Counter()

    def unique(ident: str) -> str:
        seen[ident] += 1
        return ident if seen[ident] == 1 else f"{ident}-{seen[ident]}"

    doc.root.id = doc.source.id

    def visit(sec: Section, path: tuple[str, ...]) -> None:
        for child in sec.children:
            if isinstance(child, Section):
                sub = (*path, child.title)
                child.id = unique(_section_id(doc, child, sub))
                visit(child, sub)
            elif isinstance(child, Event):
                child.source_id = doc.source.id
                child.path = child.path or path
                child.id = unique(_event_id(doc, child))
            elif isinstance(child, Entry):
                child.source_id = doc.source.id
                child.path = child.path or path
                child.id = unique(_entry_id(doc, child))

    visit(doc.root, ())


# ---------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------


def _valid_in(region: Region, year: int) -> bool:
    start = int(region.valid_from[:4]) if region.valid_from else None
    end = int(region.valid_to[:4]) if region.valid_to else None
    return (start is None or year >= start) and (end is None or year <= end)


# The yearly code lists re-code units: a district of 1980 the data starts under a new code in 1983
# (伊春区) is the same district. A unit the data starts at most this many years after a text's year
# stands for the unit of that name in use then; one it starts later (西峰市 of 1985 for a text of 1955,
# 西峰区 of 2002) is another unit, not yet there.
LATER_WINDOW = 5
# 专区 and 地区 are units of the People's Republic (from 1949): before it, the data's 地区 is not meant,
# and a name that is a 县 and a 县级市 is the 县 (信阳 in 1936: 信阳县)
PRC_FROM = 1949


def _county_second(year: int | None) -> str:
    """Of a 县 and a 县级市 of one name, the level that comes second: the county before 1949 (信阳
    in 1936), else the city (都匀 in 1964: 都匀市; the county prints as 都匀县)."""
    return "县级市" if year is not None and year < PRC_FROM else "县"


def _starts_soon(region: Region, year: int) -> bool:
    """Whether ``region`` has not ended by ``year`` and the data starts it within ``LATER_WINDOW``
    years after it (see ``LATER_WINDOW``)."""
    start = int(region.valid_from[:4]) if region.valid_from else None
    end = int(region.valid_to[:4]) if region.valid_to else None
    return (end is None or end >= year) and (start is None or start <= year + LATER_WINDOW)


def _gone_by(region: Region, year: int) -> bool:
    """Whether ``region`` had ended before ``year`` (淮阴市 for a text of 2016)."""
    return bool(region.valid_to) and int(region.valid_to[:4]) < year


MAX_EXAMPLES = 4000  # labelled 条目 used to train the topic classifier

CITY_LEVELS = {"地级市", "地区", "自治州", "盟", "直辖市"}
PROVINCE_LEVELS = {"省", "自治区", "直辖市", "特别行政区"}
COUNTY_LEVELS = {"区", "县", "县级市"}
# levels whose units, outside the document's province, a short form names only where the record places them (names
# their province or city, ``_far_named``): counties (同江), and the prefectures that are no city, whose short forms name
# the land, a mountain or a people as often (凉山 of 云南's 凉山彝务办事处 is not 四川's 凉山彝族自治州)
FAR_SHORT_LEVELS = frozenset(COUNTY_LEVELS | {"自治州", "地区", "盟"})
LOCAL_LEVELS = {"街道", "乡", "镇", "村", "社区", "开发区", "乡级单位"}
_RANK = {**dict.fromkeys(PROVINCE_LEVELS, 0), **dict.fromkeys(CITY_LEVELS - {"直辖市"}, 1),
         **dict.fromkeys(COUNTY_LEVELS, 2)}  # the rest: 3
# levels whose units, outside the document's province, count only where the record says where they are
# (names the city or the province they lie in): the names of 区 are often words (解放区, 新城区, 城关区)
FAR_LEVELS = frozenset({"区"})
# a name this many units of the data bear (城厢镇, 城关镇: the town around a county's walls) names, in a text of a county
# or of a place inside one, a unit of that county only: the text's own 城厢镇, not another county's of the same city
SHARED_LOCAL = 5
_CODE_POINTS = 0x110000
# a name inside quotation marks or a book title is a name of something else (“抚顺”轮, 《连云港日报》)
_QUOTED = re.compile(r"“[^“”]{0,40}”|‘[^‘’]{0,40}’|《[^《》]{0,60}》|「[^「」]{0,40}」|『[^『』]{0,40}』|〈[^〈〉]{0,40}〉"
                     r'|"[^"]{0,40}"')
_NOT_PLACE_AFTER = ("轮", "舰", "号轮", "牌", "杯")  # a ship, a brand, a trophy named after the place
# a list of bare names that a level word closes (南河、刘隔、马口等8个公社; 元马、江边、班果区; 辖武威、天祝5个县):
# every name of it is a unit of that level, its suffix left off; the level word's units, by level
_CJK = "\u3400-\u9fff\U00020000-\U0003134f"
_LIST = re.compile(f"([{_CJK}]{{1,8}})((?:、[{_CJK}]{{1,6}}?){{1,40}}?)(?:等)?(?:[0-9〇零一二三四五六七八九十两]{{1,3}}个)?"
                   "(人民公社|公社|乡镇|街道|乡|镇|区|县)")
# a list that no level word closes (经赤沙、香泉、新街抵陇县; 洪濑、诗山、石井改乡为镇): its names are the 乡/镇 they are
# only where (nearly) all are, and the list is not of villages, brigades or schools of those names
_OPEN_LIST = re.compile(f"[{_CJK}]+(?:、[{_CJK}]+){{2,40}}")
_OPEN_LIST_MIN = 3
# (a list a count closes, ``董志、彭原、什社、西峰4个新解放区``, is of what the count's noun says; ``西坡、山河、湫头部分大队``
# names the 公社 of those brigades)
_NOT_LOCAL_AFTER = re.compile("(?:部分|各|等)?(?:[0-9〇零一二三四五六七八九十两几]+个|村|大队|生产队|小队|小学|中学|学校)")
_LIST_LEVELS = {"县": frozenset({"县", "县级市"}), "区": frozenset({"区", "乡", "镇", "街道"}),
                "街道": frozenset({"街道"}), **dict.fromkeys(("人民公社", "公社", "乡镇", "乡", "镇"), frozenset({"乡", "镇"}))}
# before a place, a word of its own: a preposition, a conjunction, a measure word (19家澳门中资企业), 原 "former"
# (原南京军区: a chronicle's way to name what a place had, far more often than the surname 原)
# ``省和县领导``, ``乡、镇长和县参议员``: a conjunction before 县 and the word 县 opens (县委, 县长, 县参议员), not
# 和县 of 安徽: a county's two-character name that is a conjunction and 县, there
# (九台 1945: ``杨华任县长`` — 任 "take office as", a verb before the post, not 任县 of 河北; ``县政府和县大队``: the county's
# armed company, not 和县)
_CONJUNCTIONS = frozenset("和与及或同暨任")
_COUNTY_WORDS = ("委", "长", "政府", "人民", "参议", "级", "直", "属", "领导", "干部", "机关", "大队", "中队", "武装", "保安")
# the offices of a 专区/地区 after its name (石家庄行政督察专员公署 in 1945): the name is the 地区, in any year
_PREFECTURE_OFFICES = ("行政督察专员公署", "专员公署", "行政公署", "行署", "专署", "地委")
_NOT_SURNAME_HERE = frozenset("于在从向和与及对把将被为以到至赴经由自同跟往来任驻回离抵返去进入出留家名位个原")
_BRACKETED_CHAR = re.compile(f"(?<=[{_CJK}])[(（]([{_CJK}])[)）]")
_BRACKETED_PART = re.compile(f"[(（]([{_CJK}]{{2,4}})[)）]")
_LOCAL_SUFFIX = re.compile("人民公社|公社|街道|乡|镇")
# what a unit's name ends with, left off in such a list (河镇彝族苗族乡: 河镇; 天祝藏族自治县: 天祝)
_UNIT_SUFFIX = re.compile(f"(?:[{_CJK}]{{1,4}}?族)*(?:自治县|自治旗|街道办事处|街道|人民公社|公社|乡|镇|区|县|市|旗)$")


# the word of a level right after a short form (嫩江|省 of 1945, 武宣|乡 and 武宣|人民公社 of 1958): the unit of that level
# and that name (a province the data lacks, a 乡 or a 公社 named after its county), not the unit the short form is of,
# unless that unit is of this level; 县 and 市 are not among them (县城, 市场, 市民 follow a county or a city)
_LEVEL_WORDS = (("人民公社", frozenset()), ("公社", frozenset()), ("省", frozenset(PROVINCE_LEVELS)),
                ("街道", frozenset({"街道"})), ("乡", frozenset({"乡"})), ("镇", frozenset({"镇"})))


def _level_after(text: str, end: int) -> frozenset[str] | None:
    """The levels the word of a level right at ``end`` means (``_LEVEL_WORDS``), or None."""
    return next((levels for word, levels in _LEVEL_WORDS if text.startswith(word, end)), None)


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold(name: str) -> str:
    """A name in simplified characters, variants folded (垌塚 → 垌冢, as texts print it)."""
    return _converter().convert(name)


@lru_cache(maxsize=1)
def _trad_chars() -> frozenset[str]:
    """The characters (CJK and its compatibility block) that OpenCC's t2s changes."""
    chars = [chr(i) for i in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00))]
    return frozenset(a for a, b in zip(chars, _converter().convert("\n".join(chars)).split("\n")) if a != b)


def fold_text(text: str) -> str:
    """``text`` in simplified characters where it holds traditional ones (廣東省 → 广东省), offsets
    kept: a conversion that would change the length (a phrase of another length) is not made."""
    if not _trad_chars().intersection(text):
        return text
    folded = _converter().convert(text)
    return folded if len(folded) == len(text) else text


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """jieba's part of speech of every word of its dictionary (``ns``: a place name)."""
    quiet_jieba()
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _earliest(units: list[Region]) -> list[Region]:
    """Of units none of which was yet in use in a year, those that came first (the data starts a
    unit of 1980 in 1983; the same name re-created in 2019 is a later unit)."""
    if not units:
        return units
    first = min(u.valid_from or "" for u in units)
    return [u for u in units if (u.valid_from or "") == first]


def _positions(spans: list[tuple[int, int]]) -> frozenset[int]:
    """The offsets these (start, end) spans cover."""
    return frozenset(i for a, b in spans for i in range(a, b))


def _index_table(chars: list[str]) -> np.ndarray:
    """By code point: 1 + the character's place in ``chars``, or 0 where it is not there."""
    table = np.zeros(_CODE_POINTS, dtype=np.uint16 if len(chars) < 2**16 else np.uint32)
    table[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1)
    return table


# after a short form, a street, a square or a park named after the place (中山路, 人民广场) is not the place; an
# institution (a university, a hotel) is, where the short form is a province's or a city's (河南大学, 威海宾馆:
# ``_INSTITUTION_WORDS``) and not an ordinary word or a person's name (中山大学, 黄山宾馆: ``COMMON_SHORT``)
_INSTITUTION_WORDS = ("大学", "学院", "饭店", "宾馆", "酒店", "大厦")
_STREET_WORDS = ("路", "街", "大街", "大道", "巷", "公园", "广场", *_INSTITUTION_WORDS)


# short forms of prefectures that are ordinary words or other things more often than the city
# (渡口 a ferry, 开封 to unseal, 黄山 the mountain, 普洱 the tea): outside the province they are not the city
COMMON_SHORT = frozenset({"渡口", "开封", "东方", "大同", "来宾", "阿里", "安康", "白银", "中山", "普洱", "黄山", "白山",
                          "金华", "海东", "山南", "三明", "玉林", "吉安", "永州", "通化", "宜春", "安顺", "长治", "清远"})


# a route named by its two ends: 同江至三亚公路, 青岛到同江的航线 is not one (the ends must join the word)
_ROUTE_TO = ("至", "到")
_ROUTE_WORDS = ("公路", "铁路", "高速", "国道", "省道", "航线", "线", "段", "管道")
# what names an organisation at its end (an enterprise, a bureau, a station): a district's name that is an
# ordinary word (东风, 友好) names the district before a trade and one of these (东风林业局, 友好木材加工厂)
ORGANISATION_SUFFIXES = ("公司", "厂", "局", "所", "场", "站", "矿")
# trades that say what an organisation does to the thing named before it (港口管理局: the port's
# administration, not an office of a district 港口)
# facilities named after the unit they lie in (喜河电站, 周村连接线, a port: 鳌江港): a unit's name that is an ordinary word
# names the unit also right before one of these
# an address: a 乡/镇 named bare, then one of its villages (迁来蟠龙大韩村): two or three characters and 村, not a word of
# the 村's own (村委, 村民)
_VILLAGE_AFTER = re.compile(f"[{_CJK}]{{2,3}}村(?![委民])")
# the division data's note on a unit that ended: the units of its day its land went to (scripts/import_divisions.py)
_SHARED_LAND = re.compile("其地域后属([^。；]+)")
# a water work takes the name of its water or its site (玉溪引水工程: the 玉溪 stream); a short form of a unit of another
# province before one is that water's name, not the far unit, unless the record places it (``_far_named``)
_WATER_WORKS = ("引水", "水库", "水电站", "电站", "灌区", "渠")
# a district named after a famous mountain (泰山区, named after 泰山: a place name of jieba's dictionary that ends in
# 山): bare, its stem is the mountain (泰山获金奖, 泰山东岳庙会), so it names the district only as a ``~`` name does
# (before an organisation or a facility); a stem jieba does not know (乌伊岭 of 伊春) is the district's own name. Not
# rivers and lakes: a district named after one (天河, 松江, 罗湖, 椒江) is named bare as the district far more often
_LANDFORM_ENDS = ("山",)
_FACILITY_WORDS = ("电站", "水电站", "水库", "大桥", "连接线", "隧道", "机场", "码头", "火车站", "港")
LOCAL_BARE = True
_TENDED = ("管理", "服务", "建设", "开发", "保护", "养护", "维修", "监测", "规划", "工程")
_NOUN_TAGS = ("n", "vn", "b")  # jieba: nouns (n, nz, nt, ns…), verbal nouns, attributives


def _common_word(word: str) -> bool:
    return word in COMMON_SHORT


def quiet_jieba():  # type: ignore[no-untyped-def]
    """jieba, its dictionary loaded without the lines it prints to stderr by default."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return jieba


def _word_bounds(text: str) -> frozenset[int]:
    """Offsets where jieba puts a word boundary in ``text`` (0 and len included)."""
    jieba = quiet_jieba()
    out, i = {0}, 0
    for word in jieba.lcut(text, HMM=False):
        i += len(word)
        out.add(i)
    return frozenset(out)


@dataclass
class Gazetteer:
    regions: list[Region]
    by_id: dict[str, Region] = field(init=False)
    names: dict[str, list[Region]] = field(init=False)
    lengths: dict[str, tuple[int, ...]] = field(init=False)  # a name's first two characters -> lengths, longest first
    _chains: dict[str, tuple[str, ...]] = field(init=False, repr=False, default_factory=dict)
    _deixis: dict[str, dict[str, str]] = field(init=False, repr=False, default_factory=dict)
    # for names_in_each, by code point: its row among the names' first characters (0: none starts
    # with it), its column among their second characters (0: none), whether it is a one-character
    # name; and by row and column, whether some name starts with those two characters
    _row: np.ndarray = field(init=False, repr=False, compare=False)
    _col: np.ndarray = field(init=False, repr=False, compare=False)
    _single: np.ndarray = field(init=False, repr=False, compare=False)
    _pair: np.ndarray = field(init=False, repr=False, compare=False)
    _resolved: dict[tuple[str, str, int | None, str], tuple[str, ...]] = field(init=False, repr=False,
                                                                            default_factory=dict)
    _short_only: frozenset[str] = field(init=False, repr=False, compare=False)  # names that are only short forms
    _bounds: dict[str, frozenset[int]] = field(init=False, repr=False, default_factory=dict)
    _children: dict[str, list[Region]] = field(init=False, repr=False, compare=False)
    _stems: dict[str, dict[str, list[Region]]] = field(init=False, repr=False, default_factory=dict)
    _districts: dict[str, dict[str, list[Region]]] = field(init=False, repr=False, default_factory=dict)
    _far: dict[tuple[str, str, int | None, str], str] = field(init=False, repr=False, default_factory=dict)
    _home: dict[tuple[str, str], bool] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.regions}
        self.names = {}
        full: set[str] = set()
        for r in self.regions:
            for name in (r.name, *r.aliases):
                if name:
                    self.names.setdefault(name, []).append(r)
                    full.add(name)
            for name in r.short:
                if name and r not in self.names.get(name, ()):
                    self.names.setdefault(name, []).append(r)
        trad = _trad_chars()
        for name in [n for n in self.names if trad.intersection(n)]:  # 垌塚镇 also as texts print it, 垌冢镇
            folded = fold_text(name)
            for r in self.names[name]:
                if folded != name and r not in self.names.get(folded, ()):
                    self.names.setdefault(folded, []).append(r)
                    if name in full:
                        full.add(folded)
        self._short_only = frozenset(self.names.keys() - full)
        self._children = {}
        for r in self.regions:
            if r.parent:
                self._children.setdefault(r.parent, []).append(r)
        by_start: dict[str, set[int]] = {}
        for name in self.names:
            by_start.setdefault(name[:2], set()).add(len(name))
        self.lengths = {start: tuple(sorted(ns, reverse=True)) for start, ns in by_start.items()}
        firsts = sorted({name[0] for name in self.names})
        seconds = sorted({name[1] for name in self.names if len(name) > 1})
        self._row = _index_table(firsts)
        self._col = _index_table(seconds)
        self._single = np.zeros(_CODE_POINTS, dtype=bool)
        self._single[[ord(name) for name in self.names if len(name) == 1]] = True
        self._pair = np.zeros((len(firsts) + 1, len(seconds) + 1), dtype=bool)
        for name in self.names:
            if len(name) > 1:
                self._pair[self._row[ord(name[0])], self._col[ord(name[1])]] = True

    def ancestors(self, region_id: str) -> list[str]:
        return list(self._chain(region_id))

    def _chain(self, region_id: str) -> tuple[str, ...]:
        """``ancestors``, memoised (every record asks about the same few units)."""
        chain = self._chains.get(region_id)
        if chain is None:
            out = []
            current = self.by_id.get(region_id)
            while current is not None and current.id not in out:
                out.append(current.id)
                current = self.by_id.get(current.parent) if current.parent else None
            chain = self._chains[region_id] = tuple(out)
        return chain

    def deixis(self, doc_region: str) -> dict[str, str]:
        """我区/我市/我省/我县 resolved relative to the document's region."""
        if doc_region not in self._deixis:
            out: dict[str, str] = {}
            for rid in self._chain(doc_region):
                level = self.by_id[rid].level
                key = {"区": "我区", "县": "我县", "县级市": "我市", "地级市": "我市", "省": "我省"}.get(level)
                if key and key not in out:
                    out[key] = rid
            self._deixis[doc_region] = out
        return dict(self._deixis[doc_region])

    def home_city(self, region_id: str) -> str:
        """The prefecture-level unit (or the top of the chain) a region belongs to."""
        chain = self._chain(region_id)
        return next((r for r in chain if self.by_id[r].level in CITY_LEVELS), chain[-1] if chain else region_id)

    def province(self, region_id: str) -> str:
        chain = self._chain(region_id)
        return chain[-1] if chain else region_id

    def names_in(self, text: str) -> list[str]:
        """Place names in ``text``, left to right, the longest at each position, never overlapping:
        what one regex alternating all names, longest first, finds (that regex took 1.5 s a build)."""
        return self.names_in_each([text])[0]

    def _name_at(self, text: str, i: int) -> int:
        """Length of the longest name that starts at ``text[i]``; 0 if none does."""
        for n in self.lengths.get(text[i : i + 2], ()):  # names of two or more characters, longest first
            if text[i : i + n] in self.names:
                return n
        return 1 if text[i] in self.names else 0

    def names_in_each(self, texts: list[str]) -> list[list[str]]:
        """``names_in`` of every text, in one pass over all of them."""
        return [[name for _, name in found] for found in self.spans_in_each(texts)]

    def spans_in_each(self, texts: list[str]) -> list[list[tuple[int, str]]]:
        """(offset, name) of the place names of every text, in one pass over all of them.

        numpy picks the positions where a name can begin: its first two characters
        begin some name, or it is a one-character name. That is about one in ten of
        the positions whose first character alone would qualify, so the Python loop
        below sees far fewer."""
        out: list[list[tuple[int, str]]] = [[] for _ in texts]
        if not texts or not self.names:
            return out
        joined = "\x00".join(texts)  # no name holds a \x00: none is found across two texts
        starts = np.cumsum([0] + [len(t) + 1 for t in texts])
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        rows = self._row[codes]
        at = np.flatnonzero(rows)
        second = self._col[np.append(codes[1:], 0)[at]]
        at = at[self._pair[rows[at], second] | self._single[codes[at]]]
        text_of = np.searchsorted(starts[1:], at, side="right")
        end = 0  # found names never overlap: the next one starts at or after the last one's end
        for i, k in zip(at.tolist(), text_of.tolist()):
            if i < end:
                continue
            n = self._name_at(joined, i)
            if n:
                out[k].append((i - int(starts[k]), joined[i : i + n]))
                end = i + n
        return out

    def mentions(self, text: str, doc_region: str, year: int | None = None) -> list[str]:
        """Region ids named in ``text``.

        A name counts where it names a place: not inside quotation marks or a book title
        (“抚顺”轮, 《连云港日报》), not as a ship or brand (抚顺轮), and a short form (连云港,
        安国) only as a word of its own. Names of 街道/乡/镇/村 repeat across the country, so
        they count only when the unit lies in the document's own city; short forms of counties
        only in its province. A name that still fits several units resolves to the one that
        existed in ``year`` and lies nearest the document's region (or, after a name of a
        larger unit: 江苏省连云港市海州区, inside that unit), else to none.
        """
        return self.mentions_each([text], doc_region, [year])[0]

    def mentions_each(self, texts: list[str], doc_region: str, years: list[int | None]) -> list[list[str]]:
        """``mentions`` of each text (with the year of each) in a document of ``doc_region``."""
        compacted = [self._unbracket(fold_text(compact(text))) for text in texts]  # 廣東省 as 广东省
        deixis = self.deixis(doc_region)
        out = []
        for text, year, spans in zip(compacted, years, self.spans_in_each(compacted)):
            found: list[str] = []
            quoted = [m.span() for m in _QUOTED.finditer(text)] if spans or self.districts(doc_region) else []
            within, within_end = "", -1
            named: list[tuple[int, int]] = []  # where a name was taken for a unit
            far: list[tuple[int, int, str]] = []  # short forms of counties of other provinces, held back
            for start, name in spans:
                end = start + len(name)
                if any(a < start and end < b for a, b in quoted) or text.startswith(_NOT_PLACE_AFTER, end):
                    named.append((start, end))
                    continue
                after_unit = start == within_end and not text.startswith(_STREET_WORDS, end)  # 上海|浦东
                if name in self._short_only and not after_unit and not self._is_word(text, start, end, short=True):
                    continue  # a short form only as a word of its own, or right after a larger unit
                if self._conjunction_county(text, start, end):
                    continue  # 省和县领导: not 和县
                ids = self._resolve(name, doc_region, year, within if start == within_end else "")
                if ids and name in self._short_only and not after_unit and (levels := _level_after(text, end)) is not None \
                        and not any(self.by_id[rid].level in levels for rid in ids):
                    continue  # 嫩江|省 (a province of 1945–1949), 武宣|乡, 武宣|人民公社: another unit of that name
                if text.startswith(_PREFECTURE_OFFICES, end) and (prefecture := self._prefecture(name, year)):
                    ids = (prefecture,)  # 石家庄行政督察专员公署: the 专区, not the city
                if not ids and name in self._short_only and (
                        unit := self._far_short(name, doc_region, year, within if start == within_end else "")):
                    far.append((start, end, unit))
                if ids and len(name) <= 3 and not self._near(ids, doc_region) and not self._is_word(text, start, end):
                    continue  # 召开县…, 百佳县, 振兴山区: not 开县, 佳县, 兴山区 of another city
                if ids and start != within_end and name in self._short_only and text.startswith(_WATER_WORKS, end) \
                        and not self._in_province(ids, doc_region):
                    if len(ids) == 1:  # 玉溪引水工程 in 丽水: a local stream's work, not 云南's 玉溪 unless
                        far.append((start, end, ids[0]))  # the record names 云南 (``_far_named``)
                    continue
                if len(ids) == 1 and start != within_end and self._far_unit(ids[0], doc_region):
                    far.append((start, end, ids[0]))  # 新解放区, 解放区进行土改: not 焦作's 解放区 unless
                    continue  # the record names 焦作 or 河南 (``_far_named``)
                if ids and start and name in self._short_only and not self._near(ids, doc_region) \
                        and self._given_name(text, start):
                    named.append((start, end))
                    continue  # 司令员乔吉林: a person, not 吉林 (a short form after a surname that stands alone)
                for rid in ids:
                    if rid not in found:
                        found.append(rid)
                if ids:
                    named.append((start, end))
                within, within_end = (ids[0], end) if len(ids) == 1 else ("", -1)
                if len(ids) == 1 and text.startswith(("(", "（"), end):
                    for rid in self._bracketed_part(text, end, ids[0], year):
                        if rid not in found:
                            found.append(rid)
            for rid in self._far_named(text, far, named, found):
                if rid not in found:
                    found.append(rid)
            for rid in self._bare_districts(text, doc_region, year, [*named, *quoted]):
                if rid not in found:
                    found.append(rid)
            for rid in self._renamed_locals(text, doc_region, year, named):
                if rid not in found:
                    found.append(rid)
            for rid in self._list_members(text, doc_region, year) if "、" in text else ():
                if rid not in found:
                    found.append(rid)
            for rid in self._open_list_members(text, doc_region, year) if "、" in text else ():
                if rid not in found:
                    found.append(rid)
            for word, rid in deixis.items():
                if word in text and rid not in found:
                    found.append(rid)
            out.append(_unique([doc_region if self.is_home(rid, doc_region) else rid for rid in found]))
        return out

    def heirs(self, region_id: str) -> set[str]:
        """The units of the present a unit's land went to: its successors followed to the present, and at
        each step the units the division data's note lists (九台市, 撤销 2014: ``其地域后属二道区（220105）、
        九台区（220113）``), each followed to the present."""
        out, seen, current = set(), set(), self.by_id.get(region_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            out.add(self.present(current.id))
            out.update(self.shares(current.id))
            current = self.by_id.get(current.successor) if current.valid_to and current.successor else None
        return out

    def is_home(self, region_id: str, doc_region: str) -> bool:
        """Whether a unit is the document's own place at another time: it bears the home's name (its unit
        suffix left off: 九台县 of 1945 for 九台区, 宁蒗彝族自治县, 准格尔旗) and its land went to the home
        (the division data's successors and notes), or the home's to it, or it ended, with no successor in
        the data, the year the home began (重庆市 of 四川, 1997: 重庆市 the municipality). Every record
        carries the home already (its earlier unit is not another place the record names)."""
        if region_id == doc_region:
            return True
        known = self._home.get((region_id, doc_region))
        if known is not None:
            return known
        unit, home = self.by_id.get(region_id), self.by_id.get(doc_region)
        same = False
        if unit is not None and home is not None and _UNIT_SUFFIX.sub("", unit.name) == _UNIT_SUFFIX.sub("", home.name):
            same = self.present(doc_region) in self.heirs(region_id) or self.present(region_id) in self.heirs(doc_region) \
                or (bool(unit.valid_to) and not unit.successor and unit.valid_to[:4] == home.valid_from[:4])
        self._home[(region_id, doc_region)] = same
        return same

    def _prefecture(self, name: str, year: int | None) -> str:
        """The one 地区 (专区) ``name`` names, not ended by ``year`` and started by it or soon after, or ""."""
        units = [c for c in self.names[name] if c.level == "地区"
                 and (year is None or _starts_soon(c, year))]
        return units[0].id if len(units) == 1 else ""

    @staticmethod
    def _conjunction_county(text: str, start: int, end: int) -> bool:
        """Whether a two-character name ``X县`` is a conjunction after another word and the 县 of the word
        that follows (``乡、镇长和县参议员``, ``省和县领导``: ``_CONJUNCTIONS``, ``_COUNTY_WORDS``)."""
        return end - start == 2 and text[end - 1] == "县" and text[start] in _CONJUNCTIONS and start > 0 \
            and "\u3400" <= text[start - 1] <= "\u9fff" and text.startswith(_COUNTY_WORDS, end)

    def _far_short(self, name: str, doc_region: str, year: int | None, within: str = "") -> str:
        """The one county-level unit (else 自治州, 地区 or 盟: ``FAR_SHORT_LEVELS``) outside the document's province
        that ``name`` is the short form of (同江: 同江市 of 黑龙江, 浦东: 浦东新区, 凉山: 凉山彝族自治州), in use in
        ``year`` (or not yet ended), inside ``within`` where it follows that unit's name (天津|滨海), or ""; memoised. ``_candidates``
        leaves such units out: alone, the name is too often something else."""
        key = (name, doc_region, year, within)
        unit = self._far.get(key)
        if unit is None:
            province = self.province(doc_region)
            units = [c for c in self.names[name] if name in c.short and c.level in FAR_SHORT_LEVELS
                     and province not in self._chain(c.id) and not _common_word(name)
                     and (not within or within in self._chain(c.id))]
            if year is not None:
                units = [c for c in units if _valid_in(c, year)] or [c for c in units if _starts_soon(c, year)]
            units = [c for c in units if c.level in COUNTY_LEVELS] or [
                c for c in units if c.level != "地区" or year is None or year >= PRC_FROM]  # a county before a 自治州
            if len(units) > 1:  # a 县 and a 县级市 of that name: as in ``_candidates``
                second = _county_second(year)
                units = [c for c in units if c.level != second] or units
            unit = self._far[key] = units[0].id if len(units) == 1 else ""
        return unit

    def _in_province(self, ids: tuple[str, ...], doc_region: str) -> bool:
        """Whether any of these units lies in the document's province."""
        province = self.province(doc_region)
        return any(province in self._chain(rid) for rid in ids)

    def _far_unit(self, region_id: str, doc_region: str) -> bool:
        """Whether the unit is one of ``FAR_LEVELS`` outside the document's province: the text must
        say where it is (``_far_named``)."""
        unit = self.by_id[region_id]
        return unit.level in FAR_LEVELS and self.province(doc_region) not in self._chain(region_id)

    def _far_named(self, text: str, far: list[tuple[int, int, str]], named: list[tuple[int, int]],
                   found: list[str]) -> list[str]:
        """Of the held-back short forms of counties of other provinces, those the text places: the
        text also names the province or city the county lies in (在上海…浦东), or the name is one
        end of a route whose other end is a place it names (同江至三亚公路, 青岛至同江铁路)."""
        taken = {a: b for a, b in named}
        ends = {b: a for a, b in named}
        out = []
        for start, end, unit in far:
            if set(self._chain(unit)[1:]) & set(found):
                out.append(unit)
                continue
            if text.startswith(_ROUTE_TO, end) and (other := taken.get(end + 1)) is not None:
                route_at = other  # 同江至三亚公路
            elif start >= 2 and text[start - 1] in _ROUTE_TO and start - 1 in ends:
                route_at = end  # 青岛至同江铁路
            else:
                continue
            if text.startswith(_ROUTE_WORDS, route_at):
                out.append(unit)
        return out

    def stems(self, doc_region: str) -> dict[str, list[Region]]:
        """The units below the document's region (as it was and as it is now), by their name with
        its unit suffix left off (南河乡 → 南河, 天祝藏族自治县 → 天祝) in simplified characters,
        memoised."""
        stems = self._stems.get(doc_region)
        if stems is None:
            stems = self._stems[doc_region] = {}
            todo = list(dict.fromkeys((doc_region, self.present(doc_region))))
            seen = set(todo)
            while todo:
                for child in self._children.get(todo.pop(), ()):
                    if child.id in seen:
                        continue
                    seen.add(child.id)
                    todo.append(child.id)
                    stem = _UNIT_SUFFIX.sub("", child.name)
                    if len(stem) >= 2 and stem != child.name:
                        stems.setdefault(_fold(stem), []).append(child)
            for share in self.shares(doc_region):  # 宝鸡县's land in 金台区 and 陈仓区: their 乡 and 镇 (蟠龙, 赤沙)
                for child in self._children.get(share, ()):
                    stem = _UNIT_SUFFIX.sub("", child.name)
                    if child.level in ("乡", "镇") and child.id not in seen and len(stem) >= 2 and stem != child.name:
                        seen.add(child.id)
                        stems.setdefault(_fold(stem), []).append(child)
        return stems

    def shares(self, region_id: str) -> list[str]:
        """The units of the present that a unit's land went to besides its successor (``present``), as the
        division data's note on it lists them (宝鸡县, 撤销 2003: ``其地域后属渭滨区（610302）、金台区（610303）、
        陈仓区（610304）``: 金台区 and 陈仓区), each followed to the present; [] for a unit that went whole."""
        unit = self.by_id.get(region_id)
        if unit is None or not unit.valid_to:
            return []
        main = self.present(region_id)
        out: list[str] = []
        for note in unit.history:
            m = _SHARED_LAND.search(note)
            for code in re.findall(r"（(\d{6})）", m.group(1)) if m else ():
                if code in self.by_id and (rid := self.present(code)) != main and rid not in out:
                    out.append(rid)
        return out

    def _unbracket(self, text: str) -> str:
        """A name whose last character is printed in brackets, as abbreviations are spelt out
        (``潍(坊)莱(阳)高速公路``, ``沈（阳）大（连）公路``), read whole: the bracket is dropped where
        that makes a name."""
        if "(" not in text and "（" not in text:
            return text

        def join(m: re.Match[str]) -> str:  # not a kind of unit in brackets: 街道（镇）, 市(县) say "or"
            if m.group(1) in "省市县区乡镇村旗州盟":
                return m.group(0)
            before = text[max(0, m.start() - 3):m.start()]
            whole = any(before[i:] + m.group(1) in self.names for i in range(len(before)))
            return m.group(1) if whole else m.group(0)

        return _BRACKETED_CHAR.sub(join, text)

    def _bracketed_part(self, text: str, at: int, unit: str, year: int | None) -> list[str]:
        """A unit of ``unit`` named without its suffix in brackets right after it (``青岛(市南)``: 市南区)."""
        m = _BRACKETED_PART.match(text, at)
        if m is None:
            return []
        parts = self.stems(unit).get(_fold(m.group(1)), [])
        if len(parts) > 1 and year is not None:
            parts = [u for u in parts if _valid_in(u, year)]
        return [parts[0].id] if len(parts) == 1 else []

    def districts(self, doc_region: str) -> dict[str, list[Region]]:
        """The 区 of the document's city (as it was and as it is now) by their name without 区,
        memoised. A name that is an ordinary word in jieba's dictionary (友好, 东风, 古塔; not a place
        name there nor missing: 乌伊岭, 石湾) or a famous landform's (泰山: ``_LANDFORM_ENDS``) is kept
        under a key with a leading ``~``: it names the
        district only before the name of an organisation (``_organisation_after``) or a facility
        (``_FACILITY_WORDS``: 周村连接线). In a document of a county, its 乡 and 镇 are kept too, all
        under ``~``: bare, such a name is as often a 村, a brigade or a school of that place (仁居、八社两个
        大队, 庙头小学), so only before an organisation or a facility (喜河电站) it names the 乡/镇."""
        table = self._districts.get(doc_region)
        if table is None:
            table = self._districts[doc_region] = {}
            tags = _word_tags()
            for home in sorted(self._homes(doc_region)):
                for unit in self._children.get(home, ()):
                    stem = unit.name.removesuffix("区")
                    if unit.level == "区" and len(stem) >= 2 and stem != unit.name:
                        tag = tags.get(stem)
                        known_landform = tag == "ns" and stem.endswith(_LANDFORM_ENDS)
                        key = stem if tag in ("ns", None) and not known_landform else f"~{stem}"
                        table.setdefault(key, []).append(unit)
            if self.by_id[doc_region].level in COUNTY_LEVELS:  # a county's 乡/镇 (喜河电站, 池河农田)
                for county in dict.fromkeys((doc_region, self.present(doc_region), *self.shares(doc_region))):
                    for unit in self._children.get(county, ()):
                        stem = _UNIT_SUFFIX.sub("", unit.name)
                        if unit.level in ("乡", "镇") and len(stem) >= 2 and stem != unit.name:
                            table.setdefault(f"~{stem}", []).append(unit)
        return table

    def _organisation_after(self, text: str, end: int) -> bool:
        """Whether the name of an organisation follows ``text[end]``: a trade of two characters or
        more, words that are all nouns in jieba's dictionary, then one of ``ORGANISATION_SUFFIXES``
        (电业所, 木材综合加工厂, 林业局), its trade saying nothing the organisation does *to* the
        thing named before it (港口管理局, 古塔公园管理所: ``_TENDED``) — the way an enterprise or a
        bureau carries the name of its district (大丰电业所, 东风林业局)."""
        tags = _word_tags()
        words = quiet_jieba().lcut(text[end:end + 16], HMM=False)
        trade = ""
        for word in words:
            suffix = next((s for s in ORGANISATION_SUFFIXES if word.endswith(s)), "")
            if suffix:
                trade += word.removesuffix(suffix)
                return len(trade) >= 2 and not any(w in trade for w in _TENDED)
            if not tags.get(word, "").startswith(_NOUN_TAGS):
                return False
            trade += word
        return False

    def _bare_districts(self, text: str, doc_region: str, year: int | None, named: list[tuple[int, int]]) -> list[str]:
        """A 区 of the document's city named without 区 (开往乌伊岭方向, 石湾美术陶瓷厂; a name that
        is an ordinary word only before an organisation's name: 东风林业局, not 东风 or 古塔 alone):
        a word of its own where no name was taken and outside quotation marks and book titles
        (``named``), not a person's given name, the 区 of ``year``."""
        table = self.districts(doc_region)
        taken = _positions(named) if table else frozenset()
        out: list[str] = []
        for key, units in table.items():
            stem = key.removeprefix("~")
            at = text.find(stem)
            while at >= 0:
                end = at + len(stem)
                if taken.isdisjoint(range(at, end)) and self._is_word(text, at, end) \
                        and self._is_word(text, end, end) and not (at and self._given_name(text, at)) \
                        and (stem == key or text.startswith(_FACILITY_WORDS, end)
                             or self._organisation_after(text, end) or _VILLAGE_AFTER.match(text, end)):
                    kept = [u for u in units if year is None or _valid_in(u, year)] or _earliest([
                        u for u in units if year is None or _starts_soon(u, year)])
                    if len(kept) == 1 and kept[0].id not in out:
                        out.append(kept[0].id)
                    break
                at = text.find(stem, end)
        return out

    def _renamed_locals(self, text: str, doc_region: str, year: int | None, named: list[tuple[int, int]]) -> list[str]:
        """乡/镇/公社/街道 of the document's region named with a suffix the data no longer has (洞头县
        东屏镇 of 2006 is the data's 东屏街道, 刘家隔公社 its 刘家隔镇): where the name was not taken
        for a unit, its stem is one 乡, 镇 or 街道 below the document's region (of ``year`` where
        several are), and the stem starts a word."""
        if not _LOCAL_SUFFIX.search(text):
            return []
        stems = self.stems(doc_region)
        taken = _positions(named)
        out: list[str] = []
        for m in _LOCAL_SUFFIX.finditer(text):
            for n in (4, 3, 2):
                lo = m.start() - n
                if lo < 0 or not taken.isdisjoint(range(lo, m.end())):
                    continue
                units = [u for u in stems.get(_fold(text[lo:m.start()]), ()) if u.level in ("乡", "镇", "街道")]
                if len(units) > 1 and year is not None:
                    units = [u for u in units if _valid_in(u, year)]
                if len(units) == 1 and self._is_word(text, lo, m.end()):
                    if units[0].id not in out:
                        out.append(units[0].id)
                    break
        return out

    @staticmethod
    def _abbreviated(stems: dict[str, list[Region]], name: str) -> list[str]:
        """Stems that ``name`` shortens by leaving out one character, its first kept (刘隔: 刘家隔;
        杨林: 杨林沟)."""
        out = []
        for stem in stems:
            if len(stem) == len(name) + 1 and stem[0] == name[0] and any(
                    stem[:i] + stem[i + 1:] == name for i in range(1, len(stem))):
                out.append(stem)
        return out

    def _list_members(self, text: str, doc_region: str, year: int | None) -> list[str]:
        """Units named bare in a list that a level word closes (``南河、刘隔、马口等8个公社``,
        ``元马、江边、班果区``): each name that is, with its suffix left off, one unit of that level
        below the document's region (the one of ``year`` where several are). The first name is the
        longest end of the words before the first 、 that is such a name and starts a word
        (``成立南河`` → 南河; not 凌河 of 小凌河). A list counts only where at least half of its
        names are units: ``项目建设、文明城市创建、…核心区`` is not a list of 街道."""
        stems = self.stems(doc_region)
        out: list[str] = []
        for m in _LIST.finditer(text):
            levels = _LIST_LEVELS[m.group(3)]
            head, lo = m.group(1), m.start(1)
            first = next((head[i:] for i in range(max(0, len(head) - 5), len(head) - 1)
                          if _fold(head[i:]) in stems and self._is_word(text, lo + i, m.end(1))), "")
            names = m.group(2).split("、")[1:]
            found = []
            for name in (first, *names):
                units = [u for u in stems.get(_fold(name), ()) if u.level in levels]
                if not units and len(name) >= 2:  # 刘隔 for 刘家隔, 杨林 for 杨林沟: one character left out
                    units = [u for st in self._abbreviated(stems, _fold(name)) for u in stems[st] if u.level in levels]
                if len(units) > 1 and year is not None:
                    units = [u for u in units if _valid_in(u, year)]
                if len(units) == 1:
                    found.append(units[0].id)
            if 2 * len(found) >= 1 + len(names):
                out.extend(rid for rid in found if rid not in out)
        return out

    def _open_list_members(self, text: str, doc_region: str, year: int | None) -> list[str]:
        """乡/镇/街道 of the document's region named bare in a list that no level word closes (陈仓 1946:
        ``绕道经赤沙、香泉、新街抵陇县``; 南安 1984: ``洪濑、诗山、石井改乡为镇``): a list of at least
        ``_OPEN_LIST_MIN`` names, each of which (all but one in a list of four or more) is, with its suffix
        left off, one such unit (the one of ``year`` where several are), not followed by the word of a
        village, a brigade or a school (``_NOT_LOCAL_AFTER``). The first name is the longest end of the
        words before the first 、 that is such a unit and starts a word, the last the longest start of
        the words after the last 、 (石井|改乡为镇)."""
        stems = self.stems(doc_region)
        if not stems:
            return []
        out: list[str] = []
        for m in _OPEN_LIST.finditer(text):
            parts = m.group(0).split("、")
            head, tail = parts[0], parts[-1]
            first = next((head[i:] for i in range(max(0, len(head) - 4), len(head) - 1)
                          if _fold(head[i:]) in stems and self._is_word(text, m.start() + i, m.start() + len(head))),
                         head[-2:])
            last = next((tail[:n] for n in (4, 3, 2) if len(tail) >= n and _fold(tail[:n]) in stems), tail[:2])
            after = m.end() - len(tail) + len(last)
            if _NOT_LOCAL_AFTER.match(text, after):
                continue
            names = [first, *parts[1:-1], last]
            found = []
            for name in names:
                units = [u for u in stems.get(_fold(name), ()) if u.level in ("乡", "镇", "街道")]
                if len(units) > 1 and year is not None:
                    units = [u for u in units if _valid_in(u, year)]
                if len(units) == 1:
                    found.append(units[0].id)
            if len(names) >= _OPEN_LIST_MIN and len(found) >= len(names) - (len(names) >= 4):
                out.extend(rid for rid in found if rid not in out)
        return out

    def _near(self, ids: tuple[str, ...], doc_region: str) -> bool:
        """Whether all these units lie in the document's city or hold the document."""
        homes = self._homes(doc_region)
        mine = set(self._chain(doc_region)) | set(self._chain(self.present(doc_region)))
        return all(rid in mine or homes & set(self._chain(rid)) for rid in ids)

    def present(self, region_id: str) -> str:
        """The unit of the present a unit became (its successors followed), or itself."""
        seen = [region_id]
        while (unit := self.by_id.get(seen[-1])) and unit.valid_to and unit.successor and len(seen) < 12:
            if unit.successor in seen:
                break
            seen.append(unit.successor)
        return seen[-1]

    def _homes(self, doc_region: str) -> set[str]:
        """The document's city, as it was and as it is now (孝感地区 and 孝感市 for 汉川县 of 1960)."""
        return {self.home_city(doc_region), self.home_city(self.present(doc_region))}

    def _given_name(self, text: str, start: int) -> bool:
        """Whether the name at ``start`` follows a surname that jieba leaves as a word of its own
        (乔|吉林, 李|南京): a person's given name. Not after a character that is more often a
        preposition or a conjunction (于南京, 和吉林)."""
        ch = text[start - 1]
        if start > 1 and (text[start - 2].isdigit() or text[start - 2] in "一二三四五六七八九十两几多"):
            return False
        return ch in surnames_from_jieba() and ch not in _NOT_SURNAME_HERE and self._is_word(text, start - 1, start) \
            and self._is_word(text, start, start + 1)

    def _is_word(self, text: str, start: int, end: int, short: bool = False) -> bool:
        """Whether jieba starts a word at ``text[start]`` (孙中山 has no 中山, 召开县 no 开县) and, for a
        short form, no road, school or hotel follows (中山路 is a street, not 中山市)."""
        if short and text.startswith(_STREET_WORDS, end) and not (
                text.startswith(_INSTITUTION_WORDS, end) and self._names_institution(text[start:end])):
            return False
        lo, hi = max(0, start - 6), min(len(text), end + 6)
        window = text[lo:hi]
        bounds = self._bounds.get(window)
        if bounds is None:
            bounds = self._bounds[window] = _word_bounds(window)
        return start - lo in bounds

    def _names_institution(self, name: str) -> bool:
        """Whether ``name``, before a university's or a hotel's word, names the place: it is the short
        form of a province or a prefecture-level unit (河南大学, 威海宾馆) and not an ordinary word or a
        person's name (``COMMON_SHORT``: 中山大学, 黄山宾馆)."""
        return not _common_word(name) and any(
            name in r.short and r.level in PROVINCE_LEVELS | CITY_LEVELS for r in self.names.get(name, ()))

    def _resolve(self, name: str, doc_region: str, year: int | None, within: str = "") -> tuple[str, ...]:
        """The units a name means in a document of ``doc_region`` about ``year``, right after the
        name of the unit ``within`` (or "") (see ``mentions``), memoised."""
        key = (name, doc_region, year, within)
        ids = self._resolved.get(key)
        if ids is None:
            ids = self._resolved[key] = tuple(c.id for c in self._candidates(name, doc_region, year, within))
        return ids

    def _candidates(self, name: str, doc_region: str, year: int | None, within: str) -> list[Region]:
        candidates = self.names[name]
        if within:
            inside = [c for c in candidates if c.id != within and within in self._chain(c.id)]
            if inside:
                candidates = inside
            else:  # 佛山市市区: no 市区 of 佛山, so 濮阳's 市区 stays as far as anywhere else
                within = ""
        if year is not None:  # the units of that year; else those the data starts soon after (its 伊春区
            # from 1983 for a text of 1980: LATER_WINDOW); else, by their full name only, units gone by
            # then (淮阴 in 2016 is not 淮阴市)
            if year < PRC_FROM:
                candidates = [c for c in candidates if c.level != "地区"]
            candidates = [c for c in candidates if _valid_in(c, year)] or [
                c for c in candidates if _starts_soon(c, year)] or [
                c for c in candidates if (name == c.name or name in c.aliases) and _gone_by(c, year)]
        province = self.province(doc_region)
        homes = {h for h in self._homes(doc_region) if self.by_id.get(h) and self.by_id[h].level not in PROVINCE_LEVELS}
        counties = {r for d in (doc_region, self.present(doc_region)) for r in self._chain(d)
                    if self.by_id[r].level in COUNTY_LEVELS}
        kept = []
        for c in candidates:
            chain = set(self._chain(c.id))
            short = name in c.short and name != c.name and name not in c.aliases
            local = c.level in LOCAL_LEVELS or (c.level == "区" and len(c.name) == 2)  # 城区, 郊区, 矿区
            if local and not within and (not homes & chain if homes else province not in chain):
                continue
            if local and not within and counties and not counties & chain and len(self.names[name]) >= SHARED_LOCAL:
                continue  # 城厢镇 in a text of 武宣: the 武宣县 one of 民国, not 兴宾区's of the same city
            if short and province not in chain and (c.level in FAR_SHORT_LEVELS or _common_word(name)):
                continue  # 同江, 渡口 (a ferry) outside the province: too often something else
            kept.append(c)
        if len(kept) <= 1:
            return kept
        mine = (*self._chain(doc_region), *self._chain(self.present(doc_region)))

        def nearness(c: Region) -> int:
            return len(set(self._chain(c.id)) & set(mine))

        best = max(map(nearness, kept))
        kept = [c for c in kept if nearness(c) == best]
        if len(kept) > 1:  # a full name before a short form; a larger unit before a smaller (淮阴: the city);
            # a city before the 地区 of its name (石家庄 in 1980: the city; the 地区 prints as 石家庄地区)
            # and before the 县 of its name (都匀 in 1964: 都匀市; the county prints as 都匀县), but
            # before 1949 the 县 (信阳 in 1936: 信阳县; see PRC_FROM)
            county_second = _county_second(year)

            def order(c: Region) -> tuple[bool, int, bool, bool]:
                return (name in c.short and name != c.name, _RANK.get(c.level, 3), c.level == "地区",
                        c.level == county_second)

            kept = sorted(kept, key=order)
            kept = [c for c in kept if order(c) == order(kept[0])]
        if len(kept) > 1:
            inside = [c for c in kept if doc_region in self._chain(c.id)]
            kept = inside if len(inside) == 1 else []
        return kept


# ---------------------------------------------------------------------------
# topics
# ---------------------------------------------------------------------------


# Words that, right after a body's name, make it a person's office: ``市人大常委会主任主持…`` is
# a person chairing a meeting, not the 人大 acting; ``市委书记…`` is not the 市委.
OFFICES = ("主任", "副主任", "主席", "副主席", "书记", "副书记", "第一书记", "部长", "副部长", "局长", "副局长",
           "院长", "副院长", "检察长", "副检察长", "庭长", "理事长", "副理事长", "会长", "副会长", "委员", "常委",
           "党组", "秘书长", "司令", "副司令", "政委", "巡视员", "厅长", "副厅长", "处长", "所长", "站长", "组长",
           "总指挥", "副总指挥", "指挥长", "负责人", "领导", "一行", "干部", "监察专员", "行长", "署长")
ACTOR_WITHIN = 16  # a body acts when its name starts this close to the record's beginning (its subject)
CUE_LEAD = 1.5  # category words decide when their topic outscores the next by this factor
ACTOR_MARK, WORDS_MARK = 0xE000, 0xE800  # private-use code points: for_classifier's marks, one per topic
CLASSIFIER_MARGIN = 0.3  # the classifier is confident when its best topic leads the next by this much
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")
# before a body, these make it an object, a partner or a place, not the subject of the record
_NOT_SUBJECT = re.compile(r"与|向|对|和|同|给|将|把|被|由|在|到|赴|召开|举行|举办|会见|参加|出席|获|联合|率|带领")
# a leading clause of purpose or circumstance: the subject follows it
_LEADING = re.compile(r"为|在.*之际|根据|按照|围绕|面对|结合|由.*(?:主办|承办|举办|组织)")
_MEETING = re.compile(r"(?:召开|举行)(?:了)?(.{2,32}?)(?:会议|大会|座谈会|推进会|动员会|全会|讲用会)"
                      r"|^(.{2,32}?(?:会议|大会|座谈会|推进会|全会))(?:在.{1,16})?(?:召开|举行|开幕)")
# a change of name or of rank of a unit (改郪县为新城县, 洵阳县属之): 建置沿革
_DIVISION = re.compile(r"改\w{1,6}?(?:县|州|郡|府|乡|镇|区|市)为|属之|析置|始置|置\w{1,4}县")
_HONOUR = re.compile(r"荣誉称号|(?:评为|授予|命名为|荣获|获评|表彰).{0,24}(?:先进|模范|标兵|劳动模范)|"
                     r"(?:先进|模范|劳动模范).{0,12}(?:表彰|记功)|记功|表彰(?:了|大会)")
# right after a body: an act on itself (it is set up, reshaped, renamed, moved or renewed, or adds
# departments of its own), not on a field (县政府成立游击队 is the 游击队's)
_OWN_ACT = re.compile(r"(?:第.{1,4}届)?(?:在.{1,12}?)?(?:正式)?(?:(?:成立|建立|组建|撤销|撤消|改组|改称|更名|换届)(?:$|[，,。])"
                      r"|迁(?:往|至|驻|到)|移驻|(?:增设|设立|下设).{1,12}?部(?:$|[、，,。]))")
_SENTENCE_END = re.compile(r"[。；;！!？?]")


def _t2s() -> object | None:
    """OpenCC's traditional→simplified converter (the taxonomy's words are simplified)."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - a dependency of Fangzhi
        return None
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Actor:
    """What the opening of a record says it is: a topic, and whether it comes from a body that
    governs every field (市委, 市政府: ``Topic.governing``), whose acts the record's words place."""

    topic: str
    governs: bool = False


@dataclass
class Taxonomy:
    topics: list[Topic]
    by_category: dict[str, str] = field(init=False)
    # (topic id, cue word) by the word's first character: a word can occur only where that character does
    _cues: dict[str, list[tuple[str, str]]] = field(init=False, repr=False)
    _firsts: frozenset[str] = field(init=False, repr=False)
    _empty_cues: list[tuple[str, str]] = field(init=False, repr=False)  # an empty word is "in" every text
    _title_topic: dict[str, str | None] = field(init=False, repr=False, default_factory=dict)  # from_path, memoised
    _body_topic: dict[str, str] = field(init=False, repr=False)
    _governing: set[str] = field(init=False, repr=False)  # bodies that govern every field (Topic.governing)
    _inner: dict[str, dict[str, int]] = field(init=False, repr=False, default_factory=dict)  # _body_words
    _index: dict[str, int] = field(init=False, repr=False)
    _bodies: re.Pattern[str] | None = field(init=False, repr=False)
    _offices: re.Pattern[str] = field(init=False, repr=False)
    _body_lengths: list[int] = field(init=False, repr=False)
    _fold: object | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self.by_category = {}
        for t in self.topics:
            for c in t.categories:
                self.by_category.setdefault(compact(c), t.id)
        self._cues, self._empty_cues = {}, []
        for t in self.topics:
            for kw in t.keywords:
                if kw:
                    self._cues.setdefault(kw[0], []).append((t.id, kw))
                else:
                    self._empty_cues.append((t.id, kw))
        self._firsts = frozenset(self._cues)
        self._index = {t.id: i for i, t in enumerate(self.topics)}
        self._body_topic = {}
        self._governing = set()
        for t in self.topics:
            for body in (*t.bodies, *t.governing):
                if compact(body) and compact(body) not in self._body_topic:
                    self._body_topic[compact(body)] = t.id
                    if body in t.governing:
                        self._governing.add(compact(body))
        names = sorted(self._body_topic, key=lambda b: (-len(b), b))  # the longest name at each position
        self._bodies = re.compile("|".join(map(re.escape, names))) if names else None
        self._offices = re.compile("|".join(map(re.escape, sorted(OFFICES, key=len, reverse=True))))
        self._body_lengths = sorted({len(b) for b in self._body_topic}, reverse=True)

    def from_path(self, path: tuple[str, ...]) -> list[str]:
        """Topics from the yearbook's own labels, innermost first."""
        out = []
        for title in reversed(path):
            if title not in self._title_topic:
                self._title_topic[title] = self.by_category.get(compact(title))
            tid = self._title_topic[title]
            if tid and tid not in out:
                out.append(tid)
        return out[:2]

    def cue_scores(self, text: str) -> dict[str, int]:
        """Each topic's cue-word score in ``text``: each occurrence scores the word's length, except
        inside the name of a body of another topic (民政 in 人民政府, 工业 in 工业和信息化局 of 工业 stays)."""
        return self._scores(text, 0)[0]

    def _scores(self, text: str, head: int) -> tuple[dict[str, int], dict[str, int]]:
        """``cue_scores`` of ``text`` and of its first ``head`` characters (which end a sentence), with
        one pass for the bodies named."""
        scores, first = self._word_scores(text), self._word_scores(text[:head]) if head else {}
        if self._bodies is not None:
            for m in self._bodies.finditer(text):
                for tid, v in self._body_words(m.group()).items():
                    scores[tid] = scores.get(tid, 0) + v
                    if m.end() <= head:
                        first[tid] = first.get(tid, 0) + v
        for tid, _ in self._empty_cues:
            scores[tid] = scores.get(tid, 0)
            first[tid] = first.get(tid, 0)
        return scores, first

    def _word_scores(self, text: str) -> dict[str, int]:
        scores: dict[str, int] = {}
        for first in self._firsts.intersection(text):  # only words whose first character is in the text
            for tid, kw in self._cues[first]:
                n = text.count(kw)
                if n:
                    scores[tid] = scores.get(tid, 0) + n * len(kw)
        return scores

    def _body_words(self, body: str) -> dict[str, int]:
        """What naming ``body`` adds to the cue-word scores (memoised): the words inside its name of
        other topics are taken back, and the name scores its length for its own topic (a governing
        body, named in any record, nothing)."""
        if body not in self._inner:
            own = self._body_topic[body]
            inner = self._word_scores(body)
            delta = {t: -v for t, v in inner.items() if t != own}
            if body not in self._governing and len(body) > inner.get(own, 0):
                delta[own] = len(body) - inner.get(own, 0)
            self._inner[body] = delta
        return self._inner[body]

    def from_text(self, text: str, limit: int = 3) -> list[str]:
        """Topics by their cue words, the highest score first."""
        scores = self.cue_scores(text)
        return [tid for tid, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def fold(self, text: str) -> str:
        """``text`` compacted and in simplified characters, as the taxonomy's words are written."""
        if self._fold is None:
            self._fold = _t2s() or False
        text = compact(text)
        return self._fold.convert(text) if self._fold else text  # type: ignore[attr-defined]

    def _subject(self, clause: str, *, anywhere: bool = False) -> re.Match[str] | None:
        """Where ``clause`` names the body that is its subject: named within ``ACTOR_WITHIN``
        characters (``anywhere``: at any place) after nothing but a place name, and not followed by
        an office (then it names a person). Of bodies named one after the other (区委政法委员会,
        市委统战部) the last, the most particular, is the one."""
        if self._bodies is None:
            return None
        found = None
        end = -1
        for m in self._bodies.finditer(clause):
            if not anywhere and m.start() >= ACTOR_WITHIN:
                break
            if m.start() == end and found is not None:  # the next body of a chain
                found = m
            elif found is not None or not anywhere and _NOT_SUBJECT.search(clause, 0, m.start()):
                break
            else:
                found = m
            end = m.end()
            if self._offices.match(clause, end):  # a person's office: the chain names a person
                found = None
                end = -1
        if found is None or (not anywhere and clause[end:end + 1] in ("与", "和", "同", "、")):
            return None  # several bodies act together (县委、县政府…, 市政府与…大学…): the words decide
        return found

    def untitled(self, text: str) -> str:
        """``text`` without the offices of the people it names (市人大常委会主任, 市委书记): their
        words say who was there, not what the record is about. Each office found is taken out with
        the chain of bodies just before it (read backwards: offices are few, bodies many)."""
        if not self._body_lengths:
            return text
        out: list[str] = []
        last = 0
        for m in self._offices.finditer(text):
            start = m.start()
            while start > last:
                n = next((n for n in self._body_lengths if text[max(start - n, 0):start] in self._body_topic), 0)
                if not n or start - n < last:
                    break
                start -= n
            if start < m.start():
                out.append(text[last:start])
                last = m.end()
        out.append(text[last:])
        return "".join(out)

    def for_classifier(self, text: str, folded: str | None = None) -> str:
        """What the classifier reads of a record's ``text``: folded (``fold``), after one mark for
        the topic of the body that opens it and one for the topic its category words score highest
        (the words alone, not the bodies it names: 0.846 → 0.854 on held-out 条目). The marks are
        private-use characters, one per topic, that no text holds: the classifier learns how far
        to trust each (bench/classifier.py: 0.845 → 0.850 on held-out 条目)."""
        folded = self.fold(text) if folded is None else folded
        readable = text if text else folded
        scores = self._word_scores(self.untitled(folded))
        words = sorted(scores, key=lambda t: (-scores[t], t))[:1]
        actor = self.from_actor(folded)
        marks = "".join(chr(base + self._index[t]) for base, t in ((ACTOR_MARK, actor), (WORDS_MARK, words[0] if words else None)) if t)
        return marks + readable

    def from_actor(self, text: str) -> str | None:
        """What the opening of ``text`` (folded) says the record is (``actor``), as a topic."""
        found = self.actor(text)
        return found.topic if found else None

    def actor(self, text: str) -> Actor | None:
        """What the opening of ``text`` (folded) says the record is: an honour (荣誉称号, 被评为…先进),
        a meeting named after a body or a field (召开市委常委会会议, 召开全县农村工作会议), or the act
        of the body that is its subject (市人大常委会召开…, 区妇联组织…, 县人民政府公安局成立)."""
        sentence = _SENTENCE_END.split(text, 1)[0]
        if _HONOUR.search(sentence):
            return Actor("rongyu")
        if _DIVISION.search(sentence) and "gaimao" in self._index:
            return Actor("gaimao")
        meeting = _MEETING.search(sentence)
        if meeting:  # its name: the field it is about (区委经济工作会议) first, else the body that holds it
            name = meeting.group(0)[2:] if meeting.group(1) else meeting.group(2)
            field_topic = self.from_words(name)[0]
            if field_topic:
                return Actor(field_topic)
            body = self._subject(name, anywhere=True)
            if body:
                return self._acting(body.group(), own=True)
        clauses = _CLAUSE_END.split(sentence)
        # after a leading clause of purpose (为进一步…，…，区科协联合…) the subject follows
        for clause in clauses[1:6] if _LEADING.match(clauses[0]) else clauses[:1]:
            body = self._subject(clause[: ACTOR_WITHIN + 16])
            if body:  # its own session (召开全体会议) or its own founding or reshaping (县人民政府成立)
                own = bool(meeting) or bool(_OWN_ACT.match(clause, body.end()))
                return self._acting(body.group(), own=own)
        return None

    def _acting(self, body: str, *, own: bool) -> Actor:
        """The topic of ``body`` acting; a governing body (``Topic.governing``) acting on something
        else than itself lets the record's words decide."""
        return Actor(self._body_topic[body], governs=body in self._governing and not own)

    def from_words(self, text: str) -> tuple[str | None, dict[str, float]]:
        """The topic the category words of ``text`` (folded) point to (``words``), and every topic's score."""
        topic, scores, _ = self.words(text)
        return topic, scores

    def words(self, text: str) -> tuple[str | None, dict[str, float], bool]:
        """The topic the category words (and the bodies named) of ``text`` (folded) point to, every
        topic's score (the first sentence counts twice: it says what the record is about), and whether
        that topic leads the next by ``CUE_LEAD``. When none leads so, of the topics close to the best
        the one the text names first (where two subjects are named, the first decides)."""
        whole, first = self._scores(text, len(_SENTENCE_END.split(text, 1)[0]))
        scores: dict[str, float] = dict(whole)
        for tid, v in first.items():
            scores[tid] = scores.get(tid, 0) + v
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked or ranked[0][1] <= 0:
            return None, scores, False
        if len(ranked) == 1 or ranked[0][1] >= CUE_LEAD * ranked[1][1]:
            return ranked[0][0], scores, True
        close = [tid for tid, v in ranked if v * CUE_LEAD > ranked[0][1]]
        named = self._first_named(text, set(close))
        return min(close, key=lambda tid: (named.get(tid, len(text)), close.index(tid))), scores, False

    def _first_named(self, text: str, topics: set[str]) -> dict[str, int]:
        """Where ``text`` first names a cue word or a (not governing) body of each of ``topics``."""
        at: dict[str, int] = {}
        for tid in topics:
            found = [i for i in (text.find(kw) for kw in self.topics[self._index[tid]].keywords if kw) if i >= 0]
            if found:
                at[tid] = min(found)
        for m in self._bodies.finditer(text) if self._bodies is not None else ():
            tid = self._body_topic[m.group()]
            if tid in topics and m.group() not in self._governing and m.start() < at.get(tid, len(text)):
                at[tid] = m.start()
        return at


Pending = list[tuple[Event | Entry | Section, str]]  # records waiting for the classifier, with its input
Labelled = tuple[list[Event | Entry | Section], list[str], list[str]]  # records of a document, their titles and texts


def enrich(doc: Document, cfg: SiteConfig, gazetteer: Gazetteer, taxonomy: Taxonomy,
           classifier: TopicClassifier | None = None) -> None:
    """Assign ids, regions and topics to every record of ``doc`` in place.

    Topics: a 条目 or section takes the topic its own yearbook heading maps to;
    everything else takes what its words decide (``event_decisions``), the
    classifier only where they decide nothing. A close call (no topic's words
    clearly ahead) sets ``topic_possible``: the site shows the topic as possible.
    """
    assign_ids(doc)
    _predict_topics(_label(doc, gazetteer, taxonomy, classifier), taxonomy, classifier)


def _label(doc: Document, gazetteer: Gazetteer, taxonomy: Taxonomy, classifier: TopicClassifier | None) -> Pending:
    """Regions and heading or cue-word topics of every record of ``doc`` (ids assigned);
    return the records whose topics the classifier must predict."""
    labelled = _records_of(doc)
    pending = _label_topics(labelled, taxonomy, classifier)
    _label_regions(doc, labelled, gazetteer)
    return pending


def _records_of(doc: Document) -> Labelled:
    """The records of ``doc`` (events, 条目, sections) in order, with their titles and texts."""
    nodes = [n for n in doc.root.walk() if isinstance(n, (Event, Entry, Section))]
    titles = [n.title if isinstance(n, (Entry, Section)) else "" for n in nodes]
    return nodes, titles, [n.full_text for n in nodes]


def _label_topics(labelled: Labelled, taxonomy: Taxonomy, classifier: TopicClassifier | None) -> Pending:
    """Heading or cue-word topics of these records (the cheap part of ``_label``); return
    those whose topics the classifier must predict, which are left as they are."""
    pending: Pending = []
    for node, title, text in zip(*labelled):
        topics = _heading_topics(node, taxonomy)
        if topics:
            node.topics, node.topic_possible = topics, False
        elif classifier is not None and classifier.trained and (text or title):
            pending.append((node, example_text(title, text)))
        else:
            _decided(node, event_decisions([example_text(title, text)], taxonomy, None)[0])
    return pending


def _heading_topics(node: Event | Entry | Section, taxonomy: Taxonomy) -> list[str]:
    """The topics a 条目's yearbook headings or a section's own heading map to (none for an event)."""
    if isinstance(node, Entry):
        return taxonomy.from_path(node.path)
    if isinstance(node, Section):
        return taxonomy.from_path((node.title,))
    return []


def close_calls(doc: Document, taxonomy: Taxonomy) -> list[tuple[Event | Entry | Section, str]]:
    """The records of ``doc`` (ids assigned; a section only with text of its own, as ``build_records``
    makes them) whose topic ``enrich`` marks possible, with that topic. No classifier is needed: a close
    call is decided by the record's words before one would be asked."""
    asked = [(node, example_text(title, text)) for node, title, text in zip(*_records_of(doc))
             if (text or not isinstance(node, Section)) and not _heading_topics(node, taxonomy)]
    decisions = event_decisions([text for _, text in asked], taxonomy, None)
    return [(node, d.topics[0]) for (node, _), d in zip(asked, decisions) if d.possible]


def _decided(node: Event | Entry | Section, decision: TopicDecision) -> None:
    """A record's topics as decided, and whether they are a close call (shown as possible)."""
    node.topics, node.topic_possible = decision.topics, decision.possible


def _label_regions(doc: Document, labelled: Labelled, gazetteer: Gazetteer) -> None:
    """Regions of these records of ``doc``: the place names of the whole document at once
    (one numpy pass, see Gazetteer.names_in_each), the expensive part of ``_label``."""
    nodes, titles, texts = labelled
    home = doc.source.region
    default_year = doc.source.content_year or (doc.source.years[0] if doc.source.years else None)
    years = [within_years((n.date.start.year or default_year) if isinstance(n, Event) else default_year,
                          doc.source.years) for n in nodes]
    places = gazetteer.mentions_each([f"{title} {text}" for title, text in zip(titles, texts)], home, years)
    for node, named in zip(nodes, places):
        node.regions = _unique([home, *named])


def within_years(year: int | None, years: tuple[int, ...]) -> int | None:
    """The year places are read at: a record's year, brought within the years the editor gave the
    document (sources.yml ``years``). A date outside them is not the text's time (a page's posting
    date, 2011, read as the year of a 民国 chronicle of 1944–1946), and the units of that time would
    be the wrong ones (宝鸡市 for 宝鸡县, 天水市 for 天水县)."""
    if year is None or not years:
        return year
    return min(max(year, min(years)), max(years))


def label_regions(doc: Document, gazetteer: Gazetteer) -> None:
    """The regions of every record of ``doc`` (ids assigned), as ``enrich`` tags them."""
    _label_regions(doc, _records_of(doc), gazetteer)


def _predict_topics(pending: Pending, taxonomy: Taxonomy, classifier: TopicClassifier | None) -> None:
    """The classifier's topic (and the taxonomy's cue-word one after it) for each pending record."""
    if not pending or classifier is None:
        return
    for (node, _), decision in zip(pending, event_decisions([t for _, t in pending], taxonomy, classifier)):
        _decided(node, decision)


@dataclass(frozen=True)
class TopicDecision:
    """The topics of a record without a yearbook heading, and what decided them (``event_decisions``)."""

    topics: list[str]
    how: str  # one of DECIDED_BY

    @property
    def possible(self) -> bool:
        """A close call: no topic clearly ahead, the first named of those close decided. The site shows
        such a topic as possible (可能), the downloads mark it, and the bench can count it as no topic."""
        return self.how == CLOSE_CALL


CLOSE_CALL = "first named"
DECIDED_BY = ("body", "words", CLOSE_CALL, "classifier", "none")


def event_topics(texts: list[str], taxonomy: Taxonomy, classifier: TopicClassifier | None) -> list[list[str]]:
    """Topics of records that carry no yearbook heading (events, report sections): ``event_decisions``."""
    return [d.topics for d in event_decisions(texts, taxonomy, classifier)]


def event_decisions(texts: list[str], taxonomy: Taxonomy, classifier: TopicClassifier | None) -> list[TopicDecision]:
    """Topics of records that carry no yearbook heading, from what the text says first: the body that
    opens it, or what that says it is (``Taxonomy.actor``: ``body``); else its category words and the
    bodies it names (``Taxonomy.words``: ``words`` when one topic leads clearly, ``first named`` when
    the first named of topics close in score decides); a governing body (市委, 县政府) acting on a
    field yields to those words. Only a text that names nothing asks the classifier, which decides when
    its best topic leads the next by ``CLASSIFIER_MARGIN``; else the record gets no topic, not a guess."""
    folded = [taxonomy.fold(t) for t in texts]
    out = [TopicDecision([], "none") for _ in texts]
    ask: list[int] = []
    for i, text in enumerate(folded):
        actor = taxonomy.actor(text)
        cue, _, clear = taxonomy.words(taxonomy.untitled(text))
        if actor and not (actor.governs and cue):
            out[i] = TopicDecision([actor.topic], "body")
        elif cue:
            out[i] = TopicDecision([cue], "words" if clear else "first named")
        else:
            ask.append(i)
    if classifier is not None and classifier.trained and ask:
        predicted = classifier.predict([taxonomy.for_classifier("", folded[i]) for i in ask], top=2,
                                       margin=CLASSIFIER_MARGIN)
        for i, best in zip(ask, predicted):
            if len(best) == 1:
                out[i] = TopicDecision(best, "classifier")
    return out


def labelled_examples(docs: list[Document], taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """(text, topic) pairs from every yearbook 条目 whose headings map to a topic.

    A pair seen before (the same 条目 reprinted, a document added twice) is
    used once: a repeat teaches nothing and only makes training slower."""
    texts, labels = [], []
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        for entry in doc.entries():
            topics = taxonomy.from_path(entry.path)
            if topics:
                pair = (taxonomy.for_classifier(example_text(entry.title, entry.full_text)), topics[0])
                if pair not in seen:
                    seen.add(pair)
                    texts.append(pair[0])
                    labels.append(pair[1])
    return texts, labels


def enrich_documents(docs: list[Document], cfg: SiteConfig, cache_dir: Path | None = None) -> None:
    """Enrich every document: train the topic classifier once (``cache_dir`` keeps trained
    models and predictions), then label every record with ids, regions and topics."""
    gazetteer = Gazetteer(cfg.regions)
    taxonomy = Taxonomy(cfg.topics)
    for doc in docs:
        assign_ids(doc)  # entries need their path before they can serve as examples
    texts, labels = labelled_examples(docs, taxonomy)
    if len(texts) > MAX_EXAMPLES:  # a large archive: a fixed, content-chosen sample keeps training time bounded
        keep = sorted(range(len(texts)), key=lambda i: short_hash(texts[i], length=12))[:MAX_EXAMPLES]
        texts, labels = [texts[i] for i in sorted(keep)], [labels[i] for i in sorted(keep)]
    classifier = TopicClassifier().fit_cached(texts, labels, cache_dir)
    labelled = [_records_of(doc) for doc in docs]  # ids are assigned above
    pending: Pending = []
    for records in labelled:
        pending += _label_topics(records, taxonomy, classifier)
    _predict_topics(pending, taxonomy, classifier)  # one batch: the model is read, if at all, once
    for doc, records in zip(docs, labelled):
        _label_regions(doc, records, gazetteer)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
