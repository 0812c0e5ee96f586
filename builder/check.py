"""``fangzhi check``: what an editor must look at, with file:line, for CI.

Each finding has a severity, a kind, the source file and line, and a message.

Errors (the archive is wrong or a build would be unreliable; exit status 1):

* ``impossible-date``: a date that does not exist (June 31, month 13);
* ``stale-correction``: an erratum in corrections.yml that no longer matches
  its text (the build refuses it too);
* ``text-lost``: conservation broken — source text that is neither on a page
  nor in the ledger, or page text not found in the source.

Warnings (to review; exit status 0):

* ``date-incomplete``: an event whose month (or year) is not printed and
  not in scope (``13日`` with no month heading): it is kept with the part
  marked unknown (EDTF ``2017-XX-13``), never guessed; ``content_year`` /
  ``content_month`` in sources.yml (or ``--year``/``--month``) supply it;
* ``date-order``: an event dated earlier than the event before it in the
  same chronicle (file order); month-only entries after the days of that
  month and year entries after the months of that year are normal;
* ``duplicate-event``: two events of one document with the same date and
  the same text (spaces and punctuation ignored);
* ``unknown-region``: a place-like name (a word of 2–4 characters, nouns by
  jieba's dictionary, then 市/县/区/乡/镇/村/街道/社区…; or a place word of
  jieba's ending so) that names no unit of the gazetteer where and when the
  document is (not in it, only elsewhere, or ambiguous); once per name with a
  count. Phrases of that shape are left out by general rules (``_place_like``:
  a count, a slogan, a category, a qualified common noun, an office, OCR
  garbage), a traditional text is read as simplified, and a verb before a name
  is cut off (``_verb_first``); ``bench/check_regions.py`` measures them;
* ``suspected-ocr``: a line still holding ``■``/``□``/``�``, a stray Latin
  letter between CJK characters, or an ``n/H/O`` where a digit belongs;
* ``toc-missing``: a heading the table of contents promises but the body
  lacks (and parts of the book not in the file);
* ``incomplete``: a document that stops mid-sentence.

Information (nothing wrong; listed for review, never counted as a warning):

* ``topic-possible``: per document, the records whose topic is a close call — no topic's
  words clearly ahead, the first named of those close decided — which the site shows marked
  可能 and the downloads mark ``topic_possible`` (builder/enrich/annotate.py, ``close_calls``).

Findings an editor has reviewed are listed in ``site_config/check.yml``
(``accept: [{source, line, kind, note}]``); they are reported as accepted and
never fail the run. An acceptance that matches nothing is a warning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from builder.config.loader import _records
from builder.enrich.annotate import Gazetteer, Taxonomy, assign_ids, close_calls, fold_text, quiet_jieba
from builder.model.document import Block, Document, Entry, Event, Line
from builder.pipeline import load_archive
from builder.sources.load import document_lines
from builder.sources.normalise import CJK_CHAR, compact, fix_lines

ERROR, WARNING, INFO = "error", "warning", "info"
ERROR_KINDS = frozenset({"impossible-date", "stale-correction", "text-lost"})
INFO_KINDS = frozenset({"topic-possible"})
SHOWN_LINES = 12  # a topic-possible finding lists this many records' lines, then counts the rest
KINDS = ERROR_KINDS | {"date-incomplete", "date-order", "duplicate-event", "unknown-region", "suspected-ocr", "toc-missing", "incomplete",
                       "stale-acceptance"}  # what an acceptance in check.yml may name

_SUSPECT = (
    (re.compile(r"[■□�]"), "a ■/□/� is left in the text"),
    (re.compile(rf"(?<={CJK_CHAR})[ \t]?[A-Za-z][ \t]?(?={CJK_CHAR})"), "a stray Latin letter between CJK characters"),
    (re.compile(r"(?<![A-Za-z0-9])[nHOo](?=[ \t]*[月日号时])"), "a letter where a digit belongs (n/H = 11, o/O = 0)"),
)
_LATIN_OK = re.compile(r"[A-Za-z]{2,}|[A-Za-z](?=[ \t]?(?:级|型|类|座|栋|号|楼|区|口|股|轮|超|证|字|版|端|站|线|点|地块|光))")
_PUNCT = re.compile(r"[\s，。、；：！？“”‘’（）()《》【】,.;:!?\"'—…·-]")


@dataclass(frozen=True)
class Finding:
    severity: str
    kind: str
    file: str
    line: int
    message: str
    source: str = ""
    accepted: str = ""  # the editor's note when reviewed and accepted

    def format(self) -> str:
        status = f"accepted ({self.accepted})" if self.accepted else self.severity
        return f"{self.file}:{self.line}: {status}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Acceptance:
    source: str
    line: int
    kind: str
    note: str
    where: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR and not f.accepted]

    def counts(self) -> Counter[str]:
        return Counter("accepted" if f.accepted else f.severity for f in self.findings)


# ---------------------------------------------------------------------------
# Individual checks
# ---------------------------------------------------------------------------


def _finding(kind: str, doc: Document, line: int, message: str) -> Finding:
    severity = ERROR if kind in ERROR_KINDS else INFO if kind in INFO_KINDS else WARNING
    return Finding(severity, kind, doc.source.file, line, message, doc.source.id)


def _chronicles(doc: Document) -> list[list[Event]]:
    """The events of each chronicle part of a document, in file order."""
    if doc.source.genre == "chronicle":
        return [doc.events()]
    return [list(sec.events()) for sec in doc.root.children if hasattr(sec, "events") and sec.kind == "chronicle"]


def _span(ev: Event) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Earliest and latest day an event's date can mean."""
    start, end = ev.date.start, ev.date.end or ev.date.start
    return (start.year, start.month or 1, start.day or 1), (end.year, end.month or 12, end.day or 31)


