"""People, meetings and series named in the records.

* **People**: a name counts only where the text gives an office before it
  (``区委书记宋晓东``, ``时任市委常委、常务副市长杨晓光``, ``市长 刘凤海``);
  private persons (困难户, offenders) are never named with an office, so they
  get no page. The office list is data (``site_config/entities.yml``).
* **Meetings**: a body + 届 + 次 (``古塔区第十七届人民代表大会第四次会议``,
  ``十二届九次全会``, ``市十六届人大四次会议``) normalised to one key, and
  keyed together with the record's date: the same name on two dates is two
  meetings, never merged.
* **Organisations**: bodies named in ``site_config/entities.yml`` with their
  aliases and renamings (the 2018 税务 merger), matched by any form.
* **Series**: recurring events named in ``site_config/entities.yml``
  (庙会, 全民读书节, 百亿送贷行动, …), matched by their patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from builder.config.entities import NAME_END, EntityRules
from builder.enrich.people import people_at
from builder.model.document import short_hash
from builder.sources.normalise import compact

NUM = "一二三四五六七八九十百零〇两"
_CN = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def cn_number(text: str) -> int | None:
    """Chinese numerals up to 999 (十七 → 17, 二十二 → 22, 一百零五 → 105); digits too."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN:
            current = _CN[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class Mention:
    kind: str  # person | meeting | series
    key: str  # normalised identity (without the date for meetings)
    name: str  # display name
    surface: str  # as written
    attrs: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------------------
# meetings
# ---------------------------------------------------------------------------

_BODY_FULL = re.compile(
    rf"(?P<body>(?:中国人民政治协商会议|中国共产党|中共|共青团)?[\u4e00-\u9fff]{{0,10}}?)第?(?P<term>[{NUM}\d]+)届"
    rf"(?P<org>人民代表大会常务委员会|人民代表大会|委员会常务委员会|委员会|人民政府|代表大会)?"
    rf"第(?P<n>[{NUM}\d]+)次(?P<kind>全体（扩大）会议|全体会议|常务会议|会议|全会|代表大会)"
)
_BODY_SHORT = re.compile(
    rf"(?P<body>(?:中共|政协)?[\u4e00-\u9fff]{{0,6}}?)(?P<term>[{NUM}]+)届(?P<org>人大常委会|人民代表大会常务委员会|人民代表大会|人大|政协|人民政府)?"
    rf"第?(?P<n>[{NUM}]+)次(?P<kind>全会|全委会|全体会议|会议|常委会议|常务会议)"
)
_ORG_CANON = {
    "人大": "人民代表大会", "人民代表大会": "人民代表大会", "代表大会": "代表大会",
    "人大常委会": "人民代表大会常务委员会", "人民代表大会常务委员会": "人民代表大会常务委员会",
    "政协": "委员会", "委员会": "委员会", "人民政府": "人民政府", "委员会常务委员会": "委员会常务委员会",
}
_KIND_CANON = {"全会": "全体会议", "全委会": "全体会议", "全体（扩大）会议": "全体会议", "常委会议": "常务委员会会议"}
# Every character either pattern above can match: CJK, numerals, digits and the brackets of 全体（扩大）会议.
# Neither pattern looks behind or ahead, so a meeting's name never spans any other character
# (punctuation, Latin letters …): each stretch of these characters can be searched on its own.
_MEETING_STRETCH = re.compile(rf"[\u4e00-\u9fff{NUM}\d（）]+")
_PLACE = re.compile(r"^(?:中国共产党|中共|中国人民政治协商会议|政协|共青团)?(?P<place>.*?(?:[区市县省])?)委?$")


_LEADING_JUNK = re.compile(r"^(?:关于|召开|举行|了|在|的|和|及|与|对|为|经|于|由|出席|参加|列席|筹备|传达)+")


def _canon_body(body: str, org: str, known: frozenset[str], also: frozenset[str] = frozenset()) -> str:
    """``中共<place>``, ``政协<place>`` or ``<place>``, where place is the longest known
    place name (in ``known`` or ``also``) the body ends with, a bare 市/区/县 (resolved later), or nothing."""
    body = body.strip("，。、")
    party = "中国共产党" in body or "中共" in body or bool(re.search(r"[区市县省]委$", body))
    cppcc = "政治协商会议" in body or "政协" in body or org == "政协"
    body = re.sub(r"^.*?(?=中国共产党|中共|中国人民政治协商会议|政协)", "", body)
    place = _PLACE.match(body).group("place") if body else ""  # type: ignore[union-attr]
    place = re.sub(r"^.*?[省市](?=[\u4e00-\u9fff]+[区县]$)", "", place)  # 抚顺市望花区 → 望花区
    place = _LEADING_JUNK.sub("", place)
    suffix = next((place[i:] for i in range(len(place)) if place[i:] in known or place[i:] in also), "")
    if not suffix and place[-1:] in ("市", "区", "县", "省"):
        suffix = place[-1]  # an unknown or bare 市/区: resolved to the document's own unit
    if party:
        return f"中共{suffix}"
    if cppcc:
        return f"政协{suffix}"
    return suffix


def _meeting_stretches(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` a meeting's name can be: the stretches of _MEETING_STRETCH with 届 and 次."""
    return [m.span() for m in _MEETING_STRETCH.finditer(text) if "届" in m.group() and "次" in m.group()]


def _meeting_matches(pattern: re.Pattern[str], text: str, stretches: list[tuple[int, int]]) -> list[re.Match[str]]:
    """``pattern.finditer(text)``, searching only the stretches that can hold a meeting's name.

    Matches never cross a stretch's ends, so searching each one as if the text ended
    there (``endpos``) finds exactly the matches of the whole text: the patterns
    try up to 21 starting characters at every position, which made this the slowest
    finder, and most of a long text lies in stretches without 届 and 次."""
    return [m for start, end in stretches for m in pattern.finditer(text, start, end)]


def find_meetings(text: str, places: dict[str, str] | None = None,
                  known: frozenset[str] = frozenset(), *, compacted: bool = False) -> list[Mention]:
    """Meetings named in ``text`` with their surface forms unified.

    ``known`` are place names (the gazetteer's); ``places`` resolves a bare
    市/区/县 (``市十六届人大四次会议``) to the
    document's own unit, e.g. ``{"市": "辽阳市"}``; ``""`` names the document's
    region for a body with no place at all (``政协十届二次全体会议``).
    ``compacted``: the caller has removed the whitespace already.
    """
    if not compacted:
        text = compact(text)
    if "届" not in text or "次" not in text:  # both patterns need them: most texts name no meeting
        return []
    stretches = _meeting_stretches(text)
    places = places or {}
    own_places = frozenset(places.values())
    out: list[Mention] = []
    for pattern in (_BODY_FULL, _BODY_SHORT):
        for m in _meeting_matches(pattern, text, stretches):
            term, n = cn_number(m.group("term")), cn_number(m.group("n"))
            if not term or not n:
                continue
            org = m.group("org") or ""
            raw_body = m.group("body")
            if m.group("kind") in ("全会", "全委会") and not org and not raw_body.startswith(("政协", "中共", "中国共产党")):
                raw_body = "中共" + raw_body  # 全会 is a Party committee's plenary session
            body = _canon_body(raw_body, org, known, own_places)  # not known | …: a copy of every name per match
            for short, full in places.items():
                if body in (short, f"中共{short}", f"政协{short}") or (not short and body in ("", "中共", "政协")):
                    body = body[: len(body) - len(short)] + full
                    break
            org_c = _ORG_CANON.get(org, org)
            if body.startswith("中共") and not org_c:
                org_c = "委员会"
            kind = _KIND_CANON.get(m.group("kind"), m.group("kind"))
            if body.startswith("政协"):
                org_c, kind = "委员会", "会议" if kind == "全体会议" else kind  # 政协十届二次全体会议 = 第十届委员会第二次会议
            key = f"{body}|{term}|{org_c}|{n}|{kind}"
            name = f"{body}第{_cn(term)}届{org_c}第{_cn(n)}次{kind}"
            if any(x.key == key for x in out) or any(m.group(0) in x.surface for x in out):
                continue
            out.append(Mention("meeting", key, name, m.group(0)))
    return out


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


# ---------------------------------------------------------------------------
# people and series
# ---------------------------------------------------------------------------


def find_people(text: str, rules: EntityRules, *, compacted: bool = False) -> list[Mention]:
    """Officials named with an office (see ``people_at``), each name once, in text order."""
    out: list[Mention] = []
    for _, mention in people_at(text, rules, compacted=compacted):
        if not any(x.key == mention.key for x in out):
            out.append(mention)
    return out


def find_series(text: str, rules: EntityRules, *, compacted: bool = False) -> list[Mention]:
    if not compacted:
        text = compact(text)
    if rules.any_series is not None and not rules.any_series.search(text):
        return []
    out = []
    for name, patterns in rules.series_patterns.items():
        for p in patterns:
            m = p.search(text)
            if m:
                out.append(Mention("series", name, name, m.group(0)))
                break
    return out


def find_organisations(text: str, rules: EntityRules, *, compacted: bool = False) -> list[Mention]:
    """Organisations by name or alias (the longest form wins where forms overlap)."""
    if not compacted:
        text = compact(text)
    if rules.any_organisation is not None and not rules.any_organisation.search(text):
        return []
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for form, name in rules.organisation_forms:
        if form not in text:  # the quick test first: most forms are absent
            continue
        for m in re.finditer(re.escape(form), text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if not any(x.key == name for x in out):
                out.append(Mention("organisation", name, name, form))
    return out


_DIRECTORY = re.compile(
    r"(?:(?P<office>[\u4e00-\u9fff、]{1,16})[：:])?(?P<name>[\u4e00-\u9fff]{2,4})"
    r"[（(](?P<start>\d{4}\.\d{1,2})[—–-]+(?P<end>\d{4}\.\d{1,2})?[）)]"
)


@dataclass(frozen=True)
class Tenure:
    """One line of a yearbook's 领导名录: who held which office in which body, when."""

    name: str
    office: str
    body: str
    start: str
    end: str = ""

    def label(self) -> str:
        """``望花区人民法院 党组书记、院长（2021.12—）``: the body (the table's heading without
        领导名单, 领导名录 or a head count) apart from the office, and left out where the office names
        its own body (区直党政机关领导名单: 区民政局党组书记、局长)."""
        body = _LIST_HEADING.sub("", self.body)
        if not body or _NAMES_BODY.search(self.office):
            return f"{self.office}（{self.start}—{self.end}）"
        return f"{body} {self.office}（{self.start}—{self.end}）"


_LIST_HEADING = re.compile(r"(?:领导(?:班子)?(?:名单|名录|成员)|名单|名录)?(?:[（(]\d+人[）)])?$|^[\d.、\s]+")
# an office that names its own body (区民政局党组书记、局长, 中共望花区委员会常委); not 党组/党委 alone
_NAMES_BODY = re.compile(r"^(?!党组|党委)[\u4e00-\u9fff]*?(?:局|委员会|委|办公室|办|部|院|街道|镇|乡|中心|所|会|社|队|庭)(?!员)(?=[\u4e00-\u9fff])")


def parse_directory(body: str, text: str) -> list[Tenure]:
    """``书记：陈万松（2021.06—）副书记：张泰（2021.07—）王长军（2021.06—）…`` → tenures;
    a name with no office of its own holds the office named before it."""
    body = re.sub(r"[（(]\d+人[）)]$", "", compact(body))
    out, office = [], ""
    for m in _DIRECTORY.finditer(compact(text)):
        office = m.group("office") or office
        out.append(Tenure(m.group("name"), office, body, m.group("start"), m.group("end") or ""))
    return out




def find_known_people(text: str, names: frozenset[str], *, compacted: bool = False) -> list[Mention]:
    """Names from an authority list (领导名录), found without an office before them;
    the name must end where punctuation or the text does."""
    if not names:  # most sources' regions have no directory
        return []
    if not compacted:
        text = compact(text)
    by_first, firsts = _known_names_by_first(names)
    found = [name for first in (*firsts.intersection(text), "") for name, pattern in by_first.get(first, ())
             if name in text and pattern.search(text)]
    return [Mention("person", name, name, name) for name in sorted(found)]


@lru_cache(maxsize=256)
def _known_names_by_first(names: frozenset[str]) -> tuple[dict[str, list[tuple[str, re.Pattern[str]]]], frozenset[str]]:
    """A list's names with their patterns (compiled once, not for every text), by first character
    ("" for an empty name), and those characters: only names whose first character is in a text can be in it."""
    out: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for name in names:
        out.setdefault(name[:1], []).append((name, re.compile(re.escape(name) + NAME_END)))
    return out, frozenset(out) - {""}


def entity_id(kind: str, key: str, date: str = "") -> str:
    """Stable page id: meetings include their date, so one name on two dates is two pages."""
    return f"{kind[0]}{short_hash(kind, key, date, length=8)}"
