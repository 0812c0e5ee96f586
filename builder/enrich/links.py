"""Cross-links between records: people, meetings, series, same day, related.

Input: the flat records (events, 条目) with their documents' regions. Output:
``Entity`` objects, each listing the records that mention it in date order,
and per record the entities it names, the records of the same day in other
sources, and related records elsewhere (sharing a meeting, a series or a
person). Nothing is merged that the sources keep apart: a meeting is keyed by
body + 届 + 次 *and* date, and two records whose dates for one session differ
(14—15 vs 14—16 December) stay two records on the meeting's page, side by side.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from builder.enrich.annotate import Gazetteer
from builder.enrich.entities import (
    EntityRules,
    Mention,
    Tenure,
    entity_id,
    find_known_people,
    find_meetings,
    find_organisations,
    find_people,
    find_series,
    parse_directory,
)
from builder.enrich.people import Speaker, offices_over_time
from builder.enrich.records import Record
from builder.parse.dates import find_dates
from builder.sources.normalise import compact

SAME_MEETING_DAYS = 7  # two records of one session name within a week are one meeting
SAME_DAY_SHOWN = 5  # same-day records listed under a record (all are counted): pages must not grow with the archive


@dataclass
class Entity:
    id: str
    kind: str  # person | meeting | series | organisation
    name: str
    key: str
    date: str = ""  # meetings: the session's first date as recorded
    records: list[str] = field(default_factory=list)  # record ids in date order
    attrs: dict[str, list[str]] = field(default_factory=dict)  # e.g. offices held, surface forms

    @property
    def url(self) -> str:
        return f"{KIND_DIRS[self.kind]}/{self.id}/"


KIND_DIRS = {"person": "people", "meeting": "meetings", "series": "series", "organisation": "organisations"}


@dataclass
class Links:
    entities: dict[str, Entity]
    by_record: dict[str, list[str]]  # record id -> entity ids
    same_day: dict[str, list[str]]  # record id -> record ids (other sources, same date; the first SAME_DAY_SHOWN)
    related: dict[str, list[str]]  # record id -> record ids (other sources, shared entities)
    same_day_total: dict[str, int] = field(default_factory=dict)  # record id -> how many there are in all


def _directory(records: list[Record], source_regions: dict[str, str]) -> dict[str, dict[str, list[Tenure]]]:
    """Leader directories (领导名录) in the records, by the region of their source."""
    out: dict[str, dict[str, list[Tenure]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.type == "section" and "领导名录" in (*r.path, r.title):
            for tenure in parse_directory(r.title, r.text):
                out[source_regions[r.source_id]][tenure.name].append(tenure)
    return out


def places_for(region_id: str, gazetteer: Gazetteer) -> dict[str, str]:
    """What a bare 市/区/县/省 or a body with no place means in a document of ``region_id``."""
    out: dict[str, str] = {}
    chain = gazetteer.ancestors(region_id)
    for rid in chain:
        region = gazetteer.by_id[rid]
        key = {"区": "区", "县": "县", "县级市": "市", "地级市": "市", "省": "省"}.get(region.level)
        if key and key not in out:
            out[key] = region.name
    if chain:
        out[""] = gazetteer.by_id[chain[0]].name
    return out


def _date_of(record: Record, year: int | None) -> str:
    if record.date:
        return record.date.split("/")[0]
    found = find_dates(record.title + "。" + record.text[:80], year=year)
    days = [d for d in found if d.start.year and d.start.day]
    return days[0].start.iso() if days else ""


SUBJECT_WINDOW = 40  # a meeting named this early in an event's text is what the event is about


def _is_subject(record: Record, mention: Mention) -> bool:
    if record.title and mention.surface in record.title.replace(" ", ""):
        return True
    position = record.text.replace(" ", "").find(mention.surface)
    return position < 0 or position < SUBJECT_WINDOW  # < 0: the name spans title and text


def _days_apart(a: str, b: str) -> int:
    """Days between two ISO dates; for dates without a day, 0 in the same month, else far apart."""
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) if len(a) == len(b) == 10 else (
            0 if a[:7] == b[:7] else 999)
    except ValueError:
        return 0 if a[:7] == b[:7] else 999


class _Linker:
    """The entities of the cited records and which records mention each (``build_links``)."""

    def __init__(self, source_years: dict[str, int | None]) -> None:
        self.source_years = source_years
        self.entities: dict[str, Entity] = {}
        self.by_record: dict[str, list[str]] = defaultdict(list)
        self.sessions: dict[str, list[Entity]] = defaultdict(list)  # meetings by key: one per date
        self.attached: set[tuple[str, str]] = set()  # (entity id, record id): entity.records can grow long
        self.in_passing: list[tuple[Record, Mention]] = []  # meetings named, not held, by a record

    def attach(self, entity: Entity, record: Record, mention: Mention) -> None:
        if (entity.id, record.id) not in self.attached:
            self.attached.add((entity.id, record.id))
            entity.records.append(record.id)
        for name, value in mention.attrs:
            values = entity.attrs.setdefault(name, [])
            if value not in values:
                values.append(value)
        forms = entity.attrs.setdefault("surface", [])
        if mention.surface not in forms:
            forms.append(mention.surface)
        if entity.id not in self.by_record[record.id]:
            self.by_record[record.id].append(entity.id)

    def _new_session(self, mention: Mention, date: str) -> Entity:
        entity = Entity(entity_id("meeting", mention.key, date), "meeting", mention.name, mention.key, date)
        self.sessions[mention.key].append(entity)
        self.entities[entity.id] = entity
        return entity

    def meeting(self, record: Record, mention: Mention) -> None:
        """A meeting the record is about: the session of the same key within a few days, or a new one."""
        if not _is_subject(record, mention):
            self.in_passing.append((record, mention))
            return
        date = _date_of(record, self.source_years.get(record.source_id))
        sessions = self.sessions[mention.key]
        if date:
            entity = next((e for e in sessions if _days_apart(e.date, date) <= SAME_MEETING_DAYS), None)
        else:  # no date in the record: it can only join a session it cannot be confused with
            entity = sessions[0] if len(sessions) == 1 else None
        self.attach(entity or self._new_session(mention, date), record, mention)

    def other(self, record: Record, mention: Mention) -> None:
        """A person, series or organisation: one entity per key; a person's office with the record's date."""
        eid = entity_id(mention.kind, mention.key)
        entity = self.entities.setdefault(eid, Entity(eid, mention.kind, mention.name, mention.key))
        self.attach(entity, record, mention)
        office = dict(mention.attrs).get("office")
        if mention.kind == "person" and office:
            date = _date_of(record, self.source_years.get(record.source_id))
            entity.attrs.setdefault("held", []).append(f"{date}\t{office}\t{record.id}")

    def speaker(self, speaker: Speaker, record: Record) -> None:
        """The speaker of a report: a person with the office of the byline on the report's date."""
        attrs = (("office", speaker.office),) if speaker.office else ()
        self.other(record, Mention("person", speaker.name, speaker.name, speaker.name, attrs))
        entity = self.entities[entity_id("person", speaker.name)]
        held = entity.attrs.get("held", [])
        if held and held[-1].endswith(f"\t{record.id}"):
            held[-1] = f"{speaker.date}\t{speaker.office}\t{record.id}"  # the report's date, not its first section's
        entity.attrs.setdefault("report", []).append(f"{speaker.date}\t{speaker.office}\t{speaker.title}\t{speaker.source_id}")

    def meetings_in_passing(self) -> None:
        """A meeting mentioned in passing joins the session it must mean: the only one, or the
        latest one held before the record's date; otherwise it gets a session with no date."""
        for record, mention in self.in_passing:
            sessions = self.sessions[mention.key]
            date = _date_of(record, self.source_years.get(record.source_id))
            before = [e for e in sessions if e.date and date and e.date <= date]
            entity = sessions[0] if len(sessions) == 1 else (max(before, key=lambda e: e.date) if before else None)
            self.attach(entity or self._new_session(mention, ""), record, mention)


