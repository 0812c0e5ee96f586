"""The split search index: encoding, folding, and recall/precision of the real page.

The recall/precision test runs a query set generated from the corpus through
the search page's own code (``window.FangzhiSearch.query`` in headless
Chromium, over http) and compares with substring matching over the exported
records (data/*.json).
"""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
import socketserver
import threading

import jieba
import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.search.index import (
    IndexSettings,
    decode_varints,
    fold,
    fold_map,
    pack,
    query_terms,
    unpack,
    varints,
    write_search_index,
)
from tests.conftest import _QuietHandler


@given(st.lists(st.integers(min_value=0, max_value=2**40)))
def test_varints_round_trip(values):
    assert decode_varints(varints(values)) == values


def test_fold_ignores_whitespace_case_width_and_script():
    assert fold("發 展\n經濟") == "发展经济"
    assert fold("５Ｇ 网络") == "5g网络"
    assert fold("2012 年") == "2012年"


def test_fold_map_only_changes_traditional_characters():
    m = fold_map(set("臺灣發展台湾发展"))
    assert m == {"臺": "台", "灣": "湾", "發": "发"}


def test_query_terms_split_on_spaces_and_keep_quoted_phrases():
    assert query_terms('低保 "城市 低保" “古城”') == ["低保", "城市 低保", "古城"]


def test_packed_files_round_trip_and_fit_in_a_js_string():
    data = bytes(range(256)) * 3 + "发展".encode()
    packed = pack(data)
    assert unpack(packed) == data
    assert not set(packed) & set("\"\\/\n")


def test_no_second_index_for_the_header_box(built):
    """The header box answers from data/search/ (fangzhi-search.js): Material's search index is not built."""
    _, _, site = built
    assert not (site / "search" / "search_index.json").exists()
    assert (site / "data" / "search" / "manifest.js").exists()


# ---- recall / precision over the real site ----

def _records(site):
    out = []
    for name in ("events", "entries", "sections"):
        out += json.loads((site / "data" / f"{name}.json").read_text("utf-8"))
    return out


