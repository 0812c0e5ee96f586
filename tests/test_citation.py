"""GB/T 7714—2025 citations for records, and the per-record exports.

Classes of input: a report printed in a collection (an analytic, ``//``), a yearbook with its
publisher, an untitled chronicle whose title the editors supplied (bracketed), with and without
``site_url``; the access date as the copy button adds it; every export format read back by a
real reader (rispy, bibtexparser, citeproc-py); hostile values (braces, ``%``, line breaks,
``ER  -``, markup) in every field stay inert in each format.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import bibtexparser
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from builder.config.site import load_sources
from builder.enrich.citation import citation, cite, document_reference
from builder.enrich.records import Record
from builder.render.cite import ACCESSED, bibtex_record, cite_files, csl_item, ris_record

REPO = Path(__file__).resolve().parent.parent
SOURCES = {s.id: s for s in load_sources(REPO / "site_config" / "sources.yml")}
SITE = "https://example.org/archive/"


def test_report_in_a_collection_is_cited_as_an_analytic():
    text = cite(SOURCES["guta-2011-report"], path=("一、2011年工作回顾",), line=250, url="sources/guta-2011-report/#x")
    assert text.startswith("张东群. 锦州市古塔区政府工作报告（2011年12月）[R/OL]//辽宁省政府工作报告编辑委员会. ")
    # 2025: full-width colon and comma inside the imprint; the volume's year, not the speech's
    assert "沈阳：辽宁人民出版社，2012：一、2011年工作回顾，原文第250行" in text
    assert text.endswith(". sources/guta-2011-report/#x.")


def test_yearbook_and_inferred_fields():
    assert cite(SOURCES["wanghua-yearbook-2023"], line=5).startswith(
        "中共望花区委党史研究室. 望花年鉴（2023）[M/OL]. 沈阳：辽宁民族出版社，2023：原文第5行")
    # an untitled chronicle: the supplied title is bracketed
    assert cite(SOURCES["guta-dsj"], line=6).startswith("[古塔区大事记（2012—2021）][Z/OL]：原文第6行")


def test_site_url_makes_an_absolute_permalink():
    text = cite(SOURCES["guta-dsj"], line=6, url="sources/guta-dsj/#e", site_url=SITE)
    assert text.endswith(". https://example.org/archive/sources/guta-dsj/#e.")


def test_the_access_date_goes_before_the_address():
    ref = citation(document_reference(SOURCES["guta-dsj"]), line=6, url="sources/guta-dsj/#e", site_url=SITE)
    assert ref.with_access_date("2026-07-02") == (
        "[古塔区大事记（2012—2021）][Z/OL]：原文第6行[2026-07-02]. https://example.org/archive/sources/guta-dsj/#e.")
    assert ref.text == ref.with_access_date("X").replace("[X]", "")


def _record(source_id: str = "guta-2011-report", **over: object) -> Record:
    source = SOURCES[source_id]
    base = Record(id="r-1", type="entry", source_id=source_id, title="【条目】", text="正文", line=250,
                  url=f"sources/{source_id}/#r-1", path=("一、2011年工作回顾",))
    r = replace(base, **over)  # type: ignore[arg-type]
    r.citation = cite(source, path=r.path, line=r.line, url=r.url, site_url=SITE)
    return r


def test_ris_reads_back_with_rispy():
    r = _record()
    text = ris_record(r, SOURCES[r.source_id], "方志", SITE).replace(ACCESSED, "2026/07/02")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "RPRT"
    assert entry["title"] == "【条目】" and entry["secondary_title"] == SOURCES[r.source_id].title
    assert entry["urls"] == ["https://example.org/archive/sources/guta-2011-report/#r-1"]
    assert entry["access_date"] == "2026/07/02" and entry["publisher"] == "辽宁人民出版社"


def test_bibtex_reads_back_with_bibtexparser():
    r = _record("wanghua-yearbook-2023")
    text = bibtex_record(r, SOURCES[r.source_id], "方志", SITE).replace(ACCESSED, "2026-07-02")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "incollection" and entry.key == "r-1"
    assert entry["booktitle"] == "望花年鉴（2023）" and entry["urldate"] == "2026-07-02"
    assert entry["url"] == "https://example.org/archive/sources/wanghua-yearbook-2023/#r-1"


def test_csl_json_renders_with_citeproc_py():
    r = _record("wanghua-yearbook-2023")
    item = json.loads(json.dumps(csl_item(r, SOURCES[r.source_id], "方志", SITE)))
    source = CiteProcJSON([item])
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)  # the style citeproc-py ships
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("r-1")]))
    [rendered] = [str(x) for x in bibliography.bibliography()]
    assert "望花年鉴（2023）" in rendered and "2023" in rendered and "中共望花区委党史研究室" in rendered


HOSTILE = 'a}b{c%d\\e\nER  - x\r\nTY  - JOUR "<script>alert(1)</script>&amp;'


def test_hostile_values_stay_inert_in_every_format():
    source = replace(SOURCES["guta-2011-report"], title=HOSTILE, editor=HOSTILE, speaker="", publisher=HOSTILE)
    r = replace(_record(), title=HOSTILE, text=HOSTILE, path=(HOSTILE,))
    r.citation = cite(source, path=r.path, line=r.line, url=r.url, site_url=SITE)
    ris = rispy.loads(ris_record(r, source, HOSTILE, SITE))
    assert len(ris) == 1 and ris[0]["type_of_reference"] == "RPRT"  # no record or tag smuggled in
    assert "JOUR" not in {e["type_of_reference"] for e in ris}
    bib = bibtexparser.parse_string(bibtex_record(r, source, HOSTILE, SITE))
    assert not bib.failed_blocks and len(bib.entries) == 1
    assert set(bib.entries[0].fields_dict) >= {"title", "url", "note"}  # the braces did not end a field early
    files = cite_files([r], {r.source_id: source}, HOSTILE, SITE)
    [script] = files.values()
    assert "<" not in script and ">" not in script and "\u2028" not in script  # cannot close a script block
    data = json.loads(script.split("=", 2)[2].rstrip(";\n"))
    assert data["r-1"]["csl"]["title"] == HOSTILE  # the JSON holds the text as it is
