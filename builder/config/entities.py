"""site_config/entities.yml: offices that mark a person, surnames, series and organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.config.loader import YamlMap, _Reader, _top, list_readers

NAME_END = r"(?=[，、。；：（()）”\s]|同志|主持|出席|讲话|参加|带队|一行|陪同|等|在|到|深入|调研|作|对|为|向|的|$)"


@dataclass
class EntityRules:
    offices: tuple[str, ...]
    surnames: str
    series: dict[str, tuple[str, ...]]  # name -> regex patterns
    not_names: frozenset[str] = frozenset()
    organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> aliases
    org_history: dict[str, tuple[str, ...]] = field(default_factory=dict)
    people_pattern: re.Pattern[str] = field(init=False)
    series_patterns: dict[str, tuple[re.Pattern[str], ...]] = field(init=False)
    organisation_forms: tuple[tuple[str, str], ...] = field(init=False)  # (form, name), longest form first
    # one search that tells whether any series pattern / organisation form occurs at all (most texts
    # name none); None where the patterns cannot be joined into one without changing their meaning
    any_series: re.Pattern[str] | None = field(init=False)
    any_organisation: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        offices = "|".join(sorted(map(re.escape, self.offices), key=len, reverse=True))
        self.people_pattern = re.compile(
            rf"(?P<office>{offices})(?P<name>[{self.surnames}][\u4e00-\u9fff]{{1,2}}?)"
            + NAME_END
        )
        self.series_patterns = {name: tuple(map(re.compile, ps)) for name, ps in self.series.items()}
        self.organisation_forms = tuple(sorted(
            ((form, name) for name, aliases in self.organisations.items() for form in (name, *aliases)),
            key=lambda fn: -len(fn[0])))
        self.any_series = _any_of([p for ps in self.series_patterns.values() for p in ps])
        self.any_organisation = _any_of([re.compile(re.escape(form)) for form, _ in self.organisation_forms])


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """A pattern matching wherever one of ``patterns`` does, if they can be joined safely: a group
    could be the target of a backreference, whose number would change in the joined pattern."""
    if not patterns or any(p.groups or p.flags != re.UNICODE for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:  # e.g. a global flag such as (?i), which must stand at the start
        return None


ENTITY_KEYS = ("offices", "surnames", "not_names", "series", "organisations")
SERIES_FIELDS = ("name", "patterns")
ORGANISATION_FIELDS = ("name", "aliases", "history")


def _items(path: Path, top: YamlMap, key: str, fields: tuple[str, ...], what: str) -> list[_Reader]:
    """The records of the list ``key`` of entities.yml, each with a ``name``."""
    readers = list_readers(path, top, key, fields, what)
    for reader in readers:
        reader.str("name")  # required: raises with file:line
    return readers


def load_entity_rules(path: Path) -> EntityRules:
    data = _top(path, "offices", ENTITY_KEYS)
    if data is None:
        return EntityRules((), "", {})
    top = _Reader(path, data)
    series = {}
    for r in _items(path, data, "series", SERIES_FIELDS, "series"):
        name = r.str("name")
        patterns = r.strs("patterns") or (re.escape(name),)
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise r.fail(f"bad pattern {p!r}: {exc}", "patterns") from None
        series[name] = patterns
    organisations = _items(path, data, "organisations", ORGANISATION_FIELDS, "organisation")
    return EntityRules(
        offices=tuple(o for o in top.strs("offices") if o),
        surnames=_surnames(top),
        series=series,
        not_names=frozenset(top.strs("not_names")),
        organisations={r.str("name"): r.strs("aliases") for r in organisations},
        org_history={r.str("name"): r.strs("history") for r in organisations},
    )


def _surnames(top: _Reader) -> str:
    """The surname characters as one text (a list of them is joined); they go into a regex class."""
    value = top.record.get("surnames")
    text = "".join(top.strs("surnames")) if isinstance(value, list) else top.str("surnames", required=False)
    return re.sub(r"\s", "", text).replace("\\", "").replace("]", "").replace("^", "").replace("-", "")
