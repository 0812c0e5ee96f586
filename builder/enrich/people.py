"""Officials named with their office: ``区委书记张晓明``, ``党委书记、局长李明同志``,
``副市长王东方、李强出席``, ``杨春芳任分区司令员``, ``选举王选文为县长``, ``市长 刘凤海``.

A name counts only where the text gives an office with it; private persons (困难户,
offenders) never are, so they get no page. What is an office is data
(``site_config/entities.yml`` ``offices``); where a name ends is read from jieba's
part-of-speech tagger (``jieba.posseg``, already the search's segmenter): its ``nr``
tag marks a personal name, and its segmentation tells ``市长王家瑞会见`` (王家瑞 + 会见)
from ``县长王强调研`` (王强 + 调研), which no list of "words that follow a name" can.
Surnames are the first characters of the personal names in jieba's own dictionary
(``surnames_from_jieba``), plus any the editors add in entities.yml: no hand-typed list
of people. Text in traditional characters is read through OpenCC's t2s (same length,
so positions and the printed name stay those of the text).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from builder.config.entities import NAME_END
from builder.sources.normalise import compact

if TYPE_CHECKING:
    from builder.config.entities import EntityRules
    from builder.enrich.entities import Mention
    from builder.model.document import Document

SURNAME_MIN_NAMES = 3  # a character begins at least this many personal names in jieba's dictionary
SURNAME_TOP = 800  # … and is among this many likeliest first characters of a name in jieba's tagger
OFFICE_PREFIX = 16  # how far back an office title's qualifier may reach (区人民代表大会常务委员会主任)
COMMON_WORD = 1000  # a two-character word jieba's dictionary counts this often is no name, whatever its tag
WINDOW = 10  # characters after an office that jieba reads to find where the name ends

# where an office's qualifier starts: punctuation, a date, a bullet, or a word that is not part of an office
_OFFICE_STOP = re.compile(
    r"[，,。；;：:、“”‘’\"'（）()《》〈〉「」【】\[\]\s\d△▲•·●■◆□○—\-]|[年月日号]|(?<!中)共"
    r"|由|了|和|与|及|在|对|向|为|把|将|是|任|的|来访|请|被|同|时任|以|据|会见|陪同|带领|率领|率|邀请|召开|出席"
    r"|主持|听取|视察|看望|慰问|接见|宴请|会同|受|到|赴|给|电|致|会议上|等|后|前|并|即|又|再|也|均|就|从|免去|选举|当选"
)
# jieba tags that never stand for a name's second half (prepositions, conjunctions, particles, adverbs …)
_NOT_GIVEN_NAME = ("p", "c", "u", "d", "x", "w", "y", "e", "o", "r", "m", "q", "f", "v")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_PUNCT = frozenset("，,。；;：:、“”‘’\"'（）()《》〈〉「」【】[]!！?？…")
_PREPOSITION_FIRST = frozenset("向在对为把被从将以")  # 于 is too common a surname
_NEVER_FIRST = frozenset("和与及一二三四五六七八九十")  # 委员和社区…, 副部长一行来到: no name starts here
_BODY_END = re.compile(r"[村镇乡区县市省州盟旗街路部局委办院厂所站队处科股]$")  # 唐马镇长林子村: a place or body, no name
_NOT_IN_NAME = frozenset("的了和与及在等是为对向把将被从于")  # no name's second or third character (县长李和平等: 李和 is none)
# words that come right after an official's name (besides NAME_END's): what officials do, and 一行
_FOLLOW = (r"率|率领|率队|会见|会晤|考察|视察|调研|慰问|看望|接见|宣布|致辞|讲话|指出|强调|要求|表示|介绍|主持|出席"
           r"|参加|陪同|带领|检查|听取|来|到|赴|一行|和|与|及|作|代表|分别|先后|兼")
_APPOINT_BEFORE = ("选举", "任命", "推选", "补选", "提名", "决定", "同意", "聘任", "聘请", "批准", "委任", "派遣")
_APPOINT_VERB = r"当选为|当选|兼任|担任|出任|接任|升任|调任|改任|代理|任|为"


@dataclass(frozen=True)
class _Tok:
    word: str
    flag: str
    start: int


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


@lru_cache(maxsize=1)
def surnames_from_jieba() -> frozenset[str]:
    """Surnames as jieba knows them: the characters that begin at least ``SURNAME_MIN_NAMES`` two- or
    three-character personal names (tag ``nr``) in its dictionary *and* are among the
    ``SURNAME_TOP`` likeliest first characters of a name in its tagger's model (the emission
    probabilities of the state B-nr): the first alone lets in 之 or 度, the second 的 or 萨."""
    import jieba
    from jieba.posseg.prob_emit import P as emit

    counts: Counter[str] = Counter()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "nr" and len(parts[0]) in (2, 3):
                counts[parts[0][0]] += 1
    first = emit[("B", "nr")]
    likely = sorted(first, key=lambda c: (-first[c], c))[:SURNAME_TOP]
    return frozenset(c for c in likely if counts[c] >= SURNAME_MIN_NAMES)


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """jieba's dictionary words with their tags (a word of the dictionary that is not a name is no name)."""
    return _jieba().dt.word_tag_tab


