"""Run MkDocs on the written pages and switch the new site in atomically.

``SiteBuild`` starts ``mkdocs build --strict`` into ``<out>.building`` as a
separate process once the pages are written, so that the last stages (the
search index and the downloads, which MkDocs does not process) are written on
the other core while it builds: the one overlap a bench shows to pay (about a
fifth of a first build). ``finish`` waits for it, adds the files written
meanwhile (``copy_late``) and switches the new site in; a failed build leaves the
previous site untouched. MkDocs dies with the build (``PR_SET_PDEATHSIG``): a
killed build leaves no MkDocs writing behind it.

The switch (``switch_in``), in order of preference:

1. ``renameat2(RENAME_EXCHANGE)`` of ``<out>.building`` and ``<out>`` (Linux ≥ 3.15 on
   ext4, xfs, btrfs, tmpfs…): one system call, so at every instant ``<out>`` is the
   complete old site or the complete new one; the old one, now ``<out>.building``,
   is deleted after. The first build (no ``<out>`` yet) is a plain ``rename``.
2. Where the file system cannot exchange: ``<out>`` is published as a symbolic link
   to ``<out>.fangzhi-<n>``, and a new link is renamed over it (atomic too). An
   existing real folder becomes such a link once, through ``<out>.old``: a build killed
   in that instant leaves ``<out>.old``, which the next build puts back first.
3. When ``<out>`` cannot be renamed at all — a mount point (EBUSY) or another file
   system (EXDEV) — its *contents* are switched: the new site is moved (or copied)
   into ``<out>/.fangzhi-incoming`` and each top-level entry is exchanged with the
   old one (each entry atomically, the site as a whole not: a build killed in that
   loop leaves a mix of old and new entries, all complete files, and the next build
   replaces them). Prefer a folder inside the mount as ``--out`` where that matters.

Whatever a killed build left (``<out>.building``, ``<out>.old``, unused
``<out>.fangzhi-*``, ``.fangzhi-incoming``/``.fangzhi-outgoing`` inside ``<out>``) is
cleaned up by the next build before it starts; what cannot be deleted is moved
aside with one warning, so it never blocks a build. The project lock
(builder/files.py ``project_lock``) makes the build the only one touching these.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from builder.files import fault_point, warn
from builder.publish.engine import ENGINES, site_build_command
from builder.publish.plugins import LATER, copy_late

INCOMING = ".fangzhi-incoming"
OUTGOING = ".fangzhi-outgoing"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_CANNOT_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}
_CANNOT_RENAME = {errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES}

# MkDocs runs through this: it asks the kernel to kill it when the build dies, and
# gives up if the build is already gone (the parent pid changed before the request)
_LAUNCH = (
    "import ctypes, os, runpy, signal, sys\n"
    "try: ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)\n"
    "except (AttributeError, OSError): pass\n"
    "if os.getppid() != int(sys.argv[1]): sys.exit(1)\n"
    "sys.argv = sys.argv[2:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


class SiteBuildError(Exception):
    """MkDocs failed (the message holds its warnings and errors), or the site could not be switched in."""


def problems(log: str) -> str:
    """The WARNING/ERROR lines of MkDocs' log (what made a strict build fail), else its tail."""
    lines = [ln for ln in log.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))]
    return "\n".join(lines[-40:]) if lines else log[-4000:]


def site_command(config_file: Path, site_dir: Path, engine: str = ENGINES[0]) -> list[str]:
    """The command line of the site build with ``engine`` (publish/engine.py), run through ``_LAUNCH``
    so that it ends with the build."""
    python, dash_m, module, *args = site_build_command(engine, config_file, site_dir)
    assert dash_m == "-m", dash_m
    return [python, "-c", _LAUNCH, str(os.getpid()), module, *args]


