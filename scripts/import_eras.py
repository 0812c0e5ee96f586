"""Write builder/parse/data/eras.tsv from the sanmiao package's calendar tables.

    python scripts/import_eras.py [SANMIAO_WHEEL_OR_DIR]

sanmiao (https://github.com/PotatoSinology/sanmiao, MIT licence, by D. P. Morgan, Collège de France) keeps
the reign-era (年号), ruler and dynasty tables of Chinese history that its date converter uses. Fangzhi needs
only the names and their Gregorian year spans, so this script reads the package's CSV files with the
standard library (no pandas/lxml at build time), adds OpenCC's simplified form of every name, and writes one small table the date grammar loads:

    kind  name  dynasty  first_year  last_year

``kind`` is ``era`` (a 年号: year N of it is first_year + N - 1), ``ruler`` (a ruler's reign, for reign
years printed without an era: 周襄王廿七年) or ``dynasty`` (a dynasty name, used to choose between eras of
the same name and as a heading). Names are written in traditional and simplified forms. Years are
historian's years with no year 0 (-1 is 1 BCE); sanmiao's astronomical years (0 = 1 BCE) are converted.

Without an argument the wheel pinned below is downloaded with pip (once, by the maintainer; the build
reads only the TSV).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PIN = "sanmiao==0.2.12"
OUT = Path(__file__).resolve().parent.parent / "builder" / "parse" / "data" / "eras.tsv"
TABLES = ("era_table", "ruler_table", "dynasty_table_dump", "dynasty_tags", "rul_can_name", "ruler_tags")


def _tables(src: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    if src.is_file():
        with zipfile.ZipFile(src) as zf:
            for name in TABLES:
                with zf.open(f"sanmiao/data/{name}.csv") as fh:
                    out[name] = list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")))
    else:
        for name in TABLES:
            with (src / f"{name}.csv").open(encoding="utf-8") as fh:
                out[name] = list(csv.DictReader(fh))
    return out


def _year(v: str) -> int | None:
    """sanmiao counts years astronomically (0 = 1 BCE); chronicles and Fangzhi count 1 BCE as -1."""
    if not v.strip():
        return None
    y = int(float(v))
    return y if y > 0 else y - 1


def rows(t: dict[str, list[dict[str, str]]]) -> list[tuple[str, str, str, int, int]]:
    dyn_name = {r["dyn_id"]: r["dyn_name"] for r in t["dynasty_table_dump"]}
    out: set[tuple[str, str, str, int, int]] = set()
    for r in t["era_table"]:
        first, last = _year(r["era_start_year"]), _year(r["era_end_year"])
        if first is None:
            continue
        last = last if last is not None else first
        for name in {r["era_name"], r["era_name_simp"]}:
            if name:
                out.add(("era", name, dyn_name.get(r["dyn_id"], ""), first, last))
    reigns: dict[str, list[tuple[str, int, int]]] = {}
    for r in t["ruler_table"]:
        first, last = _year(r["emp_start_year"]), _year(r["emp_end_year"])
        if first is not None:
            reigns.setdefault(r["person_id"], []).append((dyn_name.get(r["dyn_id"], ""), first, last or first))
    names = [(r["person_id"], r["string"]) for r in t["rul_can_name"]]
    names += [(r["person_id"], s) for r in t["ruler_tags"] for s in (r["string"], r["string_simp"])]
    for pid, name in names:
        if len(name) < 2:
            continue
        for dyn, first, last in reigns.get(pid, []):
            out.add(("ruler", name, dyn, first, last))
    spans = {r["dyn_id"]: (_year(r["dyn_start_year"]), _year(r["dyn_end_year"])) for r in t["dynasty_table_dump"]}
    for r in t["dynasty_tags"]:
        first, last = spans.get(r["dyn_id"], (None, None))
        if first is None:
            continue
        for name in {r["string"], r["string_simp"]}:
            out.add(("dynasty", name, dyn_name.get(r["dyn_id"], ""), first, last or first))
    return sorted(out, key=lambda x: (x[0], x[1], x[3], x[2], x[4]))


def _with_simplified(data: list[tuple[str, str, str, int, int]]) -> list[tuple[str, str, str, int, int]]:
    """sanmiao gives a simplified form for some names only (宣統 has none): add OpenCC's t2s form of each."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    out = set(data)
    for kind, name, dynasty, first, last in data:
        out.add((kind, t2s.convert(name), dynasty, first, last))
    return sorted(out, key=lambda x: (x[0], x[1], x[3], x[2], x[4]))


def main() -> None:
    if len(sys.argv) > 1:
        src = Path(sys.argv[1])
    else:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), PIN], check=True)
        src = next(tmp.glob("sanmiao-*.whl"))
    data = _with_simplified(rows(_tables(src)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# from {PIN} (MIT) by scripts/import_eras.py: kind, name, dynasty, first_year, last_year\n")
        for row in data:
            fh.write("\t".join(map(str, row)) + "\n")
    print(f"{OUT}: {len(data)} rows")


if __name__ == "__main__":
    main()
