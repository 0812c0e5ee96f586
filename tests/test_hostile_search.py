"""Hostile input to the full-text search: text that the index (Python) and the pages (JavaScript) must
read alike, from the index through the snippet to the highlight on the page a result opens.

Classes of input covered:

* **astral characters** (CJK Extension B: 𡒄 𪚥 𠀀 — two UTF-16 units, one code point) before a match,
  inside it and after it, in long records whose text is in the stream of long texts and whose match
  lies chunks in and near the record's end (offsets must be code points end to end, never UTF-16 units);
* **invisible characters inside a word** (zero-width space U+200B, zero-width joiner U+200D, word joiner
  U+2060, BOM U+FEFF, soft hyphen, variation selectors): folded away in the text and in the query;
* **decomposed (NFD) accents** in the text (``Jose\u0301``) found by the composed query and the reverse,
  upper case queries, decomposed Hangul;
* **compatibility forms** (full-width ASCII, compatibility ideographs, Kangxi radicals) and forms that
  fold *longer* than they are (``℃`` → ``°c``, ``……`` → ``......``, ``㎡`` → ``m2``), which put folded
  positions ahead of shown ones: the snippet must still show the match;
* **traditional queries** over simplified text with the above.

Python side: unit and property tests of the folding (segments, NFKC, invisible characters), of the
lag bound and of the index files (code-point offsets, chunk stream, gram positions). Browser side
(headless Chromium, a real small site built by the pipeline from a chronicle carrying these texts):
the query is typed into the search page's box and Enter pressed; the result count, each snippet's text
and its highlighted (<mark>) text are compared with what they must be; following a result must
highlight exactly the matched words in the record on the target page. The folding of both scripts is
compared with Python's on every assigned BMP code point and a sample of astral ones.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import socketserver
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.search.index import (
    Folding,
    IndexSettings,
    attaches,
    decode_varints,
    fold,
    fold_map,
    fold_segment,
    read_index_file,
    segments,
    shard_entries,
)
from tests.conftest import REPO, _QuietHandler, make_project

ASTRAL = "𡒄𪚥𠀀"
BASE = "全区各部门认真贯彻落实会议精神推动经济社会持续健康发展"


def _filler(n: int, astral: str = "") -> str:
    """``n`` code points of plain text, with an astral character after every seventh one."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        out.append(BASE[i % len(BASE)])
        if astral and i % 7 == 3 and len(out) < n:
            out.append(astral[i % len(astral)])
        i += 1
    return "".join(out)


ZW_WORD = "古\u200b塔\u200d区文化\u2060馆"
EVENTS = [
    # long, astral characters all along before the match, the match near the end (beyond the kept start)
    "2001.3.5 " + _filler(2400, ASTRAL) + "，区政府出台优化营商环境十条措施，" + _filler(30, "𡒄"),
    # astral characters inside and right after the matches
    "2001.3.6 " + _filler(400, "𠀀") + "，𪚥山村与石𠀀街道合并，设立新社区𡒄。",
    # invisible characters inside a word
    "2001.3.7 " + ZW_WORD + "举办书法展览\ufeff。",
    "2001.3.10 古塔区文化馆新馆开工。",
    # decomposed accents
    "2001.3.8 外宾 Jose\u0301 Mu\u0308ller 访问 Gu\u030cta 老街，并参观 Cafe\u0301 书屋。",
    # forms that fold longer than they are, then a match far in
    "2001.3.9 " + "气温零下12℃……新建住房3000㎡……" * 120 + "年末建成文体中心。",
]


# ---- the folding, Python side ----

def test_invisible_characters_are_folded_away():
    assert fold(ZW_WORD) == fold("古塔区文化馆") == "古塔区文化馆"
    assert fold("文\ufeff化\u00ad馆\u200c\u200e") == "文化馆"
    assert fold("葛\U000e0100城\ufe0f") == "葛城"  # ideographic and emoji variation selectors


def test_decomposed_and_composed_fold_alike():
    assert fold("Jose\u0301") == fold("José") == fold("JOSÉ") == "josé"
    assert fold("Mu\u0308ller") == "müller"
    assert fold("\u1100\u1161\u11a8") == fold("각")  # conjoining jamo compose


def test_astral_characters_are_one_position_each():
    assert fold("𡒄 𪚥\n𠀀") == "𡒄𪚥𠀀" and len(fold("𡒄𪚥𠀀")) == 3