def _common(word: str) -> bool:
    """A two-character word of jieba's dictionary used too often to be a name (智慧 is tagged ``nr``
    there, 1581 times; 李鹏 675, 吴仪 327); its three-character ``nr`` words are names (毛泽东)."""
    if len(word) != 2:
        return False
    tokenizer = _jieba().dt.tokenizer
    tokenizer.check_initialized()
    return tokenizer.FREQ.get(word, 0) >= COMMON_WORD


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters, character for character: a sentence that t2s would make
    longer or shorter is left as it is."""
    out = _t2s().convert(text)
    if len(out) == len(text):
        return out
    parts = re.split(r"(?<=[。；;！!？?\n])", text)
    return "".join(c if len(c) == len(p) else p for p in parts for c in (_t2s().convert(p),))


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    """jieba's words and tags of ``text[start:end]``, with where each starts in ``text``."""
    out, pos = [], start
    for word, flag in _cut(text[start:end]):
        out.append(_Tok(word, flag, pos))
        pos += len(word)
    return out


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in _jieba().lcut(text))


@dataclass(frozen=True)
class _Names:
    """What the finder needs from the rules, compiled once per rules object."""

    office: re.Pattern[str]  # any office title
    office_end: re.Pattern[str]  # a text ending in an office title
    appointment: re.Pattern[str]  # NAME 任/为/当选 OFFICE
    surnames: frozenset[str]
    name_end: re.Pattern[str]
    follow: re.Pattern[str]  # what may come right after a name
    dismissal: re.Pattern[str]  # 免去X…职务, X辞去…职务, (免去：) X的…职务


_COMPILED: dict[int, tuple[EntityRules, _Names]] = {}


def _compiled(rules: EntityRules) -> _Names | None:
    hit = _COMPILED.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if not rules.offices:
        return None
    titles = "|".join(sorted(map(re.escape, rules.offices), key=len, reverse=True))
    names = _Names(
        office=re.compile(rf"(?:{titles})"),
        office_end=re.compile(rf"(?:{titles})$"),
        appointment=re.compile(  # in a lookahead: every position is tried (决定任命朱忠明为…: not 决定 + 任)
            rf"(?=(?:(?<=[，,。；;：:、\s•·▲△])|^|(?<={'|'.join(_APPOINT_BEFORE)}))"
            rf"(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?:同志|等)?(?P<verb>{_APPOINT_VERB})"
            rf"(?P<office>[\u4e00-\u9fff（）()]{{0,24}}?(?:{titles}))(?=[，,。；;、：:\s（(]|职务|$))"
        ),
        surnames=surnames_from_jieba() | frozenset(rules.surnames),
        name_end=re.compile(NAME_END),
        follow=re.compile(rf"(?:{_FOLLOW})|{NAME_END}"),
        dismissal=re.compile(
            rf"(?=(?:免去|撤销)(?P<name>[\u4e00-\u9fff]{{2,3}})(?:同志)?的?(?P<office>[\u4e00-\u9fff、]{{0,24}}?(?:{titles}))职务"
            rf"|(?:(?<=[，,。；;：:、\s])|^|(?<=接受|同意|批准))(?P<name2>[\u4e00-\u9fff]{{2,3}}?)(?:同志)?(?:因[^，。；]{{0,12}})?辞去"
            rf"(?P<office2>[\u4e00-\u9fff、]{{0,30}}?(?:{titles}))(?:职务|的请求)"
            rf"|(?:(?<=[，,。；;：:\s])|^)(?P<name3>[\u4e00-\u9fff]{{2,3}})的"
            rf"(?P<office3>[\u4e00-\u9fff、]{{0,40}}?(?:{titles})(?:、[\u4e00-\u9fff]{{1,4}})?)职务)"
        ),
    )
    _COMPILED.clear()  # one archive's rules at a time
    _COMPILED[id(rules)] = (rules, names)
    return names


