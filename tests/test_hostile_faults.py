"""Faults around a build: parallel builds, kills, odd output folders and hostile caches.

Classes of fault covered:

* two builds in one project (a second ``fangzhi build``, ``serve`` or ``bundle`` while one
  runs): the lock in ``.fangzhi-cache/lock`` makes the second wait, or fail in one
  ``fangzhi: error:`` line naming the holder's pid; a killed holder never blocks anyone;
* a build killed (SIGKILL, through the ``FANGZHI_FAULT`` hook) at every step, from the parse
  workers to after the switch: the output is the complete old site or the complete new
  one, no process of the build outlives it, and the next build succeeds and removes
  what the killed one left;
* an output folder that cannot be renamed (a mount point: EBUSY, simulated), a file
  system without ``RENAME_EXCHANGE`` (the link fallback), a file the old site leaves
  that cannot be deleted;
* corrupted and hostile caches: a flipped bit and a truncated file in the parse cache,
  an edited cached prediction, a truncated model, corrupt Jinja bytecode, and pickles or
  marshal data that would run code if loaded (they must never be: a marker file proves it),
  entries signed with another machine's key, a key file others can read.
"""

from __future__ import annotations

import errno
import hashlib
import json
import marshal
import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import files
from builder.cli import main
from builder.enrich.classify import TopicClassifier
from builder.pipeline import CACHE_DIR, build, load_archive
from builder.publish import site as site_mod
from builder.render.pages import template_env

from .conftest import REPO, make_project, small_config

PYTHON = sys.executable


# ---------------------------------------------------------------------------- helpers


@pytest.fixture
def key_home(tmp_path, monkeypatch):
    """A fresh per-machine key for this test (``$XDG_CACHE_HOME/fangzhi/cache-key``)."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(files.KEY_ENV, raising=False)
    files.machine_key.cache_clear()
    yield home
    files.machine_key.cache_clear()


def _fingerprint(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _group(pgid: int) -> list[int]:
    """Live processes of the process group ``pgid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            out.append(int(entry.name))
    return out


