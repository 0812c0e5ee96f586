"""site_config/entities.yml: offices that mark a person, surnames, series and organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.config.loader import ConfigError, load_yaml

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


def load_entity_rules(path: Path) -> EntityRules:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping with offices, surnames, series")
    series = {}
    for item in data.get("series") or []:
        if not isinstance(item, dict) or "name" not in item:
            raise ConfigError(f"{path}:{item.get('__line__', 0) if isinstance(item, dict) else 0}: "
                              "each series needs a name")
        patterns = item.get("patterns") or [re.escape(item["name"])]
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ConfigError(f"{path}:{item.get('__line__', 0)}: bad pattern {p!r}: {exc}") from None
        series[str(item["name"])] = tuple(patterns)
    return EntityRules(
        offices=tuple(data.get("offices") or ()),
        surnames=str(data.get("surnames") or ""),
        series=series,
        not_names=frozenset(data.get("not_names") or ()),
        organisations={str(o["name"]): tuple(o.get("aliases") or ()) for o in data.get("organisations") or []},
        org_history={str(o["name"]): tuple(o.get("history") or ()) for o in data.get("organisations") or []},
    )
