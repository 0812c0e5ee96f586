"""`fangzhi export --search ndjson`: every record, folded as the static index folds it, and an index template
whose analyzer makes `match_phrase` (slop 0) an exact substring query (builder/search/opensearch.py).

The analyzer is checked here by doing what OpenSearch does with it: the `mapping` character filter's rules
applied to the query, one token per character (the `ngram` 1–1 tokenizer), a phrase at slop 0 = the
token sequence occurs in the field. Against a real server (index, query, compare totals) the check is
scripts/opensearch_live.py URL: no OpenSearch can be installed from the registries CI reaches (PyPI,
Debian, npm), so it is not a test here — a skipped test would prove nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.pipeline import enrich_archive, load_archive
from builder.search.index import display_text, fold
from builder.search.opensearch import ANALYZER, bulk_lines, query_body, write_export

from .conftest import REPO, small_config


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("os")
    cfg_dir = small_config(tmp)
    archive = load_archive(cfg_dir, REPO / "source_texts")
    enrich_archive(archive)
    out = tmp / "export" / "fz.ndjson"
    stats = write_export(archive.records, archive.cfg, out)
    return archive, stats, cfg_dir


def _pairs(path: Path) -> list[tuple[dict, dict]]:
    lines = path.read_text("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) % 2 == 1, "the bulk body ends in a newline, two lines a record"
    rows = [json.loads(line) for line in lines[:-1]]
    return list(zip(rows[0::2], rows[1::2], strict=True))


def test_every_record_once_with_its_permanent_id(small) -> None:
    archive, stats, _ = small
    pairs = _pairs(stats.ndjson)
    assert len(pairs) == len(archive.records) == stats.records > 100
    assert [a["index"]["_id"] for a, _ in pairs] == [r.id for r in archive.records]
    assert len({a["index"]["_id"] for a, _ in pairs}) == len(pairs)
    assert {a["index"]["_index"] for a, _ in pairs} == {"fangzhi"}
    assert all(a["index"]["_id"] == d["id"] for a, d in pairs)


def test_documents_fit_the_strict_mapping_and_fold_as_the_index(small) -> None:
    archive, stats, _ = small
    template = json.loads(stats.template.read_text("utf-8"))
    mapping = template["template"]["mappings"]
    assert mapping["dynamic"] == "strict"
    fields = set(mapping["properties"])
    for (_, doc), record in zip(_pairs(stats.ndjson), archive.records, strict=True):
        assert set(doc) == fields
        assert doc["text"] == fold(display_text(record.text)) and doc["title"] == fold(record.title)
        assert doc["text_shown"] == display_text(record.text)
        assert doc["topics"] == record.topics and doc["regions"] == record.regions and doc["years"] == record.years
        assert doc["topic_possible"] is record.topic_possible
        assert not re.search(r"\s", doc["text"]), "whitespace is folded away, as in the static index"


def test_the_template_gives_one_token_per_character_and_phrase_shingles(small) -> None:
    _, stats, _ = small
    settings = json.loads(stats.template.read_text("utf-8"))["template"]
    analysis = settings["settings"]["analysis"]
    analyzer = analysis["analyzer"][ANALYZER]
    tokenizer = analysis["tokenizer"][analyzer["tokenizer"]]
    assert tokenizer == {"type": "ngram", "min_gram": 1, "max_gram": 1, "token_chars": []}
    assert "filter" not in analyzer, "no word segmentation, stemming or stop words"
    for name in ("title", "text"):
        prop = settings["mappings"]["properties"][name]
        assert prop["analyzer"] == ANALYZER and prop["index_phrases"] is True
    assert "ik_max_word" not in stats.template.read_text("utf-8")


def _char_filter(rules: list[str]) -> dict[str, str]:
    def unescape(side: str) -> str:
        units = bytes.fromhex("".join(re.findall(r"\\u([0-9A-F]{4})", side)))
        return units.decode("utf-16-be")

    table = {}
    for rule in rules:
        key, value = rule.split(" => ")
        table[unescape(key)] = unescape(value)
    return table


def _analyse(text: str, table: dict[str, str]) -> list[str]:
    """What OpenSearch makes of ``text`` with the template's analyzer: the character filter, then a token
    per character (Python code points; OpenSearch's ngram tokenizer counts code points too)."""
    return list("".join(table.get(ch, ch) for ch in text))


def _phrase(tokens: list[str], field: list[str]) -> bool:
    n = len(tokens)
    return any(field[i:i + n] == tokens for i in range(len(field) - n + 1))


def test_match_phrase_at_slop_0_finds_exactly_the_substring_matches(small) -> None:
    """The records a query finds through the analyzer are exactly those whose folded title or text
    contains the folded query — the static search's set — for 简体, 繁體, full-width and mixed queries."""
    archive, stats, _ = small
    rules = json.loads(stats.template.read_text("utf-8"))["template"]["settings"]["analysis"]["char_filter"]
    table = _char_filter(rules["fangzhi_fold"]["mappings"])
    docs = [d for _, d in _pairs(stats.ndjson)]
    fields = [(_analyse(d["title"], table), _analyse(d["text"], table)) for d in docs]
    queries = ["古塔", "古塔區", "脫貧攻堅", "２０２０年", "COVID", "年", "低保标准", "城市低保", "锦州市古塔区人民政府"]
    for query in queries:
        tokens = _analyse(query, table)
        server = {d["id"] for d, (t, x) in zip(docs, fields, strict=True) if _phrase(tokens, t) or _phrase(tokens, x)}
        q = fold(query)
        static = {r.id for r in archive.records if q in fold(r.title) or q in fold(display_text(r.text))}
        assert server == static, query
    assert _analyse("脫貧", table) == list("脱贫")  # a 繁體 query is folded by the char filter itself


def test_query_body_is_one_exact_phrase_per_term() -> None:
    body = query_body('古塔區  "城市 低保"')
    must = body["query"]["bool"]["must"]
    assert [m["bool"]["should"][1]["match_phrase"]["text"] for m in must] == [
        {"query": "古塔区", "slop": 0}, {"query": "城市低保", "slop": 0}]
    assert body["track_total_hits"] is True


def test_cli_export_is_deterministic_and_confines_errors(small, tmp_path: Path) -> None:
    _, stats, cfg_dir = small
    runner = CliRunner()
    outs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}" / "fz.ndjson"
        result = runner.invoke(main, ["export", "--search", "ndjson", "--config", str(cfg_dir), "--sources",
                                      str(REPO / "source_texts"), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "records" in result.output
        outs.append((out.read_bytes(), out.with_name("fz.template.json").read_bytes()))
    assert outs[0] == outs[1]
    assert outs[0][0] == stats.ndjson.read_bytes()
    bad = runner.invoke(main, ["export", "--search", "csv", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0


def test_hostile_text_stays_data(small) -> None:
    """A record's text with markup, quotes and control characters is one JSON string on one line."""
    archive, _, _ = small
    record = archive.records[0]
    hostile = type(record)(**{**record.__dict__, "text": 'a"b\\c</script><b>x</b>\n\u2028{"index":{}}\x00',
                              "title": "<img onerror=1>"})
    lines = list(bulk_lines([hostile], archive.cfg))
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    doc = json.loads(lines[1])
    assert doc["text_shown"].startswith('a"b\\c</script>') and doc["title_shown"] == "<img onerror=1>"