def _wait_group_gone(pgid: int, seconds: float = 20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _small_project(root: Path) -> tuple[Path, Path, Path]:
    project = make_project(root)
    cfg = small_config(root)
    return project, cfg, REPO / "source_texts"


def _build_cmd(cfg: Path, sources: Path) -> list[str]:
    return [PYTHON, "-m", "builder", "build", "--config", str(cfg), "--sources", str(sources)]


def _env(xdg: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (files.FAULT_ENV, files.KEY_ENV)}
    return {**env, "XDG_CACHE_HOME": str(xdg), files.LOCK_WAIT_ENV: "300", **extra}


# ---------------------------------------------------------------------------- the lock

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from builder.files import project_lock
    with project_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def _holder(cache_root: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([PYTHON, "-c", HOLDER, str(cache_root), str(seconds)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.parametrize("command", [["build"], ["serve"], ["bundle", "--out", "x.zip"]])
def test_second_command_says_who_holds_the_lock(tmp_path, monkeypatch, command):
    project = tmp_path / "project"
    project.mkdir()
    holder = _holder(project / ".fangzhi-cache", 60)
    try:
        monkeypatch.chdir(project)
        monkeypatch.setenv(files.LOCK_WAIT_ENV, "0.3")
        result = CliRunner().invoke(main, command)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("fangzhi: error:")]
    assert len(errors) == 1 and "Traceback" not in result.output
    assert errors[0] == (f"fangzhi: error: {project / '.fangzhi-cache' / 'lock'}: fangzhi process {holder.pid} "
                         "is already building this project (waited 0.3 s); try again when it has finished")
    assert not (project / "site").exists() and not (project / "x.zip").exists()


def test_second_build_waits_for_the_first(tmp_path):
    root = tmp_path / ".fangzhi-cache"
    holder = _holder(root, 1.5)
    start = time.monotonic()
    with files.project_lock(root, wait=60):
        waited = time.monotonic() - start
        assert (root / "lock").read_text().strip() == str(os.getpid())
    holder.wait()
    assert 0.5 < waited < 30


def test_a_killed_holder_leaves_no_lock(tmp_path):
    root = tmp_path / ".fangzhi-cache"
    holder = _holder(root, 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (root / "lock").read_text().strip() == str(holder.pid)  # the stale file stays, the lock does not
    start = time.monotonic()
    with files.project_lock(root, wait=0):
        pass
    assert time.monotonic() - start < 1


# ---------------------------------------------------------------------------- kill at every step


@pytest.fixture(scope="module")
def killable(tmp_path_factory):
    """A small project with a complete site, built by ``fangzhi build`` in a subprocess."""
    root = tmp_path_factory.mktemp("kill")
    project, cfg, sources = _small_project(root)
    xdg = root / "xdg"
    proc = subprocess.run(_build_cmd(cfg, sources), cwd=project, env=_env(xdg), capture_output=True, text=True,
                          timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr
    return project, cfg, sources, xdg


# in the order a build passes them; "parsing" and "write-atomic" need documents to parse. Three fault
# points leave the project in the same state as a neighbour tried here, and are not tried again (each
# try is two builds, ~7 s): "loaded" and "enriched" (nothing written yet since the parse cache, as at
# "write-atomic"), "indexed" (the index written while MkDocs runs, as at "downloads-written")
STEPS = ["parsing", "write-atomic", "render-cleared", "rendered", "mkdocs-started",
         "downloads-written", "mkdocs-done", "late-copied", "swap", "swapped", "cleaned"]
AFTER_SWITCH = {"swapped", "cleaned"}


def _leftovers(project: Path) -> list[str]:
    out = [p.name for p in project.iterdir() if p.name.startswith(("site.", ".fangzhi-old-"))]
    out += [p.name for p in (project / ".fangzhi-cache").rglob("*.tmp")]
    return sorted(out)


@pytest.mark.parametrize("step", STEPS)
def test_a_build_killed_at_any_step(killable, step):
    project, cfg, sources, xdg = killable
    site = project / "site"
    old = _fingerprint(site)
    about = project / "docs" / "about.md"
    about.write_text(f"# 关于\n\n这一版在 {step} 处被中止。\n", "utf-8")  # the new site differs from the old
    if step in ("parsing", "write-atomic"):
        shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
    log = project.parent / f"killed-{step}.log"  # a file: a pipe would wait for every process holding it
    with log.open("w") as err:
        killed = subprocess.Popen(_build_cmd(cfg, sources), cwd=project, env=_env(xdg, FANGZHI_FAULT=step),
                                  stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        killed.wait(timeout=900)
    assert killed.returncode == -signal.SIGKILL, log.read_text()
    left = _wait_group_gone(killed.pid)
    if left:
        os.killpg(killed.pid, signal.SIGKILL)  # the test's own processes, so the next tests can run
    assert left == [], f"processes of the build killed at {step} outlived it"
    after_kill = _fingerprint(site)
    assert after_kill, "no site at all"

    again = subprocess.run(_build_cmd(cfg, sources), cwd=project, env=_env(xdg), capture_output=True, text=True,
                           timeout=900, check=False)
    assert again.returncode == 0, again.stderr
    new = _fingerprint(site)
    assert new != old
    assert after_kill == (new if step in AFTER_SWITCH else old)
    assert _leftovers(project) == []
    assert not site.is_symlink()


def test_two_builds_at_once_both_complete(killable):
    project, cfg, sources, xdg = killable
    reference = _fingerprint(project / "site")
    procs = [subprocess.Popen(_build_cmd(cfg, sources), cwd=project, env=_env(xdg), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(0.5)
    results = [(p.wait(timeout=900), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    assert any("waiting up to 300 s for fangzhi process" in err for _, err in results)
    assert _fingerprint(project / "site") == reference  # complete, not ~500 files short
    assert _leftovers(project) == []


# ---------------------------------------------------------------------------- output folders


def _tree(root: Path, files_: dict[str, str]) -> Path:
    for rel, text in files_.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


OLD = {"index.html": "old", "a/page.html": "old a", "gone/x.html": "only in the old site"}
NEW = {"index.html": "new", "a/page.html": "new a", "b/y.html": "only in the new site"}


def _mount_like(monkeypatch, out: Path) -> None:
    """``out`` behaves like a mount point: it cannot be renamed or exchanged (EBUSY)."""
    real_rename, real_exchange = os.rename, site_mod._exchange

    def is_out(*paths: object) -> bool:
        return any(os.path.abspath(p) == str(out) for p in paths)  # type: ignore[arg-type]

    def rename(src, dst, *a, **k):  # type: ignore[no-untyped-def]
        if is_out(src, dst):
            raise OSError(errno.EBUSY, "Device or resource busy", str(src))
        return real_rename(src, dst, *a, **k)

    def exchange(a: Path, b: Path) -> None:
        if is_out(a, b):
            raise OSError(errno.EBUSY, "Device or resource busy", str(a))
        real_exchange(a, b)

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(site_mod, "_exchange", exchange)


def test_mount_point_gets_its_contents_switched(tmp_path, monkeypatch):
    out = _tree(tmp_path / "site", OLD)
    inode = out.stat().st_ino
    new = _tree(tmp_path / "site.building", NEW)
    _mount_like(monkeypatch, out)
    assert site_mod.switch_in(new, out) == "contents"
    assert out.stat().st_ino == inode  # the same folder: never renamed
    assert _fingerprint(out) == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in NEW.items()}
    assert not new.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_whole_build_into_a_mount_point(built, tmp_path, monkeypatch, key_home):
    _, done, _ = built
    project = tmp_path / "project"
    shutil.copytree(done, project, ignore=shutil.ignore_patterns(".fangzhi-cache"))
    out = project / "site"
    (out / "stale-from-old-site.html").write_text("x", "utf-8")
    yearbook = out / "sources" / "liaoyang-yearbook-2021" / "index.html"
    before = yearbook.read_text("utf-8")
    _mount_like(monkeypatch, out)
    cfg = small_config(tmp_path)
    build(project_dir=project, sources_dir=REPO / "source_texts", config_dir=cfg, out_dir=out)
    assert not (out / "stale-from-old-site.html").exists()
    assert (out / "sources" / "guta-dsj" / "index.html").is_file()
    assert yearbook.read_text("utf-8") != before  # not in the small config: only a notice now
    assert not (out / site_mod.INCOMING).exists() and not (out / site_mod.OUTGOING).exists()


SWITCH = textwrap.dedent("""
    import errno, os, sys
    from pathlib import Path
    from builder.publish import site
    out, new, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    real_rename, real_exchange = os.rename, site._exchange
    def rename(src, dst, *a, **k):
        if mode == "mount" and str(out) in (os.path.abspath(src), os.path.abspath(dst)):
            raise OSError(errno.EBUSY, "busy")
        return real_rename(src, dst, *a, **k)
    def exchange(a, b):
        if mode == "mount" and str(out) in (os.path.abspath(a), os.path.abspath(b)):
            raise OSError(errno.EBUSY, "busy")
        if mode == "link":
            raise OSError(errno.EINVAL, "no RENAME_EXCHANGE here")
        real_exchange(a, b)
    os.rename, site._exchange = rename, exchange
    print(site.switch_in(new, out))
""")


def test_mount_point_switch_killed_midway_is_finished_by_the_next(tmp_path, monkeypatch):
    out = _tree(tmp_path / "site", OLD)
    new = _tree(tmp_path / "site.building", NEW)
    proc = subprocess.run([PYTHON, "-c", SWITCH, str(out), str(new), "mount"], capture_output=True, text=True,
                          env={**os.environ, files.FAULT_ENV: "swap-entry"}, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    either = {hashlib.sha256(v.encode()).hexdigest() for v in [*OLD.values(), *NEW.values()]}
    for rel, digest in _fingerprint(out).items():  # a mix, but of complete files of either site
        assert rel.startswith((site_mod.INCOMING, site_mod.OUTGOING)) or digest in either
    _mount_like(monkeypatch, out)
    site_mod.recover(out)
    again = _tree(tmp_path / "site.building", NEW)
    assert site_mod.switch_in(again, out) == "contents"
    assert _fingerprint(out) == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in NEW.items()}


def test_without_exchange_the_site_is_a_link_switched_atomically(tmp_path):
    out = _tree(tmp_path / "site", OLD)
    new = _tree(tmp_path / "site.building", NEW)
    proc = subprocess.run([PYTHON, "-c", SWITCH, str(out), str(new), "link"], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "symlink"
    assert out.is_symlink() and _fingerprint(out) == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in NEW.items()}
    first = out.resolve()
    newer = _tree(tmp_path / "site.building", {"index.html": "newer"})
    proc = subprocess.run([PYTHON, "-c", SWITCH, str(out), str(newer), "link"], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "symlink"
    assert (out / "index.html").read_text("utf-8") == "newer"
    assert not first.exists()  # the previous version is deleted
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", out.resolve().name])


def test_link_fallback_killed_in_its_one_gap_is_put_back(tmp_path):
    out = _tree(tmp_path / "site", OLD)
    new = _tree(tmp_path / "site.building", NEW)
    proc = subprocess.run([PYTHON, "-c", SWITCH, str(out), str(new), "link"], capture_output=True, text=True,
                          env={**os.environ, files.FAULT_ENV: "swap-gap"}, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # the one instant of the one-time change from folder to link
    site_mod.recover(out)
    assert _fingerprint(out) == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in OLD.items()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_undeletable_old_site_never_blocks_the_next_build(tmp_path, monkeypatch, capsys):
    out = _tree(tmp_path / "site", OLD)
    monkeypatch.setattr(site_mod.shutil, "rmtree", lambda *a, **k: None)  # nothing can be deleted
    for version in (NEW, {"index.html": "newer"}, {"index.html": "newest"}):
        site_mod.recover(out)
        new = _tree(tmp_path / "site.building", version)
        assert site_mod.switch_in(new, out) == "exchange"
        assert _fingerprint(out) == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in version.items()}
    warnings = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("fangzhi: warning:")]
    assert len(warnings) == 3 and all("could not be deleted entirely" in w for w in warnings)


# ---------------------------------------------------------------------------- caches


class RunsCode:
    """Unpickling this would create ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def _events(archive) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(d.source.id, e.line, e.text) for d in archive.documents for e in d.events()]


def _warnings(capsys) -> list[str]:  # type: ignore[no-untyped-def]
    err = capsys.readouterr().err
    return [ln for ln in err.splitlines() if ln.startswith("fangzhi: warning:")]


@pytest.fixture
def parse_cache(tmp_path, key_home, capsys):
    cfg = small_config(tmp_path)
    cache = tmp_path / "cache"
    fresh = load_archive(cfg, REPO / "source_texts", cache_dir=cache)
    entries = sorted(cache.rglob("*.pickle"))
    assert len(entries) == 2
    capsys.readouterr()
    return cfg, cache, entries, _events(fresh)


def _load(cfg: Path, cache: Path):  # type: ignore[no-untyped-def]
    return load_archive(cfg, REPO / "source_texts", cache_dir=cache)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "folder"])
def test_a_damaged_parse_entry_is_a_reported_miss(parse_cache, capsys, damage):
    cfg, cache, entries, events = parse_cache
    for path in entries:
        data = bytearray(path.read_bytes())
        if damage == "flip":  # one bit of one character of the text: 年 would become 幵
            at = data.find("年".encode())
            assert at > 0
            data[at + 2] ^= 1
            path.write_bytes(bytes(data))
        elif damage == "truncate":
            path.write_bytes(bytes(data[: len(data) // 2]))
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.unlink()
            path.mkdir()
    archive = _load(cfg, cache)
    assert _events(archive) == events
    assert sorted(archive.parse_stats.parsed) == ["guta-dsj", "guta-tuopin-report"]
    warnings = _warnings(capsys)
    assert len(warnings) == 2, warnings  # one line per damaged entry
    assert all(str(cache) in w and "ignored and rebuilt" in w for w in warnings)
    if damage != "folder":  # rebuilt: the next load takes both from the cache, quietly
        again = _load(cfg, cache)
        assert sorted(again.parse_stats.cached) == ["guta-dsj", "guta-tuopin-report"]
        assert _events(again) == events and _warnings(capsys) == []


def test_a_pickle_planted_in_the_parse_cache_is_never_loaded(parse_cache, tmp_path, capsys, monkeypatch):
    cfg, cache, entries, events = parse_cache
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(RunsCode(control)))  # the payload works when it is unpickled …
    assert control.exists()
    marker = tmp_path / "pwned"
    planted = pickle.dumps(RunsCode(marker))
    entries[0].write_bytes(planted)  # bare
    monkeypatch.setenv(files.KEY_ENV, "the attacker's own machine")  # … and signed with another key
    files.machine_key.cache_clear()
    other = files.seal(planted, entries[1].stem)
    monkeypatch.delenv(files.KEY_ENV)
    files.machine_key.cache_clear()
    entries[1].write_bytes(other)
    archive = _load(cfg, cache)
    assert not marker.exists()
    assert _events(archive) == events
    warnings = _warnings(capsys)
    assert len(warnings) == 1 and entries[0].name in warnings[0]  # another key's entry is a quiet miss


def test_the_key_file_is_private_and_a_readable_one_is_not_trusted(key_home, tmp_path):
    key = files.machine_key()
    path = key_home / "fangzhi" / "cache-key"
    assert path.read_bytes() == key and path.stat().st_mode & 0o777 == 0o600
    entry = files.seal(b"data", "name")
    assert files.unseal(entry, "name") == (b"data", "")
    assert files.unseal(entry, "another-name")[0] is None  # an entry moved to another key's place
    path.chmod(0o644)
    files.machine_key.cache_clear()
    assert files.machine_key() != key  # a key others could read is not used
    assert files.unseal(entry, "name") == (None, "")


TWO = ["水利农田灌溉", "农田水利工程", "农业种植丰收", "水稻农田", "学校学生教育", "教育学校招生", "学生入学", "中学教师"]
TWO_LABELS = ["farm"] * 4 + ["school"] * 4


def test_an_edited_prediction_is_not_believed(tmp_path, key_home, capsys):
    clf = TopicClassifier(min_examples=4).fit_cached(TWO, TWO_LABELS, tmp_path / "clf")
    assert clf.predict(["水利农田"], top=1) == [["farm"]]
    path = next((tmp_path / "clf").glob("*.predictions.json"))
    blob = path.read_bytes()
    header, payload = blob[:44], json.loads(blob[44:])
    path.write_bytes(header + json.dumps({k: ["school"] for k in payload}).encode())
    capsys.readouterr()
    again = TopicClassifier(min_examples=4).fit_cached(TWO, TWO_LABELS, tmp_path / "clf")
    assert again.predict(["水利农田"], top=1) == [["farm"]]
    warnings = _warnings(capsys)
    assert len(warnings) == 1 and path.name in warnings[0] and "checksum mismatch" in warnings[0]


@pytest.mark.parametrize("damage", ["truncate", "pickle"])
def test_a_damaged_or_planted_model_is_retrained(tmp_path, key_home, capsys, damage):
    folder = tmp_path / "clf"
    TopicClassifier(min_examples=4).fit_cached(TWO, TWO_LABELS, folder).predict(["农田"], top=1)
    model = next(folder.glob("*.model.npz"))
    marker = tmp_path / "pwned"
    if damage == "truncate":
        model.write_bytes(model.read_bytes()[:100])
    else:
        model.write_bytes(pickle.dumps(RunsCode(marker)))
    capsys.readouterr()
    clf = TopicClassifier(min_examples=4).fit_cached(TWO, TWO_LABELS, folder)
    assert clf.predict(["学校学生", "水利工程"], top=1) == [["school"], ["farm"]]  # new texts: the model is used
    assert not marker.exists()
    assert len(_warnings(capsys)) == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "marshal"])
def test_jinja_bytecode_is_verified(tmp_path, key_home, capsys, damage):
    from jinja2.bccache import bc_magic

    cache = tmp_path / "templates"
    names = sorted(p.name for p in (REPO / "builder" / "render" / "templates").iterdir())
    for n in names:
        template_env(cache).get_template(n)
    entries = sorted(cache.iterdir())
    assert len(entries) == len(names)
    marker = tmp_path / "pwned"
    code = compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")
    for path in entries:
        data = bytearray(path.read_bytes())
        if damage == "flip":
            data[len(data) // 2] ^= 0x40
            path.write_bytes(bytes(data))
        elif damage == "truncate":
            path.write_bytes(bytes(data[:30]))
        else:  # what Jinja's own FileSystemBytecodeCache would run
            path.write_bytes(bc_magic + pickle.dumps("checksum", 2) + marshal.dumps(code))
    capsys.readouterr()
    env = template_env(cache)
    for n in names:
        assert env.get_template(n).render is not None
    assert not marker.exists()
    assert len(_warnings(capsys)) == len(names)
    capsys.readouterr()
    template_env(cache).get_template(names[0])  # recompiled and stored again: quiet now
    assert _warnings(capsys) == []


def test_cache_folders_that_are_files(tmp_path, key_home, monkeypatch):
    """A file where a cache folder should be: the templates still compile, and a build says so in one line."""
    (tmp_path / "templates").write_text("not a folder", "utf-8")
    assert template_env(tmp_path / "templates").get_template("retired.md.j2") is not None
    project = tmp_path / "project"
    project.mkdir()
    (project / ".fangzhi-cache").write_text("not a folder", "utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    expected = (f"fangzhi: error: {project / '.fangzhi-cache'}: cannot make the cache folder for the build lock: "
                "File exists")
    assert result.output.strip().splitlines() == [expected]