def test_compatibility_forms_fold_to_their_plain_forms():
    assert fold("５Ｇ 网络") == "5g网络"
    assert fold("\u2f00\u2f08") == "一人"  # Kangxi radicals
    assert fold("\uf90a") == "金"  # a CJK compatibility ideograph
    assert fold("12℃") == "12°c" and fold("3000㎡") == "3000m2"


def test_segments_keep_marks_with_their_base():
    assert segments("Jose\u0301𡒄\u200b") == ["J", "o", "s", "e\u0301", "𡒄", "\u200b"]
    assert segments("\u0301\u0302a") == ["\u0301\u0302", "a"]
    assert attaches("\u0301") and attaches("\U000e0100") and not attaches("\u200b") and not attaches("𡒄")


HOSTILE = st.text(st.sampled_from(list("古塔區区aEé𡒄𪚥 \n\u200b\u200d\ufeff\u0301\u0308\u030c℃…㎡５Ｇ\u2f00\U000e0100")),
                  max_size=30)
SETTINGS = settings(max_examples=300, deadline=None, database=None)
UNMARKED = st.text(st.sampled_from(list("古塔區区aE𡒄𪚥 \n\u200b\ufeff℃…㎡⑴５Ｇ\u2f00")), max_size=30)  # the fast paths


@SETTINGS
@given(st.one_of(HOSTILE, UNMARKED))
def test_fast_path_folds_like_the_segments(text):
    folding = Folding()
    folding.add(set(text))
    assert folding.prefold(text) == "".join(fold_segment(s) for s in segments(text))


@SETTINGS
@given(HOSTILE, st.data())
def test_any_piece_of_a_text_is_found_in_it(text, data):
    """Recall: a query cut from the text at segment boundaries folds to a substring of the folded text."""
    segs = segments(text)
    a = data.draw(st.integers(0, len(segs)))
    b = data.draw(st.integers(a, len(segs)))
    cmap = fold_map(set(fold_segment(text)))
    assert fold("".join(segs[a:b]), cmap) in fold(text, cmap)


@SETTINGS
@given(st.one_of(HOSTILE, UNMARKED))
def test_lag_bounds_how_far_folded_positions_run_ahead(text):
    folding = Folding()
    folding.add(set(text))
    ahead = [0]
    shown = folded = 0
    for seg in segments(text):
        shown += len(seg)
        folded += len(fold_segment(seg))
        ahead.append(folded - shown)
    assert folding.lag(text) == max(ahead)  # a folded position minus the lag is never after its shown one


# ---- the hostile site ----