def _mentions(record: Record, text: str, rules: EntityRules, places: dict[str, str], known: frozenset[str],
              known_people: frozenset[str]) -> tuple[list[Mention], list[Mention]]:
    """The meetings, and the people, series and organisations, that ``text`` (compacted) names."""
    meetings = find_meetings(text, places, known, compacted=True)
    people = find_people(text, rules, compacted=True)
    people += [m for m in find_known_people(text, known_people, compacted=True) if all(p.key != m.key for p in people)]
    return meetings, [*people, *find_series(text, rules, compacted=True), *find_organisations(text, rules, compacted=True)]


def _same_day(cited: list[Record]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """For each event dated to a day: the first few events of that day in other sources, and how many."""
    same_day: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    by_day: dict[str, list[Record]] = defaultdict(list)
    for r in cited:
        if r.type == "event" and r.precision in ("day", "range", "list") and len(r.date.split("/")[0]) == 10:
            by_day[r.date.split("/")[0]].append(r)
    for group in by_day.values():
        per_source = Counter(o.source_id for o in group)
        for r in group:
            total = len(group) - per_source[r.source_id]
            if total:
                same_day[r.id] = list(islice((o.id for o in group if o.source_id != r.source_id), SAME_DAY_SHOWN))
                totals[r.id] = total
    return same_day, totals


RELATED_SHOWN = 5  # related records listed under a record at most
RELATED_NEAR = 0.25  # text similarity a related record needs when the documents are about one place
RELATED_FAR = 0.35  # … when they are about different places (a campaign of the same name elsewhere)
RELATED_TEXT = 300  # characters of each text compared
RELATED_DAYS = 31  # two records of one place tell of one thing only when dated this close


def _grams(record: Record) -> frozenset[str]:
    """Character bigrams of the start of a record's title and text (whitespace removed)."""
    text = compact(f"{record.title}{record.text}")[:RELATED_TEXT]
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of two sets of character bigrams (0 … 1)."""
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _related(by_record: dict[str, list[str]], entities: dict[str, Entity], by_id: dict[str, Record],
             order: dict[str, int], near: Callable[[str, str], bool]) -> dict[str, list[str]]:
    """Up to ``RELATED_SHOWN`` records of other sources a reader would call related: they share
    one of this record's entities (one named in at most 40 records) *and* tell of the same
    thing — their texts are alike (character bigrams, ``similarity``), more alike still when
    the two documents are about different places (``near``: same place or one inside the
    other) — and are dated within a month of each other (a week across places; formulaic
    texts of different years, such as each year's people's congress, are alike but not
    related); a shared meeting session with dates within a week needs no more. Measured on a
    hand-judged sample (tests/related_sample.tsv, bench/related.py); where no record is alike
    enough, none is shown."""
    related: dict[str, list[str]] = {}
    grams: dict[str, frozenset[str]] = {}

    def gram(rid: str) -> frozenset[str]:
        if rid not in grams:
            grams[rid] = _grams(by_id[rid])
        return grams[rid]

    for rid, eids in by_record.items():
        score: dict[str, float] = {}
        record = by_id[rid]
        for eid in eids:
            entity = entities[eid]
            if len(entity.records) > 40:  # too common to say anything (习近平, 党史学习教育 …)
                continue
            for other in entity.records:
                if other == rid or other in score or by_id[other].source_id == record.source_id:
                    continue
                sim = similarity(gram(rid), gram(other))
                same_session = entity.kind == "meeting" and _days_apart(_date_of(record, None) or "x",
                                                                        _date_of(by_id[other], None) or "y") <= 7
                close = near(record.source_id, by_id[other].source_id)
                apart = _days_apart(_date_of(record, None) or "-", _date_of(by_id[other], None) or "-")
                # one event told twice: dated within a month (within a week across places)
                in_time = apart <= (RELATED_DAYS if close else SAME_MEETING_DAYS)
                if same_session or (in_time and sim >= (RELATED_NEAR if close else RELATED_FAR)):
                    score[other] = sim + (1.0 if same_session else 0.0)
        if score:
            related[rid] = sorted(score, key=lambda o: (-score[o], order[o]))[:RELATED_SHOWN]
    return related


def build_links(records: list[Record], rules: EntityRules, gazetteer: Gazetteer,
                source_regions: dict[str, str], source_years: dict[str, int | None],
                speakers: list[Speaker] | tuple[Speaker, ...] = ()) -> Links:
    """People, meetings, series and organisations of the events and 条目, the same day in other
    sources, and related records; ``speakers``: who delivered the reports (a person whose page
    lists the report under the first record of its text)."""
    cited = [r for r in records if r.type in ("event", "entry")]
    known = frozenset(gazetteer.names)
    order = {r.id: i for i, r in enumerate(sorted(cited, key=lambda r: (r.date or "9999", r.source_id, r.line)))}
    directory = _directory(records, source_regions)
    known_people = {
        region: frozenset(t.name for ts in by_name.values() for t in ts) for region, by_name in directory.items()
    }
    linker = _Linker(source_years)
    places_of: dict[str, dict[str, str]] = {}  # by region: the few regions of the sources
    for record in cited:
        region = source_regions[record.source_id]
        if region not in places_of:
            places_of[region] = places_for(region, gazetteer)
        text = compact(f"{record.title}。{record.text}")  # once for all the finders
        meetings, others = _mentions(record, text, rules, places_of[region], known,
                                     known_people.get(region, frozenset()))
        for mention in meetings:
            linker.meeting(record, mention)
        for mention in others:
            linker.other(record, mention)
    linker.meetings_in_passing()
    first_record: dict[str, Record] = {}
    for record in records:  # a report's text is in its sections' records: the first one stands for it
        if record.type in ("section", "event", "entry"):
            best = first_record.get(record.source_id)
            if best is None or record.line < best.line:
                first_record[record.source_id] = record
    for speaker in speakers:
        if speaker.source_id in first_record:
            record = first_record[speaker.source_id]
            if record.id not in order:
                order[record.id] = -1 - len(order)  # before the dated records
                cited.append(record)
            linker.speaker(speaker, record)
    for entity in linker.entities.values():
        entity.records.sort(key=order.__getitem__)
        if entity.kind == "person":
            for by_name in directory.values():
                for tenure in by_name.get(entity.name, ()):
                    entity.attrs.setdefault("tenure", []).append(tenure.label())
            if entity.attrs.get("held"):
                entity.attrs["offices"] = offices_over_time(entity.attrs.pop("held"))
    same_day, same_day_total = _same_day(cited)
    chains = {sid: set(gazetteer.ancestors(region)) for sid, region in source_regions.items()}

    def near(a: str, b: str) -> bool:  # the two documents are about one place, or one inside the other
        return source_regions[a] in chains[b] or source_regions[b] in chains[a]

    related = _related(linker.by_record, linker.entities, {r.id: r for r in cited}, order, near)
    return Links(linker.entities, dict(linker.by_record), same_day, related, same_day_total)