def date_findings(doc: Document) -> Iterable[Finding]:
    """Impossible dates; an event that must lie before the one printed above it."""
    for events in _chronicles(doc):
        prev: Event | None = None
        for ev in events:
            if "impossible-date" in ev.flags:
                yield _finding("impossible-date", doc, ev.line, f"{ev.marker or ev.date.raw} in {'/'.join(ev.path)}: "
                               f"{ev.date.iso()} does not exist")
            if {"unknown-month", "unknown-year"} & set(ev.flags) or ev.date.precision == "unknown" or ev.date.start.year == 0:
                what = "year" if ev.date.precision == "unknown" or ev.date.start.year == 0 else "month"
                yield _finding("date-incomplete", doc, ev.line,
                               f"{ev.marker or ev.date.raw or '(undated)'}: the {what} is not printed and was not "
                               f"guessed ({ev.date.edtf()}); give it with content_year/content_month in "
                               f"sources.yml, or a heading in the text")
                continue
            if prev is not None and _span(ev)[1] < _span(prev)[0]:
                yield _finding("date-order", doc, ev.line, f"{ev.date.raw or ev.marker} ({ev.date.iso()}) comes after "
                               f"{prev.date.raw or prev.marker} ({prev.date.iso()}, line {prev.line})")
            prev = ev


def _key(text: str) -> str:
    return _PUNCT.sub("", text)


def duplicate_findings(doc: Document) -> Iterable[Finding]:
    seen: dict[tuple[str, str], Event] = {}
    for ev in doc.events():
        key = (ev.date.iso(), _key(ev.text))
        if not key[1]:
            continue
        if key in seen:
            first = seen[key]
            yield _finding("duplicate-event", doc, ev.line, f"the same event as line {first.line} "
                           f"({ev.date.iso()}): {ev.text[:24]}…")
        else:
            seen[key] = ev


def _texts(doc: Document) -> Iterable[tuple[int, str]]:
    for node in doc.root.walk():
        if isinstance(node, (Event, Entry, Block)) and node.text:
            yield node.line, node.text
        if isinstance(node, Entry):
            yield from ((b.line, b.text) for b in node.blocks)