def _known_name_at(s: str, at: int) -> bool:
    return any(_word_tags().get(s[at : at + n], "").startswith("nr") for n in (2, 3))


def _qualifier_start(s: str, start: int) -> int:
    """Where the office that ends its title at ``start`` begins: back to the nearest stop."""
    lo = max(0, start - OFFICE_PREFIX)
    cut = lo
    for m in _OFFICE_STOP.finditer(s, lo, start):
        cut = m.end()
    return cut


def _office_back(s: str, qstart: int, names: _Names) -> int:
    """Extend an office back over offices joined to it by 、 (``党委书记、局长``, ``市委常委、常务副市长``)."""
    for _ in range(4):
        if qstart < 2 or s[qstart - 1] != "、":
            break
        prev = _qualifier_start(s, qstart - 1)
        segment = s[prev : qstart - 1]
        if not segment or not names.office_end.search(segment):
            break
        qstart = prev
    return qstart


def _name_after(s: str, at: int, names: _Names, toks: list[_Tok] | None = None) -> int:
    """The length of the personal name that starts at ``at`` (0: none); ``toks``: jieba's
    tokens of the text from ``at`` on, if the caller has them.

    A surname and one or two more characters make a name where punctuation or a word that
    follows names (主持, 率, 一行, 会见 …) comes next (``黄永平，`` ``王家扬一行``); where both
    lengths could end so, or neither, jieba's reading decides."""
    if at >= len(s) or s[at] in _NEVER_FIRST:
        return 0
    known = 3 if _word_tags().get(s[at : at + 3], "").startswith("nr") and not _common(s[at : at + 3]) else 0
    if known and (at + known == len(s) or s[at + known] in _PUNCT or names.follow.match(s, at + known)):
        return known  # a name of jieba's dictionary (竺可桢), whatever its surname
    if s[at] not in names.surnames:
        return 0
    fits = []
    for length in (2, 3):
        name = s[at : at + length]
        if (len(name) < length or not _CJK.fullmatch(name) or any(c in _NOT_IN_NAME for c in name[1:])
                or (name in _word_tags() and not _word_tags()[name].startswith(("nr", "ns"))) or _common(name)):
            continue
        end = at + length
        if end == len(s) or s[end] in _PUNCT or names.follow.match(s, end):
            fits.append(length)
    read = _jieba_name(s, at, names, toks)
    if s[at] in _PREPOSITION_FIRST:  # 副书记向学校捐赠: 向 is a surname only where jieba reads a name
        return read
    if len(fits) == 1:
        return fits[0]
    if len(fits) == 2:
        return read if read in fits else 3
    return read


def _jieba_name(s: str, at: int, names: _Names, toks: list[_Tok] | None) -> int:
    """The length of the name jieba reads at ``at`` (0: none)."""
    if toks is None:
        toks = _tokens(s, at, min(len(s), at + WINDOW))
    if not toks:
        return 0
    t1 = toks[0]
    t2 = toks[1] if len(toks) > 1 else None
    if t1.flag.startswith("nr") and 2 <= len(t1.word) <= 4 and t1.word[0] in names.surnames and not _common(t1.word):
        return len(t1.word)
    if t2 is not None and not _word_tags().get(t1.word + t2.word, "nr").startswith("nr"):
        return 0  # 新/时代: one word of the dictionary
    if (len(t1.word) == 1 and t1.word in names.surnames and t1.flag.startswith("nr") and t2 is not None and 1 <= len(t2.word) <= 2
            and not t2.flag.startswith(_NOT_GIVEN_NAME) and _name_ends(s, at + 1 + len(t2.word), names, toks[2:])):
        return 1 + len(t2.word)
    if (2 <= len(t1.word) <= 3 and t1.word[0] in names.surnames and t1.word not in _word_tags()
            and not t1.flag.startswith(_NOT_GIVEN_NAME)
            and _name_ends(s, at + len(t1.word), names, toks[1:])):
        return len(t1.word)
    return 0