@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """A real build of one chronicle carrying the hostile texts; the site served over HTTP."""
    from builder.pipeline import build

    tmp = tmp_path_factory.mktemp("hostile")
    sources = tmp / "src"
    sources.mkdir()
    (sources / "x.txt").write_text("大事记\n\n2001年\n\n" + "\n\n".join(EVENTS) + "\n", "utf-8")
    config = tmp / "cfg"
    config.mkdir()
    for path in (REPO / "site_config").iterdir():
        if path.is_file() and path.name not in ("sources.yml", "corrections.yml", "check.yml", "permalinks.tsv"):
            shutil.copy(path, config / path.name)
    (config / "sources.yml").write_text(
        "sources:\n  - {id: x-dsj, file: x.txt, title: 测试大事记, genre: chronicle, region: guta, years: [2001]}\n",
        "utf-8")
    project = make_project(tmp)
    site = project / "site"
    archive = build(project_dir=project, sources_dir=sources, config_dir=config, out_dir=site)
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield archive, site, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _shown(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _index_file(site: Path, name: str):
    data = read_index_file(site / "data" / "search" / f"{name}.js")
    return data if name.startswith(("g/", "h/", "p/", "f/", "fc/")) else json.loads(data)


def _rows(site: Path) -> list[list]:
    rows, n = [], 0
    while (site / "data" / "search" / "r" / f"{n}.js").exists():
        rows += _index_file(site, f"r/{n}")
        n += 1
    return rows


def test_the_parser_kept_the_hostile_texts(hostile):
    archive, _, _ = hostile
    texts = [_shown(r.text) for r in archive.records if r.type == "event"]
    assert len(texts) == len(EVENTS)
    # cleaned at load (builder/sources/normalise.py, each change in the ledger): zero-width
    # characters removed, decomposed accents composed (NFC); the search folds both in queries too
    assert any("古塔区文化馆" in t for t in texts) and any("José" in t for t in texts)
    assert not any("\u200b" in t or "e\u0301" in t for t in texts)
    assert sum(t.count(c) for t in texts for c in ASTRAL) > 100


def test_index_offsets_and_lengths_are_code_points(hostile):
    archive, site, _ = hostile
    manifest = _index_file(site, "manifest")
    rows = _rows(site)
    chunks = [_index_file(site, f"t/{n}") for n in range(len(list((site / "data" / "search" / "t").iterdir())))]
    stream = "".join(chunks)
    by_url = {r.url: _shown(r.text) for r in archive.records}
    assert all(len(chunk) == manifest["chunkChars"] for chunk in chunks[:-1])  # code points, not UTF-16 units
    assert sum(manifest["blocks"]) == len(rows) == len(archive.records)
    offset = longs = 0
    for url, _, _, _, _, length, lag, text, *head in rows:
        assert length == len(by_url[url])
        if isinstance(text, int):  # a long record: its text in the stream of long texts, its opening kept
            assert text == offset and stream[text:text + length] == by_url[url]
            assert head == [by_url[url][:IndexSettings().head_chars]]  # code points, not UTF-16 units
            offset += length
            longs += 1
        else:
            assert text == by_url[url]
        if not set("℃…㎡") & set(by_url[url]):
            assert lag == 0
    assert longs >= 2 and offset == len(stream)
    assert max(row[6] for row in rows) > 0  # ℃ …… ㎡ run ahead: the page must start looking earlier


def _shard_entries(data: bytes) -> dict[str, list[int]]:
    """A shard's grams and their lists, as numbers."""
    return {gram: decode_varints(payload) for gram, payload in shard_entries(data).items()}


def test_gram_positions_count_astral_characters_once(hostile):
    archive, site, _ = hostile
    manifest = _index_file(site, "manifest")
    rows = _rows(site)
    texts = {r.url: _shown(r.text) for r in archive.records}
    record = next(i for i, row in enumerate(rows) if "营商环境" in texts[row[0]])
    text = texts[rows[record][0]]
    gram = "营商"
    assert gram not in manifest["heavy"]
    shard = max(n for n, first in enumerate(manifest["shards"]) if first <= gram)
    numbers, rid, want = _shard_entries(_index_file(site, f"g/{shard}"))[gram], -1, None
    i = 0
    while i < len(numbers):  # id gap, text hits × 2 + title, title positions − 1 if any, positions
        rid += numbers[i] + 1
        nx, titled = numbers[i + 1] >> 1, numbers[i + 1] & 1
        nt = numbers[i + 2] + 1 if titled else 0
        i += 2 + titled
        if rid == record:
            want = numbers[i + nt]
        i += nt + nx
    assert want == fold(text).index(gram) == text.index(gram) - text[:text.index(gram)].count(" ")
    assert len(text.encode("utf-16-le")) // 2 > len(text) + 90  # many astral characters before the gram


# ---- the browser side ----

def _search(browser, base: str, query: str):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}search/")
    page.wait_for_selector("#fz-results[data-complete]", state="attached")
    page.locator("#fz-q").press_sequentially(query)
    assert page.input_value("#fz-q") == query
    with page.expect_navigation():
        page.press("#fz-q", "Enter")
    page.wait_for_selector("#fz-results[data-complete]", state="attached", timeout=20000)
    results = page.eval_on_selector_all(".fz-result", """lis => lis.map(li => ({
        url: li.getAttribute('data-url'),
        snippet: li.querySelector('.fz-snippet').textContent,
        marks: Array.from(li.querySelectorAll('.fz-snippet mark'), m => m.textContent)}))""")
    return page, errors, int(page.get_attribute("[data-total]", "data-total")), results


def _expected(text: str, forms: list[str]) -> tuple[str, list[str]]:
    """The snippet of ``text`` for a query matching any of ``forms`` (as they stand in the text): from 40
    characters before the first match to 110 after its start (at least to its end), "…" where cut; and
    the matched pieces shown in it."""
    ranges = sorted((m.start(), m.end()) for f in forms for m in re.finditer(re.escape(f), text))
    start, end = ranges[0]
    s, e = max(0, start - 40), min(len(text), max(start + 110, end))
    marks = [text[max(a, s):min(b, e)] for a, b in ranges if a < e and b > s]
    return ("…" if s else "") + text[s:e] + ("…" if e < len(text) else ""), marks