_UNIT_TOKENS = frozenset({"市", "县", "区", "乡", "镇", "村", "旗", "街道", "社区", "公社", "苏木", "自治县", "自治州"})
_UNIT_END = tuple(sorted(_UNIT_TOKENS, key=len, reverse=True))
_WORD_END = ("市", "县", "镇", "乡", "旗", "街道", "社区", "村")  # a place word of jieba's (苏州市, 景德镇)
# parts of speech (jieba's dictionary) that never make up a place name's stem
_NOT_STEM = ("v", "p", "c", "u", "d", "r", "f", "q", "y", "e", "o", "t", "x", "b", "z", "vn", "ad", "an", "a", "l", "i")
_NOT_STEM_CHARS = frozenset("各全本该每两几个等原这那其此与和及或对在于为是把被从向到由将已也都就又还再所以暨之的了着过赴至经")
_RARE = 30  # a word of the stem used at most this often in jieba's dictionary can be part of a name
_GENERIC = frozenset({"文明城市", "卫生城市", "园林城市", "宜居城市", "大城市", "中小城市", "各乡镇", "城中村", "中心镇",
                      "小城镇", "重点镇", "特色小镇", "中心村", "贫困村", "示范村", "先进村", "文明村", "社区"})
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def _stem_word(word: str, tag: str, freq: int) -> bool:
    """Whether ``word`` can be part of a place name's stem (八/盘, 李大人, 西/双/庙; not 文明, 年度, 各)."""
    if not _CJK_ONLY.match(word) or word.endswith(_UNIT_END):
        return False
    if len(word) == 1:
        return word not in _NOT_STEM_CHARS and not tag.startswith(("p", "c", "u", "d", "r", "y", "e", "o"))
    if tag.startswith("nr"):
        return freq <= _RARE * 4
    return freq <= _RARE and not tag.startswith(_NOT_STEM)


def _usual(word: str, tags: dict[str, str], freqs: dict[str, int]) -> bool:
    """A word that may be a stem's after a unit's name: a place word, or a noun not among the most common
    (华山 of 新抚区华山街道, 晨曦; not 部分, 美丽 of 辽阳市部分村, …美丽宜居村)."""
    tag, freq = tags.get(word, "x"), freqs.get(word, 0)
    return freq <= (2000 if tag.startswith("ns") else 1000)


def _generic_ending(stem_words: list[str], unit: str, tags: dict[str, str], freqs: dict[str, int]) -> bool:
    """The name ends in a common word of its own: the stem's last character and the unit make a word
    (产业园区, 分片区: 园区, 片区), so it is a noun phrase — unless the stem is a place word (平顶山乡)."""
    last = stem_words[-1]
    return len(unit) == 1 and freqs.get(last[-1] + unit, 0) >= 10 and not tags.get(last, "x").startswith("ns")


_VERBISH = ("v", "q", "a", "d")


def _phrase_stem(stem_words: list[str], unit: str, tags: dict[str, str]) -> bool:
    """A stem that is a phrase, not a name: a word of two or more characters that is a verb or holds one
    (大力发展, 重新安装, 组织协调: jieba's dictionary lists such set phrases as nouns), a 4-character "name"
    (建立健全, 严肃查处 are tagged nr), a word ending in a function character (投身于, 隶属于), single characters
    most of which are verbs, measure words or adjectives (封控区, 名驻村, 做实织密社区; not 干堡村, 八盘村), or four
    half of which are, a verb right before the unit (林乎加来县: came to the county; not 万兴乡, 一渡镇), or,
    before 市, a person's name (李静 of 李静市雷锋中学: surname and given name, each tagged nr)."""
    singles = [tags.get(w, "x") for w in stem_words if len(w) == 1]
    verbish = 2 * sum(t.startswith(_VERBISH) for t in singles)
    if len(singles) >= 2 and (verbish > len(singles) or (verbish == len(singles) >= 4 and len(stem_words[-1]) == 1
                                                          and tags.get(stem_words[-1], "x").startswith("v"))):
        return True  # half of them verbs, the last before the unit (部长林乎加来县视察: 加, 来县)
    if unit == "市" and len(singles) == len(stem_words) >= 2 and all(t.startswith("nr") for t in singles):
        return True  # 李静市雷锋中学 (a comma missing); 曹庄镇 is a place
    for w in stem_words:
        tag = tags.get(w, "x")
        if len(w) >= 2 and (tag.startswith("v") or (tag.startswith("nr") and len(w) >= 4) or w[-1] in "于的了着过"):
            return True
        if len(w) >= 3 and any(len(p) >= 2 and p != w and tags.get(p, "x").startswith("v")
                               for p in quiet_jieba().cut_for_search(w, HMM=False)):
            return True
    return False


_NUMERALS = frozenset("一二三四五六七八九十百千万两")
_DIGIT_END = re.compile(r"[0-9０-９]$")
_CATEGORY = re.compile(r"[（(][市县区乡镇旗]")  # 百佳县(市), 各县（市、区）
_OFFICE_END = ("厅", "局")  # 司法厅, 公安局: an office, not a place
_AREA_FREQ = 5000  # a word this common before 区 names a kind of area (平原区), not a district
_RARE_CHAR = 1000  # a character used this rarely as a word of its own
_SETTLEMENT_FREQ = 300  # a common noun of settlements (市镇, 家乡, 农村, 城区)


