"""Topics of chronicle events: what the text says first, the classifier for the rest, nothing when unsure.

Classes of input covered:
- a record opened by a body acting in its own name (人大, 政协, 纪委, 统战部, 检察院, a 群团) takes its topic;
- a body followed by an office names a person (市人大常委会主任主持…, 市委书记…): not the body acting;
- a body named as a partner, an object or a place (…与…大学签订, 向红十字会捐款) is not the subject;
- a body that governs every field (县政府, 市委) acting on a field: the field's words decide, unless the act
  is its own (a session, its founding, its move, its own departments);
- a body named anywhere counts as a word of its topic; a word inside another topic's body (民政 in 人民政府) does not;
- no topic leading clearly: the first named decides, and the decision says it was a close call;
- chains of bodies (区委政法委员会, 市委统战部): the last, most particular one;
- a meeting named after a field (区委经济工作会议) or after a body (市委常委会会议, 政府常务会议);
- honours (荣誉称号, 评为…先进) and changes of territory (改…县为…县, …属之);
- leading clauses of purpose (为进一步…，…，区科协联合…);
- traditional characters (a 民国 or Qing chronicle) read as simplified;
- the topics local chronicles record everywhere: transport and ports, foreign affairs and overseas Chinese,
  ethnic and religious affairs, disasters and weather, military, public health;
- a record whose text decides nothing and a classifier that is not confident: no topic, not a guess;
- the issue's cases: a COVID case is not 统战, a 人大 session is not 群团;
- `bodies:` in topics.yml, read like the other lists (a wrong type is one error line with file:line);
- accuracy on the hand-labelled events of tests/corpus/topics/events.tsv and on held-out yearbook 条目,
  and the topics of events in a real build of the seed archive.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.classifier import decide, entry_accuracy, event_accuracy, load_cases
from builder.config import ConfigError
from builder.config.site import load_topics
from builder.enrich.annotate import Taxonomy, TopicDecision, event_decisions, event_topics
from builder.pipeline import load_archive

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy(load_topics(REPO / "site_config" / "topics.yml"))


def topic(taxonomy: Taxonomy, text: str) -> list[str]:
    """The topic the rules give, with no classifier behind them."""
    return event_topics([text], taxonomy, None)[0]


@pytest.mark.parametrize(("text", "want"), [
    ("市人大常委会召开第四十次主任会议。会上传达了疫情防控指挥部视频工作会议精神。", "renda"),
    ("古塔区第十七届人民代表大会第三次会议召开。会议听取和审议了古塔区人民政府工作报告。", "renda"),
    ("区政协组织委员就环境综合整治、文化旅游产业发展进行视察调研。", "zhengxie"),
    ("中共望花区第十二届纪律检查委员会第二次全体会议召开。", "jijian"),
    ("市委统战部组织党外人士开展“同心”活动。", "tongzhan"),
    ("古塔区人民检察院开展“水环境保护公益诉讼专项行动”。", "fazhi"),
    ("辽阳市总工会向市疫情联防联控指挥部捐赠专款50万元。", "quntuan"),
    ("区委政法委员会召开2022年第一次全体（扩大）会议。", "fazhi"),
    ("县人民政府公安局在莒江上村大圣宫成立。", "fazhi"),
])
def test_a_body_acting_in_its_own_name_gives_its_topic(taxonomy, text, want):
    assert topic(taxonomy, text) == [want]


@pytest.mark.parametrize(("text", "want"), [
    # a person's office is not the body: the subject decides
    ("市人大常委会主任主持会议，研究部署全市招商引资重点项目。", "jingji"),
    ("省委常委、省委统战部部长到赫章县河镇乡开展极贫乡定点包干脱贫攻坚工作。", "nongye"),
    # a body as partner is not the subject
    ("辽阳市人民政府与辽宁科技大学签订战略合作协议。", "keji"),
])
def test_offices_and_partners_are_not_the_subject(taxonomy, text, want):
    assert topic(taxonomy, text) == [want]


@pytest.mark.parametrize(("text", "want"), [
    # a body that governs every field (政府, 党委) acting on a field: the field's words decide
    ("省政府为发展实业,决定发行省建设公债1800万元,年息6厘。", "caishui"),
    ("县人民政府组织全县农民兴修水利,修建水库3座。", "nongye"),
    ("市委召开全市领导干部大会,宣布市领导班子调整方案。", "dangjian"),  # its own session
    ("县人民政府在泗溪白粉墙村成立。", "zhengfu"),  # its own founding (and 民政 in 人民政府 is no word)
    ("县委增设财贸部、生产合作部、工业部。", "dangjian"),  # its own departments
    ("县政府成立游击队支队,县长兼司令。", "junshi"),  # founding something else
    ("县人民政府迁往莒江办公。", "zhengfu"),  # with no field named: its own topic
])
def test_governing_bodies_let_the_words_decide_unless_the_act_is_their_own(taxonomy, text, want):
    assert topic(taxonomy, text) == [want]


def test_a_body_named_anywhere_counts_as_a_word_of_its_topic(taxonomy):
    scores = taxonomy.cue_scores("市政府与浙江某文旅集团有限公司签订合作协议。")
    assert scores.get("lvyou", 0) >= len("文旅集团") and scores.get("wenhua", 0) == 0  # 文旅 inside the body
    assert taxonomy.cue_scores("县人民政府成立。").get("minsheng", 0) == 0  # 民政 inside 人民政府
    assert taxonomy.cue_scores("县人民政府成立。").get("zhengfu", 0) == 0  # a governing body is no word


def test_where_no_topic_leads_the_first_named_decides_and_says_so(taxonomy):
    # rule 12 of tests/corpus/topics/README.md: 疫情 (卫生健康) is named before 复工复产 (经济)
    assert event_decisions(["市长检查疫情防控和复工复产情况。"], taxonomy, None) == [
        TopicDecision(["weisheng"], "first named")]
    assert event_decisions(["县政府组织抗旱救灾，发放救济粮。"], taxonomy, None) == [TopicDecision(["zaihai"], "words")]
    assert event_decisions(["区妇联组织开展活动。"], taxonomy, None) == [TopicDecision(["quntuan"], "body")]
    assert event_decisions(["是日，晴。"], taxonomy, None) == [TopicDecision([], "none")]
    # only the close call is published as possible (marked 可能; tests/test_topic_possible.py)
    assert [d.possible for d in event_decisions(["市长检查疫情防控和复工复产情况。", "县政府组织抗旱救灾。",
                                                 "区妇联组织开展活动。", "是日，晴。"], taxonomy, None)] == [
        True, False, False, False]


def test_a_recipient_is_not_the_subject(taxonomy):
    assert taxonomy.from_actor("辽宁银盛水泥集团有限公司向辽阳市红十字会捐款100万元，支持抗击新冠肺炎疫情工作。") is None
    assert taxonomy.from_actor("辽阳市红十字会向受灾群众捐赠物资。") == "quntuan"


@pytest.mark.parametrize(("text", "want"), [
    ("望花区召开区委经济工作会议。会议深入贯彻中央经济工作会议精神。", "jingji"),
    ("市委书记主持召开市委常委会会议，传达学习全国两会精神。", "dangjian"),
    ("市长主持召开市政府第四十八次常务会议。会议听取关于支持中小企业的汇报。", "zhengfu"),
    ("山东省旅游局局长会议在青召开。", "lvyou"),
    ("县药品检验所被卫生部命名为“全国先进县级药品检验所”。", "rongyu"),
    ("改昌城縣為郪縣。", "gaimao"),
    ("設置陜甘寧邊區安康分區行政督察專員公署,洵陽縣屬之。", "gaimao"),
    ("为进一步弘扬科学精神，传播科学思想，区科协联合市科技馆开展科普活动。", "quntuan"),
])
def test_meetings_honours_territory_and_leading_clauses(taxonomy, text, want):
    assert topic(taxonomy, text) == [want]


@pytest.mark.parametrize(("text", "want"), [
    ("蓬莱港于田横山西侧动工兴建,1964年8月渔业码头竣工,1967年1月客货码头竣工。", "jiaotong"),
    ("北安路扩建动工，为百姓出行提供了方便。", "jiaotong"),
    ("市长王家瑞、副市长周嘉宾会见来访的韩国驻华大使权丙铉一行。", "waishi"),
    ("山东省华侨投资公司在青岛市成立，归侨侨眷代表出席。", "waishi"),
    ("县民族宗教事务局召开宗教场所安全工作会议。", "minzong"),
    ("全县遭旱災，受旱面積12.58萬畝。", "zaihai"),
    ("飛蝗自西來，後生蝻，傷害莊稼。", "zaihai"),
    ("中国人民解放军第22军以5个团兵力解放金塘岛。", "junshi"),
    ("县城发生鼠疫，死亡10余人。", "weisheng"),
])
def test_what_chronicles_record_everywhere_has_a_topic(taxonomy, text, want):
    assert topic(taxonomy, text) == [want]


def test_traditional_characters_read_as_simplified(taxonomy):
    assert taxonomy.fold("縣人民政府遷往莒江辦公") == "县人民政府迁往莒江办公"
    assert topic(taxonomy, "召開縣第五屆人民代表大會第一次會議，選舉縣長。") == ["renda"]


def test_nothing_decided_means_no_topic(taxonomy):
    assert topic(taxonomy, "是日，晴。") == []
    assert event_topics(["是日，晴。"], taxonomy, None) == [[]]


class _Unsure:
    """A classifier that hesitates between two topics (what ``predict`` returns then)."""

    trained = True

    def predict(self, texts, *, top=2, margin=0.25):
        return [["jingji", "wenhua"] for _ in texts]


class _Sure(_Unsure):
    def predict(self, texts, *, top=2, margin=0.25):
        return [["wenhua"] for _ in texts]


def test_an_unsure_classifier_gives_no_topic_a_sure_one_gives_its_own(taxonomy):
    text = "全体人员前往某地参观。"
    assert event_topics([text], taxonomy, _Unsure()) == [[]]
    assert event_topics([text], taxonomy, _Sure()) == [["wenhua"]]


def test_the_issues_cases(taxonomy):
    covid = ("辽阳市确诊1例输入性新型冠状病毒感染的肺炎病例，属普通型病例。李某（系辽阳市第二例确诊病例万某的丈夫），"
             "男，汉族，46岁，辽阳县寒岭镇人。")
    assert topic(taxonomy, covid) == ["weisheng"]
    session = "召开抚顺市望花区第十九届人民代表大会第二次会议。会议圆满完成选举事项，选举产生7名常务委员会组成人员。"
    assert topic(taxonomy, session) == ["renda"]


def test_bodies_in_topics_yml_are_read_and_checked(tmp_path):
    good = tmp_path / "topics.yml"
    good.write_text("topics:\n  - id: renda\n    name: 人大\n    bodies: [人大常委会, 人民代表大会]\n", "utf-8")
    assert load_topics(good)[0].bodies == ("人大常委会", "人民代表大会") and load_topics(good)[0].governing == ()
    gov = tmp_path / "gov.yml"
    gov.write_text("topics:\n  - id: zhengfu\n    name: 政府\n    governing: [县政府]\n", "utf-8")
    assert load_topics(gov)[0].governing == ("县政府",)
    assert Taxonomy(load_topics(gov)).actor("县政府成立。").governs is False  # its own founding
    assert Taxonomy(load_topics(gov)).actor("县政府组织抗旱。").governs is True
    bad = tmp_path / "bad.yml"
    bad.write_text("topics:\n  - id: renda\n    name: 人大\n    bodies: {a: 1}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yml:4: 'bodies' must be a list of text"):
        load_topics(bad)


@pytest.fixture(scope="module")
def seed_archive():
    return load_archive(REPO / "site_config", REPO / "source_texts")


def test_event_accuracy_on_the_hand_labelled_events(seed_archive):
    """The goal is 0.85 top-1 on events, an event without a topic counted wrong. Measured (tests/corpus/
    topics/README.md): 0.897 on all 475, 0.856 on the held-apart half; asserted as measured, so that a
    change for the worse fails here."""
    cases = load_cases(seed_archive)
    assert len(cases) >= 300 and len({c.source for c in cases}) >= 20
    decisions = decide(seed_archive, cases)
    scores = event_accuracy(seed_archive, cases, decisions=decisions)
    assert scores["all"]["accuracy"] >= 0.89, scores
    assert scores["test"]["accuracy"] >= 0.85, scores
    assert scores["test"]["precision"] >= 0.85, scores  # the topics it does give are right
    assert scores["all"]["coverage"] >= 0.95, scores  # and it gives one to most events
    # the close calls (published marked possible) as abstentions: fewer answers, the rest more often right
    sure = event_accuracy(seed_archive, cases, decisions=decisions, abstain=True)
    assert sum(d.possible for d in decisions) > 0
    for part in ("dev", "test", "all"):
        assert sure[part]["coverage"] < scores[part]["coverage"], (sure, scores)
        assert sure[part]["precision"] >= scores[part]["precision"], (sure, scores)


def test_entry_accuracy_five_fold(seed_archive):
    """The goal is 0.85 top-1 on held-out 条目 against the innermost heading (bench/classifier.py)."""
    scores = entry_accuracy(seed_archive, show=False)
    assert scores["innermost"] >= 0.85 and scores["innermost"] > 1.5 * scores["cue_innermost"], scores


def test_seed_events_carry_their_topics_in_a_real_build(built):
    archive, _, _ = built
    events = [(e.text, e.topics) for doc in archive.documents for e in doc.events()]

    def of(start: str) -> list[str]:
        return next(topics for text, topics in events if text.startswith(start))

    assert of("市人大常委会召开第四十次主任会议") == ["renda"]
    assert of("辽阳市确诊1例输入性新型冠状病毒") == ["weisheng"]
    assert of("中国人民政治协商会议辽阳市第十四届委员会第三次会议") == ["zhengxie"]
    untagged = sum(not topics for _, topics in events)
    assert untagged <= 0.1 * len(events), untagged
