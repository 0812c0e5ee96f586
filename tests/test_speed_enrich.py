"""The fast paths of enrich and render give exactly what the plain ones gave.

Place names are found by a first-characters index instead of one regex over
every name, and for a whole document at once with numpy; classifier
predictions are cached per text and model; cross-link finders test for a
literal before running their patterns, search for meetings only between
punctuation that holds 届 and 次, and test one joined pattern before each
series pattern or organisation form; cue words are counted only where their
first character occurs; locator maps reuse the shapes they drew; Markdown
escaping uses a translation table; record HTML escapes and truncates as
MarkupSafe and Jinja2 did. Each is checked here against the straightforward
version it replaced.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from builder.config.entities import NAME_END as _NAME_END
from builder.config.entities import load_entity_rules
from builder.config.site import load_regions
from builder.enrich.annotate import Gazetteer, Taxonomy
from builder.enrich.classify import TopicClassifier
from builder.enrich.entities import (
    _BODY_FULL,
    _BODY_SHORT,
    _meeting_matches,
    _meeting_stretches,
    find_known_people,
    find_organisations,
    find_series,
)
from builder.model.document import Region, Topic
from builder.render.maps import children_by_parent, locator_map
from builder.render.pages import md_heading, template_env

REPO = Path(__file__).resolve().parent.parent
REGIONS = load_regions(REPO / "site_config" / "regions.yml")

# ---------------------------------------------------------------------------
# place names
# ---------------------------------------------------------------------------


def _regex_names(gazetteer: Gazetteer, text: str) -> list[str]:
    """The matching it replaces: one regex alternating every name, longest first."""
    pattern = re.compile("|".join(map(re.escape, sorted(gazetteer.names, key=len, reverse=True))))
    return [m.group(0) for m in pattern.finditer(text)]


TOY = Gazetteer([
    Region("a", "古塔", "区", aliases=("古", "古塔区", "塔")),
    Region("b", "古塔区街", "街道", parent="a"),
    Region("c", "区市", "县级市"),
    Region("d", "市区", "区", aliases=("街",)),
])
TOY_TEXT = st.lists(st.sampled_from(["古", "塔", "区", "街", "市", "中", "。"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(TOY_TEXT)
def test_names_overlapping_and_one_character(text):
    assert TOY.names_in(text) == _regex_names(TOY, text)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(REGIONS)


def test_names_in_the_real_gazetteer(gazetteer):
    chars = sorted({c for name in gazetteer.names for c in name})[:300] + list("市区县街道乡镇村我。，")
    text = st.lists(st.sampled_from(chars), max_size=200).map("".join)

    @settings(max_examples=100, deadline=None, database=None)
    @given(text)
    def check(sample: str) -> None:
        assert gazetteer.names_in(sample) == _regex_names(gazetteer, sample)

    check()
    sentence = "原北街街道、南街街道、饶阳街道合并整合为古城街道，古塔区钟屯乡与望花区工农街道"
    assert gazetteer.names_in(sentence) == _regex_names(gazetteer, sentence)

    @settings(max_examples=100, deadline=None, database=None)
    @given(st.lists(text, max_size=6))
    def check_each(samples: list[str]) -> None:
        assert gazetteer.names_in_each(samples) == [gazetteer.names_in(t) for t in samples]

    check_each()
    assert gazetteer.names_in_each([sentence, "", sentence[:9]]) == [gazetteer.names_in(t) for t in
                                                                       (sentence, "", sentence[:9])]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(TOY_TEXT, max_size=5))
def test_names_of_many_texts_at_once(texts):
    """One-character names, names across where two texts meet, empty texts."""
    assert TOY.names_in_each(texts) == [TOY.names_in(t) for t in texts]


def test_memoised_lookups_stay_fresh_for_callers(gazetteer):
    deixis = gazetteer.deixis("guta")
    deixis["我区"] = "elsewhere"  # a caller's change must not leak into later answers
    assert gazetteer.deixis("guta")["我区"] == "guta"
    assert gazetteer.ancestors("guta") == gazetteer.ancestors("guta") and gazetteer.ancestors("guta")[0] == "guta"


def test_no_names_and_no_texts():
    empty = Gazetteer([])
    assert empty.names_in_each(["古塔区", ""]) == [[], []] and TOY.names_in_each([]) == []


# ---------------------------------------------------------------------------
# cue words and cross-link finders
# ---------------------------------------------------------------------------


def _plain_from_text(taxonomy: Taxonomy, text: str, limit: int = 3) -> list[str]:
    scores: Counter[str] = Counter()
    for t in taxonomy.topics:
        for kw in t.keywords:
            n = text.count(kw)
            if n:
                scores[t.id] += n * len(kw)
    return [tid for tid, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


CUES = Taxonomy([Topic("a", "甲", ("农业", "农业生产", "业", "哈哈")), Topic("b", "乙", ("生产", "农", "哈哈")),
                 Topic("c", "丙", ("",))])


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="农业生产哈 ", max_size=30))
def test_cue_words_counted_as_before(text):
    assert CUES.from_text(text) == _plain_from_text(CUES, text)
    assert CUES.from_text(text, limit=1) == _plain_from_text(CUES, text, limit=1)


MEETING_TEXT = st.lists(st.sampled_from(
    ["届", "次", "第", "十", "二", "三", "〇", "1", "会议", "全会", "全体（扩大）会议", "常委会议", "人大", "政协", "中共",
     "人民代表大会", "委员会", "古塔区", "市", "区委", "，", "。", "、", "a", "（", "）"]), max_size=40).map("".join)


@settings(max_examples=1000, deadline=None, database=None)
@given(MEETING_TEXT)
def test_meetings_searched_between_punctuation_as_in_the_whole_text(text):
    for pattern in (_BODY_FULL, _BODY_SHORT):
        plain = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _meeting_matches(pattern, text, _meeting_stretches(text))] == plain


@pytest.fixture(scope="module")
def rules():
    return load_entity_rules(REPO / "site_config" / "entities.yml")


def test_joined_patterns_only_filter(rules):
    texts = ["举办第七届古塔春节庙会", "开展“百亿送贷行动”", "原古塔区国家税务局开出发票；团区委与共青团锦州市古塔区委员会",
             "古塔区召开工作会议", "不忘初心，牢记使命", ""]
    plain = copy.copy(rules)
    plain.any_series = plain.any_organisation = None  # no joined pattern: every pattern and form is tried
    for text in texts:
        assert find_series(text, rules) == find_series(text, plain)
        assert find_organisations(text, rules) == find_organisations(text, plain)
    assert rules.any_series is not None and rules.any_organisation is not None


def test_patterns_that_cannot_be_joined_are_not(rules):
    grouped = copy.copy(rules)
    grouped.series = {"x": (r"(甲)\1",), "y": ("乙",)}
    grouped.__post_init__()
    assert grouped.any_series is None and [m.name for m in find_series("甲甲乙", grouped)] == ["x", "y"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="张泰王长军刘铁辉主持，。同志", max_size=30))
def test_known_people_as_before(text):
    names = frozenset({"张泰", "王长军", "刘铁", "王长", "长军"})
    plain = [name for name in sorted(names) if name in text and re.search(re.escape(name) + _NAME_END, text)]
    assert [m.name for m in find_known_people(text, names)] == plain


# ---------------------------------------------------------------------------
# classifier predictions
# ---------------------------------------------------------------------------

TOPICS = {"农业生产": "farm", "教育学校": "school", "道路交通": "roads"}  # three: scores come one column per topic
TEXTS = [f"{words}工作会议第{i}次" for i in range(6) for words in TOPICS]
LABELS = [TOPICS[t[:4]] for t in TEXTS]
SWAPPED = [{"farm": "school", "school": "roads", "roads": "farm"}[label] for label in LABELS]
NEW = ["农业生产丰收", "学校教育改革", "交通道路建设", "其他"]


def _fresh(texts: list[str], labels: list[str], query: list[str]) -> list[list[str]]:
    return TopicClassifier(min_examples=4).fit(texts, labels).predict(query, top=2)


def test_cached_predictions_equal_fresh_ones_and_skip_the_model(tmp_path, monkeypatch):
    fresh, unseen = _fresh(TEXTS, LABELS, NEW), _fresh(TEXTS, LABELS, ["农业生产会议"])
    first = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    assert first.trained and first.predict(NEW, top=2) == fresh
    again = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    assert again.predict(NEW, top=2) == fresh and again.model is None  # answered from the cache alone
    # a text not seen before loads the cached model: no training
    monkeypatch.setattr(TopicClassifier, "_train", lambda *_: pytest.fail("retrained a cached model"))
    assert again.predict(["农业生产会议"], top=2) == unseen and again.model is not None


def test_new_examples_or_options_never_reuse_old_predictions(tmp_path):
    TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path).predict(NEW, top=2)
    other = TopicClassifier(min_examples=4).fit_cached(TEXTS, SWAPPED, tmp_path)
    assert other.predict(NEW, top=2) == _fresh(TEXTS, SWAPPED, NEW) != _fresh(TEXTS, LABELS, NEW)
    same = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    assert same.predict(NEW, top=1) == TopicClassifier(min_examples=4).fit(TEXTS, LABELS).predict(NEW, top=1)


def test_a_damaged_cache_is_recomputed(tmp_path):
    clf = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    clf.predict(NEW)
    for path in tmp_path.iterdir():
        path.write_bytes(b"\x00not a cache")
    clf = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    assert clf.predict(NEW) == _fresh(TEXTS, LABELS, NEW)


def test_too_few_examples_predict_nothing_even_cached(tmp_path):
    clf = TopicClassifier().fit_cached(["一条"], ["x"], tmp_path)
    assert not clf.trained and clf.predict(["文本"]) == [[]]


def test_fit_after_fit_cached_forgets_the_cache(tmp_path):
    clf = TopicClassifier(min_examples=4).fit_cached(TEXTS, LABELS, tmp_path)
    clf.predict(NEW)
    assert clf.fit(TEXTS, SWAPPED).predict(NEW) == _fresh(TEXTS, SWAPPED, NEW)


# ---------------------------------------------------------------------------
# render
# ---------------------------------------------------------------------------


def test_maps_with_a_children_index_are_the_maps_without():
    by_id = {r.id: r for r in REGIONS}
    children = children_by_parent(by_id.values())
    for rid in ("guta", "guta-gucheng", "wanghua", "jinzhou", "liaoning"):
        if rid in by_id:
            env = template_env()
            assert locator_map(env, by_id[rid], by_id, children) == locator_map(env, by_id[rid], by_id)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="\\`*_{}[]()#+-.!|~$<>&'\"a中 ^%", max_size=30))
def test_markdown_escaping_as_before(text):
    old = re.sub(r"([\\`*_{}\[\]()#+\-.!|~$])", r"\\\1", str(escape(text)))
    assert str(md_heading(text)) == old