def _slogan(stem: str, unit: str) -> bool:
    """A count or a slogan, not a name: the stem begins with a numeral and a numeral stands again right
    before the unit, with other characters between (百企联百村, 千企帮千村, 一园一区, 六省一市; not 五一村,
    二道河村); or a numeral stands right before 县, 市 or 省, which no name ends in (竹塘、三归、临泽三县: three
    counties; 有九省二市负责人参加; 红旗一村, 城关二区 are numbered units)."""
    if stem[-1] in _NUMERALS and unit in ("县", "市", "省"):
        return True
    return stem[0] in _NUMERALS and stem[-1] in _NUMERALS and any(c not in _NUMERALS for c in stem)


def _qualified_noun(name: str, tags: dict[str, str], freqs: dict[str, int]) -> bool:
    """An adjective or a verb before a common noun of settlements that ends in the unit: 新+市镇 (新城新市镇:
    new towns), 爱+家乡, 新+农村 — a phrase, not a name (东乡镇, 大西沟村: 东 and 大西 are no adjective or
    verb before such a noun)."""
    head, rest = name[0], name[1:]
    return (tags.get(head, "x")[:1] in ("a", "v") and tags.get(rest, "x").startswith("n")
            and not tags.get(rest, "x").startswith(("ns", "nr")) and freqs.get(rest, 0) >= _SETTLEMENT_FREQ)


def _office_or_area(stem: str, unit: str, freqs: dict[str, int]) -> bool:
    """The stem ends in an office (辽宁省司法厅社区矫正管理局: 司法厅), or before 区 in a common word, which makes
    the 区 an area of that kind (下辽河平原区: 平原)."""
    if len(stem) >= 3 and stem.endswith(_OFFICE_END):
        return True
    return unit == "区" and freqs.get(stem[-2:], 0) >= _AREA_FREQ


def _garbled(words: list[str], first: int, last: int, freqs: dict[str, int]) -> bool:
    """The name lies in a run of ten or more single characters (no word of the dictionary in it), a third
    of them rare (金加勘事施觥阚邮耨旗抬翡糖箭巾: OCR of a seal or a picture), not in running text (子沟和沙浒镇前沙浒村南,
    塔子岭乡熊洞沟及吉洞峪乡: a list of villages, in common characters but for one or two)."""
    lo, hi = first, last
    while lo > 0 and len(words[lo - 1]) == 1 and _CJK_ONLY.match(words[lo - 1]):
        lo -= 1
    while hi + 1 < len(words) and len(words[hi + 1]) == 1 and _CJK_ONLY.match(words[hi + 1]):
        hi += 1
    run = words[lo : hi + 1]
    return len(run) >= 10 and 3 * sum(freqs.get(w, 0) < _RARE_CHAR for w in run) >= len(run)


def _place_like(text: str, tags: dict[str, str], freqs: dict[str, int]) -> Iterable[str]:
    """Names shaped like a unit (a stem of 2–4 characters of single characters or rare words,
    then 市/县/区/乡/镇/村/街道/社区…), as words of the text: jieba cuts 房地产市场 as 房地产/市场,
    so "房地产市" is no name; 入选全国乡村 has no 乡; 文明城市 and 年度市 have common words as stem.
    Left out besides: a stem right after a digit (4条出市境: a count), a unit followed by a bracket of
    units (百佳县(市): a category), a slogan (``_slogan``), an adjective or verb before a common noun
    (``_qualified_noun``), an office or a kind of area (``_office_or_area``), OCR garbage (``_garbled``)."""
    words = quiet_jieba().lcut(text, HMM=False)
    ends = list(accumulate(len(w) for w in words))
    for i, word in enumerate(words):
        after = text[ends[i] : ends[i] + 2]
        if word in _UNIT_TOKENS:
            stem, strict, k = "", True, i
            for prev in reversed(words[max(0, i - 4) : i]):
                tag = tags.get(prev, "x")
                noun = _CJK_ONLY.match(prev) is not None and not prev.endswith(_UNIT_END) and tag.startswith("n")
                if len(stem) + len(prev) > 4 or not (noun or _stem_word(prev, tag, freqs.get(prev, 0))):
                    break
                strict = strict and _stem_word(prev, tag, freqs.get(prev, 0))
                stem, k = prev + stem, k - 1
            # a common word as stem only right after a unit's name (古塔区晨曦街道), and not a very common one
            # (辽阳市部分村, …镇美丽宜居村), and only after a unit's name, not a bare 社区 or a word (乡村)
            before = words[k - 1] if k > 0 else ""
            after_unit = (before.endswith(_UNIT_END) and before not in _UNIT_TOKENS
                          and (tags.get(before, "x").startswith("ns") or freqs.get(before, 0) <= _RARE)
                          and all(_usual(w, tags, freqs) for w in words[k:i]))
            if (len(stem) >= 2 and stem + word not in _GENERIC and (strict or after_unit)
                    and not _generic_ending(words[k:i], word, tags, freqs) and not _phrase_stem(words[k:i], word, tags)
                    and not _DIGIT_END.search(before) and not _CATEGORY.match(after) and not _slogan(stem, word)
                    and not _qualified_noun(stem + word, tags, freqs) and not _office_or_area(stem, word, freqs)
                    and not _garbled(words, k, i, freqs)):
                yield stem + word
        elif (len(word) >= 3 and word.endswith(_WORD_END) and tags.get(word, "").startswith("ns")
              and freqs.get(word, 0) <= _RARE and word not in _GENERIC
              and not (word.endswith("城市") and freqs.get(word[:-2], 0) > _RARE)  # 周边城市, 沿海城市
              and not _CATEGORY.match(after) and not _qualified_noun(word, tags, freqs)):
            yield word