def _exchange(a: Path, b: Path) -> None:
    """Swap the two paths in one step (``renameat2(RENAME_EXCHANGE)``); OSError where not possible."""
    libc = ctypes.CDLL(None, use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _remove(path: Path) -> None:
    """Delete ``path`` (a folder, file or link); what cannot be deleted is moved aside with a warning."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
        return
    if not path.exists():
        return
    shutil.rmtree(path, ignore_errors=True)
    if path.exists() or path.is_symlink():
        aside = path.with_name(f"{path.name}.undeletable-{secrets.token_hex(4)}")
        try:
            os.rename(path, aside)
        except OSError:
            warn(f"{path}: could not be deleted; delete it by hand")
            return
        warn(f"{path}: could not be deleted entirely; left as {aside.name} (delete it by hand)")


def _versions(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f"{out.name}.fangzhi-*")) if out.parent.is_dir() else []


def recover(out: Path) -> None:
    """Put back what a killed build left half done, and clean up its leftovers (see the module's list)."""
    old = out.with_name(out.name + ".old")
    if not out.exists() and not out.is_symlink() and old.is_dir():
        os.rename(old, out)  # killed while a real folder became a link: the old site again
    _remove(old)
    _remove(out.with_name(out.name + ".building"))
    current = out.resolve() if out.is_symlink() else None
    for version in _versions(out):
        if version != current and not version.name.endswith(".link"):
            _remove(version)
        elif version.name.endswith(".link"):
            version.unlink(missing_ok=True)
    if out.is_dir():
        for name in (INCOMING, OUTGOING):
            _remove(out / name)
    for stuck in out.parent.glob(f"{out.name}.*.undeletable-*") if out.parent.is_dir() else []:
        shutil.rmtree(stuck, ignore_errors=True)  # quietly: it was reported when it was left


def switch_in(new: Path, out: Path) -> str:
    """Make the complete site ``new`` the site at ``out`` (see the module's rules); the way it took."""
    if not out.exists() and not out.is_symlink():
        os.rename(new, out)
        return "rename"
    if out.is_symlink():
        _switch_link(new, out)
        return "symlink"
    if not os.path.ismount(out):
        fault_point("swap")
        try:
            _exchange(new, out)
        except OSError as exc:
            if exc.errno in _CANNOT_EXCHANGE:
                _switch_link(new, out)
                return "symlink"
            if exc.errno not in _CANNOT_RENAME:
                raise
        else:
            fault_point("swapped")
            _remove(new)  # the old site
            return "exchange"
    _switch_contents(new, out)
    return "contents"


def _switch_link(new: Path, out: Path) -> None:
    """Fallback 2: ``out`` is a link to the current version; a new link replaces it in one rename."""
    version = out.with_name(f"{out.name}.fangzhi-{secrets.token_hex(6)}")
    os.rename(new, version)
    link = out.with_name(f"{version.name}.link")
    os.symlink(version.name, link)
    previous = out.resolve() if out.is_symlink() else None
    if out.is_symlink():
        fault_point("swap")
        os.replace(link, out)
        fault_point("swapped")
    else:  # a real folder becomes a link, once: for an instant there is only <out>.old (``recover``)
        old = out.with_name(out.name + ".old")
        fault_point("swap")
        os.rename(out, old)
        fault_point("swap-gap")
        os.replace(link, out)
        fault_point("swapped")
        _remove(old)
    if previous is not None and previous != version:
        _remove(previous)


def _switch_contents(new: Path, out: Path) -> None:
    """Fallback 3 (a mount point): exchange ``out``'s top-level entries one by one."""
    incoming, outgoing = out / INCOMING, out / OUTGOING
    _remove(incoming)
    _remove(outgoing)
    try:
        os.rename(new, incoming)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(new, incoming, symlinks=True)
        _remove(new)
    outgoing.mkdir()
    names = sorted(p.name for p in incoming.iterdir())
    fault_point("swap")
    for name in names:
        src, dest = incoming / name, out / name
        if dest.exists() or dest.is_symlink():
            try:
                _exchange(src, dest)  # each entry atomically; the old one is now in incoming
                continue
            except OSError as exc:
                if exc.errno not in _CANNOT_EXCHANGE:
                    raise
            os.rename(dest, outgoing / name)
        os.rename(src, dest)
        fault_point("swap-entry")
    for path in out.iterdir():  # entries of the old site the new one does not have
        if path.name not in names and path.name not in (INCOMING, OUTGOING):
            os.rename(path, outgoing / path.name)
    fault_point("swapped")
    _remove(incoming)
    _remove(outgoing)


class SiteBuild:
    """``mkdocs build --strict`` (or ProperDocs', ``engine``) of ``project_dir`` into
    ``out_dir``.building, started now."""

    def __init__(self, project_dir: Path, out_dir: Path, *, config_file: Path | None = None,
                 epoch: str = "", engine: str = ENGINES[0]) -> None:
        self.out_dir = Path(os.path.abspath(out_dir))  # not resolved: ``out`` may be our link
        self.tmp = self.out_dir.with_name(self.out_dir.name + ".building")
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out_dir)
        env = os.environ.copy()
        if epoch:
            env.setdefault("SOURCE_DATE_EPOCH", epoch)  # no build-time dates in the output
        env.setdefault("NO_MKDOCS_2_WARNING", "1")
        env[LATER] = "later"
        # a file, not a pipe: nobody reads it until the end
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(site_command(config_file or project_dir / "mkdocs.yml", self.tmp, engine),
                                     cwd=project_dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.log, env=env, text=True)
        fault_point("mkdocs-started")
        self.seconds = 0.0  # MkDocs' wall time, known once ``finish`` has waited for it
        self.switched = ""  # how the site was switched in (``switch_in``)

    def finish(self, docs_dir: Path) -> None:
        code = self.proc.wait()
        self.seconds = time.perf_counter() - self.started
        self.log.seek(0)
        log = self.log.read()
        self.log.close()
        if code != 0:
            _remove(self.tmp)
            raise SiteBuildError("mkdocs build --strict failed; the previous site is untouched:\n" + problems(log))
        fault_point("mkdocs-done")
        copy_late(docs_dir, self.tmp)
        fault_point("late-copied")
        try:
            self.switched = switch_in(self.tmp, self.out_dir)
        except OSError as exc:
            _remove(self.tmp)
            raise SiteBuildError(f"{self.out_dir}: the new site could not be put in place: "
                                 f"{exc.strerror or exc}") from None
        fault_point("cleaned")

    def stop(self) -> None:
        """Stop MkDocs (our own stage failed) and drop its half-built site."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        _remove(self.tmp)