CASES = {  # query typed → the forms in the text it must find (each record holding one of them is a result)
    "astral-before-far": ("营商环境", ["营商环境"]),
    "astral-inside": ("石𠀀街道", ["石𠀀街道"]),
    "astral-first": ("𪚥山村", ["𪚥山村"]),
    "astral-after": ("新社区𡒄", ["新社区𡒄"]),
    "astral-short": ("经𠀀济", ["经𠀀济"]),
    "zero-width-in-text": ("古塔区文化馆", [ZW_WORD, "古塔区文化馆"]),
    "zero-width-in-query": ("古塔\u200b区", ["古\u200b塔\u200d区", "古塔区"]),
    "traditional-query": ("古塔區文化館", [ZW_WORD, "古塔区文化馆"]),
    # the text was decomposed (NFD) as received and is composed at load: the highlight is on the NFC form
    "nfd-text-nfc-query": ("josé", [unicodedata.normalize("NFC", "Jose\u0301")]),
    "nfd-query": ("Gu\u030cta", [unicodedata.normalize("NFC", "Gu\u030cta")]),
    "upper-case-query": ("MÜLLER", [unicodedata.normalize("NFC", "Mu\u0308ller")]),
    "longer-folding-before-match": ("文体中心", ["文体中心"]),
    "query-in-compatibility-form": ("°C……", ["℃……"]),
}


@pytest.mark.browser
@pytest.mark.parametrize("case", sorted(CASES))
def test_typed_query_finds_shows_and_highlights(hostile, browser, case):
    archive, _, base = hostile
    query, forms = CASES[case]
    texts = {r.url: _shown(r.text) for r in archive.records}
    holding = {url for url, t in texts.items() if any(f in t for f in forms)}
    page, errors, total, results = _search(browser, base, query)
    assert total == len(holding) == len(results) and {r["url"] for r in results} == holding, case
    assert holding == {url for url, t in texts.items() if fold(query) in fold(t)}
    for result in results:
        snippet, marks = _expected(texts[result["url"]], forms)
        assert result["snippet"] == snippet, case
        assert result["marks"] == marks, case
    # follow the first result: its record on the page, every match in it highlighted, nothing else on the page
    url = results[0]["url"]
    page.click(f'.fz-result[data-url="{url}"] a.fz-result-link')
    page.wait_for_load_state("load")
    anchor = url.split("#")[1]
    assert page.url.endswith("#" + anchor)
    text = page.text_content(f"#{anchor}")  # the record: date, text, its tags
    want = [m.group() for m in re.finditer("|".join(map(re.escape, forms)), text)]
    got = page.eval_on_selector_all(f"#{anchor} mark.fz-hit", "ms => ms.map(m => m.textContent)")
    # a match may run across elements (a character fixed at load is wrapped with its printed
    # original): its highlight is then several marks, which together read the match
    assert want and "".join(got) == "".join(want), case
    assert page.locator("mark.fz-hit").count() == len(got)
    assert not errors
    page.close()


@pytest.mark.browser
def test_no_false_hits_from_folding(hostile, browser):
    page, errors, total, _ = _search(browser, hostile[2], "古塔区文化馆新馆X")
    assert total == 0 and not errors
    page.close()


@pytest.mark.browser
def test_page_folding_is_pythons(hostile, browser):
    """fangzhi-search.js (with the corpus' traditional→simplified map) and fangzhi.js fold every assigned
    BMP code point, a sample of astral ones and hostile strings exactly as Python does."""
    _, site, base = hostile
    pairs = list(_index_file(site, "manifest")["fold"])
    cmap = dict(zip(pairs[0::2], pairs[1::2], strict=True))
    points = [*range(0x10000), *range(0x1D100, 0x1D200), *range(0x1F100, 0x1F300), *range(0x20000, 0x20400),
              *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE0200)]
    chars = [chr(p) for p in points if not 0xD800 <= p <= 0xDFFF and unicodedata.category(chr(p)) != "Cn"]
    strings = chars + ["Jose\u0301 MU\u0308LLER", "古\u200b塔\u200d區\ufeff", "\u1100\u1161\u11a8", "\u0301\u0302a",
                       "ΟΔΟΣ Σ", "İstanbul", "𡒄\u0301\U000e0100", "⑴℃……㎡", "e\u0301\u0323"]
    page = browser.new_page()
    page.goto(f"{base}search/")
    search = page.evaluate("async (ss) => { await window.FangzhiSearch.fold(''); "
                           "return Promise.all(ss.map(s => window.FangzhiSearch.fold(s))); }", strings)
    target = page.evaluate("(ss) => ss.map(s => window.Fangzhi.fold(s))", strings)
    page.close()
    assert [s for s, got in zip(strings, search, strict=True) if got != fold(s, cmap)] == []
    assert [s for s, got in zip(strings, target, strict=True) if got != "".join(map(fold_segment, segments(s)))] == []