def _name_ends(s: str, at: int, names: _Names, rest: list[_Tok]) -> bool:
    """A name may end at ``at``: punctuation, the end, a word that follows names, or a word of
    two or more characters or a verb (``rest``: jieba's tokens from ``at`` on, possibly cut short)."""
    if at >= len(s) or names.name_end.match(s, at):
        return True
    if not rest or rest[0].start != at or at + len(rest[0].word) >= min(len(s), rest[-1].start + len(rest[-1].word)):
        rest = _tokens(s, at, min(len(s), at + 4))
    return bool(rest) and (len(rest[0].word) >= 2 or rest[0].flag.startswith(("v", "p")))


def _more_names(s: str, at: int, names: _Names) -> list[tuple[int, int]]:
    """Names listed after the first under one office: ``副市长王东方、李强出席`` → 李强."""
    out = []
    while at < len(s) and s[at] == "、":
        toks = _tokens(s, at + 1, min(len(s), at + 1 + WINDOW))
        if not toks or not toks[0].flag.startswith("nr") or not 2 <= len(toks[0].word) <= 3:
            break
        if toks[0].word[0] not in names.surnames:
            break
        end = at + 1 + len(toks[0].word)
        if end < len(s) and not (s[end] in "、，,。；;" or names.name_end.match(s, end)):
            break
        out.append((at + 1, end))
        at = end
    return out


def _appointed_name(s: str, start: int, length: int, names: _Names) -> bool:
    """``s[start:start+length]`` is a name where a verb of appointment follows it: no word of
    jieba's dictionary, and jieba reads a name there (its first word is tagged ``nr`` and ends
    inside it, as in ``毛迎/时任``; or it is read as a name by ``_name_after``)."""
    name = s[start : start + length]
    if name[0] not in names.surnames or name in _word_tags() and not _word_tags()[name].startswith("nr"):
        return False
    toks = _tokens(s, start, min(len(s), start + length + 2))
    if toks and toks[0].flag.startswith("nr") and 2 <= len(toks[0].word) <= length:
        return True
    return _name_after(s, start, names, toks) == length


def _names_before(s: str, start: int, names: _Names) -> list[tuple[int, int]]:
    """Names listed with 、 before an appointed one: ``乔生瑞、吴岳、陈光任…`` → 陈光, 吴岳, 乔生瑞."""
    out = []
    at = start
    while at >= 3 and s[at - 1] == "、":
        m = re.search(r"(?:^|(?<=[，,。；;：:、\s•·▲△]))([\u4e00-\u9fff]{2,3})$", s[max(0, at - 5) : at - 1])
        if not m:
            break
        begin = at - 1 - len(m.group(1))
        item = m.group(1)  # between two stops: a surname and no word of the dictionary is enough
        if item[0] not in names.surnames or (item in _word_tags() and not _word_tags()[item].startswith("nr")):
            break
        out.append((begin, at - 1))
        at = begin
    return out


def _name_before_title(s: str, m: re.Match[str], toks: list[_Tok], names: _Names,
                       found: dict[int, tuple[int, str, bool]], original: str) -> None:
    """A name right before a title (``习近平总书记``, ``毛泽东主席在会上``): jieba's word that ends
    where the title starts is a name (``nr``), and a stop, a verb or a word that follows names comes after."""
    name = next((t for t in toks if t.start + len(t.word) == m.start()), None)
    if (name is None or not name.flag.startswith("nr") or not 2 <= len(name.word) <= 3
            or name.word[0] not in names.surnames or name.start in found):
        return
    if any(a <= name.start < e or (e == name.start and name.word[0] in "任为") for a, (e, _, _) in found.items()):
        return  # 陈勉恕任贵中校长: 任贵中 is no name
    if _after_title(s, m.end(), toks, names):
        found[name.start] = (m.start(), original[m.start() : m.end()], False)


def _after_title(s: str, at: int, toks: list[_Tok], names: _Names) -> bool:
    """What follows a title after a name (毛泽东主席在会上): a stop, a word that follows names, or a verb."""
    if at >= len(s) or s[at] in _PUNCT or names.name_end.match(s, at):
        return True
    rest = [t for t in toks if t.start >= at] or _tokens(s, at, min(len(s), at + 4))
    return bool(rest) and rest[0].start == at and rest[0].flag.startswith(("v", "p"))