def _verb_first(name: str, tags: dict[str, str], firsts: frozenset[str]) -> str:
    """``name`` without its first character where that is a verb of its own that begins no unit's name
    (``firsts``: the first characters of the gazetteer's names) and a stem of two or more is left:
    撤涪城縣 (abolish 涪城县), 废滃洲县 (abolish 滃洲县), 入北伍縣; else ``name``."""
    unit = next((u for u in _UNIT_END if name.endswith(u)), "")
    if (len(name) - len(unit) >= 3 and name[0] not in firsts and tags.get(name[0], "x").startswith("v")
            and quiet_jieba().lcut(name, HMM=False)[0] == name[0]):
        return name[1:]
    return name


def _texts_with_years(doc: Document) -> Iterable[tuple[int, str, int | None]]:
    default = doc.source.content_year or (doc.source.years[0] if doc.source.years else None)
    for node in doc.root.walk():
        year = node.date.start.year or default if isinstance(node, Event) else default
        if isinstance(node, (Event, Entry, Block)) and node.text:
            yield node.line, node.text, year
        if isinstance(node, Entry):
            yield from ((b.line, b.text, year) for b in node.blocks)


def region_findings(doc: Document, gazetteer: Gazetteer) -> Iterable[Finding]:
    """Place-like names (see ``_place_like``) that name no unit of the gazetteer where and when
    the document is: not in it at all, or only elsewhere, or ambiguous. Reported once per name."""
    import jieba.posseg

    freqs = quiet_jieba().dt.FREQ
    tags = jieba.posseg.dt.word_tag_tab
    firsts = frozenset(name[0] for name in gazetteer.names)
    found: dict[str, list[int]] = defaultdict(list)
    elsewhere: dict[str, int] = {}
    for line, text, year in _texts_with_years(doc):
        printed = compact(text)
        folded = fold_text(printed)  # 選出公社 read as 选出公社 (offsets kept); the name reported as printed
        for name in _place_like(folded, tags, freqs):
            if gazetteer.mentions(name, doc.source.region, year):
                continue
            at = folded.find(name)
            trimmed = _verb_first(name, tags, firsts)  # checked again without the verb
            if trimmed != name:
                at, name = at + 1, trimmed
                if gazetteer.mentions(name, doc.source.region, year):
                    continue
            name = printed[at : at + len(name)]
            found[name].append(line)
            elsewhere[name] = len(gazetteer.names.get(name, ()))
    for name, lines in sorted(found.items(), key=lambda kv: kv[1][0]):
        count = f"{len(lines)} mention{'s' if len(lines) > 1 else ''}"
        where = f"its {elsewhere[name]} units of that name lie elsewhere or are ambiguous here" if elsewhere[name] \
            else "not in the gazetteer or regions.yml"
        yield _finding("unknown-region", doc, lines[0], f"{name}: {where} ({count})")


