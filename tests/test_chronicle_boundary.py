"""Where an event ends, as a historian draws it (issue 12; the rule is written in docs/editorial.md).

Both sides of the rule, on short texts in the forms real chronicles use:

* a date inside an entry that is a follow-up stays in the entry and never moves the date context: 翌日/于次日,
  a date out of order, a date repeating the entry's own, a date years later (``…1955 年 3 月 1 日,发行…``), a
  month after ``。`` (``…。8月,合并于…``), a day in the entry's own month where the text does not run items
  together (``…成立。10月2日,開國大典消息傳到…``);
* a date that starts an item is split: a sentence-initial day where the text runs items together (``…。18日,
  成立…。23日,…``), a month after ``；`` (``1958年建立…;9月,撤区…``), a day in a later month than a month entry
  (``6、7月发大水…。8月17日大北风``), an entry run into the line before in the chronicle's own form (``…全会。3月8日
  县政府…``), 是日/同月 after a sentence end, enumerated items (``一、39年…。 二、42年…``), and a column gap of a
  two-column OCR page; a two-column page joined by one space is read left column first, then right;
* page furniture never joins an event: boilerplate, timestamps, HTML comments, forum filler;
* a date OCR glued into running text starts an item only when it keeps the order, ends a clause and an item's text
  follows (a glued follow-up stays); an embedded article is a section, not events; date cells of a flattened
  table; a span told in the first clause; a paragraph whose full date stands inside its first sentence.
"""

from __future__ import annotations

from pathlib import Path

from builder.model.document import Event, Section, Source
from builder.parse.chronicle import parse_events
from builder.parse.eras import lookup
from builder.sources.normalise import split_lines


def _events(text: str, year: int | None = None, era: str = "") -> list[Event]:
    src = Source(id="t", file="t.txt", title="t", genre="chronicle", region="", years=(), era=era)
    nodes, _ = parse_events(split_lines(text.strip("\n")), source=src, year=year)
    out: list[Event] = []
    for n in nodes:
        out.extend(n.events() if isinstance(n, Section) else [n] if isinstance(n, Event) else [])
    return out


def _dates(text: str, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.date.edtf() for e in _events(text, **kw)]


def test_follow_ups_stay_inside_and_do_not_move_the_context() -> None:
    text = """
1950 年
5 月 22 日,成立舟山群岛军事管制委员会。翌日,召集会议。
5 月 23 日,中国人民银行定海办事处成立,发行人民币。1955 年 3 月 1 日,发行新版人民币。
6 月 11 日,定海近万人举行盛大集会。
9 月,华东海军第四舰队进驻定海。10 月,改建为海军舟山基地。
"""
    assert _dates(text) == ["1950-05-22", "1950-05-23", "1950-06-11", "1950-09"]
    events = _events(text)
    assert "1955年3月1日" in events[1].text and "10月,改建" in events[3].text


def test_a_day_in_the_same_month_is_a_follow_up_unless_the_text_runs_items_together() -> None:
    sparse = """
1949年10月1日,中華人民共和國成立。10月2日,開國大典消息傳到洵陽。
10月12日,國民黨過民樂鄉。
11月25日,人民解放軍向縣城挺進。
12月1日,縣民主政府改稱縣人民政府。
"""
    assert _dates(sparse) == ["1949-10-01", "1949-10-12", "1949-11-25", "1949-12-01"]
    dense = """
1962年
1月11日地委成立整风整社领导小组。18日,成立领导小组。23日,省委批准成立常委会。
2月11日公布文物保护单位。22日,成立党组。
"""
    assert _dates(dense) == ["1962-01-11", "1962-01-18", "1962-01-23", "1962-02-11", "1962-02-22"]


def test_items_that_start_mid_line_are_split() -> None:
    assert _dates("1958年建立国营农场;9月,撤区建乡。\n1959年1月,土壤普查;5月,建立农场。") == \
        ["1958", "1958-09", "1959-01", "1959-05"]
    assert _dates("2年(1913年) 6、7月发大水。早造失收。8月17日大北风,小船被吹上岸。", era="民国") == \
        ["1913-06/1913-07", "1913-08-17"]
    assert _dates("1998年\n3月5日 县委召开全会。3月8日 县政府召开常务会议。") == ["1998-03-05", "1998-03-08"]
    assert _dates("1950 年\n5 月 22 日,成立警备司令部。是日,废滃洲县,并入定海县。") == ["1950-05-22", "1950-05-22"]
    assert _dates("古厝。 南竿鄉誌初稿: 一、39年12月15日,公署成立。 二、42年8月15日,公署撤銷。", era="民国") == \
        ["1950-12-15", "1953-08-15"]


