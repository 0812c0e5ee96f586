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
* ``unknown-region``: a unit-like name (2–4 CJK characters + 街道/社区/乡/
  镇/村, or + 区/县/市 right after a known region) that is not in
  regions.yml (names and aliases); reported once per name with a count;
* ``suspected-ocr``: a line still holding ``■``/``□``/``�``, a stray Latin
  letter between CJK characters, or an ``n/H/O`` where a digit belongs;
* ``toc-missing``: a heading the table of contents promises but the body
  lacks (and parts of the book not in the file);
* ``incomplete``: a document that stops mid-sentence.

Findings an editor has reviewed are listed in ``site_config/check.yml``
(``accept: [{source, line, kind, note}]``); they are reported as accepted and
never fail the run. An acceptance that matches nothing is a warning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from builder.config.loader import _records
from builder.model.document import Block, Document, Entry, Event, Line, Region
from builder.pipeline import load_archive
from builder.sources.load import document_lines
from builder.sources.normalise import CJK_CHAR, fix_lines

ERROR, WARNING = "error", "warning"
ERROR_KINDS = frozenset({"impossible-date", "stale-correction", "text-lost"})
KINDS = ERROR_KINDS | {"date-incomplete", "date-order", "duplicate-event", "unknown-region", "suspected-ocr", "toc-missing", "incomplete",
                       "stale-acceptance"}  # what an acceptance in check.yml may name

_UNIT_WORDS = "街道|社区|乡|镇|村|区|县|市"
_STREET = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,3}街道)(?!办事处)|(?<=[，、。；：（“])([\u4e00-\u9fff]{2}街道)")
_NOT_NAME = re.compile(
    r"^(?:全|我|本|该|各|每|所在|所属|城|乡|农|新|老|小|大|中|示范|试点|重点|先进|文明|美丽|和谐|特色|幸福|"
    r"贫困|困难|集体|行政|自然|城中|城郊|周边|相关|其他|其它|多个|部分|辖区|辖|驻|进|到|在|于|为|是|和|及|与|对|"
    r"的|已|并|被|由|将|把|第|首|举办|召开|开展|推动|推进|加强|完成|组织|巩固|明确|通过|宣传|出动|加入|依托|积极|"
    r"调整|调研|整合|成立|争取|作为|多次|实现|解决|覆盖|深入|走进|服务|建设|打造|创建|实施|落实|政府|委)"
)
_NOT_NAME_END = re.compile(r"(?:的|了|个|等|和|及|与|在|到|为|是|各|全|有|共|名|户|家|处|所|座|条|城|省|乡|军|政府|建成|园|景|片|街|新|老|辖|基本|旅游)$")
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
    severity = ERROR if kind in ERROR_KINDS else WARNING
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
            if "unknown-month" in ev.flags or ev.date.precision == "unknown" or ev.date.start.year == 0:
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


def _known_names(regions: Sequence[Region]) -> set[str]:
    return {name for g in regions for name in (g.name, *g.aliases)}


def region_findings(doc: Document, regions: Sequence[Region]) -> Iterable[Finding]:
    """Unit-like names right after a known region (古塔区南街社区) or before 街道."""
    known = _known_names(regions)
    names = sorted((n for n in known if len(n) >= 2), key=len, reverse=True)
    if not names:
        return
    after_known = re.compile(f"(?:{'|'.join(map(re.escape, names))})([\u4e00-\u9fff]{{2,4}}?(?:{_UNIT_WORDS}))")
    found: dict[str, list[int]] = defaultdict(list)
    for line, text in _texts(doc):
        hits = [m.group(1) for m in after_known.finditer(text)]
        hits += [m.group(1) for m in _STREET.finditer(text)]
        for name in hits:
            stem = re.sub(f"(?:{_UNIT_WORDS})$", "", name)
            if name in known or _NOT_NAME.match(stem) or _NOT_NAME_END.search(stem) or len(stem) < 2:
                continue
            if any(name.endswith(k) for k in names):
                continue
            found[name].append(line)
    for name, lines in sorted(found.items(), key=lambda kv: kv[1][0]):
        yield _finding("unknown-region", doc, lines[0], f"{name} is not in regions.yml "
                       f"({len(lines)} mention{'s' if len(lines) > 1 else ''})")


def ocr_findings(doc: Document, lines: Sequence[Line]) -> Iterable[Finding]:
    """Suspicious characters left in the lines the pages are made from."""
    dropped = {d.line for d in doc.dropped if d.reason != "markup"}
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
    for corr, reason in archive.stale:
        path, _, line = corr.where.rpartition(":")
        report.findings.append(Finding(ERROR, "stale-correction", path or corr.where,
                                       int(line) if line.isdigit() else 0, reason, corr.source))
    for doc in archive.documents:
        fixed, _ = fix_lines(document_lines(doc.source, archive.texts[doc.source.file]))
        for check in (date_findings(doc), duplicate_findings(doc), region_findings(doc, archive.cfg.regions),
                      ocr_findings(doc, fixed), structure_findings(doc)):
            report.findings.extend(check)
    report.findings = _accept(report.findings, load_acceptances(config_dir))
    report.findings.sort(key=lambda f: (f.file, f.line, f.kind))
    return report