def _bad_name(name: str, rules: EntityRules, names: _Names) -> bool:
    return (name in rules.not_names or bool(names.office_end.search(name)) or bool(_BODY_END.search(name))
            or not re.fullmatch(r"[\u4e00-\u9fff]+(?:[·•][\u4e00-\u9fff]+)*", name))


def people_at(text: str, rules: EntityRules, *, compacted: bool = False) -> list[tuple[int, Mention]]:
    """Every official named with an office in ``text``, with where the name starts (in the
    compacted text), in text order: an office right before the name (and the names listed
    after it with 、), or a name appointed to an office (``X任Y``, ``选举X为Y``)."""
    from builder.enrich.entities import Mention

    names = _compiled(rules)
    if names is None:
        return []
    original = text if compacted else compact(text)
    s = simplified(original)
    found: dict[int, tuple[int, str, bool]] = {}  # name start -> (end, office, past)

    for m in names.appointment.finditer(s):
        start = m.start("name")
        if s[start] not in names.surnames or start in found:
            continue
        if not _appointed_name(s, start, len(m.group("name")), names):
            continue
        length = len(m.group("name"))
        office = original[m.start("office") : m.end("office")]
        end = m.end("office")
        while end < len(s) and s[end] == "、":  # 任保定市委委员、书记
            nxt = re.match(r"[\u4e00-\u9fff]{1,16}", s[end + 1 :])
            if not nxt or not names.office_end.search(nxt.group()):
                break
            office += "、" + original[end + 1 : end + 1 + nxt.end()]
            end += 1 + nxt.end()
        found[start] = (start + length, office, False)
        for before in _names_before(s, start, names):  # 乔生瑞、吴岳、陈光任地委常务委员
            found.setdefault(before[0], (before[1], office, False))

    for m in names.dismissal.finditer(s):  # 免去宋太平保定市委书记职务, 陈昌旭辞去市长职务, 白素萍的…庭长职务
        name, office_group = next((f"name{i}", f"office{i}") for i in ("", "2", "3") if m.group(f"name{i}"))
        start = m.start(name)
        if s[start] not in names.surnames or start in found or not _appointed_name(s, start, len(m.group(name)), names):
            continue
        end, office_start = m.end(name), m.start(office_group)
        if s[end - 1 : end + 1] == "同志":  # 免去许刚同志和平街道…: 许刚 + 同志, not 许刚同 + 志和平街道…
            end, office_start = end - 1, office_start + 1
        found[start] = (end, original[office_start : m.end(office_group)], False)

    for m in names.office.finditer(s):
        at = m.end()
        if at >= len(s) or at in found:
            continue
        if s[at] not in names.surnames and not _known_name_at(s, at):  # the quick test first: no jieba
            if m.start() >= 2 and s[m.start() - 2] in names.surnames or m.start() >= 3 and s[m.start() - 3] in names.surnames:
                _name_before_title(s, m, _tokens(s, max(0, m.start() - 4), min(len(s), at + 4)), names, found, original)
            continue
        toks = _tokens(s, max(0, m.start() - 4), min(len(s), at + WINDOW))
        _name_before_title(s, m, toks, names, found, original)
        spanning = next((t for t in toks if t.start < at < t.start + len(t.word)), None)
        if spanning is not None and spanning.start <= m.start():  # the title begins a longer word (委员会, 书记处)
            continue
        after = [t for t in toks if t.start >= at]
        length = _name_after(s, at, names, after if after and after[0].start == at else None)
        if not length:
            continue
        qstart = _office_back(s, _qualifier_start(s, m.start()), names)
        office = original[qstart:at]
        past = "时任" in s[max(0, qstart - 4) : qstart]
        found[at] = (at + length, office, past)
        for start, end in _more_names(s, at + length, names):
            found.setdefault(start, (end, office, past))

    out = []
    for start in sorted(found):
        end, office, past = found[start]
        if s[end - 1 : end + 1] == "同志":  # 免去许刚同志…: the name ends before 同志
            end -= 1
        while end < len(s) - 1 and s[end] in "·•":  # 皮尔·罗琪: the rest of a transcribed name, up to what follows names
            rest = end + 1
            while rest < min(len(s), end + 7) and _CJK.match(s[rest]) and not names.follow.match(s, rest):
                rest += 1
            if rest == end + 1:
                break
            end = rest
        name = original[start:end]
        if _bad_name(name, rules, names):
            continue
        attrs = (("office", office),) + ((("past", "时任"),) if past else ())
        out.append((start, Mention("person", name, name, original[start:end], attrs)))
    return out