def test_column_gap_of_a_two_column_page() -> None:
    text = """
                      9 月 19 日 , 上海海事局航标站                       12 月 22 日 , 本县运动员在上海
                  站成立 。                                           浦东举行的锦标赛中夺冠 。
"""
    assert _dates(text, year=2006) == ["2006-09-19", "2006-12-22"]


# a two-column page whose text layer joined the columns with one space (as OCR also puts around numbers):
# real line shapes of a 大事记 page (hanging dates, ``28 日``, a month item and a month heading in the right column)
TWO_COLUMNS = """P. 77
2001 年
17~18日 副省长某某在副市长 28 日 市委、市政府召开计划生育先
陈某陪同下,到罗平调研教育工作。 进集体和先进个人表彰大会,麒麟区计生
18~22日 政协曲靖市第一届委员 委等 30 个先进集体和高某等 100 名先进
会第四次会议在曲靖举行,315 名政协委员 个人受到表彰,王某、高某、陈某某及
出席开幕式,市政协主席李某作常委会工 原地级老领导朱某出席表彰会。
作报告,市长王某某代表市政府作《政府 2 月 以某某为代表的世界粮食计
工作报告》的说明,会议通过市政协一届 划署官员到宣威市、罗平县等地对 1992 年
四次会议决议和提案收集情况的报告。 以来实施的援粮农业综合开发项
19 日 由曲靖市老体协、市直机关老 目进行验收。
体协、麒麟区老体协、曲烟企业老体协联
合举办的曲靖城区迎接新世纪老年体育运 3月
动会举行,来自麒麟区 100 家市直单位 191
支代表队的 1153 名老年运动员参赛,是曲 1 日 国家烟草专卖局局长倪某、
靖市有史以来规模最大,参赛单位、参赛 副省长程某、省烟草专卖局局长李某某
人数最多的一次老年体育盛会。 在曲靖市领导的陪同下,对罗平的“两烟”
19~20日 市政府召开全市物价工 情况进行实地考察调研。
作会议。 同日 由云南师范大学旅游规划研究"""


def test_two_column_page_joined_by_one_space_is_read_column_by_column() -> None:
    events = _events(TWO_COLUMNS)
    assert [(e.line, e.date.edtf()) for e in events] == [
        (3, "2001-01-17/2001-01-18"), (5, "2001-01-18/2001-01-22"), (11, "2001-01-19"), (18, "2001-01-19/2001-01-20"),
        (3, "2001-01-28"), (8, "2001-02"), (15, "2001-03-01"), (19, "2001-03-01")]
    assert events[0].text == "副省长某某在副市长陈某陪同下,到罗平调研教育工作。"
    # a line with no right part (only OCR's spaces around numbers in it) is the left column's
    assert events[2].text.endswith("来自麒麟区100家市直单位191支代表队的1153名老年运动员参赛,是曲靖市有史以来规模最大,"
                                   "参赛单位、参赛人数最多的一次老年体育盛会。")
    src = Source(id="t", file="t.txt", title="t", genre="chronicle", region="", years=())
    _, dropped = parse_events(split_lines(TWO_COLUMNS), source=src, year=None)
    assert [(d.line, d.text, d.reason) for d in dropped if d.reason == "two-column"] == [(3, "", "two-column")]


def test_two_column_reading_needs_a_two_column_page() -> None:
    # one column with OCR spaces around numbers: lines of one width, nothing to split
    one = """1998年
3月5日 县委召开全会,到会 315 名代表,会议通过决议。
3月8日 县政府召开常务会议,研究 2 项工作。
3月9日 县人大召开会议,100 名代表出席。
3月12日 植树节,全县植树 30 万株。
3月15日 消费者权益日活动举行。
3月20日 县政协召开常委会议。"""
    src = Source(id="t", file="t.txt", title="t", genre="chronicle", region="", years=())
    _, dropped = parse_events(split_lines(one), source=src, year=None)
    assert not [d for d in dropped if d.reason == "two-column"]
    assert _dates(one) == ["1998-03-05", "1998-03-08", "1998-03-09", "1998-03-12", "1998-03-15", "1998-03-20"]