def _query_set(records) -> dict[str, list[str]]:
    """Queries by class, drawn deterministically from the corpus."""
    rng = random.Random(5)
    texts = [r["text"] for r in records if r["text"]]
    sample = rng.sample(texts, 60)
    classes: dict[str, list[str]] = {"word": [], "across": [], "wrapped": [], "number": [], "char": [], "mixed": []}
    for text in sample:
        tokens = jieba.lcut(re.sub(r"\s", "", text))
        cjk = [i for i, w in enumerate(tokens) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
        pairs = [i for i in cjk if i + 1 < len(tokens) and re.fullmatch(r"[\u4e00-\u9fff]{2,}", tokens[i + 1])]
        if cjk:
            classes["word"].append(tokens[rng.choice(cjk)])
        if pairs:
            i = rng.choice(pairs)
            classes["across"].append(tokens[i][-1:] + tokens[i + 1][:2])
    for text in texts:
        for m in re.finditer(r"[\u4e00-\u9fff]{2}\s+[\u4e00-\u9fff]{2}", text):
            classes["wrapped"].append(re.sub(r"\s", "", m.group()))
    classes["wrapped"] = rng.sample(sorted(set(classes["wrapped"])), 20)
    numbers = sorted({m.group() for t in texts for m in re.finditer(r"\d+(?:\.\d+)?(?:万元|亿元|年|个|人|%|公里)", t)})
    classes["number"] = rng.sample(numbers, 20)
    chars = sorted({c for t in sample for c in t if "\u4e00" <= c <= "\u9fff"})
    classes["char"] = rng.sample(chars, 15) + ["的", "镇"]
    classes["mixed"] = ["2012年", "5G", "8890", "GDP", "2020年12月"]
    return classes


def _truth(records, query: str, cmap, folded: list[tuple[str, str]] | None = None) -> set[str]:
    """The records whose folded title or text holds the folded query (``folded``: those of the
    records, made once for many queries)."""
    q = fold(query, cmap)
    folded = folded or [(fold(r["title"], cmap), fold(r["text"], cmap)) for r in records]
    return {r["url"] for r, (title, text) in zip(records, folded, strict=True) if q in title or q in text}


def _run(page, queries: list[str]) -> list[list[str]]:
    return page.evaluate(
        """async (qs) => { const out = [];
             for (const q of qs) out.push((await window.FangzhiSearch.query(q)).map(r => r.url));
             return out; }""",
        queries,
    )


@pytest.mark.browser
def test_recall_and_precision_over_generated_queries(built, served, browser):
    _, _, site = built
    records = _records(site)
    chars = {c for r in records for c in r["title"] + r["text"]}
    cmap = fold_map(chars)
    classes = _query_set(records)
    page = browser.new_page()
    page.goto(f"{served}search/")
    queries = [q for qs in classes.values() for q in qs]
    results = dict(zip(queries, _run(page, queries), strict=True))
    folded = [(fold(r["title"], cmap), fold(r["text"], cmap)) for r in records]
    compacted = [(re.sub(r"\s", "", r["title"]), re.sub(r"\s", "", r["text"])) for r in records]
    found = wrong = 0
    for cls, qs in classes.items():
        for q in qs:
            got = results[q]
            assert len(got) == len(set(got)), q
            truth = _truth(records, q, cmap, folded)
            plain = {r["url"] for r, (title, text) in zip(records, compacted, strict=True) if q in title or q in text}
            assert truth, (cls, q)
            assert truth <= set(got) and plain <= set(got), (cls, q, len(truth - set(got)))  # recall 1.0
            found += len(got)
            wrong += len(set(got) - truth)
    assert found and 1 - wrong / found >= 0.95
    page.close()


@pytest.mark.browser
def test_traditional_and_simplified_find_the_same_records(served, browser):
    to_trad = opencc.OpenCC("s2t")
    page = browser.new_page()
    page.goto(f"{served}search/")
    queries = ["发展", "营改增", "经济总量", "关于"]
    trad = [to_trad.convert(q) for q in queries]
    assert trad != queries
    simp_res, trad_res = _run(page, queries), _run(page, trad)
    for q, a, b in zip(queries, simp_res, trad_res, strict=True):
        assert a == b and a, q
    page.close()


@pytest.mark.browser
def test_multi_term_and_phrases(built, served, browser):
    _, _, site = built
    records = _records(site)
    page = browser.new_page()
    page.goto(f"{served}search/")
    both, phrase = _run(page, ["辽阳 发展", '"城市 低保"'])
    flat = {r["url"]: re.sub(r"\s", "", r["title"]) + "\n" + re.sub(r"\s", "", r["text"]) for r in records}
    assert set(both) == {u for u, t in flat.items() if "辽阳" in t and "发展" in t}
    assert set(phrase) == {u for u, t in flat.items() if "城市低保" in t}
    page.close()


@pytest.mark.browser
def test_ranking_prefers_title_hits_then_frequency_and_is_stable(served, browser):
    page = browser.new_page()
    page.goto(f"{served}search/")
    rows = page.evaluate("window.FangzhiSearch.query('教育')")
    again = page.evaluate("window.FangzhiSearch.query('教育')")
    assert rows == again and len(rows) > 20
    keys = [(not r["title"], -r["hits"]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0]["title"]
    page.close()


@pytest.mark.browser
def test_heavy_lists_in_their_own_files_answer_the_same(built, served, browser, tmp_path):
    """With tiny shards most lists are heavy (``h/``, ``p/`` files); every answer must stay the same."""
    archive, _, site = built
    root = tmp_path / "heavy"
    stats = write_search_index(archive.records, archive.cfg, root / "data" / "search", IndexSettings(shard_bytes=1500))
    assert stats.files > 0 and any((root / "data" / "search" / "p").iterdir())
    (root / "assets" / "javascripts").mkdir(parents=True)
    for script in ("fangzhi-fold.js", "fangzhi-search.js"):
        shutil.copy(site / "assets" / "javascripts" / script, root / "assets" / "javascripts")
    (root / "search").mkdir()
    (root / "search" / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><input id="fz-q"><div id="fz-search-status"></div>'
        '<ol id="fz-results"></ol><script src="../assets/javascripts/fangzhi-fold.js"></script>'
        '<script src="../assets/javascripts/fangzhi-search.js"></script>', "utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    queries = ["年", "发展", "辽阳市", "人民政府", "城市低保标准", "2012年", "营改增", "辽阳 发展", "工作会议"]
    try:
        page = browser.new_page()
        page.goto(f"{served}search/")
        want = _run(page, queries)
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/search/")
        got = _run(page, queries)
        loaded = page.evaluate("FZS.loaded")
        page.close()
    finally:
        httpd.shutdown()
    assert got == want and all(want)
    assert any(n.startswith("h/") for n in loaded) and any(n.startswith("p/") for n in loaded)


def _reference_lists(folded: list[tuple[str, str]]) -> dict[str, list[int]]:
    """The lists of builder/search/postings.py, computed the slow, obvious way: 1-grams' document lists
    (id gap, text hits × 2 + title), 2-grams' positional lists (id gap, text hits × 2 + title, title
    positions − 1 if any, then title and text positions as gaps)."""
    lists: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for rid, (title, text) in enumerate(folded):
        for g in sorted(set(text) | set(title)):
            lists.setdefault(g, []).extend([rid - last.get(g, -1) - 1, text.count(g) * 2 + (g in title)])
            last[g] = rid
        grams = {s[k:k + 2] for s in (title, text) for k in range(len(s) - 1)}
        for g in sorted(grams):
            places = [[k for k in range(len(s) - 1) if s[k:k + 2] == g] for s in (title, text)]
            entry = [rid - last.get(g, -1) - 1, len(places[1]) * 2 + bool(places[0])]
            if places[0]:
                entry.append(len(places[0]) - 1)
            for plist in places:
                entry += [b - a for a, b in zip([0, *plist], plist)]
            lists.setdefault(g, []).extend(entry)
            last[g] = rid
    return lists


@given(st.lists(st.tuples(st.text("甲乙丙1", max_size=6), st.text("甲乙丙丁1", max_size=40)), max_size=12),
       st.integers(min_value=1, max_value=40))
def test_posting_lists_match_the_obvious_computation(folded, limit):
    from builder.search.index import gram_lists

    got = gram_lists(folded, limit)
    want = _reference_lists(folded)
    assert set(got.light) | set(got.heavy) == set(want)
    for gram, numbers in want.items():
        if gram in got.light:
            assert decode_varints(got.light[gram]) == numbers
        else:
            doc, positions = got.heavy[gram]
            assert decode_varints(positions if len(gram) == 2 else doc) == numbers
            if len(gram) == 2:  # a heavy 2-gram keeps its document list for 2-character queries
                assert decode_varints(doc) == _document_list(numbers)


def _document_list(positional: list[int]) -> list[int]:
    out, i = [], 0
    while i < len(positional):
        gap, hits = positional[i], positional[i + 1]
        titled = hits & 1
        in_title = positional[i + 2] + 1 if titled else 0
        out += [gap, hits]
        i += 2 + titled + in_title + (hits >> 1)
    return out