_PARAGRAPH_END = re.compile(r"[。！？!?；;：:”」）)]\s*$|^.{0,12}$")  # a blank line after this ends a paragraph (not in
# double-spaced OCR, where a blank line follows every line, even one that breaks a name: 区委书记宋晓 / 东)
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.、]\s|[|>])")


def people_by_line(text: str, rules: EntityRules, first: int = 1, last: int | None = None) -> list[tuple[int, Mention]]:
    """The officials named in lines ``first``…``last`` (1-based) of a text as received, each with the
    line its name starts on: lines are read as paragraphs (a blank line, a heading or a list item
    starts a new one), so a name an OCR line break cuts in two is still read whole."""
    lines = text.splitlines()[first - 1 : last]
    paragraphs: list[list[tuple[int, str]]] = [[]]
    for no, line in enumerate(lines, first):
        ended = not paragraphs[-1] or _PARAGRAPH_END.search(paragraphs[-1][-1][1])
        if (not line.strip() and ended) or _BLOCK_START.match(line):
            paragraphs.append([])
        if line.strip():
            paragraphs[-1].append((no, line))
    out: list[tuple[int, Mention]] = []
    for paragraph in paragraphs:
        where: list[int] = []  # the line of each character of the compacted paragraph
        parts = []
        for no, line in paragraph:
            part = compact(line)
            parts.append(part)
            where.extend([no] * len(part))
        joined = "".join(parts)
        out.extend((where[start], mention) for start, mention in people_at(joined, rules, compacted=True))
    return out


@dataclass(frozen=True)
class Speaker:
    """Who delivered a report, as its byline or sources.yml ``speaker`` says: ``市长 刘凤海``."""

    source_id: str
    name: str
    office: str
    date: str  # ISO date of the report, or ""
    title: str  # the report's title


# the byline after the meeting in a subtitle (the parser keeps it without spaces): 县长王东方, 市委副书记、市长张三
_BYLINE = re.compile(r"^(?P<office>[\u4e00-\u9fff、]{0,20}?(?:长|书记|主任|主席))(?P<name>[\u4e00-\u9fff]{2,4})$")


def report_speakers(docs: list[Document]) -> list[Speaker]:
    """The speaker of every report: sources.yml ``speaker`` first (``市长 刘凤海``), else the byline the
    parser read (``meta["speaker"]``/``["speaker_title"]``), else a byline at the end of the subtitle
    (``——2012年1月6日在…上 市长 刘凤海``); the date is the source's, else the subtitle's."""
    out = []
    for doc in docs:
        source, meta = doc.source, doc.meta
        if source.genre != "report":
            continue
        name, office = "", ""
        if source.speaker.strip():
            *title, last = source.speaker.split()
            name, office = last, "".join(title)
        elif meta.get("speaker"):
            name, office = meta["speaker"], meta.get("speaker_title", "")
        else:
            byline = _BYLINE.match(compact(meta.get("subtitle", "")).rsplit("上", 1)[-1])
            if byline:
                name, office = compact(byline.group("name")), byline.group("office")
        if name:
            out.append(Speaker(source.id, name, office, source.date or meta.get("date", ""), source.title))
    return out


def offices_over_time(held: list[str]) -> list[str]:
    """A person's offices in the order they are first seen, each with the dates of the records that
    name it: ``date\\toffice\\trecord`` → ``市长\\t2012-01-06\\t2014-05-01\\t3`` (first, last, how many
    records; dates may be empty where a record has none)."""
    seen: dict[str, list[str]] = {}
    for item in held:
        date, office, _ = (item.split("\t") + ["", ""])[:3]
        seen.setdefault(compact(office), []).append(date)
    rows = []
    for office, dates in seen.items():
        dated = sorted(d for d in dates if d)
        rows.append((dated[0] if dated else "9999", office, dated[-1] if dated else "", len(dates)))
    rows.sort()
    return [f"{office}\t{'' if first == '9999' else first}\t{last}\t{n}" for first, office, last, n in rows]