def test_page_furniture_never_joins_an_event() -> None:
    text = """
您现在的位置:首页 > 走进温州 > 温州大事记
2012年大事记
发布日期: 2014- 05- 12 14: 28 浏览次数: 来源: 温州市地方志
<!-- page-anchor: p12 -->
1月
  1日  温州市元旦升国旗仪式举行。
2007/9/24 14:08:13
5 r1 a4 T8 V9 J/ H
  8日  市委召开全市领导干部大会。
【责任编辑:某某】
"""
    events = _events(text)
    assert [e.date.edtf() for e in events] == ["2012-01-01", "2012-01-08"]
    assert events[0].text == "温州市元旦升国旗仪式举行。" and events[1].text == "市委召开全市领导干部大会。"


def test_attribution_is_kept_apart() -> None:
    events = _events("1986年\n3月5日 县委召开全会。（摘自《某县日报》）\n3月8日 召开常务会议。")
    assert events[0].text == "县委召开全会。" and events[0].attribution == "（摘自《某县日报》）"


def test_era_in_force_and_dynasty_items() -> None:
    assert lookup("民国")
    text = """
西漢,高祖六年(前201)為置縣之始。
南梁,改始平僚郡為始平郡。
唐宋,郪縣、涪城縣仍置。
"""
    assert _dates(text) == ["-0200", "0502/0557", "0618/1279"]


def test_next_day_and_dynasty_headings() -> None:
    assert _dates("1986年\n5月31日 召开会议。\n次日,举行闭幕式。\n翌日 返回。") == ["1986-05-31", "1986-06-01", "1986-06-02"]
    events = _events("西汉（前206年—公元25年）\n高祖六年(前201) 置县。")
    assert [e.date.edtf() for e in events] == ["-0200"]


def test_a_date_glued_into_running_text_starts_an_item_only_when_it_reads_as_one() -> None:
    # OCR lost the sentence end between two entries: the glued date keeps the order and an item's text
    # (a subject, then its predicate) follows it → two entries, the second dated by the glued date
    merged = "1990年\n3月1日,县委召开全县农村工作会议部署春耕生产3月5日县人民医院新建门诊大楼落成并投入使用。\n3月9日 县政府召开常务会议。"
    assert _dates(merged) == ["1990-03-01", "1990-03-05", "1990-03-09"]
    assert _events(merged)[1].text.startswith("县人民医院")
    # a day glued to a day-only chronicle's text, in the month in force
    assert _dates("1990年\n3月\n1日 县委召开全县农村工作会议部署春耕生产5日县人民医院新建门诊大楼落成并投入使用。") \
        == ["1990-03-01", "1990-03-05"]


def test_a_glued_follow_up_date_stays_in_its_entry() -> None:
    # hebei-daming-dashiji-1967-1969-cn-year-headers-web line 30 (real): the date stands between a short subject
    # and its verb (二期工程 | 6月20日 | 开工) → a follow-up, one entry
    real = "1968年\n5月10日,县境内老柴河、洪涯江第一期工程开工,5月31日收工。二期工程6月20日开工,7月10日收工。\n5月20日,召开会议。"
    assert _dates(real) == ["1968-05-10", "1968-05-20"]
    # a glued date earlier than the entry, or repeating it, is a back-reference: it stays and does not move
    # the context
    back = "1990年\n3月5日,县人民医院新建门诊大楼落成并投入使用该楼工程于去年动工3月1日县委召开的会议已作部署。\n8日 召开常务会议。"
    assert _dates(back) == ["1990-03-05", "1990-03-08"]
    same = "1990年\n3月5日,县人民医院新建门诊大楼举行落成典礼大楼工程全部完成3月5日县委领导出席典礼仪式并讲话。"
    assert _dates(same) == ["1990-03-05"]
    # a date a governing word introduces (于/至/到/在…) never splits, however long the text around it
    assert _dates("1990年\n3月1日,县委召开全县农村工作会议部署春耕生产于3月5日县人民医院新建门诊大楼落成。") == ["1990-03-01"]


def _articles(text: str) -> list[Section]:
    src = Source(id="t", file="t.txt", title="t", genre="chronicle", region="", years=())
    nodes, _ = parse_events(split_lines(text.strip("\n")), source=src, year=None)
    out: list[Section] = []
    for n in nodes:
        if isinstance(n, Section):
            out.extend(s for s in [n, *n.sections()] if s.kind == "article")
    return out


