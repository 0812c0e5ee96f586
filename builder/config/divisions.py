"""The gazetteer: the shipped division data, the archive's own additions and regions.yml.

Layer 1, ``builder/config/data/divisions.tsv.gz`` (shipped; written by
``scripts/import_divisions.py`` from two public datasets, see its docstring): every
province, prefecture, county-level unit and 乡/镇/街道 of China with its official code,
and every county-level unit or above in use since 1981 that no longer exists or was
renamed, with ``valid_from``/``valid_to`` and its successor. A unit of the present has
its code as id; an earlier one ``<code>-<first year>``.

Layer 2, ``site_config/divisions.csv`` (optional): rows the archive adds (code, name,
level, parent code), above all the 村/社区 that ``fangzhi gazetteer add`` writes.

Layer 3, ``site_config/regions.yml``: readable ids, aliases, and what no dataset has. A
regions.yml record that names a ``code`` takes that unit's name, level, parent, validity
and short names from the data unless it says otherwise, and its id replaces the code.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from builder.config.loader import ConfigError
from builder.model.document import Region

SHIPPED = Path(__file__).resolve().parent / "data" / "divisions.tsv.gz"
TSV_COLUMNS = ("id", "code", "name", "level", "parent", "valid_from", "valid_to", "successor", "short", "note")


@lru_cache(maxsize=2)
def shipped_regions(path: Path = SHIPPED) -> tuple[Region, ...]:
    """Every unit of the shipped data, in file order (read once per process)."""
    if not path.exists():
        return ()
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith(("#", "id\t")):
            continue
        cells = line.split("\t")
        if len(cells) != len(TSV_COLUMNS):
            raise ConfigError(f"{path}:{n}: expected {len(TSV_COLUMNS)} columns; regenerate it with "
                              "scripts/import_divisions.py")
        uid, code, name, level, parent, start, end, successor, short, note = cells
        out.append(Region(id=uid, name=name, level=level, parent=parent or None, code=code, valid_from=start,
                          valid_to=end, successor=successor or None, short=tuple(filter(None, short.split(";"))),
                          history=(note,) if note else ()))
    return tuple(out)


def load_divisions(path: Path) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent code) rows of the archive's own layer; an absent file means none."""
    if not path.exists():
        return []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 ({exc.reason}); write it again with `fangzhi gazetteer add`") from None
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    rows = []
    for n, row in enumerate(csv.DictReader(lines), start=2):
        if not row.get("code") or not row.get("name") or not row.get("level"):
            raise ConfigError(f"{path}:{n}: every division needs code, name and level")
        rows.append((row["code"], row["name"], row["level"], row.get("parent") or ""))
    return rows


def merge_regions(editorial: list[Region], divisions: list[tuple[str, str, str, str]], *, where: str,
                  lines: dict[str, str] | None = None, shipped: tuple[Region, ...] | None = None) -> list[Region]:
    """Editorial regions first (in file order), then the data's units (the archive's rows over
    the shipped ones), by id. ``lines`` gives the file:line of each editorial region (by id)."""
    lines = lines or {}
    data: dict[str, Region] = {r.id: r for r in (shipped_regions() if shipped is None else shipped)}
    for code, name, level, parent in divisions:  # the archive's rows: a code is an id of the present
        old = data.get(code)
        data[code] = Region(id=code, name=name, level=level, parent=parent or None, code=code,
                            short=old.short if old and old.name == name else (),
                            valid_from=old.valid_from if old else "", valid_to=old.valid_to if old else "")
    rename = {r.code: r.id for r in editorial if r.code}  # a data id (the code of a present unit) → editorial id
    out = []
    for r in editorial:
        if r.code:
            unit = data.get(r.code)
            if unit is None:
                raise ConfigError(f"{lines.get(r.id, where)}: region '{r.id}' names code {r.code}, which the division data lacks")
            parent = r.parent or (rename.get(unit.parent, unit.parent) if unit.parent else None)
            successor = r.successor or (rename.get(unit.successor, unit.successor) if unit.successor else None)
            r = replace(r, name=r.name or unit.name, level=r.level or unit.level, parent=parent,
                        valid_from=r.valid_from or unit.valid_from, valid_to=r.valid_to or unit.valid_to,
                        successor=successor, short=unit.short, history=r.history or unit.history)
        elif not r.level:
            raise ConfigError(f"{lines.get(r.id, where)}: region '{r.id}' has no code, so it needs a level")
        out.append(r)
    for uid, unit in sorted(data.items()):
        if uid in rename:
            continue
        parent = rename.get(unit.parent, unit.parent) if unit.parent else None
        successor = rename.get(unit.successor, unit.successor) if unit.successor else None
        if parent is not None and parent not in data and parent not in rename.values():
            parent = None  # a parent the archive's rows name but no layer has
        out.append(replace(unit, parent=parent, successor=successor) if (parent, successor) != (unit.parent, unit.successor)
                   else unit)
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