def ocr_findings(doc: Document, lines: Sequence[Line]) -> Iterable[Finding]:
    """Suspicious characters left in the lines the pages are made from."""
    dropped = {d.line for d in doc.dropped if d.reason != "markup" and d.text}  # a ``two-column`` page drops nothing
    for ln in lines:
        if ln.no in dropped or not ln.text.strip():
            continue
        for pattern, message in _SUSPECT:
            m = pattern.search(ln.text)
            if not m:
                continue
            if pattern is _SUSPECT[1][0] and _LATIN_OK.match(ln.text, m.start() + (ln.text[m.start()] in " \t")):
                continue
            near = ln.text[max(0, m.start() - 8) : m.end() + 8].strip()
            yield _finding("suspected-ocr", doc, ln.no, f"{message}: “{near}”")
            break


def topic_findings(doc: Document, taxonomy: Taxonomy) -> Iterable[Finding]:
    """The records of ``doc`` whose topic is a close call, in one finding: each line with the topic shown
    as possible."""
    assign_ids(doc)
    calls = close_calls(doc, taxonomy)
    if not calls:
        return
    names = {t.id: t.name for t in taxonomy.topics}
    shown = "、".join(f"{node.line} {names.get(topic, topic)}" for node, topic in calls[:SHOWN_LINES])
    more = f" … and {len(calls) - SHOWN_LINES} more" if len(calls) > SHOWN_LINES else ""
    yield _finding("topic-possible", doc, calls[0][0].line,
                   f"{len(calls)} record{'s' if len(calls) > 1 else ''} whose topic is a close call (no topic's words "
                   f"clearly ahead; shown as 可能, topic_possible in the downloads), by line: {shown}{more}")


def structure_findings(doc: Document) -> Iterable[Finding]:
    """What the parser and the ledger found wrong (``Document.problems``, typed by kind)."""
    for problem in doc.problems:
        yield _finding(problem.kind, doc, problem.line, problem.message)
    if doc.meta.get("toc_missing"):
        yield _finding("toc-missing", doc, doc.root.line, f"parts listed in the TOC but not in the file: "
                       f"{doc.meta['toc_missing']}")


# ---------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------


def load_acceptances(config_dir: Path) -> list[Acceptance]:
    path = config_dir / "check.yml"
    if not path.exists():
        return []
    out = []
    for r in _records(path, "accept", ("source", "line", "kind", "note"), "reviewed finding"):
        line = r.int("line")
        assert line is not None  # required
        kind = r.str("kind")
        if kind not in KINDS:
            raise r.fail(f"unknown kind '{kind}' (one of {', '.join(sorted(KINDS))})", "kind")
        out.append(Acceptance(r.str("source"), line, kind, r.str("note"), r.where))
    return out


def _accept(findings: list[Finding], acceptances: list[Acceptance]) -> list[Finding]:
    out, used = [], set()
    for f in findings:
        match = next((a for a in acceptances if (a.source, a.line, a.kind) == (f.source, f.line, f.kind)), None)
        if match is not None:
            used.add(match)
            f = Finding(f.severity, f.kind, f.file, f.line, f.message, f.source, match.note)
        out.append(f)
    for a in acceptances:
        if a not in used:
            path, _, line = a.where.rpartition(":")
            out.append(Finding(WARNING, "stale-acceptance", path, int(line or 0),
                               f"accepts {a.kind} at {a.source}:{a.line}, which is no longer found", a.source))
    return out


def run_check(config_dir: Path, sources_dir: Path, cache_dir: Path | None = None) -> Report:
    """Load and parse everything (``load_archive``, with the parse cache in ``cache_dir``),
    then collect the findings. Bad input raises ConfigError."""
    archive = load_archive(config_dir, sources_dir, cache_dir=cache_dir, skip_stale=True)
    report = Report(documents=len(archive.documents))
    gazetteer = Gazetteer(archive.cfg.regions)
    taxonomy = Taxonomy(archive.cfg.topics)
    for corr, reason in archive.stale:
        path, _, line = corr.where.rpartition(":")
        report.findings.append(Finding(ERROR, "stale-correction", path or corr.where,
                                       int(line) if line.isdigit() else 0, reason, corr.source))
    for doc in archive.documents:
        fixed, _ = fix_lines(document_lines(doc.source, archive.texts[doc.source.file]))
        for check in (date_findings(doc), duplicate_findings(doc), region_findings(doc, gazetteer),
                      ocr_findings(doc, fixed), structure_findings(doc), topic_findings(doc, taxonomy)):
            report.findings.extend(check)
    report.findings = _accept(report.findings, load_acceptances(config_dir))
    report.findings.sort(key=lambda f: (f.file, f.line, f.kind))
    return report