def test_an_embedded_article_is_a_section_not_events() -> None:
    # the real pages of the corpus that embed an article (tests/corpus/chronicles): the author's essay under
    # its title before the chronicle (henan-yudong), and an introduction under the title and the author's
    # name (sichuan-fushun): a section of kind article with its title, text and lines — no event
    from bench.chronicles import CORPUS
    from builder.parse import parse_document
    from builder.sources.load import decode

    def doc(stem: str):  # type: ignore[no-untyped-def]
        path = CORPUS / f"{stem}.txt"
        src = Source(id=stem, file=path.name, title=stem, genre="chronicle", region="", years=())
        return parse_document(src, split_lines(decode(path.read_bytes(), name=path.name)))

    yudong = doc("henan-yudong-xianzhi-minguo-disasters-cn-numerals-trad")
    (art,) = [s for s in yudong.root.sections() if s.kind == "article"]
    assert (art.title, art.line, art.end) == ("民國期間一個豫東小縣城的天災記錄", 4, 6)
    assert art.full_text.startswith("從春節至今") and not list(art.events())
    assert min(e.line for e in yudong.events()) == 8
    fushun = doc("sichuan-fushun-yiqing-dashiji-ming-qing-era-ganzhi-trad")
    (art,) = [s for s in fushun.root.sections() if s.kind == "article"]
    assert (art.title, art.line, art.end) == ("歷史上富順縣疫情大事記", 3, 11)
    credit = [b for b in art.children if b.kind == "credit"]  # type: ignore[union-attr]
    assert [b.text for b in credit] == ["劉 剛"] and "農曆鼠年" in art.full_text


def test_an_article_after_the_entries_is_not_glued_to_the_last_one() -> None:
    text = """
1986年
5月31日 县委召开全县农村工作会议。
6月2日 县人民医院新建门诊大楼落成。
在全县农村工作会议上的讲话
同志们:这次会议的主要任务是总结去年的农村工作,部署今年的春耕生产。去年全县农业生产取得了好收成。
今年的任务更加艰巨,各级干部要深入基层,帮助群众解决生产中的实际困难。
6月9日 县政府召开常务会议。
"""
    assert _dates(text) == ["1986-05-31", "1986-06-02", "1986-06-09"]
    events = _events(text)
    assert events[1].text == "县人民医院新建门诊大楼落成。"
    (art,) = _articles(text)
    assert art.title == "在全县农村工作会议上的讲话" and (art.line, art.end) == (4, 6)
    assert "同志们" in art.full_text and "今年的任务" in art.full_text
    # a short line inside an open sentence is a wrapped line, and a title above dated entries is no article
    assert not _articles("1986年\n5月31日 县委召开全县农村工作会议讨论\n今年的农业生产计划\n同志们:这次会议的主要任务是总结去年的农村工作,部署今年的春耕生产。去年全县农业生产取得了好收成。")
    assert not _articles("1986年\n农业\n5月31日 县委召开全县农村工作会议。去年全县农业生产取得了好收成,今年任务更加艰巨。")


def test_a_magazine_page_of_one_item_a_paragraph() -> None:
    # guizhou-qiannan-dashiji-1956-1982-magazine (real lines 5, 10, 12, 14, 22, 30): a posting date alone in a form
    # no entry uses is page furniture; a paragraph whose full date stands inside its sentence is an item of that
    # date; a day of a later month after ``；``; a later month after ``。`` in a paragraph that already runs
    # month items together; a later month after ``；`` following a day entry
    path = Path(__file__).parent / "corpus" / "chronicles-unseen" / "guizhou-qiannan-dashiji-1956-1982-magazine.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    text = "\n".join(lines[k - 1] for k in (5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 22, 23, 30))
    assert _dates(text) == ["1956-08-08", "1957-06-17", "1957-08-18/1957-08-24", "1959-01-15", "1960-03-11",
                            "1961-08-18", "1965-01", "1965-04", "1965-10", "1978-04-28", "1978-07"]
    assert _events(text)[0].text.startswith("经国务院批准")
    # the follow-ups stay: a month after 。 where no month item was split off the paragraph, a day of the
    # entry's month, a date earlier than the entry
    assert _dates("1950 年\n9 月,华东海军第四舰队进驻定海。10 月,改建为海军舟山基地。") == ["1950-09"]
    quiet = "\n".join(["1978年4月28日,经国务院批准,黔南师范专科学校改建为黔南民族师范专科学校。"] * 4
                      + ["经国务院批准,该校于1977年8月8日正式成立。"])
    assert len(_dates(quiet)) == 4


def test_date_cells_of_a_flattened_table() -> None:
    # guangdong-foshan-dashiji-2000-01-bare-numbers (real): year, month and day cells alone on their lines, the
    # texts after them; cells stacked in a row date the paragraphs after them in order
    path = Path(__file__).parent / "corpus" / "chronicles" / "guangdong-foshan-dashiji-2000-01-bare-numbers.txt"
    events = _events(path.read_text(encoding="utf-8"))
    assert [(e.line, e.date.edtf()) for e in events][:5] == [
        (13, "2000-01-01"), (23, "2000-01-01"), (29, "2000-01-01"), (35, "2000-01-01"), (37, "2000-01-06/2000-01-08")]
    assert [(e.line, e.date.edtf()) for e in events if e.line >= 56] == [
        (56, "2000-01-17/2000-01-18"), (57, "2000-01-20"), (67, "2000-01-21"), (68, "2000-01-22/2000-01-28")]
    # where the entries print their days, a bare number alone is a page number, not a cell
    text = "1986年\n5月31日 县委召开全县农村工作会议。\n12\n6月2日 县人民医院新建门诊大楼落成。\n13\n6月9日 召开会议。\n14"
    assert _dates(text) == ["1986-05-31", "1986-06-02", "1986-06-09"]


def test_a_span_the_first_clause_tells() -> None:
    # sichuan-fushun line 17 (real): from the 7th month of 1545 to the 6th month of the next year (丙午年, with its
    # Gregorian year in brackets) — one event dated by the span, in the Chinese calendar
    text = "明 代\n嘉靖二十四年乙巳(1545),秋七月,不雨至於丙午年(1546)夏六月,旱甚,千餘里皆赤地。加以病疫大作,人民凋敝流離"
    (event,) = _events(text)
    assert event.date.original == "1545-L07/1546-L06" and event.date.calendar == "chinese"
    # a 至 in a later clause is a follow-up: the entry keeps its own date
    assert _dates("1950年\n5月,成立县工业科,至1958年8月并入县计委。") == ["1950-05"]


def test_a_chronicle_of_one_short_paragraph() -> None:
    """A text that is one paragraph (a Q&A page on a county's 乡/镇, tests/corpus/chronicles-fresh/
    fujian-nanan-xiangzhen-1984-1993-web.txt) is read as a document run into one line however short: its first
    sentence's full date makes it an item, and a later year at a sentence start begins one, also run into its verb.
    An era-dated run keeps a bare later year as a follow-up (``民国24年(1935年) 秋,…。1937年,被迫停办。``)."""
    text = ("根据中央、国务院及省政府有关指示,1984年10月1日,实行政社公开,建立乡政府。将公社改为乡、镇。全县共有22个乡镇。"
            "1984年10月,洪濑、诗山、石井改乡为镇。1988年9月,美林、金淘、康美、罗东改乡为镇。"
            "到1988年12月止,全县共有15个镇。1993年撤县设省辖县级市南安市,由泉州市代管。\n时间: 2024-10-01 04:53:32\n")
    events = _events(text)
    assert [e.date.edtf() for e in events] == ["1984-10-01", "1988-09", "1993"]
    assert events[0].text.startswith("根据中央") and "洪濑" in events[0].text
    assert events[2].text.startswith("撤县设")
    # the rule is for a text of one paragraph: a paragraph among others is not read as run together
    longer = text.replace("\n时间", "\n1994年5月,全市设21个镇,另有一段很长的说明文字放在这里以便它超过四十个字的长度了。\n时间")
    assert [e.date.edtf() for e in _events(longer)] == ["1994-05"]
    era = ("民国23年(1934年) 县委书记等人被捕入狱。民国24年(1935年) 秋,王岗铺创办一所乡村教育社。1937年,被迫停办。"
           "民国25年(1936年) 县政府征调民工修路。")
    assert [e.date.edtf() for e in _events(era)] == ["1934", "1935-23", "1936"]
